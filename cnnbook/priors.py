"""Priors on a network's weights, from weak to infinitely strong (chapter 6).

A Gaussian prior ``N(0, sigma^2)`` on every weight is, for maximum a posteriori training, an L2
penalty: its negative log density adds ``||w||^2 / (2 sigma^2)`` to the summed loss, that is a
weight decay ``1 / (n sigma^2)`` on the *mean* loss over ``n`` examples. A small ``sigma`` is a
strong prior (low entropy: it leaves the weights little freedom); ``sigma -> 0`` fixes them.
Convolution and pooling are infinitely strong priors of another kind: they fix some weights to
zero, tie others together, and (pooling) demand invariance to small shifts.
:func:`conv_head_position_net` is a network whose prior is too strong for its task, and
:func:`tie_ceiling` the best training accuracy it can reach whatever its weights.
"""

import math

import numpy as np

from ._check import check_positive, check_positive_real, torch_seed

__all__ = [
    "conv_head_position_net",
    "gaussian_prior_entropy",
    "gaussian_weight_decay",
    "tie_ceiling",
]


def gaussian_prior_entropy(sigma):
    """Differential entropy (nats) of the prior ``N(0, sigma^2)`` on one weight.

    ``log(2 pi e sigma^2) / 2``: high for a weak (wide) prior, low — and negative once ``sigma``
    is below about 0.24 — for a strong one; it tends to minus infinity as the prior fixes the
    weight.

    Parameters
    ----------
    sigma : float
        Standard deviation, > 0.

    Returns
    -------
    float

    Examples
    --------
    >>> round(gaussian_prior_entropy(1.0), 4)
    1.4189
    >>> gaussian_prior_entropy(0.01) < 0 < gaussian_prior_entropy(1.0)
    True
    """
    sigma = check_positive_real(sigma, "sigma")
    return 0.5 * math.log(2 * math.pi * math.e * sigma**2)


def gaussian_weight_decay(sigma, *, n_examples):
    """Weight decay on a mean loss equivalent to the prior ``N(0, sigma^2)`` on every weight.

    Maximum a posteriori training minimises ``sum_i loss_i + ||w||^2 / (2 sigma^2)``; divided by
    ``n_examples`` this is the mean loss plus ``lam / 2 * ||w||^2`` with
    ``lam = 1 / (n_examples * sigma^2)``, the ``weight_decay`` of :class:`torch.optim.SGD`.

    Parameters
    ----------
    sigma : float
        Standard deviation of the prior, > 0.
    n_examples : int
        Number of training examples, >= 1.

    Returns
    -------
    float

    Examples
    --------
    >>> gaussian_weight_decay(0.1, n_examples=1000)
    0.1
    """
    sigma = check_positive_real(sigma, "sigma")
    n_examples = check_positive(n_examples, "n_examples")
    return 1.0 / (n_examples * sigma * sigma)


def tie_ceiling(labels, *, size=16, block=4):
    """Best accuracy of a position classifier whose scores are constant on square tiles.

    A network that pools by ``block`` and upsamples back gives every pixel of a tile the same
    score; ``argmax`` then picks the tile's first pixel (row-major), so only labels that sit at
    a tile's top-left corner can come out right, whatever the weights.

    Parameters
    ----------
    labels : array_like of int
        Positions ``row * size + col``, each in ``[0, size**2)``.
    size : int, optional
        Side of the square input.
    block : int, optional
        Side of a tile; must divide ``size``.

    Returns
    -------
    float
        The share of ``labels`` at a tile's top-left corner.

    Examples
    --------
    >>> tie_ceiling([0, 1, 4, 64, 65], size=16, block=4)   # 0, 4 and 64 are corners
    0.6
    """
    size = check_positive(size, "size")
    block = check_positive(block, "block")
    if size % block:
        raise ValueError(f"`block` ({block}) must divide `size` ({size})")
    if hasattr(labels, "detach"):
        labels = labels.detach().cpu().numpy()
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError("`labels` must be a non-empty 1-D array")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"`labels` must hold integers, got dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() >= size * size:
        raise ValueError(f"`labels` must lie in [0, {size * size})")
    rows, cols = np.divmod(labels, size)
    return float(((rows % block == 0) & (cols % block == 0)).mean())


def conv_head_position_net(*, channels=16, size=16, seed=0):
    """The pooled position network with a convolutional head: it cannot fit its task.

    Two 3×3 convolutions (padding 1, ReLU), each followed by 2×2 max pooling, then a 1×1
    convolution to one map, nearest-neighbour upsampling by 4 back to ``size``×``size`` and a
    flatten: ``size**2`` logits, equal on every 4×4 tile (see :func:`tie_ceiling`).

    Parameters
    ----------
    channels : int, optional
    size : int, optional
        Side of the input; a multiple of 4.
    seed : int, optional
        Seeds the initial weights (the global torch generator is left as it was).

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> import torch
    >>> net = conv_head_position_net()
    >>> out = net(torch.rand(2, 1, 16, 16)).reshape(2, 16, 16)
    >>> bool((out[:, :4, :4] == out[:, :1, :1]).all())       # one score per 4×4 tile
    True
    """
    from torch import nn

    channels = check_positive(channels, "channels")
    size = check_positive(size, "size")
    if size % 4:
        raise ValueError(f"`size` must be a multiple of 4, got {size}")
    with torch_seed(seed):
        return nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(channels, 1, 1), nn.Upsample(scale_factor=4), nn.Flatten(),
        )  # fmt: skip
