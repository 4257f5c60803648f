import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnbook.plotting import (
    plot_accuracy_bars,
    plot_accuracy_curves,
    plot_loss_curves,
    plot_samples,
)
from cnnbook.train import History


def test_plot_samples_grid_titles_and_data():
    images = np.arange(5 * 4 * 4).reshape(5, 4, 4)
    fig = plot_samples(images, [0, 1, 2, 1, 0], class_names="abc", predictions=[0, 2, 2, 1, 0],
                       ncols=3)  # fmt: skip
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    np.testing.assert_array_equal(fig.axes[4].images[0].get_array(), images[4])
    assert fig.axes[1].get_title() == "b\n→ c" and fig.axes[1].title.get_color() == "tab:red"
    assert fig.axes[0].title.get_color() == "black"
    assert not fig.axes[5].axison  # the unused panel is hidden


@pytest.mark.parametrize(
    "kwargs",
    [dict(images=np.zeros((2, 3)), labels=[0, 1]), dict(images=np.zeros((2, 3, 3)), labels=[0]),
     dict(images=np.zeros((2, 3, 3)), labels=[0, 1], predictions=[1])],
)  # fmt: skip
def test_plot_samples_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        plot_samples(**kwargs)


def test_plot_loss_curves_draws_each_curve():
    h = History(step_loss=[3.0, 2.0, 1.0, 0.5])
    fig = plot_loss_curves({"a": [1.0, 2.0, 3.0], "b": h})
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_ydata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), h.step_loss)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b"]


def test_plot_loss_curves_smooths_and_uses_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_loss_curves({"a": [1.0, 3.0, 5.0, 7.0]}, smooth=2, logy=True, ax=ax) is fig
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [2, 4, 6])
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="curves"):
        plot_loss_curves({})
    with pytest.raises(ValueError, match="smooth"):
        plot_loss_curves({"a": [1.0]}, smooth=0)


def test_plot_accuracy_curves():
    fig = plot_accuracy_curves({"cnn": [0.5, 0.9]}, target=0.91, x={"cnn": [10.0, 20.0]},
                               xlabel="seconds")  # fmt: skip
    ax = fig.axes[0]
    lines = ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_xdata(), [10, 20])
    np.testing.assert_array_equal(lines[0].get_ydata(), [50, 90])
    np.testing.assert_array_equal(lines[1].get_ydata(), [91, 91])  # the target line
    fig = plot_accuracy_curves({"cnn": [0.5, 0.9, 0.95]})
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [1, 2, 3])
    with pytest.raises(ValueError, match="x"):
        plot_accuracy_curves({"cnn": [0.5]}, x={"cnn": [1.0, 2.0]})


def test_plot_accuracy_bars():
    fig = plot_accuracy_bars(["cnn", "mlp"], [1.0, 0.9], [0.97, 0.8], params=[1000, 20000])
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == pytest.approx([100, 90, 97, 80])
    assert ax.get_xticklabels()[1].get_text() == "mlp\n20,000 params"
    with pytest.raises(ValueError, match="one value"):
        plot_accuracy_bars(["a"], [0.5, 0.5], [0.5])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plot_accuracy_bars(["a"], [50.0], [0.5])
    with pytest.raises(ValueError, match="params"):
        plot_accuracy_bars(["a"], [0.5], [0.5], params=[1, 2])
