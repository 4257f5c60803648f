"""Tests of cnnbook.plotting.dream."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnbook.plotting import plot_dream, plot_gram_matrices


def test_plot_dream_draws_inputs_dreams_and_differences():
    rng = np.random.default_rng(0)
    before = rng.random((2, 1, 6, 5))
    after = np.clip(before + 0.1, 0, 1)
    fig = plot_dream(before, after)
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    row = fig.axes[3:6]
    np.testing.assert_allclose(row[0].images[0].get_array(), before[1, 0])
    np.testing.assert_allclose(row[1].images[0].get_array(), after[1, 0])
    np.testing.assert_allclose(row[2].images[0].get_array(), after[1, 0] - before[1, 0])
    assert fig.axes[0].get_title() == "input"


def test_plot_dream_rgb_and_bad_input():
    x = np.zeros((1, 3, 4, 4))
    fig = plot_dream(x, x + 0.5)
    assert fig.axes[1].images[0].get_array().shape == (4, 4, 3)
    np.testing.assert_allclose(fig.axes[2].images[0].get_array(), np.full((4, 4), 0.5))
    with pytest.raises(ValueError, match="before"):
        plot_dream(np.zeros((4, 4)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match="same shape"):
        plot_dream(np.zeros((1, 4, 4)), np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="titles"):
        plot_dream(np.zeros((1, 4, 4)), np.zeros((1, 4, 4)), titles=("a",))


def test_plot_gram_matrices():
    grams = [np.eye(3), np.arange(16.0).reshape(4, 4)]
    fig = plot_gram_matrices(grams, titles=["a", "b"])
    image_axes = [ax for ax in fig.axes if ax.images]
    assert isinstance(fig, Figure) and len(image_axes) == 2
    np.testing.assert_array_equal(image_axes[1].images[0].get_array(), grams[1])
    assert image_axes[0].get_title() == "a"
    with pytest.raises(ValueError, match="grams"):
        plot_gram_matrices([np.zeros((2, 3))])
    with pytest.raises(ValueError, match="titles"):
        plot_gram_matrices(grams, titles=["a"])
