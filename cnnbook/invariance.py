"""Measurements of what pooling is claimed to buy: invariance to shifts and scales, less
overfitting.

- :func:`shift_winner_share` splits a max-pooled output's survival of a one-pixel shift into its
  two conditions: the winning pixel stays in its window, and no larger value enters it.
- :func:`rescale_about_centre` zooms images about their centre on an unchanged canvas, the
  distortion a "roughly scale invariant" network should tolerate.
- :func:`pool_net` is a small classifier with or without its two max-pooling layers, and
  :func:`measure_pooling` trains one and reports its train and test accuracy (the gap between
  them measures overfitting) and its test accuracy on rescaled digits.
"""

from dataclasses import dataclass, field

import numpy as np

from ._check import (
    as_float_array,
    check_bool,
    check_ndim,
    check_positive,
    check_positive_real,
    reject_torch,
    torch_seed,
)
from .analysis import _SHIFTS, _shift_crop

__all__ = ["PoolingRun", "measure_pooling", "pool_net", "rescale_about_centre",
           "scaled_accuracy", "shift_winner_share"]


def shift_winner_share(x, *, kernel_size, shift=1):
    """How often a max-pooled output keeps its winning pixel, and its value, under a shift.

    As in :func:`cnnbook.analysis.shift_unchanged_share` (``pool='max'``, ``active_only=True``),
    a crop of `x` and the same crop moved by `shift` pixels right, left, down and up are pooled
    with non-overlapping ``kernel_size`` windows; windows whose maximum is nonzero before or
    after the move are counted. For each, two things are recorded: whether the pixel that was
    the window's maximum before the move is still inside the same window after it, and whether
    the maximum is exactly unchanged.

    Parameters
    ----------
    x : (N, C, H, W) array_like
        Feature maps (e.g. after a ReLU), larger than the crop by `shift` on every side.
    kernel_size : int
        Side (and stride) of the pooling windows, at least 2.
    shift : int, optional
        Size of the move, in pixels.

    Returns
    -------
    dict
        ``"winner stays"``: share of counted windows whose winning pixel stays inside;
        ``"unchanged"``: share whose maximum is exactly equal (the value of
        ``shift_unchanged_share(..., pool='max', active_only=True)``); ``"windows"``: how many
        windows were counted.

    Examples
    --------
    One bright pixel at (3, 3) of an 8×8 map, 3×3 windows: two of the four moves keep it in its
    window (one counted window each), two take it into the next window (two counted windows
    each: the one it left and the one it entered).

    >>> x = np.zeros((1, 1, 8, 8)); x[0, 0, 3, 3] = 1.0
    >>> r = shift_winner_share(x, kernel_size=3)
    >>> round(r["winner stays"], 3), round(r["unchanged"], 3), r["windows"]
    (0.333, 0.333, 6)
    """
    a = check_ndim(as_float_array(x, "x"), 4, "x")
    k = check_positive(kernel_size, "kernel_size")
    if k < 2:
        raise ValueError("`kernel_size` must be >= 2 (a 1×1 window has no inside to stay in)")
    m = check_positive(shift, "shift")
    h, w = _shift_crop(a.shape, k, m)
    n, c = a.shape[:2]
    stays = unchanged = total = 0
    for dy, dx in _SHIFTS:
        before = a[:, :, m:m + h, m:m + w]
        after = a[:, :, m + dy * m:m + dy * m + h, m + dx * m:m + dx * m + w]
        # (N, C, H/k, W/k, k*k): the pixels of each window, row by row
        wb = before.reshape(n, c, h // k, k, w // k, k).transpose(0, 1, 2, 4, 3, 5)
        wa = after.reshape(n, c, h // k, k, w // k, k).transpose(0, 1, 2, 4, 3, 5)
        wb, wa = wb.reshape(n, c, h // k, w // k, k * k), wa.reshape(n, c, h // k, w // k, k * k)
        best_b, best_a = wb.max(axis=-1), wa.max(axis=-1)
        counted = (best_b != 0) | (best_a != 0)
        # the winner's place in its window, and where the move takes it (same window?)
        arg = wb.argmax(axis=-1)
        r, q = arg // k - dy * m, arg % k - dx * m
        inside = (r >= 0) & (r < k) & (q >= 0) & (q < k)
        # a window that was all zero before the move has no winner to keep
        stays += int(np.count_nonzero(inside & (best_b != 0)))
        unchanged += int(np.count_nonzero((best_b == best_a) & counted))
        total += int(np.count_nonzero(counted))
    if total == 0:
        raise ValueError("`x` has no nonzero pooled output to compare")
    return {"winner stays": stays / total, "unchanged": unchanged / total, "windows": total}


def rescale_about_centre(images, scale):
    """Zoom images by `scale` about their centre, keeping their size (bilinear, zero outside).

    Output pixel ``(i, j)`` takes the input's value at ``c + ((i, j) - c) / scale`` with
    ``c = ((H - 1) / 2, (W - 1) / 2)``: ``scale > 1`` enlarges the content (its border is cut
    off), ``scale < 1`` shrinks it (the new border is 0).

    Parameters
    ----------
    images : (N, H, W) or (H, W) array_like of float
    scale : float
        Positive zoom factor; 1 returns the images unchanged.

    Returns
    -------
    ndarray
        Same shape as `images`, float64.

    Examples
    --------
    A 2×2 bright square in the middle of a 6×6 image, zoomed by 2: its middle row now holds the
    square over 2 pixels and half-way values over the next 2 on each side (bilinear).

    >>> x = np.zeros((6, 6)); x[2:4, 2:4] = 1.0
    >>> rescale_about_centre(x, 2.0)[2].tolist()
    [0.25, 0.75, 1.0, 1.0, 0.75, 0.25]
    """
    from scipy import ndimage

    a = as_float_array(reject_torch(images, "images"), "images")
    if a.ndim not in (2, 3):
        raise ValueError(f"`images` must have shape (N, H, W) or (H, W), got {a.shape}")
    s = check_positive_real(scale, "scale")
    batch = a[None] if a.ndim == 2 else a
    centre = (np.array(batch.shape[1:]) - 1) / 2
    out = np.stack([ndimage.affine_transform(im, np.full(2, 1 / s), offset=centre - centre / s,
                                             order=1, mode="grid-constant", cval=0.0)
                    for im in batch])
    return out[0] if a.ndim == 2 else out


def pool_net(*, pooling, widths=(8, 16), hidden=64, seed=0):
    """A small digit classifier, with or without max pooling.

    ``conv 3×3 (widths[0]) → ReLU → [max pool 2×2] → conv 3×3 (widths[1]) → ReLU →
    [max pool 2×2] → flatten → hidden → ReLU → 10``, for 1×28×28 inputs. Without pooling the
    same convolutions see the same windows of their inputs, and only the fully connected layer
    after flatten grows (it then reads 24×24 positions per channel instead of 5×5).

    Parameters
    ----------
    pooling : bool
        Keep the two pooling layers.
    widths : pair of int, optional
        Channels of the two convolutions.
    hidden : int, optional
        Neurons of the hidden fully connected layer.
    seed : int, optional
        Seed of the initial weights.

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> import torch
    >>> pool_net(pooling=True)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    >>> pool_net(pooling=False)[7].in_features    # 16 channels × 24 × 24
    9216
    """
    from torch import nn

    pooling = check_bool(pooling, "pooling")
    if not isinstance(widths, (tuple, list)) or len(widths) != 2:
        raise TypeError("`widths` must be a pair of positive ints")
    w1, w2 = (check_positive(w, "widths") for w in widths)
    hidden = check_positive(hidden, "hidden")
    side = 5 if pooling else 24  # 28 → 26 → (13) → 24 or 11 → (5)

    def pool():
        return nn.MaxPool2d(2) if pooling else nn.Identity()

    with torch_seed(seed):
        return nn.Sequential(
            nn.Conv2d(1, w1, 3), nn.ReLU(), pool(),
            nn.Conv2d(w1, w2, 3), nn.ReLU(), pool(),
            nn.Flatten(), nn.Linear(w2 * side * side, hidden), nn.ReLU(), nn.Linear(hidden, 10),
        )


def _scales(scales):
    if isinstance(scales, (str, bytes)) or not hasattr(scales, "__iter__"):
        raise TypeError("`scales` must be a sequence of numbers")
    scales = [check_positive_real(s, "scales") for s in scales]
    if not scales:
        raise ValueError("`scales` must hold at least one scale")
    return scales


def scaled_accuracy(model, images, labels, scales):
    """Accuracy of `model` on `images` zoomed about their centre by each of `scales`.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(B, 1, H, W)`` float inputs to logits.
    images : (N, H, W) array_like of float
        Pixels in [0, 1].
    labels : (N,) array_like of int
    scales : sequence of float
        Zoom factors (see :func:`rescale_about_centre`); 1 is the images as they are.

    Returns
    -------
    dict
        ``{scale: accuracy}`` in the order of `scales`.

    Examples
    --------
    >>> import torch
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 2))
    >>> acc = scaled_accuracy(model, np.zeros((3, 4, 4)), [0, 0, 1], [1.0, 2.0])
    >>> sorted(acc)
    [1.0, 2.0]
    """
    import torch

    from .train import evaluate

    a = check_ndim(as_float_array(reject_torch(images, "images"), "images"), 3, "images")
    y = np.asarray(reject_torch(labels, "labels"))
    if y.shape != (len(a),) or y.dtype.kind not in "iu":
        raise ValueError(f"`labels` must be {len(a)} integers, got shape {y.shape} and dtype "
                         f"{y.dtype}")
    scales = _scales(scales)
    target = torch.from_numpy(y.astype(np.int64))
    out = {}
    for s in scales:
        zoomed = np.clip(rescale_about_centre(a, s), 0.0, 1.0)
        x = torch.from_numpy(zoomed.astype(np.float32)).unsqueeze(1)
        out[float(s)] = evaluate(model, (x, target))
    return out


@dataclass
class PoolingRun:
    """One trained :func:`pool_net` and what :func:`measure_pooling` measured on it."""

    pooling: bool
    model: object
    parameters: int
    train_accuracy: float
    test_accuracy: float
    scaled: dict = field(default_factory=dict)

    @property
    def gap(self):
        """Train minus test accuracy: how much the network fits its own training data better."""
        return self.train_accuracy - self.test_accuracy

    @property
    def scale_retention(self):
        """Mean test accuracy over the zooms other than 1, as a share of the accuracy at zoom 1.

        Examples
        --------
        >>> PoolingRun(True, None, 0, 1.0, 0.9, {0.8: 0.6, 1.0: 0.8, 1.2: 0.7}).scale_retention
        0.8125
        """
        if 1.0 not in self.scaled or len(self.scaled) < 2:
            raise ValueError("`scaled` needs the accuracy at zoom 1 and at least one other zoom")
        others = [acc for zoom, acc in self.scaled.items() if zoom != 1.0]
        return float(np.mean(others) / self.scaled[1.0])

    def as_row(self):
        """A table row: pooling, parameters, accuracies, gap and one column per scale."""
        row = {"pooling": "max 2×2" if self.pooling else "none",
               "parameters": self.parameters, "train accuracy": self.train_accuracy,
               "test accuracy": self.test_accuracy, "gap": self.gap}
        row.update({f"test ×{s:g}": acc for s, acc in self.scaled.items()})
        return row


def measure_pooling(train_data, test_data, *, pooling, scales=(1.0,), epochs=10, batch_size=32,
                    lr=1e-3, widths=(8, 16), hidden=64, seed=0):
    """Train a :func:`pool_net` and measure its overfitting and its tolerance of rescaling.

    The network is trained with Adam and cross-entropy (:func:`cnnbook.train.train`) on the CPU,
    then evaluated on all of `train_data` and `test_data` and on the test images zoomed about
    their centre by each of `scales`.

    Parameters
    ----------
    train_data, test_data : pair (images, labels)
        Images ``(N, 28, 28)`` as uint8 (0..255) or float (0..1), labels ``(N,)`` integers.
    pooling : bool
        With or without the two max-pooling layers.
    scales : sequence of float, optional
        Zoom factors for the rescaled test accuracies.
    epochs, batch_size : int, optional
    lr : float, optional
    widths, hidden, seed : optional
        Passed to :func:`pool_net`; `seed` also seeds the shuffling.

    Returns
    -------
    PoolingRun
    """
    import torch

    from .data import to_tensor
    from .train import evaluate, train

    pooling = check_bool(pooling, "pooling")
    scales = _scales(scales)  # checked before the training, not after it
    tensors = []
    for data, name in ((train_data, "train_data"), (test_data, "test_data")):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise TypeError(f"`{name}` must be a pair (images, labels)")
        x, y = (np.asarray(reject_torch(d, name)) for d in data)
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise ValueError(f"`{name}` images must have shape (N, 28, 28), got {x.shape}")
        if y.shape != (len(x),) or y.dtype.kind not in "iu":
            raise ValueError(f"`{name}` labels must be {len(x)} integers")
        if len(y) and (y.min() < 0 or y.max() > 9):
            raise ValueError(f"`{name}` labels must be digits 0..9")
        tensors.append((to_tensor(x), torch.from_numpy(y.astype(np.int64))))
    model = pool_net(pooling=pooling, widths=widths, hidden=hidden, seed=seed)
    train(model, tensors[0], epochs=epochs, batch_size=batch_size, lr=lr, seed=seed,
          device="cpu", progress=False)
    test_images = tensors[1][0][:, 0].numpy().astype(np.float64)
    return PoolingRun(
        pooling=pooling,
        model=model,
        parameters=sum(p.numel() for p in model.parameters()),
        train_accuracy=evaluate(model, tensors[0]),
        test_accuracy=evaluate(model, tensors[1]),
        scaled=scaled_accuracy(model, test_images, tensors[1][1].numpy(), scales),
    )
