import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from cnnbook.models import lecture_cnn, small_cnn
from cnnbook.receptive import (
    Layer,
    alphago_policy_layers,
    effective_receptive_field,
    erf_size,
    gradient_footprint,
    receptive_field,
    vgg16_layers,
)


def triples(records):
    return [(r.size, r.stride, r.padding) for r in records]


def test_lecture_cnn_hand_worked():
    rf = receptive_field(lecture_cnn(), input_size=28)
    # conv3: 3; pool2: 3+1=4, stride 2; conv3: 4+2*2=8; pool2: 8+1*2=10, stride 4
    assert triples(rf) == [(3, 1, 0), (4, 2, 0), (8, 2, 0), (10, 4, 0)]
    assert [r.output_size for r in rf] == [26, 13, 11, 5]
    assert [r.kind for r in rf] == ["conv", "pool", "conv", "pool"]
    assert rf[0].name == "0 Conv2d"


def test_strided_padded_hand_worked():
    rf = receptive_field([Layer(3, stride=2, padding=1), {"kernel_size": 3, "padding": 1}])
    # size 3, then 3 + (3-1)*2 = 7; padding 1, then 1 + 1*2 = 3
    assert triples(rf) == [(3, 2, 1), (7, 2, 3)]
    assert rf[1].window(0) == (-3, 4) and rf[1].window(2) == (1, 8)


def test_dilation_hand_worked():
    rf = receptive_field([Layer(3, dilation=2), Layer(3, dilation=1), Layer(3, dilation=4)])
    assert [r.size for r in rf] == [5, 7, 15]
    m = nn.Sequential(nn.Conv2d(1, 1, 3, dilation=2, padding="same"), nn.ReLU())
    assert triples(receptive_field(m)) == [(5, 1, 2)]


def test_alphago_and_vgg16():
    ago = receptive_field(alphago_policy_layers(), input_size=19)
    assert len(ago) == 13 and all(r.output_size == 19 for r in ago)
    assert [r.size for r in ago] == [5 + 2 * i for i in range(12)] + [27]
    vgg = receptive_field(vgg16_layers(), input_size=224)
    sizes = {r.name: r.size for r in vgg}
    # values published by Araujo et al. (2019) for VGG-16
    assert sizes["conv1_2"] == 5 and sizes["pool1"] == 6 and sizes["pool2"] == 16
    assert sizes["conv5_3"] == 196 and sizes["pool5"] == 212
    assert vgg[-1].stride == 32 and vgg[-1].output_size == 7


def test_module_walk_skips_pointwise_and_stops_at_flatten():
    rf = receptive_field(small_cnn(widths=(4, 4)))
    assert triples(rf) == [(3, 1, 1), (4, 2, 1), (8, 2, 3), (10, 4, 3)]


def test_non_square_needs_axis():
    m = nn.Sequential(nn.Conv2d(1, 1, (5, 1), stride=(1, 2)), nn.MaxPool2d((1, 3)))
    with pytest.raises(ValueError, match="axis"):
        receptive_field(m)
    assert triples(receptive_field(m, axis=0)) == [(5, 1, 0), (5, 1, 0)]
    assert triples(receptive_field(m, axis=1)) == [(1, 2, 0), (5, 6, 0)]


def test_bad_input():
    with pytest.raises(ValueError, match="stride"):
        receptive_field([Layer(3, stride=0)])
    with pytest.raises(ValueError, match="padding"):
        receptive_field([{"kernel_size": 3, "padding": -1}])
    with pytest.raises(TypeError, match="kernel_size"):
        receptive_field([{"kernel_size": 2.5}])
    with pytest.raises(TypeError, match=r"layers\[0\]"):
        receptive_field([(3, 1)])
    with pytest.raises(TypeError, match="Upsample"):
        receptive_field(nn.Sequential(nn.Upsample(scale_factor=2)))
    with pytest.raises(ValueError, match="no convolution"):
        receptive_field([])
    with pytest.raises(ValueError, match="kernel larger"):
        receptive_field([Layer(5)], input_size=3)


# ---- closed form vs gradient footprint ----------------------------------------------------

layer_st = st.one_of(
    st.tuples(st.just("conv"), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2),
              st.integers(1, 2)),
    st.tuples(st.sampled_from(["max", "avg"]), st.integers(1, 3), st.integers(1, 3),
              st.integers(0, 1), st.just(1)),
)  # fmt: skip


