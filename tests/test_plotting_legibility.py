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
from cnnbook.apps.go import PLANES
from cnnbook.apps.speech_features import mel_filterbank
from cnnbook.plotting._base import (
    COLUMN_WIDTH,
    MIN_FONT_SIZE,
    PNG_DPI,
    SCREEN_DPI,
    BookFigure,
    grid_shape,
    png_size,
)

RNG = np.random.default_rng(0)
IMGS = RNG.random((12, 8, 8))
TWELVE = [f"neuron {k}" for k in range(12)]

# chapter 9's inputs: 19×19 Go positions with move probabilities, the 12 feature planes,
# 40-band log-mel spectrograms of 64 frames, a frequency-only layer's 32 feature maps of 33
# positions, the three speech test sets and networks, and one snippet's n-gram hits over 300
# filters of widths 3, 4 and 5
BOARDS = RNG.choice([-1, 0, 0, 0, 1], size=(3, 19, 19))
HEAT = [RNG.dirichlet(np.ones(361)).reshape(19, 19) for _ in range(3)]
GO_TITLES = [f"policy net, move {k}\nplayed move ranked {r}"
             for k, r in [(81, 1), (120, 4), (201, 17)]]
SPECS = RNG.random((4, 40, 64))
SP_TESTS = ["synthetic, male", "synthetic, female", "real"]
SP_NETS = {"frequency-only CNN": [0.92, 0.88, 0.41], "2-D CNN": [0.95, 0.9, 0.38],
           "fully connected": [0.7, 0.61, 0.12]}
SHIFTS = list(range(-6, 7, 2))
SNIPPET = "it 's not a bad film , but it is not the movie it wants to be".split()
FILTERS = np.repeat([3, 4, 5], 100)

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
    "go_board": lambda: P.plot_go_board(BOARDS[0], probabilities=HEAT[0], move=(3, 15),
                                        title=GO_TITLES[0]),
    "go_boards": lambda: P.plot_go_boards(list(BOARDS) * 2, probabilities=HEAT * 2,
                                          moves=[(3, 15), (9, 9), (15, 3)] * 2,
                                          titles=GO_TITLES + [t.replace("policy net",
                                                                        "with pooling")
                                                              for t in GO_TITLES],
                                          ncols=3),
    "feature_planes": lambda: P.plot_feature_planes(
        RNG.integers(0, 2, (len(PLANES), 19, 19)), PLANES, ncols=6),
    "mel_filterbank": lambda: P.plot_mel_filterbank(
        mel_filterbank(40, 512, 16000, fmin=60.0, fmax=7000.0)[0], 16000),
    "spectrograms": lambda: P.plot_spectrograms(
        list(SPECS), ["synthetic male", "synthetic female", "real (en)", "real (en_GB)"],
        vmin=0, vmax=1),
    "shift_response": lambda: P.plot_shift_response(
        SPECS[0], np.roll(SPECS[0], 4, axis=0), RNG.random((32, 33)), RNG.random((32, 33)),
        shift=4),
    "shift_accuracy": lambda: P.plot_shift_accuracy(
        SHIFTS, {name: np.linspace(0.9, 0.2, 7) for name in SP_NETS}, chance=1 / 26,
        xlabel="shift along frequency (bands)"),
    "test_accuracies": lambda: P.plot_test_accuracies(SP_TESTS, SP_NETS, chance=1 / 26),
    "test_accuracies_text": lambda: P.plot_test_accuracies(
        ["test"], {"bag of embeddings": [0.77], "CNN, max pooling": [0.75],
                   "CNN, 3-max pooling": [0.74], "CNN, dynamic k-max": [0.74]}, chance=0.5),
    "ngram_hits": lambda: P.plot_ngram_hits(
        SNIPPET, FILTERS, RNG.integers(0, len(SNIPPET) - 5, 300), RNG.random(300),
        RNG.standard_normal(300), top=10),
}


def _public_plot_functions():
    """Every public ``plot_*`` of cnnbook.plotting and of each submodule's ``__all__``."""
    import importlib
    import pkgutil

    names = {n for n in dir(P) if n.startswith("plot_")} | set(P.__all__)
    for info in pkgutil.iter_modules(P.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"cnnbook.plotting.{info.name}")
        names |= set(getattr(module, "__all__", ()))
        names |= {n for n in dir(module) if n.startswith("plot_")
                  and getattr(getattr(module, n), "__module__", None) == module.__name__}
    return {n for n in names if n.startswith("plot_")}


def _called_functions(name):
    """The names of the ``plot_*`` functions that CASES[name] calls (directly or not)."""
    called = set()
    originals = {n: getattr(P, n) for n in _public_plot_functions()}

    def spy(n):
        def wrapped(*args, **kwargs):
            called.add(n)
            return originals[n](*args, **kwargs)
        return wrapped

    with pytest.MonkeyPatch.context() as mp:
        for n in originals:
            mp.setattr(P, n, spy(n))
        CASES[name]()
    return called


def test_every_public_figure_function_has_a_case():
    public = _public_plot_functions()
    assert {"plot_go_board", "plot_ngram_hits", "plot_test_accuracies"} <= public
    assert set(P.__all__) >= public, "every plot_* of a submodule is re-exported"
    covered = set().union(*(_called_functions(name) for name in CASES))
    assert public - covered == set()


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


def test_minimum_font_size_is_the_page_small_print():
    # 9 pt at 96 CSS px per inch: 12 CSS px, the page's small print
    assert MIN_FONT_SIZE * SCREEN_DPI / 72 >= 12


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_text_is_at_least_the_minimum_relative_to_the_column(name, monkeypatch):
    """Every text is drawn at MIN_FONT_SIZE or more by the figure function itself: the sizes
    are read just before fit_column, which would otherwise raise smaller ones and hide them."""
    before = []
    fit_column = BookFigure.fit_column

    def record_then_fit(fig):
        # draw first, so that every tick label the figure will show exists and has its size
        fig.draw(FigureCanvasAgg(fig).get_renderer())
        before.extend((t.get_text(), t.get_fontsize()) for t in _shown_texts(fig))
        return fit_column(fig)

    monkeypatch.setattr(BookFigure, "fit_column", record_then_fit)
    fig = CASES[name]()
    fig._repr_png_()
    assert before, "fit_column ran and every figure labels something"
    small = [(text, size) for text, size in before if size < MIN_FONT_SIZE]
    assert small == [], f"text below {MIN_FONT_SIZE} pt before fit_column raised it"
    width = fig.get_size_inches()[0]
    texts = _shown_texts(fig)
    assert texts, "every figure labels something"
    for t in texts:
        # shown at min(1, column / width) of its size: at least MIN_FONT_SIZE points on screen
        on_screen = t.get_fontsize() * min(1.0, COLUMN_WIDTH / width)
        assert on_screen >= MIN_FONT_SIZE, (t.get_text(), t.get_fontsize(), width)


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
