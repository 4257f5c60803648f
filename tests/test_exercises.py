"""cnnbook.exercises: each checker passes correct implementations written independently (loops,
torch) and fails deliberately wrong ones with the smallest input and the right hint."""

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnnbook import exercises


def _t(a):
    return torch.from_numpy(np.array(a))  # a copy: torch refuses negative strides


def failure(name, fn):
    """The AssertionError message of a failing check."""
    with pytest.raises(AssertionError) as info:
        exercises.check(name, fn)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert "The smallest failing input" in message
    assert "expected" in message and "received" in message
    return message


def hint_of(message):
    found = re.search(r"Hint: (.*)", message, re.S)
    return " ".join(found.group(1).split()) if found else ""


# ---- corr2d ------------------------------------------------------------------------------------

def loop_corr2d(x, k, *, flip=False, rows=None):
    kh, kw = k.shape
    if flip:
        k = k[::-1, ::-1]
    ho = x.shape[0] - kh + 1 if rows is None else rows(x.shape[0], kh)
    out = np.zeros((ho, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
    return out


def test_corr2d_passes_a_loop_and_torch(capsys):
    exercises.check("corr2d", loop_corr2d)
    assert capsys.readouterr().out == "corr2d: all 40 cases agree\n"
    exercises.check("corr2d", lambda x, k: F.conv2d(_t(x)[None, None], _t(k)[None, None])[0, 0])


def test_corr2d_flipped_kernel():
    message = failure("corr2d", lambda x, k: loop_corr2d(x, k, flip=True))
    assert "true convolution, which flips the kernel" in hint_of(message)
    assert "kernel as large as the image" in message  # the smallest input where a flip shows


def test_corr2d_off_by_one_shows_the_smallest_input():
    message = failure("corr2d", lambda x, k: loop_corr2d(x, k, rows=lambda h, kh: h - kh))
    assert "x = shape (1, 1): [[2]]" in message  # the 1x1 image comes first
    assert "off-by-one in the output size" in hint_of(message)


def test_corr2d_transposed_output_and_transposed_kernel():
    assert "transposed" in hint_of(failure("corr2d", lambda x, k: loop_corr2d(x, k).T))
    message = failure("corr2d", lambda x, k: loop_corr2d(x, k.T) if k.shape[0] <= x.shape[0]
                      and k.shape[1] <= x.shape[1] and k.T.shape[0] <= x.shape[0]
                      and k.T.shape[1] <= x.shape[1] else loop_corr2d(x, k))
    assert "kernel transposed" in hint_of(message)


# ---- conv2d ------------------------------------------------------------------------------------

def torch_conv2d(x, weight, stride, padding):
    return F.conv2d(_t(x), _t(weight), stride=stride, padding=padding)


def loop_conv2d(x, weight, stride, padding, *, pads=None, size=None):
    """A reader's loops; `pads` (top, bottom, left, right) and `size` let it go wrong."""
    n, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    top, bottom, left, right = pads or (padding,) * 4
    xp = np.zeros((n, c, h + top + bottom, w + left + right))
    xp[:, :, top:top + h, left:left + w] = x
    size = size or (lambda m, k: (m - k) // stride + 1)
    out = np.zeros((n, o, size(xp.shape[2], kh), size(xp.shape[3], kw)))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = xp[:, None, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = (window * weight[None]).sum(axis=(2, 3, 4))
    return out


def test_conv2d_passes_torch_and_loops(capsys):
    exercises.check("conv2d", torch_conv2d)
    exercises.check("conv2d", loop_conv2d)
    assert capsys.readouterr().out == "conv2d: all 40 cases agree\n" * 2


def test_conv2d_flipped_kernel():
    message = failure("conv2d", lambda x, w, s, p: loop_conv2d(x, w[..., ::-1, ::-1], s, p))
    assert "every kernel flipped by 180°" in hint_of(message)


def test_conv2d_padding_on_one_side_only():
    message = failure("conv2d", lambda x, w, s, p: loop_conv2d(x, w, s, p, pads=(p, 0, p, 0)))
    assert "padded on the top and left only" in hint_of(message)
    message = failure("conv2d", lambda x, w, s, p: loop_conv2d(x, w, s, p, pads=(0, p, 0, p)))
    assert "padded on the bottom and right only" in hint_of(message)


def test_conv2d_off_by_one_and_ignored_stride_or_padding():
    message = failure("conv2d", lambda x, w, s, p: loop_conv2d(
        x, w, s, p, size=lambda m, k: (m - k) // s))
    assert "off-by-one in the output size" in hint_of(message)
    assert "floor((H + 2p - kh) / s) + 1" in hint_of(message)
    assert "`stride` was ignored" in hint_of(failure("conv2d", lambda x, w, s, p: torch_conv2d(
        x, w, 1, p)))
    assert "`padding` was ignored" in hint_of(failure("conv2d", lambda x, w, s, p: torch_conv2d(
        x, w, s, 0)))


def test_conv2d_transposed_output():
    message = failure("conv2d", lambda x, w, s, p: loop_conv2d(x, w, s, p).swapaxes(-1, -2))
    assert "height and width swapped" in hint_of(message)


def test_conv2d_no_hint_without_evidence():
    message = failure("conv2d", lambda x, w, s, p: torch_conv2d(x, w, s, p) + 1)
    assert "Hint" not in message


# ---- conv_output_size --------------------------------------------------------------------------

def torch_size(n, k, s, p, d=1):
    return F.conv2d(torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=s, padding=(p, 0),
                    dilation=d).shape[2]


def test_conv_output_size_passes_torch_with_and_without_dilation(capsys):
    exercises.check("conv_output_size", lambda n, k, s, p: torch_size(n, k, s, p))
    exercises.check("conv_output_size", torch_size)  # five arguments: dilation tested too
    assert capsys.readouterr().out == "conv_output_size: all 40 cases agree\n" * 2
    message = failure("conv_output_size", lambda n, k, s, p, d: torch_size(n, k, s, p))
    assert "ignore the dilation" in hint_of(message)


@pytest.mark.parametrize("wrong, hint", [
    (lambda n, k, s, p: (n + 2 * p - k) // s, "the '+ 1' is missing"),          # off by one
    (lambda n, k, s, p: (n + p - k) // s + 1, "count the padding once"),          # padding
    (lambda n, k, s, p: math.ceil((n + 2 * p - k) / s) + 1, "round up"),
    (lambda n, k, s, p: (n + 2 * p - k) / s + 1, "not whole numbers"),
    (lambda n, k, s, p: n + 2 * p - k + 1, "ignore the stride"),
])
def test_conv_output_size_common_mistakes(wrong, hint):
    assert hint in hint_of(failure("conv_output_size", wrong))


# ---- max_pool2d --------------------------------------------------------------------------------

def loop_max_pool(x, k, s, *, start=-np.inf, size=None):
    size = size or (lambda m: (m - k) // s + 1)
    out = np.full((size(x.shape[0]), size(x.shape[1])), start)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for a in range(k):
                for b in range(k):
                    out[i, j] = max(out[i, j], x[i * s + a, j * s + b])
    return out


def test_max_pool2d_passes_torch_and_a_loop(capsys):
    exercises.check("max_pool2d", lambda x, k, s: F.max_pool2d(_t(x)[None], k, s)[0])
    exercises.check("max_pool2d", loop_max_pool)
    assert capsys.readouterr().out == "max_pool2d: all 36 cases agree\n" * 2


@pytest.mark.parametrize("wrong, hint", [
    (lambda x, k, s: loop_max_pool(x, k, s, size=lambda m: (m - k) // s), "off-by-one"),
    (lambda x, k, s: loop_max_pool(x, k, s, start=0.0), "never go below 0"),
    (lambda x, k, s: F.avg_pool2d(_t(x)[None], k, s)[0], "the average of each window"),
    (lambda x, k, s: loop_max_pool(x, k, 1), "`stride` was ignored"),
    (lambda x, k, s: loop_max_pool(x, k, s).T, "transposed"),
])
def test_max_pool2d_common_mistakes(wrong, hint):
    assert hint in hint_of(failure("max_pool2d", wrong))


# ---- conv2d_backward ---------------------------------------------------------------------------

def torch_backward(grad_out, x, weight, stride, padding):
    x, weight = _t(x).requires_grad_(), _t(weight).requires_grad_()
    F.conv2d(x, weight, stride=stride, padding=padding).backward(_t(grad_out))
    return x.grad, weight.grad


def test_conv2d_backward_passes_autograd(capsys):
    exercises.check("conv2d_backward", torch_backward)
    exercises.check("conv2d_backward", lambda *a: (*torch_backward(*a), None))  # with a bias
    assert capsys.readouterr().out == "conv2d_backward: all 30 cases agree\n" * 2


def _unpadded_grad_x(g, x, w, s, p, crop):
    """The gradient of the padded input, cropped by `crop(p)` = (top, left) only."""
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    gx, gw = torch_backward(g, xp, w, s, 0)
    top = crop(p)
    return gx[..., top:, top:], gw


@pytest.mark.parametrize("wrong, hint", [
    (lambda g, x, w, s, p: (torch_backward(g, x, w[..., ::-1, ::-1], s, p)[0],
                            torch_backward(g, x, w, s, p)[1]), "kernel rotated by 180°"),
    (lambda g, x, w, s, p: (torch_backward(g, x, w, s, p)[0],
                            torch_backward(g, x, w, s, p)[1] / (g.shape[2] * g.shape[3])),
     "SUM of its contributions"),
    (lambda g, x, w, s, p: _unpadded_grad_x(g, x, w, s, p, lambda p: p), "drop"),  # padding
    (lambda g, x, w, s, p: torch_backward(g, x, w, s, p)[::-1], "in this order"),
    (lambda g, x, w, s, p: (torch_backward(g, x, w, s, p)[0],
                            torch_backward(g, x, w, s, p)[1] / len(x)), "batch size"),
])
def test_conv2d_backward_common_mistakes(wrong, hint):
    message = failure("conv2d_backward", wrong)
    assert hint in hint_of(message)
    assert "as expected" in message or "grad_x must have the shape" in hint_of(message) \
        or "in this order" in hint_of(message)


# ---- receptive_field ---------------------------------------------------------------------------

def measured_rf(layers):
    """Sizes measured with autograd: the span of input pixels one output unit depends on."""
    sizes = []
    for depth in range(1, len(layers) + 1):
        net = torch.nn.Sequential(*[torch.nn.Conv2d(1, 1, (k, 1), (s, 1), bias=False)
                                    for k, s in layers[:depth]])
        for m in net:
            torch.nn.init.ones_(m.weight)
        x = torch.ones(1, 1, 500, 1, requires_grad=True)  # the largest field is 485
        net(x)[0, 0, 0, 0].backward()
        used = torch.nonzero(x.grad[0, 0, :, 0]).ravel()
        sizes.append(int(used.max() - used.min() + 1))
    return sizes


def loop_rf(layers, *, start=1, step=lambda r, jump, k, s: (r + (k - 1) * jump, jump * s)):
    sizes, r, jump = [], start, 1
    for k, s in layers:
        r, jump = step(r, jump, k, s)
        sizes.append(r)
    return sizes


def test_receptive_field_passes_gradient_measurement_and_a_loop(capsys):
    exercises.check("receptive_field", measured_rf)
    exercises.check("receptive_field", loop_rf)
    exercises.check("receptive_field", lambda layers: loop_rf(layers)[-1])  # last size only
    assert capsys.readouterr().out == "receptive_field: all 30 cases agree\n" * 3


@pytest.mark.parametrize("wrong, hint", [
    (lambda L: loop_rf(L, start=0), "one smaller"),                                # off by one
    (lambda L: loop_rf(L, step=lambda r, j, k, s: (r + k - 1, j)), "ignore the strides"),
    (lambda L: loop_rf(L, step=lambda r, j, k, s: (r + (k - 1) * j * s, j * s)),
     "the current layer too"),
    (lambda L: loop_rf(L, step=lambda r, j, k, s: (r + k * j, j * s)), "add (k - 1)"),
])
def test_receptive_field_common_mistakes(wrong, hint):
    assert hint in hint_of(failure("receptive_field", wrong))


# ---- the reader's errors and the arguments of check ---------------------------------------------

def test_an_error_in_the_readers_function_is_shown_and_chained():
    def broken(x, k):
        raise IndexError("index 3 is out of bounds")

    with pytest.raises(AssertionError, match="received: an error, IndexError") as info:
        exercises.check("corr2d", broken)
    assert isinstance(info.value.__cause__, IndexError)
    with pytest.raises(AssertionError, match="forget `return`"):
        exercises.check("corr2d", lambda x, k: None)


def test_a_function_that_modifies_its_input_does_not_change_the_cases():
    def in_place(x, k):
        out = loop_corr2d(x, k)
        x[...] = 0
        return out

    exercises.check("corr2d", in_place)


def test_unknown_name_and_non_callable_are_refused():
    with pytest.raises(ValueError, match="conv2d, conv2d_backward, conv_output_size, corr2d, "
                                         "max_pool2d, receptive_field; got 'conv3d'"):
        exercises.check("conv3d", loop_corr2d)
    with pytest.raises(TypeError, match="`fn` must be your function"):
        exercises.check("corr2d", "my_corr2d")
    with pytest.raises(TypeError, match="`name` must be a str"):
        exercises.check(loop_corr2d, "corr2d")
    with pytest.raises(TypeError, match="`seed` must be an int"):
        exercises.check("corr2d", loop_corr2d, seed=1.0)
    with pytest.raises(ValueError, match="`name` must be one of"):
        exercises.describe("conv3d")


def test_describe_states_each_signature():
    text = exercises.describe()
    for signature in ("corr2d(x, k)", "conv2d(x, weight, stride, padding)",
                      "conv_output_size(n, kernel_size, stride, padding)",
                      "max_pool2d(x, kernel_size, stride)",
                      "conv2d_backward(grad_out, x, weight, stride, padding)",
                      "receptive_field(layers)"):
        assert signature in text
    assert repr(exercises.describe("corr2d")).startswith("corr2d(x, k)\n")  # shown as text
    assert exercises.names() == ("conv2d", "conv2d_backward", "conv_output_size", "corr2d",
                                 "max_pool2d", "receptive_field")


def _inputs_seen(name, fn, seed):
    """Check `fn` with `seed`; return the inputs it was called with, in order, as bytes."""
    seen = []

    def recording(*args):
        seen.append(tuple((np.asarray(a).shape, np.asarray(a).tobytes()) for a in args))
        return fn(*args)

    exercises.check(name, recording, seed=seed)
    return seen


def test_other_seeds_give_other_random_cases_and_still_pass():
    exercises.check("conv2d", torch_conv2d, seed=1)
    exercises.check("max_pool2d", loop_max_pool, seed=7)
    for name, fn, seed in (("conv2d", torch_conv2d, 1), ("max_pool2d", loop_max_pool, 7)):
        default, other = _inputs_seen(name, fn, 0), _inputs_seen(name, fn, seed)
        assert default == _inputs_seen(name, fn, 0)  # the same seed, the same cases
        assert len(other) == len(default) > 20
        # the hand-made edge cases come first, the first of them fixed whatever the seed ...
        assert other[0] == default[0]
        # ... the random cases after them differ: (nearly) all of them, not one by chance
        differ = [i for i, (a, b) in enumerate(zip(default, other, strict=True)) if a != b]
        assert differ and differ[-1] == len(default) - 1, name
        assert len(differ) >= len(default) // 2, (name, differ)
