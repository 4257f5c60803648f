import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import data
from skimage.feature import match_template as skimage_match_template

from cnnbook.detect import detect_subsampled, find_peaks, match_template


@settings(max_examples=30, deadline=None)
@given(
    h=st.integers(5, 16), w=st.integers(5, 16), th=st.integers(2, 5), tw=st.integers(2, 5),
    seed=st.integers(0, 2**16),
)
def test_match_template_matches_skimage(h, w, th, tw, seed):
    rng = np.random.default_rng(seed)
    image, template = rng.random((h, w)), rng.random((th, tw))
    np.testing.assert_allclose(
        match_template(image, template), skimage_match_template(image, template), atol=1e-9
    )


def test_match_template_on_the_coins_photo_matches_skimage():
    coins = data.coins().astype(np.float64) / 255
    template = coins[95:135, 85:125]
    ours = match_template(coins, template)
    np.testing.assert_allclose(ours, skimage_match_template(coins, template), atol=1e-8)
    assert ours[95, 85] == pytest.approx(1.0)


def test_affine_copy_scores_one_and_flat_window_scores_zero():
    template = np.array([[0.0, 1.0], [2.0, 0.0]])
    image = np.zeros((4, 6))
    image[1:3, 3:5] = 3 * template + 5
    r = match_template(image, template)
    assert r[1, 3] == pytest.approx(1.0)
    assert r[0, 0] == 0.0  # an all-zero window has no variation


def test_find_peaks_strongest_first_and_separated():
    r = np.zeros((10, 10))
    r[2, 2], r[2, 3], r[7, 7] = 0.9, 0.8, 0.95
    assert find_peaks(r, threshold=0.5, min_distance=2).tolist() == [[7, 7], [2, 2]]
    assert find_peaks(r, threshold=0.5, min_distance=0).tolist() == [[7, 7], [2, 2], [2, 3]]
    assert find_peaks(r, threshold=0.99).shape == (0, 2)


def test_find_peaks_agrees_with_skimage_on_the_coins():
    from skimage.feature import peak_local_max

    coins = data.coins().astype(np.float64) / 255
    r = match_template(coins, coins[95:135, 85:125])
    ours = {tuple(p) for p in find_peaks(r, threshold=0.5, min_distance=20)}
    theirs = {tuple(p) for p in peak_local_max(r, min_distance=20, threshold_abs=0.5,
                                               exclude_border=False)}
    assert ours == theirs
    assert len(ours) >= 10


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((np.zeros((3, 3)), np.ones((4, 2))), ValueError, "template"),
        ((np.zeros((3, 3)), np.ones((2, 2))), ValueError, "constant"),
        ((np.zeros(9), np.eye(2)), ValueError, "image"),
        ((np.zeros((3, 3)), "ab"), TypeError, "template"),
    ],
)
def test_match_template_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        match_template(*args)


def test_find_peaks_rejects_bad_input():
    with pytest.raises(ValueError, match="min_distance"):
        find_peaks(np.zeros((3, 3)), threshold=0, min_distance=-1)
    with pytest.raises(TypeError, match="threshold"):
        find_peaks(np.zeros((3, 3)), threshold="high")
    with pytest.raises(ValueError, match="response"):
        find_peaks(np.zeros(3), threshold=0)


def test_detect_subsampled_factor_one_is_plain_detection():
    coins = data.coins().astype(np.float64) / 255
    template = coins[95:135, 85:125]
    direct = find_peaks(match_template(coins, template), threshold=0.5, min_distance=20)
    np.testing.assert_array_equal(
        detect_subsampled(coins, template, 1, threshold=0.5, min_distance=20), direct
    )


def test_detect_subsampled_matches_block_averages_done_by_hand():
    rng = np.random.default_rng(3)
    image, k = rng.random((24, 30)), 3
    template = image[6:15, 9:18]
    by_hand_image = image.reshape(8, 3, 10, 3).mean(axis=(1, 3))
    by_hand_template = template.reshape(3, 3, 3, 3).mean(axis=(1, 3))
    expected = find_peaks(match_template(by_hand_image, by_hand_template), threshold=0.2,
                          min_distance=2)
    got = detect_subsampled(image, template, k, threshold=0.2, min_distance=6)
    np.testing.assert_array_equal(got, expected)
    assert [2, 3] in got.tolist()  # the template's own place, in subsampled coordinates


def test_detect_subsampled_rejects_bad_factor():
    with pytest.raises(ValueError, match="factor"):
        detect_subsampled(np.eye(8), np.eye(2), 3, threshold=0.5, min_distance=1)
    with pytest.raises(TypeError, match="factor"):
        detect_subsampled(np.eye(8), np.eye(4), 2.0, threshold=0.5, min_distance=1)
