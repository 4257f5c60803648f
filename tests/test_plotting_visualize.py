import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnbook.plotting import plot_adversarial, plot_attributions, plot_filters, plot_image_grid


def _rng():
    return np.random.default_rng(0)


def test_plot_filters_grid_shared_symmetric_scale():
    w = _rng().normal(size=(5, 3, 3))
    fig = plot_filters(w, titles=list("abcde"), ncols=3)
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 5
    assert len(fig.axes) == 6 + 1  # a 2x3 grid (one panel hidden) and the colorbar
    assert not fig.axes[5].axison
    im = fig.axes[2].images[0]
    np.testing.assert_array_equal(im.get_array(), w[2])
    top = np.abs(w).max()
    assert im.get_clim() == (-top, top)
    assert fig.axes[4].get_title() == "e"


def test_plot_image_grid_draws_data_on_fixed_scale():
    images = _rng().random((4, 5, 5))
    fig = plot_image_grid(images, titles=["0", "1", "2", "3"], ncols=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    np.testing.assert_array_equal(fig.axes[3].images[0].get_array(), images[3])
    assert fig.axes[3].images[0].get_clim() == (0.0, 1.0)
    assert fig.axes[1].get_title() == "1"


def test_plot_attributions_rows_and_scales():
    images = _rng().random((3, 4, 4))
    sal = _rng().random((3, 4, 4))
    occ = _rng().normal(size=(3, 4, 4))
    fig = plot_attributions(images, {"saliency": sal, "occlusion": occ}, titles=["a", "b", "c"])
    assert isinstance(fig, Figure) and len(fig.axes) == 9
    axes = np.array(fig.axes).reshape(3, 3)
    np.testing.assert_array_equal(axes[0, 1].images[0].get_array(), images[1])
    np.testing.assert_array_equal(axes[1, 2].images[0].get_array(), sal[2])
    np.testing.assert_array_equal(axes[2, 0].images[0].get_array(), occ[0])
    assert axes[1, 2].images[0].get_clim() == (0, sal[2].max())
    top = np.abs(occ[0]).max()
    assert axes[2, 0].images[0].get_clim() == (-top, top)
    assert axes[2, 0].get_ylabel() == "occlusion"


def test_plot_adversarial_three_rows():
    x = _rng().random((2, 4, 4))
    adv = np.clip(x + 0.1, 0, 1)
    fig = plot_adversarial(x, adv, titles_before=["7", "1"], titles_after=["3", "3"])
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    axes = np.array(fig.axes).reshape(3, 2)
    np.testing.assert_allclose(axes[1, 1].images[0].get_array(), adv[1] - x[1])
    np.testing.assert_array_equal(axes[2, 0].images[0].get_array(), adv[0])
    assert axes[2, 1].get_title() == "3"


@pytest.mark.parametrize("call", [
    lambda: plot_filters(np.zeros((3, 3))),
    lambda: plot_filters(np.zeros((2, 3, 3)), titles=["a"]),
    lambda: plot_image_grid(np.zeros((0, 3, 3))),
    lambda: plot_image_grid(np.zeros((2, 3, 3)), ncols=0),
    lambda: plot_attributions(np.zeros((2, 3, 3)), {}),
    lambda: plot_attributions(np.zeros((2, 3, 3)), {"s": np.zeros((2, 3, 4))}),
    lambda: plot_adversarial(np.zeros((2, 3, 3)), np.zeros((1, 3, 3))),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()
