"""Go positions as images: legal replay, AlphaGo-style feature planes, the 8 board symmetries.

Boards are ``(n, n)`` int8 arrays in image orientation — row 0 is the top edge of the board as
it is drawn, column 0 the left edge — holding ``BLACK = 1``, ``WHITE = -1`` and ``EMPTY = 0``.
A point is a pair ``(row, col)`` in that orientation, a move is a point or ``None`` (a pass),
and a move *index* is ``row * n + col``, the class a policy network predicts.

:class:`GoBoard` replays a game with the rules: it uses :mod:`sgfmill`'s board for the
captures and refuses what sgfmill allows — suicide, and retaking a ko at once.

:func:`feature_planes` describes a position to the player about to move by 12 planes, a subset
of the 48 of AlphaGo's policy network (Silver et al. 2016, Extended Data Table 2):

====  ===================  =========================================================
 #    plane                meaning (1 where true, else 0)
====  ===================  =========================================================
 0    own                  a stone of the player to move
 1    opponent             a stone of the opponent
 2    empty                no stone
 3-5  liberties 1, 2, ≥3   a stone whose group has exactly 1, 2, or 3 or more liberties
 6-9  1 … 4 turns ago      a stone played 1, 2, 3 or 4 moves ago
 10   ones                 1 everywhere on the board (0 in the zero padding: the edge)
 11   legal                an empty point where the player to move may play
====  ===================  =========================================================
"""

import numpy as np
from scipy import ndimage
from sgfmill import boards

from .._check import check_at_least, check_int, check_positive

__all__ = [
    "BLACK",
    "EMPTY",
    "PLANES",
    "WHITE",
    "GoBoard",
    "liberties",
    "legal_moves",
    "feature_planes",
    "symmetry",
    "move_symmetry",
]

BLACK, WHITE, EMPTY = 1, -1, 0
HISTORY = 4
PLANES = (
    "own", "opponent", "empty", "liberties 1", "liberties 2", "liberties ≥3",
    *(f"{k} turn{'s' if k > 1 else ''} ago" for k in range(1, HISTORY + 1)), "ones", "legal",
)  # fmt: skip
_COLOURS = {BLACK: "b", WHITE: "w"}
_FOUR = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)  # 4-connectivity


def _check_colour(colour):
    if colour not in (BLACK, WHITE) or isinstance(colour, bool):
        raise ValueError(f"`colour` must be BLACK (1) or WHITE (-1), got {colour!r}")
    return int(colour)


def _check_stones(stones):
    stones = np.asarray(stones)
    if stones.ndim != 2 or stones.shape[0] != stones.shape[1] or stones.shape[0] < 2:
        raise ValueError("`stones` must be a square (n, n) board with n >= 2")
    if not np.isin(stones, (BLACK, WHITE, EMPTY)).all():
        raise ValueError("`stones` may only hold 1 (black), -1 (white) and 0 (empty)")
    return stones.astype(np.int8)


