"""The sliding window as an animation, in the style of Dumoulin & Visin's conv_arithmetic guide.

``animate_conv`` returns a :class:`FrameAnimation`: a figure and a function that draws frame
``t``. Its :meth:`FrameAnimation.to_html` renders every frame to a small PNG and embeds them in
a self-contained player (plain HTML and a few lines of inline JavaScript: no CDN, no icon fonts,
no kernel), which is also the object's ``_repr_html_``, so a notebook cell that ends with the
animation shows it. (Matplotlib's own ``to_jshtml`` links an icon font from a CDN, which an
offline book cannot use.)
"""

import base64
import hashlib
import html
import io
import json

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from .._check import check_nonnegative, check_positive
from ._base import COLUMN_WIDTH, MIN_FONT_SIZE, PNG_DPI, SCREEN_DPI, png_size

__all__ = ["FrameAnimation", "animate_conv", "window_positions"]

# One palette with the chapter 3 explorer (book/_static/explorer.css): the window is orange.
_INPUT = "#9ecae1"  # input cell
_PAD = "#ffffff"  # padding cell (dashed border)
_TAP = "#fdae6b"  # input cell under a kernel tap: the window
_TAP_EDGE = "#a63603"
_TODO = "#ffffff"  # output not yet computed
_DONE = "#c7e9c0"  # output already computed
_NOW = "#41ab5d"  # output being computed
_NOW_EDGE = "#00441b"
_GRID = "#777777"

_PLAYER_JS = """(function () {
  var root = document.getElementById(%(id)s);
  var frames = %(frames)s, interval = %(interval)d, t = 0, timer = null;
  var img = root.querySelector("img"), slider = root.querySelector("input");
  var label = root.querySelector(".ops-anim-count");
  var play = root.querySelector(".ops-anim-play");
  function show(k) {
    t = (k + frames.length) %% frames.length;
    img.src = "data:image/png;base64," + frames[t];
    slider.value = t;
    label.textContent = (t + 1) + " / " + frames.length;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "play"; }
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    play.textContent = "pause";
    timer = setInterval(function () { show(t + 1); }, interval);
  });
  function step(d) { return function () { stop(); show(t + d); }; }
  root.querySelector(".ops-anim-prev").addEventListener("click", step(-1));
  root.querySelector(".ops-anim-next").addEventListener("click", step(1));
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  show(0);
})();"""


def _palette_png(data):
    """Re-encode PNG ``data`` with a 64-colour palette: flat-coloured frames, a third the bytes."""
    buf = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").quantize(64).save(buf, format="png",
                                                                optimize=True)
    return buf.getvalue()


class FrameAnimation:
    """A figure plus ``update(t)`` that redraws it as frame ``t`` of ``n_frames``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    update : callable
        ``update(t)`` changes the figure's artists to show frame ``t``.
    n_frames : int
    interval : int, optional
        Milliseconds between frames when playing.
    alt : str, optional
        Text alternative of the frames (the player's image).
    """

    def __init__(self, fig, update, n_frames, *, interval=500, alt="animation frame"):
        self.fig = fig
        self.alt = str(alt)
        self.update = update
        self.n_frames = check_positive(n_frames, "n_frames")
        self.interval = check_positive(interval, "interval")

    def frames_png(self):
        """Render every frame; return a list of PNG byte strings."""
        out = []
        for t in range(self.n_frames):
            self.update(t)
            buf = io.BytesIO()
            self.fig.savefig(buf, format="png", dpi=self.fig.dpi)
            out.append(_palette_png(buf.getvalue()))
        self.update(0)
        return out

    def to_html(self):
        """Return a self-contained HTML player: image, play/pause, step buttons and a slider."""
        pngs = self.frames_png()
        frames = [base64.b64encode(png).decode("ascii") for png in pngs]
        uid = "ops-anim-" + hashlib.sha1("".join(frames).encode()).hexdigest()[:12]
        js = _PLAYER_JS % {"id": json.dumps(uid), "frames": json.dumps(frames),
                           "interval": self.interval}
        first = f"data:image/png;base64,{frames[0]}"
        # the frames fill the player, as wide as the column, at two pixels per CSS pixel
        width, height = (round(v * SCREEN_DPI / self.fig.dpi) for v in png_size(pngs[0]))
        return (
            f'<div class="ops-anim" id="{uid}" data-nframes="{len(frames)}" '
            f'style="max-width:{width}px">'
            f'<img alt="{html.escape(self.alt)}" src="{html.escape(first)}" '
            f'width="{width}" height="{height}" '
            'style="display:block;width:100%;height:auto"/>'
            '<div class="ops-anim-controls" style="display:flex;gap:0.4em;align-items:center">'
            '<button type="button" class="ops-anim-prev">&#9664;</button>'
            '<button type="button" class="ops-anim-play">play</button>'
            '<button type="button" class="ops-anim-next">&#9654;</button>'
            f'<input type="range" min="0" max="{len(frames) - 1}" value="0" '
            'aria-label="frame" style="flex:1"/>'
            '<span class="ops-anim-count"></span></div>'
            f"<script>{js}</script></div>"
        )

    def _repr_html_(self):
        return self.to_html()


