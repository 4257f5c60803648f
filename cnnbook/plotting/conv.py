"""Figures of the convolution chapters: small annotated matrices, filtered photos, the dense
matrix of a convolution, probability mass functions and measured timings.

Every function takes plain numpy arrays (the chapter computes them with :mod:`cnnbook`) and
returns a :class:`matplotlib.figure.Figure`.
"""

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from .._check import as_float_array, check_ndim
from ._base import MIN_FONT_SIZE, integer_ticks, new_axes, new_grid, show_image

__all__ = [
    "plot_conv_matrix",
    "plot_images",
    "plot_matrices",
    "plot_pmf",
    "plot_timings",
]


def _annotate(ax, a, fmt):
    """Write every entry of `a` into its cell of ``ax.images[-1]``, black or white by contrast."""
    im = ax.images[-1]
    for (i, j), v in np.ndenumerate(a):
        r, g, b, _ = im.cmap(im.norm(v))
        colour = "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=MIN_FONT_SIZE, color=colour)


def _check_boxes(boxes, n):
    if boxes is None:
        return [None] * n
    if len(boxes) != n:
        raise ValueError(f"`boxes` must have one entry per panel ({n}), got {len(boxes)}")
    return list(boxes)


def _draw_box(ax, box, colour="black"):
    """Outline cells ``rows r..r+h-1, cols c..c+w-1`` given as ``box = (r, c, h, w)``."""
    r, c, h, w = box
    ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, lw=2.8, ec=colour))


def plot_matrices(arrays, *, titles=None, annotate=True, fmt="{:g}", cmap="RdBu_r",
                  boxes=None, symmetric=True, figsize=None):
    """Draw small 2-D arrays side by side, each cell coloured and labelled with its value.

    Parameters
    ----------
    arrays : sequence of (H_i, W_i) array_like
        The matrices, one panel each (sizes may differ).
    titles : sequence of str, optional
        One title per panel.
    annotate : bool, optional
        Write each value in its cell.
    fmt : str, optional
        Format of the written values.
    cmap : str, optional
        Colour map.
    boxes : sequence of (r, c, h, w) or None, optional
        One rectangle (or None) per panel to outline, e.g. the window that made an output.
    symmetric : bool, optional
        Centre each panel's colour scale on zero (good for signed filters and outputs).
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        One axes per array; ``ax.images[0].get_array()`` is the drawn matrix.

    Examples
    --------
    >>> fig = plot_matrices([[[1, 0], [0, 1]], [[2]]], titles=["x", "y"])
    >>> len(fig.axes)
    2
    """
    mats = [check_ndim(as_float_array(a, "arrays"), 2, "arrays") for a in arrays]
    if not mats:
        raise ValueError("`arrays` must hold at least one matrix")
    if titles is not None and len(titles) != len(mats):
        raise ValueError(f"`titles` must have {len(mats)} entries, got {len(titles)}")
    boxes = _check_boxes(boxes, len(mats))
    widths = [max(m.shape[1], 2) for m in mats]
    if figsize is None:
        figsize = (0.42 * sum(widths) + 0.4 * len(mats), 0.42 * max(m.shape[0] for m in mats) + 0.6)
    fig, axes = new_grid(1, len(mats), figsize=figsize,
                         gridspec_kw={"width_ratios": widths})
    for k, (ax, m) in enumerate(zip(axes[0], mats, strict=True)):
        kw = {}
        if symmetric:
            v = float(np.max(np.abs(m))) or 1.0
            kw = {"vmin": -1.6 * v, "vmax": 1.6 * v}
        show_image(ax, m, cmap=cmap, title=None if titles is None else titles[k], **kw)
        ax.set_xticks(np.arange(-0.5, m.shape[1]), minor=True)
        ax.set_yticks(np.arange(-0.5, m.shape[0]), minor=True)
        ax.grid(which="minor", color="white", lw=0.8)
        ax.tick_params(which="minor", length=0)
        if annotate:
            _annotate(ax, m, fmt)
        if boxes[k] is not None:
            _draw_box(ax, boxes[k])
    return fig


