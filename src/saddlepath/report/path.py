"""The exact saddle path for people: one row per saddle, and its status in words."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from saddlepath.data import Dataset
from saddlepath.diagonal import PathStatus, SaddlePath
from saddlepath.report.cells import coordinate_note, coordinates

__all__ = ["path_table", "status_line"]


def path_table(path: SaddlePath, dataset: Dataset) -> Table:
    """A Rich table with one row per saddle: k, τ_k, entering, leaving, loss, ‖β_k‖₁.

    τ_k is in accelerated time τ = t/ln(1/α); the loss is L(β_k) = ‖Xβ_k − y‖²/(2n).
    """
    table = Table(
        title=f"Saddle path of {escape(dataset.name)} "
        f"({dataset.n_samples} samples × {dataset.n_features} features)",
        caption="τ: accelerated time t/ln(1/α); L(β) = ‖Xβ − y‖²/(2n); "
        + coordinate_note(dataset.feature_names),
    )
    table.add_column("k", justify="right")
    table.add_column("τ_k", justify="right")
    table.add_column("entering", overflow="fold")
    table.add_column("leaving", overflow="fold")
    table.add_column("loss L(β_k)", justify="right")
    table.add_column("‖β_k‖₁", justify="right")
    names = dataset.feature_names
    for row in path.summary_rows():
        table.add_row(
            str(row["k"]),
            f"{row['tau']:.6g}",
            coordinates(tuple(row["entered"]), names) or "–",
            coordinates(tuple(row["left"]), names) or "–",
            f"{row['loss']:.4e}",
            f"{row['l1_norm']:.6g}",
        )
    return table


def status_line(path: SaddlePath) -> str:
    """Status of the path in words, coloured green for a normal end, else yellow."""
    ok = path.status in (PathStatus.MIN_L1_INTERPOLATOR, PathStatus.LEAST_SQUARES)
    colour = "green" if ok else "yellow"
    return (
        f"[{colour}]status:[/] {escape(path.status.value)} ({path.status.name}); "
        f"{path.n_jumps} jumps, {path.stats['n_passes']} passes over X"
    )
