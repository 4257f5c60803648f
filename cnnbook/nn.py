"""PyTorch layers whose forward and backward passes are cnnbook's own numpy code.

Each ``*Function`` is a ``torch.autograd.Function``: its ``forward`` calls the numpy kernel
(`cnnbook.conv2d`, `cnnbook.max_pool2d`, ...) and its ``backward`` the matching gradient written
from the chain rule (`cnnbook.conv2d_backward`, ...). The modules (`Conv2d`, `MaxPool2d`, ...)
wrap them, so a network can be trained on the from-scratch convolution::

    net = torch.nn.Sequential(cnnbook.nn.Conv2d(1, 8, 3), torch.nn.ReLU(),
                              cnnbook.nn.MaxPool2d(2), torch.nn.Flatten(), ...)

Tensors may live on any device; the numpy code runs on the CPU and results are moved back.
Inputs and weights must be floating-point tensors (an integer or boolean tensor raises
``TypeError``, as in torch). Second derivatives are not supported (the backward passes are
numpy, not torch, code).
"""

import math

import numpy as np
import torch
from torch.autograd.function import once_differentiable

from . import kmax as _kmax
from . import pooling as _pool
from ._check import check_bool, check_choice, check_positive, pair, positive_pair
from ._im2col import resolve_padding
from .conv import conv2d as _conv2d
from .conv_backward import _conv2d_backward
from .padding import MODES

__all__ = [
    "AvgPool2d",
    "AvgPool2dFunction",
    "Conv2d",
    "Conv2dFunction",
    "KMaxPool1d",
    "KMaxPool1dFunction",
    "LPPool2d",
    "LPPool2dFunction",
    "MaxPool2d",
    "MaxPool2dFunction",
    "MinPool2d",
    "avg_pool2d",
    "conv2d",
    "kmax_pool1d",
    "lp_pool2d",
    "max_pool2d",
    "min_pool2d",
]


def _float_tensor(t, name="x"):
    """Return `t`; TypeError unless it is a floating-point tensor.

    Integer and boolean tensors are refused: the float result cast back to their dtype would
    wrap around or truncate, and could carry no gradient.
    """
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor, got {type(t).__name__}")
    if not t.is_floating_point():
        raise TypeError(f"`{name}` must be a floating-point tensor, got dtype {t.dtype} "
                        f"(convert with .float())")
    return t


def _np(t, name="x"):
    """A floating-point tensor's data as a numpy array (no copy for CPU tensors)."""
    return _float_tensor(t, name).detach().cpu().numpy()


def _torch(a, like):
    """A numpy result as a tensor with `like`'s device and dtype."""
    return torch.from_numpy(np.ascontiguousarray(a)).to(device=like.device, dtype=like.dtype)


class Conv2dFunction(torch.autograd.Function):
    """``conv2d`` with cnnbook's numpy forward and chain-rule backward.

    Call as ``Conv2dFunction.apply(x, weight, bias, stride, padding, dilation, groups,
    padding_mode)``; `bias` may be None.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups, padding_mode):
        ctx.conf = (stride, padding, dilation, groups, padding_mode)
        ctx.save_for_backward(x, weight)
        out = _conv2d(_np(x), _np(weight, "weight"), None if bias is None else _np(bias, "bias"),
                      stride=stride,
                      padding=padding, dilation=dilation, groups=groups,
                      padding_mode=padding_mode)
        return _torch(out, x)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        gx, gw, gb = _conv2d_backward(_np(grad_out, "grad_out"), _np(x), _np(weight), *ctx.conf,
                                      need_x=need_x, need_weight=need_w)
        return (_torch(gx, x) if need_x else None, _torch(gw, weight) if need_w else None,
                _torch(gb, weight) if need_b else None, None, None, None, None, None)


def conv2d(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1,
           padding_mode="zeros"):
    """`cnnbook.conv2d` on torch tensors, differentiable through cnnbook's own backward.

    Parameters and shapes as `cnnbook.conv2d`; tensors in, tensor out.

    Examples
    --------
    >>> x = torch.ones(1, 1, 3, 3, requires_grad=True)
    >>> y = conv2d(x, torch.ones(1, 1, 2, 2))
    >>> y.sum().backward()
    >>> x.grad[0, 0]
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    return Conv2dFunction.apply(x, weight, bias, stride, padding, dilation, groups, padding_mode)


