"""Go game records, offline: professional games from files, weak-engine games from GNU Go.

Game sources
------------
* 35 professional 19×19 games — 30 from the 23rd Gosei league (1997–98) and five from other
  Japanese tournaments — that ship as test fixtures in the source archive of the PyPI package
  ``kombilo`` 0.8.4 (MIT licence). ``make data-go`` (part of ``make html``) downloads the archive
  with pip, checks its SHA-256 and extracts the ``.sgf`` files into :func:`data_dir`.
* One more professional game, Kitani Minoru – Go Seigen (1957), is an example file of Debian's
  ``cgoban`` package.
* Volume: 9×9 games that GNU Go (Debian's ``gnugo``) plays against itself over GTP, each opened
  by a few random moves drawn from a seeded generator — games of a *weak engine*, not of people.

Games are parsed with :mod:`sgfmill` and replayed with the rules by
:class:`~cnnbook.apps.go_board.GoBoard`.
"""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sgfmill import sgf, sgf_moves

from .._check import check_at_least
from .go_board import BLACK, WHITE, GoBoard, feature_planes

__all__ = [
    "BOOK_SELFPLAY",
    "CGOBAN_GAME",
    "Game",
    "data_dir",
    "game_boards",
    "game_positions",
    "load_cgoban_game",
    "load_pro_games",
    "positions_dataset",
    "read_sgf",
    "selfplay_games",
]

#: The 35 professional games of kombilo 0.8.4 (its other two ``.sgf`` fixtures, ``contlist.sgf``
#: and ``under-the-stones.sgf``, are a list of variations and a constructed game).
PRO_GAMES = (
    *(f"Gosei-Gos23-T{i:02d}.sgf" for i in range(1, 31)),
    "1600JSTP06.sgf", "Agon-Agon02-2.sgf", "Agon-Agon23-P02.sgf", "KK1st-KK58-15.sgf",
    "Oza-Oza54-Oza-2006-r2b.sgf",
)  # fmt: skip
CGOBAN_GAME = Path("/usr/share/doc/cgoban/examples/seigen-minoru.sgf")
_GTP_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # GTP skips the letter I


@dataclass(frozen=True)
class Game:
    """One game record.

    Attributes
    ----------
    size : int
        Board side.
    moves : tuple
        ``(colour, point)`` pairs in order; colour 1 (black) or -1 (white), point ``(row, col)``
        in image orientation (row 0 at the top) or ``None`` for a pass.
    setup : tuple
        ``(black points, white points)`` placed before the first move (handicap stones).
    info : dict
        ``black``, ``white``, ``result``, ``date``, ``event`` and ``source`` where known.
    """

    size: int
    moves: tuple
    setup: tuple = ((), ())
    info: dict = field(default_factory=dict, compare=False)


def read_sgf(data, *, source=""):
    """Parse one SGF game (bytes, str, or a path) with sgfmill into a :class:`Game`.

    Only the main line is read. Coordinates are turned from SGF's into image orientation.

    Examples
    --------
    >>> g = read_sgf(b"(;GM[1]SZ[9]PB[x];B[aa];W[ii];B[])")
    >>> g.size, g.moves
    (9, ((1, (0, 0)), (-1, (8, 8)), (1, None)))
    """
    if isinstance(data, Path):
        source = source or data.name
        data = data.read_bytes()
    elif isinstance(data, str):
        data = data.encode()
    if not isinstance(data, bytes):
        raise TypeError("`data` must be SGF bytes, str or a pathlib.Path")
    try:
        game = sgf.Sgf_game.from_bytes(data)
        board, plays = sgf_moves.get_setup_and_moves(game)
    except ValueError as err:
        raise ValueError(f"`data` is not a readable SGF game: {err}") from None
    n = game.get_size()

    def image(point):
        return None if point is None else (n - 1 - point[0], point[1])

    black = tuple(image(p) for c, p in board.list_occupied_points() if c == "b")
    white = tuple(image(p) for c, p in board.list_occupied_points() if c == "w")
    moves = tuple((BLACK if c == "b" else WHITE, image(p)) for c, p in plays)
    root = game.get_root()
    info = {"source": source}
    for key, prop in (("black", "PB"), ("white", "PW"), ("result", "RE"), ("date", "DT"),
                      ("event", "EV")):  # fmt: skip
        if root.has_property(prop):
            info[key] = root.get(prop)
    return Game(n, moves, (black, white), info)


