"""Padding the last two axes of an image batch: zeros, reflect, replicate, circular.

Every non-zero mode is an *index map*: padded position ``t`` along an axis of length ``n`` reads
input position ``source(t)``. The forward pass gathers through the map, and the backward pass
sends each padded position's gradient back to its source, so both share one small function.
The modes and their limits are those of ``torch.nn.functional.pad``.
"""

import numpy as np

from ._check import check_choice, check_int, check_ndim, check_nonnegative, check_real, reject_torch

__all__ = ["pad2d", "pad2d_backward", "padding_amounts"]

MODES = ("zeros", "reflect", "replicate", "circular")


def padding_amounts(padding):
    """Normalise `padding` to ``(left, right, top, bottom)``, the order of ``F.pad``.

    Parameters
    ----------
    padding : int or (int, int) or (int, int, int, int)
        One value for all four sides; ``(ph, pw)`` for top/bottom and left/right (the
        convention of ``F.conv2d``); or ``(left, right, top, bottom)`` (that of ``F.pad``).

    Returns
    -------
    (left, right, top, bottom) : tuple of int

    Examples
    --------
    >>> padding_amounts(1)
    (1, 1, 1, 1)
    >>> padding_amounts((2, 1))
    (1, 1, 2, 2)
    """
    if isinstance(padding, (tuple, list)):
        if len(padding) == 2:
            ph, pw = (check_nonnegative(p, "padding") for p in padding)
            return (pw, pw, ph, ph)
        if len(padding) == 4:
            return tuple(check_nonnegative(p, "padding") for p in padding)
        raise ValueError(f"`padding` must have 1, 2 or 4 values, got {len(padding)}")
    p = check_nonnegative(padding, "padding")
    return (p, p, p, p)


def _source_index(n, before, after, mode):
    """Input index read by each of the ``before + n + after`` padded positions of one axis."""
    u = np.arange(-before, n + after)
    if mode == "replicate":
        return np.clip(u, 0, n - 1)
    if mode == "circular":
        return u % n
    # reflect, without repeating the edge: -1 -> 1, n -> n - 2
    u = np.abs(u)
    return np.where(u > n - 1, 2 * (n - 1) - u, u)


def _check_mode_limits(shape, amounts, mode):
    """Raise ValueError where torch would refuse the padding for this mode."""
    left, right, top, bottom = amounts
    h, w = shape[-2:]
    for size, pads, axis in ((h, (top, bottom), "height"), (w, (left, right), "width")):
        if mode == "reflect" and max(pads) >= size:
            raise ValueError(
                f"`padding` {max(pads)} must be < the input {axis} {size} for mode 'reflect'")
        if mode == "circular" and max(pads) > size:
            raise ValueError(
                f"`padding` {max(pads)} must be <= the input {axis} {size} for mode 'circular'")
        if mode != "zeros" and size == 0 and max(pads) > 0:
            raise ValueError(f"`x` has an empty {axis}; mode {mode!r} cannot pad it")


def _fits(value, dtype):
    """Whether the float `value` is exactly representable in the integer or bool `dtype`."""
    if not np.isfinite(value) or value != int(value):
        return False
    low, high = (0, 1) if dtype.kind == "b" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    return low <= value <= high