class Conv2d(torch.nn.Module):
    """A 2-D convolution layer like ``torch.nn.Conv2d``, computed by `cnnbook.conv2d`.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride, dilation : int or (int, int), optional
    padding : int or (int, int) or {'valid', 'same'}, optional
    groups : int, optional
    bias : bool, optional
        Whether the layer has a bias (a bool; ``'no'`` is refused, not taken as true).
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, optional
    generator : torch.Generator, optional
        Source of the initial weights (default: torch's global generator, as ``nn.Conv2d``).
    device, dtype : optional
        Where and in which precision to create the parameters.

    Attributes
    ----------
    weight : (out_channels, in_channels // groups, kh, kw) Parameter
        Initialised like torch: uniform on ``+-1/sqrt(fan_in)``.
    bias : (out_channels,) Parameter or None

    Examples
    --------
    >>> conv = Conv2d(3, 8, 3, padding=1, generator=torch.Generator().manual_seed(0))
    >>> conv(torch.zeros(2, 3, 5, 5)).shape
    torch.Size([2, 8, 5, 5])
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", generator=None,
                 device=None, dtype=None):
        super().__init__()
        in_channels = check_positive(in_channels, "in_channels")
        out_channels = check_positive(out_channels, "out_channels")
        groups = check_positive(groups, "groups")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"`groups` {groups} must divide `in_channels` {in_channels} "
                             f"and `out_channels` {out_channels}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = positive_pair(kernel_size, "kernel_size")
        self.stride = positive_pair(stride, "stride")
        self.dilation = positive_pair(dilation, "dilation")
        # fail now, not in the first forward pass, on a bad padding or padding_mode
        resolve_padding(padding, self.kernel_size, self.dilation, self.stride)
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding")
        self.padding_mode = check_choice(padding_mode, MODES, "padding_mode")
        factory = dict(device=device, dtype=dtype)
        self.weight = torch.nn.Parameter(torch.empty(
            (out_channels, in_channels // groups, *self.kernel_size), **factory))
        bias = check_bool(bias, "bias")
        self.bias = torch.nn.Parameter(torch.empty(out_channels, **factory)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator=None):
        """Initialise like torch: kaiming-uniform, ``a = sqrt(5)``; bias ``+-1/sqrt(fan_in)``."""
        torch.nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            fan_in = self.weight[0].numel()
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            torch.nn.init.uniform_(self.bias, -bound, bound, generator=generator)

    def forward(self, x):
        return Conv2dFunction.apply(x, self.weight, self.bias, self.stride, self.padding,
                                    self.dilation, self.groups, self.padding_mode)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding not in ((0, 0), "valid"):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode!r}"
        return s


# --- pooling -----------------------------------------------------------------------------------

class MaxPool2dFunction(torch.autograd.Function):
    """``apply(x, kernel_size, stride, padding)``: `cnnbook.max_pool2d`; the backward pass
    routes each gradient to the arg-max found (and saved) by the forward pass."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        ctx.conf = dict(kernel_size=kernel_size, stride=stride, padding=padding)
        out, ctx.indices = _pool.max_pool2d(_np(x), return_indices=True, **ctx.conf)
        ctx.save_for_backward(x)
        return _torch(out, x)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        grad = _pool.max_pool2d_backward(_np(grad_out), _np(x), indices=ctx.indices, **ctx.conf)
        return _torch(grad, x), None, None, None


class AvgPool2dFunction(torch.autograd.Function):
    """``apply(x, kernel_size, stride, padding, count_include_pad)``: `cnnbook.avg_pool2d`."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding, count_include_pad):
        ctx.save_for_backward(x)
        ctx.conf = dict(kernel_size=kernel_size, stride=stride, padding=padding,
                        count_include_pad=count_include_pad)
        return _torch(_pool.avg_pool2d(_np(x), **ctx.conf), x)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        grad = _pool.avg_pool2d_backward(_np(grad_out), _np(x), **ctx.conf)
        return _torch(grad, x), None, None, None, None


class LPPool2dFunction(torch.autograd.Function):
    """``apply(x, p, kernel_size, stride)``: `cnnbook.lp_pool2d`."""

    @staticmethod
    def forward(ctx, x, p, kernel_size, stride):
        ctx.save_for_backward(x)
        ctx.conf = dict(p=p, kernel_size=kernel_size, stride=stride)
        return _torch(_pool.lp_pool2d(_np(x), **ctx.conf), x)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return _torch(_pool.lp_pool2d_backward(_np(grad_out), _np(x), **ctx.conf), x), None, \
            None, None


class KMaxPool1dFunction(torch.autograd.Function):
    """``apply(x, k)``: `cnnbook.kmax_pool1d`, gradient back to the k chosen positions."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return _torch(_kmax.kmax_pool1d(_np(x), k), x)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return _torch(_kmax.kmax_pool1d_backward(_np(grad_out), _np(x), ctx.k), x), None


