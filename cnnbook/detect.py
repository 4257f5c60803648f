"""One small detector applied everywhere: template matching by normalised cross-correlation.

Chapter 1 uses it to show the second property of images that convolution exploits: the same
pattern appears at many places, so one small filter, slid over the whole image, finds them all.
"""

import numpy as np

from ._check import as_float_array, check_ndim, check_nonnegative, check_positive
from .conv import conv2d
from .pooling import avg_pool2d, max_pool2d

__all__ = ["match_template", "find_peaks", "detect_subsampled"]


def match_template(image, template):
    """Normalised cross-correlation of a small template with every window of an image.

    At each position the window and the template are both shifted to mean zero and the
    correlation is divided by their norms, so the response lies in [-1, 1] and is 1 exactly
    where the window is an affine copy (``a * template + b``, ``a > 0``) of the template.
    Windows with no variation get 0. All three window sums are convolutions, computed with
    :func:`cnnbook.conv2d`.

    Parameters
    ----------
    image : (H, W) array_like
    template : (h, w) array_like
        With ``h <= H`` and ``w <= W``, and not constant.

    Returns
    -------
    response : (H - h + 1, W - w + 1) ndarray of float64

    Examples
    --------
    >>> image = np.zeros((5, 5)); image[1:3, 2:4] = [[1, 0], [0, 1]]
    >>> r = match_template(image, [[1, 0], [0, 1]])
    >>> np.unravel_index(r.argmax(), r.shape), round(float(r.max()), 6)
    ((np.int64(1), np.int64(2)), 1.0)
    """
    image = check_ndim(as_float_array(image, "image"), 2, "image").astype(np.float64)
    template = check_ndim(as_float_array(template, "template"), 2, "template")
    template = template.astype(np.float64)
    h, w = template.shape
    if h > image.shape[0] or w > image.shape[1]:
        raise ValueError(f"`template` {template.shape} is larger than `image` {image.shape}")
    t0 = template - template.mean()
    t_norm = np.sqrt((t0**2).sum())
    if t_norm == 0:
        raise ValueError("`template` must not be constant")
    x = image[None, None]  # (N=1, C=1, H, W)
    ones = np.ones((1, 1, h, w))
    numerator = conv2d(x, t0[None, None])[0, 0]
    window_sum = conv2d(x, ones)[0, 0]
    window_sq = conv2d(x**2, ones)[0, 0]
    variance = np.maximum(window_sq - window_sum**2 / (h * w), 0.0)
    denom = np.sqrt(variance) * t_norm
    flat = denom <= 1e-12 * max(1.0, float(np.abs(image).max()) ** 2)
    return np.where(flat, 0.0, numerator / np.where(flat, 1.0, denom))


def find_peaks(response, *, threshold, min_distance=1):
    """Positions of local maxima of a 2-D response above a threshold.

    A pixel is a peak when it is the largest value in the ``(2d+1) x (2d+1)`` window around
    it (``d = min_distance``, found with :func:`cnnbook.max_pool2d` at stride 1) and exceeds
    ``threshold``. Peaks are returned strongest first.

    Parameters
    ----------
    response : (H, W) array_like
    threshold : float
    min_distance : int, optional
        Half-width of the neighbourhood, >= 0.

    Returns
    -------
    peaks : (P, 2) ndarray of int
        Row and column of each peak.

    Examples
    --------
    >>> r = np.zeros((6, 6)); r[1, 1] = 0.9; r[4, 4] = 0.8; r[1, 2] = 0.5
    >>> find_peaks(r, threshold=0.6, min_distance=1).tolist()
    [[1, 1], [4, 4]]
    """
    response = check_ndim(as_float_array(response, "response"), 2, "response")
    response = response.astype(np.float64)
    if not np.isscalar(threshold) or isinstance(threshold, (bool, str)):
        raise TypeError("`threshold` must be a number")
    d = check_nonnegative(min_distance, "min_distance")
    local_max = max_pool2d(response[None, None], 2 * d + 1, stride=1, padding=d)[0, 0]
    rows, cols = np.nonzero((response >= local_max) & (response > threshold))
    order = np.argsort(-response[rows, cols], kind="stable")
    return np.stack([rows[order], cols[order]], axis=1).astype(int)


def detect_subsampled(image, template, factor, *, threshold, min_distance):
    """Find a template in an image after subsampling both by the same factor.

    Both are reduced by averaging ``factor x factor`` blocks (:func:`cnnbook.avg_pool2d`), then
    matched with :func:`match_template`; the peaks are found with :func:`find_peaks` with the
    neighbourhood ``min_distance // factor``. Chapter 1 uses it to measure that subsampling
    keeps the object: the detections survive.

    Parameters
    ----------
    image : (H, W) array_like
    template : (h, w) array_like
        At least ``factor`` pixels high and wide.
    factor : int
        Subsampling factor, >= 1 (1 leaves both unchanged).
    threshold : float
        As in :func:`find_peaks`.
    min_distance : int
        Neighbourhood half-width at full resolution.

    Returns
    -------
    peaks : (P, 2) ndarray of int
        Detections in the subsampled image's coordinates, strongest first.

    Examples
    --------
    >>> image = np.zeros((16, 16)); image[4:8, 8:12] = np.kron(np.eye(2), np.ones((2, 2)))
    >>> detect_subsampled(image, image[4:8, 8:12], 2, threshold=0.9, min_distance=2).tolist()
    [[2, 4]]
    """
    image = check_ndim(as_float_array(image, "image"), 2, "image")
    template = check_ndim(as_float_array(template, "template"), 2, "template")
    k = check_positive(factor, "factor")
    if k > min(template.shape):
        raise ValueError(f"`factor` ({k}) must not exceed the template's size {template.shape}")
    small_image = avg_pool2d(image[None, None], k)[0, 0]
    small_template = avg_pool2d(template[None, None], k)[0, 0]
    response = match_template(small_image, small_template)
    return find_peaks(response, threshold=threshold, min_distance=min_distance // k)
