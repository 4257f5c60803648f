"""Text (文字): filters that span the whole word embedding and move along the sentence only.

A sentence of ``L`` words becomes an ``E × L`` image, one column per word embedding (词嵌入).
Kim (2014): filters ``E`` high and 3, 4 or 5 words wide slide along time only, each filter's
strongest response anywhere in the sentence is kept (max-over-time pooling), and a fully
connected layer reads the kept values (:class:`SentenceCNN`). The same network can keep the
k strongest responses in order (k-max pooling) or, with a second convolution, choose k from
the sentence length (dynamic k-max pooling; Kalchbrenner et al. 2014). The order-blind
alternative, :class:`BagOfEmbeddings`, averages the embeddings.

:func:`ngram_hits` says which n-gram each filter fired on; :func:`nearest_neighbours` lists the
words whose learned embeddings are closest to a word's.
"""

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .. import nn as cnn
from .._check import check_choice, check_positive, check_real, torch_seed
from ..kmax import dynamic_k
from .text_data import Vocabulary

__all__ = ["BagOfEmbeddings", "NgramHits", "SentenceCNN", "nearest_neighbours", "ngram_hits"]

MIN_LENGTH = 8  # width 5 and k = 3, or the dynamic first layer, need this many positions


def _trim(x):
    """Cut the all-padding columns at the end of a batch of (N, L) indices (keep MIN_LENGTH)."""
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.dtype != torch.int64:
        raise ValueError("`x` must be an (N, L) int64 tensor of word indices")
    longest = int((x != 0).sum(1).max()) if len(x) else 0
    keep = max(longest, MIN_LENGTH)
    if x.shape[1] < keep:
        x = F.pad(x, (0, keep - x.shape[1]))
    return x[:, :keep]


class SentenceCNN(nn.Module):
    """Kim's sentence CNN with max-over-time, k-max or dynamic k-max pooling.

    Parameters
    ----------
    vocab_size : int
    embed_dim : int, optional
        ``E``: every filter is ``E`` high, so it cannot move along the embedding.
    widths : sequence of int, optional
        Filter widths in words (Kim: 3, 4, 5).
    filters : int, optional
        Filters per width.
    pooling : {'max', 'kmax', 'dynamic'}, optional
        ``'max'``: the largest response of each filter over the sentence (Kim).
        ``'kmax'``: the `k` largest, in sentence order (:func:`cnnbook.kmax_pool1d`).
        ``'dynamic'``: k-max with ``k = dynamic_k(1, 2, L, k)`` after the first convolution, a
        second convolution (width 3, `filters` channels) along time, then k-max with `k`.
    k : int, optional
    dropout : float, optional
        Before the fully connected layer.
    num_classes : int, optional
    seed : int, optional
        Seeds the initial weights.

    Examples
    --------
    >>> net = SentenceCNN(100, embed_dim=8, filters=4)
    >>> net(torch.tensor([[5, 6, 7, 0, 0]])).shape
    torch.Size([1, 2])
    >>> net.convs[0].weight.shape  # 4 filters, 8 high (the embedding), 3 words wide
    torch.Size([4, 8, 3])
    """

    def __init__(self, vocab_size, *, embed_dim=48, widths=(3, 4, 5), filters=32, pooling="max",
                 k=3, dropout=0.5, num_classes=2, seed=0):
        super().__init__()
        vocab_size, embed_dim, filters, k, num_classes = (check_positive(v, n) for v, n in (
            (vocab_size, "vocab_size"), (embed_dim, "embed_dim"), (filters, "filters"), (k, "k"),
            (num_classes, "num_classes")))
        widths = tuple(check_positive(w, "widths") for w in widths)
        if not widths or max(widths) + k - 1 > MIN_LENGTH:
            raise ValueError(f"`widths` must be non-empty with max(widths) + k - 1 <= {MIN_LENGTH}")
        self.pooling = check_choice(pooling, ("max", "kmax", "dynamic"), "pooling")
        dropout = check_real(dropout, "dropout")
        self.k, self.widths = k, widths
        with torch_seed(seed):
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            self.convs = nn.ModuleList(nn.Conv1d(embed_dim, filters, w) for w in widths)
            n = filters * len(widths)
            if pooling == "dynamic":
                self.conv2 = nn.Conv1d(n, filters, 3, padding=1)
                n = filters
            self.dropout = nn.Dropout(dropout)
            self.fc = nn.Linear(n * (1 if pooling == "max" else k), num_classes)

    def feature_maps(self, x):
        """The first layer's ReLU responses: one ``(N, filters, L - w + 1)`` tensor per width."""
        e = self.embedding(_trim(x)).transpose(1, 2)  # (N, E, L): one column per word
        return [F.relu(conv(e)) for conv in self.convs]

    def forward(self, x):
        maps = self.feature_maps(x)
        if self.pooling == "max":
            h = torch.cat([m.amax(-1) for m in maps], 1)  # (N, widths * filters)
        elif self.pooling == "kmax":
            h = torch.cat([cnn.kmax_pool1d(m, self.k) for m in maps], 1).flatten(1)
        else:
            length = maps[0].shape[-1] + self.widths[0] - 1
            k1 = dynamic_k(1, 2, length, self.k)
            h = torch.cat([cnn.kmax_pool1d(m, k1) for m in maps], 1)  # (N, 3 filters, k1)
            h = cnn.kmax_pool1d(F.relu(self.conv2(h)), self.k).flatten(1)
        return self.fc(self.dropout(h))


