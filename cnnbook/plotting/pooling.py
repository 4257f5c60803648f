"""Figures of the pooling chapter: pooling windows and their outputs, k-max pooling of a
sequence, measured translation invariance, layer sizes and flattening.

Every function takes plain numpy arrays (the chapter computes them with :mod:`cnnbook`) and
returns a :class:`matplotlib.figure.Figure`.
"""

import numpy as np

from .._check import as_float_array, check_ndim, check_positive
from ._base import MIN_FONT_SIZE, new_axes, new_grid, show_image
from .conv import _annotate

__all__ = [
    "plot_flatten",
    "plot_invariance",
    "plot_kmax",
    "plot_layer_sizes",
    "plot_pooling",
]

_WINDOW_COLOURS = ["#fdd0a2", "#c6dbef", "#c7e9c0", "#dadaeb", "#fcbba1", "#d9d9d9"]


def _hex_rgb(hexc):
    return [int(hexc[t:t + 2], 16) / 255 for t in (1, 3, 5)]


def _grid_lines(ax, shape):
    ax.set_xticks(np.arange(-0.5, shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, shape[0]), minor=True)
    ax.grid(which="minor", color="0.4", lw=0.6)
    ax.tick_params(which="minor", length=0)


def plot_pooling(x, outputs, *, kernel_size, stride=None, fmt="{:g}", figsize=None):
    """Draw a small input with its pooling windows tinted, and one panel per pooled output.

    Parameters
    ----------
    x : (H, W) array_like
        The input, small enough to print its values.
    outputs : dict of str -> (H_out, W_out) array_like
        Pooled results, e.g. ``{"max": ..., "average": ...}``; titles are the keys.
    kernel_size : int
        Side of the (square, non-overlapping unless `stride` says otherwise) windows.
    stride : int, optional
        Step between windows (default `kernel_size`); only windows that do not overlap are
        tinted.
    fmt : str, optional
        Format of the written values.
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        ``1 + len(outputs)`` axes: the input (its values written as ``ax.texts``), then the
        outputs in the given order.

    Examples
    --------
    >>> x = np.arange(16.).reshape(4, 4)
    >>> fig = plot_pooling(x, {"max": [[5, 7], [13, 15]]}, kernel_size=2)
    >>> len(fig.axes)
    2
    """
    a = check_ndim(as_float_array(x, "x"), 2, "x")
    k = check_positive(kernel_size, "kernel_size")
    s = k if stride is None else check_positive(stride, "stride")
    if not outputs:
        raise ValueError("`outputs` must hold at least one pooled array")
    outs = {name: check_ndim(as_float_array(o, "outputs"), 2, "outputs")
            for name, o in outputs.items()}
    n_h, n_w = (a.shape[0] - k) // s + 1, (a.shape[1] - k) // s + 1
    for name, o in outs.items():
        if o.shape != (n_h, n_w):
            raise ValueError(f"`outputs[{name!r}]` has shape {o.shape}, expected {(n_h, n_w)} "
                             f"for a {a.shape} input, kernel {k} and stride {s}")
    widths = [a.shape[1]] + [o.shape[1] for o in outs.values()]
    if figsize is None:
        figsize = (0.5 * sum(widths) + 0.5 * len(widths), 0.5 * a.shape[0] + 0.6)
    fig, axes = new_grid(1, len(widths), figsize=figsize, gridspec_kw={"width_ratios": widths})
    ax = axes[0, 0]
    tint = np.ones(a.shape + (3,))
    if s >= k:  # tint non-overlapping windows, one colour per output cell
        for i in range(n_h):
            for j in range(n_w):
                rgb = _hex_rgb(_WINDOW_COLOURS[(i * n_w + j) % len(_WINDOW_COLOURS)])
                tint[i * s:i * s + k, j * s:j * s + k] = rgb
    show_image(ax, tint, title="input")  # colour = window; the values are written in
    _grid_lines(ax, a.shape)
    for (i, j), v in np.ndenumerate(a):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=MIN_FONT_SIZE)
    out_tint = np.array([[_hex_rgb(_WINDOW_COLOURS[(i * n_w + j) % len(_WINDOW_COLOURS)])
                          for j in range(n_w)] for i in range(n_h)])
    for ax, (name, o) in zip(axes[0, 1:], outs.items(), strict=True):
        if s >= k:  # each output cell in the colour of its window
            show_image(ax, out_tint, title=name)
            for (i, j), v in np.ndenumerate(o):
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=MIN_FONT_SIZE)
        else:
            show_image(ax, o, cmap="Oranges", title=name)
            _annotate(ax, o, fmt)
        _grid_lines(ax, o.shape)
    return fig


