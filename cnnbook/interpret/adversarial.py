"""Targeted adversarial examples: small changes that make a network answer what we choose.

:func:`targeted_attack` is the iterative, targeted form of the fast gradient sign method
(Goodfellow et al. 2015; Kurakin et al. 2017): repeat ``x ← x - α · sign(∇_x loss(x, target))``
and project back into the ``epsilon`` box around the original image and into the valid pixel
range. The result looks like the original (every pixel moved by at most ``epsilon``), yet the
network calls it ``target`` (Szegedy et al. 2014). Started from noise, the same function makes
a "fooling image" in the sense of Nguyen et al. 2015.
"""

import torch
import torch.nn.functional as F

from .._check import check_nonnegative, check_real
from .attribution import _check_input, _check_target, _EvalMode, _scores

__all__ = ["targeted_attack"]


def targeted_attack(model, x, target, *, epsilon, steps=20, step_size=None,
                    value_range=(0.0, 1.0)):
    """Perturb ``x`` within an L∞ ball of radius ``epsilon`` so ``model`` predicts ``target``.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(N, C, H, W)`` to logits ``(N, K)``. Used in eval mode; its mode is restored.
    x : (N, C, H, W) float torch.Tensor
        Original images (not modified).
    target : int or sequence of N ints
        The class each image should be taken for.
    epsilon : float
        Largest change of any pixel, ``>= 0``.
    steps : int, optional
        Number of signed-gradient steps (>= 0; 0 returns a copy of ``x``).
    step_size : float, optional
        Change per step; default ``2.5 * epsilon / steps`` (enough to cross the ball).
    value_range : (float, float), optional
        Valid pixel range the result is clipped to.

    Returns
    -------
    (N, C, H, W) torch.Tensor
        The perturbed images, ``|x_adv - x| <= epsilon`` everywhere. Deterministic: no
        randomness is involved.

    Examples
    --------
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2, 2, bias=False))
    >>> with torch.no_grad():
    ...     _ = model[1].weight.copy_(torch.tensor([[1., 0.], [0., 1.]]))
    >>> x = torch.tensor([[[[0.6, 0.4]]]])             # class 0 wins
    >>> targeted_attack(model, x, 1, epsilon=0.2, steps=4)
    tensor([[[[0.4000, 0.6000]]]])
    """
    x = _check_input(x)
    epsilon = check_real(epsilon, "epsilon")
    if not epsilon >= 0:
        raise ValueError(f"`epsilon` must be >= 0, got {epsilon}")
    steps = check_nonnegative(steps, "steps")
    if step_size is None:
        step_size = 2.5 * epsilon / max(steps, 1)
    step_size = check_real(step_size, "step_size")
    if not step_size >= 0:
        raise ValueError(f"`step_size` must be >= 0, got {step_size}")
    lo, hi = (check_real(v, "value_range") for v in value_range)
    if not lo < hi:
        raise ValueError(f"`value_range` must be (low, high) with low < high, got {value_range}")

    x0 = x.detach()
    adv = x0.clone()
    with _EvalMode(model):
        target = _check_target(target, len(x0), _scores(model, x0[:1]).shape[1])
        for _ in range(steps):
            with torch.enable_grad():
                adv.requires_grad_(True)
                loss = F.cross_entropy(_scores(model, adv), target, reduction="sum")
                (grad,) = torch.autograd.grad(loss, adv)
            with torch.no_grad():
                adv = adv.detach() - step_size * grad.sign()  # down the target's loss
                adv = torch.minimum(torch.maximum(adv, x0 - epsilon), x0 + epsilon)
                adv = adv.clamp(lo, hi)
    return adv.detach()
