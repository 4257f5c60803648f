"""Tests of cnnbook.plotting.conv: each figure draws exactly its input and rejects bad input."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnbook.plotting._base import new_axes
from cnnbook.plotting.conv import (
    plot_conv_matrix,
    plot_images,
    plot_matrices,
    plot_pmf,
    plot_timings,
)


def test_plot_matrices_draws_each_array_and_its_values():
    a = np.array([[1.0, -2.0], [3.0, 4.0]])
    b = np.arange(6.0).reshape(2, 3)
    fig = plot_matrices([a, b], titles=["a", "b"], boxes=[(0, 0, 1, 2), None])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), a)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), b)
    assert [t.get_text() for t in fig.axes[1].texts] == ["0", "1", "2", "3", "4", "5"]
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    boxes = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert len(boxes) == 1 and (boxes[0].get_width(), boxes[0].get_height()) == (2, 1)
    assert not fig.axes[1].patches


def test_plot_matrices_text_contrast_follows_the_colour_map():
    fig = plot_matrices([[[-5.0, 0.0, 5.0]]], symmetric=False, cmap="gray")
    colours = [t.get_color() for t in fig.axes[0].texts]
    assert colours == ["white", "black", "black"]  # dark cell -> white text


@pytest.mark.parametrize("kwargs, arrays", [
    ({}, [np.zeros((2, 2, 2))]),
    ({}, []),
    ({"titles": ["only one"]}, [np.zeros((2, 2)), np.zeros((2, 2))]),
    ({"boxes": [None, None]}, [np.zeros((2, 2))]),
])
def test_plot_matrices_rejects_bad_input(kwargs, arrays):
    with pytest.raises(ValueError):
        plot_matrices(arrays, **kwargs)


def test_plot_images_grid_hides_unused_cells_and_draws_data():
    rng = np.random.default_rng(0)
    ims = [rng.random((5, 6)), rng.random((5, 6, 3)), rng.random((4, 4))]
    fig = plot_images(ims, ncols=2, titles=["a", "b", "c"], boxes=[(1, 1, 2, 2), None, None])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 4 and len(visible) == 3
    for ax, im in zip(visible, ims, strict=True):
        np.testing.assert_array_equal(ax.images[0].get_array(), im)
    assert len(visible[0].patches) == 1


def test_plot_images_symmetric_scale_is_centred_on_zero():
    fig = plot_images([np.array([[-1.0, 3.0]])], symmetric=True)
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)


def test_plot_images_shared_scale():
    fig = plot_images([np.array([[0.2, 0.4]]), np.array([[0.5, 0.6]])], vmin=0.0, vmax=1.0)
    assert [ax.images[0].get_clim() for ax in fig.axes] == [(0.0, 1.0), (0.0, 1.0)]


@pytest.mark.parametrize("images", [[np.zeros(4)], [np.zeros((2, 2, 5))], []])
def test_plot_images_rejects_bad_shapes(images):
    with pytest.raises(ValueError):
        plot_images(images)


def test_plot_conv_matrix_masks_zeros_and_shares_colours():
    m = np.array([[1.0, 2.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0], [0.0, 0.0, 1.0, 2.0]])
    fig = plot_conv_matrix(m)
    shown = fig.axes[0].images[0].get_array()
    np.testing.assert_array_equal(shown.mask, m == 0)
    # equal weights get equal colour indices: the diagonal of 1s, the diagonal of 2s
    assert set(shown[m == 1].tolist()) == {0} and set(shown[m == 2].tolist()) == {1}
    bar = fig.axes[1]  # the colour bar names the weights
    assert [t.get_text() for t in bar.get_yticklabels()] == ["1", "2"]


def test_plot_conv_matrix_draws_on_a_given_axes():
    fig, ax = new_axes()
    assert plot_conv_matrix(np.eye(3), ax=ax) is fig
    assert len(ax.images) == 1 and len(fig.axes) == 2


def test_plot_conv_matrix_rejects_vectors():
    with pytest.raises(ValueError, match="matrix"):
        plot_conv_matrix(np.ones(3))


def test_plot_pmf_bars_equal_probabilities_and_highlight():
    s = np.arange(2, 13)
    p = np.r_[1:7, 5:0:-1] / 36
    fig = plot_pmf(s, p, highlight=4)
    bars = fig.axes[0].patches
    np.testing.assert_allclose([b.get_height() for b in bars], p)
    np.testing.assert_allclose([b.get_x() + b.get_width() / 2 for b in bars], s)
    colours = {tuple(b.get_facecolor()) for b in bars}
    assert len(colours) == 2
    assert bars[2].get_facecolor() != bars[0].get_facecolor()


@pytest.mark.parametrize("support, probs, highlight", [
    ([1, 2], [1.0], None),
    ([1, 2], [-0.1, 1.1], None),
    ([1, 2], [0.5, 0.5], 3),
])
def test_plot_pmf_rejects_bad_input(support, probs, highlight):
    with pytest.raises(ValueError):
        plot_pmf(support, probs, highlight=highlight)


def test_plot_timings_bars_are_the_times_in_order():
    fig = plot_timings(["a", "b", "c"], [2.0, 0.5, 0.001])
    ax = fig.axes[0]
    assert [b.get_width() for b in ax.patches] == [2.0, 0.5, 0.001]
    where = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    assert where["a"] > where["b"] > where["c"]  # first label at the top
    assert ax.get_xscale() == "log"


@pytest.mark.parametrize("labels, seconds", [(["a"], [1.0, 2.0]), (["a"], [0.0])])
def test_plot_timings_rejects_bad_input(labels, seconds):
    with pytest.raises(ValueError):
        plot_timings(labels, seconds)
