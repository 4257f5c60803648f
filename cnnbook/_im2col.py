"""Private machinery of the fast convolution: argument checks, geometry, im2col and col2im.

``conv2d`` (forward) and ``conv2d_backward`` share it, so both see the same padding, the same
output size and the same column layout.

The columns are built from *contiguous* runs of memory. Split the padded input ``xp`` into
``sh x sw`` phases, ``phase[a, b] = xp[..., a::sh, b::sw]`` (for stride 1 the one phase is
``xp`` itself), each of ``Hq x Wq`` pixels, flattened. Kernel offset ``(i, j)`` reads, for every
output pixel, phase ``(i*dh % sh, j*dw % sw)`` shifted by ``(i*dh // sh, j*dw // sw)``: a
stride-1 window. On a flattened image a 2-D shift is a 1-D shift, so the row of columns for
``(c, i, j)`` is one slice ``phase[c, start:start + Ho*Wq]``: output rows are ``Wq`` wide instead
of ``Wo``, and the last ``Wq - Wo`` entries of each row are junk, cropped after the product::

    cols[c, i, j, n, oh * Wq + ow] = xp[n, c, oh * sh + i * dh, ow * sw + j * dw]   (ow < Wo)

Laid out as ``(C, kh, kw, n, Ho * Wq)`` and reshaped to
``(groups, C/groups * kh * kw, n * Ho * Wq)``, the columns turn a convolution into one matrix
product per group (per chunk of samples).
"""

from typing import NamedTuple

import numpy as np

from ._check import (
    as_float_array,
    check_choice,
    check_ndim,
    check_positive,
    nonnegative_pair,
    positive_pair,
)
from .padding import MODES

__all__ = []

# Target size in bytes of one chunk of columns: big enough for efficient matrix products, small
# enough that the columns are still in cache when the product reads them.
CHUNK_BYTES = 8 * 2**20


class Geometry(NamedTuple):
    """Everything about a convolution except the numbers: sizes, stride, padding, groups."""

    kernel: tuple  # (kh, kw)
    stride: tuple  # (sh, sw)
    dilation: tuple  # (dh, dw)
    pads: tuple  # (left, right, top, bottom), as pad2d wants
    out: tuple  # (Ho, Wo)
    groups: int
    padding_mode: str


def out_size(n, k, s, before, after, d, name="kernel_size"):
    """Output length along one axis; ValueError if the dilated kernel exceeds the padded input."""
    span = d * (k - 1) + 1
    if span > n + before + after:
        raise ValueError(
            f"`{name}` {k} (dilated span {span}) is larger than the padded input "
            f"{n} + {before} + {after} = {n + before + after}")
    return (n + before + after - span) // s + 1


def same_pads(k, d):
    """torch's ``padding='same'``: total ``d * (k - 1)``, the odd one extra on the far side."""
    total = d * (k - 1)
    return total // 2, total - total // 2


def resolve_padding(padding, kernel, dilation, stride):
    """``padding`` (int, pair, 'valid' or 'same') -> (left, right, top, bottom)."""
    if isinstance(padding, str):
        check_choice(padding, ("valid", "same"), "padding")
        if padding == "valid":
            return (0, 0, 0, 0)
        if stride != (1, 1):
            raise ValueError("`padding`='same' needs `stride` 1 (as in torch)")
        top, bottom = same_pads(kernel[0], dilation[0])
        left, right = same_pads(kernel[1], dilation[1])
        return (left, right, top, bottom)
    ph, pw = nonnegative_pair(padding, "padding")
    return (pw, pw, ph, ph)


