"""Loading DATA as the options say, and running a command on it.

:func:`run_on_data` is the skeleton of every command on a data file: load → compute →
write, each stage's expected errors ending as one red line and exit code 2
(:func:`saddlepath.cli._exit.errors_as_exit`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from saddlepath.cli._exit import errors_as_exit
from saddlepath.data import Dataset, load_data, load_npz
from saddlepath.data._file_checks import check_path

__all__ = ["DataRun", "load_dataset", "run_on_data"]

R = TypeVar("R")


def _parse_target(target: str | None) -> int | str | None:
    """An integer position when ``target`` looks like one (``"0"``, ``"-1"``), else a name."""
    if target is None:
        return None
    text = target.strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else target


@dataclass(frozen=True)
class DataRun(Generic[R]):
    """What :func:`run_on_data` returns: the data set, the result and the files written."""

    dataset: Dataset
    result: R
    written: dict[str, Path]


def _sparse_npz(data: Path) -> bool:
    """Whether ``data`` is a ``scipy.sparse.save_npz`` archive (CSR/CSC/COO/...)."""
    try:
        with np.load(data, allow_pickle=False) as archive:
            keys = set(getattr(archive, "files", ()))
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False
    return "format" in keys and "shape" in keys and bool(keys & {"indptr", "row", "offsets"})


def load_dataset(
    data: Path, target: str | None, x_key: str | None = None, y_key: str | None = None
) -> Dataset:
    """Load DATA as the options say (``--target``, ``--x-key``, ``--y-key``)."""
    npz = data.suffix.lower() == ".npz"
    if (x_key is not None or y_key is not None) and not npz:
        raise ValueError(
            f"--x-key/--y-key name the arrays of an .npz archive, but DATA is '{data}'; use "
            "--target COL to choose the target column of a text or .npy file."
        )
    if y_key is not None and target is not None:
        raise ValueError(
            f"--target {target!r} and --y-key {y_key!r} both name the y array of an .npz "
            "archive; pass one of them."
        )
    if npz and data.is_file() and _sparse_npz(data):
        raise TypeError(
            f"'{data}' holds a scipy.sparse matrix (written by scipy.sparse.save_npz); "
            "saddlepath needs dense arrays: X = scipy.sparse.load_npz(path).toarray(), then "
            "np.savez(file, X=X, y=y)."
        )
    if npz and x_key is not None:
        check_path(data)
        return load_npz(data, x_key=x_key, y_key=y_key or target or "y")
    return load_data(data, target=_parse_target(y_key if y_key is not None else target))


def run_on_data(
    data: Path,
    target: str | None,
    compute: Callable[[Dataset], R],
    write: Callable[[Dataset, R], dict[str, Path]] | None = None,
    *,
    x_key: str | None = None,
    y_key: str | None = None,
) -> DataRun[R]:
    """Load ``data`` → ``compute(dataset)`` → ``write(dataset, result)``, as one command.

    Expected errors of any stage exit with one red line and code 2 (nothing is written
    after a failed stage); the library's warnings are shown on stderr.
    """
    with errors_as_exit():
        dataset = load_dataset(data, target, x_key, y_key)
        result = compute(dataset)
        written = {} if write is None else write(dataset, result)
    return DataRun(dataset, result, written)
