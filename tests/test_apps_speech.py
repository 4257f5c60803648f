"""cnnbook.apps.speech_features, speech_data and speech: spectrograms against torch.stft and the
mel filterbank's defining properties; synthesis and the real recordings; the three networks;
frequency shifts and the equivariance of a convolution along frequency."""

import io
import shutil
import wave

import numpy as np
import pytest
import torch

from cnnbook.apps.speech import (
    frequency_cnn,
    random_time_shift,
    shift_frequency,
    shift_response,
    speech_mlp,
    time_frequency_cnn,
)
from cnnbook.apps.speech_data import (
    LETTERS,
    Voice,
    _decode_wav,
    _split_words,
    clip_features,
    klettres_clips,
    read_audio,
    sample_voices,
    speech_dataset,
    synthesise,
    synthesise_letters,
    word_window,
)
from cnnbook.apps.speech_features import (
    hz_to_mel,
    log_mel_spectrogram,
    mel_filterbank,
    mel_to_hz,
    power_spectrogram,
)

needs_tools = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("espeak-ng", "flite", "oggdec")),
    reason="Debian's espeak-ng, flite and vorbis-tools are installed by `make sysdeps-book`")


# --- features ------------------------------------------------------------------------------------
def test_mel_scale_is_1000_at_1000_hz_and_inverts():
    assert hz_to_mel(1000.0) == pytest.approx(1000.0, abs=0.05)
    f = np.array([0.0, 60.0, 440.0, 7000.0])
    np.testing.assert_allclose(mel_to_hz(hz_to_mel(f)), f, atol=1e-9)


def test_power_spectrogram_matches_torch_stft():
    x = np.random.default_rng(0).standard_normal(3000)
    ours = power_spectrogram(x, n_fft=256, hop_length=100)
    window = torch.hann_window(256, dtype=torch.float64)
    ref = torch.stft(torch.from_numpy(x), 256, 100, window=window, center=False,
                     return_complex=True).abs() ** 2
    np.testing.assert_allclose(ours, ref.numpy(), rtol=1e-9, atol=1e-9)


def test_filterbank_peaks_at_its_centres_and_sums_to_one_between_them():
    fb, centres = mel_filterbank(20, 1024, 16000, fmin=60, fmax=7000)
    freqs = np.arange(513) * 16000 / 1024
    peaks = freqs[fb.argmax(axis=1)]
    assert np.all(np.abs(peaks - centres) < 16000 / 1024)  # within one FFT bin
    inside = (freqs >= centres[0]) & (freqs <= centres[-1])
    np.testing.assert_allclose(fb[:, inside].sum(axis=0), 1.0, atol=1e-9)
    assert fb[:, freqs < 60].sum() == 0 and fb[:, freqs > 7000].sum() == 0
    np.testing.assert_allclose(np.diff(hz_to_mel(centres)), np.diff(hz_to_mel(centres))[0])


@pytest.mark.parametrize("f", [300.0, 1000.0, 2500.0, 5000.0])
def test_a_pure_tone_lands_in_the_band_centred_nearest_it(f):
    t = np.arange(16000) / 16000
    spec = log_mel_spectrogram(np.sin(2 * np.pi * f * t), 16000)
    _, centres = mel_filterbank(40, 512, 16000, fmin=60.0, fmax=7000.0)
    assert spec.mean(axis=1).argmax() == np.abs(hz_to_mel(centres) - hz_to_mel(f)).argmin()
    assert spec.max() == 0.0 and spec.min() >= -60.0


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_mels=0, n_fft=16, sample_rate=8000), "n_mels"),
    (dict(n_mels=4, n_fft=1, sample_rate=8000), "n_fft"),
    (dict(n_mels=4, n_fft=16, sample_rate=-1), "sample_rate"),
    (dict(n_mels=4, n_fft=16, sample_rate=8000, fmax=5000), "fmax"),
])
def test_filterbank_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mel_filterbank(**kwargs)


def test_spectrogram_rejects_short_or_2d_input():
    with pytest.raises(ValueError, match="n_fft"):
        power_spectrogram(np.ones(100), n_fft=512)
    with pytest.raises(ValueError, match="`x`"):
        power_spectrogram(np.ones((2, 600)))
    with pytest.raises(ValueError, match="floor_db"):
        log_mel_spectrogram(np.ones(600), 16000, floor_db=3)


def test_word_window_centres_pads_and_crops():
    s = np.full((2, 10), -60.0)
    s[:, 1:9] = 0.0  # an 8-frame word centred on frame 5
    np.testing.assert_array_equal(word_window(s, 4), np.zeros((2, 4)))
    out = word_window(s, 12)
    np.testing.assert_array_equal(out[0], [-60.0] * 2 + [0.0] * 8 + [-60.0] * 2)
    with pytest.raises(ValueError, match="spec"):
        word_window(np.ones(3), 4)


