"""Pooling against torch.nn.functional and autograd."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.pooling import (
    avg_pool2d,
    avg_pool2d_backward,
    lp_pool2d,
    lp_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
    min_pool2d,
    min_pool2d_backward,
)


@st.composite
def pool_cases(draw, with_padding=True):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))) \
        if with_padding else 0
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    h = draw(st.integers(max(1, kh - 2 * ph), 9))
    w = draw(st.integers(max(1, kw - 2 * pw), 9))
    lead = draw(st.sampled_from([(2, 3), (3,), ()]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return lead + (h, w), (kh, kw), stride, padding, dtype


def _torch_pool(fn, x, g, *args, **kwargs):
    """torch's forward and input gradient (torch wants 3-D or 4-D input)."""
    t = torch.from_numpy(x)
    while t.ndim < 3:
        t = t[None]
    t.requires_grad_()
    y = fn(t, *args, **kwargs)
    y.backward(torch.from_numpy(g).reshape(y.shape))
    return y.detach().numpy().reshape(g.shape), t.grad.numpy().reshape(x.shape)


def _values(shape, dtype, seed, distinct=True):
    rng = np.random.default_rng(seed)
    if distinct:  # a permutation: no ties, so the arg-max is unique
        return rng.permutation(math.prod(shape)).reshape(shape).astype(dtype) / 7
    return rng.standard_normal(shape).astype(dtype)


@settings(max_examples=40, deadline=None)
@given(pool_cases(), st.integers(0, 2**32 - 1))
def test_max_pool2d_and_backward_match_torch(case, seed):
    shape, kernel, stride, padding, dtype = case
    x = _values(shape, dtype, seed)
    y = max_pool2d(x, kernel, stride=stride, padding=padding)
    g = _values(y.shape, dtype, seed + 1, distinct=False)
    ty, tg = _torch_pool(F.max_pool2d, x, g, kernel, stride=stride, padding=padding)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, ty)
    gx = max_pool2d_backward(g, x, kernel, stride=stride, padding=padding)
    np.testing.assert_allclose(gx, tg, rtol=1e-6, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(pool_cases(), st.integers(0, 2**32 - 1))
def test_min_pool2d_is_negated_max_pool_of_negation(case, seed):
    shape, kernel, stride, padding, dtype = case
    x = _values(shape, dtype, seed)
    y = min_pool2d(x, kernel, stride=stride, padding=padding)
    g = _values(y.shape, dtype, seed + 1, distinct=False)
    ty, tg = _torch_pool(lambda t, *a, **k: -F.max_pool2d(-t, *a, **k), x, g, kernel,
                         stride=stride, padding=padding)
    np.testing.assert_array_equal(y, ty)
    np.testing.assert_allclose(min_pool2d_backward(g, x, kernel, stride=stride, padding=padding),
                               tg, rtol=1e-6, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(pool_cases(), st.booleans(), st.integers(0, 2**32 - 1))
def test_avg_pool2d_and_backward_match_torch(case, include_pad, seed):
    shape, kernel, stride, padding, dtype = case
    x = _values(shape, dtype, seed, distinct=False)
    kw = dict(stride=stride, padding=padding, count_include_pad=include_pad)
    y = avg_pool2d(x, kernel, **kw)
    g = _values(y.shape, dtype, seed + 1, distinct=False)
    ty, tg = _torch_pool(F.avg_pool2d, x, g, kernel, **kw)
    assert y.dtype == dtype
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, ty, rtol=tol, atol=tol)
    np.testing.assert_allclose(avg_pool2d_backward(g, x, kernel, **kw), tg, rtol=tol, atol=tol)


@settings(max_examples=40, deadline=None)
@given(pool_cases(with_padding=False), st.sampled_from([1, 2, 3, 1.5, 4]),
       st.integers(0, 2**32 - 1))
def test_lp_pool2d_and_backward_match_torch(case, p, seed):
    shape, kernel, stride, _, dtype = case
    # positive input: torch and cnnbook both use x**p (not |x|**p)
    x = np.abs(_values(shape, dtype, seed, distinct=False)) + 0.1
    y = lp_pool2d(x, p, kernel, stride=stride)
    g = _values(y.shape, dtype, seed + 1, distinct=False)
    ty, tg = _torch_pool(F.lp_pool2d, x, g, p, kernel, stride=stride)
    assert y.dtype == dtype
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(y, ty, rtol=tol, atol=tol)
    np.testing.assert_allclose(lp_pool2d_backward(g, x, p, kernel, stride=stride), tg,
                               rtol=tol, atol=tol)


def test_lp_pool2d_l2_by_hand_and_negative_input():
    x = np.array([[3.0, -4.0], [0.0, 0.0]])
    assert lp_pool2d(x, 2, 2)[0, 0] == 5.0  # sqrt(9 + 16): the notes' L2-norm pooling
    for p in (1, 3):  # x**p, not |x|**p: a negative sum gives -1 for p = 1, NaN for p = 3
        theirs = F.lp_pool2d(torch.from_numpy(x)[None], p, (1, 2))[0].numpy()
        np.testing.assert_array_equal(lp_pool2d(x, p, (1, 2)), theirs)
    assert np.isnan(lp_pool2d(x, 3, (1, 2))[0, 0])


def test_max_pool2d_ties_go_to_the_first_and_overlaps_add():
    x = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
    g = max_pool2d_backward(np.array([[1.0, 10.0]]), x, 2, stride=1)
    np.testing.assert_array_equal(g, [[1.0, 10.0, 0.0], [0.0, 0.0, 0.0]])
    t = torch.from_numpy(x)[None].requires_grad_()
    F.max_pool2d(t, 2, stride=1).backward(torch.tensor([[[1.0, 10.0]]], dtype=torch.float64))
    np.testing.assert_array_equal(t.grad[0].numpy(), g)


def test_max_pool2d_nan_and_fast_path():
    x = np.array([[1.0, np.nan], [0.0, 2.0]])
    assert np.isnan(max_pool2d(x, 2)[0, 0])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 7)).astype(np.float32)
    for k in [(2, 2), (1, 3), (3, 1), (3, 3), (2, 1)]:  # tiles path vs torch
        np.testing.assert_array_equal(max_pool2d(x, k), F.max_pool2d(torch.from_numpy(x),
                                                                     k).numpy())