def data_dir():
    """Where ``make data-go`` puts the Go data: ``$CNNBOOK_DATA/go``, else the virtualenv's
    ``share/cnnbook-data/go`` (``sys.prefix``)."""
    if os.environ.get("CNNBOOK_DATA"):
        return Path(os.environ["CNNBOOK_DATA"]) / "go"
    return Path(sys.prefix) / "share" / "cnnbook-data" / "go"


def load_pro_games():
    """The 35 professional 19×19 games from kombilo 0.8.4's test fixtures, in a fixed order.

    Raises
    ------
    FileNotFoundError
        With instructions, if ``make data-go`` has not installed them.
    """
    folder = data_dir() / "kombilo"
    missing = [name for name in PRO_GAMES if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of the 35 professional games are missing from {folder}: run "
            "`make data-go` (or `make html`), which downloads kombilo 0.8.4's source archive with "
            "pip, checks it and extracts them; or set CNNBOOK_DATA to a folder holding go/kombilo"
        )
    return [read_sgf(folder / name) for name in PRO_GAMES]


def load_cgoban_game():
    """Kitani Minoru (black) – Go Seigen (white), 1957: an example game of Debian's cgoban."""
    if not CGOBAN_GAME.is_file():
        raise FileNotFoundError(
            f"{CGOBAN_GAME} is missing: install Debian's cgoban package (`make data-go` does)"
        )
    return read_sgf(CGOBAN_GAME)


def _gnugo():
    path = shutil.which("gnugo") or "/usr/games/gnugo"
    if not Path(path).is_file():
        raise FileNotFoundError("GNU Go is not installed: `make data-go` (apt-get install gnugo)")
    return path


