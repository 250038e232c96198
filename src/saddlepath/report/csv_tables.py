"""CSV copies of the report tables (``--csv``): every column, every coordinate listed."""

from __future__ import annotations

import csv
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from saddlepath.io import write_text_atomic
from saddlepath.report.cells import full_lists

__all__ = ["table_csv", "write_csv"]


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