def window_positions(input_size, kernel_size, *, stride=1, padding=0, dilation=1):
    """Where the kernel's taps fall, in padded-input coordinates, for every output position.

    Parameters
    ----------
    input_size, kernel_size : int
        Side of the (square) input and kernel.
    stride, padding, dilation : int, optional

    Returns
    -------
    list of ((int, int), (K*K, 2) ndarray)
        One entry per output cell in row-major order: its ``(row, col)`` and the ``(row, col)``
        of each kernel tap in the padded input.

    Examples
    --------
    >>> pos = window_positions(4, 3)
    >>> len(pos), pos[1][0], pos[1][1][0].tolist()
    (4, (0, 1), [0, 1])
    """
    n = check_positive(input_size, "input_size")
    k = check_positive(kernel_size, "kernel_size")
    s = check_positive(stride, "stride")
    p = check_nonnegative(padding, "padding")
    d = check_positive(dilation, "dilation")
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(f"`kernel_size` spans {span} cells with dilation {d}, more than the "
                         f"padded input ({n + 2 * p})")
    out = (n + 2 * p - span) // s + 1
    taps = np.array([(a * d, b * d) for a in range(k) for b in range(k)])
    return [((i, j), taps + (i * s, j * s)) for i in range(out) for j in range(out)]


def animate_conv(input_size, kernel_size, *, stride=1, padding=0, dilation=1, interval=600,
                 dpi=PNG_DPI, title=None):
    """Animate a kernel sliding over a padded input, filling the output one cell per frame.

    The left panel is the input (blue; padding white with dashed borders) with the window, the
    kernel's taps, in orange; the right panel is the output, cells already computed in light
    green and the current one in dark green: the colours of the chapter 3 explorer. The frames
    are as wide as the book's column.

    Parameters
    ----------
    input_size, kernel_size : int
        Side of the (square) input and kernel.
    stride, padding, dilation : int, optional
    interval : int, optional
        Milliseconds between frames.
    dpi : int, optional
        Pixels per inch of the frames (every frame is embedded in the page); the default gives
        two pixels per CSS pixel.
    title : str, optional
        Figure title; by default the parameters.

    Returns
    -------
    FrameAnimation
        One frame per output cell; ``anim.positions`` is the result of
        :func:`window_positions`.

    Examples
    --------
    >>> anim = animate_conv(4, 3)
    >>> len(anim.positions), anim.n_frames
    (4, 4)
    """
    positions = window_positions(input_size, kernel_size, stride=stride, padding=padding,
                                 dilation=dilation)
    check_positive(dpi, "dpi")
    n, p = input_size, padding
    size = n + 2 * p
    out = int(round(len(positions) ** 0.5))
    if title is None:
        title = (f"input {n}×{n}, kernel {kernel_size}×{kernel_size}, stride {stride}, "
                 f"padding {padding}, dilation {dilation} → output {out}×{out}")
    fig = Figure(figsize=(COLUMN_WIDTH, 3.2), dpi=dpi, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.05, h_pad=0.05)
    # the panels keep one cell size: input and output side by side, centred
    gs = fig.add_gridspec(1, 2, width_ratios=[size + 0.2, max(out, 1) + 0.2])
    ax_in, ax_out = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    fig.suptitle(title, fontsize=MIN_FONT_SIZE + 2, wrap=True)

    cells_in = {}
    for r in range(size):
        for c in range(size):
            is_pad = not (p <= r < p + n and p <= c < p + n)
            cells_in[r, c] = ax_in.add_patch(Rectangle(
                (c, size - 1 - r), 1, 1, fc=_PAD if is_pad else _INPUT, ec=_GRID,
                ls="--" if is_pad else "-", lw=0.8))
    cells_out = {}
    for r in range(out):
        for c in range(out):
            cells_out[r, c] = ax_out.add_patch(Rectangle(
                (c, out - 1 - r), 1, 1, fc=_TODO, ec=_GRID, lw=0.8))
    labels = (f"input {n}×{n}" + (f", padded to {size}×{size}" if p else ""),
              f"output {out}×{out}")
    for ax, m, label in ((ax_in, size, labels[0]), (ax_out, out, labels[1])):
        ax.set_xlim(-0.1, m + 0.1)
        margin = (size - m) / 2  # both panels span the input's height: cells of one size
        ax.set_ylim(-0.1 - margin, m + margin + 0.1)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(label, fontsize=MIN_FONT_SIZE + 1)
    base_in = {key: (patch.get_facecolor(), patch.get_edgecolor(), patch.get_linewidth())
               for key, patch in cells_in.items()}

    def update(t):
        (i, j), taps = positions[t]
        for key, patch in cells_in.items():
            fc, ec, lw = base_in[key]
            patch.set(facecolor=fc, edgecolor=ec, linewidth=lw, zorder=1)
        for r, c in taps:
            cells_in[int(r), int(c)].set(facecolor=_TAP, edgecolor=_TAP_EDGE, linewidth=2,
                                         zorder=2)
        for k, ((a, b), _) in enumerate(positions):
            now = k == t
            cells_out[a, b].set(facecolor=_NOW if now else (_DONE if k < t else _TODO),
                                edgecolor=_NOW_EDGE if now else _GRID, linewidth=2 if now else 0.8,
                                zorder=2 if now else 1)
        return []

    update(0)
    alt = (f"{title}. The window of the kernel's taps (orange) slides over the input; each "
           f"frame computes one output cell (dark green).")
    anim = FrameAnimation(fig, update, len(positions), interval=interval, alt=alt)
    anim.positions = positions
    return anim
