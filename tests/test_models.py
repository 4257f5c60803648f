import pytest
import torch
from torch import nn

from cnnbook.models import TraceRow, lecture_cnn, mlp, small_cnn, trace


def test_lecture_cnn_trace_matches_the_notes():
    rows = trace(lecture_cnn(), (1, 28, 28))
    convs = [r for r in rows if r.kind == "Conv2d"]
    pools = [r for r in rows if r.kind == "MaxPool2d"]
    assert [r.output_shape for r in convs] == [(25, 26, 26), (50, 11, 11)]
    assert [r.output_shape for r in pools] == [(25, 13, 13), (50, 5, 5)]
    assert [r.weights_per_unit for r in convs] == [9, 225]  # the notes' 9 and 225
    assert [r.params for r in convs] == [25 * 9 + 25, 50 * 225 + 50]
    assert rows[-1].output_shape == (10,)
    assert sum(r.params for r in rows) == sum(p.numel() for p in lecture_cnn().parameters())


def test_trace_hand_worked():
    model = nn.Sequential(nn.Conv2d(3, 4, 5, stride=2, padding=1, groups=1), nn.Flatten())
    rows = trace(model, (3, 9, 9))
    assert rows[0] == TraceRow("0", "Conv2d", (4, 4, 4), 4 * 75 + 4, 75)
    assert rows[1] == TraceRow("1", "Flatten", (64,), 0, None)


def test_trace_keeps_mode_and_checks_input():
    model = small_cnn(widths=(4,))
    model.train()
    rows = trace(model, (1, 28, 28))
    assert model.training
    assert rows[1].kind == "BatchNorm2d" and rows[1].weights_per_unit is None
    with pytest.raises(TypeError, match="model"):
        trace(nn.Linear(2, 2), (2,))
    with pytest.raises(ValueError, match="input_shape"):
        trace(model, (1, 0, 28))


def test_builders_are_seeded_and_leave_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a, b = lecture_cnn(seed=5), lecture_cnn(seed=5)
    after = torch.rand(1)
    assert torch.equal(before, after)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)
    c = lecture_cnn(seed=6)
    assert not torch.equal(a[0].weight, c[0].weight)


def test_lecture_cnn_options():
    model = lecture_cnn(activation=False)
    assert not any(isinstance(m, nn.ReLU) for m in list(model)[:6])
    calls = []

    def conv(cin, cout, k):
        calls.append((cin, cout, k))
        return nn.Conv2d(cin, cout, k)

    lecture_cnn(conv=conv)
    assert calls == [(1, 25, 3), (25, 50, 3)]


def test_small_cnn_and_mlp_shapes():
    x = torch.zeros(3, 1, 28, 28)
    assert small_cnn()(x).shape == (3, 10)
    assert small_cnn(widths=(8, 8), num_classes=4)(x).shape == (3, 4)
    assert mlp((784, 5, 6, 10))(x).shape == (3, 10)
    with pytest.raises(ValueError, match="widths"):
        small_cnn(widths=())
    with pytest.raises(ValueError, match="sizes"):
        mlp((784,))


def test_position_net_and_conv_stack():
    from cnnbook.models import conv_stack, position_net

    x = torch.zeros(2, 1, 16, 16)
    plain, pooled = position_net(pooling=False), position_net(pooling=True)
    assert plain(x).shape == pooled(x).shape == (2, 256)
    assert not any(isinstance(m, nn.MaxPool2d) for m in plain)
    assert sum(isinstance(m, nn.MaxPool2d) for m in pooled) == 2
    # the plain net is equivariant: a pixel moved by one moves the argmax by one
    plain = position_net(pooling=False, seed=3)
    a, b = torch.zeros(1, 1, 16, 16), torch.zeros(1, 1, 16, 16)
    a[0, 0, 5, 5], b[0, 0, 5, 6] = 1.0, 1.0
    ya, yb = plain(a).reshape(16, 16), plain(b).reshape(16, 16)
    torch.testing.assert_close(ya[3:8, 3:8], yb[3:8, 4:9])
    with pytest.raises(ValueError, match="size"):
        position_net(pooling=True, size=10)
    stack = conv_stack(4, channels=3)
    assert sum(isinstance(m, nn.Conv2d) for m in stack) == 4
    assert sum(isinstance(m, nn.ReLU) for m in stack) == 3
    assert stack(torch.zeros(1, 1, 7, 7)).shape == (1, 3, 7, 7)
    with pytest.raises(ValueError, match="depth"):
        conv_stack(0)


# --- regressions: booleans and ints are checked ------------------------------------------------

@pytest.mark.parametrize("call, error, match", [
    (lambda: lecture_cnn(activation="no"), TypeError, "`activation` must be True or False"),
    (lambda: small_cnn(widths=(4.0,)), TypeError, "`widths` must be an int"),
    (lambda: small_cnn(widths=4), TypeError, "`widths` must be a tuple"),
    (lambda: mlp((16.0, 2)), TypeError, "`sizes` must be an int"),
    (lambda: lecture_cnn(seed=0.5), TypeError, "`seed` must be an int"),
    (lambda: trace(lecture_cnn(), (1, 28.0, 28)), TypeError, "`input_shape` must be an int"),
])
def test_model_arguments_are_checked(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_position_net_and_conv_stack_check_their_flags():
    from cnnbook.models import conv_stack, position_net

    with pytest.raises(TypeError, match="`pooling` must be True or False"):
        position_net(pooling="yes")
    with pytest.raises(TypeError, match="`depth` must be an int"):
        conv_stack(2.0)
