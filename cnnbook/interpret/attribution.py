"""Which pixels does a classifier look at? Two attribution maps.

* :func:`saliency_map` — the gradient of one class score with respect to the input pixels,
  ``|∂y_target / ∂x|`` (Simonyan et al. 2014): a first-order answer to "which pixels, changed a
  little, would change the score most".
* :func:`occlusion_map` — slide a grey (``baseline``) window over the image and record how much
  the class score drops, ``f(x) - f(x occluded)`` (Zeiler & Fergus 2014): a finite, not
  infinitesimal, answer. Pixels covered by several windows get the average of their drops,
  exactly as :class:`captum.attr.Occlusion` does.

Both take a model mapping ``(N, C, H, W)`` to scores ``(N, K)`` (logits, usually), put it in
eval mode while they run and restore its mode afterwards, and return a torch tensor ``(N, H, W)``.
"""

import math
import numbers

import torch

from .._check import check_positive, positive_pair

__all__ = ["occlusion_map", "saliency_map"]


def _check_input(x):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`x` must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"`x` must have shape (N, C, H, W), got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"`x` must be a floating-point tensor, got {x.dtype}")
    return x


def _check_target(target, n, num_classes):
    """Return a long tensor ``(n,)`` of class indices, checked against ``num_classes``."""
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        target = torch.full((n,), int(target), dtype=torch.long)
    else:
        target = torch.as_tensor(target)
        if target.is_floating_point() or target.dtype == torch.bool:
            raise TypeError("`target` must be an int or a sequence of ints")
        target = target.reshape(-1).long()
        if target.numel() != n:
            raise ValueError(f"`target` must be an int or have one entry per image ({n}), "
                             f"got {target.numel()}")
    if target.numel() and (target.min() < 0 or target.max() >= num_classes):
        raise ValueError(f"`target` must be in [0, {num_classes}), got {target.tolist()}")
    return target


def _scores(model, x):
    out = model(x)
    if out.ndim != 2:
        raise ValueError(f"`model` must return scores of shape (N, K), got {tuple(out.shape)}")
    return out


class _EvalMode:
    """Context manager: the model in eval mode inside, its previous mode restored after."""

    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.was_training = self.model.training
        self.model.eval()

    def __exit__(self, *exc):
        self.model.train(self.was_training)


def saliency_map(model, x, target):
    """Saliency map: the largest ``|∂y_target / ∂x|`` over the channels of each pixel.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(N, C, H, W)`` to scores ``(N, K)``. Used in eval mode; its mode is restored.
    x : (N, C, H, W) float torch.Tensor
        Input images (not modified).
    target : int or sequence of N ints
        The class whose score ``y_target`` is differentiated, one for all images or one each.

    Returns
    -------
    (N, H, W) torch.Tensor
        ``max_c |∂y_target / ∂x[n, c, i, j]|`` (Simonyan et al. 2014 take the maximum over the
        colour channels). Equals ``captum.attr.Saliency(model).attribute(x, target)`` (which
        keeps the channel axis) maximised over channels.

    Examples
    --------
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    >>> with torch.no_grad():
    ...     _ = model[1].weight.copy_(torch.tensor([[1., -2., 3., -4.], [0., 0., 0., 0.]]))
    >>> saliency_map(model, torch.zeros(1, 1, 2, 2), target=0)
    tensor([[[1., 2.],
             [3., 4.]]])
    """
    x = _check_input(x)
    with _EvalMode(model), torch.enable_grad():
        xg = x.detach().clone().requires_grad_(True)
        out = _scores(model, xg)
        target = _check_target(target, len(x), out.shape[1])
        picked = out.gather(1, target[:, None]).sum()  # images are independent in eval mode
        (grad,) = torch.autograd.grad(picked, xg)
    return grad.abs().amax(dim=1)


def _windows(size, window, stride):
    """Start positions of the windows along one axis, as in Captum: the last may stick out."""
    count = math.ceil((size - window) / stride) + 1
    return [i * stride for i in range(count)]


