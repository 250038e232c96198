r"""Labelled images for classification: :class:`LabelledImages`, :func:`one_hot`, subsets.

The deep-network loaders (:func:`load_digits`, :func:`load_mnist_idx`, :func:`load_mnist_5k`)
return a :class:`LabelledImages`: pixel rows ``X`` and integer class labels. The one-hot
target matrix :math:`T \in \{0, 1\}^{n \times K}` has :math:`T_{ik} = 1` exactly when sample
``i`` has the ``k``-th class of ``classes``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from saddlepath._validation import check_int, check_seed

__all__ = ["LabelledImages", "one_hot", "select_rows"]


@dataclass(frozen=True, eq=False, repr=False)
class LabelledImages:
    """A classification data set: one flattened image per row of ``X`` and its label.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_pixels)
        Pixel intensities (float64, finite); the loaders say whether they are scaled.
    labels : array-like of int, shape (n_samples,)
        The class of each row; every label is one of ``classes``.
    classes : tuple of int
        The possible labels, strictly increasing; the columns of :meth:`one_hot`.
    image_shape : tuple of int
        ``(height, width)`` with ``height * width == n_pixels``.
    name : str, default "images"

    Examples
    --------
    >>> import numpy as np
    >>> data = LabelledImages(np.zeros((2, 4)), [1, 0], classes=(0, 1), image_shape=(2, 2))
    >>> data.one_hot().tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """

    X: np.ndarray
    labels: np.ndarray
    classes: tuple[int, ...]
    image_shape: tuple[int, int]
    name: str = "images"

    def __post_init__(self) -> None:
        X = np.array(self.X, dtype=np.float64)
        if X.ndim != 2 or not np.all(np.isfinite(X)):
            raise ValueError(f"`X` must be a finite 2-D array; got shape {X.shape}.")
        labels = _int_array(self.labels, "labels")
        if labels.shape != (X.shape[0],):
            raise ValueError(
                f"`labels` must have shape (n_samples,) = ({X.shape[0]},); got {labels.shape}."
            )
        classes = tuple(int(c) for c in self.classes)
        if not classes or any(b <= a for a, b in itertools.pairwise(classes)):
            raise ValueError(f"`classes` must be non-empty and strictly increasing; got {classes}.")
        unknown = np.setdiff1d(labels, classes)
        if unknown.size:
            raise ValueError(f"labels {unknown.tolist()} are not in classes {classes}.")
        shape = tuple(int(s) for s in self.image_shape)
        if len(shape) != 2 or shape[0] * shape[1] != X.shape[1]:
            raise ValueError(
                f"`image_shape` must be (height, width) with height * width = {X.shape[1]}; "
                f"got {shape}."
            )
        if not isinstance(self.name, str):
            raise TypeError(f"`name` must be a str; got {self.name!r}.")
        for field, value in (("X", X), ("labels", labels), ("classes", classes)):
            object.__setattr__(self, field, value)
        object.__setattr__(self, "image_shape", shape)

    @property
    def n_samples(self) -> int:
        """Number of images (rows of ``X``)."""
        return self.X.shape[0]

    @property
    def n_classes(self) -> int:
        """Number of possible labels, ``len(classes)``."""
        return len(self.classes)

    def one_hot(self) -> np.ndarray:
        """The one-hot targets, shape ``(n_samples, n_classes)``, columns in ``classes`` order."""
        return one_hot(self.labels, self.classes)

    def images(self) -> np.ndarray:
        """``X`` reshaped to ``(n_samples, height, width)`` (a view)."""
        return self.X.reshape(self.n_samples, *self.image_shape)

    def __repr__(self) -> str:
        return (
            f"LabelledImages(name={self.name!r}, n_samples={self.n_samples}, "
            f"image_shape={self.image_shape}, classes={self.classes})"
        )


def one_hot(labels: Sequence[int] | np.ndarray, classes: Sequence[int]) -> np.ndarray:
    """One-hot encode ``labels``: ``T[i, k] = 1.0`` when ``labels[i] == classes[k]``, else 0.

    Parameters
    ----------
    labels : array-like of int, shape (n_samples,)
    classes : sequence of int
        Every label must be one of them; they give the column order.

    Returns
    -------
    ndarray of shape (n_samples, len(classes)), float64

    Examples
    --------
    >>> one_hot([3, 5, 3], classes=[3, 5]).tolist()
    [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    """
    labels = _int_array(labels, "labels")
    cls = np.asarray([int(c) for c in classes], dtype=np.int64)
    table = labels[:, None] == cls[None, :]
    missing = ~table.any(axis=1)
    if labels.ndim != 1 or missing.any():
        bad = labels[missing].tolist() if labels.ndim == 1 else labels.shape
        raise ValueError(f"one_hot needs 1-D labels, each in classes {cls.tolist()}; got {bad}.")
    return table.astype(np.float64)


def select_rows(
    X: np.ndarray,
    labels: np.ndarray,
    *,
    classes: Sequence[int] | None,
    n_samples: int | None,
    seed: int | np.random.Generator | None,
    where: str,
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Keep the rows whose label is in ``classes``, then a shuffled subset of them.

    Rows keep their file order when ``n_samples`` and ``seed`` are both ``None``; otherwise
    they are permuted by ``numpy.random.default_rng(seed)`` *before* the first ``n_samples``
    are taken (files sorted by label would otherwise give a one-class subset).
    """
    present = tuple(int(c) for c in np.unique(labels))
    kept = present if classes is None else _check_classes(classes, present, where)
    rows = np.flatnonzero(np.isin(labels, kept))
    if n_samples is not None:
        n_samples = check_int(n_samples, name="n_samples", low=1, high=rows.size, where=where)
    if n_samples is not None or seed is not None:
        rows = check_seed(seed, where=where).permutation(rows)[:n_samples]
    return X[rows], labels[rows], kept


def _check_classes(classes: Sequence[int], present: tuple[int, ...], where: str) -> tuple[int, ...]:
    if isinstance(classes, str | bytes) or not isinstance(classes, Sequence | np.ndarray):
        raise TypeError(f"`classes` of {where} must be a sequence of labels; got {classes!r}.")
    kept = tuple(sorted({int(c) for c in classes}))
    absent = sorted(set(kept) - set(present))
    if not kept or absent:
        raise ValueError(
            f"`classes` of {where} must be a non-empty subset of the labels present, "
            f"{list(present)}; {absent or 'none'} given that are not."
        )
    return kept


def _int_array(values: object, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iu":
        as_float = np.asarray(arr, dtype=np.float64)
        if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
            raise ValueError(f"`{name}` must hold integers; got {arr.dtype} values.")
    return np.asarray(arr, dtype=np.int64)
