"""Tests of cnnbook.interpret.maximize (activation maximisation)."""

import pytest
import torch

from cnnbook.interpret.maximize import maximize_activation


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def _small_cnn():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3),
    )


@pytest.mark.parametrize("layer_index,unit", [(0, 2), (4, 1), (None, 0)])
def test_ascent_increases_activation(layer_index, unit):
    model = _small_cnn()
    layer = None if layer_index is None else model[layer_index]
    res = maximize_activation(model, layer, unit, input_shape=(1, 8, 8), steps=20, lr=0.05,
                              generator=_gen())
    assert res.image.shape == (1, 1, 8, 8)
    assert res.scores.shape == (21, 1)
    assert res.scores[0, 0] < res.scores[-1, 0]


def test_conv_activation_is_sum_of_feature_map():
    model = _small_cnn()
    res = maximize_activation(model, model[0], [0, 3], input_shape=(1, 8, 8), steps=3,
                              generator=_gen())
    with torch.no_grad():
        a = model[0](res.image)
    torch.testing.assert_close(res.scores[-1], torch.stack([a[0, 0].sum(), a[1, 3].sum()]))


def test_image_in_range_and_model_untouched():
    model = _small_cnn()
    before = [p.detach().clone() for p in model.parameters()]
    model.train()
    res = maximize_activation(model, None, [0, 1, 2], input_shape=(1, 8, 8), steps=10, lr=0.5,
                              value_range=(-1.0, 2.0), generator=_gen())
    assert res.image.min() >= -1.0 and res.image.max() <= 2.0
    assert model.training
    assert all(p.grad is None for p in model.parameters())
    for p, q in zip(model.parameters(), before, strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    assert not model[0]._forward_hooks


def test_l1_gives_sparser_image():
    model = _small_cnn()
    kw = dict(input_shape=(1, 8, 8), steps=40, lr=0.05)
    plain = maximize_activation(model, None, 1, **kw, generator=_gen(3))
    sparse = maximize_activation(model, None, 1, **kw, l1=0.5, generator=_gen(3))
    assert sparse.image.abs().sum() < plain.image.abs().sum()


def test_deterministic_with_generator():
    model = _small_cnn()
    a = maximize_activation(model, model[4], 2, input_shape=(1, 8, 8), steps=5, generator=_gen(7))
    b = maximize_activation(model, model[4], 2, input_shape=(1, 8, 8), steps=5, generator=_gen(7))
    torch.testing.assert_close(a.image, b.image, rtol=0, atol=0)


def test_linear_model_reaches_analytic_optimum():
    # y = w.x on [0, 1]: the maximiser is x = 1 where w > l1, 0 elsewhere; y* = sum(w[w > l1]).
    w = torch.tensor([0.3, -0.2, 0.9, 0.05, -1.0, 0.6])
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 1, bias=False))
    with torch.no_grad():
        model[1].weight.copy_(w[None])
    for l1, expected in [(0.0, w > 0), (0.4, w > 0.4)]:
        res = maximize_activation(model, None, 0, input_shape=(1, 1, 6), steps=60, lr=0.1,
                                  l1=l1, generator=_gen())
        # |x| has zero gradient at 0, so a pixel the penalty pins there may jitter by ~1e-4
        torch.testing.assert_close(res.image.reshape(6), expected.float(), rtol=0, atol=2e-3)
        torch.testing.assert_close(res.scores[-1, 0], w[expected].sum(), rtol=0, atol=2e-3)


@pytest.mark.parametrize("kwargs,exc,name", [
    (dict(steps=0), ValueError, "steps"),
    (dict(lr=0.0), ValueError, "lr"),
    (dict(l1=-1.0), ValueError, "l1"),
    (dict(value_range=(1.0, 0.0)), ValueError, "value_range"),
    (dict(unit=9), ValueError, "unit"),
    (dict(unit=[]), ValueError, "unit"),
    (dict(layer=torch.nn.ReLU()), ValueError, "layer"),
])
def test_bad_arguments(kwargs, exc, name):
    model = _small_cnn()
    args = dict(layer=None, unit=0, input_shape=(1, 8, 8), steps=2)
    args.update(kwargs)
    with pytest.raises(exc, match=name):
        maximize_activation(model, args.pop("layer"), args.pop("unit"), **args)


@pytest.mark.parametrize("kwargs, match", [(dict(lr="0.1"), "`lr` must be a real number"),
                                           (dict(l1=True), "`l1` must be a real number"),
                                           (dict(value_range=(0, "1")), "`value_range`")])
def test_numbers_must_be_numbers(kwargs, match):
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 1))
    with pytest.raises(TypeError, match=match):
        maximize_activation(model, None, 0, input_shape=(1, 2, 2), steps=1, **kwargs)


@pytest.mark.parametrize("kwargs, match", [(dict(unit=True), "`unit` must be an int"),
                                           (dict(input_shape=(1, 2.0, 2)), "`input_shape`")])
def test_unit_and_shape_are_checked(kwargs, match):
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 1))
    args = dict(unit=0, input_shape=(1, 2, 2)) | kwargs
    with pytest.raises(TypeError, match=match):
        maximize_activation(model, None, args.pop("unit"), steps=1, **args)
