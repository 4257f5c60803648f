import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnbook.plotting import plot_effective_rf, plot_footprints, plot_rf_growth, plot_rf_vs_depth


def test_plot_rf_growth():
    fig = plot_rf_growth({"a": [3, 5, 7], "b": [3, 4]}, input_sizes={"a": 19})
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert isinstance(fig, Figure) and len(lines) == 3  # two networks and one input line
    np.testing.assert_array_equal(lines[0].get_ydata(), [3, 5, 7])
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), [19, 19])
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="sizes"):
        plot_rf_growth({"a": [0, 3]})
    with pytest.raises(ValueError, match="sizes"):
        plot_rf_growth({})


def test_plot_footprints():
    fp = np.zeros((6, 6), bool)
    fp[0:3, 1:4] = True
    fig = plot_footprints([fp, fp], [(0, 3, 1, 4), (-1, 3, 1, 4)], titles=["x", "y"])
    assert len(fig.axes) == 2
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array() == 1.0, fp)
    red = fig.axes[1].patches[0]
    assert (red.get_x(), red.get_y(), red.get_width(), red.get_height()) == (0.5, -1.5, 3, 4)
    assert fig.axes[1].get_title() == "y"
    with pytest.raises(ValueError, match="same length"):
        plot_footprints([fp], [])
    with pytest.raises(ValueError, match="2-D"):
        plot_footprints([np.zeros(3)], [(0, 1, 0, 1)])


def test_plot_effective_rf():
    m = np.zeros((9, 9))
    m[4, 4] = 1.0
    fig = plot_effective_rf([m, m / 2], [3, 5], titles=["1", "2"])
    assert len(fig.axes) == 2
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), m / 2)
    square = fig.axes[1].patches[0]
    assert (square.get_x(), square.get_width()) == (1.5, 5)
    with pytest.raises(ValueError, match="non-negative"):
        plot_effective_rf([-m], [3])
    with pytest.raises(ValueError, match="titles"):
        plot_effective_rf([m], [3], titles=[])


def test_plot_rf_vs_depth():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_rf_vs_depth([1, 2], [3, 5], [3, 4], ax=ax) is fig
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [3, 4])
    with pytest.raises(ValueError, match="same length"):
        plot_rf_vs_depth([1, 2], [3], [3, 4])
