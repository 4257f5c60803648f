"""Small measurements behind the claims of the pooling chapter.

``shift_unchanged_share`` measures how many pooled outputs stay exactly the same when the input
moves by a pixel (the "local translation invariance" of pooling); ``layer_costs`` traces the
shapes, parameters and multiply-adds of a conv/pool/flatten/fully-connected stack, to count what
pooling saves.
"""

import numpy as np

from ._check import as_float_array, check_bool, check_choice, check_ndim, check_positive
from .conv import conv_output_size
from .counting import conv_params, fc_params
from .pooling import avg_pool2d, lp_pool2d, max_pool2d, min_pool2d

__all__ = ["layer_costs", "shift_unchanged_share", "stage_values"]

_POOLS = {
    "max": max_pool2d,
    "avg": avg_pool2d,
    "min": min_pool2d,
    "l2": lambda x, k: lp_pool2d(x, 2, k),
}
_SHIFTS = ((0, 1), (0, -1), (1, 0), (-1, 0))  # right, left, down, up (one step each)


def shift_unchanged_share(x, *, kernel_size=1, pool="max", shift=1, active_only=False):
    """Share of (pooled) outputs that stay exactly equal when the input moves by `shift` pixels.

    For each of the four directions (right, left, down, up) a crop of `x` and the same crop
    moved by `shift` pixels are pooled with non-overlapping ``kernel_size`` windows and compared
    position by position. ``kernel_size=1`` means no pooling: it compares the pixels themselves.

    Parameters
    ----------
    x : (N, C, H, W) array_like
        Images or feature maps, larger than the crop by `shift` on every side.
    kernel_size : int, optional
        Side of the pooling window (and its stride).
    pool : {'max', 'avg', 'min', 'l2'}, optional
    shift : int, optional
        Size of the move, in pixels.
    active_only : bool, optional
        Count only the outputs that are nonzero before or after the move, so that empty
        regions (which stay zero trivially, e.g. after a ReLU) do not inflate the share.

    Returns
    -------
    float
        Fraction of compared outputs that are exactly equal, over the four directions.

    Examples
    --------
    One bright pixel on a dark 8×8 image. Without pooling each move changes the 2 outputs
    where the pixel was and is, and leaves the 34 dark ones; with 3×3 max pooling 2 of the 4
    moves keep the pixel inside its window.

    >>> x = np.zeros((1, 1, 8, 8)); x[0, 0, 3, 3] = 1.0
    >>> round(shift_unchanged_share(x, kernel_size=1), 3)
    0.944
    >>> shift_unchanged_share(x, kernel_size=1, active_only=True)
    0.0
    >>> round(shift_unchanged_share(x, kernel_size=3, active_only=True), 3)
    0.333
    """
    a = check_ndim(as_float_array(x, "x"), 4, "x")
    k = check_positive(kernel_size, "kernel_size")
    check_choice(pool, set(_POOLS), "pool")
    m = check_positive(shift, "shift")
    active_only = check_bool(active_only, "active_only")
    h, w = _shift_crop(a.shape, k, m)
    equal = total = 0
    for dy, dx in _SHIFTS:
        before = a[:, :, m:m + h, m:m + w]
        after = a[:, :, m + dy * m:m + dy * m + h, m + dx * m:m + dx * m + w]
        if k > 1:
            before, after = _POOLS[pool](before, k), _POOLS[pool](after, k)
        counted = (before != 0) | (after != 0) if active_only else np.ones(before.shape, bool)
        equal += int(np.count_nonzero((before == after) & counted))
        total += int(np.count_nonzero(counted))
    if total == 0:
        raise ValueError("`x` has no nonzero output to compare (active_only=True)")
    return equal / total


