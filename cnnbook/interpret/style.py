"""Deep Style: content = filter outputs, style = correlations between filter outputs.

Gatys et al. (2015, 2016) describe an image by the feature maps of a CNN. The *content* of an
image is the feature maps themselves; its *style* (or texture) is the Gram matrix of each layer,
the correlations between filter outputs summed over all positions, which forgets where things
are. Texture synthesis matches the Gram matrices of a style image, starting from noise; style
transfer matches the content of one image and the style of another at the same time. Both are
gradient descent on the *pixels* with the network fixed.

Here the features come from a network with *random* filters (:func:`random_texture_net`), after
Ustyuzhaninov et al. (2016, 2017): a single convolutional layer with filters of several sizes
and random weights already synthesises convincing textures, with no training and no downloaded
weights. Any module that returns a list of ``(N, C, H, W)`` feature maps works in its place.
"""

from dataclasses import dataclass, field

import torch
from torch import nn

from .._check import check_int, check_nonnegative, check_positive, check_real

__all__ = [
    "StyleResult",
    "RandomTextureNet",
    "content_loss",
    "gram_matrix",
    "load_skimage",
    "random_texture_net",
    "style_loss",
    "synthesize_texture",
    "transfer_style",
]


def _check_tensor(x, name, ndims):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim not in ndims:
        want = " or ".join(str(d) for d in ndims)
        raise ValueError(f"`{name}` must have {want} dimensions, got shape {tuple(x.shape)}")
    return x


SKIMAGE_IMAGES = ("astronaut", "brick", "camera", "chelsea", "coffee", "grass", "gravel", "text")


def load_skimage(name, *, size, crop=None):
    """One of scikit-image's bundled photos or textures as a ``(1, C, size, size)`` tensor.

    Only images shipped inside the scikit-image package (no download): ``astronaut``,
    ``brick``, ``camera``, ``chelsea``, ``coffee``, ``grass``, ``gravel``, ``text``.

    Parameters
    ----------
    name : str
    size : int
        Output height and width (anti-aliased resize).
    crop : int, optional
        First take the top-left ``crop × crop`` square (textures: bigger structures after the
        resize); default the largest centred square.

    Returns
    -------
    torch.Tensor
        float32, values in ``[0, 1]``; ``C`` is 1 for grey images, 3 for colour ones.

    Examples
    --------
    >>> load_skimage("camera", size=32).shape
    torch.Size([1, 1, 32, 32])
    """
    from skimage import data, transform

    if name not in SKIMAGE_IMAGES:
        raise ValueError(f"`name` must be one of {', '.join(SKIMAGE_IMAGES)}, got {name!r}")
    size = check_positive(size, "size")
    a = getattr(data, name)()
    a = a.astype("float64") / 255.0
    h, w = a.shape[:2]
    if crop is None:
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
    else:
        side = check_positive(crop, "crop")
        if side > min(h, w):
            raise ValueError(f"`crop` must be <= {min(h, w)} for {name!r}, got {side}")
        top = left = 0
    a = a[top:top + side, left:left + side]
    a = transform.resize(a, (size, size) + a.shape[2:], anti_aliasing=True)
    t = torch.tensor(a, dtype=torch.float32)
    t = t[None] if t.ndim == 2 else t.permute(2, 0, 1)
    return t[None].clamp(0, 1)


def gram_matrix(features):
    """Gram matrix of feature maps: correlations between channels, averaged over positions.

    ``G[c, d] = sum_{i, j} F[c, i, j] * F[d, i, j] / (H * W)``. Averaging over the positions
    (rather than summing) makes Gram matrices of images of different sizes comparable.

    Parameters
    ----------
    features : (N, C, H, W) or (C, H, W) torch.Tensor

    Returns
    -------
    torch.Tensor
        ``(N, C, C)`` (or ``(C, C)`` for a 3-D input), symmetric and positive semi-definite.

    Examples
    --------
    >>> f = torch.tensor([[[1., 2.]], [[3., 4.]]])   # C=2 channels of 1x2 maps
    >>> gram_matrix(f)
    tensor([[ 2.5000,  5.5000],
            [ 5.5000, 12.5000]])
    """
    _check_tensor(features, "features", (3, 4))
    if features.shape[-1] * features.shape[-2] == 0:
        raise ValueError("`features` must have at least one position")
    flat = features.flatten(-2)  # (..., C, H*W)
    return flat @ flat.transpose(-1, -2) / flat.shape[-1]


