"""Convolution from its definition to a fast, torch-compatible ``conv2d``.

* `convolve` -- true convolution (the kernel flipped), 1-D or 2-D, modes full/valid/same.
* `corr2d` -- the readable double loop: the reference every fast path is checked against.
* `conv2d` -- ``torch.nn.functional.conv2d`` in numpy: im2col, then one matrix product.
* `conv_matrix` -- the same convolution written as one dense matrix.
* `conv_output_size` -- ``floor((n + 2p - d(k - 1) - 1) / s) + 1``.
"""

import numpy as np

from . import _im2col as _ic
from ._check import (
    as_float_array,
    check_choice,
    check_ndim,
    check_positive,
    nonnegative_pair,
    positive_pair,
)
from .padding import pad2d

__all__ = ["conv2d", "conv_matrix", "conv_output_size", "convolve", "corr2d"]


def convolve(x, k, mode="full"):
    """True (flipped-kernel) convolution of two 1-D or two 2-D arrays.

    ``(x * k)[n] = sum_m x[m] k[n - m]``: slide the *flipped* kernel over `x`. With
    probabilities as inputs this is the distribution of a sum of independent variables.

    Parameters
    ----------
    x : (L,) or (H, W) array_like
        The signal or image.
    k : (Lk,) or (kh, kw) array_like
        The kernel, with as many dimensions as `x`.
    mode : {'full', 'valid', 'same'}, optional
        ``'full'`` (default): every overlap, size ``L + Lk - 1``. ``'valid'``: only where the
        kernel fits inside `x`, size ``L - Lk + 1``. ``'same'``: the centre of the full result,
        size ``L``, as ``scipy.signal.convolve``.

    Notes
    -----
    ``mode='same'`` follows scipy, not numpy, when the kernel is longer than the signal: the
    result always has the size of `x` (``numpy.convolve(x, k, 'same')`` returns
    ``max(len(x), len(k))`` values). ``convolve([1, 2], [1, 1, 1, 1], mode='same')`` is
    ``[3, 3]`` where numpy gives ``[1, 3, 3, 3]``. For a kernel no longer than `x` the two agree.

    Returns
    -------
    ndarray
        Float (float32 only if both inputs are float32).

    Examples
    --------
    Two dice: the chance of each sum 2..12 is the convolution of the two faces' chances.

    >>> die = np.array([0, 1, 1, 1, 1, 1, 1]) / 6    # die[v] = P(face = v)
    >>> p = convolve(die, die)                         # p[s] = P(sum = s)
    >>> float(round(p[4] * 36, 12))                    # P(sum = 4) = 3/36
    3.0
    >>> convolve([1, 2, 3], [0, 1, 0.5], mode="same")
    array([1. , 2.5, 4. ])
    """
    x = as_float_array(x, "x")
    k = as_float_array(k, "k")
    check_ndim(x, (1, 2), "x")
    check_ndim(k, x.ndim, "k")
    check_choice(mode, ("full", "valid", "same"), "mode")
    one_d = x.ndim == 1
    x2, k2 = (x[None], k[None]) if one_d else (x, k)
    if min(x2.shape) == 0 or min(k2.shape) == 0:
        raise ValueError("`x` and `k` must not be empty")
    if mode == "valid" and any(ks > xs for ks, xs in zip(k2.shape, x2.shape, strict=True)):
        raise ValueError(f"`k` {k.shape} is larger than `x` {x.shape} in mode 'valid'")
    kh, kw = k2.shape
    if mode == "valid":
        xp = x2
    else:
        xp = pad2d(x2, (kw - 1, kw - 1, kh - 1, kh - 1))
    flipped = k2[::-1, ::-1]
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw))
    out = np.tensordot(windows, flipped, axes=([2, 3], [0, 1]))
    if mode == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        out = out[top:top + x2.shape[0], left:left + x2.shape[1]]
    return out[0] if one_d else out


def corr2d(x, k):
    """Cross-correlation of one 2-D image with one 2-D kernel, as a readable loop.

    This is what deep-learning libraries call "convolution" (the kernel is *not* flipped),
    with no padding and stride 1. It is slow on purpose: every fast path is tested against it.

    Parameters
    ----------
    x : (H, W) array_like
    k : (kh, kw) array_like
        With ``kh <= H`` and ``kw <= W``.

    Returns
    -------
    (H - kh + 1, W - kw + 1) ndarray
        ``y[i, j] = sum(x[i:i + kh, j:j + kw] * k)``.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> corr2d(x, np.array([[0.0, 1.0], [2.0, 3.0]]))
    array([[19., 25.],
           [37., 43.]])
    """
    x = as_float_array(x, "x")
    k = as_float_array(k, "k")
    check_ndim(x, 2, "x")
    check_ndim(k, 2, "k")
    h, w = k.shape
    if h > x.shape[0] or w > x.shape[1] or h == 0 or w == 0:
        raise ValueError(f"`k` {k.shape} must be non-empty and fit inside `x` {x.shape}")
    y = np.zeros((x.shape[0] - h + 1, x.shape[1] - w + 1), dtype=np.result_type(x, k))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return y


