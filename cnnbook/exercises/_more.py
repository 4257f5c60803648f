"""Exercises on the backward pass, pooling and receptive fields: `conv2d_backward`,
`max_pool2d` and `receptive_field`."""

import numbers

import numpy as np

from ..conv_backward import conv2d_backward
from ..pooling import avg_pool2d, max_pool2d, min_pool2d
from ..receptive import receptive_field
from ._conv import _ints, _no, _off_by_one
from ._runner import Case, Exercise, Mistake, arrays_agree, as_array

__all__ = []


# ---- conv2d_backward ---------------------------------------------------------------------------

def _backward_ref(grad_out, x, weight, stride, padding):
    gx, gw, _ = conv2d_backward(grad_out, x, weight, stride=stride, padding=padding)
    return gx, gw


def _backward_cases(rng):
    def case(x_shape, w_shape, stride, padding, label):
        x, w = _ints(rng, x_shape), _ints(rng, w_shape)
        ho = (x_shape[2] + 2 * padding - w_shape[2]) // stride + 1
        wo = (x_shape[3] + 2 * padding - w_shape[3]) // stride + 1
        g = _ints(rng, (x_shape[0], w_shape[0], ho, wo))
        return Case((g, x, w, stride, padding), label)

    asym = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    cases = [
        Case((np.ones((1, 1, 2, 2)), np.arange(4.0).reshape(1, 1, 2, 2), np.array([[[[2.0]]]]),
              1, 0), "1x1 kernel"),
        Case((np.array([[[[1.0, 0.0], [0.0, 0.0]]]]), np.arange(9.0).reshape(1, 1, 3, 3), asym,
              1, 0), "one output gradient, a kernel that is not symmetric"),
        Case((np.arange(4.0).reshape(1, 1, 2, 2), np.arange(9.0).reshape(1, 1, 3, 3), asym,
              1, 0), "a kernel that is not symmetric"),
        case((1, 1, 3, 3), (1, 1, 3, 3), 1, 1, "padding 1"),
        case((1, 1, 5, 5), (1, 1, 3, 3), 2, 0, "stride 2"),
        case((1, 2, 3, 4), (3, 2, 2, 2), 1, 0, "2 input channels, 3 filters"),
        case((2, 1, 3, 3), (1, 1, 2, 2), 1, 0, "a batch of 2"),
        case((1, 1, 5, 6), (2, 1, 3, 2), 2, 1, "stride 2 and padding 1"),
    ]
    while len(cases) < 30:
        n, c, o = (int(v) for v in rng.integers(1, 3, size=3))
        h, w = (int(v) for v in rng.integers(1, 7, size=2))
        p, s = int(rng.integers(0, 3)), int(rng.integers(1, 3))
        kh, kw = (int(rng.integers(1, min(m + 2 * p, 4) + 1)) for m in (h, w))
        cases.append(case((n, c, h, w), (o, c, kh, kw), s, p, "random"))
    return cases


def _as_pair(result):
    if not isinstance(result, (tuple, list)) or len(result) not in (2, 3):
        raise TypeError(f"your function returned {type(result).__name__}; return the pair "
                        "(grad_x, grad_weight)")
    return as_array(result[0]), as_array(result[1])


def _pairs_agree(expected, got):
    return all(arrays_agree(e, g) for e, g in zip(expected, got, strict=True))


def _positions(grad_out):
    return grad_out.shape[2] * grad_out.shape[3]


def _backward_shape_hint(case, expected, got):
    if got[0].shape != expected[0].shape:
        p = case.args[4]
        crop = (f" With padding {p}, compute the gradient of the padded input, then drop {p} "
                "rows/columns on every side." if p else "")
        return f"grad_x must have the shape of x, {expected[0].shape}; yours is {got[0].shape}." \
               + crop
    if got[1].shape != expected[1].shape:
        return (f"grad_weight must have the shape of weight, {expected[1].shape}; yours is "
                f"{got[1].shape}.")
    return None