def _relative_sq(a, b):
    """``||a - b||^2 / ||b||^2`` summed over the batch (a scale-free squared distance)."""
    return ((a - b) ** 2).sum() / (b**2).sum().clamp_min(1e-12)


def _as_list(features, name):
    if isinstance(features, torch.Tensor):
        return [features]
    if not isinstance(features, (list, tuple)) or not features:
        raise TypeError(f"`{name}` must be a tensor or a non-empty list of tensors")
    return list(features)


def content_loss(features, target):
    """Relative squared distance of feature maps to target feature maps, summed over layers.

    ``sum_l ||F_l - P_l||^2 / ||P_l||^2``: 0 when the features match, 1 when ``F_l = 0``.

    Parameters
    ----------
    features, target : torch.Tensor or list of torch.Tensor
        Feature maps of equal shapes, layer by layer.

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> p = torch.ones(1, 2, 3, 3)
    >>> float(content_loss(p, p)), float(content_loss(torch.zeros_like(p), p))
    (0.0, 1.0)
    """
    features, target = _as_list(features, "features"), _as_list(target, "target")
    if len(features) != len(target):
        raise ValueError("`features` and `target` must have the same number of layers")
    for f, p in zip(features, target, strict=True):
        if f.shape != p.shape:
            raise ValueError(f"`target` shape {tuple(p.shape)} != `features` {tuple(f.shape)}")
    return sum(_relative_sq(f, p) for f, p in zip(features, target, strict=True))


def style_loss(features, target_grams):
    """Relative squared distance of the Gram matrices to target Gram matrices, summed over layers.

    ``sum_l ||G(F_l) - T_l||_F^2 / ||T_l||_F^2`` with ``G`` = :func:`gram_matrix`. Positions
    do not enter: two images with the same feature statistics in different places have the same
    style.

    Parameters
    ----------
    features : torch.Tensor or list of torch.Tensor
        ``(N, C_l, H, W)`` feature maps of the image being optimised.
    target_grams : torch.Tensor or list of torch.Tensor
        ``(N or 1, C_l, C_l)`` Gram matrices of the style image.

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> f = torch.rand(1, 4, 5, 5, generator=torch.Generator().manual_seed(0))
    >>> float(style_loss(f, gram_matrix(f)))
    0.0
    >>> float(style_loss(f.flip(-1), gram_matrix(f))) < 1e-12   # a mirror image: same style
    True
    """
    features = _as_list(features, "features")
    target_grams = _as_list(target_grams, "target_grams")
    if len(features) != len(target_grams):
        raise ValueError("`features` and `target_grams` must have the same number of layers")
    total = 0.0
    for f, t in zip(features, target_grams, strict=True):
        g = gram_matrix(f)
        if t.shape[-2:] != g.shape[-2:]:
            raise ValueError(f"`target_grams` shape {tuple(t.shape)} != Gram {tuple(g.shape)}")
        total = total + _relative_sq(g, t.expand_as(g))
    return total


class RandomTextureNet(nn.Module):
    """One convolutional layer of random filters of several sizes, each followed by ReLU.

    ``forward(x)`` returns a list with one ``(N, channels, H, W)`` feature map per kernel size
    (reflect padding keeps the size). Built by :func:`random_texture_net`.
    """

    def __init__(self, convs):
        super().__init__()
        self.convs = nn.ModuleList(convs)

    def forward(self, x):
        return [torch.relu(conv(x)) for conv in self.convs]


