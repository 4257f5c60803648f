"""Numbers that describe images found by optimisation: chapter 7 compares images by these,
not only by eye."""

import numpy as np

from .._check import as_float_array, check_ndim, check_positive

__all__ = ["correlation", "shift_correlation", "total_variation"]


def correlation(a, b):
    """Pearson correlation of every row of ``a`` with every row of ``b``.

    Parameters
    ----------
    a : (n, d) array_like
    b : (m, d) array_like
        Rows must not be constant.

    Returns
    -------
    (n, m) ndarray

    Examples
    --------
    >>> correlation([[1, 2, 3]], [[2, 4, 6], [3, 2, 1]])
    array([[ 1., -1.]])
    """
    a = check_ndim(as_float_array(a, "a"), 2, "a").astype(np.float64)
    b = check_ndim(as_float_array(b, "b"), 2, "b").astype(np.float64)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"`a` and `b` must have rows of the same length, got {a.shape} {b.shape}")
    sa, sb = a.std(1, keepdims=True), b.std(1, keepdims=True)
    if (sa == 0).any() or (sb == 0).any():
        raise ValueError("rows of `a` and `b` must not be constant")
    za, zb = (a - a.mean(1, keepdims=True)) / sa, (b - b.mean(1, keepdims=True)) / sb
    return za @ zb.T / a.shape[1]


def shift_correlation(images, shift):
    """Mean correlation of each image with itself moved ``shift`` pixels to the right.

    High for stripes and textures (a pattern that repeats), low for a single shape.

    Parameters
    ----------
    images : (N, H, W) array_like
    shift : int
        ``1 <= shift < W``.

    Returns
    -------
    float

    Examples
    --------
    >>> stripes = np.tile([0.0, 1.0], (1, 4, 4))       # period 2
    >>> round(shift_correlation(stripes, 2), 6), round(shift_correlation(stripes, 1), 6)
    (1.0, -1.0)
    """
    images = check_ndim(as_float_array(images, "images"), 3, "images")
    shift = check_positive(shift, "shift")
    if shift >= images.shape[2]:
        raise ValueError(f"`shift` must be smaller than the width {images.shape[2]}")
    left = images[:, :, :-shift].reshape(len(images), -1)
    right = images[:, :, shift:].reshape(len(images), -1)
    return float(np.mean(np.diag(correlation(left, right))))


def total_variation(images):
    """Sum of absolute differences between neighbouring pixels, per image (anisotropic TV).

    Parameters
    ----------
    images : (N, H, W) array_like

    Returns
    -------
    (N,) ndarray

    Examples
    --------
    >>> total_variation([[[0, 1], [1, 1]]])
    array([2.])
    """
    x = check_ndim(as_float_array(images, "images"), 3, "images").astype(np.float64)
    return np.abs(np.diff(x, axis=1)).sum((1, 2)) + np.abs(np.diff(x, axis=2)).sum((1, 2))