def conv2d(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1,
           padding_mode="zeros"):
    """2-D convolution with the semantics of ``torch.nn.functional.conv2d``, in numpy.

    Like torch this is a cross-correlation (the kernel is not flipped). The padded input is
    unfolded into columns (im2col) and multiplied by the weights in one matrix product per
    sample and group; the only Python loop runs over the ``kh * kw`` kernel offsets.

    Parameters
    ----------
    x : (N, C, H, W) or (C, H, W) array_like
        Input batch (or one unbatched sample, as torch allows).
    weight : (K, C // groups, kh, kw) array_like
        ``K`` filters.
    bias : (K,) array_like, optional
    stride, dilation : int or (int, int), optional
        Each ``>= 1``.
    padding : int or (int, int) or {'valid', 'same'}, optional
        Rows and columns added on each side (``>= 0``). ``'same'`` (stride 1 only) keeps the
        size, with the odd pixel on the bottom/right, as torch does.
    groups : int, optional
        Split channels into `groups` independent convolutions; must divide ``C`` and ``K``.
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, optional
        What the padding holds (see `cnnbook.pad2d`); as ``nn.Conv2d(padding_mode=...)``.

    Returns
    -------
    (N, K, Ho, Wo) ndarray (or (K, Ho, Wo) for unbatched input)
        ``Ho = conv_output_size(H, kh, stride=sh, padding=ph, dilation=dh)``, likewise ``Wo``.
        float32 if all inputs are float32, else float64.

    Raises
    ------
    ValueError
        Wrong ranks, channel/group mismatch, stride/dilation < 1, negative padding, kernel larger
        than the padded input, unknown padding mode.
    TypeError
        Non-numeric arrays, non-integer stride/padding/dilation/groups.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.ones((1, 1, 2, 2))
    >>> conv2d(x, w, stride=2)
    array([[[[10., 18.],
             [42., 50.]]]])
    >>> conv2d(x, w, padding=1).shape
    (1, 1, 5, 5)
    """
    x, weight, bias, geom, unbatched = _ic.setup(
        x, weight, bias, stride, padding, dilation, groups, padding_mode)
    out = _conv2d_fast(x, weight, bias, geom)
    return out[0] if unbatched else out


def _chunked_phases(x, geom, step):
    """``phases(n0, m)`` -> the stride phases (sh, sw, m, C, Hq * Wq) of padded samples."""
    if geom.padding_mode == "zeros":
        return _ic.ZeroPadPhases(x, geom, step).phases
    ph = _ic.to_phases(pad2d(x, geom.pads, geom.padding_mode), geom)
    return lambda n0, m: ph[:, :, n0:n0 + m]


def _conv2d_fast(x, weight, bias, geom):
    """The fast path: per chunk of samples, pad, im2col and one matrix product."""
    n, c, h, w = x.shape
    n_out, c_g, kh, kw = weight.shape
    g, k_g, ckk = geom.groups, n_out // geom.groups, c_g * kh * kw
    (ho, wo), (left, right, top, bottom) = geom.out, geom.pads
    wq = _ic.phase_shape((h + top + bottom, w + left + right), geom)[1]
    step = _ic.chunk_size(n, c * kh * kw * ho * wq * x.itemsize)
    phases = _chunked_phases(x, geom, step)
    out = np.empty((n, n_out, ho, wo), dtype=x.dtype)
    wmat = weight.reshape(g, k_g, ckk)  # (G, Kg, Cg*kh*kw)
    cols_buf = np.empty(c * kh * kw * step * ho * wq, x.dtype)
    prod_buf = np.empty(n_out * step * ho * wq, x.dtype)
    for n0 in range(0, n, step):
        m = min(step, n - n0)
        cols = _ic.im2col(phases(n0, m), geom, wq, 0, m,
                          _ic.take(cols_buf, (c, kh, kw, m, ho * wq)))
        prod = _ic.take(prod_buf, (g, k_g, m * ho * wq))
        np.matmul(wmat, cols.reshape(g, ckk, m * ho * wq), out=prod)  # the product
        # (K, m, Ho, Wq) -> (m, K, Ho, Wo): drop the junk columns, add the bias on the way
        prod = prod.reshape(n_out, m, ho, wq)[..., :wo].transpose(1, 0, 2, 3)
        if bias is None:
            out[n0:n0 + m] = prod
        else:
            np.add(prod, bias.reshape(n_out, 1, 1), out=out[n0:n0 + m])
    return out


