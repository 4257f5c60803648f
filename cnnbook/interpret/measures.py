"""Numbers that describe images found by optimisation: chapter 7 compares images by these,
not only by eye."""

import numpy as np

from .._check import as_float_array, check_ndim, check_positive

__all__ = ["correlation", "paired_correlation", "shift_correlation", "total_variation"]


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


def paired_correlation(a, b):
    """Pearson correlation of each map of ``a`` with the map of ``b`` at the same index.

    Two attribution maps of the same images (saliency and occlusion, say) agree where this is
    near 1. Each map is flattened; only the pairs are computed, not all ``n × n`` of
    :func:`correlation`.

    Parameters
    ----------
    a, b : (n, ...) array_like or torch.Tensor
        Maps of equal shapes; no map may be constant.

    Returns
    -------
    (n,) ndarray

    Examples
    --------
    >>> paired_correlation([[1, 2, 3], [1, 2, 3]], [[2, 4, 7], [3, 2, 1]]).round(3)
    array([ 0.993, -1.   ])
    """
    a, b = (_maps(v, name) for v, name in ((a, "a"), (b, "b")))
    if a.shape != b.shape:
        raise ValueError(f"`a` and `b` must have the same shape, got {a.shape} {b.shape}")
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    za, zb = a - a.mean(1, keepdims=True), b - b.mean(1, keepdims=True)
    na, nb = np.linalg.norm(za, axis=1), np.linalg.norm(zb, axis=1)
    if (na == 0).any() or (nb == 0).any():
        raise ValueError("no map of `a` or `b` may be constant")
    return (za * zb).sum(1) / (na * nb)


def _maps(value, name):
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    value = as_float_array(value, name).astype(np.float64)
    if value.ndim < 2:
        raise ValueError(f"`{name}` must be (n, ...) maps, got shape {value.shape}")
    return value


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
