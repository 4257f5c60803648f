"""Figures of chapter 1: parameter counts, one detector at many places, subsampling."""

import numpy as np
from matplotlib.patches import Rectangle

from ._base import new_axes, new_grid, show_image

__all__ = ["plot_param_counts", "plot_detections", "plot_subsampling"]


def plot_param_counts(labels, fc_counts, conv_counts, *, ax=None):
    """Grouped bars, on a log scale, of the parameters of a dense and a convolutional layer.

    Parameters
    ----------
    labels : sequence of str
        One label per input size, e.g. ``"224×224×3"``.
    fc_counts, conv_counts : sequence of int
        Parameters of the fully connected and the convolutional layer for each input.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fc = np.asarray(fc_counts, dtype=float)
    conv = np.asarray(conv_counts, dtype=float)
    if not (len(labels) == fc.size == conv.size) or fc.ndim != 1 or conv.ndim != 1:
        raise ValueError("`labels`, `fc_counts` and `conv_counts` must have the same length")
    if (fc <= 0).any() or (conv <= 0).any():
        raise ValueError("`fc_counts` and `conv_counts` must be positive (log scale)")
    fig, ax = new_axes(ax, figsize=(6.0, 3.2))
    pos = np.arange(len(labels))
    ax.bar(pos - 0.2, fc, width=0.4, label="fully connected", color="tab:red")
    ax.bar(pos + 0.2, conv, width=0.4, label="convolutional", color="tab:blue")
    ax.set_yscale("log")
    ax.set_xticks(pos, labels)
    ax.set_xlabel("input image (height × width × channels)")
    ax.set_ylabel("parameters")
    ax.legend(frameon=False)
    return fig


def plot_detections(image, template, response, peaks):
    """Three panels: the template, its response map, and the image with each detection boxed.

    Parameters
    ----------
    image : (H, W) array_like
    template : (h, w) array_like
    response : (H - h + 1, W - w + 1) array_like
        Output of :func:`cnnbook.detect.match_template`.
    peaks : (P, 2) array_like of int
        Top-left corners of the detections (row, column), e.g. from ``find_peaks``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    image, template, response = np.asarray(image), np.asarray(template), np.asarray(response)
    peaks = np.asarray(peaks, dtype=int).reshape(-1, 2)
    if image.ndim != 2 or template.ndim != 2 or response.ndim != 2:
        raise ValueError("`image`, `template` and `response` must be 2-D")
    h, w = template.shape
    if response.shape != (image.shape[0] - h + 1, image.shape[1] - w + 1):
        raise ValueError("`response` must have shape (H - h + 1, W - w + 1)")
    fig, axes = new_grid(1, 3, figsize=(9.0, 3.0), width_ratios=[1, 3, 3])
    show_image(axes[0, 0], template, title=f"detector ({h}×{w})")
    im = show_image(axes[0, 1], response, title="response everywhere", cmap="magma")
    im.set_clim(-1, 1)
    fig.colorbar(im, ax=axes[0, 1], shrink=0.7)
    show_image(axes[0, 2], image, title=f"{len(peaks)} detections")
    for r, c in peaks:
        axes[0, 2].add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, ec="tab:red", lw=1.5))
    return fig


def plot_subsampling(images, titles):
    """A row of images shown at the same display size, whatever their pixel count.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) array_like
    titles : sequence of str

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(images) == 0 or len(images) != len(titles):
        raise ValueError("`images` and `titles` must be non-empty and of the same length")
    fig, axes = new_grid(1, len(images), figsize=(2.4 * len(images), 2.6))
    for ax, img, title in zip(axes[0], images, titles, strict=True):
        show_image(ax, np.asarray(img), title=title, interpolation="nearest")
    return fig
