"""Exercises on the forward convolution: `corr2d`, `conv2d` and `conv_output_size`."""

import numbers

import numpy as np

from ..conv import conv2d, conv_output_size, convolve, corr2d
from ..padding import pad2d
from ._runner import Case, Exercise, Mistake, arrays_agree, as_array

__all__ = []


def _ints(rng, shape, low=-4, high=4):
    """Small integer values as floats: exact sums, compact printing."""
    return rng.integers(low, high + 1, size=shape).astype(np.float64)


def _off_by_one(case, expected, got, formula):
    if (got.ndim != expected.ndim or got.shape == expected.shape
            or any(abs(a - b) > 1 for a, b in zip(got.shape, expected.shape, strict=True))):
        return None
    return (f"your output has shape {got.shape}, the expected one {expected.shape}: an "
            f"off-by-one in the output size. {formula}")


# ---- corr2d ------------------------------------------------------------------------------------

def _corr2d_cases(rng):
    a9 = np.arange(1.0, 10.0).reshape(3, 3)
    cases = [
        Case((np.array([[2.0]]), np.array([[3.0]])), "1x1 image, 1x1 kernel"),
        Case((np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [0.0, -1.0]])),
             "kernel as large as the image"),
        Case((a9, np.array([[1.0, 2.0], [3.0, 4.0]])), "a kernel that is not symmetric"),
        Case((np.arange(12.0).reshape(3, 4), np.array([[1.0, 0.0, -1.0]])), "a 1x3 kernel"),
        Case((np.arange(12.0).reshape(4, 3), np.array([[1.0], [0.0], [-1.0]])), "a 3x1 kernel"),
        Case((np.arange(15.0).reshape(3, 5), np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]])),
             "a wide image and a wide kernel"),
        Case((_ints(rng, (4, 6)), _ints(rng, (2, 2))), "negative values"),
    ]
    for _ in range(33):
        h, w = rng.integers(1, 8, size=2)
        kh, kw = rng.integers(1, h + 1), rng.integers(1, w + 1)
        cases.append(Case((_ints(rng, (h, w)), _ints(rng, (kh, kw))), "random"))
    return cases


CORR2D = Exercise(
    name="corr2d",
    signature="corr2d(x, k)",
    summary="cross-correlation of one 2-D image with one 2-D kernel (no padding, stride 1)",
    details=("x : (H, W) array, k : (kh, kw) array with kh <= H, kw <= W.\n"
             "Return the (H - kh + 1, W - kw + 1) array y[i, j] = sum(x[i:i+kh, j:j+kw] * k)\n"
             "(the kernel is NOT flipped). Reference: cnnbook.corr2d."),
    arg_names=("x", "k"),
    reference=corr2d,
    cases=_corr2d_cases,
    convert=as_array,
    agree=arrays_agree,
    mistakes=(
        Mistake("your output equals the true convolution, which flips the kernel by 180°. "
                "The cross-correlation that networks call convolution does not flip it: "
                "y[i, j] = sum over a, b of x[i + a, j + b] * k[a, b].",
                lambda x, k: convolve(x, k, mode="valid")),
        Mistake("your output is the right one transposed (rows and columns swapped): output "
                "row i comes from input rows i .. i + kh - 1.",
                lambda x, k: corr2d(x, k).T),
        Mistake("your output equals the cross-correlation with the kernel transposed, "
                "k[b, a] instead of k[a, b]: check which index of k goes with the rows.",
                lambda x, k: corr2d(x, k.T)),
    ),
    shape_hint=lambda case, e, g: _off_by_one(
        case, e, g, "A kh-row kernel fits at H - kh + 1 positions (starts 0 .. H - kh, both "
        "included): `range(H - kh)` misses the last one, `range(H)` runs past the edge."),
)


# ---- conv2d ------------------------------------------------------------------------------------

def _conv2d_ref(x, weight, stride, padding):
    return conv2d(x, weight, stride=stride, padding=padding)


def _one_side(x, weight, stride, padding, side):
    if padding == 0:
        raise ValueError("no padding: the mistake does not apply")
    pads = (padding, 0, padding, 0) if side == "before" else (0, padding, 0, padding)
    xp = pad2d(x, pads)
    if any(k > m for k, m in zip(weight.shape[2:], xp.shape[2:], strict=True)):
        # the kernel does not fit: such a function returns an empty output (or fails)
        size = [max(0, (m - k) // stride + 1) for k, m in zip(weight.shape[2:], xp.shape[2:],
                                                                 strict=True)]
        return np.zeros((x.shape[0], weight.shape[0], *size))
    return conv2d(xp, weight, stride=stride)