def layer_costs(input_shape, layers):
    """Trace shapes, parameters and multiply-adds through a conv/pool/flatten/FC stack.

    Parameters
    ----------
    input_shape : (C, H, W) tuple of int
    layers : sequence of tuple
        ``("conv", out_channels, kernel_size)`` (stride 1, no padding, with bias),
        ``("pool", kernel_size)`` (non-overlapping), ``("flatten",)`` or
        ``("fc", out_features)``.

    Returns
    -------
    list of dict
        One record per layer, then nothing else: ``name``, ``shape`` (the output shape without
        batch), ``values`` (numbers in the output), ``params`` (weights and biases) and
        ``mult_adds`` (multiply-adds of one forward pass; 0 for pooling and flatten).

    Examples
    --------
    >>> rec = layer_costs((1, 28, 28), [("conv", 25, 3), ("pool", 2)])
    >>> [(r["name"], r["shape"], r["params"]) for r in rec]
    [('conv', (25, 26, 26), 250), ('pool', (25, 13, 13), 0)]
    """
    if not isinstance(input_shape, (tuple, list)):
        raise TypeError(f"`input_shape` must be a tuple (C, H, W) of ints, got {input_shape!r}")
    shape = tuple(check_positive(s, "input_shape") for s in input_shape)
    if len(shape) != 3:
        raise ValueError(f"`input_shape` must be (C, H, W) of positive ints, got {input_shape}")
    out = []
    for spec in layers:
        kind = check_choice(spec[0] if spec else None, {"conv", "pool", "flatten", "fc"},
                            "layers")
        params = mult_adds = 0
        if kind == "conv":
            c_out, k = check_positive(spec[1], "out_channels"), check_positive(spec[2],
                                                                              "kernel_size")
            if len(shape) != 3:
                raise ValueError("`layers`: a conv layer needs a (C, H, W) input, not a vector")
            c, h, w = shape
            shape = (c_out, conv_output_size(h, k), conv_output_size(w, k))
            params = conv_params(c, c_out, k)
            mult_adds = shape[1] * shape[2] * c_out * c * k * k
        elif kind == "pool":
            k = check_positive(spec[1], "kernel_size")
            if len(shape) != 3:
                raise ValueError("`layers`: a pool layer needs a (C, H, W) input, not a vector")
            shape = (shape[0], shape[1] // k, shape[2] // k)
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        else:
            if len(shape) != 1:
                raise ValueError("`layers`: flatten before a fully connected layer")
            n_out = check_positive(spec[1], "out_features")
            params = fc_params(shape, n_out)
            mult_adds = shape[0] * n_out
            shape = (n_out,)
        out.append({"name": kind, "shape": shape, "values": int(np.prod(shape)),
                    "params": int(params), "mult_adds": int(mult_adds)})
    return out


def stage_values(records, stages):
    """Numbers in the output of each named stage of a :func:`layer_costs` trace.

    Convolutions and poolings are numbered in order (``conv1``, ``pool1``, ``conv2``, ...);
    ``flatten`` keeps its name. A stage the network does not have gets NaN, so two designs can be
    drawn on the same axis.

    Parameters
    ----------
    records : list of dict
        Output of :func:`layer_costs`.
    stages : sequence of str
        Stage names, e.g. ``["conv1", "pool1", "flatten"]``.

    Returns
    -------
    list of float

    Examples
    --------
    >>> rec = layer_costs((1, 28, 28), [("conv", 25, 3), ("flatten",)])
    >>> stage_values(rec, ["conv1", "pool1", "flatten"])
    [16900.0, nan, 16900.0]
    """
    if not isinstance(records, (list, tuple)) or not all(
            isinstance(r, dict) and "name" in r and "values" in r for r in records):
        raise TypeError("`records` must be the list of dicts returned by layer_costs")
    if isinstance(stages, str):
        raise TypeError("`stages` must be a sequence of stage names, not one string")
    found, count = {}, {"conv": 0, "pool": 0}
    for r in records:
        if r["name"] in count:
            count[r["name"]] += 1
            found[f"{r['name']}{count[r['name']]}"] = float(r["values"])
        elif r["name"] == "flatten":
            found["flatten"] = float(r["values"])
    return [found.get(s, float("nan")) for s in stages]


def _shift_crop(shape, k, m):
    """Height and width of the centre crop of an ``(N, C, H, W)`` map that a shift of up to `m`
    pixels keeps inside the map, cut to whole `k`-pixel windows."""
    h, w = shape[2] - 2 * m, shape[3] - 2 * m
    h, w = h - h % k, w - w % k  # whole windows only
    if h < k or w < k:
        raise ValueError(f"`x` of size {tuple(shape[2:])} is too small for `shift` {m} and "
                         f"`kernel_size` {k}")
    return h, w
