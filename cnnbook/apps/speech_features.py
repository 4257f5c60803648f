"""Log-mel spectrograms in numpy: short-time Fourier transform, mel filterbank, decibels.

A spectrogram (声谱图) is an image of a sound: one column per short time frame, one row per
frequency band, the value the energy there. The mel scale spaces the bands the way the ear
resolves pitch: evenly below about 1 kHz, logarithmically above. On a log-frequency axis a
voice whose formants are all scaled by a factor (a higher, shorter vocal tract) is *shifted*,
which is why the lecture's speech filters slide along frequency.

Written here (about thirty lines of numpy) rather than taken from librosa, which would bring
numba and llvmlite into the book's environment for these three steps; the tests check the STFT
against :func:`torch.stft` and the filterbank by its defining properties.
"""

import numpy as np

from .._check import as_float_array, check_ndim, check_positive, check_real

__all__ = ["hz_to_mel", "mel_to_hz", "mel_filterbank", "power_spectrogram", "log_mel_spectrogram"]


def hz_to_mel(f):
    """The mel value of a frequency in Hz: ``2595 log10(1 + f / 700)`` (the HTK formula).

    Examples
    --------
    >>> round(float(hz_to_mel(1000.0)), 1)
    1000.0
    """
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=float) / 700.0)


def mel_to_hz(m):
    """Inverse of :func:`hz_to_mel`.

    Examples
    --------
    >>> round(float(mel_to_hz(hz_to_mel(440.0))), 6)
    440.0
    """
    return 700.0 * (10.0 ** (np.asarray(m, dtype=float) / 2595.0) - 1.0)


def mel_filterbank(n_mels, n_fft, sample_rate, *, fmin=0.0, fmax=None):
    """Triangular filters, equally spaced in mel, over the ``n_fft // 2 + 1`` FFT bins.

    Filter ``i`` rises linearly from centre ``i - 1`` to 1 at centre ``i`` and falls to 0 at
    centre ``i + 1``; the ``n_mels + 2`` edges are equally spaced in mel from `fmin` to `fmax`.
    Between the first and the last centre the filters sum to one (no area normalisation).

    Parameters
    ----------
    n_mels : int
        Number of bands (``>= 1``).
    n_fft : int
        FFT length (``>= 2``).
    sample_rate : float
        In Hz.
    fmin, fmax : float, optional
        Lowest and highest edge in Hz; ``0 <= fmin < fmax <= sample_rate / 2`` (default:
        ``sample_rate / 2``).

    Returns
    -------
    (n_mels, n_fft // 2 + 1) ndarray
    centres : (n_mels,) ndarray
        The centre frequency of each band, in Hz.

    Examples
    --------
    >>> fb, centres = mel_filterbank(4, 16, 8000)
    >>> fb.shape, centres.round().tolist()
    ((4, 9), [324.0, 799.0, 1494.0, 2511.0])
    """
    n_mels = check_positive(n_mels, "n_mels")
    n_fft = check_positive(n_fft, "n_fft")
    if n_fft < 2:
        raise ValueError(f"`n_fft` must be >= 2, got {n_fft}")
    sample_rate = check_real(sample_rate, "sample_rate")
    if sample_rate <= 0:
        raise ValueError(f"`sample_rate` must be positive, got {sample_rate}")
    fmax = sample_rate / 2 if fmax is None else check_real(fmax, "fmax")
    fmin = check_real(fmin, "fmin")
    if not 0 <= fmin < fmax <= sample_rate / 2:
        raise ValueError(f"need 0 <= `fmin` < `fmax` <= sample_rate / 2, got {fmin}, {fmax}")
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    freqs = np.arange(n_fft // 2 + 1) * sample_rate / n_fft
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs - lo) / (mid - lo)
    falling = (hi - freqs) / (hi - mid)
    return np.clip(np.minimum(rising, falling), 0.0, None), edges[1:-1]


def power_spectrogram(x, *, n_fft=512, hop_length=160):
    """``|STFT|²`` with a periodic Hann window, frames starting at ``0, hop, 2 hop, ...``.

    Parameters
    ----------
    x : (n,) array_like
        A signal, ``n >= n_fft``.
    n_fft, hop_length : int, optional

    Returns
    -------
    (n_fft // 2 + 1, frames) ndarray
        ``frames = 1 + (n - n_fft) // hop_length``; the same as
        ``torch.stft(x, n_fft, hop_length, window=torch.hann_window(n_fft), center=False)``
        squared in magnitude.

    Examples
    --------
    >>> power_spectrogram(np.ones(8), n_fft=4, hop_length=2).shape
    (3, 3)
    """
    x = as_float_array(x, "x")
    check_ndim(x, (1,), "x")
    n_fft = check_positive(n_fft, "n_fft")
    hop_length = check_positive(hop_length, "hop_length")
    if len(x) < n_fft:
        raise ValueError(f"`x` has {len(x)} samples, fewer than `n_fft` {n_fft}")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)  # periodic Hann
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop_length]  # (T, n_fft)
    return (np.abs(np.fft.rfft(frames * window, axis=1)) ** 2).T


def log_mel_spectrogram(x, sample_rate, *, n_fft=512, hop_length=160, n_mels=40, fmin=60.0,
                        fmax=7000.0, floor_db=-60.0):
    """Log-mel spectrogram in decibels relative to its loudest cell, floored at `floor_db`.

    Parameters
    ----------
    x : (n,) array_like
        A signal.
    sample_rate : float
        In Hz.
    n_fft, hop_length : int, optional
        Window and hop in samples (at 16 kHz the defaults are 32 ms and 10 ms).
    n_mels : int, optional
    fmin, fmax : float, optional
        Band edges in Hz (see :func:`mel_filterbank`).
    floor_db : float, optional
        Negative; cells quieter than this, relative to the maximum, are set to it. Measuring
        relative to the loudest cell makes a recording's volume irrelevant.

    Returns
    -------
    (n_mels, frames) ndarray
        Row 0 is the lowest band; values in ``[floor_db, 0]``.

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> s = log_mel_spectrogram(np.sin(2 * np.pi * 1000 * t), 16000)
    >>> s.shape, float(s.max())
    ((40, 97), 0.0)
    """
    floor_db = check_real(floor_db, "floor_db")
    if floor_db >= 0:
        raise ValueError(f"`floor_db` must be negative, got {floor_db}")
    power = power_spectrogram(x, n_fft=n_fft, hop_length=hop_length)
    fb, _ = mel_filterbank(n_mels, n_fft, sample_rate, fmin=fmin, fmax=fmax)
    mel = fb @ power
    db = 10.0 * np.log10(np.maximum(mel, 1e-12))
    return np.maximum(db - db.max(), floor_db)
