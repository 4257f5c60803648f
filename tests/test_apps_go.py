import copy
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnnbook.apps import go, go_data
from cnnbook.apps.go import (
    BLACK,
    PLANES,
    WHITE,
    GoBoard,
    PointBias,
    fc_policy_net,
    feature_planes,
    fit_policy,
    legal_moves,
    liberties,
    move_probabilities,
    move_symmetry,
    policy_net,
    pooled_policy_net,
    read_sgf,
    symmetry,
    topk_accuracy,
)


def board_from(rows):
    """A board from strings: X black, O white, . empty (row 0 at the top)."""
    return np.array([[{"X": 1, "O": -1, ".": 0}[ch] for ch in row] for row in rows], np.int8)


# --- rules ---------------------------------------------------------------------------------------
def play_all(size, moves):
    b = GoBoard(size)
    for colour, point in moves:
        b.play(colour, point)
    return b


def test_capture_in_the_middle_removes_the_stone():
    # white at (2, 2) surrounded on three sides; black's fourth stone captures it
    b = play_all(5, [(BLACK, (1, 2)), (WHITE, (2, 2)), (BLACK, (2, 1)), (WHITE, (0, 0)),
                     (BLACK, (2, 3)), (WHITE, (0, 4)), (BLACK, (3, 2))])  # fmt: skip
    expected = board_from(["O...O", "..X..", ".X.X.", "..X..", "....."])
    np.testing.assert_array_equal(b.stones(), expected)


def test_two_stone_capture_on_the_edge():
    b = play_all(5, [(BLACK, (1, 0)), (WHITE, (0, 0)), (BLACK, (1, 1)), (WHITE, (0, 1)),
                     (BLACK, (0, 2))])  # fmt: skip
    np.testing.assert_array_equal(b.stones()[:2], board_from(["..X..", "XX..."]))


def ko_board():
    """White to be captured at (1, 1) by black (1, 2), which then has one liberty: a ko.

    . X O .
    X O . O
    . X O .
    . . . X
    """
    moves = [(BLACK, (0, 1)), (WHITE, (0, 2)), (BLACK, (1, 0)), (WHITE, (1, 3)),
             (BLACK, (2, 1)), (WHITE, (2, 2)), (BLACK, (3, 3)), (WHITE, (1, 1))]  # fmt: skip
    return play_all(4, moves)


def test_ko_cannot_be_retaken_at_once_but_after_a_move_elsewhere():
    b = ko_board()
    b.play(BLACK, (1, 2))  # captures the white stone at (1, 1)
    assert b.stones()[1, 1] == 0 and b.ko == (1, 1)
    with pytest.raises(ValueError, match="ko"):
        b.play(WHITE, (1, 1))
    assert not legal_moves(b.stones(), WHITE, ko=b.ko)[1, 1]
    b.play(WHITE, (3, 0))  # a ko threat elsewhere
    b.play(BLACK, (3, 1))
    b.play(WHITE, (1, 1))  # now the retake is legal and captures (1, 2)
    assert b.stones()[1, 2] == 0 and b.ko == (1, 2)


def test_suicide_is_refused_and_the_board_unchanged():
    b = play_all(3, [(BLACK, (0, 1)), (WHITE, (2, 2)), (BLACK, (1, 0))])
    before = b.stones()
    with pytest.raises(ValueError, match="suicide"):
        b.play(WHITE, (0, 0))
    np.testing.assert_array_equal(b.stones(), before)
    # a two-stone suicide: white (2, 0)... filling its own last liberty
    b2 = play_all(3, [(BLACK, (1, 0)), (WHITE, (2, 0)), (BLACK, (1, 1)), (WHITE, (0, 0)),
                      (BLACK, (2, 2))])  # fmt: skip
    with pytest.raises(ValueError, match="suicide"):
        b2.play(WHITE, (2, 1))


def test_a_move_without_liberties_that_captures_is_legal():
    b = play_all(3, [(BLACK, (1, 1)), (WHITE, (0, 1)), (BLACK, (0, 2)), (WHITE, (1, 0))])
    assert legal_moves(b.stones(), BLACK)[0, 0]
    b.play(BLACK, (0, 0))  # no empty neighbour, but white (0, 1) loses its last liberty
    np.testing.assert_array_equal(b.stones(), board_from(["X.X", "OX.", "..."]))