def random_texture_net(*, in_channels=3, kernel_sizes=(3, 5, 7, 11), channels=32, seed=0):
    """A single-layer, multi-scale CNN with random filters (Ustyuzhaninov et al. 2016).

    Weights are drawn uniformly from ``[-1, 1]``, then each filter is made zero-mean (it does
    not respond to flat brightness) and scaled to unit norm; biases are zero. The parameters are
    frozen (``requires_grad=False``): only the image is optimised.

    Parameters
    ----------
    in_channels : int, optional
    kernel_sizes : sequence of odd int, optional
        One bank of filters per size: small filters see fine grain, large ones coarse structure.
    channels : int, optional
        Filters per size.
    seed : int, optional
        Seed of a :class:`torch.Generator` that draws the weights.

    Returns
    -------
    RandomTextureNet

    Examples
    --------
    >>> net = random_texture_net(kernel_sizes=(3, 5), channels=4)
    >>> [tuple(f.shape) for f in net(torch.zeros(1, 3, 16, 16))]
    [(1, 4, 16, 16), (1, 4, 16, 16)]
    """
    in_channels = check_positive(in_channels, "in_channels")
    channels = check_positive(channels, "channels")
    if not isinstance(kernel_sizes, (list, tuple)) or not kernel_sizes:
        raise TypeError("`kernel_sizes` must be a non-empty sequence of odd ints")
    gen = torch.Generator().manual_seed(check_int(seed, "seed"))
    convs = []
    for k in kernel_sizes:
        k = check_positive(k, "kernel_sizes")
        if k % 2 == 0:
            raise ValueError(f"`kernel_sizes` must be odd, got {k}")
        conv = nn.Conv2d(in_channels, channels, k, padding=k // 2, padding_mode="reflect")
        w = torch.rand(channels, in_channels, k, k, generator=gen) * 2 - 1
        if w[0].numel() > 1:
            w = w - w.mean(dim=(1, 2, 3), keepdim=True)
        w = w / w.flatten(1).norm(dim=1).clamp_min(1e-12)[:, None, None, None]
        with torch.no_grad():
            conv.weight.copy_(w)
            conv.bias.zero_()
        conv.requires_grad_(False)
        convs.append(conv)
    return RandomTextureNet(convs)


@dataclass
class StyleResult:
    """What :func:`synthesize_texture` and :func:`transfer_style` return.

    Attributes
    ----------
    image : torch.Tensor
        ``(1, C, H, W)``, values in ``[0, 1]``, detached.
    loss : list of float
        The total loss before each step and after the last one (``steps + 1`` values).
    style_loss, content_loss : list of float
        Its parts, unweighted (``content_loss`` is empty for texture synthesis).
    """

    image: torch.Tensor
    loss: list = field(default_factory=list)
    style_loss: list = field(default_factory=list)
    content_loss: list = field(default_factory=list)


def _check_image(x, name):
    _check_tensor(x, name, (3, 4))
    if x.ndim == 3:
        x = x[None]
    if x.shape[0] != 1:
        raise ValueError(f"`{name}` must hold one image, got a batch of {x.shape[0]}")
    return x.detach().float()


def _optimise(net, x, losses, *, steps, lr):
    """Adam on the pixels of ``x`` (kept in [0, 1]); ``losses(feats) -> (total, parts)``."""
    steps = check_nonnegative(steps, "steps")
    lr = check_real(lr, "lr")
    if not lr > 0:
        raise ValueError(f"`lr` must be > 0, got {lr}")
    x = x.clone().clamp_(0, 1).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=lr)
    history = {"loss": [], "style": [], "content": []}

    def record(total, parts):
        history["loss"].append(float(total.detach()))
        for key, value in parts.items():
            history[key].append(float(value.detach()))

    for _ in range(steps):
        opt.zero_grad()
        total, parts = losses(net(x))
        record(total, parts)
        total.backward()
        opt.step()
        with torch.no_grad():
            x.clamp_(0, 1)
    with torch.no_grad():
        record(*losses(net(x)))
    return StyleResult(x.detach(), history["loss"], history["style"], history["content"])


