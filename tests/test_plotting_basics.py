import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnbook.plotting import plot_detections, plot_param_counts, plot_subsampling
from cnnbook.plotting._base import png_size


def test_plot_param_counts_draws_one_bar_per_count_on_log_axis():
    fig = plot_param_counts(["a", "b"], [1000, 10**6], [10, 20])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [1000, 10**6, 10, 20]
    assert ax.get_yscale() == "log"


def test_plot_param_counts_uses_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_param_counts(["a"], [5], [3], ax=ax) is fig


@pytest.mark.parametrize("fc, conv", [([1, 2], [1]), ([0], [1])])
def test_plot_param_counts_rejects_bad_counts(fc, conv):
    with pytest.raises(ValueError, match="counts"):
        plot_param_counts(["a"] * len(fc), fc, conv)


def test_plot_detections_boxes_each_peak_with_template_size():
    image = np.random.default_rng(0).random((20, 30))
    template = image[2:6, 3:8]
    response = np.zeros((17, 26))
    fig = plot_detections(image, template, response, [[2, 3], [10, 12]])
    boxes = fig.axes[2].patches
    assert len(boxes) == 2
    assert (boxes[1].get_width(), boxes[1].get_height()) == (5, 4)
    assert boxes[1].get_xy() == (11.5, 9.5)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), response)


def test_plot_detections_checks_response_shape():
    with pytest.raises(ValueError, match="response"):
        plot_detections(np.zeros((9, 9)), np.ones((3, 3)), np.zeros((9, 9)), [])


def test_plot_subsampling_one_panel_per_image():
    imgs = [np.zeros((8, 8)), np.zeros((4, 4)), np.zeros((2, 2))]
    fig = plot_subsampling(imgs, ["1", "2", "3"])
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["1", "2", "3"]
    assert fig.axes[2].images[0].get_array().shape == (2, 2)


def test_plot_subsampling_rejects_mismatched_titles():
    with pytest.raises(ValueError, match="titles"):
        plot_subsampling([np.zeros((2, 2))], [])


def test_figures_show_themselves_as_png_without_pyplot():
    fig = plot_subsampling([np.zeros((4, 4))], ["x"])
    png, meta = fig._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 200
    # two image pixels per CSS pixel: IPython shows it at half its pixel size (retina)
    width, height = png_size(png)
    assert (meta["width"], meta["height"]) == (round(width / 2), round(height / 2))
