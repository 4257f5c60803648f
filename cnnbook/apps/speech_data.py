"""Spoken letter names: synthesised by espeak-ng and flite for training, real ones for testing.

Training speech is generated at build time by two Debian synthesisers, `espeak-ng` (formant
synthesis: accents, voice variants, pitch, speed) and `flite` (a different design:
concatenated/statistical units from recorded speakers). Every clip is determined by its
:class:`Voice` and the text, so a seed fixes the data set bit for bit.

The real test speech is Debian's `klettres-data`: the 26 letter names recorded by two English
speakers (``/usr/share/klettres/en/alpha`` and ``en_GB/alpha``, Ogg Vorbis, GPL-2+), decoded
with `oggdec` (Debian's `vorbis-tools`).
"""

import io
import shutil
import subprocess
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from scipy.signal import resample_poly  # scipy comes with scikit-image

from .._check import as_float_array, check_choice, check_int, check_ndim, check_positive
from .speech_features import log_mel_spectrogram

__all__ = [
    "LETTERS",
    "SAMPLE_RATE",
    "SpeechData",
    "Voice",
    "clip_features",
    "klettres_clips",
    "read_audio",
    "sample_voices",
    "speech_dataset",
    "synthesise",
    "synthesise_letters",
    "word_window",
]

LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
SAMPLE_RATE = 16000
ESPEAK_ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan",
                  "en-gb-x-gbcwmd")
MALE_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
FEMALE_VARIANTS = ("f1", "f2", "f3", "f4", "f5")
KLETTRES = Path("/usr/share/klettres")
_HINT = "install Debian's espeak-ng, flite, klettres-data and vorbis-tools (`make sysdeps-book`)"


@dataclass(frozen=True)
class Voice:
    """One synthetic voice.

    Attributes
    ----------
    engine : {'espeak', 'flite'}
    name : str
        An espeak-ng language/accent (``'en-us'``) or a flite voice (``'awb'``, ``'slt'`` ...).
    variant : str
        espeak-ng's voice variant (``'m3'``, ``'f2'``); ``''`` for flite.
    pitch : int
        espeak-ng: pitch adjustment 0-99 (50 is the voice's own); flite: target mean F0 in Hz.
    speed : int
        espeak-ng: words per minute; flite: ignored (0).
    """

    engine: str
    name: str
    variant: str = ""
    pitch: int = 50
    speed: int = 0

    def command(self, text):
        """The command line that speaks `text` as WAV on standard output."""
        if self.engine == "espeak":
            return ["espeak-ng", "-m", "-v", f"{self.name}+{self.variant}", "-p", str(self.pitch),
                    "-s", str(self.speed), "--stdout", text]
        return ["flite", "-voice", self.name, "--setf", f"int_f0_target_mean={self.pitch}",
                "-t", text, "-o", "/dev/stdout"]


def _tool(name):
    if shutil.which(name) is None:
        raise FileNotFoundError(f"`{name}` is not installed: {_HINT}")
    return name


def _decode_wav(data):
    """(samples in [-1, 1], sample rate) of 16-bit WAV bytes, channels averaged; tolerant of
    streamed headers whose length fields are placeholders (espeak-ng and flite to a pipe)."""
    with wave.open(io.BytesIO(data)) as w:
        if w.getsampwidth() != 2:
            raise ValueError("expected 16-bit WAV")
        rate, channels = w.getframerate(), w.getnchannels()
    start = data.find(b"data") + 8  # samples follow the 'data' tag and its length
    n = (len(data) - start) // (2 * channels) * channels
    pcm = np.frombuffer(data[start : start + 2 * n], "<i2").reshape(-1, channels)
    return pcm.mean(axis=1, dtype=np.float32) / 32768.0, rate


