"""Pooling: max, average, min and L^p-norm, with their backward passes.

k-max pooling along a sequence lives in :mod:`cnnbook.kmax` (re-exported here).

A 2-D pooling reads ``kh x kw`` windows moved by ``stride``; all windows are visited at once by
looping over the ``kh * kw`` offsets inside a window, each offset being a strided view of the
whole input. Semantics and limits follow ``torch.nn.functional`` (no ``ceil_mode`` and no
``dilation``, as each function's Notes say; padding at most half the kernel). Inputs are
``(..., H, W)``: ``(N, C, H, W)``, ``(C, H, W)`` or ``(H, W)``.
"""

import math

import numpy as np

from . import _im2col as _ic
from ._check import (
    as_float_array,
    check_bool,
    check_ndim,
    nonnegative_pair,
    positive_pair,
)
from .kmax import dynamic_k, kmax_pool1d, kmax_pool1d_backward  # noqa: F401  (older import path)
from .padding import pad2d

__all__ = [
    "avg_pool2d",
    "avg_pool2d_backward",
    "lp_pool2d",
    "lp_pool2d_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "min_pool2d",
    "min_pool2d_backward",
]


def _pool_args(kernel_size, stride, padding):
    """Validate the window arguments; return ``(kh, kw), (sh, sw), (ph, pw)``."""
    kernel = positive_pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else positive_pair(stride, "stride")
    pad = nonnegative_pair(padding, "padding")
    for p, k in zip(pad, kernel, strict=True):
        if p > k // 2:
            raise ValueError(f"`padding` {p} must be at most half of `kernel_size` {k}")
    return kernel, stride, pad


def _setup(x, kernel_size, stride, padding, name="x"):
    """Validate; return the float array and ((kh, kw), (sh, sw), (ph, pw), (ho, wo))."""
    x = as_float_array(x, name)
    check_ndim(x, (2, 3, 4), name)
    kernel, stride, pad = _pool_args(kernel_size, stride, padding)
    h, w = x.shape[-2:]
    out = (_ic.out_size(h, kernel[0], stride[0], pad[0], pad[0], 1, "kernel_size"),
           _ic.out_size(w, kernel[1], stride[1], pad[1], pad[1], 1, "kernel_size"))
    return x, (kernel, stride, pad, out)


def _offsets(xp, geom):
    """Yield ``(t, view)``: for each offset ``t`` in a window, that cell of every window."""
    (kh, kw), (sh, sw), _, (ho, wo) = geom
    for i in range(kh):
        for j in range(kw):
            yield i * kw + j, xp[..., i:i + sh * (ho - 1) + 1:sh, j:j + sw * (wo - 1) + 1:sw]


def _padded(x, geom, value):
    ph, pw = geom[2]
    return pad2d(x, (ph, pw), value=value) if ph or pw else x


def _real_cells(geom, shape):
    """For each window offset ``t``, a broadcastable mask of the windows whose cell ``t`` lies
    inside the input (not in the padding); None without padding."""
    (kh, kw), (sh, sw), (ph, pw), (ho, wo) = geom
    if not (ph or pw):
        return None
    h, w = shape[-2:]
    rows = np.arange(ho)[:, None] * sh - ph  # first row of each window
    cols = np.arange(wo) * sw - pw
    return [((0 <= rows + i) & (rows + i < h)) & ((0 <= cols + j) & (cols + j < w))
            for i in range(kh) for j in range(kw)]


def _argmax(x, geom):
    """Maximum of every window and the offset ``t = i * kw + j`` of the cell holding it inside
    its window: the first such cell in row-major order on ties, and a NaN beats everything (the
    last NaN, as torch's ``val > maxval || isnan(val)`` picks). A padding cell never wins: when
    every real cell of a window is ``-inf``, the first real cell does (as in torch)."""
    views = [v for _, v in _offsets(_padded(x, geom, -np.inf), geom)]
    real = _real_cells(geom, x.shape)
    best = views[0].copy()
    for v in views[1:]:
        np.maximum(best, v, out=best)  # a NaN propagates
    found, where = np.zeros(best.shape, bool), np.zeros(best.shape, np.min_scalar_type(len(views)))
    for t, v in enumerate(views):  # where = how many cells come before the first winner
        found |= (v == best) if real is None else (v == best) & real[t]
        where += ~found
    if np.isnan(best).any():
        for t, v in enumerate(views):
            np.copyto(where, t, where=np.isnan(v))
    return best, where


def _flat_index(where, x, geom):
    """Window offsets from `_argmax` -> flat indices ``h * W + w`` into the H x W plane."""
    (kh, kw), (sh, sw), (ph, pw), (ho, wo) = geom
    cell = (np.arange(kh)[:, None] * x.shape[-1] + np.arange(kw)).ravel()  # offset t -> plane
    return (np.arange(ho)[:, None] * sh - ph) * x.shape[-1] + np.arange(wo) * sw - pw + cell[where]


