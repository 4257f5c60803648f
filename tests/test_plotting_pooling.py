"""Tests of cnnbook.plotting.pooling: each figure draws exactly its input and rejects bad
input."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnbook.plotting.pooling import (
    plot_flatten,
    plot_invariance,
    plot_kmax,
    plot_layer_sizes,
    plot_pooling,
)

X = np.array([[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]], float)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_plot_pooling_writes_input_and_outputs():
    fig = plot_pooling(X, {"max": [[3, 0], [3, 1]], "mean": [[0, -1], [-1.25, -0.5]]},
                       kernel_size=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert _texts(fig.axes[0]) == [f"{v:g}" for v in X.ravel()]
    assert _texts(fig.axes[1]) == ["3", "0", "3", "1"]
    assert _texts(fig.axes[2]) == ["0", "-1", "-1.25", "-0.5"]
    assert fig.axes[2].get_title() == "mean"
    # window (0, 1) and output cell (0, 1) share a colour
    tint_in = fig.axes[0].images[0].get_array()
    tint_out = fig.axes[1].images[0].get_array()
    np.testing.assert_allclose(tint_in[0, 2], tint_out[0, 1])


def test_plot_pooling_overlapping_windows_fall_back_to_a_colour_map():
    out = np.zeros((3, 3))
    fig = plot_pooling(X, {"max": out}, kernel_size=2, stride=1)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), out)


@pytest.mark.parametrize("outputs", [{"max": np.zeros((3, 3))}, {}, {"max": np.zeros(4)}])
def test_plot_pooling_rejects_bad_outputs(outputs):
    with pytest.raises(ValueError):
        plot_pooling(X, outputs, kernel_size=2)


def test_plot_kmax_highlights_the_kept_values():
    fig = plot_kmax([1, 5, 2, 7, 3, 0, 6], [5, 7, 6])
    bars = fig.axes[0].patches
    assert [b.get_height() for b in bars] == [1, 5, 2, 7, 3, 0, 6]
    kept = [i for i, b in enumerate(bars) if b.get_facecolor() != bars[0].get_facecolor()]
    assert kept == [1, 3, 6]


def test_plot_kmax_rejects_values_out_of_order():
    with pytest.raises(ValueError, match="subsequence"):
        plot_kmax([1, 5, 2, 7], [7, 5])


def test_plot_invariance_draws_one_line_per_curve():
    fig = plot_invariance([1, 2, 4], {"max": [0.1, 0.4, 0.7], "avg": [0.0, 0.0, 0.1]})
    lines = fig.axes[0].lines
    assert len(lines) == 2
    assert lines[0].get_xdata().tolist() == [1, 2, 4]
    assert lines[1].get_ydata().tolist() == [0.0, 0.0, 0.1]


@pytest.mark.parametrize("fractions", [{"max": [0.1, 1.5]}, {"max": [0.1]}, {}])
def test_plot_invariance_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError):
        plot_invariance([1, 2], fractions)


def test_plot_layer_sizes_bars_and_missing_stages():
    fig = plot_layer_sizes(["in", "pool", "out"], {"a": [10, 5, 2], "b": [10, np.nan, 8]})
    ax = fig.axes[0]
    assert len(ax.containers) == 2
    assert [b.get_height() for b in ax.containers[1]] == [10, 0, 8]
    assert ax.get_yscale() == "log"


def test_plot_layer_sizes_rejects_length_mismatch():
    with pytest.raises(ValueError):
        plot_layer_sizes(["a", "b"], {"x": [1, 2, 3]})


def test_plot_flatten_vector_is_c_order():
    x = np.arange(12.0).reshape(3, 2, 2) * 2
    fig = plot_flatten(x)
    assert len(fig.axes) == 4
    assert _texts(fig.axes[-1]) == [f"{v:g}" for v in x.ravel()]
    assert _texts(fig.axes[1]) == [f"{v:g}" for v in x[1].ravel()]


def test_plot_flatten_rejects_2d():
    with pytest.raises(ValueError):
        plot_flatten(np.zeros((2, 2)))