def test_occupied_point_and_bad_arguments():
    b = GoBoard(5)
    b.play(BLACK, (2, 2))
    with pytest.raises(ValueError, match="occupied"):
        b.play(WHITE, (2, 2))
    with pytest.raises(ValueError, match="point"):
        b.play(WHITE, (5, 0))
    with pytest.raises(ValueError, match="colour"):
        b.play(2, (0, 0))
    with pytest.raises(ValueError, match="size"):
        GoBoard(1)


def random_positions(count, size=7, seed=0):
    """Positions reached by random legal play (many captures, kos and would-be suicides)."""
    rng = np.random.default_rng(seed)
    points = list(itertools.product(range(size), repeat=2))
    out = []
    for _ in range(count):
        b, colour = GoBoard(size), BLACK
        for _ in range(rng.integers(5, 3 * size * size)):
            legal = next((points[i] for i in rng.permutation(len(points))
                          if _try(b, colour, points[i])), None)  # fmt: skip
            if legal is None:
                break
            b.play(colour, legal)
            colour = -colour
        out.append((b, colour))
    return out


def _try(board, colour, point):
    try:
        copy.deepcopy(board).play(colour, point)
    except ValueError:
        return False
    return True


def test_legal_moves_agree_with_playing_each_move():
    for b, colour in random_positions(12):
        brute = np.zeros((b.size, b.size), bool)
        for p in itertools.product(range(b.size), repeat=2):
            brute[p] = _try(b, colour, p)
        np.testing.assert_array_equal(legal_moves(b.stones(), colour, ko=b.ko), brute)


def test_liberties_agree_with_a_flood_fill():
    for b, _ in random_positions(8, seed=1):
        stones = b.stones()
        n = b.size
        expected = np.zeros((n, n), int)
        for r, c in zip(*np.nonzero(stones), strict=True):
            group, libs, todo = {(r, c)}, set(), [(r, c)]
            while todo:
                y, x = todo.pop()
                for q in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                    if 0 <= q[0] < n and 0 <= q[1] < n:
                        if stones[q] == 0:
                            libs.add(q)
                        elif stones[q] == stones[r, c] and q not in group:
                            group.add(q)
                            todo.append(q)
            expected[r, c] = len(libs)
        np.testing.assert_array_equal(liberties(stones), expected)


