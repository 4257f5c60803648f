"""Deep Dream: make a CNN exaggerate what it sees in an image.

Feed an image through the network, take the output ``a`` of a hidden layer, and change the
*image* so that positive values of ``a`` grow and negative values shrink (Mordvintsev et al.
2015). Two equivalent ways to say it:

* ascend the score ``S(x) = ||a(x)||^2 / (2 n)`` (``n`` the number of values); its gradient with
  respect to ``a`` is ``a / n`` itself — every unit is pushed in the direction of its own sign;
* as the lecture puts it, make a target ``t = factor * a(x)`` (``factor > 1``: positive values
  larger, negative ones smaller) and descend ``||a(x) - t||^2`` towards it; at the start of a
  step that gradient is ``(factor - 1) a`` — the same direction.
"""

from dataclasses import dataclass, field

import torch
from torch import nn

from .._check import check_int, check_nonnegative, check_real

__all__ = ["DreamResult", "deep_dream", "layer_output"]


@dataclass
class DreamResult:
    """What :func:`deep_dream` returns.

    Attributes
    ----------
    image : torch.Tensor
        The dreamed image, the shape of the input, detached.
    score : list of float
        ``||a(x)||^2 / (2 n)`` of the chosen layer before each step and after the last one
        (``steps + 1`` values): it rises as the dream exaggerates.
    """

    image: torch.Tensor
    score: list = field(default_factory=list)


class _Stop(Exception):
    pass


def _resolve(model, layer):
    if isinstance(layer, nn.Module):
        if not any(m is layer for m in model.modules()):
            raise ValueError("`layer` must be a submodule of `model`")
        return layer
    if isinstance(layer, str):
        modules = dict(model.named_modules())
        if layer not in modules:
            raise ValueError(f"`layer` {layer!r} is not a submodule name of `model`")
        return modules[layer]
    if isinstance(layer, int) and not isinstance(layer, bool):
        if not isinstance(model, nn.Sequential) or not -len(model) <= layer < len(model):
            raise ValueError(f"`layer` index {layer} is not a layer of the Sequential `model`")
        return model[layer]
    raise TypeError(f"`layer` must be a module, a name or an int, got {type(layer).__name__}")


