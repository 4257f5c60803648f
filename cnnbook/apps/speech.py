"""Speech (语音): filters that span a window's whole time axis and move along frequency only.

The lecture's design for a spectrogram (rows: frequency bands, columns: time frames): each
filter is as wide as the window in time and a few bands high, so it slides along frequency
only; max pooling along frequency then forgives a voice that sits a few bands higher or lower.
Against it the book sets a 2-D CNN (small filters sliding along both axes) and a fully
connected network on the flattened spectrogram (:func:`frequency_cnn`,
:func:`time_frequency_cnn`, :func:`speech_mlp`).

:func:`shift_frequency` and :func:`shift_response` show the property the design rests on: a
convolution along frequency is *equivariant* — shift the input up by ``s`` bands and every
feature map shifts up by ``s`` bands.
"""

from typing import NamedTuple

import torch
from torch import nn

from .._check import check_int, check_nonnegative, check_positive
from .._check import seeded as _seeded

__all__ = [
    "ShiftResponse",
    "frequency_cnn",
    "random_time_shift",
    "shift_frequency",
    "shift_response",
    "speech_mlp",
    "time_frequency_cnn",
]


def frequency_cnn(*, n_mels=40, frames=64, channels=32, height=8, pool=3, hidden=64,
                  num_classes=26, seed=0):
    """The lecture's speech CNN: ``channels`` filters of `height` bands × all `frames` frames.

    ``Conv2d(1, channels, (height, frames))`` → ReLU → max pool of `pool` bands along frequency
    → fully connected `hidden` → ReLU → `num_classes` logits. The convolution's output has one
    column: the filters moved along frequency only.

    Parameters
    ----------
    n_mels, frames : int, optional
        Input ``(N, 1, n_mels, frames)``.
    channels, height, pool, hidden, num_classes : int, optional
    seed : int, optional
        Seeds the initial weights (the global torch generator is left as it was).

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> frequency_cnn()(torch.zeros(2, 1, 40, 64)).shape
    torch.Size([2, 26])
    >>> frequency_cnn()[0].weight.shape  # filters: 8 bands high, 64 frames wide
    torch.Size([32, 1, 8, 64])
    """
    n_mels, frames, channels, height, pool, hidden, num_classes = (
        check_positive(v, name) for v, name in (
            (n_mels, "n_mels"), (frames, "frames"), (channels, "channels"), (height, "height"),
            (pool, "pool"), (hidden, "hidden"), (num_classes, "num_classes")))
    if height > n_mels:
        raise ValueError(f"`height` {height} is larger than `n_mels` {n_mels}")
    bands = (n_mels - height + 1) // pool
    if bands < 1:
        raise ValueError(f"`pool` {pool} is larger than the {n_mels - height + 1} filter positions")
    return _seeded(lambda: nn.Sequential(
        nn.Conv2d(1, channels, (height, frames)),  # (N, C, positions along frequency, 1)
        nn.ReLU(),
        nn.MaxPool2d((pool, 1)),
        nn.Flatten(),
        nn.Linear(channels * bands, hidden),
        nn.ReLU(),
        nn.Linear(hidden, num_classes),
    ), seed)


