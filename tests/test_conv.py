"""conv.py against torch.nn.functional.conv2d, the corr2d loop and the notes' worked cases."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.conv import conv2d, conv_matrix, conv_output_size, convolve, corr2d

MODES = ["zeros", "reflect", "replicate", "circular"]

# The lecture's 6x6 image and its two 3x3 filters (Hung-yi Lee's slides).
IMAGE = np.array([[int(c) for c in row] for row in
                  "100001 010010 001100 100010 010010 001010".split()], dtype=float)
FILTER1 = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
FILTER2 = np.array([[-1, 1, -1]] * 3, dtype=float)


@st.composite
def conv_cases(draw):
    """Random but valid conv2d arguments: every combination the function accepts."""
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c = groups * draw(st.integers(1, 2))
    k = groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    mode = draw(st.sampled_from(MODES))
    ph, pw = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    # input at least as large as the dilated kernel after padding, and the padding legal
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph, ph + 1), 9))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw, pw + 1), 9))
    n = draw(st.integers(1, 3))
    stride = (sh, sw) if draw(st.booleans()) else sh
    padding = (ph, pw)
    dilation = (dh, dw)
    bias = draw(st.booleans())
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return dict(x=(n, c, h, w), weight=(k, c // groups, kh, kw), bias=bias, dtype=dtype,
                kw=dict(stride=stride, padding=padding, dilation=dilation, groups=groups,
                        padding_mode=mode))


def _torch_conv(x, weight, bias, stride, padding, dilation, groups, padding_mode):
    """torch's answer, via nn.Conv2d's own handling of padding_mode."""
    x, weight = torch.from_numpy(x), torch.from_numpy(weight)
    bias = None if bias is None else torch.from_numpy(bias)
    if padding_mode != "zeros":
        ph, pw = padding
        x = F.pad(x, (pw, pw, ph, ph), mode=padding_mode)
        padding = 0
    return F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation,
                    groups=groups).numpy()


@settings(max_examples=60, deadline=None)
@given(conv_cases(), st.integers(0, 2**32 - 1))
def test_conv2d_matches_torch(case, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(case["x"]).astype(case["dtype"])
    w = rng.standard_normal(case["weight"]).astype(case["dtype"])
    b = rng.standard_normal(case["weight"][0]).astype(case["dtype"]) if case["bias"] else None
    ours = conv2d(x, w, b, **case["kw"])
    theirs = _torch_conv(x, w, b, **{**case["kw"], "padding": case["kw"]["padding"]})
    assert ours.dtype == case["dtype"]
    tol = 1e-5 if case["dtype"] == np.float32 else 1e-12
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 8), st.integers(1, 8), st.integers(1, 4), st.integers(1, 4),
       st.integers(0, 2**32 - 1))
def test_conv2d_single_channel_equals_corr2d_loop(h, w, kh, kw, seed):
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal((h + kh - 1, w + kw - 1)), rng.standard_normal((kh, kw))
    np.testing.assert_allclose(conv2d(x[None, None], k[None, None])[0, 0], corr2d(x, k),
                               atol=1e-12)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("kernel, dilation", [(3, 1), (4, 1), ((2, 5), (2, 1))])
def test_conv2d_string_padding_matches_torch(padding, kernel, dilation):
    rng = np.random.default_rng(0)
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    x, w = rng.standard_normal((2, 3, 11, 12)), rng.standard_normal((4, 3, kh, kw))
    ours = conv2d(x, w, padding=padding, dilation=dilation)
    with warnings.catch_warnings():  # torch warns about even kernels with 'same'
        warnings.simplefilter("ignore", UserWarning)
        theirs = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=padding,
                          dilation=dilation).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
    if padding == "same":
        assert ours.shape[2:] == x.shape[2:]


def test_conv2d_empty_batch():
    assert conv2d(np.zeros((0, 2, 5, 5)), W).shape == (0, 4, 3, 3)


def test_conv2d_unbatched_input_and_dtypes():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 6, 6)), rng.standard_normal((2, 3, 3, 3))
    out = conv2d(x, w)
    assert out.shape == (2, 4, 4)
    np.testing.assert_allclose(out, conv2d(x[None], w)[0])
    assert conv2d(x.astype(np.float32), w.astype(np.float32)).dtype == np.float32
    assert conv2d(x.astype(np.float32), w).dtype == np.float64  # mixed -> float64
    assert conv2d(np.ones((1, 3, 3), int), np.ones((1, 1, 2, 2), int)).dtype == np.float64


def test_lecture_6x6_image_stride_1_and_2():
    y1 = corr2d(IMAGE, FILTER1)
    assert y1.shape == (4, 4)
    assert y1[0, 0] == 3 and y1[0, 1] == -1
    np.testing.assert_array_equal(y1, [[3, -1, -3, -1], [-3, 1, 0, -3],
                                       [-3, -3, 0, 1], [3, -2, -2, -1]])
    np.testing.assert_array_equal(corr2d(IMAGE, FILTER2), [[-1, -1, -1, -1], [-1, -1, -2, 1],
                                                           [-1, -1, -2, 1], [-1, 0, -4, 3]])
    y2 = conv2d(IMAGE[None, None], FILTER1[None, None], stride=2)[0, 0]
    np.testing.assert_array_equal(y2, [[3, -3], [-3, 0]])
    # both filters at once: a feature map of 2 channels
    both = conv2d(IMAGE[None, None], np.stack([FILTER1, FILTER2])[:, None])
    assert both.shape == (1, 2, 4, 4)


def test_keras_example_shapes_and_weights():
    # 28 -conv3-> 26 -pool2-> 13 -conv3-> 11 -pool2-> 5
    assert conv_output_size(28, 3) == 26
    assert conv_output_size(26, 2, stride=2) == 13
    assert conv_output_size(13, 3) == 11
    assert conv_output_size(11, 2, stride=2) == 5
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 28, 28))
    w1, w2 = rng.standard_normal((25, 1, 3, 3)), rng.standard_normal((50, 25, 3, 3))
    h = conv2d(x, w1)
    assert h.shape == (1, 25, 26, 26) and w1[0].size == 9
    h = h[:, :, :26, :26].reshape(1, 25, 13, 2, 13, 2).max(axis=(3, 5))
    h = conv2d(h, w2)
    assert h.shape == (1, 50, 11, 11) and w2[0].size == 225


def test_alphago_first_layer_shapes():
    # 19x19 board padded to 23x23, a 5x5 filter: 19x19 out (the notes' "21x21" is a slip)
    assert conv_output_size(19 + 4, 5) == 19
    assert conv_output_size(19, 5, padding=2) == 19
    x = np.zeros((1, 48, 19, 19))
    assert conv2d(x, np.zeros((8, 48, 5, 5)), padding=2).shape == (1, 8, 19, 19)
    assert conv2d(x, np.zeros((8, 48, 3, 3)), padding=1).shape == (1, 8, 19, 19)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 4), st.integers(0, 4),
       st.integers(1, 3))
def test_conv_output_size_matches_torch(n, k, s, p, d):
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        with pytest.raises(ValueError, match="kernel_size"):
            conv_output_size(n, k, stride=s, padding=p, dilation=d)
        return
    expected = F.conv2d(torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=(s, 1),
                        padding=(p, 0), dilation=(d, 1)).shape[2]
    assert conv_output_size(n, k, stride=s, padding=p, dilation=d) == expected
    assert conv_output_size((n, n), (k, k), stride=s, padding=p, dilation=d) == (expected,) * 2


def test_conv_output_size_string_padding():
    assert conv_output_size(17, 4, padding="same") == 17
    assert conv_output_size(17, 4, padding="valid") == 14
    with pytest.raises(ValueError, match="`padding`='same'"):
        conv_output_size(17, 4, stride=2, padding="same")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 7), st.integers(2, 7),
       st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 2),
       st.integers(1, 2), st.integers(0, 2**32 - 1))
def test_conv_matrix_equals_conv2d(c, k, h, w, kh, kw, s, p, d, seed):
    if d * (kh - 1) + 1 > h + 2 * p or d * (kw - 1) + 1 > w + 2 * p:
        return
    rng = np.random.default_rng(seed)
    weight, x = rng.standard_normal((k, c, kh, kw)), rng.standard_normal((c, h, w))
    m = conv_matrix(weight, (c, h, w), stride=s, padding=p, dilation=d)
    y = conv2d(x, weight, stride=s, padding=p, dilation=d)
    assert m.shape == (y.size, x.size)
    np.testing.assert_allclose(m @ x.ravel(), y.ravel(), atol=1e-12)


def test_conv_matrix_is_sparse_and_shares_weights():
    k = np.arange(1.0, 10.0).reshape(3, 3)
    m = conv_matrix(k, (5, 5))
    assert m.shape == (9, 25)
    assert (np.count_nonzero(m, axis=1) == 9).all()  # each output sees 9 pixels
    np.testing.assert_array_equal(np.sort(m[4][m[4] != 0]), np.arange(1.0, 10.0))


def test_convolve_dice():
    die = np.array([0, 1, 1, 1, 1, 1, 1]) / 6
    p = convolve(die, die)
    assert p[4] == pytest.approx(3 / 36)
    assert p.sum() == pytest.approx(1.0)
    assert p[7] == pytest.approx(6 / 36) and p.argmax() == 7


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.sampled_from(["full", "valid", "same"]),
       st.integers(0, 2**32 - 1))
def test_convolve_1d_matches_numpy(n, m, mode, seed):
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal(n), rng.standard_normal(m)
    if mode == "valid" and m > n:
        with pytest.raises(ValueError, match="`k`"):
            convolve(x, k, mode)
        return
    expected = np.convolve(x, k, mode)
    if mode == "same" and m > n:  # numpy's 'same' returns max(n, m) values; ours keeps n
        expected = np.convolve(x, k, "full")[(m - 1) // 2:(m - 1) // 2 + n]
    np.testing.assert_allclose(convolve(x, k, mode), expected, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 7), st.integers(2, 7), st.integers(1, 4), st.integers(1, 4),
       st.integers(0, 2**32 - 1))
def test_convolve_2d_is_flipped_correlation(h, w, kh, kw, seed):
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    full = convolve(x, k)
    assert full.shape == (h + kh - 1, w + kw - 1)
    # definition: (x * k)[n] = sum_m x[m] k[n - m]
    expected = np.zeros_like(full)
    for i in range(h):
        for j in range(w):
            expected[i:i + kh, j:j + kw] += x[i, j] * k
    np.testing.assert_allclose(full, expected, atol=1e-12)
    same = convolve(x, k, "same")
    assert same.shape == (h, w)
    np.testing.assert_allclose(same, full[(kh - 1) // 2:(kh - 1) // 2 + h,
                                          (kw - 1) // 2:(kw - 1) // 2 + w])
    if kh <= h and kw <= w:
        np.testing.assert_allclose(convolve(x, k, "valid"), corr2d(x, k[::-1, ::-1]),
                                   atol=1e-12)


def test_flipping_matters():
    x = np.arange(5.0)
    k = np.array([1.0, 0.0, -1.0])
    np.testing.assert_array_equal(convolve(x, k, "valid"), [2, 2, 2])
    np.testing.assert_array_equal(corr2d(x[None], k[None])[0], [-2, -2, -2])


# --- bad input -----------------------------------------------------------------------------

X = np.zeros((1, 2, 5, 5))
W = np.zeros((4, 2, 3, 3))


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(x=np.zeros((2, 5, 5, 1, 1))), ValueError, "`x`"),
    (dict(x=np.zeros((5, 5))), ValueError, "`x`"),
    (dict(weight=np.zeros((4, 2, 3))), ValueError, "`weight`"),
    (dict(weight=np.zeros((4, 3, 3, 3))), ValueError, "`weight`"),
    (dict(weight=np.zeros((4, 2, 7, 3))), ValueError, "`weight`.*larger than the padded"),
    (dict(stride=0), ValueError, "`stride` must be >= 1"),
    (dict(stride=1.5), TypeError, "`stride`"),
    (dict(stride=True), TypeError, "`stride`"),
    (dict(stride=(1, 2, 3)), ValueError, "`stride`"),
    (dict(padding=-1), ValueError, "`padding` must be >= 0"),
    (dict(padding="full"), ValueError, "`padding`"),
    (dict(padding="same", stride=2), ValueError, "`padding`"),
    (dict(dilation=0), ValueError, "`dilation`"),
    (dict(groups=0), ValueError, "`groups`"),
    (dict(groups=3), ValueError, "`groups`"),
    (dict(groups=2), ValueError, "`weight`"),
    (dict(padding_mode="mirror"), ValueError, "`padding_mode`"),
    (dict(padding=5, padding_mode="reflect"), ValueError, "`padding`"),
    (dict(bias=np.zeros(3)), ValueError, "`bias`"),
    (dict(x=np.array([["a"]])), TypeError, "`x`"),
    (dict(weight="w"), TypeError, "`weight`"),
])
def test_conv2d_bad_input(kwargs, exc, name):
    args = dict(x=X, weight=W)
    args.update(kwargs)
    with pytest.raises(exc, match=name):
        conv2d(args.pop("x"), args.pop("weight"), **args)


def test_other_bad_input():
    with pytest.raises(ValueError, match="`k`"):
        corr2d(np.zeros((2, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="`x`"):
        corr2d(np.zeros(4), np.zeros((1, 1)))
    with pytest.raises(ValueError, match="`mode`"):
        convolve([1, 2], [1], mode="circular")
    with pytest.raises(ValueError, match="`k`"):
        convolve(np.zeros((2, 2)), [1, 2])
    with pytest.raises(ValueError, match="`x`"):
        convolve(np.zeros((2, 2, 2)), np.zeros((1, 1, 1)))
    with pytest.raises(ValueError, match="`input_shape`"):
        conv_matrix(np.zeros((1, 1, 2, 2)), (3, 3))
    with pytest.raises(ValueError, match="`weight`"):
        conv_matrix(np.zeros((1, 2, 2, 2)), (3, 3, 3))
    with pytest.raises(TypeError, match="`input_shape`"):
        conv_matrix(np.zeros((2, 2)), 3)
    with pytest.raises(ValueError, match="`n`"):
        conv_output_size(0, 3)
    with pytest.raises(ValueError, match="`kernel_size`"):
        conv_output_size(5, 0)
    with pytest.raises(TypeError, match="`n`"):
        conv_output_size(5.0, 3)


def test_convolve_same_follows_scipy_when_the_kernel_is_longer():
    import scipy.signal

    x, k = np.array([1.0, 2.0]), np.ones(4)
    np.testing.assert_allclose(convolve(x, k, mode="same"), scipy.signal.convolve(x, k, "same"))
    assert len(np.convolve(x, k, "same")) == 4  # numpy returns max(len(x), len(k)) values
    assert convolve(x, k, mode="same").shape == (2,)
