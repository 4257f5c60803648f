"""Receptive fields: the closed form (Araujo et al. 2019) and its measurement by gradients.

For a stack of layers with kernel sizes :math:`k_l`, strides :math:`s_l`, paddings :math:`p_l`
and dilations :math:`d_l` (effective kernel :math:`k'_l = d_l (k_l - 1) + 1`), a unit of layer
:math:`L` sees an input window of

* size :math:`r_L = 1 + \\sum_{l=1}^{L} (k'_l - 1) \\prod_{i<l} s_i`,
* effective stride :math:`S_L = \\prod_{l \\le L} s_l` (how far the window moves when the unit
  moves by one), and
* effective padding :math:`P_L = \\sum_{l=1}^{L} p_l \\prod_{i<l} s_i`, so the window of unit
  :math:`j` covers input positions :math:`j S_L - P_L, \\dots, j S_L - P_L + r_L - 1`.

:func:`receptive_field` computes these for every layer; :func:`gradient_footprint` and
:func:`effective_receptive_field` measure with autograd what a unit actually depends on. Only
the measurement functions need torch.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ._check import check_bool, check_int, check_positive, check_real, is_int, reject_torch

__all__ = [
    "Layer",
    "ReceptiveField",
    "alphago_policy_layers",
    "effective_receptive_field",
    "erf_size",
    "gradient_footprint",
    "receptive_field",
    "to_module",
    "vgg16_layers",
]


@dataclass(frozen=True)
class Layer:
    """A layer as the receptive field sees it: a sliding window along one axis.

    ``kind`` is a label only (``"conv"``, ``"pool"``, ...); padding is on each side.
    """

    kernel_size: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    kind: str = "conv"
    name: str = ""
    ceil_mode: bool = False

    def __post_init__(self):
        for attr, low in (("kernel_size", 1), ("stride", 1), ("padding", 0), ("dilation", 1)):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"`{attr}` must be an int, got {value!r}")
            if value < low:
                raise ValueError(f"`{attr}` must be >= {low}, got {value}")
            object.__setattr__(self, attr, int(value))  # np.int64(3) is stored as 3
        object.__setattr__(self, "ceil_mode", check_bool(self.ceil_mode, "ceil_mode"))


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field of the units of one layer, in input pixels (one axis).

    Attributes
    ----------
    layer : Layer
        The layer itself.
    size : int
        Side of the input window a unit sees.
    stride : int
        Effective stride: input pixels between the windows of neighbouring units.
    padding : int
        Effective padding: the window of unit ``j`` starts at ``j * stride - padding``.
    output_size : int or None
        Size of the layer's feature map, when ``input_size`` was given.
    """

    layer: Layer
    size: int
    stride: int
    padding: int
    output_size: int | None = None

    @property
    def name(self):
        return self.layer.name

    @property
    def kind(self):
        return self.layer.kind

    def window(self, index):
        """``(start, stop)``: the input positions ``start <= i < stop`` that unit ``index`` sees
        (may reach into the padding, i.e. below 0 or past the input)."""
        start = index * self.stride - self.padding
        return start, start + self.size

    def as_row(self):
        """The record as a table row (a dict): layer, its k/s/p, output size, and the RF."""
        return {"layer": self.name, "k": self.layer.kernel_size, "s": self.layer.stride,
                "p": self.layer.padding, "output": self.output_size, "RF size": self.size,
                "eff. stride": self.stride, "eff. padding": self.padding}


# ---- reading layers -----------------------------------------------------------------------


def _pick(value, axis, attr, name):
    if isinstance(value, str):
        raise ValueError(f"layer {name}: `{attr}`={value!r} is not supported here")
    if isinstance(value, (tuple, list)):
        if axis is None:
            if len(set(value)) != 1:
                raise ValueError(
                    f"layer {name} is not square ({attr}={tuple(value)}); pass `axis=0` or "
                    "`axis=1` to choose an axis"
                )
            return int(value[0])
        return int(value[axis])
    return int(value)


