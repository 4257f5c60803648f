"""Tests of cnnbook.plotting.animation: the frames follow the sliding window, and the HTML
player is self-contained."""

import io
import re
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from PIL import Image

from cnnbook.plotting.animation import animate_conv, window_positions


def _brute_force_positions(n, k, s, p, d):
    size = n + 2 * p
    out = []
    for i in range(size):
        for j in range(size):
            taps = [(i + a * d, j + b * d) for a in range(k) for b in range(k)]
            if i % s == 0 and j % s == 0 and all(r < size and c < size for r, c in taps):
                out.append(((i // s, j // s), taps))
    return out


@pytest.mark.parametrize("n, k, s, p, d", [
    (4, 3, 1, 0, 1), (5, 3, 2, 1, 1), (7, 3, 1, 0, 2), (5, 4, 1, 2, 1), (6, 2, 3, 0, 1),
    (5, 3, 2, 0, 1),
])
def test_window_positions_match_brute_force(n, k, s, p, d):
    got = window_positions(n, k, stride=s, padding=p, dilation=d)
    want = _brute_force_positions(n, k, s, p, d)
    assert [pos for pos, _ in got] == [pos for pos, _ in want]
    for (_, taps), (_, taps_want) in zip(got, want, strict=True):
        assert [tuple(t) for t in taps.tolist()] == taps_want


@pytest.mark.parametrize("kwargs", [
    {"input_size": 3, "kernel_size": 4},
    {"input_size": 5, "kernel_size": 3, "dilation": 3},
    {"input_size": 5, "kernel_size": 3, "stride": 0},
    {"input_size": 5, "kernel_size": 3, "padding": -1},
])
def test_window_positions_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        window_positions(**kwargs)


def test_animate_conv_frames_colour_the_taps_and_the_output():
    anim = animate_conv(5, 3, stride=2, padding=1)
    assert anim.n_frames == 9
    fig = anim.fig
    ax_in, ax_out = fig.axes
    anim.update(4)  # centre output: taps at padded rows/cols 2..4
    window = [p for p in ax_in.patches if to_hex(p.get_facecolor()) == "#fdae6b"]
    assert len(window) == 9  # orange, the explorer's colour of the window
    dark = window
    assert sorted({int(p.get_x()) for p in dark}) == [2, 3, 4]
    filled = [p for p in ax_out.patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(filled) == 5  # outputs 0..4 computed


def test_to_html_is_self_contained_with_one_png_per_frame():
    anim = animate_conv(4, 3, stride=1)
    html = anim.to_html()
    assert 'data-nframes="4"' in html
    frames = re.search(r"var frames = (\[.*?\])", html).group(1)
    assert frames.count("iVBORw0KGgo") == 4  # base64 of the PNG signature
    assert "http" not in html and "<link" not in html
    assert html == anim._repr_html_()  # deterministic: same frames, same id


def test_window_colours_are_the_explorers():
    css = (Path(__file__).resolve().parents[1] / "book" / "_static" / "explorer.css").read_text()
    assert re.search(r"--cx-window:\s*#fdae6b;", css) and re.search(
        r"--cx-window-edge:\s*#a63603;", css)
    anim = animate_conv(4, 3)
    taps = [p for p in anim.fig.axes[0].patches if to_hex(p.get_facecolor()) == "#fdae6b"]
    assert {to_hex(p.get_edgecolor()) for p in taps} == {"#a63603"}


@pytest.mark.parametrize("kwargs", [
    {"input_size": 5, "kernel_size": 3, "stride": 2, "padding": 1},
    {"input_size": 7, "kernel_size": 3, "dilation": 2,
     "title": "dilation 2: 7×7 input, 3×3 kernel spanning 5×5 → 3×3"},
])
def test_frames_fill_the_column_and_the_title_fits(kwargs):
    anim = animate_conv(**kwargs)
    png = anim.frames_png()[0]
    width, height = Image.open(io.BytesIO(png)).size
    # two pixels per CSS pixel, at least 80% of the 672 CSS px column wide
    assert width / 2 >= 0.8 * 672
    html = anim.to_html()
    assert f'width="{round(width / 2)}"' in html and "width:100%" in html
    assert f'style="max-width:{round(width / 2)}px"' in html  # never upscaled past 2x
    fig = anim.fig
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    box = fig._suptitle.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height
    for ax in fig.axes:  # the title overlaps neither panel's label
        assert not box.overlaps(ax.title.get_window_extent(renderer))


def test_player_has_a_descriptive_alt_text():
    html = animate_conv(4, 3, padding=1).to_html()
    alt = re.search(r'<img alt="([^"]*)"', html).group(1)
    assert "padding 1" in alt and "window" in alt


def test_frames_keep_the_exact_palette_colours():
    """The 64-colour frames keep the explorer's colours exactly (the page is compared with it)."""
    import numpy as np

    pngs = animate_conv(5, 3, stride=2, padding=1).frames_png()
    for t, want in ((0, ["#fdae6b", "#a63603", "#9ecae1", "#41ab5d", "#00441b"]),
                    (4, ["#fdae6b", "#c7e9c0", "#41ab5d"])):
        rgb = np.asarray(Image.open(io.BytesIO(pngs[t])).convert("RGB")).reshape(-1, 3)
        present = {to_hex(c / 255) for c in np.unique(rgb, axis=0)}
        assert set(want) <= present, (t, set(want) - present)