def plot_images(images, *, titles=None, ncols=None, cmap="gray", boxes=None, symmetric=False,
                vmin=None, vmax=None, figsize=None):
    """Show images (2-D grey or H×W×3 colour) in a grid.

    Parameters
    ----------
    images : sequence of (H, W) or (H, W, 3) array_like
    titles : sequence of str, optional
    ncols : int, optional
        Panels per row (default: all in one row).
    cmap : str, optional
        Colour map for grey images.
    boxes : sequence of (r, c, h, w) or None, optional
        A rectangle to outline in each panel (e.g. where the original image sits in a padded
        one).
    symmetric : bool, optional
        Centre each grey panel's colour scale on zero (for signed filter responses).
    vmin, vmax : float, optional
        One grey scale shared by all panels (default: each panel scaled to its own range).
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        One visible axes per image, in order; unused grid cells are hidden.

    Examples
    --------
    >>> fig = plot_images([np.eye(4), np.ones((4, 4))], titles=["a", "b"])
    >>> len([ax for ax in fig.axes if ax.get_visible()])
    2
    """
    ims = []
    for im in images:
        a = as_float_array(im, "images")
        if not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (3, 4))):
            raise ValueError(f"`images` must be (H, W) or (H, W, 3) arrays, got {a.shape}")
        ims.append(a)
    if not ims:
        raise ValueError("`images` must hold at least one image")
    if titles is not None and len(titles) != len(ims):
        raise ValueError(f"`titles` must have {len(ims)} entries, got {len(titles)}")
    boxes = _check_boxes(boxes, len(ims))
    ncols = len(ims) if ncols is None else int(ncols)
    if ncols < 1:
        raise ValueError("`ncols` must be >= 1")
    nrows = -(-len(ims) // ncols)
    fig, axes = new_grid(nrows, ncols, figsize=figsize)
    for k, ax in enumerate(axes.flat):
        if k >= len(ims):
            ax.set_visible(False)
            continue
        kw = {"vmin": vmin, "vmax": vmax}
        if symmetric and ims[k].ndim == 2:
            v = float(np.max(np.abs(ims[k]))) or 1.0
            kw = {"vmin": -v, "vmax": v}
        show_image(ax, ims[k], cmap=cmap, title=None if titles is None else titles[k], **kw)
        if boxes[k] is not None:
            r, c, h, w = boxes[k]
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, lw=1.5,
                                   ec="tab:orange", ls="--"))
    return fig


def plot_conv_matrix(matrix, *, ax=None, figsize=(6.0, 3.2)):
    """Draw the dense matrix of a convolution: zeros white, each distinct weight its own colour.

    Entries that hold the same kernel weight get the same colour, so the shared weights show
    as diagonal stripes and the sparsity as white space.

    Parameters
    ----------
    matrix : (M, N) array_like
        Rows are outputs, columns are inputs (``conv(x).ravel() == matrix @ x.ravel()``).
        With at most 10 distinct nonzero weights, a colour bar names them.
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        ``ax.images[0].get_array()`` is the matrix with zeros masked.

    Examples
    --------
    >>> fig = plot_conv_matrix(np.array([[1., 2, 0], [0, 1, 2]]))
    >>> int(fig.axes[0].images[0].get_array().mask.sum())
    2
    """
    m = check_ndim(as_float_array(matrix, "matrix"), 2, "matrix")
    values = np.unique(m[m != 0])
    # map each distinct nonzero value to an index 0..len(values)-1 (masked where zero)
    index = np.searchsorted(values, m) if values.size else np.zeros(m.shape, int)
    shown = np.ma.masked_array(index, mask=(m == 0))
    fig, ax = new_axes(ax, figsize=figsize)
    base = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
            "tab:pink", "tab:olive", "tab:cyan", "tab:gray"]
    colours = [base[i % len(base)] for i in range(max(len(values), 1))]
    im = ax.imshow(shown, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5,
                   interpolation="nearest",
                   aspect="auto" if m.shape[1] > 3 * m.shape[0] else "equal")
    if 0 < len(values) <= len(base):  # a legend of the distinct weights
        bar = fig.colorbar(im, ax=ax, ticks=np.arange(len(values)), shrink=0.9)
        bar.ax.set_yticklabels([f"{v:g}" for v in values], fontsize=MIN_FONT_SIZE)
        bar.set_label("weight", fontsize=MIN_FONT_SIZE)
    integer_ticks(ax.xaxis)
    integer_ticks(ax.yaxis)
    ax.set_xlabel(f"input pixel ({m.shape[1]})")
    ax.set_ylabel(f"output pixel ({m.shape[0]})")
    ax.set_facecolor("white")
    return fig