def pad2d(x, padding, mode="zeros", *, value=0.0):
    """Pad the last two axes (height, width) of `x`.

    Parameters
    ----------
    x : (..., H, W) array_like
        At least two dimensions; the leading ones (batch, channels) are left alone.
        The dtype is kept.
    padding : int or (int, int) or (int, int, int, int)
        ``p`` on all sides, ``(ph, pw)`` or ``(left, right, top, bottom)``; each ``>= 0``.
    mode : {'zeros', 'reflect', 'replicate', 'circular'}, optional
        What the border holds: a constant, the mirror image without the edge pixel, copies
        of the edge pixel, or the opposite side (wrap-around). Same as ``torch.nn.functional.pad``
        with ``'constant'`` spelt ``'zeros'`` (the name ``nn.Conv2d`` uses).
    value : float, optional
        The constant of mode ``'zeros'`` (default 0; max pooling pads with ``-inf``). The other
        modes take no constant: a nonzero `value` with them is an error (as in torch). For an
        integer or boolean `x` the value must be representable in its dtype, which is kept.

    Returns
    -------
    (..., H + top + bottom, W + left + right) ndarray

    Raises
    ------
    ValueError
        Negative padding, unknown mode, ``reflect`` padding ``>= `` the size, ``circular``
        padding ``>`` the size, fewer than two dimensions, a nonzero `value` with a mode other
        than ``'zeros'``, a `value` that `x`'s integer dtype cannot hold.
    TypeError
        `x` not a real numeric numpy array (a torch tensor is refused), `value` not a number.

    Examples
    --------
    >>> x = np.array([[1, 2, 3]])
    >>> pad2d(x, (0, 2), mode="reflect")
    array([[3, 2, 1, 2, 3, 2, 1]])
    >>> pad2d(x, (0, 2), mode="circular")
    array([[2, 3, 1, 2, 3, 1, 2]])
    >>> pad2d(x, (0, 1))
    array([[0, 1, 2, 3, 0]])
    """
    x = np.asarray(reject_torch(x, "x"))
    if x.dtype.kind not in "biuf":
        raise TypeError(f"`x` must be a real numeric array, got dtype {x.dtype}")
    check_ndim(x, range(2, 33), "x")
    check_choice(mode, MODES, "mode")
    value = check_real(value, "value")
    if mode != "zeros" and value != 0:
        raise ValueError(f"`value` is only used by mode 'zeros', not by mode {mode!r}")
    if x.dtype.kind in "biu" and not _fits(value, x.dtype):
        raise ValueError(f"`value` {value} cannot be stored in `x`'s dtype {x.dtype}")
    left, right, top, bottom = amounts = padding_amounts(padding)
    _check_mode_limits(x.shape, amounts, mode)
    h, w = x.shape[-2:]
    if mode == "zeros":
        out = np.empty(x.shape[:-2] + (h + top + bottom, w + left + right), dtype=x.dtype)
        out[..., :top, :] = value  # the four borders, then the centre: each cell written once
        out[..., top + h:, :] = value
        out[..., top:top + h, :left] = value
        out[..., top:top + h, left + w:] = value
        out[..., top:top + h, left:left + w] = x
        return out
    rows = _source_index(h, top, bottom, mode)
    cols = _source_index(w, left, right, mode)
    return x[..., rows[:, None], cols]


def pad2d_backward(grad_out, input_shape, padding, mode="zeros"):
    """Gradient of `pad2d` with respect to its input: each padded cell's gradient goes home.

    Parameters
    ----------
    grad_out : (..., H + top + bottom, W + left + right) ndarray
        Gradient of the loss with respect to the padded array.
    input_shape : tuple of int
        Shape of the unpadded input, ``(..., H, W)``.
    padding, mode
        As given to `pad2d`.

    Returns
    -------
    (..., H, W) ndarray
        For ``'zeros'`` the centre crop; for the other modes the centre plus every border
        cell added to the input cell it copies.

    Examples
    --------
    >>> g = np.ones((1, 5))
    >>> pad2d_backward(g, (1, 3), (0, 1), mode="replicate")
    array([[2., 1., 2.]])
    """
    grad_out = np.asarray(reject_torch(grad_out, "grad_out"))
    check_choice(mode, MODES, "mode")
    left, right, top, bottom = amounts = padding_amounts(padding)
    h, w = (check_int(s, "input_shape") for s in input_shape[-2:])
    expect = tuple(input_shape[:-2]) + (h + top + bottom, w + left + right)
    if grad_out.shape != expect:
        raise ValueError(f"`grad_out` has shape {grad_out.shape}, expected {expect}")
    _check_mode_limits(input_shape, amounts, mode)
    if mode == "zeros":
        return grad_out[..., top:top + h, left:left + w].copy()
    # width first, over all padded rows; a loop over the padding width, not over pixels
    rows = grad_out[..., left:left + w].copy()
    src = _source_index(w, left, right, mode)
    for t in [*range(left), *range(left + w, left + w + right)]:
        rows[..., src[t]] += grad_out[..., t]
    src = _source_index(h, top, bottom, mode)
    grad = rows[..., top:top + h, :].copy()
    for t in [*range(top), *range(top + h, top + h + bottom)]:
        grad[..., src[t], :] += rows[..., t, :]
    return grad