def plot_kmax(x, pooled, *, ax=None, figsize=(6.0, 2.4)):
    """Bars of a sequence with the values kept by k-max pooling highlighted.

    Parameters
    ----------
    x : (L,) array_like
        The sequence.
    pooled : (k,) array_like
        The k-max pooled values in their original order (a subsequence of `x`).
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        ``ax.patches`` are the bars of `x`; the kept ones are orange.

    Examples
    --------
    >>> fig = plot_kmax([3, 1, 4, 1, 5], [3, 4, 5])
    >>> [p.get_facecolor()[0] > 0.9 for p in fig.axes[0].patches]
    [True, False, True, False, True]
    """
    v = check_ndim(as_float_array(x, "x"), 1, "x")
    kept = check_ndim(as_float_array(pooled, "pooled"), 1, "pooled")
    mask = np.zeros(v.size, bool)
    j = 0
    for i, value in enumerate(v):  # greedy match: `pooled` is a subsequence of `x`
        if j < kept.size and value == kept[j]:
            mask[i] = True
            j += 1
    if j != kept.size:
        raise ValueError("`pooled` must be a subsequence of `x` (values in their original order)")
    fig, ax = new_axes(ax, figsize=figsize)
    ax.bar(np.arange(v.size), v, color=np.where(mask, "tab:orange", "tab:blue"))
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_xlabel("position")
    ax.set_ylabel("value")
    ax.set_title(f"k-max pooling, k = {kept.size}: kept values in orange, order kept",
                 fontsize=MIN_FONT_SIZE)
    return fig


def plot_invariance(kernel_sizes, fractions, *, ax=None, figsize=(4.8, 3.0)):
    """Line plot: share of outputs unchanged under a small shift, against the pooling size.

    Parameters
    ----------
    kernel_sizes : (K,) array_like of int
        Pooling window sides (1 means no pooling).
    fractions : dict of str -> (K,) array_like
        One curve per label (e.g. ``"max"``, ``"average"``), values in [0, 1].
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per entry of `fractions`, in order.

    Examples
    --------
    >>> fig = plot_invariance([1, 2], {"max": [0.1, 0.5]})
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [0.1, 0.5]
    """
    ks = check_ndim(np.asarray(kernel_sizes), 1, "kernel_sizes")
    if not fractions:
        raise ValueError("`fractions` must hold at least one curve")
    fig, ax = new_axes(ax, figsize=figsize)
    for (label, f), marker in zip(fractions.items(), "osd^v", strict=False):
        f = check_ndim(as_float_array(f, "fractions"), 1, "fractions")
        if f.shape != ks.shape:
            raise ValueError(f"`fractions[{label!r}]` must have {ks.size} values, got {f.size}")
        if np.any((f < 0) | (f > 1)):
            raise ValueError("`fractions` must lie in [0, 1]")
        ax.plot(ks, f, marker=marker, label=label)
    ax.set_xticks(ks)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("pooling window (1 = no pooling)")
    ax.set_ylabel("share of outputs unchanged")
    ax.legend(fontsize=MIN_FONT_SIZE)
    ax.grid(alpha=0.3)
    return fig


