"""The book's CNNs, in PyTorch, and a shape-and-parameter trace.

* :func:`lecture_cnn` — the lecture's Keras example rebuilt: 25 3×3 filters on a 28×28×1 image,
  2×2 max pooling, 50 3×3 filters, 2×2 max pooling, flatten, dense 100, dense 10.
* :func:`small_cnn` — a small modern CNN (conv–BatchNorm–ReLU blocks) for Fashion-MNIST.
* :func:`mlp` — a fully connected network, the baseline that has no convolutional prior.
* :func:`trace` — per-layer output shape and parameter count, computed by running the model.

Every builder takes ``seed=``: the initial weights come from that seed alone and torch's global
random state is left untouched.
"""

import math
from dataclasses import dataclass

import torch
from torch import nn

from ._check import check_bool, check_int, check_positive
from ._check import seeded as _seeded

__all__ = ["TraceRow", "conv_stack", "lecture_cnn", "mlp", "position_net", "small_cnn", "trace"]


def lecture_cnn(*, conv=nn.Conv2d, activation=True, seed=0):
    """The lecture's CNN: conv(25, 3×3) → pool → conv(50, 3×3) → pool → flatten → 100 → 10.

    Output shapes: 1×28×28 → 25×26×26 → 25×13×13 → 50×11×11 → 50×5×5 → 1250 → 100 → 10
    (logits; the softmax is in the loss).

    Parameters
    ----------
    conv : callable, optional
        ``conv(in_channels, out_channels, kernel_size)`` returning a module; default
        :class:`torch.nn.Conv2d`. Pass :class:`cnnbook.nn.Conv2d` for the from-scratch layer.
    activation : bool, optional
        ReLU after each convolution (default). The lecture's Keras code gives the convolutions
        no activation (Keras' default is linear); ``activation=False`` rebuilds exactly that.
    seed : int, optional
        Seed of the initial weights.

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> model = lecture_cnn()
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """

    activation = check_bool(activation, "activation")
    if not callable(conv):
        raise TypeError("`conv` must be callable: conv(in_channels, out_channels, kernel_size)")

    def build():
        act = nn.ReLU if activation else nn.Identity
        return nn.Sequential(
            conv(1, 25, 3), act(), nn.MaxPool2d(2),
            conv(25, 50, 3), act(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(50 * 5 * 5, 100), nn.ReLU(),
            nn.Linear(100, 10),
        )

    return _seeded(build, seed)


def small_cnn(*, widths=(16, 32, 64), in_channels=1, input_size=28, num_classes=10, seed=0):
    """A small modern CNN: blocks of 3×3 conv → BatchNorm → ReLU → 2×2 max pool, then flatten
    and one linear layer.

    Parameters
    ----------
    widths : sequence of int, optional
        Channels of each block; each block halves the spatial size (28 → 14 → 7 → 3).
    in_channels, input_size, num_classes : int, optional
        Input channels and side, number of classes.
    seed : int, optional
        Seed of the initial weights.

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> small_cnn()(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    if not isinstance(widths, (tuple, list)):
        raise TypeError("`widths` must be a tuple or list of positive ints")
    if not widths:
        raise ValueError("`widths` must hold at least one width")
    widths = [check_positive(w, "widths") for w in widths]
    in_channels = check_positive(in_channels, "in_channels")
    input_size = check_positive(input_size, "input_size")
    num_classes = check_positive(num_classes, "num_classes")
    side = input_size
    for _ in widths:
        side //= 2
    if side < 1:
        raise ValueError(f"`input_size` {input_size} is too small for {len(widths)} blocks")

    def build():
        layers, c = [], in_channels
        for w in widths:
            layers += [
                nn.Conv2d(c, w, 3, padding=1, bias=False),  # BatchNorm supplies the bias
                nn.BatchNorm2d(w),
                nn.ReLU(),
                nn.MaxPool2d(2),
            ]
            c = w
        layers += [nn.Flatten(), nn.Linear(c * side * side, num_classes)]
        return nn.Sequential(*layers)

    return _seeded(build, seed)


def mlp(sizes=(784, 100, 10), *, seed=0):
    """A fully connected network (flatten first): Linear → ReLU → ... → Linear.

    Examples
    --------
    >>> mlp((784, 32, 10))(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    if not isinstance(sizes, (tuple, list)):
        raise TypeError("`sizes` must be a tuple or list of positive ints")
    if len(sizes) < 2:
        raise ValueError("`sizes` must hold at least an input and an output size")
    sizes = [check_positive(n, "sizes") for n in sizes]

    def build():
        layers = [nn.Flatten()]
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    return _seeded(build, seed)


def position_net(*, pooling, channels=16, size=16, seed=0):
    """A CNN that outputs one logit per input position (``size**2`` classes).

    Without pooling it is fully convolutional, like AlphaGo's policy network: two 3×3
    convolutions (padding 1, ReLU) and a 1×1 convolution to one map, whose ``size**2`` values are
    the logits. With ``pooling=True`` each 3×3 convolution is followed by 2×2 max pooling, and a
    dense layer maps the pooled features back to ``size**2`` logits.

    Parameters
    ----------
    pooling : bool
    channels : int, optional
    size : int, optional
        Side of the input; a multiple of 4 when pooling.
    seed : int, optional

    Examples
    --------
    >>> position_net(pooling=True)(torch.zeros(2, 1, 16, 16)).shape
    torch.Size([2, 256])
    """
    pooling = check_bool(pooling, "pooling")
    channels = check_positive(channels, "channels")
    size = check_positive(size, "size")
    if pooling and size % 4:
        raise ValueError("`size` must be a multiple of 4 with pooling")

    def build():
        if not pooling:
            return nn.Sequential(
                nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
                nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
                nn.Conv2d(channels, 1, 1), nn.Flatten(),
            )  # fmt: skip
        return nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(channels * (size // 4) ** 2, size * size),
        )  # fmt: skip

    return _seeded(build, seed)


def conv_stack(depth, *, channels=8, kernel_size=3, activation=True, seed=0):
    """``depth`` convolutions of ``kernel_size`` (stride 1, 'same' padding), ReLU in between.

    Used to watch the receptive field grow with depth (chapter 6).

    Examples
    --------
    >>> conv_stack(3)(torch.zeros(1, 1, 9, 9)).shape
    torch.Size([1, 8, 9, 9])
    """
    depth = check_positive(depth, "depth")
    channels = check_positive(channels, "channels")
    kernel_size = check_positive(kernel_size, "kernel_size")
    activation = check_bool(activation, "activation")
    if kernel_size % 2 == 0:
        raise ValueError("`kernel_size` must be odd")

    def build():
        layers, c = [], 1
        for i in range(depth):
            layers.append(nn.Conv2d(c, channels, kernel_size, padding=kernel_size // 2))
            if activation and i < depth - 1:
                layers.append(nn.ReLU())
            c = channels
        return nn.Sequential(*layers)

    return _seeded(build, seed)


@dataclass(frozen=True)
class TraceRow:
    """One layer of a :func:`trace`.

    Attributes
    ----------
    name : str
        Index of the layer in the Sequential (its ``named_children`` name).
    kind : str
        Class name, e.g. ``"Conv2d"``.
    output_shape : tuple of int
        Shape of one example's output, without the batch axis.
    params : int
        Trainable parameters of the layer (weights and biases).
    weights_per_unit : int or None
        Weights of one filter (conv: in_channels/groups × kh × kw) or of one neuron (linear:
        in_features); None for layers without weights.
    """

    name: str
    kind: str
    output_shape: tuple
    params: int
    weights_per_unit: int | None


def _weights_per_unit(layer):
    weight = getattr(layer, "weight", None)
    if not isinstance(weight, torch.Tensor) or weight.dim() < 2:
        return None  # no weight, or BatchNorm's per-channel scale
    return math.prod(weight.shape[1:])


@torch.no_grad()
def trace(model, input_shape):
    """Run ``model`` layer by layer on zeros and record each layer's output shape and parameters.

    Parameters
    ----------
    model : torch.nn.Sequential
        Its children are run in order (nested Sequentials count as one layer).
    input_shape : tuple of int
        Shape of one example, without the batch axis, e.g. ``(1, 28, 28)``.

    Returns
    -------
    list of TraceRow

    Examples
    --------
    >>> rows = trace(lecture_cnn(), (1, 28, 28))
    >>> for r in rows[:4]:
    ...     print(r.kind, r.output_shape, r.params, r.weights_per_unit)
    Conv2d (25, 26, 26) 250 9
    ReLU (25, 26, 26) 0 None
    MaxPool2d (25, 13, 13) 0 None
    Conv2d (50, 11, 11) 11300 225
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError("`model` must be a torch.nn.Sequential")
    if not isinstance(input_shape, (tuple, list)):
        raise TypeError("`input_shape` must be a tuple of ints, e.g. (1, 28, 28)")
    input_shape = tuple(check_int(n, "input_shape") for n in input_shape)
    if not input_shape or min(input_shape) < 1:
        raise ValueError("`input_shape` must be a non-empty tuple of positive sizes")
    was_training = model.training
    model.eval()
    try:
        param = next(model.parameters(), None)
        device = param.device if param is not None else "cpu"
        x = torch.zeros((1, *input_shape), device=device)
        rows = []
        for name, layer in model.named_children():
            x = layer(x)
            params = sum(p.numel() for p in layer.parameters() if p.requires_grad)
            rows.append(
                TraceRow(name, type(layer).__name__, tuple(x.shape[1:]), params,
                         _weights_per_unit(layer))
            )  # fmt: skip
    finally:
        model.train(was_training)
    return rows
