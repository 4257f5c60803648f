"""Figures of chapter 7: filters, preferred inputs, attribution maps, adversarial examples."""

import numpy as np

from ._base import MIN_FONT_SIZE, grid_shape, new_grid, show_image

__all__ = ["plot_adversarial", "plot_attributions", "plot_filters", "plot_image_grid"]


def _images(images, name="images"):
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"`{name}` must have shape (N, H, W) with N >= 1, got {images.shape}")
    return images


def _titles(titles, n):
    if titles is None:
        return [None] * n
    titles = list(titles)
    if len(titles) != n:
        raise ValueError(f"`titles` must have one entry per image ({n}), got {len(titles)}")
    return titles


def _grid(n, ncols, scale):
    nrows, ncols = grid_shape(n, ncols, 0.7)  # rows wrap to fit the book's column
    return new_grid(nrows, ncols, figsize=(scale * ncols, scale * nrows + 0.15))


def plot_filters(weights, *, titles=None, ncols=9):
    """Filters (e.g. a first convolution's weights) as small images on one symmetric colour scale.

    Parameters
    ----------
    weights : (K, h, w) array_like
        One 2-D filter per panel (take ``conv.weight[:, 0]`` for a one-channel input).
    titles : sequence of K str, optional
    ncols : int, optional
        At most this many panels per row; fewer, in evenly filled rows, where they would not
        fit the book's column.

    Returns
    -------
    matplotlib.figure.Figure
        Red positive, blue negative, white zero; the same scale ``±max|w|`` in every panel.
    """
    weights = _images(weights, "weights")
    titles = _titles(titles, len(weights))
    vmax = float(np.abs(weights).max()) or 1.0
    fig, axes = _grid(len(weights), ncols, 0.9)
    for k, ax in enumerate(axes.ravel()):
        if k >= len(weights):
            ax.set_axis_off()
            continue
        artist = show_image(ax, weights[k], title=titles[k], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    fig.colorbar(artist, ax=axes, shrink=0.8)
    return fig


def plot_image_grid(images, *, titles=None, ncols=10, vmin=0.0, vmax=1.0, cmap="gray_r"):
    """Images on one fixed scale (default ``[0, 1]``, high = dark ink), e.g. the inputs ``x*``
    found by activation maximisation.

    Parameters
    ----------
    images : (N, H, W) array_like
    titles : sequence of N str, optional
    ncols : int, optional
        At most this many panels per row; fewer, in evenly filled rows, where they would not
        fit the book's column.
    vmin, vmax : float, optional
        Colour scale shared by all panels.
    cmap : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = _images(images)
    titles = _titles(titles, len(images))
    fig, axes = _grid(len(images), ncols, 1.1)
    for k, ax in enumerate(axes.ravel()):
        if k >= len(images):
            ax.set_axis_off()
            continue
        show_image(ax, images[k], title=titles[k], cmap=cmap, vmin=vmin, vmax=vmax)
    return fig


def plot_attributions(images, maps, *, titles=None):
    """Each image above its attribution maps, one column per image, one row per method.

    Parameters
    ----------
    images : (N, H, W) array_like
        The inputs, drawn in ``gray_r``.
    maps : dict of str to (N, H, W) array_like
        Method name -> maps. Non-negative maps (saliency) are drawn from white to dark red;
        maps with negative values (occlusion) on a symmetric red-blue scale. Each panel is scaled
        to its own largest value.
    titles : sequence of N str, optional
        Column titles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = _images(images)
    titles = _titles(titles, len(images))
    if not isinstance(maps, dict) or not maps:
        raise ValueError("`maps` must be a non-empty dict of name -> (N, H, W) maps")
    arrays = {name: np.asarray(m, dtype=float) for name, m in maps.items()}
    for name, m in arrays.items():
        if m.shape != images.shape:
            raise ValueError(f"`maps[{name!r}]` must have the shape of `images` {images.shape}, "
                             f"got {m.shape}")
    n = len(images)
    fig, axes = new_grid(1 + len(arrays), n, figsize=(1.1 * n + 0.6, 1.15 * (1 + len(arrays))))
    for j in range(n):
        show_image(axes[0, j], images[j], title=titles[j], cmap="gray_r")
        for i, m in enumerate(arrays.values(), start=1):
            top = float(np.abs(m[j]).max()) or 1.0
            if m.min() < 0:
                show_image(axes[i, j], m[j], cmap="RdBu_r", vmin=-top, vmax=top)
            else:
                show_image(axes[i, j], m[j], cmap="Reds", vmin=0, vmax=top)
    for i, name in enumerate(["input", *arrays], start=0):
        axes[i, 0].set_ylabel(name, fontsize=MIN_FONT_SIZE, rotation=0, ha="right", va="center")
    return fig


def plot_adversarial(original, adversarial, *, titles_before=None, titles_after=None):
    """Originals, the perturbations and the perturbed images in three rows.

    Parameters
    ----------
    original, adversarial : (N, H, W) array_like
        Images in ``[0, 1]``, drawn with high values dark.
    titles_before, titles_after : sequence of N str, optional
        Titles of the first and third rows (e.g. the predicted class and its probability).

    Returns
    -------
    matplotlib.figure.Figure
        The middle row shows ``adversarial - original`` on a symmetric scale ``±max|δ|``.
    """
    original = _images(original, "original")
    adversarial = _images(adversarial, "adversarial")
    if adversarial.shape != original.shape:
        raise ValueError(f"`adversarial` must have the shape of `original` {original.shape}, "
                         f"got {adversarial.shape}")
    n = len(original)
    before, after = _titles(titles_before, n), _titles(titles_after, n)
    delta = adversarial - original
    top = float(np.abs(delta).max()) or 1.0
    fig, axes = new_grid(3, n, figsize=(1.1 * n + 0.6, 3.8))
    for j in range(n):
        show_image(axes[0, j], original[j], title=before[j], cmap="gray_r", vmin=0, vmax=1)
        show_image(axes[1, j], delta[j], cmap="RdBu_r", vmin=-top, vmax=top)
        show_image(axes[2, j], adversarial[j], title=after[j], cmap="gray_r", vmin=0, vmax=1)
    for i, name in enumerate(["original", "change", "perturbed"]):
        axes[i, 0].set_ylabel(name, fontsize=MIN_FONT_SIZE, rotation=0, ha="right", va="center")
    return fig
