"""Exact conversion of the rational oracle's input: every entry to a Fraction.

Floats convert exactly (``0.7`` is the double nearest 7/10, not 7/10); decimal strings
and :class:`decimal.Decimal` give the decimal value exactly. The messages name the entry
and say how to fix it.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np

from saddlepath.testing._exact_algebra import Matrix, Vector

__all__ = ["parse_matrix", "parse_targets"]


def _to_fraction(value: object, *, name: str, where: str) -> Fraction:
    """Convert one entry exactly: int, Fraction, decimal string, Decimal or finite float."""
    if isinstance(value, str):
        try:
            return Fraction(value)
        except ValueError:
            raise ValueError(
                f"`{name}` entry {where} is the string {value!r}, which is not an exact "
                "number; write it like '0.7', '7/10' or '1e-3'."
            ) from None
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal | numbers.Real):
        if not (value.is_finite() if isinstance(value, Decimal) else np.isfinite(float(value))):
            raise ValueError(
                f"`{name}` entry {where} is {value!r}; every entry must be finite. Remove or "
                "impute NaN/inf values before calling."
            )
        return Fraction(value) if isinstance(value, Decimal) else Fraction(float(value))
    raise TypeError(
        f"`{name}` entry {where} has type {type(value).__name__}; entries must be int, "
        "Fraction, float, Decimal or a decimal string such as '0.7'."
    )


def _as_list(value: object, *, name: str, ndim: int) -> list:
    """Return ``value`` as a Python list, checking the dimension of NumPy arrays."""
    if isinstance(value, np.ndarray):
        if value.ndim != ndim:
            raise ValueError(
                f"`{name}` must be {ndim}-D; got an array of shape {value.shape}. "
                + (
                    "Use np.ravel(y) for a column vector."
                    if ndim == 1
                    else "Pass a list of rows or an array of shape (n_samples, n_features)."
                )
            )
        return value.tolist()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(
            f"`{name}` must be a sequence or a NumPy array; got {type(value).__name__}."
        )
    return list(value)


def _is_row(value: object) -> bool:
    return isinstance(value, Sequence | np.ndarray) and not isinstance(value, str | bytes)


def parse_matrix(X: object) -> Matrix:
    """Convert ``X`` (rows) to a rectangular tuple of Fraction rows."""
    rows = _as_list(X, name="X", ndim=2)
    if not rows:
        raise ValueError("`X` is empty (no rows); it needs at least one sample and one feature.")
    parsed = []
    for r, row in enumerate(rows):
        if not _is_row(row):
            raise ValueError(
                f"`X` must be 2-D (a sequence of rows); row {r} is {row!r}. For a single "
                "sample pass [[x1, x2, ...]]."
            )
        parsed.append(
            tuple(_to_fraction(v, name="X", where=f"[{r}][{c}]") for c, v in enumerate(row))
        )
    if not parsed[0]:
        raise ValueError("`X` has rows of length 0; it needs at least one feature.")
    for r, row in enumerate(parsed):
        if len(row) != len(parsed[0]):
            raise ValueError(
                f"`X` is ragged: row 0 has {len(parsed[0])} entries but row {r} has "
                f"{len(row)}; every row must have n_features entries."
            )
    return tuple(parsed)


def parse_targets(y: object, n_samples: int) -> Vector:
    """Convert ``y`` to a tuple of Fractions of length ``n_samples``."""
    entries = _as_list(y, name="y", ndim=1)
    for i, v in enumerate(entries):
        if _is_row(v):
            raise ValueError(
                f"`y` must be 1-D; entry {i} is a sequence ({v!r}). Use np.ravel(y) for a "
                "column vector."
            )
    if len(entries) != n_samples:
        raise ValueError(
            f"`X` has {n_samples} rows but `y` has {len(entries)} entries; they must have "
            "the same number of samples."
        )
    return tuple(_to_fraction(v, name="y", where=f"[{i}]") for i, v in enumerate(entries))
