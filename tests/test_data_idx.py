"""load_mnist_idx and read_idx on tiny IDX files written here byte by byte."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from saddlepath.data import DataFileError, load_mnist_idx, read_idx

# 6 images of 3 × 2 pixels: image k has pixel values 40k + (0..5); labels 2,0,1,2,0,9.
IMAGES = (40 * np.arange(6)[:, None, None] + np.arange(6).reshape(1, 3, 2)).astype(np.uint8)
LABELS = np.array([2, 0, 1, 2, 0, 9], dtype=np.uint8)


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """An IDX file as in the MNIST spec: magic ``0x00000800 + ndim``, big-endian sizes."""
    magic = 0x0800 + array.ndim if magic is None else magic
    sizes = struct.pack(f">{array.ndim}I", *array.shape)
    return struct.pack(">I", magic) + sizes + array.astype(np.uint8).tobytes()


def write(folder: Path, name: str, data: bytes, *, gz: bool = False) -> Path:
    path = folder / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_split(folder: Path, prefix: str = "train", *, gz: bool = False) -> None:
    write(folder, f"{prefix}-images-idx3-ubyte", idx_bytes(IMAGES), gz=gz)
    write(folder, f"{prefix}-labels-idx1-ubyte", idx_bytes(LABELS), gz=gz)


def test_the_writer_matches_the_published_magic_numbers():
    assert idx_bytes(IMAGES)[:4] == (2051).to_bytes(4, "big")
    assert idx_bytes(LABELS)[:4] == (2049).to_bytes(4, "big")


@pytest.mark.parametrize("gz", [False, True])
def test_reads_back_exactly(tmp_path, gz):
    write_split(tmp_path, gz=gz)
    data = load_mnist_idx(tmp_path, scale=False)
    assert data.name == "mnist_train" and data.image_shape == (3, 2)
    assert data.X.dtype == np.float64 and data.X.shape == (6, 6)
    assert data.X[4].tolist() == [160, 161, 162, 163, 164, 165]
    assert data.labels.tolist() == [2, 0, 1, 2, 0, 9]
    assert data.classes == (0, 1, 2, 9)
    assert np.array_equal(data.images(), IMAGES)
    assert np.array_equal(load_mnist_idx(tmp_path).X * 255, data.X)


def test_test_split_and_raw_preferred_over_gz(tmp_path):
    write_split(tmp_path, "t10k")
    write(tmp_path, "t10k-labels-idx1-ubyte", idx_bytes(np.zeros(6, np.uint8)), gz=True)
    data = load_mnist_idx(tmp_path, split="test")
    assert data.name == "mnist_test" and data.labels.tolist() == LABELS.tolist()
    with pytest.raises(FileNotFoundError, match=r"train-images-idx3-ubyte\.gz"):
        load_mnist_idx(tmp_path)  # only the test split is there


def test_subset_and_classes(tmp_path):
    write_split(tmp_path, gz=True)
    data = load_mnist_idx(tmp_path, classes=[0, 2], scale=False)
    assert data.labels.tolist() == [2, 0, 2, 0] and data.X[:, 0].tolist() == [0, 40, 120, 160]
    sub = load_mnist_idx(tmp_path, n_samples=3, seed=1, scale=False)
    assert sub.n_samples == 3
    for row, label in zip(sub.X, sub.labels, strict=True):
        k = int(row[0]) // 40  # the image index is encoded in its first pixel
        assert LABELS[k] == label and row.tolist() == IMAGES[k].ravel().tolist()
    same = load_mnist_idx(tmp_path, n_samples=3, seed=1, scale=False)
    assert np.array_equal(sub.X, same.X)


def test_missing_folder_and_files_say_nothing_is_downloaded(tmp_path):
    with pytest.raises(FileNotFoundError, match="downloads nothing"):
        load_mnist_idx(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="neither train-images-idx3-ubyte nor"):
        load_mnist_idx(tmp_path)
    write(tmp_path, "train-images-idx3-ubyte", idx_bytes(IMAGES))
    with pytest.raises(FileNotFoundError, match=r"train-labels-idx1-ubyte\.gz.*downloads nothing"):
        load_mnist_idx(tmp_path)
    with pytest.raises(ValueError, match="'train' or 'test'"):
        load_mnist_idx(tmp_path, split="validation")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "not an IDX file"),
        (b"<html>" + bytes(20), "two zero bytes"),
        (idx_bytes(IMAGES, magic=0x0D03), "type code 0x0d"),
        (idx_bytes(IMAGES)[:10], "truncated inside its header"),
        (idx_bytes(IMAGES)[:-1], "truncated: the header gives shape \\(6, 3, 2\\)"),
        (idx_bytes(IMAGES) + b"\x00", "longer than its header says"),
        (idx_bytes(LABELS), "1 dimensions; expected 3.*swapped"),
    ],
)
def test_bad_image_files_are_refused_by_name(tmp_path, data, match):
    path = write(tmp_path, "train-images-idx3-ubyte", data)
    write(tmp_path, "train-labels-idx1-ubyte", idx_bytes(LABELS))
    with pytest.raises(DataFileError, match=match) as info:
        load_mnist_idx(tmp_path)
    assert str(path) in str(info.value)


def test_corrupt_gzip_is_refused(tmp_path):
    write_split(tmp_path)
    good = gzip.compress(idx_bytes(LABELS))
    (tmp_path / "train-labels-idx1-ubyte").unlink()
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataFileError, match="not a valid gzip file") as info:
        load_mnist_idx(tmp_path)
    assert str(path) in str(info.value)


def test_count_mismatch_names_both_files(tmp_path):
    write(tmp_path, "train-images-idx3-ubyte", idx_bytes(IMAGES))
    write(tmp_path, "train-labels-idx1-ubyte", idx_bytes(LABELS[:5]))
    with pytest.raises(DataFileError, match="6 images but train-labels-idx1-ubyte holds 5"):
        load_mnist_idx(tmp_path)


def test_read_idx_any_shape(tmp_path):
    cube = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    path = write(tmp_path, "cube.gz", idx_bytes(cube), gz=True)
    assert np.array_equal(read_idx(path), cube)
    with pytest.raises(DataFileError, match="expected 1"):
        read_idx(path, ndim=1)
