"""MNIST in its IDX files, read from a local folder: :func:`load_mnist_idx`.

An IDX file is a big-endian header and raw bytes: two zero bytes, a type code (``0x08``
for unsigned bytes), the number of dimensions ``d``, then ``d`` 32-bit sizes, then the
``prod(sizes)`` values in row-major order. MNIST's image files have ``d = 3``
(``n × 28 × 28``; magic number 2051) and its label files ``d = 1`` (``n``; magic 2049).
Files may be gzip-compressed (``.gz``). Nothing is downloaded.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from saddlepath.data._dataset import DataFileError
from saddlepath.data._images import LabelledImages, select_rows

__all__ = ["MNIST_IDX_FILES", "load_mnist_idx", "read_idx"]

MNIST_IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_UBYTE = 0x08


def load_mnist_idx(
    folder: str | os.PathLike,
    *,
    split: str = "train",
    n_samples: int | None = None,
    seed: int | np.random.Generator | None = None,
    classes: list[int] | tuple[int, ...] | None = None,
    scale: bool = True,
) -> LabelledImages:
    """Read MNIST (or any IDX image/label pair laid out like it) from a local folder.

    The folder holds ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` (split
    ``"train"``) or ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (``"test"``),
    each either as is or gzip-compressed with a ``.gz`` suffix (the uncompressed one is
    used when both exist).

    Parameters
    ----------
    folder : str or os.PathLike
    split : {"train", "test"}, default "train"
    n_samples : int, optional
        Keep this many images, drawn at random (after the ``classes`` filter); default all.
    seed : int, numpy.random.Generator or None
        Seeds the shuffle; with ``n_samples`` and ``seed`` both ``None`` the file order is kept.
    classes : sequence of int, optional
        The labels to keep; default all present.
    scale : bool, default True
        Divide the pixels (0–255) by 255 so that ``X`` lies in ``[0, 1]``.

    Returns
    -------
    LabelledImages
        ``X`` of shape ``(n, height * width)`` (row-major), ``image_shape=(height, width)``,
        ``name="mnist_<split>"``.

    Raises
    ------
    FileNotFoundError
        The folder or one of the two files is missing (the message lists the names looked for).
    DataFileError
        A file is corrupt, truncated, has a wrong magic number or dimensions, or the image and
        label counts differ.

    Examples
    --------
    Two 1×2 images labelled 3 and 5, written as IDX files:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "t10k-images-idx3-ubyte").write_bytes(
    ...     bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255, 51, 102]))
    >>> _ = (folder / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 2, 3, 5]))
    >>> data = load_mnist_idx(folder, split="test")
    >>> data.X.tolist(), data.labels.tolist(), data.image_shape
    ([[0.0, 1.0], [0.2, 0.4]], [3, 5], (1, 2))
    """
    if split not in MNIST_IDX_FILES:
        raise ValueError(f"`split` must be 'train' or 'test'; got {split!r}.")
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(
            f"No such folder: '{root}'. load_mnist_idx reads MNIST's IDX files from a local "
            "folder and downloads nothing; put the files there first."
        )
    image_name, label_name = MNIST_IDX_FILES[split]
    images = read_idx(_find(root, image_name), ndim=3)
    labels = read_idx(_find(root, label_name), ndim=1)
    if images.shape[0] != labels.shape[0]:
        raise DataFileError(
            f"'{root}': {image_name} holds {images.shape[0]} images but {label_name} holds "
            f"{labels.shape[0]} labels; the two files of a split must match."
        )
    X = images.reshape(images.shape[0], -1).astype(np.float64)
    X, kept_labels, kept = select_rows(
        X, labels.astype(np.int64), classes=classes, n_samples=n_samples, seed=seed,
        where="load_mnist_idx",
    )  # fmt: skip
    shape = (images.shape[1], images.shape[2])
    return LabelledImages(X / 255.0 if scale else X, kept_labels, kept, shape, f"mnist_{split}")


def read_idx(path: str | os.PathLike, *, ndim: int | None = None) -> np.ndarray:
    """Read one IDX file of unsigned bytes (raw, or gzip when the name ends in ``.gz``).

    Parameters
    ----------
    path : str or os.PathLike
    ndim : int, optional
        The number of dimensions the file must have.

    Returns
    -------
    ndarray of uint8
        Shape as in the header.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy-idx1-ubyte"
    >>> _ = path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(path).tolist()
    [7, 8, 9]
    """
    p = Path(path)
    raw = _read_bytes(p)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataFileError(
            f"{p} is not an IDX file: it must start with two zero bytes (magic number); got "
            f"{raw[:4].hex() or 'an empty file'}. Is it an HTML page or another format?"
        )
    if raw[2] != _UBYTE:
        raise DataFileError(
            f"{p}: IDX type code 0x{raw[2]:02x}; only unsigned bytes (0x08) are read, as in MNIST."
        )
    d = raw[3]
    if ndim is not None and d != ndim:
        raise DataFileError(
            f"{p}: the header says {d} dimensions; expected {ndim} "
            f"({'images: count, rows, columns' if ndim == 3 else 'labels: count'}). "
            "Are the image and label files swapped?"
        )
    header = 4 + 4 * d
    if len(raw) < header:
        raise DataFileError(f"{p} is truncated inside its header ({len(raw)} bytes).")
    dims = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=d, offset=4))
    expected = header + int(np.prod(dims, dtype=np.int64))
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "longer than its header says"
        raise DataFileError(
            f"{p} is {problem}: the header gives shape {dims}, i.e. {expected} bytes, but the "
            f"file has {len(raw)}. Get a fresh copy of the file."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _find(root: Path, name: str) -> Path:
    for candidate in (root / name, root / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"'{root}' has neither {name} nor {name}.gz. load_mnist_idx downloads nothing: put "
        "MNIST's IDX files (as distributed, raw or .gz) into that folder."
    )


def _read_bytes(p: Path) -> bytes:
    if p.suffix != ".gz":
        return p.read_bytes()
    try:
        with gzip.open(p, "rb") as handle:
            return handle.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise DataFileError(
            f"{p} is not a valid gzip file ({type(exc).__name__}: {exc}); it may be truncated. "
            "Get a fresh copy, or decompress it yourself and drop the .gz suffix."
        ) from exc
