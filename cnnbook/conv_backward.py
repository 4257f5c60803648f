"""The backward pass of `conv2d`, written from the chain rule.

With the columns of the forward pass, ``out[n, k, p] = sum_q W[k, q] cols[n, q, p] + b[k]``
(``q`` runs over channel x kernel offset, ``p`` over output pixels). The chain rule gives

* ``dL/db[k] = sum_{n, p} g[n, k, p]`` -- the bias is shared by every pixel, so its gradient sums;
* ``dL/dW[k, q] = sum_{n, p} g[n, k, p] cols[n, q, p]`` -- a shared weight's gradient is the
  **sum** over every position it was used at (one matrix product);
* ``dL/dcols[n, q, p] = sum_k W[k, q] g[n, k, p]`` and then col2im adds every column entry back
  to the input pixel it was copied from (and padding sends border gradients home).
"""

import numpy as np

from . import _im2col as _ic
from ._check import as_float_array, check_ndim
from .padding import pad2d, pad2d_backward

__all__ = ["conv2d_backward"]


def conv2d_backward(grad_out, x, weight, *, stride=1, padding=0, dilation=1, groups=1,
                    padding_mode="zeros"):
    """Gradients of ``conv2d(x, weight, bias, ...)`` given the gradient of its output.

    Parameters
    ----------
    grad_out : (N, K, Ho, Wo) or (K, Ho, Wo) array_like
        ``dL/d out``, shaped like the output of `cnnbook.conv2d`.
    x : (N, C, H, W) or (C, H, W) array_like
        The input of the forward pass.
    weight : (K, C // groups, kh, kw) array_like
        The filters of the forward pass.
    stride, padding, dilation, groups, padding_mode
        As given to `cnnbook.conv2d`.

    Returns
    -------
    grad_x : ndarray, shaped like `x`
    grad_weight : ndarray, shaped like `weight`
    grad_bias : (K,) ndarray
        What the bias's gradient would be (whether or not the forward pass had one).

    Raises
    ------
    ValueError
        If `grad_out` does not have the shape of the forward output, or the arguments are
        invalid for `cnnbook.conv2d`.

    Examples
    --------
    A 2x2 all-ones output gradient: each weight collects the sum of the pixels it touched.

    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> gx, gw, gb = conv2d_backward(np.ones((1, 1, 2, 2)), x, np.ones((1, 1, 2, 2)))
    >>> gw[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    >>> gx[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> gb
    array([4.])
    """
    return _conv2d_backward(grad_out, x, weight, stride, padding, dilation, groups, padding_mode)


def _conv2d_backward(grad_out, x, weight, stride, padding, dilation, groups, padding_mode,
                     need_x=True, need_weight=True):
    """`conv2d_backward`, skipping grad_x or grad_weight when they are not needed (None)."""
    x, weight, _, geom, unbatched = _ic.setup(
        x, weight, None, stride, padding, dilation, groups, padding_mode)
    grad_out = as_float_array(grad_out, "grad_out")
    check_ndim(grad_out, 3 if unbatched else 4, "grad_out")
    if unbatched:
        grad_out = grad_out[None]
    n, c, h, w = x.shape
    n_out, c_g, kh, kw = weight.shape
    ho, wo = geom.out
    if grad_out.shape != (n, n_out, ho, wo):
        raise ValueError(
            f"`grad_out` has shape {grad_out.shape}, the forward output has {(n, n_out, ho, wo)}")
    dtype = np.result_type(x, weight, grad_out)
    x, weight, grad_out = (a.astype(dtype, copy=False) for a in (x, weight, grad_out))
    g, k_g, ckk = geom.groups, n_out // geom.groups, c_g * kh * kw

    grad_bias = grad_out.sum(axis=(0, 2, 3))
    left, right, top, bottom = geom.pads
    hq, wq = _ic.phase_shape((h + top + bottom, w + left + right), geom)
    sh, sw = geom.stride
    step = _ic.chunk_size(n, c * kh * kw * ho * wq * x.itemsize)
    zeros = padding_mode == "zeros"
    if zeros:  # pad chunk by chunk; the border's gradient is simply dropped
        source = _ic.ZeroPadPhases(x, geom, step)
        phases = source.phases
        grad_x = np.empty(x.shape, dtype) if need_x else None
        gph_buf = np.empty(sh * sw * step * c * hq * wq, dtype)
    else:  # pad everything first; pad2d_backward sends the border's gradient home
        xp = pad2d(x, geom.pads, padding_mode)
        ph = _ic.to_phases(xp, geom)  # (sh, sw, N, C, Hq * Wq), see _im2col

        def phases(n0, m):
            return ph[:, :, n0:n0 + m]

        grad_ph = np.zeros(ph.shape, dtype) if need_x else None
    wmat = weight.reshape(g, k_g, ckk)
    grad_w = np.zeros((g, k_g, ckk), dtype) if need_weight else None
    cols_buf = np.empty(c * kh * kw * step * ho * wq, dtype)
    gout_buf = np.empty(n_out * step * ho * wq, dtype)
    for n0 in range(0, n, step):
        m = min(step, n - n0)
        length = m * ho * wq
        gv = _ic.take(gout_buf, (n_out, m, ho, wq))  # grad_out as (K, m, Ho, Wq), junk = 0
        gv[..., :wo] = grad_out[n0:n0 + m].transpose(1, 0, 2, 3)
        gv[..., wo:] = 0
        gout = gv.reshape(g, k_g, length)
        cols = _ic.take(cols_buf, (c, kh, kw, m, ho * wq))
        if need_weight:
            _ic.im2col(phases(n0, m), geom, wq, 0, m, cols)
            # dW = sum over samples and pixels of g * cols: (G, Kg, L) @ (G, L, CKK)
            grad_w += np.matmul(gout, cols.reshape(g, ckk, length).transpose(0, 2, 1))
        if need_x:
            # dcols = W^T g: (G, CKK, Kg) @ (G, Kg, L) -> (G, CKK, L), then back to the pixels
            np.matmul(wmat.transpose(0, 2, 1), gout, out=cols.reshape(g, ckk, length))
            if zeros:
                gph = _ic.take(gph_buf, (sh, sw, m, c, hq * wq))
                gph[...] = 0
                _ic.col2im_add(cols, geom, wq, gph, 0)
                source.add_back(gph, grad_x, n0)
            else:
                _ic.col2im_add(cols, geom, wq, grad_ph, n0)
    if need_x and not zeros:
        grad_x = pad2d_backward(_ic.from_phases(grad_ph, geom, xp.shape[2:]), x.shape,
                                geom.pads, padding_mode)
    if need_x and unbatched:
        grad_x = grad_x[0]
    grad_weight = grad_w.reshape(weight.shape) if need_weight else None
    return grad_x if need_x else None, grad_weight, grad_bias
