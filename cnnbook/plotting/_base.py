"""Shared helpers of the plotting modules (private): the book's figure and its page size.

A figure is drawn for the book's content column: at most :data:`COLUMN_WIDTH` inches wide,
shown at 96 CSS pixels per inch (so one point of text is 4/3 of a CSS pixel), no text smaller
than :data:`MIN_FONT_SIZE` points, and rendered at twice the screen resolution for sharp text on
high-density screens.
"""

import struct
import textwrap
from io import BytesIO

from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

COLUMN_WIDTH = 6.8  # inches: 653 CSS px, within the 672 px a figure gets in the content column
MIN_FONT_SIZE = 9.0  # points: 12 CSS px on screen, the size of the page's small print
SCREEN_DPI = 96  # CSS pixels per inch
PNG_DPI = 2 * SCREEN_DPI  # PNG pixels per inch: two image pixels per CSS pixel


def png_size(data):
    """Return ``(width, height)`` in pixels of PNG bytes ``data`` (read from its header)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("`data` is not a PNG image")
    return struct.unpack(">II", data[16:24])


class BookFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that shows itself as a PNG in IPython and Jupyter.

    Figures built here are not registered with pyplot, so no backend would display them; this
    ``_repr_png_`` lets a notebook (and MyST-NB's ``glue``) show a returned figure directly.
    Before rendering, the figure is fitted to the book's column (:meth:`fit_column`); the PNG
    has :data:`PNG_DPI` pixels per inch and comes with a display size of half its pixel size,
    as IPython's ``Image(retina=True)`` does.
    """

    def fit_column(self):
        """Shrink the figure to :data:`COLUMN_WIDTH` (keeping its aspect) and raise any text
        below :data:`MIN_FONT_SIZE`; return the figure."""
        width, height = self.get_size_inches()
        if width > COLUMN_WIDTH:
            self.set_size_inches(COLUMN_WIDTH, height * COLUMN_WIDTH / width)
        for ax in self.axes:
            ax.tick_params(which="both", labelsize=max(MIN_FONT_SIZE, _tick_size(ax)))
        for text in self.findobj(Text):
            if text.get_fontsize() < MIN_FONT_SIZE:
                text.set_fontsize(MIN_FONT_SIZE)
        return self

    def _repr_png_(self):
        self.fit_column()
        for _ in range(3):  # artists beyond the figure's edge widen the tight box: shrink again
            buf = BytesIO()
            self.savefig(buf, format="png", dpi=PNG_DPI, bbox_inches="tight")
            data = buf.getvalue()
            width, height = png_size(data)
            excess = width / PNG_DPI / (COLUMN_WIDTH + 0.2)
            if excess <= 1:
                break
            self.set_size_inches(self.get_size_inches() / excess)
        scale = SCREEN_DPI / PNG_DPI
        return data, {"width": round(width * scale), "height": round(height * scale)}


def _tick_size(ax):
    labels = ax.xaxis.get_ticklabels() + ax.yaxis.get_ticklabels()
    return min((t.get_fontsize() for t in labels), default=MIN_FONT_SIZE)


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
    """Return ``(fig, axes)`` for a grid of panels; ``axes`` is always a 2-D array.

    By default a panel is 2.2 inches square, or narrower so that the row fits the column.
    """
    if figsize is None:
        side = min(2.2, COLUMN_WIDTH / ncols)
        figsize = (side * ncols, side * nrows)
    fig = BookFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def max_columns(panel_width):
    """How many panels at least ``panel_width`` inches wide fit side by side in the column."""
    return max(1, int(COLUMN_WIDTH / panel_width + 1e-9))


def grid_shape(n, ncols, panel_width):
    """``(nrows, ncols)`` for ``n`` panels: at most ``ncols`` and at most what fits the column at
    ``panel_width`` inches per panel, the rows as evenly filled as possible."""
    if int(ncols) < 1:
        raise ValueError("`ncols` must be >= 1")
    cap = min(int(ncols), n, max_columns(panel_width))
    nrows = -(-n // cap)
    return nrows, -(-n // nrows)


def integer_ticks(axis):
    """Put ticks on integers only (pixel, layer and step axes): ``axis`` is ``ax.xaxis`` or
    ``ax.yaxis``."""
    axis.set_major_locator(MaxNLocator(integer=True))


def fit_title(ax, title, fontsize):
    """``title`` broken at spaces into lines about as wide as ``ax`` will be in the column."""
    width = ax.get_position().width * min(ax.figure.get_figwidth(), COLUMN_WIDTH)
    chars = max(1, int(width * 72 / (0.6 * fontsize)))  # a character is ~0.6 em wide
    return "\n".join(textwrap.wrap(str(title), chars, break_long_words=False)) or str(title)


def show_image(ax, image, *, title=None, cmap="gray", **kwargs):
    """Draw a 2-D (or H×W×3) array on ``ax`` without ticks; return the image artist.

    A title too long for the panel is broken into lines (neighbouring titles never touch).
    """
    artist = ax.imshow(image, cmap=cmap, **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        size = MIN_FONT_SIZE + 1
        ax.set_title(fit_title(ax, title, size), fontsize=size)
    return artist
