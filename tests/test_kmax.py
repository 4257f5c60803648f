"""k-max pooling against torch.topk and autograd; dynamic k by the paper's formula."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook import pooling
from cnnbook.kmax import dynamic_k, kmax_pool1d, kmax_pool1d_backward


def _values(shape, seed, distinct=True):
    rng = np.random.default_rng(seed)
    if distinct:  # a permutation: no ties, so the top k are unique
        return rng.permutation(math.prod(shape)).reshape(shape).astype(np.float64) / 7
    return rng.standard_normal(shape)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.data(), st.integers(0, 2**32 - 1))
def test_kmax_pool1d_matches_torch_topk(length, data, seed):
    k = data.draw(st.integers(1, length))
    x = _values((3, length), seed)
    idx = torch.from_numpy(x).topk(k, dim=-1).indices.sort(dim=-1).values.numpy()
    np.testing.assert_array_equal(kmax_pool1d(x, k), np.take_along_axis(x, idx, -1))
    t = torch.from_numpy(x).requires_grad_()
    g = _values((3, k), seed + 1, distinct=False)
    torch.take_along_dim(t, torch.from_numpy(idx), -1).backward(torch.from_numpy(g))
    np.testing.assert_array_equal(kmax_pool1d_backward(g, x, k), t.grad.numpy())


def test_kmax_pool1d_keeps_order_and_breaks_ties_early():
    np.testing.assert_array_equal(kmax_pool1d([1, 9, 2, 8, 3, 7], 3), [9, 8, 7])
    np.testing.assert_array_equal(kmax_pool1d([5, 1, 5, 5], 2), [5, 5])
    np.testing.assert_array_equal(kmax_pool1d_backward([1, 2], [5, 1, 5, 5], 2), [1, 0, 2, 0])


def test_dynamic_k_paper_formula():
    # Kalchbrenner et al. 2014: L = 3, s = 18, k_top = 3 -> k1 = 12, k2 = 6, k3 = 3
    assert [dynamic_k(l, 3, 18, 3) for l in (1, 2, 3)] == [12, 6, 3]
    for layers in range(1, 5):
        for length in range(1, 30):
            for layer in range(1, layers + 1):
                expected = max(2, math.ceil((layers - layer) / layers * length))
                assert dynamic_k(layer, layers, length, 2) == expected
    assert dynamic_k(1, 2, 3, 5) == 5  # k_top wins for short sentences



def test_pooling_module_still_offers_kmax():
    assert pooling.kmax_pool1d is kmax_pool1d and pooling.dynamic_k is dynamic_k


def test_bad_input():
    with pytest.raises(ValueError, match="`k`.*larger"):
        kmax_pool1d(np.ones(3), 4)
    with pytest.raises(ValueError, match="`k`"):
        kmax_pool1d(np.ones(3), 0)
    with pytest.raises(TypeError, match="`k`"):
        kmax_pool1d(np.ones(3), 1.0)
    with pytest.raises(ValueError, match="`layer`"):
        dynamic_k(4, 3, 10, 2)
    with pytest.raises(ValueError, match="`k_top`"):
        dynamic_k(1, 3, 10, 0)
    with pytest.raises(ValueError, match="`grad_out`"):
        kmax_pool1d_backward(np.ones(3), np.ones(4), 2)


def test_kmax_nan_is_the_smallest_value_unlike_torch_topk():
    # documented difference: torch.topk ranks NaN above every number
    x = np.array([1.0, np.nan, 3.0, 2.0])
    np.testing.assert_array_equal(kmax_pool1d(x, 2), [3.0, 2.0])
    assert math.isnan(torch.topk(torch.tensor(x), 2).values[0].item())
    out = kmax_pool1d(x, 4)
    assert math.isnan(out[1]) and out[[0, 2, 3]].tolist() == [1.0, 3.0, 2.0]
