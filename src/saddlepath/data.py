r"""Data sets: the papers' synthetic set-ups, the worked example and loaders for user files.

Every function returns a :class:`Dataset` holding ``X`` of shape ``(n_samples, n_features)``
and ``y`` of shape ``(n_samples,)``, both float64, and the planted coefficients when they
are known. The synthetic model is the one of Pesme & Flammarion (2023), §5:

.. math::

    x_i \sim \mathcal N(0, \Sigma), \qquad y = X\beta^\star + \sigma\,\varepsilon,
    \qquad \varepsilon \sim \mathcal N(0, I_n),

with a sparse planted vector :math:`\beta^\star`.

A file that cannot be used raises :class:`DataFileError` (a ``ValueError``) whose message
names the file, the line and column where that helps, and what to change; a path that
does not exist raises ``FileNotFoundError``.
"""

from __future__ import annotations

import csv
import numbers
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from saddlepath._validation import as_float_array, check_data, check_int, check_real

__all__ = [
    "DataFileError",
    "Dataset",
    "demo_problem",
    "load_csv",
    "load_data",
    "load_npy",
    "load_npz",
    "make_sparse_regression",
    "worked_example",
]

_TEXT_DELIMITERS = {".csv": ",", ".tsv": "\t", ".txt": None}
_Seed = int | np.random.Generator | None