# --- feature planes ------------------------------------------------------------------------------
def test_feature_planes_by_hand():
    stones = board_from(["XO.", "X..", "..."])
    p = feature_planes(stones, WHITE, ages=[[2, 1, 0], [3, 0, 0], [0, 0, 0]])
    assert p.shape == (12, 3, 3) and p.dtype == np.uint8
    named = dict(zip(PLANES, p, strict=True))
    np.testing.assert_array_equal(named["own"], stones == WHITE)
    np.testing.assert_array_equal(named["opponent"], stones == BLACK)
    np.testing.assert_array_equal(named["empty"], stones == 0)
    np.testing.assert_array_equal(named["liberties 2"], [[1, 1, 0], [1, 0, 0], [0, 0, 0]])
    assert not named["liberties 1"].any() and not named["liberties ≥3"].any()
    np.testing.assert_array_equal(named["1 turn ago"], [[0, 1, 0], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(named["2 turns ago"], [[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(named["3 turns ago"], [[0, 0, 0], [1, 0, 0], [0, 0, 0]])
    assert named["ones"].all()
    np.testing.assert_array_equal(named["legal"], stones == 0)



def test_feature_planes_legal_plane_leaves_out_the_ko_point_and_suicide():
    b = ko_board()
    b.play(BLACK, (1, 2))  # captures white (1, 1): white may not retake at once
    stones = b.stones()
    np.testing.assert_array_equal(stones, board_from([".XO.", "X.XO", ".XO.", "...X"]))
    assert b.ko == (1, 1)
    named = dict(zip(PLANES, feature_planes(stones, WHITE, ages=b.ages(), ko=b.ko),
                     strict=True))
    # by hand: every empty point but the ko point (1, 1) and (0, 0), where a white stone would
    # have no liberty and capture nothing (both black neighbours keep (1, 1))
    expected = stones == 0
    expected[1, 1] = expected[0, 0] = False
    np.testing.assert_array_equal(named["legal"], expected)
    np.testing.assert_array_equal(named["empty"], stones == 0)
    assert np.argwhere(named["empty"] != named["legal"]).tolist() == [[0, 0], [1, 1]]
    # (0, 3) has no empty neighbour either, but joins white (1, 3), which keeps (2, 3): legal
    assert named["legal"][0, 3]
    # without the ko the retake (1, 1) is legal (it captures black (1, 2)); the suicide is not
    no_ko = dict(zip(PLANES, feature_planes(stones, WHITE), strict=True))
    expected[1, 1] = True
    np.testing.assert_array_equal(no_ko["legal"], expected)
    # the plane is the rule that GoBoard.play enforces
    for point in itertools.product(range(4), repeat=2):
        assert named["legal"][point] == _try(b, WHITE, point), point

def test_feature_planes_commute_with_the_symmetries():
    for b, colour in random_positions(3, seed=2):
        stones, ages = b.stones(), b.ages()
        ko = None  # a ko point would have to be transformed too
        planes = feature_planes(stones, colour, ages=ages, ko=ko)
        for s in range(8):
            moved = feature_planes(symmetry(stones, s), colour, ages=symmetry(ages, s))
            np.testing.assert_array_equal(moved, symmetry(planes, s))


def test_feature_planes_reject_bad_boards():
    with pytest.raises(ValueError, match="stones"):
        feature_planes(np.zeros((3, 4)), BLACK)
    with pytest.raises(ValueError, match="stones"):
        feature_planes(np.full((3, 3), 2), BLACK)
    with pytest.raises(ValueError, match="ages"):
        feature_planes(np.zeros((3, 3)), BLACK, ages=np.zeros((2, 2)))


# --- symmetries ----------------------------------------------------------------------------------
def test_symmetries_against_rot90_and_flip_by_hand():
    x = np.array([[1, 2], [3, 4]])
    expected = [
        [[1, 2], [3, 4]], [[2, 4], [1, 3]], [[4, 3], [2, 1]], [[3, 1], [4, 2]],
        [[2, 1], [4, 3]], [[1, 3], [2, 4]], [[3, 4], [1, 2]], [[4, 2], [3, 1]],
    ]  # fmt: skip
    for s in range(8):
        np.testing.assert_array_equal(symmetry(x, s), expected[s])
    np.testing.assert_array_equal(symmetry(x, 1), np.rot90(x))
    np.testing.assert_array_equal(symmetry(x, 4), np.flip(x, 1))


def test_symmetries_form_a_group():
    x = np.arange(25).reshape(5, 5)
    images = [symmetry(x, s) for s in range(8)]
    assert len({im.tobytes() for im in images}) == 8  # all different
    for a, b in itertools.product(range(8), repeat=2):
        composed = symmetry(symmetry(x, a), b)
        assert any((composed == im).all() for im in images)  # closed
    for a in range(8):  # every element has an inverse
        assert any((symmetry(symmetry(x, a), b) == x).all() for b in range(8))


def test_moves_transform_like_the_board():
    n = 5
    for s, move in itertools.product(range(8), range(n * n)):
        onehot = np.zeros(n * n, int)
        onehot[move] = 1
        moved = symmetry(onehot.reshape(n, n), s).ravel()
        assert moved[move_symmetry(move, s, n)] == 1


def test_torch_and_numpy_symmetries_agree():
    x = np.arange(2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    for s in range(8):
        np.testing.assert_array_equal(symmetry(torch.as_tensor(x), s).numpy(), symmetry(x, s))
    with pytest.raises(ValueError, match="`s`"):
        symmetry(x, 8)
    with pytest.raises(ValueError, match="moves"):
        move_symmetry(25, 0, 5)


# --- SGF -----------------------------------------------------------------------------------------
def test_read_sgf_orientation_and_setup():
    g = read_sgf(b"(;GM[1]FF[4]SZ[9]AB[cc][gg]PB[b]PW[w]RE[W+1.5];W[ai];B[ia];W[tt])")
    assert g.size == 9 and sorted(g.setup[0]) == [(2, 2), (6, 6)] and g.setup[1] == ()
    # SGF: first letter is the column, second the row from the top; tt is a pass (FF[3])
    assert g.moves == ((WHITE, (8, 0)), (BLACK, (0, 8)), (WHITE, None))
    assert g.info["black"] == "b" and g.info["result"] == "W+1.5"
    planes, moves = go.game_positions(g)
    assert planes.shape == (2, 12, 9, 9) and moves.tolist() == [72, 8]
    assert planes[0, 1, 2, 2] == 1  # the setup stone is the opponent's, for white to move
    with pytest.raises(ValueError, match="SGF"):
        read_sgf(b"not sgf")
    with pytest.raises(TypeError):
        read_sgf(42)


def test_missing_data_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNBOOK_DATA", str(tmp_path))
    assert go.data_dir() == tmp_path / "go"
    with pytest.raises(FileNotFoundError, match="make data-go"):
        go.load_pro_games()


@pytest.mark.skipif(not (go.data_dir() / "kombilo").is_dir(), reason="run `make data-go`")
def test_the_35_professional_games_replay_legally():
    games = go.load_pro_games()
    assert len(games) == 35 and all(g.size == 19 for g in games)
    assert {g.info["event"] for g in games[:30]} == {"23rd Gosei"}
    planes, moves, index = go.positions_dataset(games[:2])
    assert len(planes) == len(moves) == len(index) == sum(len(g.moves) for g in games[:2])
    # every move played is legal in the position before it
    assert planes[np.arange(len(moves)), 11].reshape(len(moves), -1)[np.arange(len(moves)),
                                                                     moves].all()  # fmt: skip


def test_selfplay_is_deterministic_distinct_and_legal(tmp_path, monkeypatch):
    try:
        go_data._gnugo()
    except FileNotFoundError:
        pytest.skip("gnugo is not installed")
    monkeypatch.setenv("CNNBOOK_DATA", str(tmp_path))
    a = go.selfplay_games(3, size=7, seed=3)
    assert (tmp_path / "go" / "gnugo").is_dir()  # cached
    b = go.selfplay_games(3, size=7, seed=3, cache=False)
    assert a == b and len({g.moves for g in a}) == 3
    assert a == go.selfplay_games(3, size=7, seed=3)  # read back from the cache
    for g in a:
        go.game_positions(g)  # replays with the rules
    with pytest.raises(ValueError, match="`n`"):
        go.selfplay_games(0)


# --- networks ------------------------------------------------------------------------------------
def test_policy_net_parameters_at_the_papers_size_by_hand():
    first = 5 * 5 * 48 * 192 + 192
    middle = 11 * (3 * 3 * 192 * 192 + 192)
    last = 1 * 1 * 192 * 1 + 19 * 19  # shared 1×1 weights, one bias per point
    net = policy_net()
    assert sum(p.numel() for p in net.parameters()) == first + middle + last == 3_882_793
    assert sum(isinstance(m, torch.nn.Conv2d) for m in net) == 13
    assert not any(isinstance(m, torch.nn.MaxPool2d) for m in net)


def test_policy_net_pads_to_23_then_21_and_keeps_19():
    net = policy_net(planes=4, filters=3, layers=4)
    shapes = []
    for m in net:
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(lambda mod, i, o: shapes.append((i[0].shape[-1],
                                                                     o.shape[-1])))  # fmt: skip
    assert net(torch.zeros(1, 4, 19, 19)).shape == (1, 361)
    assert shapes == [(23, 19), (21, 19), (21, 19), (19, 19)]


def test_policy_net_equals_the_same_convolutions_written_with_torch():
    net = policy_net(board_size=9, planes=5, filters=4, layers=4, seed=1)
    convs = [m for m in net if isinstance(m, torch.nn.Conv2d)]
    with torch.no_grad():
        net[-1].bias.normal_(generator=torch.Generator().manual_seed(0))
    x = torch.rand(3, 5, 9, 9, generator=torch.Generator().manual_seed(2))
    h = F.relu(F.conv2d(x, convs[0].weight, convs[0].bias, padding=2))
    for c in convs[1:-1]:
        h = F.relu(F.conv2d(h, c.weight, c.bias, padding=1))
    expected = F.conv2d(h, convs[-1].weight).flatten(1) + net[-1].bias.flatten()
    torch.testing.assert_close(net(x), expected)


def test_point_bias_is_one_bias_per_point():
    net = policy_net(board_size=5, planes=2, filters=2, layers=3)
    with torch.no_grad():
        net[-2].weight.zero_()  # the shared 1×1 weights: the map is then 0 everywhere
        net[-1].bias.copy_(torch.arange(25.0).reshape(5, 5))
    out = net(torch.rand(2, 2, 5, 5))
    torch.testing.assert_close(out, torch.arange(25.0).expand(2, 25))
    assert net[-1].bias.shape == (5, 5) and net[-2].bias is None
    with pytest.raises(ValueError, match="`x`"):
        PointBias(5)(torch.zeros(1, 2, 5, 5))


def test_pooled_and_fully_connected_nets():
    pooled = pooled_policy_net(planes=4, filters=3, layers=4)
    assert any(isinstance(m, torch.nn.MaxPool2d) for m in pooled)
    sizes = []
    for m in pooled:
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(lambda mod, i, o: sizes.append(o.shape[-1]))
    assert pooled(torch.zeros(2, 4, 19, 19)).shape == (2, 361)
    assert sizes == [19, 10, 10]  # the 3×3 layers see a 10×10 board
    fc = fc_policy_net(board_size=9, planes=4, hidden=(16,))
    assert sum(p.numel() for p in fc.parameters()) == 324 * 16 + 16 + 16 * 81 + 81
    with pytest.raises(ValueError, match="layers"):
        policy_net(layers=1)
    with pytest.raises(ValueError, match="first_kernel"):
        policy_net(first_kernel=4)
    three = policy_net(board_size=9, planes=2, filters=3, layers=3, first_kernel=3)
    assert three[1].kernel_size == (3, 3) and three(torch.zeros(1, 2, 9, 9)).shape == (1, 81)
    with pytest.raises(ValueError, match="filters"):
        pooled_policy_net(filters=0)
    with pytest.raises(ValueError, match="hidden"):
        fc_policy_net(hidden=(0,))


def test_topk_accuracy_against_a_loop():
    g = torch.Generator().manual_seed(0)
    logits, moves = torch.rand(50, 20, generator=g), torch.randint(20, (50,), generator=g)
    for k in (1, 3, 5):
        order = [sorted(range(20), key=lambda j, row=row: -row[j])[:k] for row in logits.tolist()]
        expected = np.mean([m in o for m, o in zip(moves.tolist(), order, strict=True)])
        assert topk_accuracy(logits, moves, k) == pytest.approx(expected)
    with pytest.raises(ValueError, match="`k`"):
        topk_accuracy(logits, moves, 21)
    with pytest.raises(ValueError, match="logits"):
        topk_accuracy(logits, moves[:3])


def stone_task(count, n=5, seed=0):
    """Planes with one own stone; the 'move' is that stone's point: learnable only if the moves
    are transformed with the boards."""
    rng = np.random.default_rng(seed)
    moves = rng.integers(n * n, size=count)
    planes = np.zeros((count, 2, n, n), np.uint8)
    planes[np.arange(count), 0, moves // n, moves % n] = 1
    planes[:, 1] = 1
    return planes, moves


def test_fit_policy_learns_with_consistent_augmentation_and_is_deterministic():
    train, test = stone_task(200), stone_task(100, seed=1)
    net = policy_net(board_size=5, planes=2, filters=4, layers=2, seed=0)
    h = fit_policy(net, train, test_data=test, steps=150, batch_size=32, lr=0.05, seed=0)
    assert np.mean(h.step_loss[-10:]) < 0.5 * np.mean(h.step_loss[:10])
    assert h.topk[1] > 0.9 and set(h.topk) == {1, 5} and h.cpu_seconds > 0
    net2 = policy_net(board_size=5, planes=2, filters=4, layers=2, seed=0)
    h2 = fit_policy(net2, train, test_data=test, steps=150, batch_size=32, lr=0.05, seed=0)
    assert h2.step_loss == h.step_loss
    p = move_probabilities(net, test[0][0])
    assert p.shape == (5, 5) and p.sum() == pytest.approx(1, abs=1e-5)
    assert np.unravel_index(p.argmax(), p.shape) == divmod(int(test[1][0]), 5)
    with pytest.raises(ValueError, match="train_data"):
        fit_policy(net, (train[0][:, 0], train[1]))


def test_compared_nets_differ_only_where_they_should():
    nets = go.compared_nets(board_size=9, planes=12, filters=4, layers=3, hidden=(8,))
    count = {name: sum(p.numel() for p in net.parameters()) for name, net in nets.items()}
    policy = (5 * 5 * 12 * 4 + 4) + (3 * 3 * 4 * 4 + 4) + (4 + 81)
    assert count["policy network"] == policy
    assert count["with pooling"] == policy - 4 + 4 * 4  # 2×2 up-sampling instead of 1×1
    assert count["fully connected"] == (81 * 12 * 8 + 8) + (8 * 81 + 81)
    # same seed, same first layer: the pooled network differs only after it
    torch.testing.assert_close(nets["policy network"][1].weight, nets["with pooling"][1].weight)
