"""Figures of chapter 9, text: which n-gram each filter of a sentence CNN fired on."""

import numpy as np

from ._base import MIN_FONT_SIZE, new_axes

__all__ = ["plot_ngram_hits"]


def plot_ngram_hits(tokens, width, start, value, vote, *, top=8, ax=None):
    """The filters that respond most strongly to one sentence, each with its n-gram.

    One horizontal bar per filter (the `top` largest responses): its length is the response
    that max-over-time pooling keeps, its label the n-gram it came from, its colour the
    direction the filter pushes the decision (blue: positive, red: negative).

    Parameters
    ----------
    tokens : sequence of str
        The sentence's words.
    width, start, value, vote : (F,) array_like
        Per filter: n-gram length, first word, response, and vote (e.g. the weight of the
        filter's pooled value in the positive logit minus the negative one).
    top : int, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    tokens = list(tokens)
    width, start = np.asarray(width, dtype=int), np.asarray(start, dtype=int)
    value, vote = np.asarray(value, dtype=float), np.asarray(vote, dtype=float)
    if not (width.ndim == 1 and width.shape == start.shape == value.shape == vote.shape):
        raise ValueError("`width`, `start`, `value` and `vote` must be 1-D of the same length")
    if not isinstance(top, int) or top < 1:
        raise ValueError("`top` must be a positive int")
    if len(width) and (start.min() < 0 or (start + width).max() > max(len(tokens), 8)):
        raise ValueError("`start` and `width` must point inside `tokens`")
    order = np.argsort(-value, kind="stable")[:top][::-1]
    labels = []
    for f in order:
        words = tokens[start[f] : start[f] + width[f]]
        words += ["·"] * (width[f] - len(words))  # padding after the sentence's end
        labels.append(f"#{f}: " + " ".join(words))
    fig, ax = new_axes(ax, figsize=(6.0, 0.32 * len(order) + 1.0))
    colours = ["tab:blue" if vote[f] > 0 else "tab:red" for f in order]
    ax.barh(np.arange(len(order)), value[order], color=colours)
    ax.set_yticks(np.arange(len(order)), labels, fontsize=MIN_FONT_SIZE)
    ax.set_xlabel("filter response kept by max pooling")
    title = " ".join(tokens)
    ax.set_title(title if len(title) < 70 else title[:67] + "...", fontsize=9)
    return fig
