"""Activation maximisation: the input a trained unit likes best.

For a filter ``k`` of a convolutional layer the lecture defines its activation as the sum of its
feature map, ``a^k = Σ_ij a^k_ij``, and looks for ``x* = argmax_x a^k`` by gradient *ascent* on
the input, the network's weights held fixed (Erhan et al. 2009). The same works for one neuron of
a dense layer or one output class score. An optional L1 penalty ``l1 · Σ|x|`` keeps only the
pixels that earn their keep, which makes the images of output classes readable.
"""

import numbers
from collections import namedtuple

import torch

from .._check import check_positive, check_real

__all__ = ["Maximized", "maximize_activation"]

Maximized = namedtuple("Maximized", ["image", "scores"])
Maximized.__doc__ = """Result of :func:`maximize_activation`.

image : torch.Tensor
    The optimised input for each of the ``U`` units, of shape ``(U, *input_shape)``.
scores : (steps + 1, U) torch.Tensor
    Each unit's activation (without the penalty) before every step and after the last.
"""


def _activation(output, units):
    """Activation of unit ``units[n]`` for image ``n``: a channel's sum for a feature map,
    a neuron's value for a vector."""
    if output.ndim == 4:  # (U, C, H, W): a^k = sum over positions of channel k
        return output[torch.arange(len(units)), units].sum(dim=(1, 2))
    if output.ndim == 2:  # (U, K): neuron k
        return output[torch.arange(len(units)), units]
    raise ValueError("the layer's output must be (N, C, H, W) or (N, K), "
                     f"got {tuple(output.shape)}")


def maximize_activation(model, layer, unit, *, input_shape, steps=100, lr=0.05, l1=0.0,
                        value_range=(0.0, 1.0), generator=None):
    """Find inputs that maximise units of ``layer`` by gradient ascent (Adam) on the input.

    The objective for unit ``k`` is ``a^k(x) - l1 · Σ|x|``, where ``a^k`` is the sum of
    channel ``k`` of the layer's output (convolutional layers) or the ``k``-th entry (dense layers
    and output scores). After each step the image is clipped to ``value_range``. Several units
    are optimised at once, one image each; with the model in eval mode the images do not interact.

    Parameters
    ----------
    model : torch.nn.Module
        Used in eval mode; its mode is restored. Its weights are not changed and get no gradient.
    layer : torch.nn.Module or None
        A submodule of ``model`` whose output holds the units; ``None`` means the model's output.
    unit : int or sequence of int
        Channel or neuron index (or indices, one image per index).
    input_shape : tuple of int
        Shape of one input, e.g. ``(1, 28, 28)``.
    steps : int, optional
        Number of ascent steps (>= 1).
    lr : float, optional
        Adam's learning rate, in pixel units per step.
    l1 : float, optional
        Weight of the L1 penalty (>= 0).
    value_range : (float, float), optional
        Valid pixel range; also the range of the uniform random start.
    generator : torch.Generator, optional
        Source of the random start.

    Returns
    -------
    Maximized
        ``(image, scores)``: the images ``(U, *input_shape)`` and the activation history
        ``(steps + 1, U)``. Nothing is shown, saved or printed.

    Examples
    --------
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 1))
    >>> with torch.no_grad():
    ...     _ = model[1].weight.copy_(torch.tensor([[1., -1., 2., 0.5]]))
    >>> best = maximize_activation(model, None, 0, input_shape=(1, 2, 2), steps=50, lr=0.1,
    ...                            l1=0.75, generator=torch.Generator().manual_seed(0))
    >>> best.image  # pixel on where its weight beats the penalty
    tensor([[[[1., 0.],
              [1., 0.]]]])
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module, got {type(model).__name__}")
    if layer is not None and not any(m is layer for m in model.modules()):
        raise ValueError("`layer` must be a submodule of `model` (or None for its output)")
    steps = check_positive(steps, "steps")
    lr, l1 = check_real(lr, "lr"), check_real(l1, "l1")
    if not lr > 0:
        raise ValueError(f"`lr` must be > 0, got {lr}")
    if not l1 >= 0:
        raise ValueError(f"`l1` must be >= 0, got {l1}")
    if not isinstance(input_shape, (tuple, list)) or not input_shape:
        raise TypeError(f"`input_shape` must be a tuple of ints, got {input_shape!r}")
    input_shape = tuple(check_positive(v, "input_shape") for v in input_shape)
    lo, hi = (check_real(v, "value_range") for v in value_range)
    if not lo < hi:
        raise ValueError(f"`value_range` must be (low, high) with low < high, got {value_range}")
    if isinstance(unit, (bool, str)) or not (isinstance(unit, numbers.Integral)
                                             or hasattr(unit, "__iter__")):
        raise TypeError(f"`unit` must be an int or a sequence of ints, got {unit!r}")
    units = torch.as_tensor([unit] if isinstance(unit, numbers.Integral) else list(unit))
    units = units.long() if not units.is_floating_point() else units
    if units.ndim != 1 or len(units) == 0 or units.is_floating_point():
        raise ValueError("`unit` must be an int or a non-empty sequence of ints")

    captured = {}
    hook = None
    if layer is not None:
        hook = layer.register_forward_hook(lambda mod, inp, out: captured.__setitem__("out", out))
    was_training = model.training
    model.eval()
    try:
        start = torch.rand((len(units), *input_shape), generator=generator)
        x = (lo + (hi - lo) * start).requires_grad_(True)
        opt = torch.optim.Adam([x], lr=lr)
        history = []
        for step in range(steps + 1):
            with torch.enable_grad():
                out = model(x)
                out = captured["out"] if layer is not None else out
                if out.ndim in (2, 4) and (units.max() >= out.shape[1] or units.min() < 0):
                    raise ValueError(f"`unit` must be in [0, {out.shape[1]}), got {units.tolist()}")
                act = _activation(out, units)
                history.append(act.detach().clone())
                if step == steps:
                    break
                objective = act.sum() - l1 * x.abs().sum()
                (grad,) = torch.autograd.grad(objective, x)
            x.grad = -grad  # Adam minimises; we ascend
            opt.step()
            with torch.no_grad():
                x.clamp_(lo, hi)
    finally:
        model.train(was_training)
        if hook is not None:
            hook.remove()
    return Maximized(x.detach(), torch.stack(history))