class _GTP:
    """A GNU Go process spoken to in the Go Text Protocol."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [_gnugo(), "--mode", "gtp", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def __call__(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        lines = []
        while (line := self.proc.stdout.readline()) not in ("\n", ""):
            lines.append(line.strip())
        reply = " ".join(lines)
        if not reply.startswith("="):
            raise RuntimeError(f"GNU Go refused {command!r}: {reply}")
        return reply[1:].strip()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def _vertex(point, size):
    r, c = point
    return f"{_GTP_LETTERS[c]}{size - r}"


def _point(vertex, size):
    vertex = vertex.upper()
    if vertex == "PASS":
        return None
    return size - int(vertex[1:]), _GTP_LETTERS.index(vertex[0])


def _to_sgf(game):
    def coord(p):
        return "" if p is None else "abcdefghijklmnopqrs"[p[1]] + "abcdefghijklmnopqrs"[p[0]]

    body = "".join(f";{'B' if c == BLACK else 'W'}[{coord(p)}]" for c, p in game.moves)
    return f"(;GM[1]FF[4]SZ[{game.size}]KM[7]PB[GNU Go]PW[GNU Go]{body})\n"


def selfplay_games(n, *, size=9, level=1, opening=2, seed=0, cache=True):
    """``n`` distinct games of GNU Go against itself, each opened by random moves.

    Each game starts with ``opening`` moves on points drawn uniformly at random by
    :func:`numpy.random.default_rng` (``seed``); no two games share an opening, so no two games
    are the same. Then GNU Go (``--level level --seed seed``) plays both sides until two passes
    in a row, a resignation, or ``3 * size**2`` moves. The same arguments give the same games.

    Parameters
    ----------
    n : int
    size : int, optional
    level : int, optional
        GNU Go's strength, 0..10; level 1 plays a 9×9 game in about half a second.
    opening : int, optional
        Random moves before GNU Go takes over (at least 1).
    seed : int, optional
    cache : bool, optional
        Read the games from, or write them to, an SGF collection in :func:`data_dir`
        (``gnugo/…``) named after the arguments; ``make data-go`` fills it.

    Returns
    -------
    list of Game
        Each with ``info["source"] = "GNU Go self-play"``.
    """
    for name, value, low in (("n", n, 1), ("size", size, 5), ("opening", opening, 1),
                             ("level", level, 0)):  # fmt: skip
        check_at_least(value, low, name)
    if size > 19:
        raise ValueError("`size` must be at most 19")
    path = data_dir() / "gnugo" / f"selfplay-{size}x{size}-L{level}-o{opening}-s{seed}-n{n}.sgf"
    if cache and path.is_file():
        text = path.read_text()
        return [read_sgf(chunk, source="GNU Go self-play") for chunk in text.splitlines() if chunk]
    rng = np.random.default_rng(seed)
    gtp = _GTP("--level", str(level), "--seed", str(seed))
    games, openings = [], set()
    try:
        gtp(f"boardsize {size}")
        while len(games) < n:
            first = tuple(int(i) for i in rng.choice(size * size, opening, replace=False))
            if first in openings:
                continue
            openings.add(first)
            gtp("clear_board")
            board, moves, passes, colour = GoBoard(size), [], 0, BLACK
            for index in first:
                point = divmod(index, size)
                board.play(colour, point)  # a few stones on an empty board are always legal
                gtp(f"play {'black' if colour == BLACK else 'white'} {_vertex(point, size)}")
                moves.append((colour, point))
                colour = -colour
            while passes < 2 and len(moves) < 3 * size * size:
                reply = gtp(f"genmove {'black' if colour == BLACK else 'white'}")
                if reply.lower() == "resign":
                    break
                point = _point(reply, size)
                board.play(colour, point)  # replayed with the rules: GNU Go plays legally
                moves.append((colour, point))
                passes = passes + 1 if point is None else 0
                colour = -colour
            games.append(Game(size, tuple(moves), info={"source": "GNU Go self-play"}))
    finally:
        gtp.close()
    if cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(_to_sgf(g) for g in games))
        except OSError:
            pass  # a read-only data folder: the games are simply made again next time
    return games


def game_positions(game):
    """Replay ``game``; return the feature planes before each move and the move played.

    Passes are skipped (the policy network predicts a point), but they are replayed.

    Returns
    -------
    planes : (T, 12, n, n) ndarray of uint8
        :func:`~cnnbook.apps.go_board.feature_planes` for the player about to move.
    moves : (T,) ndarray of int64
        Index ``row * n + col`` of the move played.
    """
    if not isinstance(game, Game):
        raise TypeError("`game` must be a Game")
    board = GoBoard(game.size)
    board.setup(*game.setup)
    planes, moves = [], []
    for colour, point in game.moves:
        if point is not None:
            planes.append(feature_planes(board.stones(), colour, ages=board.ages(), ko=board.ko))
            moves.append(point[0] * game.size + point[1])
        board.play(colour, point)
    n = game.size
    if not planes:
        return np.zeros((0, 12, n, n), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    return np.stack(planes), np.array(moves, dtype=np.int64)


def game_boards(game):
    """The stones before each move of ``game`` that :func:`game_positions` returns a position for.

    Returns
    -------
    (T, n, n) ndarray of int8
        1 black, -1 white, 0 empty; passes are skipped as in :func:`game_positions`.

    Examples
    --------
    >>> g = read_sgf(b"(;SZ[5];B[aa];W[];B[bb])")
    >>> game_boards(g)[:, 0, 0].tolist()    # before B[aa], before B[bb]
    [0, 1]
    """
    if not isinstance(game, Game):
        raise TypeError("`game` must be a Game")
    board = GoBoard(game.size)
    board.setup(*game.setup)
    out = []
    for colour, point in game.moves:
        if point is not None:
            out.append(board.stones())
        board.play(colour, point)
    return np.array(out, dtype=np.int8).reshape(-1, game.size, game.size)


def positions_dataset(games):
    """All positions of ``games``: ``(planes, moves, game_index)`` stacked over the games."""
    games = list(games)
    if not games or not all(isinstance(g, Game) for g in games):
        raise ValueError("`games` must be a non-empty sequence of Game")
    if len({g.size for g in games}) != 1:
        raise ValueError("`games` must all have the same board size")
    parts = [game_positions(g) for g in games]
    index = np.concatenate([np.full(len(m), i, dtype=np.int64) for i, (_, m) in enumerate(parts)])
    return (np.concatenate([p for p, _ in parts]), np.concatenate([m for _, m in parts]), index)


#: The self-play games the book uses (``make data-go`` makes and caches them once).
BOOK_SELFPLAY = {"n": 200, "size": 9, "level": 1, "opening": 2, "seed": 0}

if __name__ == "__main__":  # python -m cnnbook.apps.go_data: what `make data-go` runs
    games = selfplay_games(**BOOK_SELFPLAY)
    print(f"{len(games)} GNU Go self-play games cached in {data_dir() / 'gnugo'}")