def build(specs):
    layers, channels = [], 1
    for kind, k, s, p, d in specs:
        p = min(p, k // 2)  # torch's pooling needs padding <= kernel/2
        if kind == "conv":
            layers += [nn.Conv2d(channels, 2, k, s, p, dilation=d), nn.ReLU()]
            channels = 2
        elif kind == "max":
            layers.append(nn.MaxPool2d(k, s, p))
        else:
            layers.append(nn.AvgPool2d(k, s, p))
    return nn.Sequential(*layers)


@settings(max_examples=40, deadline=None)
@given(specs=st.lists(layer_st, min_size=1, max_size=4), n=st.integers(8, 20), data=st.data())
def test_closed_form_matches_gradient_footprint(specs, n, data):
    model = build(specs)
    try:
        rf = receptive_field(model, input_size=n)
    except ValueError:
        assume(False)
    last = rf[-1]
    i = data.draw(st.integers(0, last.output_size - 1))
    j = data.draw(st.integers(0, last.output_size - 1))
    fp = gradient_footprint(model, (1, n, n), position=(i, j))
    (r0, r1), (c0, c1) = last.window(i), last.window(j)
    window = np.zeros((n, n), bool)
    window[max(r0, 0) : r1, max(c0, 0) : c1] = True
    assert not (fp & ~window).any()  # never outside the closed-form window
    if r0 >= 0 and c0 >= 0 and r1 <= n and c1 <= n:
        # window inside the image: its corners are reached, so it is the bounding box
        assert fp[r0, c0] and fp[r0, c1 - 1] and fp[r1 - 1, c0] and fp[r1 - 1, c1 - 1]
    sizes_in = [n] + [r.output_size for r in rf[:-1]]
    exact = all(
        (m + 2 * r.layer.padding - r.layer.kernel_size) % r.layer.stride == 0
        for m, r in zip(sizes_in, rf, strict=True)
    )  # no layer drops its last rows for want of a full window (floor division)
    if exact and all(r.layer.dilation == 1 and r.layer.stride <= r.layer.kernel_size for r in rf):
        # no holes: the footprint is the whole window, clipped to the image
        np.testing.assert_array_equal(fp, window)


def test_footprint_of_lecture_cnn():
    fp = gradient_footprint(lecture_cnn(), (1, 28, 28), position=(2, 3))
    rf = receptive_field(lecture_cnn())[-1]
    assert rf.window(2) == (8, 18) and rf.window(3) == (12, 22)
    expected = np.zeros((28, 28), bool)
    expected[8:18, 12:22] = True
    np.testing.assert_array_equal(fp, expected)
    with pytest.raises(ValueError, match="position"):
        gradient_footprint(lecture_cnn(), (1, 28, 28), position=(5, 0))


# ---- effective receptive field ------------------------------------------------------------


def test_erf_of_linear_box_filters_is_binomial():
    depth = 4
    layers = [nn.Conv2d(1, 1, 3, padding=1, bias=False) for _ in range(depth)]
    for c in layers:
        nn.init.ones_(c.weight)
    erf = effective_receptive_field(nn.Sequential(*layers), (1, 15, 15), samples=2)
    line = np.ones(1)
    for _ in range(depth):
        line = np.convolve(line, np.ones(3))
    expected = np.zeros((15, 15))
    expected[7 - depth : 8 + depth, 7 - depth : 8 + depth] = np.outer(line, line)
    np.testing.assert_allclose(erf, expected / expected.sum(), atol=1e-12)


def test_erf_is_seeded_and_normalised():
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1))
    a = effective_receptive_field(net, (1, 9, 9), generator=torch.Generator().manual_seed(0))
    b = effective_receptive_field([net], (1, 9, 9), generator=torch.Generator().manual_seed(0))
    np.testing.assert_array_equal(a, b)
    assert a.sum() == pytest.approx(1.0) and (a[:2] == 0).all()


def test_erf_size():
    m = np.zeros((11, 11))
    m[5, 5] = 1.0
    assert erf_size(m) == 1
    m[5, 9] = 1.0
    assert erf_size(m, mass=0.5) == 1 and erf_size(m, mass=0.9) == 9
    with pytest.raises(ValueError, match="mass"):
        erf_size(m, mass=0)
    with pytest.raises(ValueError, match="grad_map"):
        erf_size(-m)


def test_to_module_has_the_same_geometry():
    from cnnbook.receptive import to_module

    for specs in (alphago_policy_layers(), vgg16_layers()):
        module = to_module(specs)
        a = [(r.size, r.stride, r.padding) for r in receptive_field(module)]
        assert a == triples(receptive_field(specs))
    fp = gradient_footprint(to_module(alphago_policy_layers()), (1, 19, 19), position=(0, 0))
    assert fp.sum() == 14 * 14 and fp[:14, :14].all()  # a corner unit sees 14×14 of the board


