"""LabelledImages, one_hot and scikit-learn's digits through load_digits."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from saddlepath.data import LabelledImages, load_digits, one_hot

sklearn_datasets = pytest.importorskip("sklearn.datasets")


def test_one_hot_by_hand():
    T = one_hot([7, 2, 7, 4], classes=[2, 4, 7])
    assert T.dtype == np.float64
    assert T.tolist() == [[0, 0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]]


def test_one_hot_refuses_a_label_outside_the_classes():
    with pytest.raises(ValueError, match=r"\[5\]"):
        one_hot([1, 5], classes=[0, 1])
    with pytest.raises(ValueError, match="integers"):
        one_hot([0.5], classes=[0, 1])


def test_labelled_images_validates_its_fields():
    X = np.arange(8.0).reshape(2, 4)
    with pytest.raises(ValueError, match="not in classes"):
        LabelledImages(X, [0, 3], classes=(0, 1), image_shape=(2, 2))
    with pytest.raises(ValueError, match="strictly increasing"):
        LabelledImages(X, [0, 1], classes=(1, 0), image_shape=(2, 2))
    with pytest.raises(ValueError, match="height \\* width = 4"):
        LabelledImages(X, [0, 1], classes=(0, 1), image_shape=(3, 1))
    with pytest.raises(ValueError, match="shape \\(n_samples,\\)"):
        LabelledImages(X, [0, 1, 1], classes=(0, 1), image_shape=(2, 2))
    data = LabelledImages(X, [1, 0], classes=(0, 1), image_shape=(2, 2))
    assert data.images()[1].tolist() == [[4.0, 5.0], [6.0, 7.0]]
    assert data.labels.dtype == np.int64 and data.n_classes == 2


def test_load_digits_all_rows_in_sklearn_order():
    bunch = sklearn_datasets.load_digits()
    data = load_digits(scale=False)
    assert data.X.shape == (1797, 64) and data.image_shape == (8, 8)
    assert np.array_equal(data.X, bunch.data) and np.array_equal(data.labels, bunch.target)
    assert data.classes == tuple(range(10))
    scaled = load_digits()
    assert scaled.X.max() == 1.0 and scaled.X.min() == 0.0  # pixel counts run 0..16
    assert np.array_equal(scaled.X * 16, data.X)


def test_load_digits_subset_is_seeded_and_filtered():
    bunch = sklearn_datasets.load_digits()
    a = load_digits(n_samples=200, seed=4, classes=[8, 3], scale=False)
    b = load_digits(n_samples=200, seed=4, classes=[3, 8], scale=False)
    c = load_digits(n_samples=200, seed=5, classes=[3, 8], scale=False)
    assert a.classes == (3, 8) and set(a.labels.tolist()) == {3, 8}
    assert np.array_equal(a.X, b.X) and not np.array_equal(a.X, c.X)
    assert len({row.tobytes() for row in a.X}) == 200  # no row drawn twice
    # every row is a real digit with its own label
    for row, label in zip(a.X[:20], a.labels[:20], strict=True):
        hits = np.flatnonzero((bunch.data == row).all(axis=1))
        assert hits.size and label in bunch.target[hits]
    T = a.one_hot()
    assert T.shape == (200, 2) and np.array_equal(T[:, 1], (a.labels == 8).astype(float))


def test_load_digits_refuses_impossible_requests():
    with pytest.raises(ValueError, match=r"\[11\]"):
        load_digits(classes=[1, 11])
    with pytest.raises(ValueError, match="n_samples"):
        load_digits(n_samples=400, classes=[0, 1])  # only about 360 zeros and ones


def test_load_digits_without_sklearn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # import now raises
    with pytest.raises(ImportError, match=r"pip install 'saddlepath\[sklearn\]'"):
        load_digits()