def _scatter(values_at, x, geom):
    """Adjoint of `_offsets`: ``grad[cell] += values_at(t)`` for each window offset ``t``."""
    ph, pw = geom[2]
    grad = np.zeros(x.shape[:-2] + (x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw), x.dtype)
    for t, view in _offsets(grad, geom):
        view += values_at(t)
    return grad[..., ph:ph + x.shape[-2], pw:pw + x.shape[-1]]


def _check_grad(grad_out, x, geom):
    grad_out = as_float_array(grad_out, "grad_out")
    expect = x.shape[:-2] + geom[3]
    if grad_out.shape != expect:
        raise ValueError(f"`grad_out` has shape {grad_out.shape}, the output has {expect}")
    return grad_out.astype(np.result_type(grad_out, x), copy=False)


def max_pool2d(x, kernel_size, *, stride=None, padding=0, return_indices=False):
    """Maximum over each ``kh x kw`` window, as ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    x : (N, C, H, W), (C, H, W) or (H, W) array_like
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to `kernel_size` (non-overlapping windows).
    padding : int or (int, int), optional
        Implicit ``-inf`` border, at most half the kernel.
    return_indices : bool, optional
        Also return where each maximum came from (for `max_pool2d_backward`).

    Returns
    -------
    (..., Ho, Wo) ndarray
        ``Ho = floor((H + 2 ph - kh) / sh) + 1``, likewise ``Wo``. float32 stays float32.
    indices : (..., Ho, Wo) int64 ndarray
        Only with `return_indices`: the flat index ``h * W + w`` of each window's arg-max in its
        ``H x W`` plane (the first on ties), as torch's ``return_indices=True``. Always a real
        cell, never the padding, even where a window holds only ``-inf``.

    Notes
    -----
    Differences from ``torch.nn.functional.max_pool2d``, on purpose: there is no ``ceil_mode``
    (the output size always rounds down, so a last partial window is dropped) and no
    ``dilation`` (windows are contiguous). Integer input is accepted and pooled as float64,
    where torch keeps the integer dtype.

    Examples
    --------
    >>> x = np.array([[1, 2, 0, 1], [3, 4, 1, 0], [0, 0, 5, 6], [1, 0, 7, 8]])
    >>> max_pool2d(x, 2)
    array([[4., 1.],
           [1., 8.]])
    """
    x, geom = _setup(x, kernel_size, stride, padding)
    if check_bool(return_indices, "return_indices"):
        best, where = _argmax(x, geom)
        return best, _flat_index(where, x, geom)
    (kh, kw), (sh, sw), (ph, pw), (ho, wo) = geom
    if (kh, kw) == (sh, sw) and not (ph or pw):  # tiles: a reshape, no copies
        tiles = x[..., :ho * kh, :wo * kw].reshape(x.shape[:-2] + (ho, kh, wo, kw))
        if kh <= 2 and kw <= 2:
            out = np.maximum(tiles[..., 0, :, 0], tiles[..., 0, :, -1])
            np.maximum(out, tiles[..., -1, :, 0], out=out)
            return np.maximum(out, tiles[..., -1, :, -1], out=out)
        return tiles.max(axis=(-3, -1))
    out = None
    for _, v in _offsets(_padded(x, geom, -np.inf), geom):
        out = v.copy() if out is None else np.maximum(out, v, out=out)
    return out


def max_pool2d_backward(grad_out, x, kernel_size, *, stride=None, padding=0, indices=None):
    """Gradient of `max_pool2d`: each window's gradient goes to its arg-max (the first, on ties).

    Parameters
    ----------
    grad_out : (..., Ho, Wo) array_like
        Gradient of the loss with respect to the pooled output.
    x : (..., H, W) array_like
        The input of the forward pass.
    kernel_size, stride, padding
        As given to `max_pool2d`.
    indices : (..., Ho, Wo) int ndarray, optional
        The arg-max from ``max_pool2d(..., return_indices=True)``; found again if not given.

    Returns
    -------
    (..., H, W) ndarray
        Zero except at the winners; a pixel that wins several (overlapping) windows sums them.

    Examples
    --------
    >>> x = np.array([[1.0, 5.0], [5.0, 2.0]])
    >>> max_pool2d_backward(np.array([[10.0]]), x, 2)
    array([[ 0., 10.],
           [ 0.,  0.]])
    """
    x, geom = _setup(x, kernel_size, stride, padding)
    grad_out = _check_grad(grad_out, x, geom)
    if indices is None:
        indices = _flat_index(_argmax(x, geom)[1], x, geom)
    indices = np.asarray(indices)
    if indices.shape != grad_out.shape or indices.dtype.kind not in "iu":
        raise ValueError(f"`indices` must be integers of shape {grad_out.shape}")
    plane = x.shape[-2] * x.shape[-1]
    if indices.size and (indices.min() < 0 or indices.max() >= plane):
        raise ValueError(f"`indices` must lie in 0 .. {plane - 1} (the flat index into one "
                         f"{x.shape[-2]} x {x.shape[-1]} plane), got {indices.min()} .. "
                         f"{indices.max()}")
    (kh, kw), (sh, sw) = geom[:2]
    return _route(grad_out, indices, x.shape, overlap=kh > sh or kw > sw)