class GoBoard:
    """A Go board that plays legal moves only; captures are sgfmill's.

    Parameters
    ----------
    size : int
        Board side (9, 13, 19 ...).

    Attributes
    ----------
    ko : tuple or None
        The point the player to move may not play, because it would retake a ko at once.
    move_number : int
        Moves (passes included) played so far.

    Examples
    --------
    >>> b = GoBoard(5)
    >>> for colour, point in [(BLACK, (0, 1)), (WHITE, (0, 0)), (BLACK, (1, 0))]:
    ...     b.play(colour, point)
    >>> b.stones()[:2]                    # black's (1, 0) captured white's corner stone
    array([[0, 1, 0, 0, 0],
           [1, 0, 0, 0, 0]], dtype=int8)
    """

    def __init__(self, size):
        self.size = check_at_least(size, 2, "size")
        self._board = boards.Board(self.size)
        self.ko = None
        self.move_number = 0
        self._played = np.full((self.size, self.size), -(10**9), dtype=np.int64)

    # sgfmill counts rows from the bottom edge; the arrays here count them from the top
    def _sgf(self, point):
        r, c = point
        return self.size - 1 - r, c

    def _check_point(self, point):
        if (
            not isinstance(point, (tuple, list))
            or len(point) != 2
            or not all(0 <= int(v) < self.size for v in point)
        ):
            raise ValueError(f"`point` must be (row, col) inside the {self.size}×{self.size} board")
        return int(point[0]), int(point[1])

    def setup(self, black=(), white=()):
        """Place setup stones (handicap stones, SGF ``AB``/``AW``) before the first move."""
        if self.move_number:
            raise ValueError("`setup` is only allowed before the first move")
        black = [self._sgf(self._check_point(p)) for p in black]
        white = [self._sgf(self._check_point(p)) for p in white]
        if not self._board.apply_setup(black, white, []):
            raise ValueError("the setup stones include a group without liberties")

    def play(self, colour, point):
        """Play ``point`` (or pass with ``None``) for ``colour``, capturing what it captures.

        Raises
        ------
        ValueError
            If the point is occupied, retakes a ko at once, or is suicide (the stone's group
            would have no liberty and captures nothing).
        """
        colour = _check_colour(colour)
        if point is None:
            self.ko = None
            self.move_number += 1
            return
        point = self._check_point(point)
        row, col = self._sgf(point)
        if self._board.get(row, col) is not None:
            raise ValueError(f"illegal move {point}: the point is occupied")
        if point == self.ko:
            raise ValueError(f"illegal move {point}: it retakes the ko at once")
        trial = self._board.copy()
        ko = trial.play(row, col, _COLOURS[colour])
        if trial.get(row, col) is None:  # sgfmill allows self-capture; the rules do not
            raise ValueError(f"illegal move {point}: suicide")
        self._board = trial
        self.ko = None if ko is None else (self.size - 1 - ko[0], ko[1])
        self._played[point] = self.move_number
        self.move_number += 1

    def stones(self):
        """The position as an ``(n, n)`` int8 array: 1 black, -1 white, 0 empty."""
        out = np.zeros((self.size, self.size), dtype=np.int8)
        for colour, (row, col) in self._board.list_occupied_points():
            out[self.size - 1 - row, col] = BLACK if colour == "b" else WHITE
        return out

    def ages(self):
        """Moves since each stone was played (``(n, n)`` int64, large for setup stones)."""
        return self.move_number - self._played


def liberties(stones):
    """Liberties of the group each stone belongs to (0 on empty points).

    Parameters
    ----------
    stones : (n, n) array_like
        1 black, -1 white, 0 empty.

    Returns
    -------
    (n, n) ndarray of int

    Examples
    --------
    >>> liberties([[1, -1, 0], [0, 1, 0], [0, 0, 0]])
    array([[1, 1, 0],
           [0, 3, 0],
           [0, 0, 0]])
    """
    stones = _check_stones(stones)
    labels, _ = _groups(stones)
    return _liberty_map(stones, labels)


def _groups(stones):
    """Label the groups: one integer per group of connected stones of one colour, 0 = empty."""
    labels = np.zeros(stones.shape, dtype=np.int64)
    offset = 0
    for colour in (BLACK, WHITE):
        lab, count = ndimage.label(stones == colour, structure=_FOUR)
        labels[lab > 0] = lab[lab > 0] + offset
        offset += count
    return labels, offset


