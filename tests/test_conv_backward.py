"""conv2d_backward against torch autograd, and the shared-weight gradient as a sum."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from test_conv import conv_cases

from cnnbook.conv import conv2d
from cnnbook.conv_backward import _conv2d_backward, conv2d_backward


def _autograd(x, w, b, g, stride, padding, dilation, groups, padding_mode):
    x = torch.from_numpy(x).requires_grad_()
    w = torch.from_numpy(w).requires_grad_()
    b = torch.from_numpy(b).requires_grad_()
    xin, pad = x, padding
    if padding_mode != "zeros":
        ph, pw = padding
        xin, pad = F.pad(x, (pw, pw, ph, ph), mode=padding_mode), 0
    y = F.conv2d(xin, w, b, stride=stride, padding=pad, dilation=dilation, groups=groups)
    y.backward(torch.from_numpy(g))
    return x.grad.numpy(), w.grad.numpy(), b.grad.numpy()


@settings(max_examples=50, deadline=None)
@given(conv_cases(), st.integers(0, 2**32 - 1))
def test_conv2d_backward_matches_autograd(case, seed):
    rng = np.random.default_rng(seed)
    dtype = case["dtype"]
    x = rng.standard_normal(case["x"]).astype(dtype)
    w = rng.standard_normal(case["weight"]).astype(dtype)
    b = rng.standard_normal(case["weight"][0]).astype(dtype)
    y = conv2d(x, w, b, **case["kw"])
    g = rng.standard_normal(y.shape).astype(dtype)
    ours = conv2d_backward(g, x, w, **case["kw"])
    theirs = _autograd(x, w, b, g, **case["kw"])
    tol = 1e-4 if dtype == np.float32 else 1e-11
    for a, t, name in zip(ours, theirs, ("x", "weight", "bias"), strict=True):
        assert a.dtype == dtype, name
        assert a.shape == t.shape, name
        np.testing.assert_allclose(a, t, rtol=tol, atol=tol, err_msg=name)


def test_unbatched_and_skipped_gradients():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 5, 5)), rng.standard_normal((3, 2, 2, 2))
    g = rng.standard_normal((3, 4, 4))
    gx, gw, gb = conv2d_backward(g, x, w)
    gx4, gw4, gb4 = conv2d_backward(g[None], x[None], w)
    assert gx.shape == x.shape
    np.testing.assert_allclose(gx, gx4[0])
    np.testing.assert_allclose(gw, gw4)
    only_w = _conv2d_backward(g, x, w, 1, 0, 1, 1, "zeros", need_x=False)
    assert only_w[0] is None
    np.testing.assert_allclose(only_w[1], gw)


def test_shared_weight_gradient_is_the_sum_over_positions():
    # one 1x1 weight applied at every pixel: dL/dw = sum over pixels of g * x (not the mean)
    rng = np.random.default_rng(1)
    x, g = rng.standard_normal((1, 1, 4, 5)), rng.standard_normal((1, 1, 4, 5))
    _, gw, gb = conv2d_backward(g, x, np.ones((1, 1, 1, 1)))
    assert gw[0, 0, 0, 0] == pytest.approx((g * x).sum())
    assert gb[0] == pytest.approx(g.sum())


def test_finite_differences():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((1, 2, 5, 4)), rng.standard_normal((2, 2, 3, 2))
    kw = dict(stride=(2, 1), padding=1, dilation=(1, 2))
    g = rng.standard_normal(conv2d(x, w, **kw).shape)
    gx, gw, _ = conv2d_backward(g, x, w, **kw)
    eps = 1e-6
    for arr, grad in ((x, gx), (w, gw)):
        for idx in [(0, 0, 0, 0), (0, 1, 2, 1), tuple(s - 1 for s in arr.shape)]:
            old = arr[idx]
            arr[idx] = old + eps
            up = (conv2d(x, w, **kw) * g).sum()
            arr[idx] = old - eps
            down = (conv2d(x, w, **kw) * g).sum()
            arr[idx] = old
            assert (up - down) / (2 * eps) == pytest.approx(grad[idx], rel=1e-6, abs=1e-8)


def test_bad_grad_out():
    x, w = np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3))
    with pytest.raises(ValueError, match="`grad_out`"):
        conv2d_backward(np.zeros((1, 3, 4, 4)), x, w)
    with pytest.raises(ValueError, match="`grad_out`"):
        conv2d_backward(np.zeros((3, 3, 3)), x, w)
    with pytest.raises(ValueError, match="`stride`"):
        conv2d_backward(np.zeros((1, 3, 3, 3)), x, w, stride=0)