def _route(grad_out, indices, shape, overlap):
    """``grad[..., indices[..., o]] += grad_out[..., o]`` in every (..., H x W) plane."""
    planes, size = int(np.prod(shape[:-2])), shape[-2] * shape[-1]
    flat = (indices.reshape(planes, -1) + size * np.arange(planes)[:, None]).ravel()
    if not overlap:  # each cell is in one window at most: plain assignment
        grad = np.zeros(planes * size, grad_out.dtype)
        grad[flat] = grad_out.ravel()
        return grad.reshape(shape)
    grad = np.bincount(flat, weights=grad_out.ravel(), minlength=planes * size)
    return grad.astype(grad_out.dtype, copy=False).reshape(shape)


def min_pool2d(x, kernel_size, *, stride=None, padding=0, return_indices=False):
    """Minimum over each window: ``-max_pool2d(-x)`` (padding acts as ``+inf``).

    Parameters
    ----------
    x : (N, C, H, W), (C, H, W) or (H, W) array_like
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to `kernel_size`.
    padding : int or (int, int), optional
        At most half the kernel.
    return_indices : bool, optional
        Also return the flat index of each window's arg-min (see `max_pool2d`).

    Returns
    -------
    (..., Ho, Wo) ndarray
    indices : (..., Ho, Wo) int64 ndarray, only with `return_indices`

    Notes
    -----
    torch has no min pooling; like `max_pool2d` this has no ``ceil_mode`` and no ``dilation``.

    Examples
    --------
    >>> min_pool2d(np.array([[1, 2, 0, 1], [3, 4, 1, 0]]), 2)
    array([[1., 0.]])
    """
    x, _ = _setup(x, kernel_size, stride, padding)
    return_indices = check_bool(return_indices, "return_indices")
    out = max_pool2d(-x, kernel_size, stride=stride, padding=padding,
                     return_indices=return_indices)
    return (-out[0], out[1]) if return_indices else -out


def min_pool2d_backward(grad_out, x, kernel_size, *, stride=None, padding=0, indices=None):
    """Gradient of `min_pool2d`: each window's gradient goes to its arg-min (the first on ties).

    Parameters
    ----------
    grad_out : (..., Ho, Wo) array_like
    x : (..., H, W) array_like
        The input of the forward pass.
    kernel_size, stride, padding
        As given to `min_pool2d`.
    indices : (..., Ho, Wo) int ndarray, optional
        From ``min_pool2d(..., return_indices=True)``; found again if not given.

    Returns
    -------
    (..., H, W) ndarray

    Examples
    --------
    >>> min_pool2d_backward(np.array([[1.0]]), np.array([[3.0, 0.0], [1.0, 2.0]]), 2)
    array([[0., 1.],
           [0., 0.]])
    """
    x, _ = _setup(x, kernel_size, stride, padding)
    if indices is None:
        x = -x
    return max_pool2d_backward(grad_out, x, kernel_size, stride=stride, padding=padding,
                               indices=indices)


def _avg_divisor(x, geom, count_include_pad):
    """Number of cells each window averages: kh*kw, or only the real (unpadded) ones."""
    (kh, kw), (sh, sw), (ph, pw), (ho, wo) = geom
    if count_include_pad or not (ph or pw):
        return kh * kw

    def real(n, k, s, p, n_out):  # per output index, how many of its k cells are inside
        start = np.arange(n_out) * s - p
        return np.minimum(start + k, n) - np.maximum(start, 0)

    h, w = x.shape[-2:]
    return np.outer(real(h, kh, sh, ph, ho), real(w, kw, sw, pw, wo)).astype(x.dtype)