CONV2D_BACKWARD = Exercise(
    name="conv2d_backward",
    signature="conv2d_backward(grad_out, x, weight, stride, padding)",
    summary="the gradients of conv2d with respect to its input and its weights",
    details=("grad_out : (N, O, Ho, Wo) array, dL/dy for y = conv2d(x, weight, stride, padding);\n"
             "x : (N, C, H, W); weight : (O, C, kh, kw); stride, padding : ints, positionally.\n"
             "Return (grad_x, grad_weight), shaped like x and weight (a third value, the bias's\n"
             "gradient, is allowed and ignored). A shared weight's gradient is the SUM over all\n"
             "positions and images. Reference: cnnbook.conv2d_backward (checked against torch)."),
    arg_names=("grad_out", "x", "weight", "stride", "padding"),
    reference=_backward_ref,
    cases=_backward_cases,
    convert=_as_pair,
    agree=_pairs_agree,
    mistakes=(
        Mistake("your grad_x is a full cross-correlation of grad_out with the kernel as it is. "
                "It needs the kernel rotated by 180° (a full cross-correlation with the rotated "
                "kernel, i.e. a full true convolution with the kernel): pixel x[a, b] received "
                "weight[i, j] * grad_out[a - i, b - j].",
                lambda g, x, w, s, p: (_backward_ref(g, x, w[..., ::-1, ::-1], s, p)[0],
                                       _backward_ref(g, x, w, s, p)[1])),
        Mistake("your grad_weight is the right one divided by the number of output positions "
                "Ho*Wo: a shared weight's gradient is the SUM of its contributions at every "
                "position, not their average.",
                lambda g, x, w, s, p: (lambda gx, gw: (gx, gw / _positions(g)) if _positions(g)
                                       > 1 else _no())(*_backward_ref(g, x, w, s, p))),
        Mistake("your grad_weight is the right one divided by the batch size: sum over the "
                "images, do not average.",
                lambda g, x, w, s, p: (lambda gx, gw: (gx, gw / len(x)) if len(x) > 1 else _no())(
                    *_backward_ref(g, x, w, s, p))),
        Mistake("your grad_weight is the right one rotated by 180°: weight[o, c, i, j] collects "
                "grad_out[n, o, a, b] * xp[n, c, a*s + i, b*s + j], no flip.",
                lambda g, x, w, s, p: (lambda gx, gw: (gx, gw[..., ::-1, ::-1]))(
                    *_backward_ref(g, x, w, s, p))),
        Mistake("you returned (grad_weight, grad_x); return (grad_x, grad_weight), in this "
                "order.",
                lambda g, x, w, s, p: _backward_ref(g, x, w, s, p)[::-1]),
    ),
    shape_hint=_backward_shape_hint,
    output_names=("grad_x", "grad_weight"),
)


# ---- max_pool2d --------------------------------------------------------------------------------

def _pool_ref(x, kernel_size, stride):
    return max_pool2d(x, kernel_size, stride=stride)


def _pool_cases(rng):
    cases = [
        Case((np.array([[1.0, 5.0], [3.0, 2.0]]), 2, 2), "one 2x2 window"),
        Case((np.arange(16.0).reshape(4, 4) % 7, 2, 2), "the lecture's 2x2, stride 2"),
        Case((np.arange(25.0).reshape(5, 5) % 6, 2, 2), "a leftover row and column"),
        Case((np.array([[-3.0, -1.0], [-2.0, -5.0]]), 2, 2), "only negative numbers"),
        Case((np.arange(9.0).reshape(3, 3)[::-1], 2, 1), "overlapping windows (stride 1)"),
        Case((_ints(rng, (4, 6)), 3, 2), "a wide image, 3x3 windows, stride 2"),
        Case((_ints(rng, (5, 3)), 2, 3), "stride larger than the window"),
        Case((np.array([[7.0]]), 1, 1), "1x1"),
    ]
    while len(cases) < 36:
        h, w = (int(v) for v in rng.integers(1, 9, size=2))
        k = int(rng.integers(1, min(h, w) + 1))
        cases.append(Case((_ints(rng, (h, w)), k, int(rng.integers(1, 4))), "random"))
    return cases


def _pool_size_hint(case, expected, got):
    x, k, s = case.args
    return _off_by_one(case, expected, got,
                       f"There are floor((H - k) / s) + 1 = floor(({x.shape[0]} - {k}) / {s}) + 1"
                       f" = {expected.shape[0]} window rows here; a window that would stick out "
                       "past the edge is dropped.")


MAX_POOL2D = Exercise(
    name="max_pool2d",
    signature="max_pool2d(x, kernel_size, stride)",
    summary="max pooling of one 2-D map with square windows",
    details=("x : (H, W) array; kernel_size, stride : ints >= 1, positionally (no padding).\n"
             "Return the (Ho, Wo) array, Ho = (H - kernel_size) // stride + 1, whose [i, j] is\n"
             "the maximum of x[i*stride : i*stride + k, j*stride : j*stride + k].\n"
             "Reference: cnnbook.max_pool2d (torch's F.max_pool2d in numpy)."),
    arg_names=("x", "kernel_size", "stride"),
    reference=_pool_ref,
    cases=_pool_cases,
    convert=as_array,
    agree=arrays_agree,
    mistakes=(
        Mistake("your output is the average of each window, not its maximum.",
                lambda x, k, s: avg_pool2d(x, k, stride=s) if k > 1 else _no()),
        Mistake("your output is the minimum of each window, not its maximum.",
                lambda x, k, s: min_pool2d(x, k, stride=s) if k > 1 else _no()),
        Mistake("your maxima never go below 0: start each window's maximum from its first "
                "value (or -inf), not from 0.",
                lambda x, k, s: np.maximum(_pool_ref(x, k, s), 0.0)),
        Mistake("your output equals pooling with stride 1: `stride` was ignored.",
                lambda x, k, s: _pool_ref(x, k, 1) if s > 1 else _no()),
        Mistake("your output equals pooling with the stride equal to the window size; use the "
                "`stride` given.",
                lambda x, k, s: _pool_ref(x, k, k) if s != k else _no()),
        Mistake("your output is the right one transposed (rows and columns swapped).",
                lambda x, k, s: _pool_ref(x, k, s).T),
    ),
    shape_hint=_pool_size_hint,
)


