import numpy as np
import pytest
import torch

from cnnbook.data import load_mnist_5k, to_tensor
from cnnbook.models import lecture_cnn, mlp
from cnnbook.train import (
    History,
    conv_positions,
    evaluate,
    scale_gradients,
    sgd_with_lr_factors,
    train,
)


@pytest.fixture(scope="module")
def tiny():
    d = load_mnist_5k()
    train_data = (to_tensor(d.x_train[:300]), torch.from_numpy(d.y_train[:300]))
    test_data = (to_tensor(d.x_test[:100]), torch.from_numpy(d.y_test[:100]))
    return train_data, test_data


def test_train_one_epoch_learns(tiny):
    train_data, test_data = tiny
    model = lecture_cnn(seed=0)
    before = evaluate(model, test_data)
    h = train(model, train_data, test_data=test_data, epochs=2, batch_size=32, lr=2e-3,
              device="cpu", progress=False)  # fmt: skip
    assert isinstance(h, History) and h.epochs == 2 and h.steps_per_epoch == 10
    assert len(h.step_loss) == 20 and len(h.test_accuracy) == 2 and len(h.train_accuracy) == 2
    assert np.mean(h.step_loss[-5:]) < np.mean(h.step_loss[:5])
    assert h.test_accuracy[-1] > max(before, 0.5)
    assert h.test_accuracy[-1] == evaluate(model, test_data)
    assert h.device == "cpu" and len(h.elapsed) == 2


def test_train_is_deterministic_on_cpu(tiny):
    train_data, _ = tiny
    runs = [
        train(lecture_cnn(seed=1), train_data, batch_size=50, max_steps=4, seed=3, device="cpu",
              schedule="onecycle", optimizer="adamw", weight_decay=0.01).step_loss
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0] == runs[1] and len(runs[0]) == 4
    other = train(lecture_cnn(seed=1), train_data, batch_size=50, max_steps=4, seed=4,
                  device="cpu", schedule="onecycle", optimizer="adamw", weight_decay=0.01)
    assert other.step_loss != runs[0]  # the seed drives the shuffling


def test_first_step_loss_is_full_batch_cross_entropy(tiny):
    (x, y), _ = tiny
    model = mlp((784, 10), seed=0)
    expected = torch.nn.functional.cross_entropy(model(x), y).item()
    h = train(model, (x, y), batch_size=len(x), max_steps=1, device="cpu", optimizer="sgd")
    assert h.step_loss[0] == pytest.approx(expected, rel=1e-6)


def test_target_accuracy_and_callable_optimizer(tiny):
    train_data, test_data = tiny
    h = train(mlp(seed=0), train_data, test_data=test_data, epochs=5, target_accuracy=0.0,
              optimizer=lambda m: torch.optim.SGD(m.parameters(), lr=0.1), device="cpu")
    assert h.epochs == 1  # stopped after the first epoch


def test_train_rejects_bad_arguments(tiny):
    train_data, _ = tiny
    model = mlp(seed=0)
    with pytest.raises(ValueError, match="epochs"):
        train(model, train_data, epochs=0)
    with pytest.raises(ValueError, match="optimizer"):
        train(model, train_data, optimizer="lbfgs", device="cpu")
    with pytest.raises(ValueError, match="schedule"):
        train(model, train_data, schedule="cosine")
    with pytest.raises(TypeError, match="train_data"):
        train(model, train_data[0])
    with pytest.raises(ValueError, match="same length"):
        train(model, (train_data[0], train_data[1][:5]))


