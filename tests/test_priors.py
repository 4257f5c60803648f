import math

import numpy as np
import pytest
import torch

from cnnbook.priors import (
    conv_head_position_net,
    gaussian_prior_entropy,
    gaussian_weight_decay,
    tie_ceiling,
)


@pytest.mark.parametrize("sigma", [1e-3, 0.03, 0.24, 1.0, 7.5])
def test_entropy_matches_torch_normal(sigma):
    expected = torch.distributions.Normal(0.0, torch.tensor(sigma, dtype=torch.float64)).entropy()
    assert gaussian_prior_entropy(sigma) == pytest.approx(float(expected), rel=1e-12)


def test_entropy_falls_as_prior_tightens():
    values = [gaussian_prior_entropy(s) for s in (10.0, 1.0, 0.1, 0.01)]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("sigma,n", [(0.1, 1000), (0.5, 7), (2.0, 1)])
def test_weight_decay_is_the_gaussian_map_gradient(sigma, n):
    # oracle: autograd of the negative log posterior (summed loss - sum log N(w; 0, sigma^2)),
    # divided by n, against the mean loss with SGD's weight-decay term lam * w added
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 5, generator=g, dtype=torch.float64)
    y = torch.randint(0, 3, (n,), generator=g)
    w = torch.randn(3, 5, generator=g, dtype=torch.float64, requires_grad=True)
    prior = torch.distributions.Normal(0.0, torch.tensor(sigma, dtype=torch.float64))
    nlp = torch.nn.functional.cross_entropy(x @ w.T, y, reduction="sum") - prior.log_prob(w).sum()
    (expected,) = torch.autograd.grad(nlp / n, w)
    lam = gaussian_weight_decay(sigma, n_examples=n)
    (mean_grad,) = torch.autograd.grad(torch.nn.functional.cross_entropy(x @ w.T, y), w)
    torch.testing.assert_close(mean_grad + lam * w.detach(), expected)


def test_weight_decay_in_sgd_matches_explicit_penalty():
    lam = gaussian_weight_decay(0.3, n_examples=20)
    a = torch.nn.Parameter(torch.arange(6.0).reshape(2, 3))
    b = torch.nn.Parameter(a.detach().clone())
    loss_a = (a**3).mean()
    loss_b = (b**3).mean() + lam / 2 * (b**2).sum()
    opt_a = torch.optim.SGD([a], lr=0.1, weight_decay=lam)
    opt_b = torch.optim.SGD([b], lr=0.1)
    loss_a.backward(), loss_b.backward()
    opt_a.step(), opt_b.step()
    torch.testing.assert_close(a, b)


def test_tie_ceiling_hand_case():
    # corners of 4x4 tiles on a 16x16 grid: rows/cols 0, 4, 8, 12
    assert tie_ceiling([0, 4, 8, 12, 64, 68], size=16, block=4) == 1.0
    assert tie_ceiling([1, 17, 255], size=16, block=4) == 0.0
    assert tie_ceiling(np.array([0, 1, 2, 3]), size=4, block=2) == 0.5  # 0 and 2


def test_tie_ceiling_matches_argmax_of_tile_constant_scores():
    # oracle: for every label, the best a tile-constant score can do is make the label's tile
    # the largest; torch.argmax then returns the tile's first pixel
    size, block = 8, 2
    labels = torch.arange(size * size)
    tiles = torch.zeros(len(labels), 1, size // block, size // block)
    rows, cols = labels // size, labels % size
    tiles[labels, 0, rows // block, cols // block] = 1.0
    scores = torch.nn.functional.interpolate(tiles, scale_factor=block).flatten(1)
    best = (scores.argmax(1) == labels).float().mean().item()
    assert tie_ceiling(labels, size=size, block=block) == pytest.approx(best)
    assert best == pytest.approx(1 / block**2)


def test_conv_head_net_scores_constant_on_tiles_and_bounded():
    net = conv_head_position_net(seed=1)
    x = torch.rand(64, 1, 16, 16, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out = net(x)
    assert out.shape == (64, 256)
    tiles = out.reshape(64, 4, 4, 4, 4)  # (B, tile row, row in tile, tile col, col in tile)
    assert torch.equal(tiles, tiles[:, :, :1, :, :1].expand_as(tiles))
    labels = out.argmax(1)
    assert tie_ceiling(labels, size=16, block=4) == 1.0  # every prediction is a tile corner


def test_conv_head_net_seeded_and_leaves_global_rng():
    state = torch.random.get_rng_state()
    a, b = conv_head_position_net(seed=3), conv_head_position_net(seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)
    c = conv_head_position_net(seed=4)
    assert not torch.equal(next(a.parameters()), next(c.parameters()))


@pytest.mark.parametrize(
    "call,exc,word",
    [
        (lambda: gaussian_prior_entropy(0.0), ValueError, "sigma"),
        (lambda: gaussian_prior_entropy(math.inf), ValueError, "sigma"),
        (lambda: gaussian_prior_entropy("1"), TypeError, "sigma"),
        (lambda: gaussian_prior_entropy(True), TypeError, "sigma"),
        (lambda: gaussian_weight_decay(1.0, n_examples=0), ValueError, "n_examples"),
        (lambda: gaussian_weight_decay(1.0, n_examples=2.0), TypeError, "n_examples"),
        (lambda: tie_ceiling([0, 1], size=16, block=5), ValueError, "block"),
        (lambda: tie_ceiling([0, 256], size=16), ValueError, "labels"),
        (lambda: tie_ceiling([0.0, 1.0]), TypeError, "labels"),
        (lambda: tie_ceiling([]), ValueError, "labels"),
        (lambda: tie_ceiling([[0]]), ValueError, "labels"),
        (lambda: conv_head_position_net(size=18), ValueError, "size"),
        (lambda: conv_head_position_net(channels=0), ValueError, "channels"),
        (lambda: conv_head_position_net(seed=1.5), TypeError, "seed"),
    ],
)
def test_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