def _conv2d_cases(rng):
    img = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    asym = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    cases = [
        Case((np.array([[[[2.0]]]]), np.array([[[[3.0]]]]), 1, 0), "1x1 image, 1x1 kernel"),
        Case((img, np.ones((1, 1, 3, 3)), 1, 0), "kernel as large as the image"),
        Case((img, asym, 1, 0), "a kernel that is not symmetric"),
        Case((np.arange(15.0).reshape(1, 1, 3, 5), np.array([[[[1.0, 0.0, -1.0]]]]), 1, 0),
             "a wide image, a 1x3 kernel"),
        Case((img, asym, 1, 1), "padding 1"),
        Case((np.arange(25.0).reshape(1, 1, 5, 5), np.ones((1, 1, 3, 3)), 2, 0), "stride 2"),
        Case((np.arange(36.0).reshape(1, 1, 6, 6), asym, 3, 0), "stride 3, a leftover column"),
        Case((np.arange(1.0, 5.0).reshape(1, 1, 2, 2), np.ones((1, 1, 3, 3)), 1, 1),
             "a kernel larger than the image, fitting thanks to the padding"),
        Case((np.arange(24.0).reshape(1, 2, 3, 4), _ints(rng, (3, 2, 2, 2)), 1, 0),
             "2 input channels (summed), 3 filters"),
        Case((_ints(rng, (2, 1, 4, 4)), asym, 1, 0), "a batch of 2 images"),
        Case((_ints(rng, (1, 1, 5, 7)), _ints(rng, (1, 1, 3, 2)), 2, 1),
             "stride 2 and padding 1 on a wide image"),
    ]
    for _ in range(29):
        n, c, o = rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 4)
        h, w = rng.integers(1, 8, size=2)
        p = int(rng.integers(0, 3))
        kh, kw = rng.integers(1, min(h + 2 * p, 5) + 1), rng.integers(1, min(w + 2 * p, 5) + 1)
        s = int(rng.integers(1, 4))
        cases.append(Case((_ints(rng, (n, c, h, w)), _ints(rng, (o, c, kh, kw)), s, p),
                          "random"))
    return cases


def _conv2d_size_hint(case, expected, got):
    x, w, s, p = case.args
    h, kh = x.shape[2], w.shape[2]
    return _off_by_one(case, expected, got,
                       f"The output height is floor((H + 2p - kh) / s) + 1 = floor(({h} + "
                       f"2*{p} - {kh}) / {s}) + 1 = {expected.shape[2]} here; likewise the "
                       "width.")


CONV2D = Exercise(
    name="conv2d",
    signature="conv2d(x, weight, stride, padding)",
    summary="multi-channel 2-D convolution (cross-correlation) with stride and zero padding",
    details=("x : (N, C, H, W) array; weight : (O, C, kh, kw) array; stride : int >= 1;\n"
             "padding : int >= 0 (zeros on all four sides). Called positionally.\n"
             "Return the (N, O, Ho, Wo) array, Ho = (H + 2*padding - kh) // stride + 1, with\n"
             "y[n, o, i, j] = sum over c, a, b of xp[n, c, i*stride + a, j*stride + b] *\n"
             "weight[o, c, a, b], xp the padded x (no kernel flip, no bias).\n"
             "Reference: cnnbook.conv2d (torch's F.conv2d in numpy)."),
    arg_names=("x", "weight", "stride", "padding"),
    reference=_conv2d_ref,
    cases=_conv2d_cases,
    convert=as_array,
    agree=arrays_agree,
    mistakes=(
        Mistake("your output equals the convolution with every kernel flipped by 180° (true "
                "convolution). Networks' convolution is cross-correlation: no flip.",
                lambda x, w, s, p: _conv2d_ref(x, w[..., ::-1, ::-1], s, p)),
        Mistake("your output equals a convolution whose input was padded on the top and left "
                "only. Padding p adds p zero rows above AND below, p zero columns left AND "
                "right.",
                lambda x, w, s, p: _one_side(x, w, s, p, "before")),
        Mistake("your output equals a convolution whose input was padded on the bottom and "
                "right only. Padding p adds p zero rows above AND below, p zero columns left "
                "AND right.",
                lambda x, w, s, p: _one_side(x, w, s, p, "after")),
        Mistake("your output equals the convolution without padding: `padding` was ignored.",
                lambda x, w, s, p: _conv2d_ref(x, w, s, 0) if p else _no()),
        Mistake("your output equals the convolution with stride 1: `stride` was ignored. The "
                "window moves `stride` pixels at a time: output (i, j) reads from row "
                "i*stride, column j*stride of the padded input.",
                lambda x, w, s, p: _conv2d_ref(x, w, 1, p) if s > 1 else _no()),
        Mistake("your output is the right one with height and width swapped (transposed).",
                lambda x, w, s, p: _conv2d_ref(x, w, s, p).swapaxes(-1, -2)),
    ),
    shape_hint=_conv2d_size_hint,
)


