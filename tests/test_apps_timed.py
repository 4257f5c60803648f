import pytest
import torch

from cnnbook.apps.timed import timed_fit
from cnnbook.models import mlp
from cnnbook.train import evaluate, train


def _data():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(64, 1, 2, 2, generator=g)
    return x, (x.mean((1, 2, 3)) > 0.5).long()


def test_timed_fit_trains_like_train_and_reports_each_test_set():
    data = _data()
    a, b = mlp((4, 8, 2), seed=1), mlp((4, 8, 2), seed=1)
    half = (data[0][:32], data[1][:32])
    r = timed_fit(a, data, {"all": data, "half": half},
                  epochs=3, batch_size=16, device="cpu", seed=2)
    h = train(b, data, epochs=3, batch_size=16, device="cpu", seed=2)
    assert r.history.step_loss == h.step_loss  # same training, bit for bit
    assert r.accuracy == {"all": evaluate(b, data), "half": evaluate(b, half)}
    assert r.parameters == 4 * 8 + 8 + 8 * 2 + 2
    assert r.wall > 0 and r.cpu >= 0


def test_timed_fit_restores_the_thread_count_even_on_error():
    n = torch.get_num_threads()
    with pytest.raises(ValueError, match="epochs"):
        timed_fit(mlp((4, 2)), _data(), {}, threads=1, epochs=0)
    assert torch.get_num_threads() == n
    with pytest.raises(TypeError, match="tests"):
        timed_fit(mlp((4, 2)), _data(), [("a", _data())])
    with pytest.raises(ValueError, match="threads"):
        timed_fit(mlp((4, 2)), _data(), {}, threads=0)


def test_timed_fit_with_dropout_does_not_depend_on_the_global_generator():
    data = _data()

    def run(global_seed):
        torch.manual_seed(global_seed)
        net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 8),
                                  torch.nn.Dropout(0.5), torch.nn.Linear(8, 2))
        with torch.no_grad():
            for i, p in enumerate(net.parameters()):
                p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape) * (i + 1))
        return timed_fit(net, data, {}, epochs=2, batch_size=16, device="cpu", seed=3)

    assert run(0).history.step_loss == run(1).history.step_loss
