"""cnnbook.apps.text_data and text: the review snippets, tokens and indices; Kim's sentence CNN
and its pooling variants against explicit loops; n-gram hits and nearest neighbours against
brute force."""

import hashlib

import numpy as np
import pytest
import torch

from cnnbook.apps.text import (
    MIN_LENGTH,
    BagOfEmbeddings,
    SentenceCNN,
    nearest_neighbours,
    ngram_hits,
)
from cnnbook.apps.text_data import (
    CORPUS_SHA256,
    Vocabulary,
    corpus_path,
    encode,
    load_reviews,
    split_indices,
    tokenize,
)
from cnnbook.kmax import dynamic_k, kmax_pool1d


# --- data ----------------------------------------------------------------------------------------
def test_the_corpus_file_is_the_checksummed_one():
    assert hashlib.sha256(corpus_path().read_bytes()).hexdigest() == CORPUS_SHA256


def test_reviews_without_plots_and_repeats():
    r = load_reviews()
    assert len(r.texts) == len(r.labels) == 12752
    assert (r.plot_rows, r.duplicates) == (1097, 56)
    assert len(set(r.texts)) == len(r.texts)
    assert set(np.unique(r.labels)) == {0, 1} and 0.5 < r.labels.mean() < 0.6


def test_tokenize_splits_negations_and_punctuation():
    assert tokenize("Not bad; it doesn't DRAG.") == ["not", "bad", ";", "it", "does", "n't",
                                                     "drag", "."]
    assert tokenize("a well-made film's end") == ["a", "well-made", "film", "'s", "end"]
    with pytest.raises(TypeError, match="text"):
        tokenize(3)


def test_vocabulary_orders_by_count_and_maps_unknown_words_to_1():
    v = Vocabulary([["b", "a", "b"], ["c", "a", "b"]], min_count=2)
    assert v.words == ["<pad>", "<unk>", "b", "a"] and len(v) == 4
    assert [v.index(w) for w in ("b", "a", "c")] == [2, 3, 1]
    with pytest.raises(ValueError, match="min_count"):
        Vocabulary([], min_count=0)


def test_encode_cuts_and_pads():
    v = Vocabulary([["x", "y"]], min_count=1)
    assert encode([["y", "x", "y"], []], v, length=2).tolist() == [[3, 2], [0, 0]]
    with pytest.raises(TypeError, match="vocab"):
        encode([["x"]], {"x": 1}, length=2)


def test_split_is_seeded_disjoint_and_complete():
    a = split_indices(100, test_fraction=0.25, seed=3)
    b = split_indices(100, test_fraction=0.25, seed=3)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert len(a[1]) == 25 and not set(a[0]) & set(a[1])
    assert not np.array_equal(a[1], split_indices(100, test_fraction=0.25, seed=4)[1])
    with pytest.raises(ValueError, match="test_fraction"):
        split_indices(10, test_fraction=1.0)


# --- networks against loops ----------------------------------------------------------------------
def _conv_loop(emb, conv):
    """Explicit sums: response of each filter to each window of words, then ReLU."""
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()  # (F, E, width), (F,)
    width = w.shape[2]
    L = emb.shape[1]
    out = np.zeros((w.shape[0], L - width + 1))
    for f in range(w.shape[0]):
        for t in range(L - width + 1):
            out[f, t] = np.sum(w[f] * emb[:, t : t + width]) + b[f]
    return np.maximum(out, 0)


def _sentence(seed=0, length=11, vocab=30):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(2, vocab, (1, length), generator=g)
    return torch.cat([x, torch.zeros(1, 4, dtype=torch.int64)], 1)  # padding at the end


