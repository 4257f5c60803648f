"""pad2d and its backward against torch.nn.functional.pad and autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.padding import pad2d, pad2d_backward, padding_amounts

TORCH_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
              "circular": "circular"}


@st.composite
def pad_cases(draw):
    mode = draw(st.sampled_from(list(TORCH_MODE)))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    limit = {"zeros": (4, 4), "reflect": (h - 1, w - 1), "replicate": (4, 4),
             "circular": (h, w)}[mode]
    left, right = (draw(st.integers(0, min(4, limit[1]))) for _ in range(2))
    top, bottom = (draw(st.integers(0, min(4, limit[0]))) for _ in range(2))
    lead = draw(st.sampled_from([(), (2,), (2, 3)]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return mode, lead + (h, w), (left, right, top, bottom), dtype


@settings(max_examples=40, deadline=None)
@given(pad_cases(), st.integers(0, 2**32 - 1))
def test_pad2d_matches_torch(case, seed):
    mode, shape, amounts, dtype = case
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    ours = pad2d(x, amounts, mode)
    t = torch.from_numpy(x)
    # torch's non-constant modes want a batch/channel axis
    while t.ndim < 4 and mode != "zeros":
        t = t[None]
    theirs = F.pad(t, amounts, mode=TORCH_MODE[mode]).reshape(ours.shape).numpy()
    assert ours.dtype == dtype
    np.testing.assert_array_equal(ours, theirs)


@settings(max_examples=40, deadline=None)
@given(pad_cases(), st.integers(0, 2**32 - 1))
def test_pad2d_backward_matches_autograd(case, seed):
    mode, shape, amounts, _ = case
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.standard_normal((1, 1) + shape[-2:])).requires_grad_()
    y = F.pad(x, amounts, mode=TORCH_MODE[mode])
    g = rng.standard_normal(y.shape)
    y.backward(torch.from_numpy(g))
    ours = pad2d_backward(g, x.shape, amounts, mode)
    np.testing.assert_allclose(ours, x.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_pad2d_modes_by_hand():
    x = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(pad2d(x, (0, 1), "replicate"), [[1, 1, 2, 2], [3, 3, 4, 4]])
    np.testing.assert_array_equal(pad2d(x, (1, 0), "circular"), [[3, 4], [1, 2], [3, 4], [1, 2]])
    np.testing.assert_array_equal(pad2d(x, 1)[0], [0, 0, 0, 0])
    assert pad2d(x, 1).dtype == x.dtype  # integers stay integers


def test_pad2d_value():
    out = pad2d(np.zeros((1, 1)), 1, value=-np.inf)
    assert np.isneginf(out).sum() == 8 and out[1, 1] == 0


def test_padding_amounts_forms():
    assert padding_amounts(2) == (2, 2, 2, 2)
    assert padding_amounts((1, 3)) == (3, 3, 1, 1)
    assert padding_amounts((1, 2, 3, 4)) == (1, 2, 3, 4)


@pytest.mark.parametrize("padding, exc", [(-1, ValueError), ((1, -1), ValueError),
                                          ((1, 2, 3), ValueError), (1.5, TypeError),
                                          ("same", TypeError)])
def test_pad2d_bad_padding(padding, exc):
    with pytest.raises(exc, match="`padding`"):
        pad2d(np.zeros((3, 3)), padding)


def test_pad2d_bad_mode_and_limits():
    with pytest.raises(ValueError, match="`mode`"):
        pad2d(np.zeros((3, 3)), 1, "mirror")
    with pytest.raises(ValueError, match="`padding`.*reflect"):
        pad2d(np.zeros((3, 3)), 3, "reflect")
    with pytest.raises(ValueError, match="`padding`.*circular"):
        pad2d(np.zeros((3, 3)), 4, "circular")
    with pytest.raises(ValueError, match="`x`"):
        pad2d(np.zeros(3), 1)
    with pytest.raises(TypeError, match="`x`"):
        pad2d(np.array([["a"]]), 1)
    with pytest.raises(ValueError, match="`grad_out`"):
        pad2d_backward(np.zeros((4, 4)), (3, 3), 1)


# --- regressions: torch tensors, `value`, integer dtypes ---------------------------------------

def test_pad2d_refuses_torch_tensors_like_every_numpy_function():
    with pytest.raises(TypeError, match="torch tensor"):
        pad2d(torch.ones(2, 2), 1)
    with pytest.raises(TypeError, match="torch tensor"):
        pad2d_backward(torch.ones(4, 4), (2, 2), 1)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_value_with_a_non_constant_mode_is_an_error_as_in_torch(mode):
    torch_mode = {"reflect": "reflect", "replicate": "replicate", "circular": "circular"}[mode]
    with pytest.raises((NotImplementedError, RuntimeError, ValueError)):
        F.pad(torch.ones(1, 1, 3, 3), (1, 1, 1, 1), mode=torch_mode, value=2.0)
    with pytest.raises(ValueError, match="`value` is only used by mode 'zeros'"):
        pad2d(np.ones((3, 3)), 1, mode=mode, value=2.0)
    np.testing.assert_array_equal(pad2d(np.ones((3, 3)), 1, mode=mode, value=0), np.ones((5, 5)))


@pytest.mark.parametrize("value", [None, "0", [0]])
def test_value_must_be_a_number(value):
    with pytest.raises(TypeError, match="`value` must be a real number"):
        pad2d(np.ones((3, 3)), 1, value=value)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int64, np.bool_])
def test_integer_dtype_is_kept_as_in_torch(dtype):
    x = np.ones((2, 3), dtype)
    value = 1 if dtype is np.bool_ else 7
    out = pad2d(x, (1, 2), value=value)
    assert out.dtype == dtype
    ref = F.pad(torch.from_numpy(x), (2, 2, 1, 1), value=value)
    np.testing.assert_array_equal(out, ref.numpy())


@pytest.mark.parametrize("value", [1.5, -np.inf, np.nan, 256, -1])
def test_a_value_the_integer_dtype_cannot_hold_is_an_error(value):
    with pytest.raises(ValueError, match="cannot be stored in `x`'s dtype uint8"):
        pad2d(np.ones((2, 2), np.uint8), 1, value=value)


def test_ndim_error_does_not_list_every_allowed_dimensionality():
    with pytest.raises(ValueError, match=r"`x` must have at least 2 dimensions, got 1 \(shape"):
        pad2d(np.ones(3), 1)
