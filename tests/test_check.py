"""Tests of cnnbook._check: every helper accepts what it should and names the parameter."""

import numpy as np
import pytest

from cnnbook._check import (
    as_float_array,
    check_choice,
    check_int,
    check_ndim,
    check_nonnegative,
    check_positive,
    nonnegative_pair,
    pair,
    positive_pair,
)


@pytest.mark.parametrize("value, expected", [(3, (3, 3)), ((1, 2), (1, 2)), ([4, 5], (4, 5)),
                                             (np.int64(2), (2, 2))])
def test_pair_accepts_ints_and_pairs(value, expected):
    assert pair(value, "stride") == expected
    assert all(type(v) is int for v in pair(value, "stride"))


@pytest.mark.parametrize("value", [1.0, True, "2", None, (1, 2.0), (True, 1)])
def test_pair_rejects_non_ints_with_type_error(value):
    with pytest.raises(TypeError, match="`stride`"):
        pair(value, "stride")


def test_pair_rejects_wrong_length():
    with pytest.raises(ValueError, match="`padding`"):
        pair((1, 2, 3), "padding")


def test_positive_and_nonnegative():
    assert check_positive(1, "stride") == 1
    assert check_nonnegative(0, "padding") == 0
    with pytest.raises(ValueError, match="`stride` must be >= 1"):
        check_positive(0, "stride")
    with pytest.raises(ValueError, match="`padding` must be >= 0"):
        check_nonnegative(-1, "padding")
    with pytest.raises(ValueError, match="`stride`"):
        positive_pair((1, 0), "stride")
    with pytest.raises(ValueError, match="`padding`"):
        nonnegative_pair((0, -2), "padding")
    with pytest.raises(TypeError, match="`k`"):
        check_int(2.5, "k")


def test_check_ndim():
    x = np.zeros((2, 3))
    assert check_ndim(x, 2, "x") is x
    assert check_ndim(x, (2, 4), "x") is x
    with pytest.raises(ValueError, match="`x` must have 3 or 4 dimensions, got 2"):
        check_ndim(x, (3, 4), "x")


def test_check_choice():
    assert check_choice("full", ("full", "same"), "mode") == "full"
    with pytest.raises(ValueError, match="`mode` must be one of"):
        check_choice("fool", ("full", "same"), "mode")
    with pytest.raises(TypeError, match="`mode`"):
        check_choice(["full"], ("full",), "mode")


def test_as_float_array_keeps_float32_and_float64():
    for dtype in (np.float32, np.float64):
        assert as_float_array(np.ones(2, dtype), "x").dtype == dtype
    assert as_float_array([1, 2], "x").dtype == np.float64
    assert as_float_array(np.ones(2, np.uint8), "x").dtype == np.float64
    assert as_float_array(np.ones(2, np.float16), "x").dtype == np.float64


@pytest.mark.parametrize("bad", [np.array(["a"]), np.ones(2, complex), [[1, 2], [3]],
                                 np.array([None])])
def test_as_float_array_rejects_non_numeric(bad):
    with pytest.raises(TypeError, match="`x`"):
        as_float_array(bad, "x")


def test_as_float_array_rejects_torch_tensors():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="`x`.*torch"):
        as_float_array(torch.ones(2), "x")


def test_check_bool_and_check_real():
    from cnnbook._check import check_bool, check_real

    assert check_bool(np.bool_(False), "flag") is False
    for bad in ("yes", 1, None, np.array([True])):
        with pytest.raises(TypeError, match="`flag` must be True or False"):
            check_bool(bad, "flag")
    assert check_real(np.int64(3), "lr") == 3.0
    for bad in (True, "1", None):
        with pytest.raises(TypeError, match="`lr` must be a real number"):
            check_real(bad, "lr")


def test_check_ndim_names_a_range_briefly():
    with pytest.raises(ValueError, match="must have at least 2 dimensions, got 1"):
        check_ndim(np.ones(3), range(2, 33), "x")
    with pytest.raises(ValueError, match="must have 2 or 3 dimensions"):
        check_ndim(np.ones(3), (2, 3), "x")


def test_torch_seed_seeds_the_block_and_restores_the_global_generator():
    import torch

    from cnnbook._check import check_at_least, seeded, torch_seed

    torch.manual_seed(123)
    state = torch.random.get_rng_state()
    with torch_seed(7):
        a = torch.rand(3)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.equal(a, torch.rand(3, generator=torch.Generator().manual_seed(7)))
    assert torch.equal(seeded(lambda: torch.rand(3), 7), a)
    for bad in (1.5, "7", True):
        with pytest.raises(TypeError, match="`seed` must be an int"), torch_seed(bad):
            pass
    assert check_at_least(5, 5, "board_size") == 5
    with pytest.raises(ValueError, match="`board_size` must be >= 5, got 4"):
        check_at_least(4, 5, "board_size")
    with pytest.raises(TypeError, match="`board_size`"):
        check_at_least(5.0, 5, "board_size")


@pytest.mark.parametrize("build", [
    "cnnbook.models.lecture_cnn", "cnnbook.apps.go.policy_net", "cnnbook.apps.go.fc_policy_net",
    "cnnbook.apps.speech.frequency_cnn", "cnnbook.invariance.pool_net",
    "cnnbook.priors.conv_head_position_net",
])
def test_builders_take_their_weights_from_their_seed_alone(build):
    import importlib

    import torch

    module, name = build.rsplit(".", 1)
    make = getattr(importlib.import_module(module), name)
    kwargs = {"board_size": 9, "planes": 4} if "go" in module else {}
    if name == "policy_net":
        kwargs.update(filters=4, layers=3)
    if name == "fc_policy_net":
        kwargs.update(hidden=(8,))
    if name == "pool_net":
        kwargs.update(pooling=True)
    state = torch.random.get_rng_state()
    a, b, c = make(seed=3, **kwargs), make(seed=3, **kwargs), make(seed=4, **kwargs)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(next(a.parameters()), next(c.parameters()))


def test_check_positive_real():
    from cnnbook._check import check_positive_real

    assert check_positive_real(np.float32(0.5), "sigma") == 0.5
    for bad, kind in ((0, ValueError), (-1.0, ValueError), (float("inf"), ValueError),
                      (float("nan"), ValueError), ("1", TypeError), (True, TypeError)):
        with pytest.raises(kind, match="`sigma`"):
            check_positive_real(bad, "sigma")