def conv_matrix(weight, input_shape, *, stride=1, padding=0, dilation=1):
    """The dense matrix ``M`` of a zero-padded convolution: ``conv2d(x).ravel() == M @ x.ravel()``.

    Row ``r`` of ``M`` holds the filter weights at the input pixels that output pixel ``r``
    sees, and zeros elsewhere: a convolution is a (sparse, weight-shared) fully connected
    layer.

    Parameters
    ----------
    weight : (K, C, kh, kw) or (kh, kw) array_like
        Filters; a 2-D kernel means one input and one output channel.
    input_shape : (C, H, W) or (H, W) tuple of int
        Shape of one sample (``(H, W)`` goes with a 2-D kernel).
    stride, padding, dilation : int or (int, int), optional
        As in `conv2d` (zero padding).

    Returns
    -------
    (K * Ho * Wo, C * H * W) ndarray

    Examples
    --------
    >>> M = conv_matrix(np.array([[1.0, 2.0]]), (1, 3))
    >>> M
    array([[1., 2., 0.],
           [0., 1., 2.]])
    >>> M @ np.array([1.0, 10.0, 100.0])
    array([ 21., 210.])
    """
    weight = as_float_array(weight, "weight")
    check_ndim(weight, (2, 4), "weight")
    if not isinstance(input_shape, (tuple, list)):
        raise TypeError(f"`input_shape` must be a tuple of ints, got {type(input_shape).__name__}")
    expect = 2 if weight.ndim == 2 else 3
    if len(input_shape) != expect:
        raise ValueError(
            f"`input_shape` must have {expect} entries for a {weight.ndim}-D `weight`, "
            f"got {len(input_shape)}")
    if weight.ndim == 2:
        weight = weight[None, None]
        input_shape = (1, *input_shape)
    c, h, w = (check_positive(s, "input_shape") for s in input_shape)
    n_out, c_w, kh, kw = weight.shape
    if c_w != c:
        raise ValueError(f"`weight` expects {c_w} input channels, `input_shape` has {c}")
    (sh, sw), (dh, dw) = positive_pair(stride, "stride"), positive_pair(dilation, "dilation")
    ph, pw = nonnegative_pair(padding, "padding")
    ho = _ic.out_size(h, kh, sh, ph, ph, dh, "weight")
    wo = _ic.out_size(w, kw, sw, pw, pw, dw, "weight")
    # every (k, oh, ow, c, i, j): output pixel (oh, ow) of filter k reads input (c, ih, iw)
    k_, oh, ow, c_, i, j = np.ix_(*(np.arange(s) for s in (n_out, ho, wo, c, kh, kw)))
    ih = oh * sh - ph + i * dh
    iw = ow * sw - pw + j * dw
    shape = (n_out, ho, wo, c, kh, kw)
    inside = np.broadcast_to((ih >= 0) & (ih < h) & (iw >= 0) & (iw < w), shape)
    rows = np.broadcast_to((k_ * ho + oh) * wo + ow, shape)[inside]
    cols = np.broadcast_to((c_ * h + ih) * w + iw, shape)[inside]
    vals = np.broadcast_to(weight[k_, c_, i, j], shape)[inside]
    m = np.zeros((n_out * ho * wo, c * h * w), dtype=weight.dtype)
    m[rows, cols] = vals  # distinct kernel offsets reach distinct pixels: no collisions
    return m


def conv_output_size(n, kernel_size, *, stride=1, padding=0, dilation=1):
    """Output length of a convolution or pooling along one axis (or two, given pairs).

    ``floor((n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``

    Parameters
    ----------
    n : int or (int, int)
        Input size, ``>= 1``.
    kernel_size : int or (int, int)
    stride, dilation : int or (int, int), optional
        ``>= 1``.
    padding : int or (int, int) or {'valid', 'same'}, optional
        ``>= 0`` on each side; ``'same'`` needs stride 1 and returns `n`.

    Returns
    -------
    int, or (int, int) if any argument is a pair.

    Raises
    ------
    ValueError
        If the dilated kernel is larger than the padded input, or a value is out of range.

    Examples
    --------
    >>> conv_output_size(28, 3)                 # the Keras example: 28 -> 26
    26
    >>> conv_output_size(224, 7, stride=2, padding=3)
    112
    >>> conv_output_size((19, 19), 5, padding=2)
    (19, 19)
    """
    args = (n, kernel_size, stride, dilation)
    two_d = any(isinstance(a, (tuple, list)) for a in (*args, padding))
    ns = positive_pair(n, "n")
    ks = positive_pair(kernel_size, "kernel_size")
    ss, ds = positive_pair(stride, "stride"), positive_pair(dilation, "dilation")
    left, right, top, bottom = _ic.resolve_padding(padding, ks, ds, ss)
    out = tuple(_ic.out_size(ns[a], ks[a], ss[a], *pads, ds[a])
                for a, pads in ((0, (top, bottom)), (1, (left, right))))
    return out if two_d else out[0]
