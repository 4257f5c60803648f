"""Tests of cnnbook.interpret.dream (Lucent-style: a few steps, the dreamed score rises)."""

import pytest
import torch
from torch import nn

from cnnbook.interpret.dream import deep_dream, layer_output
from cnnbook.models import lecture_cnn


def _tiny():
    model = nn.Sequential(nn.Conv2d(1, 2, 2, bias=False), nn.ReLU(), nn.Flatten())
    with torch.no_grad():
        w = torch.tensor([[[[1.0, 0.0], [0.0, 0.0]]], [[[0.0, 0.0], [0.0, -1.0]]]])
        model[0].weight.copy_(w)
    return model


def test_layer_output_by_module_name_and_index():
    model = lecture_cnn(seed=0)
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    expected = model[:5](x)
    for layer in (4, "4", model[4]):
        torch.testing.assert_close(layer_output(model, layer, x), expected)
    # stops at the layer: a 40x40 input would fail in the Linear layers
    assert layer_output(model, 4, torch.zeros(1, 1, 40, 40)).shape == (1, 50, 17, 17)


def test_one_step_exact_on_a_hand_built_model():
    # conv picks the top-left pixel (filter 1) and minus the bottom-right one (filter 2) of each
    # 2x2 window; ReLU; score = ||a||^2 / (2n). On a 2x2 image x = [[.5, .1], [.1, .2]]:
    # a = (relu(.5), relu(-.2)) = (.5, 0), n = 2, dS/dx_00 = a_1 / n = .25, others 0.
    # The normalised step is lr * g / mean|g| = lr * [4, 0, 0, 0]: x_00 += 4 lr.
    x = torch.tensor([[[[0.5, 0.1], [0.1, 0.2]]]])
    out = deep_dream(_tiny(), 1, x, steps=1, lr=0.01)
    torch.testing.assert_close(out.image, torch.tensor([[[[0.54, 0.1], [0.1, 0.2]]]]))
    assert out.score == pytest.approx([0.25 / 4, 0.54**2 / 4])
    assert torch.equal(x, torch.tensor([[[[0.5, 0.1], [0.1, 0.2]]]]))  # input untouched


def test_dream_score_rises_on_the_lecture_cnn():
    model = lecture_cnn(seed=0).eval()
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 0.5
    for objective in ("norm", "target"):
        out = deep_dream(model, 4, x, steps=5, lr=0.02, objective=objective)
        assert out.score[-1] > out.score[0]
        assert len(out.score) == 6 and out.image.shape == x.shape
        assert 0 <= float(out.image.min()) and float(out.image.max()) <= 1
    assert all(p.grad is None for p in model.parameters())


def test_norm_and_target_take_the_same_first_step():
    # grad of -||a||^2/2n is -J^T a / n; grad of ||a - f a0||^2/2n at a = a0 is -(f-1) J^T a / n:
    # after normalisation the two steps are identical.
    model = lecture_cnn(seed=1).eval()
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    a = deep_dream(model, 2, x, steps=1, lr=0.01, clamp=None)
    b = deep_dream(model, 2, x, steps=1, lr=0.01, clamp=None, objective="target", factor=3.0)
    torch.testing.assert_close(a.image, b.image)


def test_jitter_is_seeded_and_channels_select():
    model = lecture_cnn(seed=0).eval()
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    runs = [deep_dream(model, 1, x, steps=3, jitter=2, generator=torch.Generator().manual_seed(5))
            for _ in range(2)]
    assert torch.equal(runs[0].image, runs[1].image)
    a = layer_output(model, 1, x).detach()
    c = int(a.mean(dim=(0, 2, 3)).argmax())  # a channel that responds
    one = deep_dream(model, 1, x, steps=3, channels=[c])
    assert one.score[-1] > one.score[0]
    assert one.score[0] == pytest.approx(float((a[:, c] ** 2).mean() / 2), rel=1e-5)


def test_bad_input():
    model = _tiny()
    x = torch.zeros(1, 1, 4, 4)
    with pytest.raises(ValueError, match="x"):
        deep_dream(model, 1, torch.zeros(4, 4))
    with pytest.raises(TypeError, match="x"):
        deep_dream(model, 1, x.numpy())
    with pytest.raises(ValueError, match="steps"):
        deep_dream(model, 1, x, steps=-1)
    with pytest.raises(ValueError, match="lr"):
        deep_dream(model, 1, x, lr=0)
    with pytest.raises(ValueError, match="objective"):
        deep_dream(model, 1, x, objective="max")
    with pytest.raises(ValueError, match="jitter"):
        deep_dream(model, 1, x, objective="target", jitter=1)
    with pytest.raises(ValueError, match="layer"):
        deep_dream(model, 7, x)
    with pytest.raises(ValueError, match="layer"):
        deep_dream(model, nn.ReLU(), x)
    with pytest.raises(TypeError, match="layer"):
        deep_dream(model, 1.0, x)
    with pytest.raises(TypeError, match="model"):
        layer_output(lambda t: t, 0, x)


@pytest.mark.parametrize("kwargs, match", [(dict(lr="0.1"), "`lr` must be a real number"),
                                           (dict(factor=None), "`factor` must be a real number")])
def test_dream_numbers_must_be_numbers(kwargs, match):
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU())
    with pytest.raises(TypeError, match=match):
        deep_dream(model, 1, torch.zeros(1, 1, 5, 5), steps=1, **kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(channels=[0.5]), TypeError, "`channels` must be an int"),
    (dict(channels=3), TypeError, "`channels` must be a sequence"),
    (dict(clamp="01"), TypeError, "`clamp` must be None or a pair"),
    (dict(clamp=(1.0, 0.0)), ValueError, "low < high"),
])
def test_dream_channels_and_clamp_are_checked(kwargs, error, match):
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU())
    with pytest.raises(error, match=match):
        deep_dream(model, 1, torch.zeros(1, 1, 5, 5), steps=1, **kwargs)
