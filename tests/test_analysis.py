"""Tests of cnnbook.analysis against hand-worked cases and torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnnbook.analysis import layer_costs, shift_unchanged_share, stage_values


def _share_torch(x, k, shift=1, active_only=False):
    """Independent oracle: torch pooling of the crop and of the moved crop, four directions."""
    t = torch.as_tensor(x)
    h, w = t.shape[2] - 2 * shift, t.shape[3] - 2 * shift
    h, w = h - h % k, w - w % k
    equal = total = 0
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        a = t[:, :, shift:shift + h, shift:shift + w]
        b = t[:, :, shift + dy * shift:shift + dy * shift + h,
              shift + dx * shift:shift + dx * shift + w]
        pa, pb = F.max_pool2d(a, k), F.max_pool2d(b, k)
        mask = ((pa != 0) | (pb != 0)) if active_only else torch.ones_like(pa, dtype=bool)
        equal += int(((pa == pb) & mask).sum())
        total += int(mask.sum())
    return equal / total


def test_constant_image_never_changes():
    assert shift_unchanged_share(np.ones((1, 1, 9, 9)), kernel_size=1) == 1.0


def test_checkerboard_changes_everywhere_without_pooling_and_nowhere_with_it():
    board = (np.indices((10, 10)).sum(0) % 2).astype(float)[None, None]
    assert shift_unchanged_share(board, kernel_size=1) == 0.0
    assert shift_unchanged_share(board, kernel_size=2, pool="max") == 1.0
    assert shift_unchanged_share(board, kernel_size=2, pool="avg") == 1.0
    assert shift_unchanged_share(board, kernel_size=2, pool="min") == 1.0


@pytest.mark.parametrize("k", [1, 2, 3, 4])
@pytest.mark.parametrize("shift", [1, 2])
@pytest.mark.parametrize("active_only", [False, True])
def test_matches_torch_max_pooling_on_random_sparse_maps(k, shift, active_only):
    rng = np.random.default_rng(k + 10 * shift)
    x = np.maximum(rng.standard_normal((2, 3, 17, 15)) - 0.8, 0)  # ReLU-like: many zeros
    assert shift_unchanged_share(x, kernel_size=k, shift=shift, active_only=active_only) == (
        pytest.approx(_share_torch(x, k, shift, active_only)))


def test_active_only_ignores_empty_regions():
    x = np.zeros((1, 1, 8, 8))
    x[0, 0, 3, 3] = 1.0
    assert shift_unchanged_share(x, active_only=True) == 0.0  # the pixel always moves
    with pytest.raises(ValueError, match="nonzero"):
        shift_unchanged_share(np.zeros((1, 1, 8, 8)), active_only=True)


def test_pooling_raises_the_share_on_a_photo_feature_map():
    rng = np.random.default_rng(0)
    x = np.maximum(rng.standard_normal((1, 1, 40, 40)), 0)
    assert shift_unchanged_share(x, kernel_size=3) > shift_unchanged_share(x, kernel_size=1)


@pytest.mark.parametrize("kwargs", [
    {"x": np.zeros((4, 4))},
    {"x": np.zeros((1, 1, 4, 4)), "kernel_size": 3},
    {"x": np.zeros((1, 1, 8, 8)), "pool": "median"},
    {"x": np.zeros((1, 1, 8, 8)), "shift": 0},
])
def test_shift_unchanged_share_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        shift_unchanged_share(**kwargs)


LECTURE = [("conv", 25, 3), ("pool", 2), ("conv", 50, 3), ("pool", 2), ("flatten",),
           ("fc", 100), ("fc", 10)]


def _torch_model(specs, c):
    mods = []
    for spec in specs:
        if spec[0] == "conv":
            mods.append(nn.Conv2d(c, spec[1], spec[2]))
            c = spec[1]
        elif spec[0] == "pool":
            mods.append(nn.MaxPool2d(spec[1]))
        elif spec[0] == "flatten":
            mods.append(nn.Flatten())
        else:
            mods.append(nn.LazyLinear(spec[1]))
    return nn.Sequential(*mods)


@pytest.mark.parametrize("specs", [LECTURE, [s for s in LECTURE if s[0] != "pool"]])
def test_layer_costs_shapes_and_params_match_torch(specs):
    model = _torch_model(specs, 1)
    x = torch.zeros(1, 1, 28, 28)
    records = layer_costs((1, 28, 28), specs)
    for layer, rec in zip(model, records, strict=True):
        x = layer(x)
        assert rec["shape"] == tuple(x.shape[1:])
        assert rec["values"] == x[0].numel()
        assert rec["params"] == sum(p.numel() for p in layer.parameters())


def test_layer_costs_mult_adds_of_the_lecture_network():
    rec = layer_costs((1, 28, 28), LECTURE)
    assert [r["mult_adds"] for r in rec] == [26 * 26 * 25 * 9, 0, 11 * 11 * 50 * 225, 0, 0,
                                             1250 * 100, 100 * 10]


@pytest.mark.parametrize("shape, layers", [
    ((28, 28), [("conv", 1, 3)]),
    ((1, 28, 28), [("fc", 10)]),
    ((1, 28, 28), [("flatten",), ("pool", 2)]),
    ((1, 28, 28), [("dropout", 0.5)]),
    ((1, 28, 28), [("conv", 0, 3)]),
])
def test_layer_costs_rejects_bad_stacks(shape, layers):
    with pytest.raises(ValueError):
        layer_costs(shape, layers)


def test_stage_values_numbers_stages_and_marks_missing_ones():
    rec = layer_costs((1, 28, 28), [("conv", 25, 3), ("pool", 2), ("conv", 50, 3), ("pool", 2),
                                    ("flatten",), ("fc", 10)])
    stages = ["conv1", "pool1", "conv2", "pool2", "flatten"]
    assert stage_values(rec, stages) == [25 * 26 * 26, 25 * 13 * 13, 50 * 11 * 11, 50 * 5 * 5,
                                         1250]
    no_pool = layer_costs((1, 28, 28), [("conv", 25, 3), ("conv", 50, 3), ("flatten",)])
    values = stage_values(no_pool, stages)
    assert values[0] == 25 * 26 * 26 and values[1] != values[1]  # pool1 missing: NaN
    assert values[2] == 50 * 24 * 24 and values[4] == 50 * 24 * 24


def test_analysis_flags_and_shapes_are_checked():
    with pytest.raises(TypeError, match="`active_only` must be True or False"):
        shift_unchanged_share(np.zeros((1, 1, 8, 8)), active_only="yes")
    with pytest.raises(TypeError, match="`input_shape` must be an int"):
        layer_costs((1, 28.5, 28), [("flatten",)])
    assert layer_costs((np.int64(1), 28, 28), [("flatten",)])[0]["values"] == 784


def test_stage_values_checks_its_inputs():
    with pytest.raises(TypeError, match="`records` must be the list of dicts"):
        stage_values("abc", ["conv1"])
    with pytest.raises(TypeError, match="`stages` must be a sequence"):
        stage_values(layer_costs((1, 28, 28), [("flatten",)]), "flatten")