# ---- receptive_field ---------------------------------------------------------------------------

def _rf_ref(layers):
    records = receptive_field([{"kernel_size": k, "stride": s} for k, s in layers])
    return [r.size for r in records]


def _rf_cases(rng):
    edge = [[(3, 1)], [(1, 1)], [(2, 2)], [(3, 1), (3, 1)], [(2, 2), (3, 1)],
            [(3, 1), (2, 2), (3, 1), (2, 2)], [(3, 2), (3, 2), (3, 2)], [(7, 2), (3, 2), (3, 1)],
            [(5, 1), (3, 1), (3, 1)]]
    labels = ["one 3x3 conv", "a 1x1 conv", "one 2x2 pool", "two 3x3 convs",
              "pool, then conv", "the lecture's CNN", "three stride-2 convs",
              "a ResNet-like stem", "AlphaGo's first layers"]
    cases = [Case((layers,), label) for layers, label in zip(edge, labels, strict=True)]
    while len(cases) < 30:
        depth = int(rng.integers(1, 6))
        cases.append(Case(([(int(rng.integers(1, 6)), int(rng.integers(1, 4)))
                            for _ in range(depth)],), "random"))
    return cases


def _as_sizes(result):
    if hasattr(result, "tolist"):
        result = result.tolist()
    if isinstance(result, numbers.Integral) and not isinstance(result, bool):
        return int(result)
    if isinstance(result, (list, tuple)) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in result):
        return [int(v) for v in result]
    raise TypeError(f"your function returned {result!r}; return a list of ints (the size after "
                    "each layer) or one int (the size after the last layer)")


def _rf_agree(expected, got):
    if isinstance(got, int):
        return got == expected[-1]
    return list(got) == list(expected)


def _cumulative(layers, step):
    sizes, r, jump = [], 1, 1
    for k, s in layers:
        r, jump = step(r, jump, k, s)
        sizes.append(r)
    return sizes


RECEPTIVE_FIELD = Exercise(
    name="receptive_field",
    signature="receptive_field(layers)",
    summary="the receptive field size after each layer of a stack of convolutions and poolings",
    details=("layers : list of (kernel_size, stride) pairs of ints, first layer first (padding\n"
             "does not change the size). Return the list of receptive field sizes, in input\n"
             "pixels, after each layer (or only the last one, as an int):\n"
             "r_0 = 1, r_l = r_(l-1) + (k_l - 1) * s_1 * ... * s_(l-1).\n"
             "Reference: cnnbook.receptive_field (checked against gradient footprints)."),
    arg_names=("layers",),
    reference=_rf_ref,
    cases=_rf_cases,
    convert=_as_sizes,
    agree=_rf_agree,
    mistakes=(
        Mistake("your sizes ignore the strides: each layer adds (k - 1) times the product of "
                "the strides of the layers BEFORE it, since its neighbouring inputs are that "
                "far apart in the image.",
                lambda layers: _cumulative(layers, lambda r, j, k, s: (r + k - 1, j))),
        Mistake("your sizes multiply by the stride of the current layer too: layer l adds "
                "(k_l - 1) * s_1 * ... * s_(l-1), the strides of the earlier layers only.",
                lambda layers: _cumulative(layers, lambda r, j, k, s: (r + (k - 1) * j * s,
                                                                       j * s))),
        Mistake("your sizes multiply the kernel sizes; receptive fields grow by adding "
                "(k - 1) times the accumulated stride.",
                lambda layers: _cumulative(layers, lambda r, j, k, s: (r * k, j))),
        Mistake("your sizes are one smaller: start from r = 1 (a pixel sees itself), or add "
                "(k - 1), not k - 2.",
                lambda layers: [r - 1 for r in _rf_ref(layers)]),
        Mistake("your sizes add k times the accumulated stride per layer; a k-wide window "
                "reaches k - 1 pixels beyond the one it starts at: add (k - 1) times it.",
                lambda layers: _cumulative(layers, lambda r, j, k, s: (r + k * j, j * s))),
    ),
)
