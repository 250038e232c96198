"""NumPy files: :func:`load_npy` (one 2-D array) and :func:`load_npz` (an archive)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from saddlepath.data._dataset import DataFileError, Dataset
from saddlepath.data._file_checks import check_path, file_array, target_index

__all__ = ["load_npy", "load_npz"]


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
    p = check_path(path)
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
    data = file_array(loaded, "array", p)
    col = target_index(target, None, data.shape[1], p)
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
    p = check_path(path)
    for label, key in (("x_key", x_key), ("y_key", y_key)):
        if not isinstance(key, str):
            raise TypeError(f"`{label}` must be a str naming an array; got {key!r}.")
    arrays = _read_npz(p, [x_key, y_key], ["beta_star", "feature_names"])
    X = file_array(arrays[x_key], x_key, p, ndim=2)
    raw_y = arrays[y_key]
    y = file_array(
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