def plot_pmf(support, probs, *, highlight=None, ax=None, figsize=(4.5, 2.8)):
    """Bar chart of a probability mass function, with one value highlighted.

    Parameters
    ----------
    support : (K,) array_like
        The values the variable takes.
    probs : (K,) array_like
        Their probabilities (non-negative).
    highlight : scalar, optional
        A value of `support` whose bar is drawn in a second colour and labelled.
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        The bars are ``ax.patches`` in order of `support`.

    Examples
    --------
    >>> fig = plot_pmf([1, 2], [0.5, 0.5], highlight=2)
    >>> len(fig.axes[0].patches)
    2
    """
    s = np.asarray(support)
    p = as_float_array(probs, "probs")
    check_ndim(s, 1, "support")
    check_ndim(p, 1, "probs")
    if s.shape != p.shape:
        raise ValueError(f"`support` and `probs` must have the same length, got {s.size} and "
                         f"{p.size}")
    if np.any(p < 0):
        raise ValueError("`probs` must be non-negative")
    if highlight is not None and highlight not in s:
        raise ValueError(f"`highlight` must be a value of `support`, got {highlight!r}")
    fig, ax = new_axes(ax, figsize=figsize)
    colours = ["tab:orange" if v == highlight else "tab:blue" for v in s]
    ax.bar(s, p, color=colours, width=0.8)
    if highlight is not None:
        i = int(np.flatnonzero(s == highlight)[0])
        ax.annotate(f"{p[i]:.4f}", (s[i], p[i]), ha="center", va="bottom", fontsize=MIN_FONT_SIZE,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(s)
    ax.set_xlabel("value")
    ax.set_ylabel("probability")
    return fig


def plot_timings(labels, seconds, *, ax=None, figsize=(5.0, 2.4)):
    """Horizontal bars of measured run times on a log scale, each labelled with its time.

    Parameters
    ----------
    labels : sequence of str
    seconds : (K,) array_like
        Positive times in seconds.
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        The bars are ``ax.patches`` in the order given (first at the top).

    Examples
    --------
    >>> fig = plot_timings(["loop", "vectorised"], [1.0, 0.01])
    >>> [float(b.get_width()) for b in fig.axes[0].patches]
    [1.0, 0.01]
    """
    t = check_ndim(as_float_array(seconds, "seconds"), 1, "seconds")
    if len(labels) != t.size:
        raise ValueError(f"`labels` must have {t.size} entries, got {len(labels)}")
    if np.any(t <= 0):
        raise ValueError("`seconds` must be positive")
    fig, ax = new_axes(ax, figsize=figsize)
    y = np.arange(t.size)[::-1]
    ax.barh(y, t, color="tab:blue")
    for yi, ti in zip(y, t, strict=True):
        text = f"{ti * 1e3:.3g} ms" if ti < 1 else f"{ti:.3g} s"
        ax.text(ti, yi, " " + text, va="center", fontsize=MIN_FONT_SIZE)
    ax.set_yticks(y, labels)
    ax.set_xscale("log")
    ax.set_xlim(t.min() / 3, t.max() * 8)
    ax.set_xlabel("time per call (s, log scale)")
    return fig