def setup(x, weight, bias, stride, padding, dilation, groups, padding_mode):
    """Validate the arguments of a convolution; return arrays of one float dtype and the Geometry.

    ``x`` comes back 4-D (an unbatched (C, H, W) input gets a batch axis; `unbatched` says so).
    """
    x = as_float_array(x, "x")
    weight = as_float_array(weight, "weight")
    check_ndim(x, (3, 4), "x")
    check_ndim(weight, 4, "weight")
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    groups = check_positive(groups, "groups")
    check_choice(padding_mode, MODES, "padding_mode")
    stride = positive_pair(stride, "stride")
    dilation = positive_pair(dilation, "dilation")
    n_out, c_per_group, kh, kw = weight.shape
    channels = x.shape[1]
    if channels % groups or n_out % groups:
        raise ValueError(
            f"`groups` {groups} must divide both the input channels {channels} "
            f"and the output channels {n_out}")
    if c_per_group * groups != channels:
        raise ValueError(
            f"`weight` expects {c_per_group * groups} input channels "
            f"({c_per_group} per group x {groups} groups), `x` has {channels}")
    if min(x.shape[2:]) == 0:
        raise ValueError(f"`x` must have non-empty height and width, got shape {x.shape}")
    if kh == 0 or kw == 0:
        raise ValueError(f"`weight` has an empty kernel: shape {weight.shape}")
    dtypes = [x.dtype, weight.dtype]
    if bias is not None:
        bias = as_float_array(bias, "bias")
        if bias.shape != (n_out,):
            raise ValueError(f"`bias` must have shape ({n_out},), got {bias.shape}")
        dtypes.append(bias.dtype)
    dtype = np.result_type(*dtypes)
    x, weight = x.astype(dtype, copy=False), weight.astype(dtype, copy=False)
    bias = None if bias is None else bias.astype(dtype, copy=False)
    pads = resolve_padding(padding, (kh, kw), dilation, stride)
    h, w = x.shape[2:]
    ho = out_size(h, kh, stride[0], pads[2], pads[3], dilation[0], "weight")
    wo = out_size(w, kw, stride[1], pads[0], pads[1], dilation[1], "weight")
    geom = Geometry((kh, kw), stride, dilation, pads, (ho, wo), groups, padding_mode)
    return x, weight, bias, geom, unbatched