def test_max_pool2d_indices_ties_and_nans_match_torch():
    # ties go to the first cell of the window, NaN wins (the last NaN, as torch), on both the
    # tiles path (kernel == stride, no padding) and the general one
    x = np.array([[1.0, np.nan, np.nan, 0.0, 4.0, 4.0], [np.nan, 2.0, 5.0, 5.0, 4.0, 4.0],
                  [3.0, 3.0, 1.0, 1.0, -1.0, 7.0], [3.0, 3.0, 1.0, 2.0, 7.0, 7.0]])[None, None]
    for k, s, p in [(2, 2, 0), (3, 1, 1), (2, 1, 0), ((2, 3), (2, 3), 0)]:
        y, idx = max_pool2d(x, k, stride=s, padding=p, return_indices=True)
        ty, tidx = F.max_pool2d(torch.from_numpy(x), k, stride=s, padding=p, return_indices=True)
        np.testing.assert_array_equal(y, ty.numpy())
        np.testing.assert_array_equal(idx, tidx.numpy())
        gy = np.arange(1.0, y.size + 1).reshape(y.shape)
        gx = max_pool2d_backward(gy, x, k, stride=s, padding=p)
        _, tg = _torch_pool(F.max_pool2d, x, gy, k, stride=s, padding=p)
        np.testing.assert_array_equal(gx, tg)
        np.testing.assert_array_equal(max_pool2d_backward(gy, x, k, stride=s, padding=p,
                                                          indices=idx), tg)


def test_lecture_max_pooling_example():
    # the 4x4 feature map of filter 1 on the lecture's 6x6 image, pooled 2x2
    y1 = np.array([[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]])
    np.testing.assert_array_equal(max_pool2d(y1, 2), [[3, 0], [3, 1]])


def test_max_pool_is_invariant_to_a_small_shift():
    x = np.zeros((8, 8))
    x[2, 2] = 1.0
    shifted = np.roll(x, 1, axis=1)  # the spike moves inside the same 2x2 window
    np.testing.assert_array_equal(max_pool2d(x, 2), max_pool2d(shifted, 2))


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [max_pool2d, min_pool2d, avg_pool2d])
@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(kernel_size=0), ValueError, "`kernel_size`"),
    (dict(kernel_size=5), ValueError, "`kernel_size`.*larger"),
    (dict(kernel_size=2.0), TypeError, "`kernel_size`"),
    (dict(kernel_size=2, stride=0), ValueError, "`stride`"),
    (dict(kernel_size=2, padding=-1), ValueError, "`padding`"),
    (dict(kernel_size=2, padding=2), ValueError, "`padding`.*half"),
    (dict(x=np.zeros(4), kernel_size=1), ValueError, "`x`"),
    (dict(x=np.zeros((1, 1, 1, 4, 4)), kernel_size=1), ValueError, "`x`"),
    (dict(x=np.array([["a"]]), kernel_size=1), TypeError, "`x`"),
])
def test_pool_bad_input(fn, kwargs, exc, name):
    args = dict(x=np.zeros((1, 1, 4, 4)))
    args.update(kwargs)
    with pytest.raises(exc, match=name):
        fn(args.pop("x"), **args)


def test_other_bad_input():
    with pytest.raises(ValueError, match="`p`"):
        lp_pool2d(np.ones((2, 2)), 0, 2)
    with pytest.raises(ValueError, match="`p`"):
        lp_pool2d(np.ones((2, 2)), math.inf, 2)
    with pytest.raises(TypeError, match="`p`"):
        lp_pool2d(np.ones((2, 2)), "2", 2)
    with pytest.raises(ValueError, match="`grad_out`"):
        max_pool2d_backward(np.ones((3, 3)), np.ones((4, 4)), 2)


