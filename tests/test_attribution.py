"""Tests of cnnbook.interpret.attribution against Captum and hand-worked cases."""

import pytest
import torch
from captum.attr import Occlusion, Saliency

from cnnbook.interpret.attribution import occlusion_map, saliency_map


def _small_cnn(seed=0, channels=2, classes=3):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Conv2d(channels, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, classes),
    ).double()


def _x(seed=1, n=3, channels=2, size=8):
    return torch.rand((n, channels, size, size), generator=torch.Generator().manual_seed(seed),
                      dtype=torch.float64)


def test_saliency_matches_captum_max_over_channels():
    model, x = _small_cnn(), _x()
    target = [0, 2, 1]
    ours = saliency_map(model, x, target)
    theirs = Saliency(model).attribute(x.clone().requires_grad_(True), target=target, abs=True)
    theirs = theirs.amax(dim=1)
    assert ours.shape == (3, 8, 8)
    torch.testing.assert_close(ours, theirs)


def test_saliency_of_linear_model_is_abs_weight():
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor([[0.5, -1.0, 0.0, 2.0], [1.0, 1.0, 1.0, 1.0]]))
    out = saliency_map(model, torch.rand(2, 1, 2, 2), target=[0, 1])
    torch.testing.assert_close(out[0], torch.tensor([[0.5, 1.0], [0.0, 2.0]]))
    torch.testing.assert_close(out[1], torch.ones(2, 2))


def test_saliency_restores_mode_and_leaves_params_without_grad():
    model, x = _small_cnn(), _x()
    model.train()
    saliency_map(model, x, 0)
    assert model.training
    assert all(p.grad is None for p in model.parameters())
    model.eval()
    saliency_map(model, x, 0)
    assert not model.training


@pytest.mark.parametrize("window,stride", [(3, 1), (3, 2), (3, 3), ((4, 2), (3, 1)), (8, 1)])
@pytest.mark.parametrize("baseline", [0.0, 0.5])
def test_occlusion_matches_captum(window, stride, baseline):
    model, x = _small_cnn(), _x()
    target = [1, 0, 2]
    ours = occlusion_map(model, x, target, window=window, stride=stride, baseline=baseline,
                         batch_size=7)
    wh, ww = (window, window) if isinstance(window, int) else window
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    theirs = Occlusion(model).attribute(x, target=target, sliding_window_shapes=(2, wh, ww),
                                        strides=(1, sh, sw), baselines=baseline)
    assert ours.shape == (3, 8, 8)
    torch.testing.assert_close(theirs[:, 0], theirs[:, 1])
    torch.testing.assert_close(ours, theirs[:, 0].to(ours.dtype), rtol=1e-5, atol=1e-6)


def test_occlusion_pinned_values_on_hand_built_model():
    # y = sum of pixels: occluding a window drops y by the window's sum.
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(9, 1, bias=False))
    with torch.no_grad():
        model[1].weight.fill_(1.0)
    x = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    out = occlusion_map(model, x, 0, window=2, stride=1)
    # window sums: [[12, 16], [24, 28]]; corner pixels see one window, centre all four
    expected = torch.tensor([[[12.0, 14.0, 16.0], [18.0, 20.0, 22.0], [24.0, 26.0, 28.0]]])
    torch.testing.assert_close(out, expected)
    # stride 2 on 3 pixels: windows at 0 and 2, the second cut off at the border
    out = occlusion_map(model, x, 0, window=2, stride=2)
    expected = torch.tensor([[[12.0, 12.0, 9.0], [12.0, 12.0, 9.0], [15.0, 15.0, 9.0]]])
    torch.testing.assert_close(out, expected)


def test_occlusion_restores_training_mode():
    model = _small_cnn()
    model.train()
    occlusion_map(model, _x(), 0, window=3, stride=2)
    assert model.training


@pytest.mark.parametrize("kwargs,exc,name", [
    (dict(window=9, stride=1), ValueError, "window"),
    (dict(window=3, stride=0), ValueError, "stride"),
    (dict(window=2, stride=3), ValueError, "stride"),
    (dict(window=3, stride=1.5), TypeError, "stride"),
    (dict(window=3, stride=1, baseline="a"), TypeError, "baseline"),
])
def test_occlusion_bad_arguments(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        occlusion_map(_small_cnn(), _x(), 0, **kwargs)


@pytest.mark.parametrize("func", [
    lambda m, x, t: saliency_map(m, x, t),
    lambda m, x, t: occlusion_map(m, x, t, window=3, stride=2),
])
def test_bad_target_and_input(func):
    model, x = _small_cnn(), _x()
    with pytest.raises(ValueError, match="target"):
        func(model, x, 3)
    with pytest.raises(ValueError, match="target"):
        func(model, x, [0, 1])
    with pytest.raises(TypeError, match="target"):
        func(model, x, 0.5)
    with pytest.raises(ValueError, match="`x`"):
        func(model, x[0], 0)
    with pytest.raises(TypeError, match="`x`"):
        func(model, x.numpy(), 0)


def test_occlusion_baseline_must_be_a_number_not_a_bool():
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    with pytest.raises(TypeError, match="`baseline` must be a number"):
        occlusion_map(model, torch.ones(1, 1, 2, 2), 1, window=1, stride=1, baseline=True)