def layer_output(model, layer, x):
    """The output of ``layer`` (a submodule, its name, or an index into a Sequential) for ``x``.

    The forward pass stops at that layer, so later layers need not accept the input's size.

    Examples
    --------
    >>> model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 1))
    >>> layer_output(model, 1, torch.zeros(1, 1, 10, 10)).shape   # Linear(8) never runs
    torch.Size([1, 2, 8, 8])
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module, got {type(model).__name__}")
    module = _resolve(model, layer)
    out = {}

    def hook(_module, _inputs, output):
        out["a"] = output
        raise _Stop

    handle = module.register_forward_hook(hook)
    try:
        model(x)
    except _Stop:
        pass
    finally:
        handle.remove()
    if "a" not in out:
        raise ValueError("`layer` was not called in the forward pass of `model`")
    return out["a"]


def deep_dream(model, layer, x, *, steps=20, lr=0.05, objective="norm", factor=1.5, jitter=0,
               channels=None, clamp=(0.0, 1.0), generator=None):  # fmt: skip
    """Deep Dream: change ``x`` so that ``layer``'s output is exaggerated.

    Each step computes the gradient ``g`` of the objective with respect to the image, scales it
    to unit mean absolute value, and moves ``x`` by ``lr * g / mean|g|`` (the normalised step of
    the original Deep Dream code), then clips to ``clamp``.

    Parameters
    ----------
    model : torch.nn.Module
        Used as is (its mode is not changed; call ``model.eval()`` first if it has dropout or
        batch norm). Its parameters receive no gradient.
    layer : torch.nn.Module, str or int
        The hidden layer: a submodule, its name in ``model.named_modules()``, or an index of a
        :class:`torch.nn.Sequential`.
    x : (N, C, H, W) torch.Tensor
        Starting images (not modified).
    steps : int, optional
    lr : float, optional
        Step size in pixel units (mean absolute change per step).
    objective : {'norm', 'target'}, optional
        ``'norm'``: ascend ``||a||^2 / (2 n)``. ``'target'``: the lecture's recipe, descend
        ``||a - factor * a_0||^2 / (2 n)`` towards the exaggerated output ``a_0`` of the
        *starting* image.
    factor : float, optional
        For ``objective='target'``; > 1 exaggerates.
    jitter : int, optional
        Before each step, roll the image by a random shift of up to ``jitter`` pixels in each
        direction (and back after), which suppresses pixel-grid artefacts. Only with
        ``objective='norm'``.
    channels : sequence of int, optional
        Only these channels of the layer's output enter the objective (default all).
    clamp : (float, float) or None, optional
        Pixel range kept after every step.
    generator : torch.Generator, optional
        Draws the jitter shifts.

    Returns
    -------
    DreamResult

    Examples
    --------
    >>> model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU())
    >>> with torch.no_grad():
    ...     _ = model[0].weight.copy_(torch.linspace(-1, 1, 36).reshape(4, 1, 3, 3))
    >>> x = torch.full((1, 1, 8, 8), 0.5)
    >>> out = deep_dream(model, 1, x, steps=5, lr=0.05)
    >>> out.score[-1] > out.score[0]
    True
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`x` must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"`x` must have 4 dimensions (N, C, H, W), got shape {tuple(x.shape)}")
    steps = check_nonnegative(steps, "steps")
    jitter = check_nonnegative(jitter, "jitter")
    lr, factor = check_real(lr, "lr"), check_real(factor, "factor")
    if not lr > 0:
        raise ValueError(f"`lr` must be > 0, got {lr}")
    if objective not in ("norm", "target"):
        raise ValueError(f"`objective` must be 'norm' or 'target', got {objective!r}")
    if objective == "target" and jitter:
        raise ValueError("`jitter` must be 0 with objective='target' (the target is fixed)")
    if channels is not None:
        if isinstance(channels, (str, bytes)) or not hasattr(channels, "__iter__"):
            raise TypeError("`channels` must be a sequence of ints")
        channels = [check_int(c, "channels") for c in channels]
    if clamp is not None:
        if not isinstance(clamp, (tuple, list)) or len(clamp) != 2:
            raise TypeError(f"`clamp` must be None or a pair (low, high), got {clamp!r}")
        clamp = tuple(check_real(v, "clamp") for v in clamp)
        if not clamp[0] < clamp[1]:
            raise ValueError(f"`clamp` must be (low, high) with low < high, got {clamp}")
    _resolve(model, layer)  # validate early

    def activation(image):
        a = layer_output(model, layer, image)
        return a if channels is None else a[:, channels]

    def score(a):
        return (a**2).sum() / (2 * a.numel())

    x = x.detach().clone()
    if objective == "target":
        with torch.no_grad():
            target = factor * activation(x)
    history = []
    for _ in range(steps):
        dy = dx = 0
        if jitter:
            dy, dx = torch.randint(-jitter, jitter + 1, (2,), generator=generator).tolist()
        shifted = x.roll((dy, dx), dims=(-2, -1)).requires_grad_(True)
        a = activation(shifted)
        history.append(float(score(a).detach()))
        if objective == "norm":
            loss = -score(a)
        else:
            loss = ((a - target) ** 2).sum() / (2 * a.numel())
        (grad,) = torch.autograd.grad(loss, shifted)
        grad = grad.roll((-dy, -dx), dims=(-2, -1))
        x = x - lr * grad / grad.abs().mean().clamp_min(1e-12)
        if clamp is not None:
            x = x.clamp(*clamp)
    with torch.no_grad():
        history.append(float(score(activation(x))))
    return DreamResult(x, history)
