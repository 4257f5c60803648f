"""Sphinx extension: every image of the book gets a text alternative and opens full size.

- ``alt``: an image without one (docutils then writes its file name) gets its figure's caption,
  or, for a figure drawn by a code cell, the name of the ``plot_*`` function that drew it.
- full size on click: an image with no display size gets one from its PNG header (half its
  pixels when the PNG has at least 144 dots per inch, drawn for 2x screens), so that Sphinx
  wraps it in a link to the file (``html_scaled_image_link``).
"""

import re
import struct
from pathlib import Path

from docutils import nodes

_PLOT_CALL = re.compile(r"\b(plot_\w+|animate_\w+)\s*\(")


def png_display_size(path):
    """``(width, height)`` in CSS pixels of a PNG: its pixel size, halved when its ``pHYs``
    chunk says at least 144 dots per inch; None for a file that is not a PNG."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width, height = struct.unpack(">II", data[16:24])
    pos = data.find(b"pHYs")
    if pos > 0:
        x_per_m, _, unit = struct.unpack(">IIB", data[pos + 4:pos + 13])
        if unit == 1 and x_per_m * 0.0254 >= 143.5:
            scale = 96 / (x_per_m * 0.0254)
            return round(width * scale), round(height * scale)
    return width, height


def _caption(image):
    figure = image.parent
    while figure is not None and not isinstance(figure, nodes.figure):
        figure = figure.parent
    if figure is None:
        return None
    caption = figure.next_node(nodes.caption)
    return " ".join(caption.astext().split()) if caption is not None else None


def _cell_source(image):
    node = image.parent
    while node is not None:
        if isinstance(node, nodes.container) and "cell" in node.get("classes", []):
            block = node.next_node(nodes.literal_block)
            return block.astext() if block is not None else ""
        node = node.parent
    return None


def describe(image):
    """A text alternative for ``image`` (a docutils image node): caption or drawing cell."""
    caption = _caption(image)
    if caption:
        return caption
    source = _cell_source(image)
    if source is not None:
        calls = _PLOT_CALL.findall(source)
        if calls:
            return f"Figure drawn by {calls[-1]} in the code cell above"
        return "Image output of the code cell above"
    return "Figure"


def _has_real_alt(image):
    alt = image.get("alt", "").strip()
    return bool(alt) and alt != image.get("uri") and not alt.endswith(Path(image["uri"]).name)


def add_alt_and_size(app, doctree, docname):
    for image in doctree.findall(nodes.image):
        if not _has_real_alt(image):
            image["alt"] = describe(image)
        if any(key in image for key in ("width", "height", "scale")):
            continue
        uri = image["uri"]
        if "://" in uri or uri.startswith("data:"):
            continue
        path = Path(uri) if Path(uri).is_absolute() else Path(app.srcdir) / uri
        size = png_display_size(path)
        if size is not None:
            image["width"], image["height"] = (str(v) for v in size)


def setup(app):
    app.connect("doctree-resolved", add_alt_and_size)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
