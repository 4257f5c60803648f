"""Figures of chapter 9, speech: mel filters, spectrograms, shifted feature maps, accuracies."""

import numpy as np

from ._base import MIN_FONT_SIZE, grid_shape, new_axes, new_grid

__all__ = [
    "plot_test_accuracies",
    "plot_mel_filterbank",
    "plot_shift_accuracy",
    "plot_shift_response",
    "plot_spectrograms",
]


def plot_mel_filterbank(filterbank, sample_rate, *, ax=None):
    """Each triangular mel filter against frequency in Hz.

    Parameters
    ----------
    filterbank : (n_mels, n_fft // 2 + 1) array_like
        From :func:`cnnbook.apps.speech_features.mel_filterbank`.
    sample_rate : float
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fb = np.asarray(filterbank, dtype=float)
    if fb.ndim != 2 or fb.shape[1] < 2:
        raise ValueError("`filterbank` must be (n_mels, n_fft // 2 + 1)")
    if not sample_rate > 0:
        raise ValueError("`sample_rate` must be positive")
    fig, ax = new_axes(ax, figsize=(6.0, 2.6))
    freqs = np.linspace(0, sample_rate / 2, fb.shape[1])
    for row in fb:
        ax.plot(freqs, row, lw=0.8)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("weight")
    ax.set_title(f"{fb.shape[0]} mel filters: narrow and dense at low frequencies", fontsize=9)
    return fig


def plot_spectrograms(specs, titles, *, hop_seconds=0.01, vmin=None, vmax=None):
    """Log-mel spectrograms side by side (two to a row, so each is legible on a phone), low
    bands at the bottom, time in seconds.

    Parameters
    ----------
    specs : sequence of (n_mels, frames) array_like
    titles : sequence of str
    hop_seconds : float, optional
        Time between frames.
    vmin, vmax : float, optional
        Common colour limits (default: each image's own).

    Returns
    -------
    matplotlib.figure.Figure
    """
    specs = [np.asarray(s, dtype=float) for s in specs]
    if not specs or len(specs) != len(titles) or any(s.ndim != 2 for s in specs):
        raise ValueError("`specs` must be non-empty 2-D arrays, one per title in `titles`")
    if not hop_seconds > 0:
        raise ValueError("`hop_seconds` must be positive")
    nrows, ncols = grid_shape(len(specs), 2, 3.0)
    fig, axes = new_grid(nrows, ncols, figsize=(3.2 * ncols + 0.6, 2.4 * nrows), sharey=True)
    for ax, s, title in zip(axes.flat, specs, titles, strict=False):
        im = ax.imshow(s, origin="lower", aspect="auto", cmap="magma", vmin=vmin, vmax=vmax,
                       extent=(0, s.shape[1] * hop_seconds, -0.5, s.shape[0] - 0.5))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("time (s)")
    for ax in axes.flat[len(specs):]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel("mel band")
    fig.colorbar(im, ax=axes[:, -1], shrink=0.8)
    return fig


def plot_shift_response(x, x_shifted, original, shifted, *, shift):
    """A spectrogram, its copy shifted along frequency, and a layer's feature maps of both.

    Parameters
    ----------
    x, x_shifted : (n_mels, frames) array_like
    original, shifted : (channels, positions) array_like
        Feature maps of a frequency-only convolution: one column per filter, one row per
        position along frequency.
    shift : int
        The shift in bands (named in the second panel's title).

    Returns
    -------
    matplotlib.figure.Figure
    """
    x, x_shifted = np.asarray(x, dtype=float), np.asarray(x_shifted, dtype=float)
    original, shifted = np.asarray(original, dtype=float), np.asarray(shifted, dtype=float)
    if x.ndim != 2 or x.shape != x_shifted.shape:
        raise ValueError("`x` and `x_shifted` must be 2-D arrays of the same shape")
    if original.ndim != 2 or original.shape != shifted.shape:
        raise ValueError("`original` and `shifted` must be 2-D arrays of the same shape")
    # two rows, input above and feature maps below: each panel keeps half the column's width
    fig, axes = new_grid(2, 2, figsize=(6.4, 5.2))
    vmax = max(original.max(), shifted.max())
    panels = [(x, "spectrogram", "magma", None), (x_shifted, f"shifted {shift} bands up",
              "magma", None), (original.T, "feature maps", "viridis", vmax),
              (shifted.T, "feature maps, shifted input", "viridis", vmax)]
    for ax, (img, title, cmap, top) in zip(axes.flat, panels, strict=True):
        ax.imshow(img, origin="lower", aspect="auto", cmap=cmap, vmin=0 if top else None,
                  vmax=top)
        ax.set_title(title, fontsize=9)
    for ax in axes[0]:
        ax.set_xlabel("frame")
    axes[0, 0].set_ylabel("mel band")
    for ax in axes[1]:
        ax.set_xlabel("filter")
    axes[1, 0].set_ylabel("position (band)")
    return fig


def plot_shift_accuracy(shifts, accuracies, *, chance=None, xlabel="shift", ax=None):
    """Accuracy of several models against a shift of the test inputs.

    Parameters
    ----------
    shifts : (S,) array_like
    accuracies : dict of str to (S,) array_like
        One curve per model, values in [0, 1].
    chance : float, optional
        Drawn as a dotted line.
    xlabel : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    shifts = np.asarray(shifts, dtype=float)
    if shifts.ndim != 1 or not accuracies:
        raise ValueError("`shifts` must be 1-D and `accuracies` non-empty")
    fig, ax = new_axes(ax, figsize=(4.2, 3.0))
    for name, acc in accuracies.items():
        acc = np.asarray(acc, dtype=float)
        if acc.shape != shifts.shape:
            raise ValueError(f"`accuracies[{name!r}]` must have one value per shift")
        ax.plot(shifts, acc, marker="o", ms=3, label=name)
    if chance is not None:
        ax.axhline(chance, ls=":", color="gray", label="chance")
    ax.set_ylim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy")
    ax.legend(frameon=False, fontsize=MIN_FONT_SIZE)
    return fig


def plot_test_accuracies(groups, accuracies, *, chance=None, ax=None):
    """Grouped bars: the accuracy of each model (colour) on each test set (group).

    Parameters
    ----------
    groups : sequence of str
        Test sets.
    accuracies : dict of str to sequence of float
        One entry per model, one value per group, in [0, 1].
    chance : float, optional
        Chance or majority-class level, drawn as a dotted line.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    groups = list(groups)
    if not groups or not accuracies:
        raise ValueError("`groups` and `accuracies` must be non-empty")
    fig, ax = new_axes(ax, figsize=(1.6 * len(groups) + 2.4, 3.0))
    width = 0.8 / len(accuracies)
    pos = np.arange(len(groups))
    for i, (name, acc) in enumerate(accuracies.items()):
        acc = np.asarray(acc, dtype=float)
        if acc.shape != (len(groups),):
            raise ValueError(f"`accuracies[{name!r}]` must have one value per group")
        bars = ax.bar(pos + (i - (len(accuracies) - 1) / 2) * width, acc, width, label=name)
        ax.bar_label(bars, labels=[f"{a:.0%}" for a in acc],
                     fontsize=MIN_FONT_SIZE)
    if chance is not None:
        ax.axhline(chance, ls=":", color="gray", label="chance / majority")
    ax.set_xticks(pos, groups)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("accuracy")
    ax.legend(frameon=False, fontsize=MIN_FONT_SIZE, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig
