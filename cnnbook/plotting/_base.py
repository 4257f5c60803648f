"""Shared helpers of the plotting modules (private)."""

from io import BytesIO

from matplotlib.figure import Figure


class BookFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that shows itself as a PNG in IPython and Jupyter.

    Figures built here are not registered with pyplot, so no backend would display them; this
    ``_repr_png_`` lets a notebook (and MyST-NB's ``glue``) show a returned figure directly.
    """

    def _repr_png_(self):
        buf = BytesIO()
        self.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        return buf.getvalue()


def new_axes(ax=None, *, figsize=(4.0, 3.0)):
    """Return ``(fig, ax)``: the given axes and its figure, or a new figure with one axes.

    The figure is a plain :class:`~matplotlib.figure.Figure`, not registered with pyplot, so
    building many figures leaks nothing.
    """
    if ax is not None:
        return ax.figure, ax
    fig = BookFigure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def new_grid(nrows, ncols, *, figsize=None, **kwargs):
    """Return ``(fig, axes)`` for a grid of panels; ``axes`` is always a 2-D array."""
    if figsize is None:
        figsize = (2.2 * ncols, 2.2 * nrows)
    fig = BookFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def show_image(ax, image, *, title=None, cmap="gray", **kwargs):
    """Draw a 2-D (or H×W×3) array on ``ax`` without ticks; return the image artist."""
    artist = ax.imshow(image, cmap=cmap, **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=9)
    return artist
