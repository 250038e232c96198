"""Delimited text files (.csv, .tsv, .txt): :func:`load_csv` and its parsing."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from saddlepath.data._dataset import DataFileError, Dataset
from saddlepath.data._file_checks import check_path, target_index

__all__ = ["load_csv"]


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
    p = check_path(path)
    if header is not None and not isinstance(header, bool):
        raise TypeError(f"`header` must be True, False or None (detect); got {header!r}.")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ValueError(
            f"`delimiter` must be a single character or None (guess); got {delimiter!r}."
        )
    rows = _read_rows(p, delimiter)
    n_cols = _check_rectangular(rows, p)
    names, rows = _split_header(rows, header, p)
    col = target_index(target, names, n_cols, p)
    data = _parse_cells(rows, names, p)
    feature_names = None if names is None else tuple(names[:col] + names[col + 1 :])
    return Dataset(
        np.delete(data, col, axis=1), data[:, col], name=p.stem, feature_names=feature_names
    )


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