def time_frequency_cnn(*, n_mels=40, frames=64, channels=(16, 32), kernel_size=5, hidden=64,
                       num_classes=26, seed=0):
    """A 2-D CNN on the spectrogram: square filters sliding along time *and* frequency.

    Two blocks of ``Conv2d(kernel_size, padding='same')`` → ReLU → 2×2 max pooling, then a
    fully connected `hidden` layer and the logits: the image recipe of chapter 5.

    Examples
    --------
    >>> time_frequency_cnn()(torch.zeros(2, 1, 40, 64)).shape
    torch.Size([2, 26])
    """
    n_mels, frames, hidden, num_classes = (check_positive(v, name) for v, name in (
        (n_mels, "n_mels"), (frames, "frames"), (hidden, "hidden"), (num_classes, "num_classes")))
    kernel_size = check_positive(kernel_size, "kernel_size")
    c1, c2 = (check_positive(c, "channels") for c in channels)
    if n_mels < 4 or frames < 4:
        raise ValueError("`n_mels` and `frames` must be >= 4 (two 2×2 poolings)")
    return _seeded(lambda: nn.Sequential(
        nn.Conv2d(1, c1, kernel_size, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, kernel_size, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(c2 * (n_mels // 4) * (frames // 4), hidden), nn.ReLU(),
        nn.Linear(hidden, num_classes),
    ), seed)


def speech_mlp(*, n_mels=40, frames=64, hidden=128, num_classes=26, seed=0):
    """A fully connected network on the flattened spectrogram: no sliding at all.

    Examples
    --------
    >>> speech_mlp()(torch.zeros(2, 1, 40, 64)).shape
    torch.Size([2, 26])
    """
    n_mels, frames, hidden, num_classes = (check_positive(v, name) for v, name in (
        (n_mels, "n_mels"), (frames, "frames"), (hidden, "hidden"), (num_classes, "num_classes")))
    return _seeded(lambda: nn.Sequential(
        nn.Flatten(), nn.Linear(n_mels * frames, hidden), nn.ReLU(),
        nn.Linear(hidden, num_classes),
    ), seed)


def shift_frequency(x, shift, *, fill=None):
    """Move a spectrogram `shift` bands up (towards higher rows) along axis -2.

    Rows that come in from the edge are set to `fill` (default: the minimum of `x`, the
    spectrogram's silence).

    Parameters
    ----------
    x : (..., n_mels, frames) torch.Tensor
    shift : int
        Bands up (positive) or down (negative); ``|shift| < n_mels``.
    fill : float, optional

    Returns
    -------
    torch.Tensor
        Same shape: ``out[..., f + shift, :] = x[..., f, :]``.

    Examples
    --------
    >>> shift_frequency(torch.tensor([[1.0], [2.0], [3.0]]), 1, fill=0.0).ravel().tolist()
    [0.0, 1.0, 2.0]
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`x` must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim < 2:
        raise ValueError(f"`x` must have at least 2 dimensions, got {x.ndim}")
    shift = check_int(shift, "shift")
    n = x.shape[-2]
    if abs(shift) >= n:
        raise ValueError(f"`shift` {shift} must be smaller than the {n} bands in magnitude")
    out = torch.full_like(x, x.min().item() if fill is None else float(fill))
    if shift >= 0:
        out[..., shift:, :] = x[..., : n - shift, :]
    else:
        out[..., :shift, :] = x[..., -shift:, :]
    return out


def random_time_shift(max_shift, *, fill=0.0):
    """A training `transform`: move each spectrogram of a batch by its own random number of
    frames, ``-max_shift .. max_shift``, along time (axis -1), filling with `fill`.

    Returns ``transform(batch, generator)`` for :func:`cnnbook.train.train`.

    Examples
    --------
    >>> t = random_time_shift(0)
    >>> x = torch.rand(2, 1, 3, 4)
    >>> torch.equal(t(x, torch.Generator().manual_seed(0)), x)
    True
    """
    max_shift = check_nonnegative(max_shift, "max_shift")
    fill = float(fill)

    def transform(batch, generator):
        n, frames = batch.shape[0], batch.shape[-1]
        s = torch.randint(-max_shift, max_shift + 1, (n,), generator=generator)
        src = torch.arange(frames) - s[:, None]  # (N, frames): where each column comes from
        valid = ((src >= 0) & (src < frames)).view(n, *[1] * (batch.ndim - 2), frames)
        idx = src.clamp(0, frames - 1).view(valid.shape).expand_as(batch)
        return torch.where(valid, batch.gather(-1, idx), torch.tensor(fill, dtype=batch.dtype))

    return transform


class ShiftResponse(NamedTuple):
    """Feature maps of a spectrogram and of its shifted copy, and how far they are from shifted
    copies of each other.

    Attributes
    ----------
    original, shifted : torch.Tensor
        ``layer(x)`` and ``layer(shift_frequency(x, shift))``.
    error : float
        ``max |shifted[f + shift] - original[f]|`` over the rows ``f`` at least `margin` rows
        away from both edges of the output (0 for an equivariant layer).
    """

    original: torch.Tensor
    shifted: torch.Tensor
    error: float


@torch.no_grad()
def shift_response(layer, x, shift, *, margin=0):
    """Apply `layer` to a spectrogram and to its copy shifted along frequency; compare.

    For a convolution along frequency without padding the response shifts with the input
    exactly (``error`` ≈ 0); a fully connected layer's does not.

    Parameters
    ----------
    layer : callable
        Maps ``(N, C, n_mels, frames)`` to ``(N, C', H', W')`` with rows along frequency.
    x : (N, C, n_mels, frames) torch.Tensor
    shift : int
        Bands up (``0 < shift < H'`` after the margins).
    margin : int, optional
        Output rows to leave out at each edge (where a padded layer sees its padding).

    Returns
    -------
    ShiftResponse

    Examples
    --------
    >>> conv = torch.nn.Conv2d(1, 2, (3, 5))
    >>> r = shift_response(conv, torch.rand(1, 1, 10, 5), 2)
    >>> r.original.shape, r.error < 1e-5
    (torch.Size([1, 2, 8, 1]), True)
    """
    if not callable(layer):
        raise TypeError("`layer` must be callable, e.g. a torch.nn.Module")
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError("`x` must be a (N, C, n_mels, frames) torch.Tensor")
    shift = check_int(shift, "shift")
    margin = check_nonnegative(margin, "margin")
    y0, y1 = layer(x), layer(shift_frequency(x, shift))
    rows = y0.shape[-2]
    lo, hi = margin, rows - margin - abs(shift)
    if hi <= lo:
        raise ValueError(f"`shift` {shift} and `margin` {margin} leave no rows of {rows}")
    a = y0[..., lo:hi, :] if shift >= 0 else y0[..., lo - shift : hi - shift, :]
    b = y1[..., lo + shift : hi + shift, :] if shift >= 0 else y1[..., lo:hi, :]
    return ShiftResponse(y0, y1, float((a - b).abs().max()))
