"""cnnbook.nn: autograd wrappers of the numpy kernels, checked by gradcheck and against torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import cnnbook.nn as cnn


def _double(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, dtype=torch.float64, generator=g).requires_grad_()


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(1, 2), padding=(2, 0), dilation=(2, 1)),
    dict(groups=2, padding="same"),
    dict(padding=1, padding_mode="reflect", bias=False),
    dict(padding=2, padding_mode="circular", stride=2),
])
def test_conv2d_module_gradcheck(kwargs):
    conv = cnn.Conv2d(4, 6, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64,
                      **kwargs)
    x = _double(2, 4, 7, 6)
    assert torch.autograd.gradcheck(lambda x, *p: conv(x), (x, *conv.parameters()))


def test_conv2d_module_matches_torch_module_and_init():
    torch.manual_seed(3)
    ours = cnn.Conv2d(3, 5, (3, 2), stride=2, padding=1, groups=1)
    torch.manual_seed(3)
    theirs = torch.nn.Conv2d(3, 5, (3, 2), stride=2, padding=1)
    torch.testing.assert_close(ours.weight, theirs.weight)  # initialised exactly like torch
    torch.testing.assert_close(ours.bias, theirs.bias)
    x = torch.randn(4, 3, 9, 8)
    y_ours, y_theirs = ours(x), theirs(x)
    assert y_ours.dtype == torch.float32
    torch.testing.assert_close(y_ours, y_theirs)
    y_ours.square().sum().backward()
    y_theirs.square().sum().backward()
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(ours.bias.grad, theirs.bias.grad, rtol=1e-4, atol=1e-4)
    assert "Conv2d(3, 5, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1))" == repr(ours)


def _net(conv_cls, pool_cls):
    torch.manual_seed(0)
    return torch.nn.Sequential(conv_cls(1, 4, 3, padding=1), torch.nn.ReLU(), pool_cls(2),
                               conv_cls(4, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(4 * 2 * 2, 2)).double()


def _stripes(n, seed):
    """Images of 8x8 with a vertical (label 0) or a horizontal (label 1) line somewhere."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.1, (n, 1, 8, 8))
    y = rng.integers(0, 2, n)
    pos = rng.integers(0, 8, n)
    for i in range(n):
        if y[i]:
            x[i, 0, pos[i], :] += 1
        else:
            x[i, 0, :, pos[i]] += 1
    return torch.from_numpy(x), torch.from_numpy(y)


def test_training_on_the_from_scratch_conv_follows_torch():
    ours = _net(cnn.Conv2d, cnn.MaxPool2d)
    theirs = _net(torch.nn.Conv2d, torch.nn.MaxPool2d)
    x, y = _stripes(64, seed=0)
    losses = []
    for net in (ours, theirs):
        opt = torch.optim.Adam(net.parameters(), lr=0.05)
        hist = []
        for _ in range(30):
            opt.zero_grad()
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            hist.append(loss.item())
        losses.append(hist)
    assert losses[0][-1] < 0.5 * losses[0][0]  # it learns
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)  # exactly as torch does
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(p, q)


@pytest.mark.parametrize("fn, args", [
    (cnn.max_pool2d, dict(kernel_size=2)),
    (cnn.max_pool2d, dict(kernel_size=3, stride=2, padding=1)),
    (cnn.min_pool2d, dict(kernel_size=(2, 3), stride=1)),
    (cnn.avg_pool2d, dict(kernel_size=3, stride=2, padding=1)),
    (cnn.avg_pool2d, dict(kernel_size=3, padding=1, count_include_pad=False)),
    (cnn.lp_pool2d, dict(p=2, kernel_size=2)),
    (cnn.lp_pool2d, dict(p=3, kernel_size=(2, 1), stride=1)),
    (cnn.kmax_pool1d, dict(k=3)),
])
def test_pooling_functions_gradcheck(fn, args):
    # distinct positive values: no ties for max/min/k-max, no zero sums for Lp
    g = torch.Generator().manual_seed(0)
    x = (torch.randperm(2 * 3 * 6 * 7, generator=g).double().reshape(2, 3, 6, 7) / 10 + 1)
    x.requires_grad_()
    assert torch.autograd.gradcheck(lambda t: fn(t, **args), (x,))


@pytest.mark.parametrize("ours, theirs", [
    (cnn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
    (cnn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1)),
    (cnn.AvgPool2d(3, 1, 1), torch.nn.AvgPool2d(3, 1, 1)),
    (cnn.AvgPool2d(3, 1, 1, count_include_pad=False),
     torch.nn.AvgPool2d(3, 1, 1, count_include_pad=False)),
    (cnn.LPPool2d(2, 2), torch.nn.LPPool2d(2, 2)),
])
def test_pool_modules_match_torch(ours, theirs):
    x = torch.rand(2, 3, 7, 6) + 0.1
    torch.testing.assert_close(ours(x), theirs(x))


