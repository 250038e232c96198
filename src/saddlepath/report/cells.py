"""Table cells shared by the report tables: coordinate lists, names, β on its support.

A cell lists at most :data:`MAX_LISTED` coordinates and then ``…+N``; inside
:func:`full_lists` (the ``--csv`` copies) it lists all of them. Names from the data are
escaped, never read as Rich markup.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.markup import escape

__all__ = [
    "MAX_LISTED",
    "beta_cell",
    "coordinate_note",
    "coordinates",
    "full_lists",
    "listing_limit",
    "name_cell",
    "number_cell",
    "type_cell",
]

MAX_LISTED = 6  # coordinates listed per table cell before "…+N"
_LISTING = {"limit": MAX_LISTED}
_TYPES = {"STRICT_SADDLE": "saddle", "GLOBAL_MINIMUM": "min"}


@contextmanager
def full_lists() -> Iterator[None]:
    """Inside the block, table cells list every coordinate (for ``--csv``), no "…+N"."""
    _LISTING["limit"] = sys.maxsize
    try:
        yield
    finally:
        _LISTING["limit"] = MAX_LISTED


def listing_limit() -> int:
    """How many coordinates a table cell lists before ``…+N``."""
    return _LISTING["limit"]


def coordinates(indices: tuple[int, ...], names: tuple[str, ...] | None) -> str:
    """``"3, 7, 9"`` (or feature names), cut to ``MAX_LISTED`` items plus ``"…+N"``."""
    limit = listing_limit()
    shown = [str(i) if names is None else names[i] for i in indices[:limit]]
    text = ", ".join(shown)
    if len(indices) > limit:
        text += f" …+{len(indices) - limit}"
    return escape(text)


def coordinate_note(names: tuple[str, ...] | None) -> str:
    """How the tables number coordinates: the data's column names, else 0-based positions."""
    if names is not None:
        return "coordinates by the data's column names"
    return "coordinates by 0-based position among the columns of X"


def name_cell(i: int | None, names: tuple[str, ...] | None) -> str:
    """Coordinate ``i`` by the data's name (or 0-based position); ``–`` for none."""
    if i is None:
        return "–"
    return escape(str(i) if names is None else names[i])


def beta_cell(beta: list[float], names: tuple[str, ...] | None) -> str:
    """``"2: 1.43, 3: −0.204"`` over the support, cut to ``MAX_LISTED`` entries; 0 at the origin."""
    support = [i for i, v in enumerate(beta) if v != 0.0]
    if not support:
        return "0"
    limit = listing_limit()
    text = ", ".join(f"{name_cell(i, names)}: {beta[i]:.3g}" for i in support[:limit])
    return text + (f" …+{len(support) - limit}" if len(support) > limit else "")


def number_cell(value: float | None, fmt: str = ".6g") -> str:
    """``value`` formatted by ``fmt``; ``–`` for a value that does not exist."""
    return "–" if value is None else format(value, fmt)


def type_cell(name: str) -> str:
    """A critical point's type in a word: ``saddle``, ``min`` (else the enum name, spaced)."""
    return _TYPES.get(name, name.lower().replace("_", " "))
