"""Data files of any supported type: :func:`load_data` picks the reader from the suffix."""

from __future__ import annotations

import os

from saddlepath.data._csv import load_csv
from saddlepath.data._dataset import DataFileError, Dataset
from saddlepath.data._file_checks import check_path
from saddlepath.data._npy import load_npy, load_npz

__all__ = ["TEXT_DELIMITERS", "load_data"]

TEXT_DELIMITERS = {".csv": ",", ".tsv": "\t", ".txt": None}


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
    p = check_path(path)
    suffix = p.suffix.lower()
    if suffix in TEXT_DELIMITERS:
        col = -1 if target is None else target
        return load_csv(p, target=col, delimiter=TEXT_DELIMITERS[suffix])
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