def plot_layer_sizes(stages, sizes, *, ylabel="numbers per image", ax=None,
                     figsize=(6.0, 3.0)):
    """Grouped bars (log scale): a quantity at each stage of a network, for several designs.

    Parameters
    ----------
    stages : sequence of str
        Stage names (x axis).
    sizes : dict of str -> (len(stages),) array_like
        One bar series per design; zero or missing (``nan``) values draw no bar.
    ylabel : str, optional
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        ``len(sizes)`` bar containers in ``ax.containers``.

    Examples
    --------
    >>> fig = plot_layer_sizes(["in", "out"], {"a": [10, 5], "b": [10, 1]})
    >>> len(fig.axes[0].containers)
    2
    """
    if not sizes:
        raise ValueError("`sizes` must hold at least one series")
    fig, ax = new_axes(ax, figsize=figsize)
    x = np.arange(len(stages))
    width = 0.8 / len(sizes)
    for k, (label, v) in enumerate(sizes.items()):
        v = check_ndim(as_float_array(v, "sizes"), 1, "sizes")
        if v.size != len(stages):
            raise ValueError(f"`sizes[{label!r}]` must have {len(stages)} values, got {v.size}")
        bars = ax.bar(x + (k - (len(sizes) - 1) / 2) * width, np.nan_to_num(v), width,
                      label=label)
        ax.bar_label(bars, labels=[f"{int(b):,}" if b > 0 else "" for b in np.nan_to_num(v)],
                     fontsize=MIN_FONT_SIZE, rotation=90, padding=2)
    ax.set_yscale("log")
    ax.set_xticks(x, stages, fontsize=MIN_FONT_SIZE)
    ax.set_ylabel(ylabel)
    ax.margins(y=0.25)
    ax.legend(fontsize=MIN_FONT_SIZE)
    return fig


def plot_flatten(x, *, fmt="{:g}", figsize=None):
    """Draw a small (C, H, W) feature map and the vector that flattening it gives.

    The top row shows the channels; the bottom row the flattened vector in C-order (channel by
    channel, row by row), each entry tinted by the channel it came from.

    Parameters
    ----------
    x : (C, H, W) array_like
    fmt : str, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure
        ``C + 1`` axes: the channels, then the vector; the values are written as ``ax.texts``
        (the vector's in order).

    Examples
    --------
    >>> fig = plot_flatten(np.arange(8.).reshape(2, 2, 2))
    >>> [t.get_text() for t in fig.axes[-1].texts][:3]
    ['0', '1', '2']
    """
    a = check_ndim(as_float_array(x, "x"), 3, "x")
    c, h, w = a.shape
    n = a.size
    if figsize is None:
        figsize = (max(0.32 * n, 0.9 * c * (w + 1)), 0.5 * h + 1.3)
    fig = new_grid(1, 1, figsize=figsize)[0]
    fig.clear()
    gs = fig.add_gridspec(2, c, height_ratios=[h, 1.2])
    tints = [_hex_rgb(_WINDOW_COLOURS[ch % len(_WINDOW_COLOURS)]) for ch in range(c)]
    for ch in range(c):
        ax = fig.add_subplot(gs[0, ch])
        show_image(ax, np.broadcast_to(tints[ch], (h, w, 3)), title=f"channel {ch}")
        _grid_lines(ax, a[ch].shape)
        for (i, j), v in np.ndenumerate(a[ch]):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=MIN_FONT_SIZE)
    ax = fig.add_subplot(gs[1, :])
    flat = a.reshape(1, n)  # C-order: channel by channel, row by row
    strip = np.repeat(np.array(tints), h * w, axis=0)[None]  # (1, N, 3)
    show_image(ax, strip, title=f"flattened: {n} numbers")
    _grid_lines(ax, flat.shape)
    for ch in range(1, c):
        ax.axvline(ch * h * w - 0.5, color="0.1", lw=2)
    for j, v in enumerate(flat[0]):
        ax.text(j, 0, fmt.format(v), ha="center", va="center", fontsize=MIN_FONT_SIZE)
    return fig