def occlusion_map(model, x, target, *, window, stride, baseline=0.0, batch_size=256):
    """Occlusion map: how much the class score drops when a window of the image is covered.

    Each window position covers a ``window``-sized patch (all channels) with ``baseline``; the
    drop ``y_target(x) - y_target(x occluded)`` is credited to every pixel of the patch, and each
    pixel's value is the average over the windows covering it. Window positions start at 0 and
    step by ``stride``; when the steps do not fit exactly, one more window sticks out past the
    border and is cut off, so every pixel is covered (the convention of
    :class:`captum.attr.Occlusion`, whose result this equals).

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(N, C, H, W)`` to scores ``(N, K)``. Used in eval mode; its mode is restored.
    x : (N, C, H, W) float torch.Tensor
    target : int or sequence of N ints
    window : int or (int, int)
        Height and width of the occluding patch, at most the image's.
    stride : int or (int, int)
        Step between window positions, from 1 to the window's size (larger steps would leave
        pixels that no window covers; Captum refuses them too).
    baseline : float, optional
        Value painted into the patch (default 0: black, "no ink" for MNIST).
    batch_size : int, optional
        Occluded images evaluated per forward pass.

    Returns
    -------
    (N, H, W) torch.Tensor
        Positive where covering the pixel lowers the class score. Captum returns the same
        numbers repeated over the channel axis.

    Examples
    --------
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 1, bias=False))
    >>> with torch.no_grad():
    ...     _ = model[1].weight.fill_(1.0)
    >>> x = torch.tensor([[[[1., 2.], [3., 4.]]]])
    >>> occlusion_map(model, x, target=0, window=1, stride=1)
    tensor([[[1., 2.],
             [3., 4.]]])
    >>> occlusion_map(model, x, target=0, window=(1, 2), stride=1)  # rows: 1 + 2, 3 + 4
    tensor([[[3., 3.],
             [7., 7.]]])
    """
    x = _check_input(x)
    wh, ww = positive_pair(window, "window")
    sh, sw = positive_pair(stride, "stride")
    n, c, h, w = x.shape
    if wh > h or ww > w:
        raise ValueError(f"`window` {(wh, ww)} must not be larger than the input {(h, w)}")
    if sh > wh or sw > ww:
        raise ValueError(f"`stride` {(sh, sw)} must not be larger than `window` {(wh, ww)}: "
                         "pixels between windows would never be occluded")
    if isinstance(baseline, bool) or not isinstance(baseline, numbers.Real):
        raise TypeError(f"`baseline` must be a number, got {type(baseline).__name__}")
    batch_size = check_positive(batch_size, "batch_size")

    masks = []  # (P, H, W): 1 inside each window
    for i in _windows(h, wh, sh):
        for j in _windows(w, ww, sw):
            m = torch.zeros(h, w, dtype=x.dtype)
            m[i:i + wh, j:j + ww] = 1
            masks.append(m)
    masks = torch.stack(masks)
    p = len(masks)

    with _EvalMode(model), torch.no_grad():
        base = _scores(model, x)
        target = _check_target(target, n, base.shape[1])
        base = base.gather(1, target[:, None])  # (N, 1)
        drops = torch.empty(n, p, dtype=x.dtype)
        # occluded copies: image k // P with mask k % P
        for start in range(0, n * p, batch_size):
            k = torch.arange(start, min(start + batch_size, n * p))
            img, msk = k // p, masks[k % p][:, None]  # (B,), (B, 1, H, W)
            occluded = x[img] * (1 - msk) + baseline * msk
            drops.view(-1)[k] = (base[img, 0] - _scores(model, occluded)
                                 .gather(1, target[img][:, None])[:, 0]).to(x.dtype)
    total = torch.einsum("np,phw->nhw", drops, masks)
    return total / masks.sum(0)
