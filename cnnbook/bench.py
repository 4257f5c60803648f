"""Benchmark: cnnbook's numpy convolution and pooling against torch on the CPU.

Run ``python -m cnnbook.bench`` (``make bench``). Each library is timed in its own block (so
one library's idle thread pool does not slow the other), both limited to the same number of
threads, and each time is the median of several runs. Besides the ratio to torch, the table
gives the time of the matrix product the forward pass performs, alone: the forward pass can be
no faster than that, so ``forward / matmul`` says how much time the rest (padding, im2col, bias)
costs. For steadier torch timings run with ``MALLOC_MMAP_THRESHOLD_=1073741824
MALLOC_TRIM_THRESHOLD_=1073741824`` in the environment (``make bench`` does).
"""

import argparse
import math
import platform
import statistics
import time

import numpy as np

from . import _im2col as _ic
from .conv import conv2d, corr2d
from .conv_backward import conv2d_backward
from .padding import pad2d
from .pooling import max_pool2d, max_pool2d_backward

__all__ = ["CASES", "QUICK_CASES", "format_table", "main", "run_benchmark", "summarize"]

# (name, x shape (N, C, H, W), weight shape (K, C, kh, kw), stride, padding)
CASES = [
    ("small 3x3", (64, 16, 28, 28), (32, 16, 3, 3), 1, 1),
    ("stem 7x7/2", (8, 3, 224, 224), (64, 3, 7, 7), 2, 3),
    ("resnet 3x3", (32, 64, 56, 56), (64, 64, 3, 3), 1, 1),
]
QUICK_CASES = [("tiny", (2, 3, 8, 8), (4, 3, 3, 3), 1, 1)]


def _matmul_only(x, weight, stride, padding):
    """A function doing exactly the matrix products of `conv2d`'s forward pass, columns ready."""
    x, weight, _, geom, _ = _ic.setup(x, weight, None, stride, padding, 1, 1, "zeros")
    xp = pad2d(x, geom.pads)
    n, c = xp.shape[:2]
    k, c_g, kh, kw = weight.shape
    length = geom.out[0] * _ic.phase_shape(xp.shape[2:], geom)[1]  # Ho * Wq
    ph = _ic.to_phases(xp, geom)
    wq = _ic.phase_shape(xp.shape[2:], geom)[1]
    step = _ic.chunk_size(n, c * kh * kw * length * xp.itemsize)
    chunks = [_ic.im2col(ph, geom, wq, n0, min(step, n - n0)).reshape(c * kh * kw, -1)
              for n0 in range(0, n, step)]
    wmat = weight.reshape(k, -1)
    outs = [np.empty((k, cols.shape[1]), x.dtype) for cols in chunks]

    def run():
        for cols, out in zip(chunks, outs, strict=True):
            np.matmul(wmat, cols, out=out)

    return run


def _time_pair(ours, theirs, repeats, rounds):
    """Medians (ms) of two functions, each timed in its own block, blocks alternating `rounds`
    times so that a passing load on the machine hits both libraries alike."""
    times = ([], [])
    for _ in range(rounds):
        for fn, acc in zip((ours, theirs), times, strict=True):
            time.sleep(0.05)  # let the other library's worker threads go to sleep
            fn()  # warm-up
            for _ in range(repeats):
                start = time.perf_counter()
                fn()
                acc.append(time.perf_counter() - start)
    return tuple(1e3 * statistics.median(t) for t in times)