# --- audio ---------------------------------------------------------------------------------------
def _wav(samples, rate, channels=1):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, "<i2").tobytes())
    return buf.getvalue()


def test_decode_wav_scales_and_averages_channels():
    x, rate = _decode_wav(_wav([16384, 0, -32768, -16384], 8000, channels=2))
    assert rate == 8000
    np.testing.assert_allclose(x, [0.25, -0.75])


def test_split_words_cuts_in_the_pauses():
    rate = 16000
    tone = np.sin(np.arange(3200) * 0.3)  # 0.2 s
    pause = np.zeros(8000)  # 0.5 s
    short = np.zeros(800)  # 0.05 s: a gap inside a word
    x = np.concatenate([pause, tone, short, tone, pause, tone, pause])
    parts = _split_words(x, 2, rate=rate)
    assert [len(p) for p in parts] == [8000 + 3200 + 800 + 3200 + 4000, 4000 + 3200 + 8000]
    with pytest.raises(ValueError, match="found 2 words where 3"):
        _split_words(x, 3, rate=rate)


def test_sample_voices_is_seeded_and_inside_the_grid():
    a = sample_voices(20, variants=("m1", "m2"), pitches=(0, 45), rng=np.random.default_rng(3))
    b = sample_voices(20, variants=("m1", "m2"), pitches=(0, 45), rng=np.random.default_rng(3))
    assert a == b
    assert all(v.variant in ("m1", "m2") and 0 <= v.pitch <= 45 for v in a)
    with pytest.raises(TypeError, match="rng"):
        sample_voices(2, variants=("m1",), pitches=(0, 1), rng=3)


@needs_tools
def test_synthesis_is_deterministic_and_16_khz():
    v = Voice("espeak", "en-us", "m3", 30, 160)
    a, b = synthesise("b", v), synthesise("b", v)
    np.testing.assert_array_equal(a, b)
    assert 0.2 < len(a) / 16000 < 2.0 and a.dtype == np.float32
    f = synthesise("b", Voice("flite", "slt", "", 200))
    assert 0.2 < len(f) / 16000 < 2.0
    with pytest.raises(TypeError, match="voice"):
        synthesise("b", "en-us")
    with pytest.raises(ValueError, match="text"):
        synthesise(" ", v)


@needs_tools
def test_synthesise_letters_gives_one_clip_per_letter():
    clips = synthesise_letters(Voice("espeak", "en-gb", "f2", 80, 175))
    assert len(clips) == 26
    spans = [clip_features(c).shape for c in clips]
    assert spans == [(40, 64)] * 26


@needs_tools
def test_klettres_has_52_real_clips():
    clips = klettres_clips()
    assert len(clips) == 52 and {s for _, s, _ in clips} == {"en", "en_GB"}
    x = read_audio(clips[0][2])
    assert x.dtype == np.float32 and len(x) > 8000 and np.abs(x).max() <= 1.0
    with pytest.raises(FileNotFoundError, match="path"):
        read_audio("/nonexistent.ogg")


@needs_tools
def test_speech_dataset_splits_and_labels():
    d = speech_dataset(voices=1, test_voices=1, seed=1)
    x, y = d.train
    assert x.shape == (26 * 10, 1, 40, 64) and x.dtype == torch.float32
    assert 0 <= x.min() and x.max() <= 1
    assert torch.equal(y[:26], torch.arange(26))
    assert [len(v[0]) for v in d.tests.values()] == [26, 26 * 3, 52]
    female = d.speakers["synthetic, female"]
    assert all(v.variant.startswith("f") or v.name == "slt" for v in female)
    assert LETTERS[int(d.tests["real"][1][-1])] == "Z"


# --- networks ------------------------------------------------------------------------------------
def test_frequency_cnn_filters_span_the_window_and_move_along_frequency():
    net = frequency_cnn(n_mels=40, frames=64, channels=32, height=8, pool=3, hidden=64)
    conv_out = net[0](torch.zeros(1, 1, 40, 64))
    assert conv_out.shape == (1, 32, 33, 1)  # 33 positions along frequency, one in time
    n = sum(p.numel() for p in net.parameters())
    assert n == 32 * 8 * 64 + 32 + (32 * 11) * 64 + 64 + 64 * 26 + 26
    with pytest.raises(ValueError, match="height"):
        frequency_cnn(height=41)
    with pytest.raises(ValueError, match="pool"):
        frequency_cnn(pool=40)