class BagOfEmbeddings(nn.Module):
    """The order-blind baseline: the mean of a sentence's word embeddings, then a linear layer.

    Examples
    --------
    >>> BagOfEmbeddings(10, embed_dim=4)(torch.tensor([[1, 2, 0]])).shape
    torch.Size([1, 2])
    """

    def __init__(self, vocab_size, *, embed_dim=48, dropout=0.5, num_classes=2, seed=0):
        super().__init__()
        vocab_size, embed_dim, num_classes = (check_positive(v, n) for v, n in (
            (vocab_size, "vocab_size"), (embed_dim, "embed_dim"), (num_classes, "num_classes")))
        with torch_seed(seed):
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            self.dropout = nn.Dropout(check_real(dropout, "dropout"))
            self.fc = nn.Linear(embed_dim, num_classes)

    def forward(self, x):
        x = _trim(x)
        mask = (x != 0).unsqueeze(-1).float()  # (N, L, 1)
        mean = (self.embedding(x) * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.fc(self.dropout(mean))


class NgramHits(NamedTuple):
    """Where each filter of a :class:`SentenceCNN` fired hardest in each sentence.

    Attributes
    ----------
    width : (F,) int64 tensor
        The n-gram length of each filter (filters of all widths, in order).
    start : (N, F) int64 tensor
        First word of the n-gram with the largest response (the first one on a tie).
    value : (N, F) tensor
        That response (after ReLU): the value max-over-time pooling keeps.
    """

    width: torch.Tensor
    start: torch.Tensor
    value: torch.Tensor


@torch.no_grad()
def ngram_hits(model, x):
    """For every sentence and filter, the n-gram the filter responds to most strongly.

    Parameters
    ----------
    model : SentenceCNN
    x : (N, L) int64 tensor
        Word indices, padded with 0 at the end.

    Returns
    -------
    NgramHits

    Examples
    --------
    >>> net = SentenceCNN(20, embed_dim=4, filters=2)
    >>> hits = ngram_hits(net, torch.tensor([[3, 4, 5, 6, 7, 8, 9, 10]]))
    >>> hits.width.tolist(), hits.start.shape
    ([3, 3, 4, 4, 5, 5], torch.Size([1, 6]))
    """
    if not isinstance(model, SentenceCNN):
        raise TypeError("`model` must be a SentenceCNN")
    was = model.training
    model.eval()
    maps = model.feature_maps(x)
    model.train(was)
    widths = zip(maps, model.widths, strict=True)
    width = torch.cat([torch.full((m.shape[1],), w) for m, w in widths])
    value, start = zip(*(m.max(-1) for m in maps), strict=True)
    return NgramHits(width, torch.cat(start, 1), torch.cat(value, 1))


@torch.no_grad()
def nearest_neighbours(embeddings, vocab, word, *, k=5):
    """The `k` words whose embeddings have the largest cosine similarity with `word`'s.

    Parameters
    ----------
    embeddings : (V, E) torch.Tensor
        One row per word of `vocab` (e.g. ``model.embedding.weight``).
    vocab : Vocabulary
    word : str
        A word of the vocabulary (not itself returned, nor the padding and unknown words).
    k : int, optional

    Returns
    -------
    list of (str, float)
        Neighbours and similarities, most similar first.

    Examples
    --------
    >>> v = Vocabulary([["up", "down", "high"]], min_count=1)
    >>> w = torch.tensor([[0.0, 0], [0, 0], [1, 0], [1, 0.1], [-1, 0]])  # pad unk down high up
    >>> [(n, round(s, 3)) for n, s in nearest_neighbours(w, v, "down", k=2)]
    [('high', 0.995), ('up', -1.0)]
    """
    if not isinstance(vocab, Vocabulary):
        raise TypeError("`vocab` must be a Vocabulary")
    if not isinstance(embeddings, torch.Tensor) or embeddings.shape[:1] != (len(vocab),):
        raise ValueError("`embeddings` must be a (len(vocab), E) tensor")
    k = check_positive(k, "k")
    i = vocab.index(word)
    if i < 2:
        raise ValueError(f"`word` {word!r} is not in the vocabulary")
    sim = F.cosine_similarity(embeddings, embeddings[i : i + 1], dim=1)
    sim[[0, 1, i]] = -torch.inf
    top = sim.topk(min(k, len(vocab) - 3))
    pairs = zip(top.values.tolist(), top.indices.tolist(), strict=True)
    return [(vocab.words[j], s) for s, j in pairs]
