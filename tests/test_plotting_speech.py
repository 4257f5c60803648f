import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnbook.apps.speech_features import mel_filterbank
from cnnbook.plotting import (
    plot_mel_filterbank,
    plot_shift_accuracy,
    plot_shift_response,
    plot_spectrograms,
    plot_test_accuracies,
)


def test_mel_filterbank_draws_one_line_per_filter_over_hz():
    fb, _ = mel_filterbank(10, 256, 16000)
    fig = plot_mel_filterbank(fb, 16000)
    lines = fig.axes[0].lines
    assert len(lines) == 10
    assert lines[0].get_xdata()[-1] == 8000
    np.testing.assert_array_equal(lines[3].get_ydata(), fb[3])
    with pytest.raises(ValueError, match="filterbank"):
        plot_mel_filterbank(np.ones(5), 16000)


def test_spectrograms_low_bands_at_the_bottom_and_time_in_seconds():
    s = np.arange(12.0).reshape(3, 4)
    fig = plot_spectrograms([s, s], ["a", "b"], hop_seconds=0.5)
    assert isinstance(fig, Figure)
    im = fig.axes[0].images[0]
    assert im.origin == "lower" and im.get_extent()[:2] == [0, 2.0]
    np.testing.assert_array_equal(im.get_array(), s)
    assert [ax.get_title() for ax in fig.axes[:2]] == ["a", "b"]
    with pytest.raises(ValueError, match="titles"):
        plot_spectrograms([s], ["a", "b"])


def test_shift_response_shows_inputs_and_feature_maps_transposed():
    x = np.random.default_rng(0).random((6, 5))
    maps = np.random.default_rng(1).random((3, 4))  # 3 filters, 4 positions
    fig = plot_shift_response(x, x, maps, maps + 1, shift=2)
    assert len(fig.axes) == 4
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), maps.T)
    assert "2 bands" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="original"):
        plot_shift_response(x, x, maps, maps[:2], shift=2)


def test_shift_accuracy_one_curve_per_model_and_a_chance_line():
    fig = plot_shift_accuracy([-1, 0, 1], {"a": [0.5, 1, 0.5], "b": [0, 0, 0]}, chance=0.1)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0.5, 1, 0.5])
    assert ax.lines[2].get_ydata()[0] == 0.1
    with pytest.raises(ValueError, match="one value per shift"):
        plot_shift_accuracy([0, 1], {"a": [1.0]})


def test_accuracy_bars_grouped_with_labels():
    fig = plot_test_accuracies(["x", "y"], {"m1": [0.5, 0.25], "m2": [1.0, 0.0]}, chance=0.2)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [0.5, 0.25, 1.0, 0.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]
    assert ax.texts[0].get_text() == "50%"
    fig2 = Figure()
    ax2 = fig2.add_subplot()
    assert plot_test_accuracies(["x"], {"m": [1.0]}, ax=ax2) is fig2
    with pytest.raises(ValueError, match="one value per group"):
        plot_test_accuracies(["x", "y"], {"m": [1.0]})