def synthesize_texture(net, style_image, *, size=None, steps=100, lr=0.05, init=None,
                       generator=None):  # fmt: skip
    """Texture synthesis: an image whose Gram matrices match those of ``style_image``.

    Starts from uniform noise (or ``init``) and runs Adam on the pixels to minimise
    :func:`style_loss`; pixels are clipped to ``[0, 1]`` after each step.

    Parameters
    ----------
    net : callable
        ``net(x)`` returns a list of ``(1, C_l, H, W)`` feature maps, e.g.
        :func:`random_texture_net`.
    style_image : (1, C, H, W) or (C, H, W) torch.Tensor
        Values in ``[0, 1]``.
    size : (int, int), optional
        Output ``(H, W)``; default the style image's size.
    steps : int, optional
    lr : float, optional
        Adam's learning rate (pixel units).
    init : torch.Tensor, optional
        Starting image ``(1, C, H, W)``; default uniform noise drawn with ``generator``.
    generator : torch.Generator, optional

    Returns
    -------
    StyleResult

    Examples
    --------
    >>> net = random_texture_net(kernel_sizes=(3,), channels=8)
    >>> style = torch.rand(1, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    >>> out = synthesize_texture(net, style, steps=20, generator=torch.Generator().manual_seed(0))
    >>> out.image.shape, out.loss[-1] < out.loss[0]
    (torch.Size([1, 3, 16, 16]), True)
    """
    style_image = _check_image(style_image, "style_image")
    if init is None:
        if size is None:
            h, w = style_image.shape[-2:]
        elif isinstance(size, (tuple, list)) and len(size) == 2:
            h, w = (check_positive(v, "size") for v in size)
        else:
            raise TypeError(f"`size` must be a pair (H, W) of ints, got {size!r}")
        init = torch.rand(1, style_image.shape[1], int(h), int(w), generator=generator)
    else:
        init = _check_image(init, "init")
    with torch.no_grad():
        grams = [gram_matrix(f) for f in net(style_image)]

    def losses(feats):
        s = style_loss(feats, grams)
        return s, {"style": s}

    return _optimise(net, init, losses, steps=steps, lr=lr)


def transfer_style(net, content_image, style_image, *, style_weight=1.0, content_weight=1.0,
                   steps=100, lr=0.05, init="content", generator=None):  # fmt: skip
    """Style transfer: the content of one image with the style of another (Gatys et al.).

    Minimises ``content_weight * content_loss + style_weight * style_loss`` over the pixels
    with Adam, keeping them in ``[0, 1]``.

    Parameters
    ----------
    net : callable
        ``net(x)`` returns a list of feature maps (see :func:`synthesize_texture`).
    content_image : (1, C, H, W) or (C, H, W) torch.Tensor
        Values in ``[0, 1]``; sets the output size.
    style_image : (1, C, H', W') or (C, H', W') torch.Tensor
        Any size: Gram matrices do not depend on it.
    style_weight, content_weight : float, optional
        Non-negative weights of the two (relative, unit-free) losses.
    steps : int, optional
    lr : float, optional
    init : {'content', 'noise'} or torch.Tensor, optional
        Start from the content image (default), from uniform noise, or from a given image.
    generator : torch.Generator, optional
        For ``init='noise'``.

    Returns
    -------
    StyleResult

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> net = random_texture_net(kernel_sizes=(3,), channels=8)
    >>> content, style = torch.rand(1, 3, 16, 16, generator=g), torch.rand(1, 3, 8, 8, generator=g)
    >>> out = transfer_style(net, content, style, style_weight=10.0, steps=20)
    >>> out.style_loss[-1] < out.style_loss[0]
    True
    """
    content_image = _check_image(content_image, "content_image")
    style_image = _check_image(style_image, "style_image")
    if content_image.shape[1] != style_image.shape[1]:
        raise ValueError("`content_image` and `style_image` must have the same channels")
    for name, value in (("style_weight", style_weight), ("content_weight", content_weight)):
        if not check_real(value, name) >= 0:
            raise ValueError(f"`{name}` must be >= 0, got {value}")
    if isinstance(init, torch.Tensor):
        start = _check_image(init, "init")
    elif init == "content":
        start = content_image
    elif init == "noise":
        start = torch.rand(content_image.shape, generator=generator)
    else:
        raise ValueError(f"`init` must be 'content', 'noise' or a tensor, got {init!r}")
    with torch.no_grad():
        targets = net(content_image)
        grams = [gram_matrix(f) for f in net(style_image)]

    def losses(feats):
        c, s = content_loss(feats, targets), style_loss(feats, grams)
        return content_weight * c + style_weight * s, {"style": s, "content": c}

    return _optimise(net, start, losses, steps=steps, lr=lr)