def test_conv_positions_and_sum_rule():
    torch.manual_seed(0)
    model = lecture_cnn(seed=0)
    assert conv_positions(model, (1, 28, 28)) == {"0.weight": 676, "3.weight": 121}
    # the gradient of a shared weight is the SUM of the gradients of its unshared copies
    conv = torch.nn.Conv2d(1, 1, 3, bias=False)
    x = torch.randn(1, 1, 5, 5)
    conv(x).square().sum().backward()
    w = conv.weight.detach()
    copies = w.expand(9, 1, 3, 3).clone().requires_grad_(True)  # one copy per output position
    patches = torch.nn.functional.unfold(x, 3)[0].T  # (9 positions, 9 inputs)
    out = (patches * copies.reshape(9, 9)).sum(1)
    out.square().sum().backward()
    torch.testing.assert_close(copies.grad.sum(0), conv.weight.grad[0])


def test_scale_gradients_average_equals_smaller_lr(tiny):
    train_data, _ = tiny
    positions = conv_positions(lecture_cnn(), (1, 28, 28))
    # (a) the lecture's average: gradient / positions, learning rate lr
    avg = lecture_cnn(seed=2)
    handles = scale_gradients(avg, {k: 1 / v for k, v in positions.items()})
    ha = train(avg, train_data, batch_size=50, max_steps=3, optimizer="sgd", lr=0.1,
               device="cpu")  # fmt: skip
    for h in handles:
        h.remove()

    # (b) the sum, with the convolutions' learning rate divided by positions
    per_layer_sgd = sgd_with_lr_factors({k: 1 / v for k, v in positions.items()}, lr=0.1)
    summed = lecture_cnn(seed=2)
    hb = train(summed, train_data, batch_size=50, max_steps=3, optimizer=per_layer_sgd,
               device="cpu")  # fmt: skip
    np.testing.assert_allclose(ha.step_loss, hb.step_loss, rtol=1e-5)
    for p, q in zip(avg.parameters(), summed.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match="factors"):
        scale_gradients(avg, {"nope": 1.0})


# --- regressions: argument checks, models without parameters -----------------------------------

def _tiny_data(n=8):
    g = torch.Generator().manual_seed(0)
    return torch.rand(n, 1, 4, 4, generator=g), torch.randint(0, 2, (n,), generator=g)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(batch_size=16.0), TypeError, "`batch_size` must be an int"),
    (dict(batch_size=0), ValueError, "`batch_size` must be >= 1"),
    (dict(epochs=1.5), TypeError, "`epochs` must be an int"),
    (dict(max_steps="3"), TypeError, "`max_steps` must be an int"),
    (dict(target_accuracy=0.5), ValueError, "`target_accuracy` needs `test_data`"),
    (dict(channels_last="no"), TypeError, "`channels_last` must be True or False"),
    (dict(progress="yes"), TypeError, "`progress` must be True or False"),
    (dict(seed=1.0), TypeError, "`seed` must be an int"),
])
def test_train_arguments_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        train(mlp((16, 2)), _tiny_data(), device="cpu", **kwargs)


def test_target_accuracy_must_be_a_fraction():
    data = _tiny_data()
    with pytest.raises(ValueError, match=r"`target_accuracy` must be in \[0, 1\]"):
        train(mlp((16, 2)), data, test_data=data, target_accuracy=97, device="cpu")


def test_models_without_parameters_are_evaluated_on_the_cpu():
    # argmax over the 4 pixels of a 2x2 max-pooled image: no parameters, no StopIteration
    model = torch.nn.Sequential(torch.nn.MaxPool2d(2), torch.nn.Flatten())
    x = torch.zeros(3, 1, 4, 4)
    x[0, 0, 0, 0], x[1, 0, 3, 3], x[2, 0, 0, 3] = 1.0, 1.0, 1.0
    assert evaluate(model, (x, torch.tensor([0, 3, 1]))) == 1.0
    assert conv_positions(model, (1, 4, 4)) == {}
    with pytest.raises(TypeError, match="`batch_size` must be an int"):
        evaluate(model, (x, torch.tensor([0, 3, 1])), batch_size=2.0)
    with pytest.raises(TypeError, match="`model` must be a torch.nn.Module"):
        evaluate(lambda t: t, (x, torch.tensor([0, 3, 1])))
