import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from cnnbook.plotting import plot_feature_planes, plot_go_board, plot_go_boards


def stones_3x3():
    return np.array([[1, 0, -1], [0, 1, 0], [0, 0, 0]])


def test_board_draws_one_circle_per_stone_with_its_colour():
    fig = plot_go_board(stones_3x3(), title="t")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    centres = sorted((c.center, c.get_facecolor()[:3]) for c in circles)
    # (x, y) = (col, row): black at (0,0) and (1,1), white at (2,0)
    assert [c for c, _ in centres] == [(0, 0), (1, 1), (2, 0)]
    assert [f for _, f in centres] == [(0, 0, 0), (0, 0, 0), (1, 1, 1)]
    assert ax.get_title() == "t" and not ax.images  # no heat map without probabilities
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # row 0 at the top


def test_heat_map_holds_the_probabilities_and_the_move_is_circled():
    p = np.zeros((3, 3))
    p[1, 0], p[2, 2] = 0.7, 0.3
    fig = plot_go_board(stones_3x3(), probabilities=p, move=(1, 0))
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    np.testing.assert_array_equal(shown.filled(0), p)  # zero probabilities are not drawn
    assert shown.mask[0, 0] and ax.images[0].get_clim() == (0, 0.7)
    rings = [c for c in ax.patches if isinstance(c, Circle) and not c.get_fill()]
    assert len(rings) == 1 and rings[0].center == (0, 1)


def test_several_boards_and_feature_planes():
    # the column holds two 3-inch boards a row, whatever `ncols` asks for: 5 boards in 3 rows
    fig = plot_go_boards([stones_3x3()] * 5,
                         probabilities=[None, np.ones((3, 3)) / 9, None, None, None],
                         titles=list("abcde"), ncols=3)  # fmt: skip
    assert len(fig.axes) == 6 and fig.axes[1].get_title() == "b" and len(fig.axes[1].images) == 1
    assert not fig.axes[5].axison
    assert fig.axes[2].get_position().y0 < fig.axes[0].get_position().y0  # "c" starts row 2
    planes = np.stack([stones_3x3() == 1, stones_3x3() == -1]).astype(np.uint8)
    fig = plot_feature_planes(planes, ["own", "opp"], ncols=2)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), planes[1])
    assert fig.axes[0].get_title() == "own"


@pytest.mark.parametrize(
    "call, match",
    [(lambda: plot_go_board(np.zeros((3, 4))), "`stones` must be a square"),
     (lambda: plot_go_board(np.full((3, 3), 2)), "`stones` may only hold"),
     (lambda: plot_go_board(np.zeros((3, 3)), probabilities=np.zeros((2, 2))),
      "`probabilities` must have the shape"),
     (lambda: plot_go_board(np.zeros((3, 3)), probabilities=-np.ones((3, 3))),
      "`probabilities` must be >= 0"),
     (lambda: plot_go_board(np.zeros((3, 3)), move=(3, 0)), "`move` must lie on the board"),
     (lambda: plot_go_boards([]), "`boards` must not be empty"),
     (lambda: plot_go_boards([np.zeros((3, 3))], titles=["a", "b"]),
      "`titles` must have one entry per board"),
     (lambda: plot_go_boards([np.zeros((3, 3))], ncols=0), "`ncols` must be >= 1"),
     (lambda: plot_feature_planes(np.zeros((2, 3, 3)), ["a"]),
      "`names` must have one name per plane"),
     (lambda: plot_feature_planes(np.zeros((2, 3, 4)), ["a", "b"]),
      r"`planes` must have shape \(C, n, n\)"),
     (lambda: plot_feature_planes(np.zeros((2, 3, 3)), ["a", "b"], ncols=0),
      "`ncols` must be >= 1")],
)  # fmt: skip
def test_bad_input_is_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()
