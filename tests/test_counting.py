import pytest
import torch
from torch import nn

from cnnbook import conv_params, fc_params


def _count(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("shape, out", [((1, 28, 28), 100), ((3, 224, 224), 1000), (10, 1)])
@pytest.mark.parametrize("bias", [True, False])
def test_fc_params_matches_torch_linear(shape, out, bias):
    n_in = shape if isinstance(shape, int) else int(torch.tensor(shape).prod())
    assert fc_params(shape, out, bias=bias) == _count(nn.Linear(n_in, out, bias=bias))


@pytest.mark.parametrize(
    "cin, cout, k, groups", [(1, 25, 3, 1), (25, 50, 3, 1), (3, 64, (7, 5), 1), (8, 16, 3, 4)]
)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_params_matches_torch_conv2d(cin, cout, k, groups, bias):
    layer = nn.Conv2d(cin, cout, k, groups=groups, bias=bias)
    assert conv_params(cin, cout, k, groups=groups, bias=bias) == _count(layer)


def test_lecture_keras_example_weights_per_filter():
    # the notes: 9 weights per filter in the first layer, 225 = 25 * 3 * 3 in the second
    assert conv_params(1, 25, 3, bias=False) // 25 == 9
    assert conv_params(25, 50, 3, bias=False) // 50 == 225


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fc_params((), 3), "in_shape"),
        (lambda: fc_params((0, 3), 3), "in_shape"),
        (lambda: fc_params((3, 3), 0), "out_features"),
        (lambda: conv_params(0, 3, 3), "in_channels"),
        (lambda: conv_params(3, 3, 0), "kernel_size"),
        (lambda: conv_params(3, 4, 3, groups=3), "groups"),
    ],
)
def test_bad_values_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fc_params((2.5, 3), 3), "in_shape"),
        (lambda: fc_params(3, "4"), "out_features"),
        (lambda: conv_params(1, 2, 3.0), "kernel_size"),
        (lambda: conv_params(True, 2, 3), "in_channels"),
    ],
)
def test_bad_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


# --- regressions: numpy integers accepted, floats and non-bools refused ------------------------

def test_fc_params_accepts_numpy_integers_like_torch():
    import numpy as np

    expected = sum(p.numel() for p in nn.Linear(784, 10).parameters())
    assert fc_params(np.int64(784), np.int32(10)) == expected
    assert fc_params(torch.zeros(1, 28, 28).shape, 10) == expected
    assert fc_params(np.array([1, 28, 28]).tolist(), 10) == expected


@pytest.mark.parametrize("call, error, match", [
    (lambda: fc_params(784.0, 10), TypeError, "`in_shape`"),
    (lambda: fc_params((1, 28.0, 28), 10), TypeError, "`in_shape` must be an int"),
    (lambda: fc_params("784", 10), TypeError, "`in_shape`"),
    (lambda: fc_params(784, 10, bias="no"), TypeError, "`bias` must be True or False"),
    (lambda: conv_params(1, 25, 3, bias=0), TypeError, "`bias` must be True or False"),
])
def test_counting_arguments_are_checked(call, error, match):
    with pytest.raises(error, match=match):
        call()
