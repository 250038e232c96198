"""Display strings shared by the thesis-* comparison tables (private).

The thesis numbers coordinates from 1 (``e_3`` is column 2) and writes sparse vectors as
sums of basis vectors; these helpers write ours the same way so that the columns compare
at a glance.
"""

from __future__ import annotations

import numpy as np

__all__ = ["basis_sum", "coords", "number", "row_vector", "verdict"]


def number(value: float, digits: int = 4) -> str:
    """``value`` with ``digits`` decimals (``-0.0`` printed as ``0``)."""
    if value is None or not np.isfinite(value):
        return "—"
    text = f"{value:.{digits}f}"
    return "0" if float(text) == 0 else text


def row_vector(values, digits: int = 4) -> str:
    """``[a, b, …]`` with ``digits`` decimals."""
    return "[" + ", ".join(number(float(v), digits) for v in np.ravel(values)) + "]"


def basis_sum(beta, digits: int = 2, *, zero: float = 0.5e-2) -> str:
    """A sparse vector as the thesis writes it: ``-9.19·e3 + 3.91·e5`` (1-based); ``0``."""
    terms = [
        f"{number(float(b), digits)}·e{i + 1}"
        for i, b in enumerate(np.ravel(beta))
        if abs(b) > zero
    ]
    return " + ".join(terms).replace("+ -", "− ") if terms else "0"


def coords(indices) -> str:
    """0-based coordinates as the thesis's 1-based ``e_i`` (``e3, e5``); ``—`` for none."""
    items = [f"e{int(i) + 1}" for i in indices if i is not None and int(i) >= 0]
    return ", ".join(items) if items else "—"


def verdict(same: bool) -> str:
    """``"agrees"`` or ``"differs"``."""
    return "agrees" if same else "differs"