def test_as_row_reports_the_layer_and_its_field():
    rows = [r.as_row() for r in receptive_field(lecture_cnn(), input_size=28)]
    assert [r["RF size"] for r in rows] == [3, 4, 8, 10]
    assert [r["output"] for r in rows] == [26, 13, 11, 5]
    assert rows[1] == {"layer": rows[1]["layer"], "k": 2, "s": 2, "p": 0, "output": 13,
                       "RF size": 4, "eff. stride": 2, "eff. padding": 0}


# --- regressions: ceil_mode, transposed convolutions, argument checks --------------------------

@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 14), k=st.integers(1, 5), s=st.integers(1, 4), data=st.data())
def test_ceil_mode_output_size_matches_torch(n, k, s, data):
    p = data.draw(st.integers(0, k // 2))
    assume(n + 2 * p >= k)
    pool = nn.MaxPool2d(k, s, p, ceil_mode=True)
    expected = pool(torch.zeros(1, 1, n, n)).shape[-1]
    assert receptive_field(nn.Sequential(pool), input_size=n)[-1].output_size == expected
    spec = [Layer(k, stride=s, padding=p, kind="pool", ceil_mode=True)]
    assert receptive_field(spec, input_size=n)[-1].output_size == expected


def test_ceil_mode_drops_a_window_starting_in_the_right_padding():
    pool = nn.MaxPool2d(2, 2, padding=1, ceil_mode=True)
    assert pool(torch.zeros(1, 1, 5, 5)).shape[-1] == 3  # torch's rule, not ceil((5+2-2)/2)+1
    assert receptive_field(nn.Sequential(pool), input_size=5)[-1].output_size == 3


@pytest.mark.parametrize("module", [nn.ConvTranspose2d(1, 1, 3, stride=2), nn.Upsample(2),
                                    nn.Conv1d(1, 1, 3), nn.MaxPool1d(2), nn.Unfold(2),
                                    nn.MaxUnpool2d(2)])
def test_layers_that_are_not_2d_sliding_windows_are_refused(module):
    net = nn.Sequential(nn.Conv2d(1, 1, 3), module)
    with pytest.raises(TypeError, match="cannot work out the receptive field of layer 1"):
        receptive_field(net)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(input_size=28.7), TypeError, "`input_size` must be an int"),
    (dict(input_size="28"), TypeError, "`input_size` must be an int"),
    (dict(input_size=True), TypeError, "`input_size` must be an int"),
    (dict(input_size=0), ValueError, "`input_size` must be >= 1"),
    (dict(axis=2), ValueError, "`axis` must be None, 0"),
    (dict(axis=1.0), ValueError, "`axis` must be None, 0"),
])
def test_receptive_field_arguments_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        receptive_field([{"kernel_size": 3}], **kwargs)


def test_receptive_field_accepts_numpy_ints_and_checks_ceil_mode():
    rf = receptive_field([{"kernel_size": 3}], input_size=np.int64(28), axis=None)
    assert rf[0].output_size == 26
    with pytest.raises(TypeError, match="`ceil_mode` must be True or False"):
        Layer(2, stride=2, ceil_mode="yes")
    with pytest.raises(TypeError, match="`samples` must be an int"):
        effective_receptive_field(nn.Conv2d(1, 1, 3), (1, 5, 5), samples=2.5)
    with pytest.raises(TypeError, match="torch tensor"):
        erf_size(torch.ones(3, 3))


def test_measurement_shapes_and_positions_are_checked():
    net = nn.Sequential(nn.Conv2d(1, 1, 3))
    with pytest.raises(TypeError, match="`input_shape` must be an int"):
        gradient_footprint(net, (1, 8.0, 8))
    with pytest.raises(ValueError, match=r"`input_shape` must be \(C, H, W\)"):
        effective_receptive_field(net, (8, 8))
    with pytest.raises(TypeError, match="`position` must be an int"):
        gradient_footprint(net, (1, 8, 8), position=(1.5, 2))
    assert gradient_footprint(net, (1, 8, 8), position=(np.int64(0), 0)).sum() == 9


def test_layer_stores_python_ints_and_to_module_checks_channels():
    from cnnbook.receptive import to_module

    layer = Layer(np.int64(3), stride=np.int32(2))
    assert type(layer.kernel_size) is int and type(layer.stride) is int
    assert layer == Layer(3, stride=2)
    with pytest.raises(TypeError, match="`channels` must be an int"):
        to_module([Layer(3)], channels=2.0)