class DataFileError(ValueError):
    """A data file exists but cannot be turned into a :class:`Dataset`."""


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A regression data set ``(X, y)``, validated on construction.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Design matrix; stored as finite float64.
    y : array-like of shape (n_samples,)
        Targets; stored as finite float64.
    beta_star : array-like of shape (n_features,) or None, default None
        The planted coefficients of a synthetic set; ``None`` when unknown.
    name : str, default "data"
        A label for reports; loaders use the file stem.
    feature_names : tuple of str of length n_features or None, default None
        Column names, e.g. from a CSV header.

    Examples
    --------
    >>> import numpy as np
    >>> ds = Dataset(np.eye(2), np.array([1.0, 0.0]), name="toy")
    >>> ds.n_samples, ds.n_features
    (2, 2)
    """

    X: np.ndarray
    y: np.ndarray
    beta_star: np.ndarray | None = None
    name: str = "data"
    feature_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        X, y = check_data(self.X, self.y)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        if self.beta_star is not None:
            object.__setattr__(self, "beta_star", _check_beta(self.beta_star, X.shape[1]))
        if not isinstance(self.name, str):
            raise TypeError(f"`name` must be a str; got {self.name!r}.")
        if self.feature_names is not None:
            names = tuple(str(s) for s in self.feature_names)
            if len(names) != X.shape[1]:
                raise ValueError(
                    f"`feature_names` must have one name per column of X ({X.shape[1]}); "
                    f"got {len(names)} names."
                )
            object.__setattr__(self, "feature_names", names)

    @property
    def n_samples(self) -> int:
        """Number of rows of ``X``."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """Number of columns of ``X``."""
        return self.X.shape[1]

    def __repr__(self) -> str:
        planted = (
            "None"
            if self.beta_star is None
            else (f"<{np.count_nonzero(self.beta_star)} non-zeros>")
        )
        return (
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, beta_star={planted})"
        )


# --------------------------------------------------------------------------- synthetic data


def make_sparse_regression(
    n_samples: int,
    n_features: int,
    *,
    n_nonzero: int | None = None,
    beta_star: np.ndarray | None = None,
    covariance: np.ndarray | None = None,
    noise: float = 0.0,
    seed: _Seed = None,
    name: str = "sparse_regression",
) -> Dataset:
    r"""Draw the sparse regression set-up of Pesme & Flammarion (2023), §5.

    Rows :math:`x_i \sim \mathcal N(0, \Sigma)` i.i.d. and
    :math:`y = X\beta^\star + \sigma\varepsilon` with :math:`\varepsilon \sim \mathcal N(0, I)`.
    Unless ``beta_star`` is given, its support is ``n_nonzero`` positions drawn uniformly
    without replacement and its non-zero values are i.i.d. :math:`\mathcal N(0, 1)`. The
    draws are made in the order support, values, ``X``, ``ε``, so changing ``noise`` does
    not change ``X`` or ``beta_star``.

    Parameters
    ----------
    n_samples, n_features : int
        ``n`` and ``d``, both at least 1.
    n_nonzero : int, optional
        Size of the support of the drawn ``beta_star``, in ``[0, n_features]``; default
        ``min(5, n_features)``. With ``beta_star`` given it must equal its number of
        non-zeros, or be omitted.
    beta_star : array-like of shape (n_features,), optional
        The planted coefficients; drawn when omitted.
    covariance : array-like of shape (n_features, n_features), optional
        Symmetric positive semi-definite :math:`\Sigma`; default the identity.
    noise : float, default 0.0
        Standard deviation :math:`\sigma \ge 0` of the label noise.
    seed : int, numpy.random.Generator or None
        Seed of ``numpy.random.default_rng``, or a generator to draw from.
    name : str, default "sparse_regression"

    Returns
    -------
    Dataset
        With ``beta_star`` set.

    Examples
    --------
    >>> import numpy as np
    >>> ds = make_sparse_regression(20, 40, n_nonzero=3, seed=0)
    >>> ds.X.shape, int((ds.beta_star != 0).sum())
    ((20, 40), 3)
    >>> bool(np.allclose(ds.X @ ds.beta_star, ds.y))
    True
    """
    where = "make_sparse_regression"
    n = check_int(n_samples, name="n_samples", low=1, where=where)
    d = check_int(n_features, name="n_features", low=1, where=where)
    sigma = check_real(noise, name="noise", low=0.0, where=where)
    factor = _covariance_factor(covariance, d, where=where)
    rng = _as_generator(seed, where=where)
    if beta_star is not None:
        beta = _check_beta(beta_star, d, where=where)
        _check_support_size(n_nonzero, beta, where=where)
    else:
        beta = _draw_beta(d, n_nonzero, rng, where=where)
    X = rng.standard_normal((n, d))
    if factor is not None:
        X = X @ factor.T
    y = X @ beta + sigma * rng.standard_normal(n)
    return Dataset(X, y, beta_star=beta, name=name)


def worked_example() -> Dataset:
    r"""Return the two-sample worked example of Zhao et al. (2026).

    ``X = [[1, .5, .7, 0], [.5, 1, .1, .7]]`` and ``y = (1, 0)``. Its exact saddle path
    (accelerated time, the :math:`1/(2n)` loss) jumps at :math:`\tau = 2, 8, 8 + 160/49`
    through the saddles ``(0.8, 0, 0, 0) → (0, 0, 1.4, 0) → (0, 0, 10/7, −10/49)``; the
    last is the minimum-ℓ1 interpolator. ``beta_star`` is ``None``: nothing is planted.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> ds = worked_example()
    >>> ds.X.shape, ds.y.tolist()
    ((2, 4), [1.0, 0.0])
    """
    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    return Dataset(X, np.array([1.0, 0.0]), name="worked_example")


def demo_problem(seed: _Seed = 0) -> Dataset:
    r"""Return the built-in demo: a noiseless sparse regression with ``n < d``.

    ``n = 20`` samples, ``d = 40`` features, :math:`\Sigma = I`, no noise and a planted
    ``beta_star`` with 3 non-zeros whose magnitudes lie in ``[1, 2)`` with random signs
    (bounded away from 0, so every planted coordinate shows as a clear step). With ``n``
    this large relative to the support the minimum-ℓ1 interpolator — the last saddle —
    is ``beta_star`` itself (for the default seed; checked by the tests). The same seed
    gives the same data.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    Dataset

    Examples
    --------
    >>> import numpy as np
    >>> ds = demo_problem()
    >>> ds.X.shape, int(np.count_nonzero(ds.beta_star))
    ((20, 40), 3)
    """
    n_samples, n_features, n_nonzero = 20, 40, 3
    rng = _as_generator(seed, where="demo_problem")
    support = np.sort(rng.choice(n_features, size=n_nonzero, replace=False))
    beta = np.zeros(n_features)
    beta[support] = rng.choice([-1.0, 1.0], size=n_nonzero) * rng.uniform(1.0, 2.0, n_nonzero)
    return make_sparse_regression(n_samples, n_features, beta_star=beta, seed=rng, name="demo")


def _as_generator(seed: object, *, where: str) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"The `seed` parameter of {where} must be None, a non-negative int or a "
            f"numpy.random.Generator. Got {seed!r} (type {type(seed).__name__}) instead."
        )
    if seed < 0:
        raise ValueError(
            f"The `seed` parameter of {where} must be a non-negative int. Got {seed} instead."
        )
    return np.random.default_rng(int(seed))


def _check_beta(beta_star: object, n_features: int, *, where: str = "Dataset") -> np.ndarray:
    if np.ndim(beta_star) != 1:
        raise ValueError(
            f"The `beta_star` parameter of {where} must be 1-dimensional of shape "
            f"(n_features,) = ({n_features},); got shape {np.shape(beta_star)}."
        )
    beta = np.array(as_float_array(beta_star, name="beta_star", ndim=1))
    if beta.shape[0] != n_features:
        raise ValueError(
            f"The `beta_star` parameter of {where} must have length n_features = "
            f"{n_features}; got length {beta.shape[0]}."
        )
    return beta


def _check_support_size(n_nonzero: object, beta: np.ndarray, *, where: str) -> None:
    if n_nonzero is None:
        return
    k = check_int(n_nonzero, name="n_nonzero", low=0, where=where)
    if k != np.count_nonzero(beta):
        raise ValueError(
            f"The `n_nonzero` parameter of {where} is {k} but the given `beta_star` has "
            f"{np.count_nonzero(beta)} non-zero entries; pass only one of the two."
        )


def _draw_beta(d: int, n_nonzero: object, rng: np.random.Generator, *, where: str) -> np.ndarray:
    k = (
        min(5, d)
        if n_nonzero is None
        else check_int(n_nonzero, name="n_nonzero", low=0, where=where)
    )
    if k > d:
        raise ValueError(
            f"The `n_nonzero` parameter of {where} cannot exceed n_features = {d}. Got {k} "
            "instead; lower n_nonzero or raise n_features."
        )
    support = np.sort(rng.choice(d, size=k, replace=False))
    beta = np.zeros(d)
    beta[support] = rng.standard_normal(k)
    return beta


def _covariance_factor(covariance: object, d: int, *, where: str) -> np.ndarray | None:
    """Return ``F`` with ``F @ F.T == covariance`` (eigh, so PSD is allowed), or None."""
    if covariance is None:
        return None
    cov = as_float_array(covariance, name="covariance", ndim=2)
    if cov.shape != (d, d):
        raise ValueError(
            f"The `covariance` parameter of {where} must have shape (n_features, n_features) "
            f"= ({d}, {d}); got shape {cov.shape}."
        )
    scale = float(np.max(np.abs(cov)))
    asym = np.abs(cov - cov.T)
    if np.max(asym) > 1e-10 * scale:
        i, j = np.unravel_index(np.argmax(asym), cov.shape)
        raise ValueError(
            f"The `covariance` parameter of {where} must be symmetric; got covariance[{i}, {j}]"
            f" = {cov[i, j]:.6g} but covariance[{j}, {i}] = {cov[j, i]:.6g}. Use "
            "(C + C.T) / 2 if the difference is round-off."
        )
    eigvals, eigvecs = np.linalg.eigh((cov + cov.T) / 2)
    tol = 100 * d * np.finfo(np.float64).eps * max(float(np.max(np.abs(eigvals))), 1e-300)
    if eigvals[0] < -tol:
        raise ValueError(
            f"The `covariance` parameter of {where} must be positive semi-definite; its "
            f"smallest eigenvalue is {eigvals[0]:.3g}. Build it as A @ A.T, or add a multiple "
            "of the identity."
        )
    return eigvecs * np.sqrt(np.where(eigvals > tol, eigvals, 0.0))  # round-off → exactly 0


# --------------------------------------------------------------------------------- loaders


def load_csv(
    path: str | os.PathLike,
    *,
    target: int | str = -1,
    header: bool | None = None,
    delimiter: str | None = ",",
) -> Dataset:
    """Load a delimited text file; one column is ``y``, the others are ``X``.

    Blank lines and lines starting with ``#`` are skipped; cells are stripped of
    surrounding spaces; quoting follows the ``csv`` module.

    Parameters
    ----------
    path : str or os.PathLike
    target : int or str, default -1
        The column holding ``y``: a position (negative counts from the end) or a header name.
    header : bool or None, default None
        Whether the first row holds column names; ``None`` detects it: the first row is a
        header when any of its cells is not a number.
    delimiter : str or None, default ","
        A single character; ``None`` guesses from the first row (comma, tab, semicolon,
        else runs of whitespace).

    Returns
    -------
    Dataset
        ``name`` is the file stem; ``feature_names`` come from the header (else ``None``).

    Raises
    ------
    FileNotFoundError
        The path does not exist.
    DataFileError
        The file is empty, ragged, holds a non-numeric or non-finite cell, lacks the target
        column or has no feature column; the message gives the line and column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.csv"
    >>> _ = path.write_text("a,b,y\\n1,2,3\\n4,5,6\\n")
    >>> ds = load_csv(path, target="y")
    >>> ds.name, ds.feature_names, ds.y.tolist()
    ('toy', ('a', 'b'), [3.0, 6.0])
    """
    p = _check_path(path)
    if header is not None and not isinstance(header, bool):
        raise TypeError(f"`header` must be True, False or None (detect); got {header!r}.")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ValueError(
            f"`delimiter` must be a single character or None (guess); got {delimiter!r}."
        )
    rows = _read_rows(p, delimiter)
    n_cols = _check_rectangular(rows, p)
    names, rows = _split_header(rows, header, p)
    col = _target_index(target, names, n_cols, p)
    data = _parse_cells(rows, names, p)
    feature_names = None if names is None else tuple(names[:col] + names[col + 1 :])
    return Dataset(
        np.delete(data, col, axis=1), data[:, col], name=p.stem, feature_names=feature_names
    )


def load_npy(path: str | os.PathLike, *, target: int = -1) -> Dataset:
    """Load a 2-D ``.npy`` array whose column ``target`` is ``y`` and the rest ``X``.

    Parameters
    ----------
    path : str or os.PathLike
    target : int, default -1
        Position of the target column (negative counts from the end).

    Returns
    -------
    Dataset
        ``name`` is the file stem.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.npy"
    >>> np.save(path, np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    >>> ds = load_npy(path)
    >>> ds.X.shape, ds.y.tolist()
    ((2, 2), [3.0, 6.0])
    """
    p = _check_path(path)
    loaded = _np_load(p, "npy")
    if isinstance(loaded, np.lib.npyio.NpzFile):
        loaded.close()
        raise DataFileError(f"{p} is an .npz archive, not one .npy array; use load_npz.")
    if loaded.ndim != 2:
        raise DataFileError(
            f"{p} holds an array of shape {loaded.shape}; load_npy needs a 2-D array with the "
            "target as one column. Save X and y separately with np.savez and use load_npz."
        )
    if loaded.shape[1] < 2:
        raise DataFileError(
            f"{p} has only one column, so no feature columns besides the target; save the "
            "features and the target side by side, e.g. np.column_stack([X, y])."
        )
    data = _file_array(loaded, "array", p)
    col = _target_index(target, None, data.shape[1], p)
    return Dataset(np.delete(data, col, axis=1), data[:, col], name=p.stem)


def load_npz(path: str | os.PathLike, *, x_key: str = "X", y_key: str = "y") -> Dataset:
    """Load ``X`` and ``y`` from an ``.npz`` archive (as written by ``np.savez``).

    Optional arrays ``beta_star`` (planted coefficients) and ``feature_names`` (strings)
    are picked up when present. A ``y`` of shape ``(n_samples, 1)`` is flattened.

    Parameters
    ----------
    path : str or os.PathLike
    x_key, y_key : str, default "X" and "y"
        Names of the arrays in the archive.

    Returns
    -------
    Dataset
        ``name`` is the file stem.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.npz"
    >>> np.savez(path, X=np.eye(3), y=np.arange(3.0))
    >>> load_npz(path)
    Dataset(name='toy', n_samples=3, n_features=3, beta_star=None)
    """
    p = _check_path(path)
    for label, key in (("x_key", x_key), ("y_key", y_key)):
        if not isinstance(key, str):
            raise TypeError(f"`{label}` must be a str naming an array; got {key!r}.")
    arrays = _read_npz(p, [x_key, y_key], ["beta_star", "feature_names"])
    X = _file_array(arrays[x_key], x_key, p, ndim=2)
    raw_y = arrays[y_key]
    y = _file_array(
        raw_y.ravel() if raw_y.ndim == 2 and raw_y.shape[1] == 1 else raw_y, y_key, p, ndim=1
    )
    if X.shape[0] != y.shape[0]:
        raise DataFileError(
            f"{p}: {x_key!r} has {X.shape[0]} rows but {y_key!r} has {y.shape[0]} entries; "
            "they must match."
        )
    names = arrays.get("feature_names")
    try:
        return Dataset(
            X,
            y,
            beta_star=arrays.get("beta_star"),
            name=p.stem,
            feature_names=None if names is None else tuple(names.ravel().tolist()),
        )
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"{p}: {exc}") from exc


def load_data(path: str | os.PathLike, *, target: int | str | None = None) -> Dataset:
    """Load a data file, choosing the reader from its suffix.

    ``.csv`` (comma), ``.tsv`` (tab) and ``.txt`` (delimiter guessed) go to
    :func:`load_csv`, ``.npy`` to :func:`load_npy`, ``.npz`` to :func:`load_npz`.

    Parameters
    ----------
    path : str or os.PathLike
    target : int, str or None, default None
        Text files: the target column (name or position, default the last). ``.npy``: its
        position (default the last). ``.npz``: the name of the ``y`` array (default "y").

    Returns
    -------
    Dataset

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.tsv"
    >>> _ = path.write_text("1\\t2\\t3\\n4\\t5\\t6\\n")
    >>> load_data(path, target=0).y.tolist()
    [1.0, 4.0]
    """
    p = _check_path(path)
    suffix = p.suffix.lower()
    if suffix in _TEXT_DELIMITERS:
        col = -1 if target is None else target
        return load_csv(p, target=col, delimiter=_TEXT_DELIMITERS[suffix])
    if suffix == ".npy":
        return load_npy(p, target=-1 if target is None else target)
    if suffix == ".npz":
        if target is not None and not isinstance(target, str):
            raise TypeError(f"For an .npz file `target` names the y array (a str); got {target!r}.")
        return load_npz(p) if target is None else load_npz(p, y_key=target)
    raise DataFileError(
        f"{p}: unknown file type {p.suffix!r}; load_data reads .csv, .tsv, .txt, .npy and "
        ".npz. Rename or convert the file, or call load_csv(path, delimiter=...) directly."
    )


# ------------------------------------------------------------------------- loader helpers


def _check_path(path: object) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"`path` must be a str or os.PathLike; got {type(path).__name__}.")
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(
            f"No such data file: '{p}' (looked in '{p.absolute().parent}'); check the path."
        )
    if p.is_dir():
        raise DataFileError(
            f"'{p}' is a directory, not a data file; pass the path of a .csv, .tsv, .txt, .npy "
            "or .npz file."
        )
    return p


def _read_rows(p: Path, delimiter: str | None) -> list[tuple[int, list[str]]]:
    """Return ``(line number, stripped cells)`` for every non-blank, non-comment line."""
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{p} is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8, or use "
            "load_npy/load_npz for NumPy files."
        ) from exc
    kept = [
        (k, line)
        for k, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not kept:
        raise DataFileError(f"{p} is empty (no data lines); it needs a row per sample.")
    if delimiter is None:
        first = kept[0][1]
        delimiter = next((c for c in ",\t;" if c in first), None)
    if delimiter is None:
        return [(k, line.split()) for k, line in kept]
    rows = []
    for k, line in kept:
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except csv.Error as exc:
            raise DataFileError(f"{p}, line {k}: {exc}; fix the quoting on that line.") from exc
        rows.append((k, [cell.strip() for cell in cells]))
    return rows


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _split_header(
    rows: list[tuple[int, list[str]]], header: bool | None, p: Path
) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    line, first = rows[0]
    has_header = not all(map(_is_number, first)) if header is None else header
    if not has_header:
        return None, rows
    if len(rows) == 1:
        raise DataFileError(
            f"{p} has a header (line {line}) but no data rows; add a row per sample"
            + (", or pass header=False if line 1 is data." if header else ".")
        )
    return first, rows[1:]


def _check_rectangular(rows: list[tuple[int, list[str]]], p: Path) -> int:
    first_line, first = rows[0]
    n_cols = len(first)
    for line, cells in rows:
        if len(cells) != n_cols:
            raise DataFileError(
                f"{p}, line {line}: expected {n_cols} cells, as on line {first_line}, but got "
                f"{len(cells)}; every row needs the same number of cells (look for a missing "
                "or extra delimiter)."
            )
    if n_cols < 2:
        raise DataFileError(
            f"{p} has only one column, so no feature columns besides the target; check the "
            "delimiter, or add the feature columns."
        )
    return n_cols


def _target_index(target: object, names: list[str] | None, n_cols: int, p: Path) -> int:
    if isinstance(target, str):
        if names is None:
            raise DataFileError(
                f"target={target!r} names a column, but {p} has no header row of column "
                "names; pass target as a position (e.g. -1 for the last column)."
            )
        hits = [j for j, name in enumerate(names) if name == target]
        if len(hits) != 1:
            problem = "is not in" if not hits else f"appears {len(hits)} times in"
            raise DataFileError(
                f"target={target!r} {problem} the header of {p}: {names}. Pass one of these "
                "names (once each) or a column position."
            )
        return hits[0]
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        raise TypeError(f"`target` must be a column position (int) or name (str); got {target!r}.")
    if not -n_cols <= target < n_cols:
        raise DataFileError(
            f"target={target} is out of range for {p}, which has {n_cols} columns; use a "
            f"position in [{-n_cols}, {n_cols - 1}]."
        )
    return int(target) % n_cols


def _cell_label(line: int, col: int, names: list[str] | None, p: Path) -> str:
    name = "" if names is None else f" ({names[col]!r})"
    return f"{p}, line {line}, column {col + 1}{name}"


def _parse_cells(rows: list[tuple[int, list[str]]], names: list[str] | None, p: Path) -> np.ndarray:
    data = np.empty((len(rows), len(rows[0][1])))
    for i, (line, cells) in enumerate(rows):
        try:
            data[i] = [float(cell) for cell in cells]
        except ValueError:
            col = next(j for j, cell in enumerate(cells) if not _is_number(cell))
            where = _cell_label(line, col, names, p)
            if not cells[col]:
                raise DataFileError(
                    f"{where}: the cell is empty; fill it in or remove that row."
                ) from None
            raise DataFileError(
                f"{where}: could not parse {cells[col]!r} as a number; fix or remove that cell."
            ) from None
    bad = np.argwhere(~np.isfinite(data))
    if bad.size:
        i, col = bad[0]
        line, cells = rows[i]
        raise DataFileError(
            f"{_cell_label(line, col, names, p)}: {cells[col]!r} is not a finite number; "
            "remove or impute that row."
        )
    return data


def _np_load(p: Path, kind: str) -> np.ndarray | np.lib.npyio.NpzFile:
    try:
        return np.load(p, allow_pickle=False)
    except PermissionError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        saver = "np.savez" if kind == "npz" else "np.save"
        raise DataFileError(
            f"{p} could not be read as a NumPy .{kind} file ({type(exc).__name__}: {exc}); it "
            f"may be truncated or in another format. Re-save it with {saver}."
        ) from exc


def _read_npz(p: Path, required: list[str], optional: list[str]) -> dict[str, np.ndarray]:
    loaded = _np_load(p, "npz")
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise DataFileError(f"{p} is a single .npy array, not an .npz archive; use load_npy.")
    with loaded as archive:
        keys = list(archive.files)
        for key in required:
            if key not in keys:
                raise DataFileError(
                    f"{p} has no array named {key!r}; the keys present are {keys}. Pass "
                    "x_key=/y_key= naming the arrays that hold X and y."
                )
        try:
            arrays = {key: archive[key] for key in required + optional if key in keys}
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise DataFileError(
                f"{p} is corrupt ({type(exc).__name__}: {exc}); re-save it with np.savez."
            ) from exc
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray):
            raise DataFileError(
                f"{p} is corrupt: its member {key!r} is not a NumPy array; re-save it with "
                "np.savez."
            )
    return arrays


def _file_array(value: np.ndarray, label: str, p: Path, *, ndim: int | None = None) -> np.ndarray:
    """``as_float_array`` with the file named in the message."""
    try:
        return as_float_array(value, name=label, ndim=value.ndim if ndim is None else ndim)
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"{p}: {exc}") from exc