@settings(max_examples=30, deadline=None)
@given(pool_cases(), st.integers(0, 2**32 - 1))
def test_max_pool2d_indices_match_torch(case, seed):
    shape, kernel, stride, padding, dtype = case
    x = _values(shape, dtype, seed)
    y, idx = max_pool2d(x, kernel, stride=stride, padding=padding, return_indices=True)
    t = torch.from_numpy(x)
    while t.ndim < 3:
        t = t[None]
    ty, tidx = F.max_pool2d(t, kernel, stride=stride, padding=padding, return_indices=True)
    np.testing.assert_array_equal(y, ty.numpy().reshape(y.shape))
    np.testing.assert_array_equal(idx, tidx.numpy().reshape(idx.shape))
    g = _values(y.shape, dtype, seed + 1, distinct=False)
    np.testing.assert_array_equal(
        max_pool2d_backward(g, x, kernel, stride=stride, padding=padding, indices=idx),
        max_pool2d_backward(g, x, kernel, stride=stride, padding=padding))


def test_max_pool2d_backward_bad_indices():
    with pytest.raises(ValueError, match="`indices`"):
        max_pool2d_backward(np.ones((2, 2)), np.ones((4, 4)), 2, indices=np.zeros((2, 2)))


# --- regression: a window whose real cells are all -inf picks a real cell, as torch does ------

@pytest.mark.parametrize("kernel, stride, padding", [(3, 1, 1), (3, 2, 1), (2, 2, 1), (4, 3, 2),
                                                     ((3, 2), (1, 2), (1, 1))])
def test_max_pool_masked_map_indices_and_gradient_match_torch(kernel, stride, padding):
    x = np.full((2, 3, 5, 6), -np.inf)
    x[0, 1, 2, 2] = 1.0
    x[1, 2, :2] = np.arange(12.0).reshape(2, 6)
    out, idx = max_pool2d(x, kernel, stride=stride, padding=padding, return_indices=True)
    t_out, t_idx = F.max_pool2d(torch.tensor(x), kernel, stride, padding, return_indices=True)
    np.testing.assert_array_equal(out, t_out.numpy())
    np.testing.assert_array_equal(idx, t_idx.numpy())
    assert idx.min() >= 0 and idx.max() < 5 * 6
    g = np.random.default_rng(0).normal(size=out.shape)
    t = torch.tensor(x, requires_grad=True)
    F.max_pool2d(t, kernel, stride, padding).backward(torch.tensor(g))
    np.testing.assert_allclose(
        max_pool2d_backward(g, x, kernel, stride=stride, padding=padding), t.grad.numpy())
    np.testing.assert_allclose(
        max_pool2d_backward(g, x, kernel, stride=stride, padding=padding, indices=idx),
        t.grad.numpy())


def test_min_pool_masked_map_picks_a_real_cell():
    x = np.full((1, 1, 4, 4), np.inf)
    _, idx = min_pool2d(x, 3, stride=1, padding=1, return_indices=True)
    ref = F.max_pool2d(-torch.tensor(x), 3, 1, 1, return_indices=True)[1]
    np.testing.assert_array_equal(idx, ref.numpy())


@pytest.mark.parametrize("bad", [-1, 16, 100])
def test_max_pool_backward_refuses_indices_outside_the_plane(bad):
    x = np.arange(16.0).reshape(1, 2, 2, 4)
    _, idx = max_pool2d(x, 2, return_indices=True)
    idx = idx.copy()
    idx[0, 0, 0, 0] = bad if bad >= 0 else -1
    with pytest.raises(ValueError, match="`indices` must lie in 0 .. 7"):
        max_pool2d_backward(np.ones(idx.shape), x, 2, indices=idx)


@pytest.mark.parametrize("call", [
    lambda: max_pool2d(np.ones((4, 4)), 2, return_indices="yes"),
    lambda: min_pool2d(np.ones((4, 4)), 2, return_indices=1),
    lambda: avg_pool2d(np.ones((4, 4)), 2, count_include_pad="no"),
    lambda: avg_pool2d_backward(np.ones((2, 2)), np.ones((4, 4)), 2, count_include_pad=None),
])
def test_boolean_options_must_be_bool(call):
    with pytest.raises(TypeError, match="must be True or False"):
        call()


def test_pooling_refuses_torch_tensors_and_float_sizes():
    with pytest.raises(TypeError, match="torch tensor"):
        max_pool2d(torch.ones(4, 4), 2)
    with pytest.raises(TypeError, match="`kernel_size` must be an int"):
        max_pool2d(np.ones((4, 4)), 2.0)
    assert max_pool2d(np.ones((4, 4)), np.int64(2)).shape == (2, 2)
