"""k-max pooling along a sequence (Kalchbrenner et al. 2014), its gradient, and dynamic k.

Used for text: after a convolution along the words, keep the k strongest responses of each
filter, in their original order, whatever the sentence's length.
"""


import numpy as np

from ._check import as_float_array, check_int, check_ndim, check_positive

__all__ = ["dynamic_k", "kmax_pool1d", "kmax_pool1d_backward"]


def kmax_pool1d(x, k):
    """The `k` largest values along the last axis, kept in their original order.

    k-max pooling (Kalchbrenner et al. 2014) keeps *which* features fired strongly and in
    what order, but not where.

    Parameters
    ----------
    x : (..., L) array_like
    k : int
        ``1 <= k <= L``.

    Returns
    -------
    (..., k) ndarray
        Ties are broken towards the earlier position.

    Notes
    -----
    Differences from ``torch.topk(x, k).values``, on purpose: the values keep their original
    order (torch sorts them, largest first), and a NaN counts as the *smallest* value, so it is
    kept only when fewer than `k` other values remain (``torch.topk`` ranks NaN above every
    number). ``kmax_pool1d([1, nan, 3, 2], 2)`` is ``[3, 2]``; torch's top two are ``nan, 3``.

    Examples
    --------
    >>> kmax_pool1d(np.array([3, 1, 4, 1, 5, 9, 2, 6]), 3)
    array([5., 9., 6.])
    """
    x = as_float_array(x, "x")
    idx = _kmax_index(x, k)
    return np.take_along_axis(x, idx, axis=-1)


def _kmax_index(x, k):
    check_ndim(x, range(1, 33), "x")
    k = check_positive(k, "k")
    if k > x.shape[-1]:
        raise ValueError(f"`k` {k} is larger than the length {x.shape[-1]} of `x`")
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.sort(idx, axis=-1)


def kmax_pool1d_backward(grad_out, x, k):
    """Gradient of `kmax_pool1d`: each of the k gradients goes back to the position it came from.

    Parameters
    ----------
    grad_out : (..., k) array_like
    x : (..., L) array_like
        The input of the forward pass.
    k : int

    Returns
    -------
    (..., L) ndarray
        Zero except at the k selected positions.

    Examples
    --------
    >>> kmax_pool1d_backward(np.array([1.0, 2.0]), np.array([5.0, 0.0, 7.0]), 2)
    array([1., 0., 2.])
    """
    x = as_float_array(x, "x")
    idx = _kmax_index(x, k)
    grad_out = as_float_array(grad_out, "grad_out")
    if grad_out.shape != idx.shape:
        raise ValueError(f"`grad_out` has shape {grad_out.shape}, the output has {idx.shape}")
    grad = np.zeros(x.shape, np.result_type(x, grad_out))
    np.put_along_axis(grad, idx, grad_out, axis=-1)
    return grad


def dynamic_k(layer, num_layers, length, k_top):
    """The k of dynamic k-max pooling at a layer: ``max(k_top, ceil((L - l) / L * s))``.

    Kalchbrenner, Grefenstette and Blunsom (2014): lower layers of a sentence model keep more
    values, the top layer keeps `k_top`, whatever the sentence length ``s``.

    Parameters
    ----------
    layer : int
        ``l``, the convolutional layer, ``1 <= l <= num_layers``.
    num_layers : int
        ``L``, the number of convolutional layers.
    length : int
        ``s``, the length of the input sentence (``>= 1``).
    k_top : int
        The fixed k of the top layer (``>= 1``).

    Returns
    -------
    int

    Examples
    --------
    The paper's example: 3 layers, a sentence of 18 words, k_top = 3.

    >>> [dynamic_k(l, 3, 18, 3) for l in (1, 2, 3)]
    [12, 6, 3]
    """
    num_layers = check_positive(num_layers, "num_layers")
    layer = check_positive(layer, "layer")
    if layer > num_layers:
        raise ValueError(f"`layer` {layer} must be <= `num_layers` {num_layers}")
    length = check_positive(length, "length")
    k_top = check_positive(check_int(k_top, "k_top"), "k_top")
    return max(k_top, -(-(num_layers - layer) * length // num_layers))  # exact ceil