def test_min_and_kmax_modules():
    x = torch.tensor([[[[4.0, 1.0], [2.0, 3.0]]]])
    assert cnn.MinPool2d(2)(x).item() == 1.0
    torch.testing.assert_close(cnn.KMaxPool1d(2)(torch.tensor([1.0, 3.0, 0.0, 2.0])),
                               torch.tensor([3.0, 2.0]))
    assert "k=2" in repr(cnn.KMaxPool1d(2))


def test_bad_module_arguments():
    with pytest.raises(ValueError, match="`groups`"):
        cnn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="`stride`"):
        cnn.Conv2d(3, 4, 3, stride=0)
    with pytest.raises(ValueError, match="`padding_mode`"):
        cnn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="`padding`"):
        cnn.Conv2d(3, 4, 3, padding=-1)
    with pytest.raises(TypeError, match="`kernel_size`"):
        cnn.Conv2d(3, 4, 2.5)
    with pytest.raises(ValueError, match="`padding`"):
        cnn.MaxPool2d(2, padding=2)
    with pytest.raises(ValueError, match="`p`"):
        cnn.LPPool2d(0, 2)
    with pytest.raises(ValueError, match="`k`"):
        cnn.KMaxPool1d(0)
    with pytest.raises(TypeError, match="torch.Tensor"):
        cnn.conv2d(np.zeros((1, 1, 3, 3)), torch.zeros(1, 1, 2, 2))


def test_min_pool2d_matches_torch_and_routes_gradient_to_the_arg_min():
    min_pool2d, MinPool2d = cnn.min_pool2d, cnn.MinPool2d
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 6, 6, generator=g, dtype=torch.float64, requires_grad=True)
    ours = min_pool2d(x, 3, stride=2, padding=1)
    ours.sum().backward()
    ours_grad = x.grad.clone()
    x.grad = None
    theirs = -torch.nn.functional.max_pool2d(-x, 3, stride=2, padding=1)
    theirs.sum().backward()
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(ours_grad, x.grad)
    torch.testing.assert_close(MinPool2d(3, stride=2, padding=1)(x), theirs)
    small = torch.randn(1, 1, 4, 4, generator=g, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: min_pool2d(t, 2), (small,))


# --- regression: integer tensors are refused, as torch refuses them ---------------------------

@pytest.mark.parametrize("dtype", [torch.uint8, torch.int64, torch.bool])
def test_integer_tensors_are_refused_like_torch(dtype):
    x = torch.ones(1, 1, 4, 4, dtype=dtype)
    with pytest.raises(RuntimeError):  # the oracle: torch refuses these too
        F.conv2d(x, torch.ones(1, 1, 2, 2))
    layers = [cnn.Conv2d(1, 1, 2), cnn.MaxPool2d(2), cnn.AvgPool2d(2), cnn.MinPool2d(2),
              cnn.LPPool2d(2, 2)]
    for layer in layers:
        with pytest.raises(TypeError, match="`x` must be a floating-point tensor"):
            layer(x)
    with pytest.raises(TypeError, match="`weight` must be a floating-point tensor"):
        cnn.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2, dtype=dtype))
    with pytest.raises(TypeError, match="`bias` must be a floating-point tensor"):
        cnn.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), torch.ones(1, dtype=dtype))
    with pytest.raises(TypeError, match="`x` must be a floating-point tensor"):
        cnn.kmax_pool1d(torch.ones(5, dtype=dtype), 2)


def test_float_uint8_values_give_torchs_result_with_grad():
    x = torch.arange(16, dtype=torch.uint8).reshape(1, 1, 4, 4).float().requires_grad_()
    w = torch.ones(1, 1, 3, 3)
    y = cnn.conv2d(x, w)
    assert y.grad_fn is not None
    torch.testing.assert_close(y, F.conv2d(x, w))


def test_boolean_options_are_checked():
    with pytest.raises(TypeError, match="`bias` must be True or False"):
        cnn.Conv2d(1, 1, 2, bias="no")
    with pytest.raises(TypeError, match="`count_include_pad` must be True or False"):
        cnn.AvgPool2d(2, count_include_pad="yes")
    with pytest.raises(TypeError, match="`x` must be a torch.Tensor"):
        cnn.conv2d(np.ones((1, 1, 3, 3)), torch.ones(1, 1, 2, 2))


def test_max_pool_autograd_on_masked_map_matches_torch():
    x = torch.full((2, 3, 5, 5), -torch.inf, dtype=torch.float64)
    x[0, 1, 2, 2] = 1.0
    x[1, 0] = torch.arange(25.0).reshape(5, 5)
    mine, ref = x.clone().requires_grad_(), x.clone().requires_grad_()
    cnn.max_pool2d(mine, 3, stride=2, padding=1).sum().backward()
    F.max_pool2d(ref, 3, stride=2, padding=1).sum().backward()
    torch.testing.assert_close(mine.grad, ref.grad)
