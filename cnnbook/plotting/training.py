"""Figures of chapters 5-6 about training: samples, loss and accuracy curves, comparisons."""

from collections.abc import Mapping

import numpy as np

from ._base import MIN_FONT_SIZE, grid_shape, integer_ticks, new_axes, new_grid, show_image

__all__ = ["plot_accuracy_bars", "plot_accuracy_curves", "plot_loss_curves", "plot_samples"]


def plot_samples(images, labels, *, class_names=None, predictions=None, ncols=10,
                 cmap="gray_r"):
    """A grid of images titled with their labels (and predictions, red where wrong).

    Parameters
    ----------
    images : (N, H, W) array_like
    labels : (N,) array_like of int
    class_names : sequence of str, optional
        Names of the classes; default the numbers.
    predictions : (N,) array_like of int, optional
    ncols : int, optional
        At most this many panels per row; fewer, in evenly filled rows, where they would not
        fit the book's column.
    cmap : str, optional
        Default ``"gray_r"``: high values dark, like ink on paper.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or len(images) == 0 or labels.shape != (len(images),):
        raise ValueError("`images` must be (N, H, W) with N >= 1 and `labels` of shape (N,)")
    if predictions is not None:
        predictions = np.asarray(predictions)
        if predictions.shape != labels.shape:
            raise ValueError("`predictions` must have the shape of `labels`")
    # class names need wider panels than digits; rows wrap to fit the book's column
    nrows, ncols = grid_shape(len(images), ncols, 1.2 if class_names is not None else 0.7)
    fig, axes = new_grid(nrows, ncols, figsize=(1.1 * ncols, 1.25 * nrows))
    name = (lambda c: class_names[c]) if class_names is not None else str
    for k, ax in enumerate(axes.ravel()):
        if k >= len(images):
            ax.set_axis_off()
            continue
        title = name(labels[k])
        show_image(ax, images[k], cmap=cmap)
        if predictions is not None:
            wrong = predictions[k] != labels[k]
            title = f"{title}\n→ {name(predictions[k])}"
            ax.set_title(title, fontsize=MIN_FONT_SIZE, color="tab:red" if wrong else "black")
        else:
            ax.set_title(title, fontsize=MIN_FONT_SIZE)
    return fig


def _curve(values):
    if hasattr(values, "step_loss"):  # a cnnbook.train.History
        values = values.step_loss
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("each curve must be a non-empty 1-D sequence")
    return values


def _smooth(values, window):
    if window <= 1 or values.size < window:
        return np.arange(values.size), values
    kernel = np.ones(window) / window
    return np.arange(window - 1, values.size), np.convolve(values, kernel, mode="valid")


def plot_loss_curves(curves, *, smooth=1, logy=False, xlabel="step", ylabel="training loss",
                     ax=None):  # fmt: skip
    """One line per named curve, e.g. the per-step training loss of several runs.

    Parameters
    ----------
    curves : mapping of str to sequence of float (or to a History)
        Label -> values; a :class:`cnnbook.train.History` is drawn by its ``step_loss``.
    smooth : int, optional
        Width of a trailing moving average (1: raw values).
    logy : bool, optional
    xlabel, ylabel : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("`curves` must be a non-empty mapping of label -> values")
    if int(smooth) < 1:
        raise ValueError("`smooth` must be >= 1")
    fig, ax = new_axes(ax, figsize=(6.0, 3.2))
    styles = ["-", "--", ":", "-."]
    for k, (label, values) in enumerate(curves.items()):
        x, y = _smooth(_curve(values), int(smooth))
        ax.plot(x, y, styles[k % len(styles)], label=label, lw=1.5)
    if logy:
        ax.set_yscale("log")
    integer_ticks(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel if smooth == 1 else f"{ylabel} (mean of {smooth})")
    ax.legend(frameon=False)
    return fig


def plot_accuracy_curves(curves, *, target=None, x=None, xlabel="epoch", ax=None):
    """Test accuracy after each epoch (or at given times) of several runs.

    Parameters
    ----------
    curves : mapping of str to sequence of float
        Label -> accuracies in [0, 1].
    target : float, optional
        Draws a dashed horizontal line at this accuracy.
    x : mapping of str to sequence of float, optional
        Label -> x values (e.g. seconds); default epochs 1, 2, ...
    xlabel : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("`curves` must be a non-empty mapping of label -> accuracies")
    fig, ax = new_axes(ax, figsize=(5.0, 3.2))
    for label, acc in curves.items():
        acc = _curve(acc)
        xs = np.arange(1, acc.size + 1) if x is None else np.asarray(x[label], dtype=float)
        if xs.shape != acc.shape:
            raise ValueError(f"`x[{label!r}]` must have one value per accuracy")
        ax.plot(xs, 100 * acc, "o-", label=label, ms=4)
    if target is not None:
        ax.axhline(100 * target, ls="--", color="gray", lw=1)
    if x is None:
        integer_ticks(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy (%)")
    ax.legend(frameon=False)
    return fig


def plot_accuracy_bars(labels, train_accuracy, test_accuracy, *, params=None, ax=None):
    """Grouped bars of training and test accuracy per model, parameters written underneath.

    Parameters
    ----------
    labels : sequence of str
    train_accuracy, test_accuracy : sequence of float in [0, 1]
    params : sequence of int, optional
        Parameter counts, added to the tick labels.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    tr = np.asarray(train_accuracy, dtype=float)
    te = np.asarray(test_accuracy, dtype=float)
    if not (len(labels) == tr.size == te.size) or tr.ndim != 1 or te.ndim != 1:
        raise ValueError("`labels`, `train_accuracy` and `test_accuracy` must have one value each")
    if params is not None and len(params) != len(labels):
        raise ValueError("`params` must have one count per label")
    if ((tr < 0) | (tr > 1) | (te < 0) | (te > 1)).any():
        raise ValueError("accuracies must be in [0, 1]")
    fig, ax = new_axes(ax, figsize=(6.0, 3.2))
    pos = np.arange(len(labels))
    bars_tr = ax.bar(pos - 0.2, 100 * tr, width=0.4, label="training", color="tab:gray")
    bars_te = ax.bar(pos + 0.2, 100 * te, width=0.4, label="test", color="tab:blue")
    for bars in (bars_tr, bars_te):
        ax.bar_label(bars, fmt="%.1f", fontsize=MIN_FONT_SIZE)
    ticks = list(labels)
    if params is not None:
        ticks = [f"{name}\n{int(n):,} params" for name, n in zip(labels, params, strict=True)]
    ax.set_xticks(pos, ticks, fontsize=MIN_FONT_SIZE)
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 118)
    ax.legend(frameon=False, loc="upper center", ncols=2)
    return fig