def max_pool2d(x, kernel_size, *, stride=None, padding=0):
    """`cnnbook.max_pool2d` on a tensor, differentiable.

    No ``ceil_mode`` or ``dilation``, unlike ``torch.nn.functional.max_pool2d``.

    Examples
    --------
    >>> max_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    return MaxPool2dFunction.apply(x, kernel_size, stride, padding)


def min_pool2d(x, kernel_size, *, stride=None, padding=0):
    """`cnnbook.min_pool2d` on a tensor, differentiable.

    Examples
    --------
    >>> min_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 0.,  2.],
              [ 8., 10.]]]])
    """
    # min = -max(-x), as in cnnbook.min_pool2d; autograd routes the gradient to the arg-min
    return -MaxPool2dFunction.apply(-_float_tensor(x), kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, *, stride=None, padding=0, count_include_pad=True):
    """`cnnbook.avg_pool2d` on a tensor, differentiable.

    No ``ceil_mode`` or ``divisor_override``, unlike ``torch.nn.functional.avg_pool2d``.

    Examples
    --------
    >>> avg_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    return AvgPool2dFunction.apply(x, kernel_size, stride, padding, count_include_pad)


def lp_pool2d(x, p, kernel_size, *, stride=None):
    """`cnnbook.lp_pool2d` on a tensor, differentiable.

    Examples
    --------
    >>> lp_pool2d(torch.tensor([[[[3.0, 4.0]]]]), 2, (1, 2))
    tensor([[[[5.]]]])
    """
    return LPPool2dFunction.apply(x, p, kernel_size, stride)


def kmax_pool1d(x, k):
    """`cnnbook.kmax_pool1d` on a tensor, differentiable.

    Values keep their order and a NaN counts as the smallest value (``torch.topk`` sorts and
    ranks NaN first); see `cnnbook.kmax_pool1d`.

    Examples
    --------
    >>> kmax_pool1d(torch.tensor([3.0, 1.0, 4.0, 1.0, 5.0]), 2)
    tensor([4., 5.])
    """
    return KMaxPool1dFunction.apply(x, k)


class MaxPool2d(torch.nn.Module):
    """Max pooling layer backed by `cnnbook.max_pool2d`.

    Unlike ``torch.nn.MaxPool2d`` it has no ``ceil_mode``, ``dilation`` or ``return_indices``
    (the output size rounds down, windows are contiguous); a window whose real cells are all
    ``-inf`` sends its gradient to its first real cell, as torch does.

    Examples
    --------
    >>> MaxPool2d(2)(torch.zeros(1, 3, 6, 6)).shape
    torch.Size([1, 3, 3, 3])
    """

    FUNCTION = MaxPool2dFunction

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        _pool._pool_args(kernel_size, stride, padding)  # fail now, not in forward
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, x):
        return self.FUNCTION.apply(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MinPool2d(MaxPool2d):
    """Min pooling layer backed by `cnnbook.min_pool2d`.

    Examples
    --------
    >>> MinPool2d(2, stride=1)(torch.zeros(1, 3, 6, 6)).shape
    torch.Size([1, 3, 5, 5])
    """

    def forward(self, x):
        return min_pool2d(x, self.kernel_size, stride=self.stride, padding=self.padding)


class AvgPool2d(MaxPool2d):
    """Average pooling layer backed by `cnnbook.avg_pool2d`.

    Examples
    --------
    >>> AvgPool2d(3, stride=2, padding=1)(torch.zeros(1, 3, 6, 6)).shape
    torch.Size([1, 3, 3, 3])
    """

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__(kernel_size, stride, padding)
        self.count_include_pad = check_bool(count_include_pad, "count_include_pad")

    def forward(self, x):
        return AvgPool2dFunction.apply(x, self.kernel_size, self.stride, self.padding,
                                       self.count_include_pad)


class LPPool2d(torch.nn.Module):
    """L^p-norm pooling layer backed by `cnnbook.lp_pool2d`.

    Examples
    --------
    >>> LPPool2d(2, 2)(torch.ones(1, 1, 4, 4))
    tensor([[[[2., 2.],
              [2., 2.]]]])
    """

    def __init__(self, p, kernel_size, stride=None):
        super().__init__()
        _pool._check_p(p)
        _pool._pool_args(kernel_size, stride, 0)
        self.p, self.kernel_size, self.stride = p, kernel_size, stride

    def forward(self, x):
        return LPPool2dFunction.apply(x, self.p, self.kernel_size, self.stride)

    def extra_repr(self):
        return f"p={self.p}, kernel_size={self.kernel_size}, stride={self.stride}"


class KMaxPool1d(torch.nn.Module):
    """k-max pooling over the last axis (top k, original order) backed by `cnnbook.kmax_pool1d`.

    Examples
    --------
    >>> KMaxPool1d(2)(torch.tensor([[1.0, 3.0, 2.0]]))
    tensor([[3., 2.]])
    """

    def __init__(self, k):
        super().__init__()
        self.k = check_positive(k, "k")

    def forward(self, x):
        return KMaxPool1dFunction.apply(x, self.k)

    def extra_repr(self):
        return f"k={self.k}"