def _liberty_map(stones, labels):
    n = stones.shape[0]
    padded = np.pad(labels, 1)
    empty_idx = np.flatnonzero(stones.ravel() == EMPTY)
    er, ec = np.divmod(empty_idx, n)
    pairs = []
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        neighbour = padded[er + 1 + dr, ec + 1 + dc]
        keep = neighbour > 0
        pairs.append(neighbour[keep] * (n * n) + empty_idx[keep])  # (group, empty point)
    pairs = np.unique(np.concatenate(pairs))
    counts = np.bincount(pairs // (n * n), minlength=labels.max() + 1)
    counts[0] = 0
    return counts[labels]


def legal_moves(stones, colour, *, ko=None):
    """Where ``colour`` may play: empty, not the ko point, and not suicide.

    A move on an empty point is legal when the point has an empty neighbour, or joins a group of
    its own colour that keeps a liberty elsewhere, or captures (an opponent neighbour's group has
    this point as its last liberty).

    Returns
    -------
    (n, n) ndarray of bool
    """
    stones = _check_stones(stones)
    colour = _check_colour(colour)
    labels, _ = _groups(stones)
    return _legal(stones, labels, _liberty_map(stones, labels), colour, ko)


def _legal(stones, labels, libs, colour, ko):
    n = stones.shape[0]
    empty = stones == EMPTY
    ps, pl = np.pad(stones, 1, constant_values=2), np.pad(libs, 1)  # 2 = off the board
    legal = np.zeros_like(empty)
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        s = ps[1 + dr : n + 1 + dr, 1 + dc : n + 1 + dc]
        lib = pl[1 + dr : n + 1 + dr, 1 + dc : n + 1 + dc]
        legal |= (s == EMPTY) | ((s == colour) & (lib >= 2)) | ((s == -colour) & (lib == 1))
    legal &= empty
    if ko is not None:
        legal[tuple(ko)] = False
    return legal


def feature_planes(stones, colour, *, ages=None, ko=None):
    """The 12 feature planes of the position, seen by ``colour``, the player to move.

    Parameters
    ----------
    stones : (n, n) array_like
        1 black, -1 white, 0 empty.
    colour : {1, -1}
        The player to move: planes 0 and 1 are "own" and "opponent" stones for this player.
    ages : (n, n) array_like of int, optional
        Moves since each stone was played (:meth:`GoBoard.ages`); without it the "turns ago"
        planes are zero.
    ko : tuple, optional
        The point forbidden by ko, excluded from the legal plane.

    Returns
    -------
    (12, n, n) ndarray of uint8
        In the order of :data:`PLANES`.

    Examples
    --------
    >>> p = feature_planes([[1, -1], [0, 0]], 1)
    >>> [name for name, plane in zip(PLANES, p) if plane[0, 1]]
    ['opponent', 'liberties 1', 'ones']
    """
    stones = _check_stones(stones)
    colour = _check_colour(colour)
    labels, _ = _groups(stones)
    libs = _liberty_map(stones, labels)
    planes = np.zeros((len(PLANES), *stones.shape), dtype=np.uint8)
    planes[0] = stones == colour
    planes[1] = stones == -colour
    planes[2] = stones == EMPTY
    planes[3] = libs == 1
    planes[4] = libs == 2
    planes[5] = libs >= 3
    if ages is not None:
        ages = np.asarray(ages)
        if ages.shape != stones.shape:
            raise ValueError("`ages` must have the shape of `stones`")
        for k in range(1, HISTORY + 1):
            planes[5 + k] = (ages == k) & (stones != EMPTY)
    planes[10] = 1
    planes[11] = _legal(stones, labels, libs, colour, ko)
    return planes


def _check_symmetry(s):
    s = check_int(s, "s")
    if not 0 <= s < 8:
        raise ValueError(f"`s` must be an integer in 0..7, got {s!r}")
    return s


def symmetry(x, s):
    """Apply board symmetry ``s`` to the last two axes of ``x`` (numpy array or torch tensor).

    The 8 symmetries of the square (the dihedral group): ``s = 0, 1, 2, 3`` rotate by
    ``s`` quarter turns counter-clockwise (:func:`numpy.rot90`); ``s = 4 … 7`` first mirror
    left-right (:func:`numpy.flip` on the last axis), then rotate by ``s - 4`` quarter turns.

    Examples
    --------
    >>> symmetry(np.array([[1, 2], [3, 4]]), 1)
    array([[2, 4],
           [1, 3]])
    """
    s = _check_symmetry(s)
    if type(x).__module__.startswith("torch"):
        import torch

        if s >= 4:
            x = torch.flip(x, dims=(-1,))
        return torch.rot90(x, s % 4, dims=(-2, -1))
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError("`x` must have at least two axes (the board)")
    if s >= 4:
        x = np.flip(x, axis=-1)
    return np.rot90(x, s % 4, axes=(-2, -1))


def move_symmetry(moves, s, size):
    """Where the move indices ``moves`` go when the board is transformed by ``symmetry(·, s)``.

    Parameters
    ----------
    moves : int or array_like of int
        Move indices ``row * size + col``.
    s : int
        Symmetry, 0..7.
    size : int
        Board side.

    Returns
    -------
    ndarray of int64
        Same shape as ``moves``.

    Examples
    --------
    >>> int(move_symmetry(0, 1, 19))   # the top-left corner, turned a quarter counter-clockwise
    342
    """
    s = _check_symmetry(s)
    size = check_positive(size, "size")
    moves = np.asarray(moves, dtype=np.int64)
    if ((moves < 0) | (moves >= size * size)).any():
        raise ValueError(f"`moves` must lie in 0..{size * size - 1}")
    # the transformed board holds, at each new index, the old index that moved there
    old_at_new = symmetry(np.arange(size * size).reshape(size, size), s).ravel()
    new_of_old = np.empty(size * size, dtype=np.int64)
    new_of_old[old_at_new] = np.arange(size * size)
    return new_of_old[moves]