def _resample(x, rate, target=SAMPLE_RATE):
    if rate == target:
        return x.astype(np.float32)
    g = gcd(rate, target)
    return resample_poly(x, target // g, rate // g).astype(np.float32)


def synthesise(text, voice):
    """Speak `text` with `voice`; the samples at :data:`SAMPLE_RATE` (16 kHz), float32.

    Examples
    --------
    >>> x = synthesise("b", Voice("espeak", "en-us", "m3", 40, 160))  # doctest: +SKIP
    """
    if not isinstance(voice, Voice):
        raise TypeError(f"`voice` must be a Voice, got {type(voice).__name__}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("`text` must be a non-empty string")
    check_choice(voice.engine, ("espeak", "flite"), "voice.engine")
    _tool("espeak-ng" if voice.engine == "espeak" else "flite")
    out = subprocess.run(voice.command(text), capture_output=True, check=True).stdout
    return _resample(*_decode_wav(out))


def _split_words(x, n, *, rate=SAMPLE_RATE, min_gap=0.25):
    """Cut a recording of `n` words separated by pauses into `n` clips (cut mid-pause).

    A pause is a run of 10 ms frames at least 40 dB quieter than the loudest, lasting at
    least `min_gap` seconds; ValueError unless there are exactly ``n - 1`` of them between
    the first and the last word.
    """
    hop = rate // 100
    energy = np.square(x[: len(x) // hop * hop].reshape(-1, hop)).mean(axis=1)
    quiet = np.concatenate([[0], (energy < energy.max() * 1e-4).astype(int), [0]])
    starts, ends = np.flatnonzero(np.diff(quiet) == 1), np.flatnonzero(np.diff(quiet) == -1)
    loud = np.flatnonzero(~(energy < energy.max() * 1e-4))
    gaps = [(a, b) for a, b in zip(starts, ends, strict=True)
            if b - a >= min_gap * 100 and a > loud[0] and b <= loud[-1]]
    if len(gaps) != n - 1:
        raise ValueError(f"found {len(gaps) + 1} words where {n} were spoken")
    cuts = [0, *(hop * ((a + b) // 2) for a, b in gaps), len(x)]
    return [x[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def synthesise_letters(voice, letters=LETTERS):
    """Each letter name spoken by `voice`: a list of 16 kHz clips in the order of `letters`.

    espeak-ng speaks them all in one run, separated by 600 ms pauses (SSML), and the
    recording is cut at the pauses; flite speaks one letter per run.
    """
    if not isinstance(voice, Voice):
        raise TypeError(f"`voice` must be a Voice, got {type(voice).__name__}")
    if voice.engine != "espeak":
        return [synthesise(letter.lower(), voice) for letter in letters]
    text = "".join(f'{letter.lower()}<break time="600ms"/>' for letter in letters)
    x = synthesise(f"<speak>{text}</speak>", voice)
    return _split_words(x, len(letters))


def read_audio(path):
    """The samples of an Ogg Vorbis or WAV file at 16 kHz (Ogg decoded by `oggdec`)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` {path} does not exist ({_HINT})")
    if path.suffix == ".ogg":
        data = subprocess.run([_tool("oggdec"), "-Q", "-o", "-", str(path)],
                              capture_output=True, check=True).stdout
    else:
        data = path.read_bytes()
    return _resample(*_decode_wav(data))


def klettres_clips(*, root=KLETTRES):
    """The 52 real recordings: ``[(letter, speaker, path), ...]`` for speakers 'en', 'en_GB'."""
    root = Path(root)
    clips = []
    for speaker in ("en", "en_GB"):
        for letter in LETTERS:
            name = letter if speaker == "en" else letter.lower()
            path = root / speaker / "alpha" / f"{name}.ogg"
            if not path.is_file():
                raise FileNotFoundError(f"{path} is missing: {_HINT}")
            clips.append((letter, speaker, path))
    return clips


def word_window(spec, frames, *, threshold_db=-30.0):
    """Cut (or pad) a log-mel spectrogram to `frames` columns centred on the spoken word.

    The word is the span from the first to the last frame whose loudest band is within
    `threshold_db` of the spectrogram's maximum; padding uses the spectrogram's minimum.

    Parameters
    ----------
    spec : (n_mels, T) array_like
        In dB relative to its maximum (:func:`log_mel_spectrogram`).
    frames : int
    threshold_db : float, optional

    Returns
    -------
    (n_mels, frames) ndarray

    Examples
    --------
    >>> s = np.full((2, 10), -60.0); s[:, 6:8] = 0.0
    >>> word_window(s, 4)
    array([[-60.,   0.,   0., -60.],
           [-60.,   0.,   0., -60.]])
    """
    spec = as_float_array(spec, "spec")
    check_ndim(spec, (2,), "spec")
    frames = check_positive(frames, "frames")
    active = np.flatnonzero(spec.max(axis=0) >= spec.max() + threshold_db)
    centre = (active[0] + active[-1] + 1) // 2
    out = np.full((spec.shape[0], frames), spec.min())
    start = centre - frames // 2
    lo, hi = max(start, 0), min(start + frames, spec.shape[1])
    out[:, lo - start : hi - start] = spec[:, lo:hi]
    return out


def clip_features(x, *, frames=64, n_mels=40):
    """A clip's network input: a `frames`-column log-mel window scaled from [-60, 0] dB to [0, 1].

    Returns
    -------
    (n_mels, frames) float32 ndarray
    """
    spec = log_mel_spectrogram(np.asarray(x, dtype=float), SAMPLE_RATE, n_mels=n_mels)
    return (1.0 + word_window(spec, frames) / 60.0).astype(np.float32)


def sample_voices(n, *, variants, pitches, rng, accents=ESPEAK_ACCENTS, speeds=(140, 175)):
    """`n` espeak-ng voices drawn uniformly from the grid, with a :class:`numpy.random.Generator`.

    `pitches` is a ``(low, high)`` range of espeak's pitch adjustment (both included).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("`rng` must be a numpy.random.Generator")
    n = check_int(n, "n")
    lo, hi = pitches
    return [Voice("espeak", str(rng.choice(accents)), str(rng.choice(variants)),
                  int(rng.integers(lo, hi + 1)), int(rng.choice(speeds))) for _ in range(n)]


class SpeechData(NamedTuple):
    """Inputs ``(N, 1, n_mels, frames)`` and letter indices per split, and who spoke them."""

    train: tuple
    tests: dict
    speakers: dict


def _voice_features(voice, frames):
    clips = synthesise_letters(voice)
    return [clip_features(x, frames=frames) for x in clips]


def speech_dataset(*, voices=32, test_voices=8, frames=64, seed=0, workers=2):
    """Train on low-pitched synthetic voices; test on unseen high-pitched voices and on real ones.

    Every voice speaks all 26 letter names.

    * ``train``: `voices` espeak-ng voices drawn from 7 English accents × male variants m1-m7
      × pitch adjustment 0-45 × 2 speeds, plus flite's three male voices at F0 90, 110 and
      130 Hz.
    * ``tests['synthetic, male']``: `test_voices` more voices drawn from the training grid.
    * ``tests['synthetic, female']``: `test_voices` voices with female variants f1-f5 at pitch
      55-99, and flite's female voice at F0 180 and 220 Hz: pitches the network never heard.
    * ``tests['real']``: the 52 klettres recordings (two human speakers).

    Parameters
    ----------
    voices, test_voices : int, optional
    frames : int, optional
        Columns of each spectrogram window (10 ms each).
    seed : int, optional
        Draws the voices; the same seed gives the same data, bit for bit.
    workers : int, optional
        Synthesiser processes run at once.

    Returns
    -------
    SpeechData
        ``train`` and each test are ``(x, y)`` tensors, ``x`` of shape ``(N, 1, 40, frames)``
        in [0, 1]; ``speakers`` maps each split to the voice of each clip (a :class:`Voice`
        or the klettres speaker, ``'en'`` or ``'en_GB'``).
    """
    voices = check_positive(voices, "voices")
    test_voices = check_positive(test_voices, "test_voices")
    frames = check_positive(frames, "frames")
    workers = check_positive(workers, "workers")
    rng = np.random.default_rng(check_int(seed, "seed"))
    male = dict(variants=MALE_VARIANTS, pitches=(0, 45), rng=rng)
    female = dict(variants=FEMALE_VARIANTS, pitches=(55, 99), rng=rng)
    splits = {
        "train": sample_voices(voices, **male)
        + [Voice("flite", v, "", f0) for v in ("awb", "rms", "kal16") for f0 in (90, 110, 130)],
        "synthetic, male": sample_voices(test_voices, **male),
        "synthetic, female": sample_voices(test_voices, **female)
        + [Voice("flite", "slt", "", f0) for f0 in (180, 220)],
    }
    jobs = [v for vs in splits.values() for v in vs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        feats = pool.map(lambda v: _voice_features(v, frames), jobs)
        feats = dict(zip(jobs, feats, strict=True))
    data, speakers = {}, {}
    labels = torch.arange(len(LETTERS))
    for name, vs in splits.items():
        x = np.stack([f for v in vs for f in feats[v]])[:, None]
        data[name] = (torch.from_numpy(x), labels.repeat(len(vs)))
        speakers[name] = [v for v in vs for _ in LETTERS]
    real = klettres_clips()
    x = np.stack([clip_features(read_audio(path), frames=frames) for *_, path in real])[:, None]
    data["real"] = (torch.from_numpy(x), torch.tensor([LETTERS.index(c) for c, *_ in real]))
    speakers["real"] = [speaker for _, speaker, _ in real]
    return SpeechData(data.pop("train"), data, speakers)