def run_benchmark(cases=None, *, repeats=7, rounds=3, threads=2, pool=True, reference=True,
                  seed=0):
    """Time forward and backward passes of cnnbook and torch; return the rows as dicts.

    Parameters
    ----------
    cases : list of tuple, optional
        Each ``(name, x_shape, weight_shape, stride, padding)``.
        Defaults to `CASES`, the three shapes of the book's benchmark.
    repeats : int, optional
        Timed runs per block.
    rounds : int, optional
        Blocks per library (alternating); the median is over all ``repeats * rounds`` runs.
    threads : int, optional
        Threads for both torch (``torch.set_num_threads``) and numpy's BLAS (threadpoolctl).
    pool : bool, optional
        Also time 2x2 max pooling (forward and backward) on the first case's input.
    reference : bool, optional
        Also time the `corr2d` loop on one 28x28 image against cnnbook's and torch's conv2d.
    seed : int, optional
        Seed of the random float32 inputs.

    Returns
    -------
    list of dict
        One row per (case, pass): keys ``case``, ``shape``, ``pass`` ('forward', 'backward' or
        'reference'), ``cnnbook_ms``, ``torch_ms``, ``ratio`` (cnnbook / torch), and for conv
        forward passes ``matmul_ms`` and ``matmul_ratio`` (forward / its matrix products).

    Examples
    --------
    >>> rows = run_benchmark(QUICK_CASES, repeats=1, rounds=1, pool=False, reference=False)
    >>> [r["pass"] for r in rows]
    ['forward', 'backward']
    """
    import torch
    from threadpoolctl import threadpool_limits

    cases = CASES if cases is None else cases
    rng = np.random.default_rng(seed)
    timing = dict(repeats=repeats, rounds=rounds)
    rows = []
    old_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(threads), torch.no_grad():
            for case in cases:
                rows.extend(_conv_rows(case, rng, torch, timing))
            if pool:
                rows.extend(_pool_rows(cases[0][1], rng, torch, timing))
            if reference:
                rows.append(_reference_row(rng, torch, timing))
    finally:
        torch.set_num_threads(old_threads)
    return rows


def _conv_rows(case, rng, torch, timing):
    import torch.nn.functional as F

    name, xs, ws, s, p = case
    x = rng.standard_normal(xs, dtype=np.float32)
    w = rng.standard_normal(ws, dtype=np.float32)
    b = rng.standard_normal(ws[0], dtype=np.float32)
    out_shape = conv2d(x[:1], w, b, stride=s, padding=p).shape[1:]
    g = rng.standard_normal((xs[0], *out_shape), dtype=np.float32)
    shape = f"{'x'.join(map(str, xs))} * {'x'.join(map(str, ws))} s{s} p{p}"
    xt, wt, bt, gt = (torch.from_numpy(a) for a in (x, w, b, g))
    ours_f, theirs_f = _time_pair(lambda: conv2d(x, w, b, stride=s, padding=p),
                                  lambda: F.conv2d(xt, wt, bt, stride=s, padding=p), **timing)
    mm, _ = _time_pair(_matmul_only(x, w, s, p), lambda: None, **timing)
    with torch.enable_grad():
        leaves = [a.clone().requires_grad_() for a in (xt, wt, bt)]
        yt = F.conv2d(*leaves, stride=s, padding=p)
        ours_b, theirs_b = _time_pair(
            lambda: conv2d_backward(g, x, w, stride=s, padding=p),
            lambda: torch.autograd.grad(yt, leaves, gt, retain_graph=True), **timing)
    return [dict(case=name, shape=shape, **{"pass": "forward"}, cnnbook_ms=ours_f,
                 torch_ms=theirs_f, ratio=ours_f / theirs_f, matmul_ms=mm,
                 matmul_ratio=ours_f / mm),
            dict(case=name, shape=shape, **{"pass": "backward"}, cnnbook_ms=ours_b,
                 torch_ms=theirs_b, ratio=ours_b / theirs_b)]


def _pool_rows(xs, rng, torch, timing):
    import torch.nn.functional as F

    x = rng.standard_normal(xs, dtype=np.float32)
    g = rng.standard_normal(max_pool2d(x, 2).shape, dtype=np.float32)
    shape = f"{'x'.join(map(str, xs))} k2 s2"
    xt, gt = torch.from_numpy(x), torch.from_numpy(g)
    ours_f, theirs_f = _time_pair(lambda: max_pool2d(x, 2), lambda: F.max_pool2d(xt, 2),
                                  **timing)
    _, indices = max_pool2d(x, 2, return_indices=True)  # torch, too, saves them in forward
    with torch.enable_grad():
        leaf = xt.clone().requires_grad_()
        yt = F.max_pool2d(leaf, 2)
        ours_b, theirs_b = _time_pair(
            lambda: max_pool2d_backward(g, x, 2, indices=indices),
            lambda: torch.autograd.grad(yt, leaf, gt, retain_graph=True), **timing)
    return [dict(case="max pool 2x2", shape=shape, **{"pass": p}, cnnbook_ms=o, torch_ms=t,
                 ratio=o / t) for p, o, t in (("forward", ours_f, theirs_f),
                                             ("backward", ours_b, theirs_b))]


