"""Figures of chapter 6: receptive field growth, gradient footprints, effective receptive fields."""

from collections.abc import Mapping

import numpy as np
from matplotlib.patches import Rectangle

from ._base import integer_ticks, new_axes, new_grid, show_image

__all__ = ["plot_effective_rf", "plot_footprints", "plot_rf_growth", "plot_rf_vs_depth"]


def plot_rf_growth(sizes, *, input_sizes=None, ax=None):
    """Receptive field size after each layer, one line per network.

    Parameters
    ----------
    sizes : mapping of str to sequence of int
        Network name -> receptive field size after layers 1, 2, ...
    input_sizes : mapping of str to int, optional
        Network name -> input side, drawn as a dotted horizontal line of the same colour.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(sizes, Mapping) or not sizes:
        raise ValueError("`sizes` must be a non-empty mapping of name -> sizes")
    fig, ax = new_axes(ax, figsize=(6.0, 3.4))
    for name, values in sizes.items():
        values = np.asarray(values)
        if values.ndim != 1 or values.size == 0 or (values < 1).any():
            raise ValueError(f"`sizes[{name!r}]` must be a non-empty sequence of sizes >= 1")
        (line,) = ax.plot(np.arange(1, values.size + 1), values, "o-", ms=3, label=name)
        if input_sizes is not None and name in input_sizes:
            ax.axhline(input_sizes[name], ls=":", color=line.get_color(), lw=1)
    ax.set_yscale("log")
    integer_ticks(ax.xaxis)
    ax.set_xlabel("layer (convolution or pooling)")
    ax.set_ylabel("receptive field size (pixels)")
    ax.legend(frameon=False)
    return fig


def plot_footprints(footprints, windows, titles=None):
    """Gradient footprints (input pixels an output unit depends on) with the closed-form window.

    Parameters
    ----------
    footprints : sequence of (H, W) bool array_like
        E.g. from :func:`cnnbook.receptive.gradient_footprint`.
    windows : sequence of (row_start, row_stop, col_start, col_stop)
        The closed-form windows (may reach outside the image), drawn as red squares.
    titles : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(footprints) == 0 or len(windows) != len(footprints):
        raise ValueError("`footprints` and `windows` must be non-empty and of the same length")
    if titles is not None and len(titles) != len(footprints):
        raise ValueError("`titles` must have one title per footprint")
    fig, axes = new_grid(1, len(footprints), figsize=(2.6 * len(footprints), 2.8))
    for k, (fp, win) in enumerate(zip(footprints, windows, strict=True)):
        fp = np.asarray(fp)
        if fp.ndim != 2:
            raise ValueError("each footprint must be 2-D")
        r0, r1, c0, c1 = win
        ax = axes[0, k]
        # image pixels outside the footprint light grey-blue, outside the image white
        show_image(ax, np.where(fp, 1.0, 0.12), cmap="Blues", vmin=0, vmax=1.2,
                   title=None if titles is None else titles[k])  # fmt: skip
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0, r1 - r0, fill=False,
                               ec="tab:red", lw=1.5))  # fmt: skip
        ax.set_xlim(min(-0.5, c0 - 1), max(fp.shape[1] - 0.5, c1))
        ax.set_ylim(max(fp.shape[0] - 0.5, r1), min(-0.5, r0 - 1))
        ax.add_patch(Rectangle((-0.5, -0.5), fp.shape[1], fp.shape[0], fill=False,
                               ec="black", lw=0.8))  # fmt: skip
    return fig


def plot_effective_rf(maps, sizes, titles=None):
    """Effective receptive fields (gradient maps) with the theoretical window outlined.

    Parameters
    ----------
    maps : sequence of (H, W) array_like
        Non-negative maps, e.g. from :func:`cnnbook.receptive.effective_receptive_field`.
    sizes : sequence of int
        Theoretical receptive field size of each map, drawn as a square at the centre.
    titles : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(maps) == 0 or len(sizes) != len(maps):
        raise ValueError("`maps` and `sizes` must be non-empty and of the same length")
    if titles is not None and len(titles) != len(maps):
        raise ValueError("`titles` must have one title per map")
    fig, axes = new_grid(1, len(maps), figsize=(2.3 * len(maps), 2.5))
    for k, (m, size) in enumerate(zip(maps, sizes, strict=True)):
        m = np.asarray(m, dtype=float)
        if m.ndim != 2 or (m < 0).any():
            raise ValueError("each map must be a non-negative 2-D array")
        ax = axes[0, k]
        show_image(ax, m, cmap="magma", title=None if titles is None else titles[k])
        ci, cj = m.shape[0] // 2, m.shape[1] // 2
        half = size // 2
        ax.add_patch(Rectangle((cj - half - 0.5, ci - half - 0.5), size, size, fill=False,
                               ec="tab:cyan", lw=1.2, ls="--"))  # fmt: skip
    return fig


def plot_rf_vs_depth(depths, theoretical, effective, *, ax=None):
    """Theoretical and effective receptive field size against the number of layers.

    Parameters
    ----------
    depths : sequence of int
    theoretical, effective : sequence of float
        Sizes (pixels) at each depth.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = np.asarray(depths, dtype=float)
    th = np.asarray(theoretical, dtype=float)
    ef = np.asarray(effective, dtype=float)
    if d.ndim != 1 or d.size == 0 or th.shape != d.shape or ef.shape != d.shape:
        raise ValueError("`depths`, `theoretical` and `effective` must be 1-D of the same length")
    fig, ax = new_axes(ax, figsize=(4.8, 3.2))
    ax.plot(d, th, "o-", label="theoretical (closed form)")
    ax.plot(d, ef, "s-", label="effective (95% of gradient)")
    integer_ticks(ax.xaxis)
    ax.set_xlabel("number of 3×3 layers")
    ax.set_ylabel("size (pixels)")
    ax.legend(frameon=False)
    return fig
