"""Catalogs of critical points for people (``saddlepath saddles``).

Rendering only: the points and counts come from
:class:`~saddlepath.landscape.SaddleCatalog` (:func:`~saddlepath.report.json.catalog_rows`,
``stats``); losses are
L(β) = ‖Xβ − y‖²/(2n) and the Morse index counts the negative eigenvalues of ∇²F(u, v).
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from saddlepath.data import Dataset
from saddlepath.report.cells import beta_cell, coordinate_note, type_cell
from saddlepath.report.json import catalog_rows

__all__ = ["catalog_table", "counts_line"]


def catalog_table(catalog: Any, dataset: Dataset, *, show_all: bool) -> Table:
    """The critical points the exact path visits in path order, or all of them by loss."""
    rows = catalog_rows(catalog)
    if not show_all:
        rows = sorted((r for r in rows if r["visited"]), key=lambda r: r["path_position"])
    which = "All critical points" if show_all else "Critical points visited by the exact path"
    table = Table(
        title=f"{which} of {escape(dataset.name)} ({len(rows)} of {len(catalog)})",
        caption="k: position on the exact path; index: Morse index, the number of negative "
        "eigenvalues of the Hessian ∇²F(u, v); " + coordinate_note(dataset.feature_names),
    )
    for header in ("k", "|S|", "β (support: value)", "loss L(β)", "index", "type"):
        table.add_column(header, justify="left" if header.startswith(("β", "type")) else "right")
    for row in rows:
        k = row["path_position"]
        table.add_row(
            str(k) if k >= 0 else "–",
            str(len(row["support"])),
            beta_cell(row["beta"], dataset.feature_names),
            f"{row['loss']:.4e}",
            str(row["morse_index"]),
            type_cell(row["type"]),
        )
    return table


def counts_line(catalog: Any) -> str:
    """Critical points, supports examined, dependent supports, unmatched path saddles."""
    unmatched = catalog.unmatched_path_saddles
    missing = (
        "none"
        if not unmatched
        else f"k = {', '.join(map(str, unmatched))} (support above --max-support or not isolated)"
    )
    return (
        f"{len(catalog)} critical points; {catalog.stats['n_examined']:,} supports examined "
        f"(|S| ≤ {catalog.max_support}), {catalog.stats['n_dependent']:,} linearly dependent; "
        f"path saddles not in the catalog: {missing}"
    )
