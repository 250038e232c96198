"""Checks shared by the file loaders: the path, the target column, the arrays read."""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import numpy as np

from saddlepath._validation import as_float_array
from saddlepath.data._dataset import DataFileError

__all__ = ["check_path", "file_array", "target_index"]


def check_path(path: object) -> Path:
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


def target_index(target: object, names: list[str] | None, n_cols: int, p: Path) -> int:
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


def file_array(value: np.ndarray, label: str, p: Path, *, ndim: int | None = None) -> np.ndarray:
    """``as_float_array`` with the file named in the message."""
    try:
        return as_float_array(value, name=label, ndim=value.ndim if ndim is None else ndim)
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"{p}: {exc}") from exc
