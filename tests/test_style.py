"""Tests of cnnbook.interpret.style: Gram matrices, losses, random texture net, synthesis."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.interpret.style import (
    RandomTextureNet,
    content_loss,
    gram_matrix,
    load_skimage,
    random_texture_net,
    style_loss,
    synthesize_texture,
    transfer_style,
)


def test_gram_matrix_hand_worked():
    # two channels of a 2x2 map: F1 = [1, 2, 0, -1], F2 = [0, 1, 1, 1] (flattened)
    f = torch.tensor([[[1.0, 2.0], [0.0, -1.0]], [[0.0, 1.0], [1.0, 1.0]]])
    # F1.F1 = 1+4+0+1 = 6, F1.F2 = 0+2+0-1 = 1, F2.F2 = 3; divided by H*W = 4
    expected = torch.tensor([[6.0, 1.0], [1.0, 3.0]]) / 4
    torch.testing.assert_close(gram_matrix(f), expected)
    torch.testing.assert_close(gram_matrix(f[None]), expected[None])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 5), h=st.integers(1, 6), w=st.integers(1, 6),
       seed=st.integers(0, 1000))
def test_gram_matrix_matches_einsum_and_loops(n, c, h, w, seed):
    f = torch.randn(n, c, h, w, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    g = gram_matrix(f)
    torch.testing.assert_close(g, torch.einsum("ncij,ndij->ncd", f, f) / (h * w))
    loops = torch.zeros(n, c, c, dtype=torch.float64)
    for b in range(n):
        for i in range(c):
            for j in range(c):
                loops[b, i, j] = sum(f[b, i, y, x] * f[b, j, y, x]
                                     for y in range(h) for x in range(w)) / (h * w)
    torch.testing.assert_close(g, loops)
    torch.testing.assert_close(g, g.transpose(-1, -2))
    assert torch.linalg.eigvalsh(g).min() > -1e-10  # positive semi-definite


def test_gram_matrix_forgets_positions():
    f = torch.randn(1, 3, 5, 7, generator=torch.Generator().manual_seed(0))
    perm = torch.randperm(35, generator=torch.Generator().manual_seed(1))
    shuffled = f.flatten(2)[:, :, perm].reshape(f.shape)
    torch.testing.assert_close(gram_matrix(shuffled), gram_matrix(f))


def test_gram_matrix_bad_input():
    with pytest.raises(ValueError, match="features"):
        gram_matrix(torch.zeros(3, 4))
    with pytest.raises(TypeError, match="features"):
        gram_matrix([[1.0]])


def test_losses_exact_values():
    p = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    f = p + torch.tensor([[[[1.0, 0.0], [0.0, 0.0]]]])
    assert float(content_loss(f, p)) == pytest.approx(1 / 30)
    assert float(content_loss([p, f], [p, f])) == 0.0
    t = gram_matrix(p)  # [[30/4]]
    assert float(style_loss(2 * p, t)) == pytest.approx(9.0)  # (4 - 1)^2 / 1^2
    with pytest.raises(ValueError, match="target"):
        content_loss(p, torch.zeros(1, 1, 3, 3))
    with pytest.raises(ValueError, match="target_grams"):
        style_loss(p, torch.zeros(1, 2, 2))
    with pytest.raises(TypeError, match="features"):
        content_loss([], [])


def test_random_texture_net_is_seeded_zero_mean_and_frozen():
    a = random_texture_net(in_channels=1, kernel_sizes=(3, 5), channels=4, seed=3)
    b = random_texture_net(in_channels=1, kernel_sizes=(3, 5), channels=4, seed=3)
    c = random_texture_net(in_channels=1, kernel_sizes=(3, 5), channels=4, seed=4)
    assert isinstance(a, RandomTextureNet)
    for ca, cb, cc in zip(a.convs, b.convs, c.convs, strict=True):
        assert torch.equal(ca.weight, cb.weight) and not torch.equal(ca.weight, cc.weight)
        w = ca.weight.flatten(1)
        torch.testing.assert_close(w.mean(1), torch.zeros(4), atol=1e-6, rtol=0)
        torch.testing.assert_close(w.norm(dim=1), torch.ones(4))
        assert not ca.weight.requires_grad
    # zero-mean filters do not respond to a flat image
    feats = a(torch.full((1, 1, 9, 9), 0.7))
    assert all(float(f.abs().max()) < 1e-5 for f in feats)
    assert [tuple(f.shape) for f in feats] == [(1, 4, 9, 9)] * 2


def test_random_texture_net_bad_input():
    with pytest.raises(ValueError, match="kernel_sizes"):
        random_texture_net(kernel_sizes=(4,))
    with pytest.raises(ValueError, match="channels"):
        random_texture_net(channels=0)
    with pytest.raises(TypeError, match="kernel_sizes"):
        random_texture_net(kernel_sizes=3)


def _image(seed, size=16):
    return torch.rand(1, 1, size, size, generator=torch.Generator().manual_seed(seed))


def test_synthesize_texture_loss_falls_and_is_reproducible():
    net = random_texture_net(in_channels=1, kernel_sizes=(3, 5), channels=8)
    style = _image(0)
    runs = [synthesize_texture(net, style, steps=15, generator=torch.Generator().manual_seed(1))
            for _ in range(2)]
    r = runs[0]
    assert len(r.loss) == 16 and r.loss == r.style_loss and r.content_loss == []
    assert r.loss[-1] < 0.5 * r.loss[0]
    assert torch.equal(runs[0].image, runs[1].image)
    assert r.image.min() >= 0 and r.image.max() <= 1
    wide = synthesize_texture(net, style, size=(8, 24), steps=1)
    assert wide.image.shape == (1, 1, 8, 24)


def test_transfer_style_trades_content_for_style():
    net = random_texture_net(in_channels=1, kernel_sizes=(3,), channels=8)
    content, style = _image(0), _image(1, size=12) ** 3  # a darker, sparser style
    r = transfer_style(net, content, style, style_weight=1.0, content_weight=0.1, steps=20)
    assert r.content_loss[0] == 0.0 and r.content_loss[-1] > 0  # starts at the content
    assert r.style_loss[-1] < r.style_loss[0]
    assert r.loss[-1] < r.loss[0]
    noise = transfer_style(net, content, style, init="noise", steps=0,
                           generator=torch.Generator().manual_seed(7))
    assert len(noise.loss) == 1 and noise.content_loss[0] > 0


def test_transfer_style_bad_input():
    net = random_texture_net(in_channels=1, kernel_sizes=(3,), channels=2)
    x = _image(0)
    with pytest.raises(ValueError, match="init"):
        transfer_style(net, x, x, init="zeros")
    with pytest.raises(ValueError, match="style_weight"):
        transfer_style(net, x, x, style_weight=-1.0)
    with pytest.raises(ValueError, match="content_image"):
        transfer_style(net, torch.zeros(2, 1, 4, 4), x)
    with pytest.raises(ValueError, match="same channels"):
        transfer_style(net, x, torch.zeros(1, 3, 4, 4))
    with pytest.raises(ValueError, match="steps"):
        synthesize_texture(net, x, steps=-1)
    with pytest.raises(ValueError, match="lr"):
        synthesize_texture(net, x, lr=0.0)
    with pytest.raises(TypeError, match="style_image"):
        synthesize_texture(net, x.numpy())


def test_load_skimage():
    from skimage import data

    cam = load_skimage("camera", size=512)  # camera is 512x512 grey: no crop, no resize
    torch.testing.assert_close(cam[0, 0], torch.tensor(data.camera() / 255.0, dtype=torch.float32))
    assert load_skimage("chelsea", size=20).shape == (1, 3, 20, 20)
    small = load_skimage("brick", size=8, crop=64)
    assert small.shape == (1, 1, 8, 8) and 0 <= float(small.min()) <= float(small.max()) <= 1
    with pytest.raises(ValueError, match="name"):
        load_skimage("horse", size=8)
    with pytest.raises(ValueError, match="crop"):
        load_skimage("brick", size=8, crop=4096)
    with pytest.raises(ValueError, match="size"):
        load_skimage("brick", size=0)


def test_seed_and_size_must_be_ints():
    with pytest.raises(TypeError, match="`seed` must be an int"):
        random_texture_net(seed=0.5)
    net = random_texture_net(kernel_sizes=(3,), channels=2)
    with pytest.raises(TypeError, match="`size` must be an int"):
        synthesize_texture(net, torch.rand(1, 3, 8, 8), size=(8.0, 8), steps=1)
    with pytest.raises(TypeError, match="`size` must be a pair"):
        synthesize_texture(net, torch.rand(1, 3, 8, 8), size=8, steps=1)
