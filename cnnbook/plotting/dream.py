"""Figures of chapter 8: Deep Dream before/after, Gram matrices of style features."""

import numpy as np

from ._base import MIN_FONT_SIZE, new_grid, show_image

__all__ = ["plot_dream", "plot_gram_matrices"]


def _as_images(images, name):
    """(N, H, W), (N, 1, H, W), (N, 3, H, W) or (N, H, W, 3) -> list of (H, W[, 3]) arrays."""
    a = np.asarray(images, dtype=float)
    if a.ndim == 4 and a.shape[1] in (1, 3):
        a = a[:, 0] if a.shape[1] == 1 else a.transpose(0, 2, 3, 1)
    if not (a.ndim == 3 or (a.ndim == 4 and a.shape[-1] == 3)) or len(a) == 0:
        raise ValueError(
            f"`{name}` must be N >= 1 grey or RGB images, got shape {np.shape(images)}")
    return list(a)


def plot_dream(before, after, *, titles=None, vmin=0.0, vmax=1.0):
    """One row per image: the input, its dream, and the change (dream - input).

    Parameters
    ----------
    before, after : array_like
        ``(N, H, W)``, ``(N, 1, H, W)``, ``(N, 3, H, W)`` or ``(N, H, W, 3)``, same shape.
    titles : (str, str, str), optional
        Column titles; default ``("input", "dream", "dream - input")``.
    vmin, vmax : float, optional
        Grey scale of the first two columns; the third is centred on 0 (red +, blue -) and
        shows the mean over colour channels.

    Returns
    -------
    matplotlib.figure.Figure
        ``3 N`` axes, row by row.
    """
    before, after = _as_images(before, "before"), _as_images(after, "after")
    if len(before) != len(after) or before[0].shape != after[0].shape:
        raise ValueError("`before` and `after` must have the same shape")
    titles = ("input", "dream", "dream - input") if titles is None else tuple(titles)
    if len(titles) != 3:
        raise ValueError("`titles` must hold 3 strings")
    n = len(before)
    fig, axes = new_grid(n, 3, figsize=(6.6, 2.2 * n))
    for row, (b, a) in enumerate(zip(before, after, strict=True)):
        diff = a - b if a.ndim == 2 else (a - b).mean(axis=-1)
        lim = max(float(np.abs(diff).max()), 1e-12)
        show_image(axes[row, 0], b, vmin=vmin, vmax=vmax)
        show_image(axes[row, 1], a, vmin=vmin, vmax=vmax)
        show_image(axes[row, 2], diff, cmap="RdBu_r", vmin=-lim, vmax=lim)
        if row == 0:
            for ax, title in zip(axes[0], titles, strict=True):
                ax.set_title(title, fontsize=MIN_FONT_SIZE)
    return fig


def plot_gram_matrices(grams, *, titles=None):
    """Gram matrices (channel × channel correlations) as heat maps, one panel each.

    Parameters
    ----------
    grams : sequence of (C, C) array_like
    titles : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One image axes per matrix (plus one colour bar each).
    """
    mats = [np.asarray(g, dtype=float) for g in grams]
    if not mats or any(m.ndim != 2 or m.shape[0] != m.shape[1] for m in mats):
        raise ValueError("`grams` must be a non-empty sequence of square matrices")
    if titles is not None and len(titles) != len(mats):
        raise ValueError("`titles` must have one entry per matrix")
    fig, axes = new_grid(1, len(mats), figsize=(2.6 * len(mats), 2.5))
    for k, (ax, m) in enumerate(zip(axes[0], mats, strict=True)):
        artist = show_image(ax, m, cmap="viridis", title=None if titles is None else titles[k])
        fig.colorbar(artist, ax=ax, shrink=0.8)
    return fig
