"""Progress displays on stderr and CSV copies of the report tables (``--csv``).

Rendering only, used by :mod:`saddlepath.report` and the commands.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from saddlepath.io import write_text_atomic

__all__ = [
    "MAX_LISTED",
    "full_lists",
    "listing_limit",
    "progress",
    "progress_bar",
    "table_csv",
    "write_csv",
]

MAX_LISTED = 6  # coordinates listed per table cell before "…+N"
_LISTING = {"limit": MAX_LISTED}


def progress_bar(*, total: bool = True) -> Progress:
    """A Rich progress display on stderr: what runs, a bar, done/total, elapsed, ETA.

    Without a total (``total=False``) it shows a spinner, what runs and the elapsed time.
    It disappears when done, so stdout and the final table stay clean, and it is not
    shown at all when stderr is not a terminal.
    """
    columns: list = [SpinnerColumn(), TextColumn("{task.description}")]
    if total:
        columns += [BarColumn(), TextColumn("{task.completed:g}/{task.total:g}")]
    columns += [TextColumn("elapsed"), TimeElapsedColumn()]
    if total:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    console = Console(
        stderr=True, highlight=False, soft_wrap=True
    )  # not a terminal (a log file, a pipe): no display at all
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


@contextmanager
def progress(message: str) -> Iterator[None]:
    """Show a spinner, ``message`` and the elapsed time on stderr while the block runs."""
    with progress_bar(total=False) as bar:
        bar.add_task(message, total=None)
        yield


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


def table_csv(table: Table) -> str:
    """The cells of a Rich table as CSV text (markup removed), its headers first."""
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([Text.from_markup(str(c.header)).plain for c in table.columns])
    cells = [[_csv_cell(cell) for cell in c.cells] for c in table.columns]
    writer.writerows(zip(*cells, strict=True))
    return buffer.getvalue()


def _csv_cell(cell: Any) -> str:
    """A cell's plain text; the table's "–" (no value) becomes an empty cell."""
    text = Text.from_markup(str(cell)).plain
    return "" if text == "–" else text


def write_csv(path: Path, make_table: Callable[[], Table]) -> Path:
    """Write the table ``make_table()`` builds, with every coordinate listed, as CSV."""
    with full_lists():
        table = make_table()
    return write_text_atomic(path, table_csv(table))
