"""Every figure of cnnbook.plotting is legible in the book's column: at most the column's width,
no text under the minimum size once fitted, rendered at two image pixels per CSS pixel, and
integer axes (pixels, layers, steps, epochs) ticked at integers only."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from PIL import Image

import cnnbook.plotting as P
from cnnbook.plotting._base import (
    COLUMN_WIDTH,
    MIN_FONT_SIZE,
    PNG_DPI,
    SCREEN_DPI,
    grid_shape,
    png_size,
)

RNG = np.random.default_rng(0)
IMGS = RNG.random((12, 8, 8))
TWELVE = [f"neuron {k}" for k in range(12)]

# one call per public figure function of the modules above, with inputs shaped like the book's
CASES = {
    "param_counts": lambda: P.plot_param_counts(["28×28×1", "224×224×3"], [1e5, 1.5e8], [10, 28]),
    "detections": lambda: P.plot_detections(np.zeros((20, 30)), np.ones((4, 4)),
                                            np.zeros((17, 27)), [(2, 3), (8, 12)]),
    "subsampling": lambda: P.plot_subsampling(list(IMGS[:4]), ["1", "1/4", "1/16", "1/64"]),
    "conv_matrix": lambda: P.plot_conv_matrix(np.kron(np.eye(4), [[1.0, 2.0, 3.0]])),
    "images_wide": lambda: P.plot_images(list(IMGS[:6]), titles=list("abcdef"), ncols=6,
                                         figsize=(11, 2.3)),
    "matrices": lambda: P.plot_matrices([RNG.integers(0, 9, (6, 6)), np.ones((3, 3)),
                                         RNG.integers(-9, 9, (4, 4)), np.eye(3),
                                         RNG.integers(0, 9, (4, 4))], titles=list("vwxyz")),
    "pmf": lambda: P.plot_pmf(np.arange(2, 13), np.full(11, 1 / 11), highlight=4),
    "timings": lambda: P.plot_timings(["loop", "vectorised"], [1.5, 0.01]),
    "dream": lambda: P.plot_dream(IMGS[:3], IMGS[3:6]),
    "grams": lambda: P.plot_gram_matrices(list(RNG.random((6, 12, 12))), titles=list("abcdef")),
    "pooling": lambda: P.plot_pooling(RNG.integers(0, 9, (6, 6)),
                                      {"max": np.ones((3, 3)), "avg": np.ones((3, 3)),
                                       "min": np.ones((3, 3)), "L2": np.ones((3, 3))},
                                      kernel_size=2),
    "kmax": lambda: P.plot_kmax(np.arange(12.0), np.array([9.0, 10.0, 11.0])),
    "invariance": lambda: P.plot_invariance([2, 3, 4], {"max": [0.5, 0.6, 0.7]}),
    "layer_sizes": lambda: P.plot_layer_sizes(["input", "conv", "pool"],
                                                {"a": [784, 4000, 1000], "b": [784, 90, 9]}),
    "flatten": lambda: P.plot_flatten(RNG.integers(0, 9, (2, 3, 3))),
    "rf_growth": lambda: P.plot_rf_growth({"a": [3, 5, 7, 9, 11]}),
    "footprints": lambda: P.plot_footprints([np.ones((9, 9), bool)] * 4, [(0, 3, 0, 3)] * 4,
                                            titles=list("abcd")),
    "effective_rf": lambda: P.plot_effective_rf([np.ones((9, 9))] * 3, [3, 5, 7],
                                                titles=["1 layer", "2", "3"]),
    "rf_vs_depth": lambda: P.plot_rf_vs_depth([1, 2, 3], [3, 5, 7], [2.5, 3.5, 4.5]),
    "samples": lambda: P.plot_samples(IMGS.repeat(2, 0)[:20], np.arange(20) % 10,
                                      predictions=(np.arange(20) + 1) % 10),
    "samples_named": lambda: P.plot_samples(IMGS, np.arange(12) % 3,
                                            class_names=["Ankle boot", "T-shirt/top", "Bag"]),
    "loss_curves": lambda: P.plot_loss_curves({"a": np.linspace(2, 0.1, 7)}),
    "accuracy_curves": lambda: P.plot_accuracy_curves({"a": [0.5, 0.7, 0.8]}, target=0.9),
    "accuracy_bars": lambda: P.plot_accuracy_bars(["a", "b"], [0.9, 0.8], [0.85, 0.7],
                                                  params=[1000, 20000]),
    "filters": lambda: P.plot_filters(RNG.standard_normal((25, 5, 5)),
                                      titles=[str(k) for k in range(25)], ncols=13),
    "image_grid": lambda: P.plot_image_grid(IMGS, titles=TWELVE, ncols=12),
    "attributions": lambda: P.plot_attributions(IMGS[:10], {"saliency": IMGS[:10]},
                                                titles=[str(k) for k in range(10)]),
    "adversarial": lambda: P.plot_adversarial(IMGS[:10], IMGS[:10] * 0.9,
                                              titles_before=[f"{k} (100%)" for k in range(10)],
                                              titles_after=[f"{k} (99%)" for k in range(10)]),
}


def _shown_texts(fig):
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_png_size_reads_the_header():
    fig = P.plot_pmf(np.arange(3), np.ones(3) / 3)
    png, _ = fig._repr_png_()
    assert png_size(png) == Image.open(io.BytesIO(png)).size
    with pytest.raises(ValueError, match="data"):
        png_size(b"GIF89a" + bytes(30))


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_fits_the_column_at_two_pixels_per_css_pixel(name):
    fig = CASES[name]()
    png, meta = fig._repr_png_()
    width, height = png_size(png)
    assert Image.open(io.BytesIO(png)).info["dpi"][0] == pytest.approx(PNG_DPI, abs=0.1)
    # displayed at half the pixel size: 2x for high-density screens
    assert meta["width"] == round(width * SCREEN_DPI / PNG_DPI)
    assert meta["height"] == round(height * SCREEN_DPI / PNG_DPI)
    # never wider than the 672 CSS px a figure gets at 1280 px, so never shrunk by the page
    assert meta["width"] <= 672
    assert fig.get_size_inches()[0] <= COLUMN_WIDTH + 1e-9


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_text_is_at_least_the_minimum_relative_to_the_column(name):
    fig = CASES[name]()
    fig._repr_png_()
    width = fig.get_size_inches()[0]
    texts = _shown_texts(fig)
    assert texts, "every figure labels something"
    for t in texts:
        # shown at min(1, column / width) of its size: at least MIN_FONT_SIZE points on screen
        on_screen = t.get_fontsize() * min(1.0, COLUMN_WIDTH / width)
        assert on_screen >= MIN_FONT_SIZE, (t.get_text(), t.get_fontsize(), width)
    # 9 pt at 96 CSS px per inch: 12 CSS px, the page's small print
    assert MIN_FONT_SIZE * SCREEN_DPI / 72 >= 12


def test_fit_column_keeps_the_aspect_of_a_too_wide_figure():
    fig = P.plot_images(list(IMGS[:6]), ncols=6, figsize=(11, 2.2))
    fig.fit_column()
    assert fig.get_size_inches() == pytest.approx([COLUMN_WIDTH, 2.2 * COLUMN_WIDTH / 11])


@pytest.mark.parametrize("n, ncols, panel, want", [
    (12, 12, 0.7, (2, 6)),   # 12 in one row do not fit at 0.7 in: two rows of six
    (25, 13, 0.7, (3, 9)),
    (20, 10, 0.7, (3, 7)),
    (20, 10, 1.2, (4, 5)),
    (3, 10, 0.7, (1, 3)),
    (7, 1, 0.7, (7, 1)),
])
def test_grid_shape_wraps_rows_evenly_to_fit_the_column(n, ncols, panel, want):
    assert grid_shape(n, ncols, panel) == want
    rows, cols = want
    assert rows * cols >= n and cols * panel <= COLUMN_WIDTH


def test_grid_shape_rejects_zero_columns():
    with pytest.raises(ValueError, match="ncols"):
        grid_shape(4, 0, 1.0)


def _is_integer(values):
    return np.allclose(values, np.round(values))


@pytest.mark.parametrize("name, axes", [
    ("conv_matrix", "xy"), ("rf_growth", "x"), ("rf_vs_depth", "x"), ("loss_curves", "x"),
    ("accuracy_curves", "x"),
])
def test_integer_axes_have_integer_ticks(name, axes):
    fig = CASES[name]()
    fig._repr_png_()
    ax = fig.axes[0]
    for a in axes:
        axis = ax.xaxis if a == "x" else ax.yaxis
        lo, hi = sorted(ax.get_xlim() if a == "x" else ax.get_ylim())
        ticks = [t for t in axis.get_majorticklocs() if lo <= t <= hi]
        assert len(ticks) >= 2 and _is_integer(ticks), (a, ticks)


@pytest.mark.parametrize("name", ["adversarial", "attributions", "image_grid", "samples",
                                  "samples_named", "filters", "subsampling", "images_wide"])
def test_no_two_labels_overlap(name):
    """Titles and row labels of neighbouring panels keep apart once the figure is fitted."""
    fig = CASES[name]()
    fig._repr_png_()  # fits the figure and runs the layout
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    texts = [t for ax in fig.axes for t in (ax.title, ax.yaxis.label)
             if t.get_visible() and t.get_text().strip()]
    boxes = [t.get_window_extent(renderer) for t in texts]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
