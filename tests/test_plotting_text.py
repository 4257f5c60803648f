import pytest
from matplotlib.figure import Figure

from cnnbook.plotting import plot_ngram_hits


def test_ngram_hits_labels_each_bar_with_its_ngram_and_colours_the_vote():
    tokens = ["it", "is", "not", "good", "at", "all"]
    width = [3, 3, 4]
    start = [1, 0, 2]
    value = [2.0, 0.5, 1.0]
    vote = [-1.0, 0.3, 0.2]
    fig = plot_ngram_hits(tokens, width, start, value, vote, top=2)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["#2: not good at all", "#0: is not good"]  # strongest at the top
    assert [p.get_width() for p in ax.patches] == [1.0, 2.0]
    assert ax.patches[1].get_facecolor()[:3] == pytest.approx((0.839, 0.153, 0.157), abs=1e-3)


def test_ngram_hits_marks_padding_past_the_end():
    fig = plot_ngram_hits(["so", "bad"], [3], [1], [1.0], [-1.0])
    assert fig.axes[0].get_yticklabels()[0].get_text() == "#0: bad · ·"


def test_ngram_hits_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="same length"):
        plot_ngram_hits(["a"], [1, 2], [0], [1.0], [1.0])
    with pytest.raises(ValueError, match="top"):
        plot_ngram_hits(["a"], [1], [0], [1.0], [1.0], top=0)
    with pytest.raises(ValueError, match="inside"):
        plot_ngram_hits(["a"], [3], [7], [1.0], [1.0])
