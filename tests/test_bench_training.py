import numpy as np
import torch

from cnnbook import bench_training
from cnnbook.data import Split


def test_flip_shift_moves_and_flips_each_image():
    x = torch.zeros(64, 1, 8, 8)
    x[:, :, 3, 4] = 1.0
    g = torch.Generator().manual_seed(0)
    y = bench_training.flip_shift(x, g, max_shift=2)
    assert y.shape == x.shape
    pos = torch.nonzero(y[:, 0])  # (image, row, col), one pixel per image: nothing shifted out
    assert len(pos) == 64
    rows, cols = pos[:, 1], pos[:, 2]
    assert (rows - 3).abs().max() <= 2
    # a column is either shifted (|dc| <= 2) or flipped to 7 - 4 = 3 and then shifted
    assert (((cols - 4).abs() <= 2) | ((cols - 3).abs() <= 2)).all()
    assert len(set(rows.tolist())) > 1 and len(set(cols.tolist())) > 1


def test_flip_shift_matches_an_explicit_loop():
    x = torch.rand(5, 2, 6, 7, generator=torch.Generator().manual_seed(1))
    y = bench_training.flip_shift(x, torch.Generator().manual_seed(2), max_shift=1)
    g = torch.Generator().manual_seed(2)  # replay the same random draws
    flip = torch.rand(5, generator=g) < 0.5
    shifts = torch.randint(-1, 2, (5, 2), generator=g)
    for i in range(5):
        xi = x[i].flip(-1) if flip[i] else x[i]
        padded = torch.nn.functional.pad(xi, (1, 1, 1, 1))
        dr, dc = shifts[i].tolist()
        expected = padded[:, 1 - dr : 1 - dr + 6, 1 - dc : 1 - dc + 7]
        torch.testing.assert_close(y[i], expected)


def test_run_and_main_on_tiny_data(monkeypatch, capsys):
    rng = np.random.default_rng(0)
    y = np.arange(40) % 2
    x = np.where(y[:, None, None] == 1, 200, 20).astype(np.uint8) + rng.integers(
        0, 30, (40, 28, 28), dtype=np.uint8)  # fmt: skip
    tiny = Split(x, y.astype(np.int64), x[:10], y[:10].astype(np.int64))
    cfg = dict(target=0.9, widths=(2,), epochs=3, batch_size=10, lr=1e-2, augment=True)
    monkeypatch.setitem(bench_training.CONFIGS, "cpu", cfg)
    monkeypatch.setattr(bench_training, "load_fashion_mnist", lambda: tiny)
    r = bench_training.run("cpu", tiny)
    assert r["device"] == "cpu" and 1 <= r["epochs"] <= 3 and r["seconds"] > 0
    assert r["reached"] == (r["accuracy"] >= 0.9)
    results = bench_training.main(["--device", "cpu"])
    assert len(results) == 1
    assert "accuracy" in capsys.readouterr().out