def _no():
    raise ValueError("the mistake does not apply to this case")


# ---- conv_output_size --------------------------------------------------------------------------

def _size_ref(n, k, s, p, d=1):
    return conv_output_size(n, k, stride=s, padding=p, dilation=d)


def _span(k, d):
    return d * (k - 1) + 1


def _size_cases(rng, dilation):
    edge = [(5, 3, 1, 0), (5, 5, 1, 0), (1, 1, 1, 0), (6, 3, 2, 1), (7, 3, 2, 0), (28, 3, 1, 0),
            (224, 7, 2, 3), (4, 3, 3, 1), (5, 2, 3, 0), (3, 5, 1, 1), (10, 1, 4, 0),
            (8, 4, 4, 2)]
    cases = [Case(t + ((1,) if dilation else ()), "hand-made") for t in edge]
    if dilation:
        cases += [Case((7, 3, 1, 0, 2), "dilation 2"), Case((9, 3, 2, 2, 3), "dilation 3"),
                  Case((5, 3, 1, 2, 2), "'same' padding with dilation 2")]
    while len(cases) < 40:
        n, k, s, p = (int(v) for v in (rng.integers(1, 31), rng.integers(1, 8),
                                       rng.integers(1, 5), rng.integers(0, 4)))
        d = int(rng.integers(1, 4)) if dilation else 1
        if _span(k, d) <= n + 2 * p:
            cases.append(Case((n, k, s, p) + ((d,) if dilation else ()), "random"))
    return cases


def _as_number(result):
    if hasattr(result, "item") and np.size(result) == 1:
        result = result.item()
    if isinstance(result, (bool, np.bool_)) or not isinstance(result, numbers.Real):
        raise TypeError(f"your function returned {result!r}, not a number")
    return result


def _size_mistakes():
    def make(formula):
        return lambda n, k, s, p, d=1: formula(n, _span(k, d), s, p, k)

    return (
        Mistake("your sizes are one smaller: the '+ 1' is missing. A window fits at positions "
                "0, s, 2s, ... up to n + 2p - k: that is floor((n + 2p - k) / s) + 1 of them.",
                make(lambda n, span, s, p, k: (n + 2 * p - span) // s)),
        Mistake("your sizes count the padding once; padding p adds p pixels on EACH side, "
                "2p in all: floor((n + 2p - k) / s) + 1.",
                make(lambda n, span, s, p, k: (n + p - span) // s + 1)),
        Mistake("your sizes round up; a last window that does not fit is dropped, so round "
                "down: floor((n + 2p - k) / s) + 1 (use //, not math.ceil).",
                make(lambda n, span, s, p, k: -(-(n + 2 * p - span) // s) + 1)),
        Mistake("your sizes are not whole numbers: use floor division // for the number of "
                "steps, floor((n + 2p - k) / s) + 1.",
                make(lambda n, span, s, p, k: (n + 2 * p - span) / s + 1)),
        Mistake("your sizes ignore the stride: with stride s only every s-th window position "
                "is used, floor((n + 2p - k) / s) + 1.",
                make(lambda n, span, s, p, k: n + 2 * p - span + 1)),
        Mistake("your sizes ignore the dilation: a dilated kernel spans d*(k - 1) + 1 pixels.",
                make(lambda n, span, s, p, k: (n + 2 * p - k) // s + 1)),
    )


def _size_exercise(dilation):
    names = ("n", "kernel_size", "stride", "padding") + (("dilation",) if dilation else ())
    return Exercise(
        name="conv_output_size",
        signature=f"conv_output_size({', '.join(names)})",
        summary="the output length of a convolution or pooling along one axis",
        details=("n, kernel_size, stride >= 1 and padding >= 0 are ints (padding on each side);\n"
                 "an optional fifth argument `dilation` (>= 1) is tested too when your function\n"
                 "takes five arguments. Called positionally. Return the int\n"
                 "floor((n + 2*padding - dilation*(kernel_size - 1) - 1) / stride) + 1.\n"
                 "Reference: cnnbook.conv_output_size."),
        arg_names=names,
        reference=_size_ref,
        cases=lambda rng: _size_cases(rng, dilation),
        convert=_as_number,
        agree=lambda e, g: g == e,
        mistakes=_size_mistakes(),
    )


CONV_OUTPUT_SIZE = _size_exercise(dilation=False)
CONV_OUTPUT_SIZE_DILATED = _size_exercise(dilation=True)