def test_max_pooling_network_matches_the_explicit_computation():
    net = SentenceCNN(30, embed_dim=5, filters=3, dropout=0.0).eval()
    x = _sentence()
    emb = net.embedding.weight.detach().numpy()[x[0, :11].numpy()].T  # (E, L): trimmed
    pooled = np.concatenate([_conv_loop(emb, c).max(axis=1) for c in net.convs])
    expected = net.fc.weight.detach().numpy() @ pooled + net.fc.bias.detach().numpy()
    np.testing.assert_allclose(net(x)[0].detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_kmax_network_keeps_the_k_largest_in_order():
    net = SentenceCNN(30, embed_dim=5, filters=3, pooling="kmax", k=3, dropout=0.0).eval()
    x = _sentence(1)
    emb = net.embedding.weight.detach().numpy()[x[0, :11].numpy()].T
    pooled = np.concatenate([kmax_pool1d(_conv_loop(emb, c), 3) for c in net.convs]).ravel()
    expected = net.fc.weight.detach().numpy() @ pooled + net.fc.bias.detach().numpy()
    np.testing.assert_allclose(net(x)[0].detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_dynamic_kmax_uses_the_sentence_length():
    net = SentenceCNN(30, embed_dim=5, filters=3, pooling="dynamic", k=3, dropout=0.0).eval()
    x = _sentence(2, length=14)
    maps = net.feature_maps(x)
    k1 = dynamic_k(1, 2, 14, 3)
    assert k1 == 7
    h = torch.cat([torch.from_numpy(kmax_pool1d(m.detach().numpy(), k1)) for m in maps], 1)
    h2 = torch.relu(net.conv2(h))
    pooled = torch.from_numpy(kmax_pool1d(h2.detach().numpy(), 3)).flatten(1)
    torch.testing.assert_close(net(x), net.fc(pooled))


def test_sentence_cnn_trains_end_to_end_through_kmax():
    net = SentenceCNN(30, embed_dim=4, filters=8, pooling="dynamic", dropout=0.0)
    torch.nn.functional.cross_entropy(net(_sentence()), torch.tensor([1])).backward()
    assert net.embedding.weight.grad.abs().sum() > 0


def test_short_sentences_are_padded_to_the_minimum_length():
    net = SentenceCNN(30, embed_dim=4, filters=2)
    maps = net.feature_maps(torch.tensor([[5, 6]]))
    assert [m.shape[-1] for m in maps] == [MIN_LENGTH - 2, MIN_LENGTH - 3, MIN_LENGTH - 4]


@pytest.mark.parametrize("kwargs, match", [
    (dict(pooling="mean"), "pooling"), (dict(widths=(3, 9)), "widths"), (dict(k=0), "k"),
    (dict(embed_dim=0), "embed_dim")])
def test_sentence_cnn_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SentenceCNN(30, **kwargs)


def test_inputs_must_be_index_matrices():
    with pytest.raises(ValueError, match="`x`"):
        SentenceCNN(30)(torch.zeros(2, 5))


def test_bag_of_embeddings_is_the_mean_of_the_words():
    net = BagOfEmbeddings(10, embed_dim=3, dropout=0.0).eval()
    x = torch.tensor([[4, 7, 7, 0, 0, 0, 0, 0, 0]])
    mean = net.embedding.weight[[4, 7, 7]].mean(0)
    torch.testing.assert_close(net(x)[0], net.fc(mean))
    # word order does not matter
    torch.testing.assert_close(net(x), net(torch.tensor([[7, 4, 7]])))


# --- analysis ------------------------------------------------------------------------------------
def test_ngram_hits_match_a_brute_force_search():
    net = SentenceCNN(30, embed_dim=5, filters=3)
    x = torch.cat([_sentence(3), _sentence(4)])
    hits = ngram_hits(net, x)
    assert net.training  # the mode is restored
    for i in range(2):
        emb = net.embedding.weight.detach().numpy()[x[i, :11].numpy()].T
        loops = [_conv_loop(emb, c) for c in net.convs]
        best = np.concatenate([m.argmax(axis=1) for m in loops])
        vals = np.concatenate([m.max(axis=1) for m in loops])
        np.testing.assert_array_equal(hits.start[i].numpy(), best)
        np.testing.assert_allclose(hits.value[i].numpy(), vals, rtol=1e-5, atol=1e-6)
    assert hits.width.tolist() == [3] * 3 + [4] * 3 + [5] * 3
    with pytest.raises(TypeError, match="model"):
        ngram_hits(BagOfEmbeddings(30), x)


def test_nearest_neighbours_match_brute_force_cosine():
    v = Vocabulary([[f"w{i}" for i in range(12)]], min_count=1)
    emb = torch.randn(len(v), 6, generator=torch.Generator().manual_seed(0))
    got = nearest_neighbours(emb, v, "w3", k=4)
    e = emb.numpy()
    i = v.index("w3")
    cos = e @ e[i] / np.linalg.norm(e, axis=1) / np.linalg.norm(e[i])
    cos[[0, 1, i]] = -np.inf
    order = np.argsort(-cos)[:4]
    assert [w for w, _ in got] == [v.words[j] for j in order]
    np.testing.assert_allclose([s for _, s in got], cos[order], rtol=1e-5)
    with pytest.raises(ValueError, match="word"):
        nearest_neighbours(emb, v, "unseen")
    with pytest.raises(ValueError, match="embeddings"):
        nearest_neighbours(emb[:3], v, "w3")