def avg_pool2d(x, kernel_size, *, stride=None, padding=0, count_include_pad=True):
    """Mean over each window, as ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    x : (N, C, H, W), (C, H, W) or (H, W) array_like
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to `kernel_size`.
    padding : int or (int, int), optional
        Zero border, at most half the kernel.
    count_include_pad : bool, optional
        Whether padded zeros count in the mean (torch's default, True).

    Returns
    -------
    (..., Ho, Wo) ndarray

    Notes
    -----
    Differences from ``torch.nn.functional.avg_pool2d``, on purpose: there is no ``ceil_mode``
    (the output size rounds down) and no ``divisor_override``.

    Examples
    --------
    >>> avg_pool2d(np.array([[1, 2, 0, 1], [3, 4, 1, 0]]), 2)
    array([[2.5, 0.5]])
    """
    x, geom = _setup(x, kernel_size, stride, padding)
    count_include_pad = check_bool(count_include_pad, "count_include_pad")
    (kh, kw), (sh, sw), (ph, pw), (ho, wo) = geom
    if (kh, kw) == (sh, sw) and not (ph or pw):
        tiles = x[..., :ho * kh, :wo * kw].reshape(x.shape[:-2] + (ho, kh, wo, kw))
        return tiles.mean(axis=(-3, -1), dtype=x.dtype)
    total = None
    for _, v in _offsets(_padded(x, geom, 0.0), geom):
        total = v.copy() if total is None else np.add(total, v, out=total)
    return total / _avg_divisor(x, geom, count_include_pad)


def avg_pool2d_backward(grad_out, x, kernel_size, *, stride=None, padding=0,
                        count_include_pad=True):
    """Gradient of `avg_pool2d`: each window's gradient, divided by its size, to every cell.

    Parameters
    ----------
    grad_out : (..., Ho, Wo) array_like
    x : (..., H, W) array_like
        The input of the forward pass (only its shape and dtype are used).
    kernel_size, stride, padding, count_include_pad
        As given to `avg_pool2d`.

    Returns
    -------
    (..., H, W) ndarray

    Examples
    --------
    >>> avg_pool2d_backward(np.array([[4.0]]), np.zeros((2, 2)), 2)
    array([[1., 1.],
           [1., 1.]])
    """
    x, geom = _setup(x, kernel_size, stride, padding)
    count_include_pad = check_bool(count_include_pad, "count_include_pad")
    share = _check_grad(grad_out, x, geom) / _avg_divisor(x, geom, count_include_pad)
    return _scatter(lambda t: share, x, geom)


def _check_p(p):
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"`p` must be a number, got {type(p).__name__}")
    if not (0 < p < math.inf):
        raise ValueError(f"`p` must be positive and finite, got {p}")
    return float(p)


def lp_pool2d(x, p, kernel_size, *, stride=None):
    """L^p-norm over each window, ``(sum x^p)^(1/p)``, as ``torch.nn.functional.lp_pool2d``.

    ``p = 2`` is the notes' "L2-norm pooling"; ``p = 1`` sums; large ``p`` approaches max
    pooling of ``|x|``. As in torch, ``x^p`` is not ``|x|^p``: with negative input and ``p != 1``
    a window whose sum of ``x^p`` is negative gives NaN (and a fractional `p` NaN at once).

    Parameters
    ----------
    x : (N, C, H, W), (C, H, W) or (H, W) array_like
    p : float
        The norm's exponent, ``0 < p < inf``.
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to `kernel_size`.

    Returns
    -------
    (..., Ho, Wo) ndarray

    Notes
    -----
    Like torch's ``lp_pool2d`` there is no padding; unlike it, no ``ceil_mode``.

    Examples
    --------
    >>> lp_pool2d(np.array([[3.0, 0.0], [0.0, 4.0]]), 2, 2)
    array([[5.]])
    """
    p = _check_p(p)
    x, geom = _setup(x, kernel_size, stride, 0)
    xp = x ** p if p != 2 else x * x
    total = avg_pool2d(xp, kernel_size, stride=stride) * (geom[0][0] * geom[0][1])
    with np.errstate(invalid="ignore"):
        return np.sqrt(total) if p == 2 else total ** (1 / p)


def lp_pool2d_backward(grad_out, x, p, kernel_size, *, stride=None):
    """Gradient of `lp_pool2d`: ``d out / d x = out^(1-p) x^(p-1)`` for each window ``x`` is in.

    Where a window sums to zero the derivative is undefined (NaN for ``p > 1``).

    Parameters
    ----------
    grad_out : (..., Ho, Wo) array_like
    x : (..., H, W) array_like
        The input of the forward pass.
    p, kernel_size, stride
        As given to `lp_pool2d`.

    Returns
    -------
    (..., H, W) ndarray

    Examples
    --------
    >>> lp_pool2d_backward(np.array([[1.0]]), np.array([[3.0, 0.0], [0.0, 4.0]]), 2, 2)
    array([[0.6, 0. ],
           [0. , 0.8]])
    """
    p = _check_p(p)
    x, geom = _setup(x, kernel_size, stride, 0)
    grad_out = _check_grad(grad_out, x, geom)
    out = lp_pool2d(x, p, kernel_size, stride=stride)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = grad_out * out ** (1 - p)
        return _scatter(lambda t: scale, x, geom) * x ** (p - 1)