def _stop_or_pointwise(module):
    """'stop' for layers that end the spatial part, 'pointwise' for ones that keep it."""
    from torch import nn

    stop = (nn.Flatten, nn.Linear, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
    pointwise = (
        nn.Identity,
        nn.modules.batchnorm._BatchNorm,
        nn.modules.dropout._DropoutNd,
        nn.Dropout,
    )
    if isinstance(module, stop):
        return "stop"
    if isinstance(module, pointwise) or type(module).__module__ == "torch.nn.modules.activation":
        return "pointwise"
    return None


def _refused(module):
    """Why a module that has a ``kernel_size`` is still not a sliding window here, or None."""
    from torch import nn

    if isinstance(module, nn.modules.conv._ConvTransposeNd):
        return ("a transposed convolution upsamples (its output grows), which a receptive "
                "field of a downsampling stack cannot express")
    if isinstance(module, (nn.MaxUnpool1d, nn.MaxUnpool2d, nn.MaxUnpool3d, nn.Fold, nn.Unfold)):
        return "it does not slide a window over a feature map"
    kernel = module.kernel_size
    if isinstance(kernel, (tuple, list)) and len(kernel) != 2:
        return f"it is not 2-D (kernel_size={tuple(kernel)})"
    if isinstance(module, (nn.Conv1d, nn.Conv3d, nn.MaxPool1d, nn.MaxPool3d, nn.AvgPool1d,
                           nn.AvgPool3d, nn.LPPool1d)):
        return "it is not 2-D"
    return None


def _from_module(module, name, axis):
    kernel = getattr(module, "kernel_size", None)
    if kernel is None:
        raise TypeError(
            f"cannot work out the receptive field of layer {name} ({type(module).__name__})"
        )
    why = _refused(module)
    if why is not None:
        raise TypeError(f"cannot work out the receptive field of layer {name} "
                        f"({type(module).__name__}): {why}")
    kind = "pool" if "Pool" in type(module).__name__ else "conv"
    stride = getattr(module, "stride", None)
    stride = kernel if stride is None else stride  # pooling's default stride
    padding = getattr(module, "padding", 0)
    dilation = getattr(module, "dilation", 1)
    k = _pick(kernel, axis, "kernel_size", name)
    d = _pick(dilation, axis, "dilation", name)
    if padding == "valid":
        p = 0
    elif padding == "same":
        if (d * (k - 1)) % 2:
            raise ValueError(f"layer {name}: padding='same' with an even kernel is asymmetric")
        p = d * (k - 1) // 2
    else:
        p = _pick(padding, axis, "padding", name)
    return Layer(
        kernel_size=k,
        stride=_pick(stride, axis, "stride", name),
        padding=p,
        dilation=d,
        kind=kind,
        name=f"{name} {type(module).__name__}",
        ceil_mode=bool(getattr(module, "ceil_mode", False)),
    )


def _layers_from_model(model, axis):
    layers = []
    for name, module in model.named_modules():
        if len(module._modules):  # a container: its children are visited
            continue
        what = _stop_or_pointwise(module)
        if what == "stop":
            break
        if what == "pointwise":
            continue
        layers.append(_from_module(module, name, axis))
    return layers


def _as_layer(spec, i):
    if isinstance(spec, Layer):
        return spec
    if isinstance(spec, Mapping):
        spec = dict(spec)
        spec.setdefault("name", str(i))
        try:
            return Layer(**spec)
        except TypeError as err:
            raise TypeError(f"`layers[{i}]`: {err}") from None
    raise TypeError(f"`layers[{i}]` must be a Layer or a dict, got {type(spec).__name__}")


def _output_size(n, span, layer):
    """Feature-map size after `layer` on `n` pixels (``span = n + 2p - k'``), torch's rule."""
    if not layer.ceil_mode:
        return span // layer.stride + 1
    out = -(-span // layer.stride) + 1
    if (out - 1) * layer.stride >= n + layer.padding:  # last window starts in the right padding
        out -= 1
    return out


def receptive_field(layers, *, input_size=None, axis=None):
    """Receptive field size, effective stride and effective padding after every layer.

    Parameters
    ----------
    layers : torch.nn.Module or sequence of Layer / dict
        A model whose leaf modules run in the order they are registered (an ``nn.Sequential``):
        ``Conv2d`` and pooling layers count, activations/BatchNorm/Dropout are skipped, and the
        first ``Flatten``/``Linear``/adaptive pooling ends the spatial part. Layers that are not
        a 2-D sliding window (``ConvTranspose2d``, ``Upsample``, 1-D or 3-D layers, ...) raise
        ``TypeError``. Or plain specs:
        :class:`Layer` objects or dicts with its fields, e.g. ``{"kernel_size": 3, "padding": 1}``.
    input_size : int, optional
        Side of the input; when given, each record also holds its feature map's size. With
        ``ceil_mode`` (torch's pooling option) the size rounds up, except that a last window
        starting past the input and its left padding is dropped, as in torch.
    axis : {None, 0, 1}, optional
        Which axis of non-square modules to read (0: height, 1: width). With None, every module
        must be square.

    Returns
    -------
    list of ReceptiveField
        One record per layer, with ``.size``, ``.stride``, ``.padding`` (and ``.output_size``).

    Examples
    --------
    The lecture's CNN: conv 3×3, pool 2×2, conv 3×3, pool 2×2.

    >>> rf = receptive_field([{"kernel_size": 3}, {"kernel_size": 2, "stride": 2},
    ...                       {"kernel_size": 3}, {"kernel_size": 2, "stride": 2}],
    ...                      input_size=28)
    >>> [(r.size, r.stride, r.padding, r.output_size) for r in rf]
    [(3, 1, 0, 26), (4, 2, 0, 13), (8, 2, 0, 11), (10, 4, 0, 5)]
    """
    if axis is not None and not (is_int(axis) and axis in (0, 1)):
        raise ValueError(f"`axis` must be None, 0 (height) or 1 (width), got {axis!r}")
    if hasattr(layers, "named_modules"):
        specs = _layers_from_model(layers, axis)
    elif isinstance(layers, (list, tuple)):
        specs = [_as_layer(spec, i) for i, spec in enumerate(layers)]
    else:
        raise TypeError("`layers` must be a torch.nn.Module or a sequence of layer specs")
    if not specs:
        raise ValueError("`layers` holds no convolution or pooling layer")
    if input_size is not None:
        input_size = check_positive(input_size, "input_size")

    size, stride, padding, n = 1, 1, 0, input_size
    records = []
    for layer in specs:
        k = layer.dilation * (layer.kernel_size - 1) + 1
        size += (k - 1) * stride
        padding += layer.padding * stride
        stride *= layer.stride
        if n is not None:
            span = n + 2 * layer.padding - k
            if span < 0:
                raise ValueError(f"layer {layer.name}: kernel larger than its padded input ({n})")
            n = _output_size(n, span, layer)
        records.append(ReceptiveField(layer, size, stride, padding, n))
    return records


def alphago_policy_layers():
    """AlphaGo's policy network (Silver et al. 2016) as layer specs, for a 19×19 board.

    Layer 1: 5×5 conv, input zero-padded to 23×23 (padding 2). Layers 2-12: 3×3 conv, padded to
    21×21 (padding 1). Layer 13: 1×1 conv, one filter. Stride 1 throughout, no pooling.

    Examples
    --------
    >>> receptive_field(alphago_policy_layers(), input_size=19)[-1].size
    27
    """
    layers = [Layer(5, padding=2, name="1 conv 5×5")]
    layers += [Layer(3, padding=1, name=f"{i} conv 3×3") for i in range(2, 13)]
    layers.append(Layer(1, name="13 conv 1×1"))
    return layers


def vgg16_layers():
    """VGG-16's convolutional part (Simonyan and Zisserman 2015, configuration D) as specs.

    Five blocks of 3×3 convolutions (padding 1) — 2, 2, 3, 3, 3 of them — each followed by
    2×2 max pooling with stride 2.

    Examples
    --------
    >>> receptive_field(vgg16_layers(), input_size=224)[-1].size
    212
    """
    layers = []
    for block, convs in enumerate((2, 2, 3, 3, 3), start=1):
        layers += [Layer(3, padding=1, name=f"conv{block}_{j}") for j in range(1, convs + 1)]
        layers.append(Layer(2, stride=2, kind="pool", name=f"pool{block}"))
    return layers


def to_module(layers, *, channels=1):
    """A torch ``nn.Sequential`` with the geometry of plain layer specs.

    Each ``"pool"`` spec becomes a ``MaxPool2d``, every other kind a ``Conv2d`` from
    ``channels`` to ``channels`` channels, with the spec's kernel size, stride, padding and
    dilation. The weights are torch's defaults: the module is meant for measuring geometry (e.g.
    with :func:`gradient_footprint`), not for use.

    Examples
    --------
    >>> to_module([Layer(3, padding=1), Layer(2, stride=2, kind="pool")])
    Sequential(
      (0): Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
      (1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    )
    """
    from torch import nn

    channels = check_positive(channels, "channels")
    modules = []
    for i, spec in enumerate(layers):
        layer = _as_layer(spec, i)
        if layer.kind == "pool":
            modules.append(nn.MaxPool2d(layer.kernel_size, layer.stride, layer.padding,
                                        layer.dilation, ceil_mode=layer.ceil_mode))  # fmt: skip
        else:
            modules.append(nn.Conv2d(channels, channels, layer.kernel_size, layer.stride,
                                     layer.padding, layer.dilation))  # fmt: skip
    return nn.Sequential(*modules)


# ---- measuring with gradients -------------------------------------------------------------


def _spatial_part(model):
    """The leaf modules before the first Flatten/Linear/adaptive pooling, as a Sequential."""
    from torch import nn

    leaves = []
    for _, module in model.named_modules():
        if len(module._modules):
            continue
        if _stop_or_pointwise(module) == "stop":
            break
        leaves.append(module)
    return nn.Sequential(*leaves)


def _check_shape(input_shape):
    """``(C, H, W)`` of positive ints, as a tuple."""
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"`input_shape` must be (C, H, W), got {input_shape!r}")
    return tuple(check_positive(v, "input_shape") for v in input_shape)


def _center(out_shape, position):
    if position is None:
        return out_shape[-2] // 2, out_shape[-1] // 2
    if not isinstance(position, (tuple, list)) or len(position) != 2:
        raise ValueError(f"`position` must be a pair (row, col), got {position!r}")
    i, j = (check_int(v, "position") for v in position)
    if not (0 <= i < out_shape[-2] and 0 <= j < out_shape[-1]):
        raise ValueError(f"`position` {position} is outside the output {tuple(out_shape[-2:])}")
    return i, j


def gradient_footprint(model, input_shape, *, position=None):
    """Input pixels on which one output unit depends: where its gradient is nonzero.

    A copy of the model's spatial part (see :func:`receptive_field`) is made with every weight
    set to 1 and every bias to 0, max pooling replaced by average pooling of the same geometry
    (max pooling passes the gradient to one input only) and BatchNorm at its initial statistics,
    so no contributions cancel. It is run on an input of ones, and the gradient of the unit at
    ``position`` (summed over channels) is taken with respect to the input.

    Parameters
    ----------
    model : torch.nn.Module
        As for :func:`receptive_field` (leaf modules run in registration order).
    input_shape : tuple of int
        ``(C, H, W)`` of one input.
    position : pair of int, optional
        ``(row, col)`` of the output unit; default the centre of the output map.

    Returns
    -------
    (H, W) ndarray of bool

    Examples
    --------
    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.MaxPool2d(2))
    >>> fp = gradient_footprint(net, (1, 8, 8), position=(0, 0))
    >>> np.argwhere(fp).min(0).tolist(), np.argwhere(fp).max(0).tolist()
    ([0, 0], [3, 3])
    """
    import copy

    import torch
    from torch import nn

    input_shape = _check_shape(input_shape)
    net = copy.deepcopy(_spatial_part(model)).double().eval()
    for i, module in enumerate(net):
        if isinstance(module, nn.MaxPool2d):
            if module.dilation not in (1, (1, 1)):
                raise ValueError("gradient_footprint does not support dilated max pooling")
            net[i] = nn.AvgPool2d(module.kernel_size, module.stride, module.padding,
                                  ceil_mode=module.ceil_mode)  # fmt: skip
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.fill_(0.0 if name.endswith("bias") else 1.0)
    x = torch.ones((1, *input_shape), dtype=torch.float64, requires_grad=True)
    out = net(x)
    i, j = _center(out.shape, position)
    out[0, :, i, j].sum().backward()
    return (x.grad[0].abs().sum(0) > 0).numpy()


def effective_receptive_field(models, input_shape, *, samples=8, generator=None):
    """Mean gradient magnitude of the central output unit over the input (Luo et al. 2016).

    For each model and each of ``samples`` standard normal inputs, the gradient of the centre
    unit of the last feature map (summed over channels) with respect to the input is taken;
    the absolute values are averaged and normalised to sum to 1.

    Parameters
    ----------
    models : torch.nn.Module or sequence of them
        Fully convolutional models (used in eval mode), e.g. with different random weights.
    input_shape : tuple of int
        ``(C, H, W)``.
    samples : int, optional
        Random inputs per model.
    generator : torch.Generator, optional
        Source of the random inputs.

    Returns
    -------
    (H, W) ndarray of float64
        Non-negative, sums to 1.

    Examples
    --------
    >>> import torch
    >>> net = torch.nn.Conv2d(1, 1, 3, padding=1)
    >>> erf = effective_receptive_field(net, (1, 7, 7), samples=2)
    >>> erf.shape, round(float(erf.sum()), 6), int((erf > 0).sum())
    ((7, 7), 1.0, 9)
    """
    import torch

    if hasattr(models, "parameters"):
        models = [models]
    input_shape = _check_shape(input_shape)
    samples = check_positive(samples, "samples")
    total = torch.zeros(input_shape[1:], dtype=torch.float64)
    for model in models:
        was_training = model.training
        model.eval()
        x = torch.randn((samples, *input_shape), generator=generator, requires_grad=True)
        out = model(x)
        i, j = _center(out.shape, None)
        out[:, :, i, j].sum().backward()
        total += x.grad.abs().sum((0, 1)).double()
        model.train(was_training)
    return (total / total.sum()).numpy()


def erf_size(grad_map, *, mass=0.95):
    """Side of the smallest square, centred on the map's centre, holding ``mass`` of its sum.

    Parameters
    ----------
    grad_map : (H, W) array_like
        Non-negative, e.g. from :func:`effective_receptive_field`.
    mass : float, optional
        Fraction in (0, 1].

    Returns
    -------
    int
        An odd side ``2h + 1``.

    Examples
    --------
    >>> m = np.zeros((9, 9)); m[4, 4] = 0.5; m[2:7, 2:7] += 0.02
    >>> erf_size(m, mass=0.5), erf_size(m, mass=1.0)
    (1, 5)
    """
    g = np.asarray(reject_torch(grad_map, "grad_map"), dtype=np.float64)
    if g.ndim != 2 or (g < 0).any():
        raise ValueError("`grad_map` must be a non-negative 2-D array")
    mass = check_real(mass, "mass")
    if not 0 < mass <= 1:
        raise ValueError("`mass` must be in (0, 1]")
    ci, cj = g.shape[0] // 2, g.shape[1] // 2
    total = g.sum()
    for h in range(max(g.shape)):
        window = g[max(ci - h, 0) : ci + h + 1, max(cj - h, 0) : cj + h + 1]
        if window.sum() >= mass * total * (1 - 1e-12):
            return 2 * h + 1
    return 2 * max(g.shape) - 1
