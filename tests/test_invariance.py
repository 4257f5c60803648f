"""Tests of cnnbook.invariance against independent oracles: brute-force loops, the existing
shift_unchanged_share, scikit-image's warp, torch.nn.functional, cnnbook.train.evaluate."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage import transform

from cnnbook.analysis import shift_unchanged_share
from cnnbook.invariance import (
    PoolingRun,
    measure_pooling,
    pool_net,
    rescale_about_centre,
    scaled_accuracy,
    shift_winner_share,
)
from cnnbook.train import evaluate, train

SHIFTS = ((0, 1), (0, -1), (1, 0), (-1, 0))


def _winner_share_loops(a, k, m=1):
    """Brute force: for every direction and window, in the original image's coordinates."""
    n, c, H, W = a.shape
    h, w = H - 2 * m, W - 2 * m
    h, w = h - h % k, w - w % k
    stays = unchanged = total = 0
    for dy, dx in SHIFTS:
        for b in range(n):
            for ch in range(c):
                for bi in range(h // k):
                    for bj in range(w // k):
                        r0, c0 = m + bi * k, m + bj * k                  # window before
                        r1, c1 = m + dy * m + bi * k, m + dx * m + bj * k  # window after
                        before = a[b, ch, r0:r0 + k, c0:c0 + k]
                        after = a[b, ch, r1:r1 + k, c1:c1 + k]
                        if before.max() == 0 and after.max() == 0:
                            continue
                        total += 1
                        unchanged += before.max() == after.max()
                        if before.max() != 0:
                            i, j = np.unravel_index(before.argmax(), before.shape)
                            R, C = r0 + i, c0 + j
                            stays += (r1 <= R < r1 + k) and (c1 <= C < c1 + k)
    return stays / total, unchanged / total, total


@pytest.mark.parametrize("k", [2, 3, 4])
def test_shift_winner_share_matches_brute_force_and_shift_unchanged_share(k):
    rng = np.random.default_rng(k)
    x = np.maximum(rng.standard_normal((2, 2, 15, 14)), 0)     # ReLU'd noise: zeros and ties
    r = shift_winner_share(x, kernel_size=k)
    stays, unchanged, total = _winner_share_loops(x, k)
    assert r["windows"] == total
    assert r["winner stays"] == pytest.approx(stays)
    assert r["unchanged"] == pytest.approx(unchanged)
    assert r["unchanged"] == pytest.approx(
        shift_unchanged_share(x, kernel_size=k, pool="max", active_only=True))
    # a maximum can only survive where its winner stays (no ties in continuous noise)
    assert r["unchanged"] <= r["winner stays"]


def test_shift_winner_share_hand_case():
    x = np.zeros((1, 1, 8, 8))
    x[0, 0, 3, 3] = 1.0
    r = shift_winner_share(x, kernel_size=3)
    assert r == {"winner stays": 2 / 6, "unchanged": 2 / 6, "windows": 6}


def test_shift_winner_share_bad_input():
    x = np.ones((1, 1, 8, 8))
    with pytest.raises(ValueError, match="`kernel_size`"):
        shift_winner_share(x, kernel_size=1)
    with pytest.raises(ValueError, match="`x`"):
        shift_winner_share(x, kernel_size=8)
    with pytest.raises(ValueError, match="`x`"):
        shift_winner_share(np.zeros((1, 1, 8, 8)), kernel_size=2)
    with pytest.raises(ValueError, match="`x`"):
        shift_winner_share(np.ones((8, 8)), kernel_size=2)
    with pytest.raises(TypeError, match="`shift`"):
        shift_winner_share(x, kernel_size=2, shift=1.5)


@pytest.mark.parametrize("scale", [0.7, 1.0, 1.3, 2.0])
def test_rescale_about_centre_matches_skimage_warp(scale):
    rng = np.random.default_rng(0)
    x = rng.random((3, 11, 9))
    c = (np.array([11, 9]) - 1) / 2
    # skimage's warp takes (col, row) coordinates: output -> input map
    tf = transform.AffineTransform(scale=1 / scale, translation=(c[1] - c[1] / scale,
                                                                 c[0] - c[0] / scale))
    expected = np.stack([transform.warp(im, tf, order=1, mode="constant", cval=0.0,
                                        preserve_range=True) for im in x])
    got = rescale_about_centre(x, scale)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_rescale_about_centre_identity_and_2d():
    x = np.random.default_rng(1).random((7, 7))
    np.testing.assert_allclose(rescale_about_centre(x, 1.0), x, atol=1e-12)
    y = np.zeros((6, 6))
    y[2:4, 2:4] = 1.0
    assert rescale_about_centre(y, 2.0)[2].tolist() == [0.25, 0.75, 1.0, 1.0, 0.75, 0.25]
    # shrinking by 1/2: the content fits in the middle, the border becomes 0
    z = rescale_about_centre(np.ones((9, 9)), 0.5)
    assert z[4, 4] == 1.0 and z[0, 0] == 0.0


def test_rescale_about_centre_bad_input():
    with pytest.raises(ValueError, match="`scale`"):
        rescale_about_centre(np.ones((4, 4)), 0)
    with pytest.raises(ValueError, match="`scale`"):
        rescale_about_centre(np.ones((4, 4)), float("nan"))
    with pytest.raises(TypeError, match="`scale`"):
        rescale_about_centre(np.ones((4, 4)), "2")
    with pytest.raises(TypeError, match="`scale`"):
        rescale_about_centre(np.ones((4, 4)), True)
    with pytest.raises(ValueError, match="`images`"):
        rescale_about_centre(np.ones(4), 2.0)
    with pytest.raises(TypeError, match="`images`"):
        rescale_about_centre(torch.ones(4, 4), 2.0)


@pytest.mark.parametrize("pooling", [True, False])
def test_pool_net_matches_torch_functional(pooling):
    model = pool_net(pooling=pooling, widths=(3, 5), hidden=7, seed=3)
    conv1, conv2, fc1, fc2 = (m for m in model if hasattr(m, "weight"))
    side = 5 if pooling else 24
    assert fc1.in_features == 5 * side * side
    expected_params = (3 * 9 + 3) + (5 * 3 * 9 + 5) + (5 * side * side * 7 + 7) + (7 * 10 + 10)
    assert sum(p.numel() for p in model.parameters()) == expected_params
    x = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    h = F.relu(F.conv2d(x, conv1.weight, conv1.bias))
    h = F.max_pool2d(h, 2) if pooling else h
    h = F.relu(F.conv2d(h, conv2.weight, conv2.bias))
    h = F.max_pool2d(h, 2) if pooling else h
    h = F.relu(F.linear(h.flatten(1), fc1.weight, fc1.bias))
    expected = F.linear(h, fc2.weight, fc2.bias)
    torch.testing.assert_close(model(x), expected)


def test_pool_net_is_seeded_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    a, b = pool_net(pooling=True, seed=1), pool_net(pooling=True, seed=1)
    assert torch.equal(torch.random.get_rng_state(), before)
    c = pool_net(pooling=True, seed=2)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a[0].weight, c[0].weight)


def test_pool_net_bad_input():
    with pytest.raises(TypeError, match="`pooling`"):
        pool_net(pooling="yes")
    with pytest.raises(TypeError, match="`widths`"):
        pool_net(pooling=True, widths=(8,))
    with pytest.raises(ValueError, match="`widths`"):
        pool_net(pooling=True, widths=(8, 0))
    with pytest.raises(TypeError, match="`seed`"):
        pool_net(pooling=True, seed=1.5)


def test_scaled_accuracy_matches_a_loop_over_warped_images():
    rng = np.random.default_rng(0)
    images = rng.random((30, 28, 28))
    # a model whose predictions vary from image to image (an untrained pool_net answers one
    # class for everything, so every accuracy would be the share of that class whatever the
    # warp did); the labels are its own answers on the unwarped images, so accuracy at zoom 1
    # is exactly 1 and any other zoom that moves pixels lowers it
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    with torch.no_grad():
        labels = model(torch.from_numpy(images.astype(np.float32))[:, None]).argmax(1).numpy()
    assert len(np.unique(labels)) >= 3
    scales = [0.8, 1.0, 1.25, 2.0]
    got = scaled_accuracy(model, images, labels, scales)
    assert list(got) == scales
    assert got[1.0] == 1.0
    assert all(got[s] < 1.0 for s in scales if s != 1.0)
    c = 13.5
    for s in scales:
        tf = transform.AffineTransform(scale=1 / s, translation=(c - c / s, c - c / s))
        warped = np.stack([transform.warp(im, tf, order=1, preserve_range=True)
                           for im in images])
        x = torch.from_numpy(np.clip(warped, 0, 1).astype(np.float32))[:, None]
        with torch.no_grad():
            correct = (model(x).argmax(1).numpy() == labels).sum()
        assert got[s] == correct / 30


def test_scaled_accuracy_bad_input():
    model = pool_net(pooling=True)
    with pytest.raises(ValueError, match="`labels`"):
        scaled_accuracy(model, np.zeros((3, 28, 28)), [0, 1], [1.0])
    with pytest.raises(ValueError, match="`scales`"):
        scaled_accuracy(model, np.zeros((3, 28, 28)), [0, 1, 2], [])
    with pytest.raises(TypeError, match="`scales`"):
        scaled_accuracy(model, np.zeros((3, 28, 28)), [0, 1, 2], 1.0)


def _digits(n, seed):
    """A learnable toy task: class = which quarter of the image holds a bright square."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    x = (rng.random((n, 28, 28)) * 60).astype(np.uint8)
    for img, label in zip(x, y, strict=True):
        r, c = divmod(int(label), 2)
        img[4 + 14 * r:10 + 14 * r, 4 + 14 * c:10 + 14 * c] = 255
    return x, y


@pytest.mark.parametrize("pooling, parameters", [
    # conv 1→4 (3×3) + conv 4→8 (3×3) + linear 8·side²→16 + linear 16→10, side 5 or 24
    (True, (9 * 4 + 4) + (4 * 9 * 8 + 8) + (8 * 5 * 5 * 16 + 16) + (16 * 10 + 10)),
    (False, (9 * 4 + 4) + (4 * 9 * 8 + 8) + (8 * 24 * 24 * 16 + 16) + (16 * 10 + 10)),
])
def test_measure_pooling_reports_what_evaluate_measures(pooling, parameters):
    train_data, test_data = _digits(64, 0), _digits(32, 1)
    scales = (1.0, 1.2)
    run = measure_pooling(train_data, test_data, pooling=pooling, scales=scales, epochs=10,
                          batch_size=16, lr=0.003, widths=(4, 8), hidden=16, seed=0)
    assert isinstance(run, PoolingRun) and run.pooling is pooling
    # the network has max-pooling layers exactly when asked for them
    pools = [m for m in run.model.modules() if isinstance(m, torch.nn.MaxPool2d)]
    assert len(pools) == (2 if pooling else 0)
    x_train = torch.from_numpy(train_data[0].astype(np.float32) / 255)[:, None]
    x_test = torch.from_numpy(test_data[0].astype(np.float32) / 255)[:, None]
    y_train, y_test = torch.from_numpy(train_data[1]), torch.from_numpy(test_data[1])

    # an independent reference: the same network trained by hand with the options that
    # measure_pooling documents (Adam via cnnbook.train.train on the CPU, seeded shuffling)
    reference = pool_net(pooling=pooling, widths=(4, 8), hidden=16, seed=0)
    train(reference, (x_train, y_train.long()), epochs=10, batch_size=16, lr=0.003, seed=0,
          device="cpu", progress=False)
    got, want = run.model.state_dict(), reference.state_dict()
    assert list(got) == list(want)
    for name in want:
        assert torch.equal(got[name], want[name]), name

    def accuracy(x, y):
        reference.eval()
        with torch.no_grad():
            return (reference(x).argmax(1) == y).double().mean().item()

    assert run.train_accuracy == accuracy(x_train, y_train)
    assert run.test_accuracy == accuracy(x_test, y_test)
    assert run.train_accuracy == evaluate(reference, (x_train, y_train))
    assert run.test_accuracy == evaluate(reference, (x_test, y_test))
    assert run.scaled == scaled_accuracy(reference, x_test[:, 0].numpy().astype(np.float64),
                                         test_data[1], scales)
    assert run.scaled[1.0] == run.test_accuracy
    assert run.parameters == parameters
    assert run.gap == run.train_accuracy - run.test_accuracy
    row = run.as_row()
    assert list(row) == ["pooling", "parameters", "train accuracy", "test accuracy", "gap",
                         "test ×1", "test ×1.2"]
    assert row["pooling"] == ("max 2×2" if pooling else "none")
    assert row["parameters"] == parameters
    assert row["test ×1.2"] == run.scaled[1.2]
    # the toy task is learnable: training moved the network above chance (1/4)
    assert run.train_accuracy > 0.5


def test_measure_pooling_bad_input():
    good = _digits(8, 0)
    with pytest.raises(TypeError, match="`train_data`"):
        measure_pooling(good[0], good, pooling=True)
    with pytest.raises(ValueError, match="`test_data`"):
        measure_pooling(good, (np.zeros((8, 20, 20)), good[1]), pooling=True)
    with pytest.raises(ValueError, match="`train_data` labels"):
        measure_pooling((good[0], good[1][:3]), good, pooling=True)
    with pytest.raises(TypeError, match="`pooling`"):
        measure_pooling(good, good, pooling=1)


def test_scale_retention_is_the_mean_over_other_zooms_relative_to_zoom_1():
    run = PoolingRun(True, None, 0, 1.0, 0.5, {0.5: 0.2, 1.0: 0.5, 2.0: 0.3})
    assert run.scale_retention == pytest.approx(0.25 / 0.5)
    with pytest.raises(ValueError, match="scaled"):
        _ = PoolingRun(True, None, 0, 1.0, 0.5, {1.0: 0.5}).scale_retention


def test_measure_pooling_refuses_bad_scales_and_labels_before_training(monkeypatch):
    import cnnbook.invariance as inv

    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking its arguments")

    monkeypatch.setattr("cnnbook.train.train", no_training)
    x, y = np.zeros((4, 28, 28)), np.array([0, 1, 2, 3])
    with pytest.raises(ValueError, match="`scales`"):
        inv.measure_pooling((x, y), (x, y), pooling=True, scales=(1.0, 0.0))
    with pytest.raises(TypeError, match="`scales`"):
        inv.measure_pooling((x, y), (x, y), pooling=True, scales=(1.0, "2"))
    with pytest.raises(ValueError, match="`test_data` labels must be digits"):
        inv.measure_pooling((x, y), (x, y + 7), pooling=True)