def test_the_alternatives_have_the_documented_shapes():
    x = torch.zeros(3, 1, 40, 64)
    assert time_frequency_cnn()(x).shape == (3, 26)
    assert speech_mlp()(x).shape == (3, 26)
    assert time_frequency_cnn(channels=(4, 8))[0].weight.shape == (4, 1, 5, 5)
    n = sum(p.numel() for p in speech_mlp(hidden=10).parameters())
    assert n == 2560 * 10 + 10 + 10 * 26 + 26
    with pytest.raises(ValueError, match="channels"):
        time_frequency_cnn(channels=(0, 8))


def test_models_are_seeded():
    a, b = frequency_cnn(seed=4), frequency_cnn(seed=4)
    assert torch.equal(a[0].weight, b[0].weight)
    assert not torch.equal(a[0].weight, frequency_cnn(seed=5)[0].weight)


# --- shifts --------------------------------------------------------------------------------------
def test_shift_frequency_by_hand():
    x = torch.arange(8.0).reshape(4, 2)
    np.testing.assert_array_equal(shift_frequency(x, 1, fill=-1.0).numpy(),
                                  [[-1, -1], [0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(shift_frequency(x, -2).numpy(), [[4, 5], [6, 7], [0, 0], [0, 0]])
    with pytest.raises(ValueError, match="shift"):
        shift_frequency(x, 4)
    with pytest.raises(TypeError, match="`x`"):
        shift_frequency(np.ones((3, 3)), 1)


def test_a_frequency_convolution_response_moves_with_the_input():
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(1, 3, (4, 6))
    x = torch.rand(2, 1, 20, 6)
    for s in (3, -2):
        r = shift_response(conv, x, s)
        assert r.error < 1e-5
    # a hand-checked case: one bright band, a filter that picks it out
    conv = torch.nn.Conv2d(1, 1, (1, 6), bias=False)
    conv.weight.data.fill_(1.0)
    x = torch.zeros(1, 1, 10, 6)
    x[..., 2, :] = 1.0
    r = shift_response(conv, x, 5)
    assert r.original[0, 0, :, 0].argmax() == 2 and r.shifted[0, 0, :, 0].argmax() == 7


def test_a_fully_connected_layer_is_not_equivariant():
    torch.manual_seed(0)
    fc = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(60, 10),
                             torch.nn.Unflatten(1, (1, 10, 1)))
    r = shift_response(fc, torch.rand(1, 1, 10, 6), 2)
    assert r.error > 0.05


def test_a_padded_convolution_needs_a_margin():
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(1, 2, 5, padding=2)
    x = torch.rand(1, 1, 16, 8) + 1.0
    assert shift_response(conv, x, 3).error > 1e-3  # the padding differs at the edges
    assert shift_response(conv, x, 3, margin=2).error < 1e-5
    with pytest.raises(ValueError, match="no rows"):
        shift_response(conv, x, 3, margin=8)


def test_random_time_shift_moves_each_example_and_fills():
    x = torch.arange(1.0, 6.0).repeat(50, 1, 2, 1)  # (50, 1, 2, 5): columns 1..5
    out = random_time_shift(2)(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    for row in out[:, 0, 0]:  # each row is the ramp moved by s in -2..2, zero-filled
        nz = row[row > 0]
        assert torch.equal(torch.diff(nz), torch.ones(len(nz) - 1)) and len(nz) >= 3
    assert len({tuple(r.tolist()) for r in out[:, 0, 0]}) > 1


@pytest.mark.parametrize("max_shift", [0, 2])
def test_random_time_shift_draws_exactly_the_shifts_minus_max_to_max(max_shift):
    frames = 9  # wider than any shift: every shifted ramp keeps a value that dates it
    x = torch.arange(1.0, frames + 1).repeat(400, 1, 3, 1)  # (400, 1, 3, 9): columns 1..9
    out = random_time_shift(max_shift, fill=-1.0)(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    drawn = []
    for example in out[:, 0]:
        row = example[0]
        kept = torch.nonzero(row > 0).flatten()
        shift = int(kept[0]) - int(row[kept[0]].item() - 1)  # out[j] = x[j - shift]
        # the whole row is the ramp moved by `shift`, the rest filled; every band alike
        want = torch.tensor([j - shift + 1.0 if 0 <= j - shift < frames else -1.0
                             for j in range(frames)])
        assert torch.equal(row, want), (shift, row)
        assert torch.equal(example, want.repeat(3, 1))
        drawn.append(shift)
    assert set(drawn) == set(range(-max_shift, max_shift + 1))