def _reference_row(rng, torch, timing):
    import torch.nn.functional as F

    x = rng.standard_normal((28, 28), dtype=np.float32)
    k = rng.standard_normal((3, 3), dtype=np.float32)
    xt, kt = torch.from_numpy(x)[None, None], torch.from_numpy(k)[None, None]
    loop, theirs = _time_pair(lambda: corr2d(x, k), lambda: F.conv2d(xt, kt), **timing)
    fast, _ = _time_pair(lambda: conv2d(x[None, None], k[None, None]), lambda: None, **timing)
    return dict(case="corr2d loop", shape="28x28 * 3x3", **{"pass": "reference"},
                cnnbook_ms=loop, torch_ms=theirs, ratio=loop / theirs, conv2d_ms=fast)


def summarize(rows):
    """Geometric means over the conv cases: forward and backward ratios to torch, and
    forward / matmul. Returns a dict with keys ``forward``, ``backward``, ``matmul``."""
    conv = [r for r in rows if "matmul_ms" in r]
    names = {r["case"] for r in conv}
    back = [r for r in rows if r["pass"] == "backward" and r["case"] in names]

    def gmean(values):
        values = list(values)
        return math.exp(sum(map(math.log, values)) / len(values)) if values else math.nan

    return dict(forward=gmean(r["ratio"] for r in conv),
                backward=gmean(r["ratio"] for r in back),
                matmul=gmean(r["matmul_ratio"] for r in conv))


def format_table(rows):
    """The rows as a plain-text table, with the geometric-mean summary underneath."""
    head = (f"{'case':<14} {'shape':<34} {'pass':<9} {'cnnbook ms':>10} {'torch ms':>9} "
            f"{'ratio':>7} {'matmul ms':>9} {'fwd/mm':>6}")
    lines = [head, "-" * len(head)]
    for r in rows:
        mm = (f"{r['matmul_ms']:>9.2f} {r['matmul_ratio']:>6.2f}" if "matmul_ms" in r
              else f"{'':>9} {'':>6}")
        lines.append(f"{r['case']:<14} {r['shape']:<34} {r['pass']:<9} {r['cnnbook_ms']:>10.2f} "
                     f"{r['torch_ms']:>9.2f} {r['ratio']:>7.2f} {mm}")
        if "conv2d_ms" in r:
            lines.append(f"{'':<14} {'(cnnbook.conv2d on the same)':<34} {'':<9} "
                         f"{r['conv2d_ms']:>10.3f}")
    s = summarize(rows)
    lines += ["", "geometric means over the conv cases (targets: forward <= 2, matmul <= 1.3, "
              "backward <= 2.5):",
              f"  forward / torch  {s['forward']:.2f}", f"  forward / matmul {s['matmul']:.2f}",
              f"  backward / torch {s['backward']:.2f}"]
    return "\n".join(lines)


def main(argv=None):
    """Command line: ``python -m cnnbook.bench [--repeats N] [--threads T] [--quick]``."""
    parser = argparse.ArgumentParser(prog="python -m cnnbook.bench", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per block")
    parser.add_argument("--rounds", type=int, default=3, help="alternating blocks per library")
    parser.add_argument("--threads", type=int, default=2, help="threads for torch and BLAS")
    parser.add_argument("--quick", action="store_true", help="tiny shapes, a smoke test")
    args = parser.parse_args(argv)
    import torch

    cases = QUICK_CASES if args.quick else CASES
    cpu = platform.processor() or platform.machine()
    print(f"cnnbook vs torch {torch.__version__} (numpy {np.__version__}), float32, "
          f"{args.threads} threads, median of {args.rounds} x {args.repeats} runs; {cpu}")
    rows = run_benchmark(cases, repeats=args.repeats, rounds=args.rounds, threads=args.threads)
    print(format_table(rows))
    return rows


if __name__ == "__main__":
    main()
