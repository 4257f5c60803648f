"""Counting parameters: why a convolutional layer is so much smaller than a dense one."""

from ._check import check_bool, check_positive, is_int, positive_pair

__all__ = ["fc_params", "conv_params"]

def fc_params(in_shape, out_features, *, bias=True):
    """Number of parameters of a fully connected layer on a flattened input.

    Every one of the ``out_features`` neurons has one weight per input value, plus a bias.

    Parameters
    ----------
    in_shape : int or tuple of int
        Shape of one input, e.g. ``(C, H, W)``; its values are flattened. Python and numpy
        integers are accepted (``np.int64(784)``, ``x.shape``); floats are not.
    out_features : int
        Number of neurons of the layer.
    bias : bool, optional
        Whether each neuron has a bias.

    Returns
    -------
    int

    Examples
    --------
    >>> fc_params((1, 28, 28), 100)
    78500
    """
    if is_int(in_shape):
        shape = (in_shape,)
    elif isinstance(in_shape, (tuple, list)):
        shape = tuple(in_shape)
    else:
        raise TypeError(f"`in_shape` must be an int or a tuple of ints, got "
                        f"{type(in_shape).__name__}")
    if not shape:
        raise ValueError("`in_shape` must not be empty")
    n_in = 1
    for d in shape:
        n_in *= check_positive(d, "in_shape")
    out_features = check_positive(out_features, "out_features")
    bias = check_bool(bias, "bias")
    return n_in * out_features + (out_features if bias else 0)


def conv_params(in_channels, out_channels, kernel_size, *, groups=1, bias=True):
    """Number of parameters of a 2-D convolutional layer.

    It does not depend on the image size: each of the ``out_channels`` filters has
    ``in_channels / groups * kh * kw`` weights, shared by every position.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels in and out; both must be divisible by ``groups``.
    kernel_size : int or (int, int)
        Filter height and width.
    groups : int, optional
        Number of channel groups (1: every filter sees every input channel).
    bias : bool, optional
        Whether each filter has a bias.

    Returns
    -------
    int

    Examples
    --------
    >>> conv_params(1, 25, 3)   # the lecture's first layer: 25 filters of 9 weights
    250
    >>> conv_params(25, 50, 3, bias=False) // 50   # weights per filter of the second layer
    225
    """
    in_channels = check_positive(in_channels, "in_channels")
    out_channels = check_positive(out_channels, "out_channels")
    groups = check_positive(groups, "groups")
    kh, kw = positive_pair(kernel_size, "kernel_size")
    bias = check_bool(bias, "bias")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"`groups` ({groups}) must divide in_channels ({in_channels}) "
            f"and out_channels ({out_channels})"
        )
    return out_channels * (in_channels // groups) * kh * kw + (out_channels if bias else 0)
