"""Time-to-accuracy of a small CNN on the full Fashion-MNIST: ``python -m cnnbook.bench_training``.

Targets (DESIGN §6): on the CPU, 91% test accuracy in at most 2 minutes; on a GPU, 94% in at
most 10 seconds, the whole run including CUDA start-up. Each run trains
:func:`cnnbook.models.small_cnn` with AdamW and a one-cycle learning rate, evaluates the test set
after every epoch and stops at the first epoch that reaches the target. The clock starts before
the model and the data are moved to the device (for CUDA, before its first call) and stops when
the target is reached; loading the files is not timed.

This is a benchmark, not a test: it prints what it measured and never fails on time.
"""

import argparse
import time

import torch

from .data import load_fashion_mnist, to_tensor
from .models import small_cnn
from .train import train

__all__ = ["CONFIGS", "flip_shift", "main", "run"]

#: the runs of each device: target accuracy, model widths and training options
CONFIGS = {
    "cpu": dict(target=0.91, widths=(16, 32, 64), epochs=4, batch_size=128, lr=5e-3,
                augment=False),
    "cuda": dict(target=0.94, widths=(64, 128, 256), epochs=16, batch_size=512, lr=4e-3,
                 augment=True),
}  # fmt: skip


def flip_shift(x, generator, *, max_shift=2):
    """Random horizontal flips and shifts of a batch ``(B, C, H, W)`` (zero fill).

    One flip decision and one shift of up to ``max_shift`` pixels per image, drawn from
    ``generator`` (a CPU generator; the batch may live on any device).

    Examples
    --------
    >>> x = torch.zeros(4, 1, 6, 6); x[:, :, 2, 3] = 1
    >>> y = flip_shift(x, torch.Generator().manual_seed(0))
    >>> y.shape, y.sum((1, 2, 3)).tolist()
    (torch.Size([4, 1, 6, 6]), [1.0, 1.0, 1.0, 1.0])
    """
    b, _, h, w = x.shape
    flip = torch.rand(b, generator=generator) < 0.5
    x = torch.where(flip.to(x.device)[:, None, None, None], x.flip(-1), x)
    shifts = torch.randint(-max_shift, max_shift + 1, (b, 2), generator=generator)
    m = max_shift
    padded = torch.nn.functional.pad(x, (m, m, m, m))
    rows = (torch.arange(h)[None, :] + m - shifts[:, :1]).to(x.device)  # (B, H)
    cols = (torch.arange(w)[None, :] + m - shifts[:, 1:]).to(x.device)  # (B, W)
    index = torch.arange(b, device=x.device)[:, None, None]
    out = padded.permute(0, 2, 3, 1)[index, rows[:, :, None], cols[:, None, :]]  # (B, H, W, C)
    return out.permute(0, 3, 1, 2).contiguous()


def run(device, data, *, seed=0, progress=None):
    """Train the configuration of ``device`` ('cpu' or 'cuda'); return a dict of results."""
    cfg = CONFIGS[torch.device(device).type]
    x_train, y_train = to_tensor(data.x_train), torch.from_numpy(data.y_train)
    x_test, y_test = to_tensor(data.x_test), torch.from_numpy(data.y_test)
    start = time.perf_counter()
    if torch.device(device).type == "cuda":
        torch.cuda.init()
        torch.backends.cudnn.benchmark = True
    model = small_cnn(widths=cfg["widths"], seed=seed)
    history = train(
        model, (x_train, y_train), test_data=(x_test, y_test), epochs=cfg["epochs"],
        batch_size=cfg["batch_size"], lr=cfg["lr"], optimizer="adamw", weight_decay=0.05,
        schedule="onecycle", seed=seed, device=device, channels_last=True,
        target_accuracy=cfg["target"], progress=progress,
        transform=flip_shift if cfg["augment"] else None,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    reached = history.test_accuracy[-1] >= cfg["target"]
    return dict(
        device=str(device), target=cfg["target"], reached=reached, seconds=seconds,
        epochs=history.epochs, accuracy=history.test_accuracy[-1],
        threads=torch.get_num_threads(),
    )  # fmt: skip


def main(argv=None):
    """Run the benchmark on the CPU and, when present, on the GPU; print a table."""
    parser = argparse.ArgumentParser(prog="python -m cnnbook.bench_training",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--device", choices=["all", "cpu", "cuda"], default="all")
    args = parser.parse_args(argv)
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    if "cuda" in devices and not torch.cuda.is_available():
        print("no CUDA device: GPU run skipped")
        devices.remove("cuda")
    data = load_fashion_mnist()
    print(f"{'device':8} {'threads':>7} {'target':>7} {'reached':>8} {'epochs':>6} "
          f"{'accuracy':>9} {'seconds':>8}")  # fmt: skip
    results = []
    for device in devices:
        r = run(device, data)
        results.append(r)
        print(f"{r['device']:8} {r['threads']:7d} {r['target']:7.0%} {str(r['reached']):>8} "
              f"{r['epochs']:6d} {r['accuracy']:9.2%} {r['seconds']:8.1f}", flush=True)  # fmt: skip
    return results


if __name__ == "__main__":
    main()