def chunk_size(n, per_sample_bytes):
    """How many samples to put in one chunk of columns."""
    return int(max(1, min(n, CHUNK_BYTES // max(per_sample_bytes, 1))))


def take(buf, shape):
    """The first ``prod(shape)`` elements of a flat scratch buffer, as a contiguous array."""
    return buf[:int(np.prod(shape))].reshape(shape)


def phase_shape(padded_hw, geom):
    """``(Hq, Wq)``: the size of one stride phase of the padded input."""
    return tuple(-(-n // s) for n, s in zip(padded_hw, geom.stride, strict=True))


def to_phases(xp, geom):
    """Padded input (N, C, Hp, Wp) -> phases (sh, sw, N, C, Hq * Wq); a view for stride 1."""
    n, c, hp, wp = xp.shape
    sh, sw = geom.stride
    if (sh, sw) == (1, 1):
        return np.ascontiguousarray(xp).reshape(1, 1, n, c, hp * wp)
    hq, wq = phase_shape((hp, wp), geom)
    ph = np.empty((sh, sw, n, c, hq, wq), xp.dtype)
    for a in range(sh):
        for b in range(sw):
            part = xp[:, :, a::sh, b::sw]
            ph[a, b, :, :, :part.shape[2], :part.shape[3]] = part
            ph[a, b, :, :, part.shape[2]:] = 0  # beyond the padded input: never a valid read
            ph[a, b, :, :, :, part.shape[3]:] = 0
    return ph.reshape(sh, sw, n, c, hq * wq)


def from_phases(ph, geom, padded_hw):
    """Inverse of `to_phases`: (sh, sw, N, C, Hq * Wq) -> (N, C, Hp, Wp)."""
    sh, sw, n, c, _ = ph.shape
    hq, wq = phase_shape(padded_hw, geom)
    x = ph.reshape(sh, sw, n, c, hq, wq).transpose(2, 3, 4, 0, 5, 1)
    return x.reshape(n, c, hq * sh, wq * sw)[:, :, :padded_hw[0], :padded_hw[1]]


class ZeroPadPhases:
    """The stride phases of the zero-padded input, built one chunk of samples at a time.

    The buffer is reused from chunk to chunk and its zero border is written once, so each
    chunk only copies its samples' pixels, into memory that is still in cache when `im2col`
    reads it. ``phases(n0, m)`` gives samples ``n0:n0+m`` as ``(sh, sw, m, C, Hq * Wq)``;
    ``add_back(grad_ph, grad_x, n0)`` is its adjoint (the padding's gradient is dropped).
    """

    def __init__(self, x, geom, step):
        n, c, h, w = x.shape
        left, right, top, bottom = geom.pads
        (sh, sw), self.x = geom.stride, x
        self.hq, self.wq = phase_shape((h + top + bottom, w + left + right), geom)
        self.buf = np.zeros((sh, sw, step, c, self.hq, self.wq), x.dtype)
        self.parts = []  # (a, b, phase rows, phase cols, x rows, x cols)
        for a in range(sh):
            t0, t1 = max(0, -(-(top - a) // sh)), min(self.hq, -(-(top + h - a) // sh))
            for b in range(sw):
                u0, u1 = max(0, -(-(left - b) // sw)), min(self.wq, -(-(left + w - b) // sw))
                if t1 > t0 and u1 > u0:
                    r0, c0 = a + sh * t0 - top, b + sw * u0 - left
                    self.parts.append((a, b, slice(t0, t1), slice(u0, u1),
                                       slice(r0, r0 + sh * (t1 - t0 - 1) + 1, sh),
                                       slice(c0, c0 + sw * (u1 - u0 - 1) + 1, sw)))

    def phases(self, n0, m):
        for a, b, rows, cols, xr, xc in self.parts:
            self.buf[a, b, :m, :, rows, cols] = self.x[n0:n0 + m, :, xr, xc]
        sh, sw, _, c = self.buf.shape[:4]
        return self.buf[:, :, :m].reshape(sh, sw, m, c, self.hq * self.wq)

    def add_back(self, grad_ph, grad_x, n0):
        """``grad_x[n0:n0+m] = `` the unpadded cells of `grad_ph` (sh, sw, m, C, Hq * Wq)."""
        sh, sw, m, c = grad_ph.shape[:4]
        grad_ph = grad_ph.reshape(sh, sw, m, c, self.hq, self.wq)
        for a, b, rows, cols, xr, xc in self.parts:
            grad_x[n0:n0 + m, :, xr, xc] = grad_ph[a, b, :, :, rows, cols]


def _runs(geom, wq):
    """For each kernel offset: (i, j, phase row a, phase col b, flat start) of its run."""
    (kh, kw), (sh, sw), (dh, dw) = geom.kernel, geom.stride, geom.dilation
    for i in range(kh):
        qi, a = divmod(i * dh, sh)
        for j in range(kw):
            qj, b = divmod(j * dw, sw)
            yield i, j, a, b, qi * wq + qj


def im2col(ph, geom, wq, n0, m, out=None):
    """Columns (C, kh, kw, m, Ho * Wq) of samples ``n0:n0+m``; a loop over kernel offsets only.

    Samples sit next to pixels, so ``reshape(groups, Cg * kh * kw, m * Ho * Wq)`` is one matrix
    per group, and the whole chunk takes one matrix product.
    """
    (kh, kw), (ho, _) = geom.kernel, geom.out
    length = ho * wq
    c, size = ph.shape[3:]
    if out is None:
        out = np.empty((c, kh, kw, m, length), ph.dtype)
    for i, j, a, b, start in _runs(geom, wq):
        stop = min(start + length, size)
        out[:, i, j, :, :stop - start] = ph[a, b, n0:n0 + m, :, start:stop].transpose(1, 0, 2)
        out[:, i, j, :, stop - start:] = 0  # past the end: junk columns only
    return out


def col2im_add(cols, geom, wq, grad_ph, n0):
    """Adjoint of `im2col`: add each column entry back to the phase cell it came from."""
    m, length = cols.shape[3:]
    size = grad_ph.shape[-1]
    for i, j, a, b, start in _runs(geom, wq):
        stop = min(start + length, size)
        grad_ph[a, b, n0:n0 + m, :, start:stop] += cols[:, i, j, :, :stop - start].transpose(
            1, 0, 2)
    return grad_ph
