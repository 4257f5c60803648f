"""Figures of the Go section: boards, move probabilities as heat maps, feature planes."""

import numpy as np
from matplotlib.patches import Circle, Rectangle

from .._check import check_positive
from ._base import grid_shape, new_axes, new_grid, show_image

__all__ = ["plot_go_board", "plot_go_boards", "plot_feature_planes"]

_STARS = {19: (3, 9, 15), 13: (3, 6, 9), 9: (2, 4, 6)}


def _check_board(stones):
    stones = np.asarray(stones)
    if stones.ndim != 2 or stones.shape[0] != stones.shape[1]:
        raise ValueError("`stones` must be a square (n, n) board")
    if not np.isin(stones, (-1, 0, 1)).all():
        raise ValueError("`stones` may only hold 1 (black), -1 (white) and 0 (empty)")
    return stones


def plot_go_board(stones, *, probabilities=None, move=None, title=None, vmax=None, ax=None):
    """A Go board, optionally with a heat map of move probabilities on its points.

    Parameters
    ----------
    stones : (n, n) array_like
        1 black, -1 white, 0 empty; row 0 is drawn at the top.
    probabilities : (n, n) array_like, optional
        Drawn as coloured squares under the stones (darker red = more probable).
    move : (row, col), optional
        The move actually played next: circled in blue.
    title : str, optional
    vmax : float, optional
        Top of the colour scale (default: the largest probability).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    stones = _check_board(stones)
    n = stones.shape[0]
    fig, ax = new_axes(ax, figsize=(4.0, 4.0))
    ax.set_facecolor("#e3c16f")  # the colour of a wooden board
    if probabilities is not None:
        p = np.asarray(probabilities, dtype=float)
        if p.shape != stones.shape:
            raise ValueError("`probabilities` must have the shape of `stones`")
        if (p < 0).any():
            raise ValueError("`probabilities` must be >= 0")
        top = float(p.max()) if vmax is None else float(vmax)
        ax.imshow(np.ma.masked_less_equal(p, 0), cmap="Reds", vmin=0, vmax=top or 1,
                  extent=(-0.5, n - 0.5, n - 0.5, -0.5), zorder=1)  # fmt: skip
    for i in range(n):
        ax.plot([0, n - 1], [i, i], color="black", lw=0.5, zorder=2)
        ax.plot([i, i], [0, n - 1], color="black", lw=0.5, zorder=2)
    for r in _STARS.get(n, ()):
        for c in _STARS.get(n, ()):
            ax.plot(c, r, "o", color="black", ms=2.5, zorder=2)
    for (r, c), colour in np.ndenumerate(stones):
        if colour:
            face = "black" if colour == 1 else "white"
            ax.add_patch(Circle((c, r), 0.46, fc=face, ec="black", lw=0.6, zorder=3))
    if move is not None:
        r, c = move
        if not (0 <= r < n and 0 <= c < n):
            raise ValueError("`move` must lie on the board")
        ax.add_patch(Circle((c, r), 0.5, fill=False, ec="tab:blue", lw=2.0, zorder=4))
    ax.set_xlim(-0.7, n - 0.3)
    ax.set_ylim(n - 0.3, -0.7)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=9)
    return fig


def plot_go_boards(boards, *, probabilities=None, moves=None, titles=None, ncols=3):
    """Several boards side by side (each as :func:`plot_go_board`), one colour scale per board.

    Parameters
    ----------
    boards : sequence of (n, n) array_like
    probabilities, moves, titles : sequence, optional
        One entry per board (``None`` entries allowed).
    ncols : int, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    boards = list(boards)
    count = len(boards)
    if count == 0:
        raise ValueError("`boards` must not be empty")
    extras = {"probabilities": probabilities, "moves": moves, "titles": titles}
    for name, values in extras.items():
        if values is not None and len(values) != count:
            raise ValueError(f"`{name}` must have one entry per board")
    nrows, ncols = grid_shape(count, check_positive(ncols, "ncols"), 3.0)
    fig, axes = new_grid(nrows, ncols, figsize=(3.0 * ncols, 3.1 * nrows))
    for k, ax in enumerate(axes.ravel()):
        if k >= count:
            ax.set_axis_off()
            continue
        plot_go_board(
            boards[k],
            probabilities=None if probabilities is None else probabilities[k],
            move=None if moves is None else moves[k],
            title=None if titles is None else titles[k],
            ax=ax,
        )
    return fig


def plot_feature_planes(planes, names, *, ncols=6):
    """Each feature plane of one position as a small black-and-white image.

    Parameters
    ----------
    planes : (C, n, n) array_like
    names : sequence of str
        One title per plane.
    ncols : int, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    planes = np.asarray(planes)
    if planes.ndim != 3 or planes.shape[1] != planes.shape[2]:
        raise ValueError("`planes` must have shape (C, n, n)")
    if len(names) != len(planes):
        raise ValueError("`names` must have one name per plane")
    nrows, ncols = grid_shape(len(planes), check_positive(ncols, "ncols"), 1.6)
    fig, axes = new_grid(nrows, ncols, figsize=(1.6 * ncols, 1.8 * nrows))
    n = planes.shape[-1]
    for k, ax in enumerate(axes.ravel()):
        if k >= len(planes):
            ax.set_axis_off()
            continue
        show_image(ax, planes[k], title=names[k], cmap="Greys", vmin=0, vmax=1)
        ax.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, ec="0.6", lw=0.8))
    return fig
