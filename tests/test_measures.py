import numpy as np
import pytest

from cnnbook.interpret.measures import (
    correlation,
    paired_correlation,
    shift_correlation,
    total_variation,
)


def test_correlation_matches_numpy_corrcoef():
    rng = np.random.default_rng(0)
    a, b = rng.random((4, 30)), rng.random((3, 30))
    expected = np.corrcoef(a, b)[:4, 4:]
    np.testing.assert_allclose(correlation(a, b), expected, atol=1e-12)


def test_shift_correlation_of_stripes_and_of_a_blob():
    stripes = np.tile([0.0, 0.0, 1.0], (2, 6, 3))  # period 3
    assert shift_correlation(stripes, 3) == pytest.approx(1.0)
    blob = np.zeros((1, 9, 9))
    blob[0, 3:6, 2:5] = 1.0
    assert shift_correlation(blob, 4) < 0.5  # a single shape does not repeat


def test_shift_correlation_is_the_mean_over_images():
    rng = np.random.default_rng(1)
    x = rng.random((3, 5, 7))
    each = [np.corrcoef(im[:, :-2].ravel(), im[:, 2:].ravel())[0, 1] for im in x]
    assert shift_correlation(x, 2) == pytest.approx(np.mean(each))


def test_total_variation_by_hand():
    x = np.array([[[0.0, 2.0, 2.0], [1.0, 1.0, 0.0]]])
    # horizontal |2-0|+|2-2|+|1-1|+|0-1| = 3, vertical |1-0|+|1-2|+|0-2| = 4
    np.testing.assert_allclose(total_variation(x), [7.0])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: correlation(np.ones((2, 3)), np.eye(3)), ValueError, "constant"),
        (lambda: correlation(np.eye(3), np.eye(4)), ValueError, "same length"),
        (lambda: correlation(np.ones(3), np.eye(3)), ValueError, "`a`"),
        (lambda: shift_correlation(np.ones((1, 3, 3)), 3), ValueError, "shift"),
        (lambda: shift_correlation(np.ones((1, 3, 3)), 1.5), TypeError, "shift"),
        (lambda: total_variation(np.ones((3, 3))), ValueError, "images"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_paired_correlation_matches_numpy_corrcoef_pair_by_pair():
    import torch

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 4, 6)), rng.normal(size=(5, 4, 6))
    b[2] = 3 * a[2] + 1  # a perfect pair
    expected = [np.corrcoef(x.ravel(), y.ravel())[0, 1] for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(paired_correlation(a, b), expected, atol=1e-12)
    assert paired_correlation(a, b)[2] == pytest.approx(1.0)
    np.testing.assert_allclose(paired_correlation(torch.from_numpy(a), b), expected, atol=1e-12)
    with pytest.raises(ValueError, match="same shape"):
        paired_correlation(a, b[:4])
    with pytest.raises(ValueError, match="constant"):
        paired_correlation(np.ones((2, 3)), a[:2, 0, :3])
    with pytest.raises(ValueError, match="`a`"):
        paired_correlation(np.ones(3), np.ones(3))
