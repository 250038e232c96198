"""Reports for people (saddle paths, finite-α runs): tables, status lines, progress, figures.

Used by :mod:`saddlepath.cli` and :mod:`saddlepath.demo`. Nothing here computes a path:
it renders one that has been computed (figures go through :mod:`saddlepath.plotting`,
which is imported only when figures are wanted, and files through :mod:`saddlepath.io`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from saddlepath import io
from saddlepath._table_output import (  # re-exported: the commands import them from here
    MAX_LISTED,
    listing_limit,
    progress,
    progress_bar,
    table_csv,
    write_csv,
)
from saddlepath.data import Dataset
from saddlepath.diagonal import PathStatus, SaddlePath

__all__ = [
    "COMPUTING_PATH",
    "FIGURES",
    "MAX_LISTED",
    "PIPE_WIDTH",
    "certify",
    "coordinate_note",
    "describe_error",
    "metadata",
    "path_table",
    "plateau_table",
    "print_check",
    "print_error",
    "print_warning",
    "print_written",
    "progress",
    "progress_bar",
    "render_text",
    "status_line",
    "stderr_console",
    "stdout_console",
    "table_csv",
    "trajectory_status_line",
    "write_csv",
    "write_figures",
]

PIPE_WIDTH = 200  # table width when stdout is not a terminal
FIGURES = ("loss.png", "coefs_vs_tau.png", "coefs_vs_saddle.png")
COMPUTING_PATH = "Computing the exact saddle path…"


# ------------------------------------------------------------------------ consoles


def stdout_console() -> Console:
    """The console for results: stdout, no highlighting, long lines not wrapped.

    Not on a terminal (a pipe, a file, a CI log) and without ``COLUMNS`` set, tables are
    laid out :data:`PIPE_WIDTH` characters wide, so wide tables keep readable cells.
    """
    width = None
    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        width = PIPE_WIDTH
    return Console(highlight=False, soft_wrap=True, width=width)


def stderr_console() -> Console:
    """The console for errors, warnings and progress: stderr."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_error(message: str) -> None:
    """One red line on stderr (no markup interpretation of the message)."""
    stderr_console().print(f"[bold red]error:[/] {escape(' '.join(message.split()))}")


def print_warning(message: str) -> None:
    """One yellow ``warning:`` line on stderr (no markup interpretation of the message)."""
    stderr_console().print(f"[yellow]warning:[/] {escape(message)}")


def describe_error(exc: BaseException) -> str:
    """The message of an expected error; for an ``OSError``, its reason and file name."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename:
        return f"{exc.strerror}: '{exc.filename}'"
    return str(exc) or type(exc).__name__


# --------------------------------------------------------------------------- tables


def _coordinates(indices: tuple[int, ...], names: tuple[str, ...] | None) -> str:
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


def path_table(path: SaddlePath, dataset: Dataset) -> Table:
    """A Rich table with one row per saddle: k, τ_k, entering, leaving, loss, ‖β_k‖₁."""
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
            _coordinates(tuple(row["entered"]), names) or "–",
            _coordinates(tuple(row["left"]), names) or "–",
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


def render_text(*renderables: Any, width: int = 100) -> str:
    """Plain text (no colour) of Rich renderables as printed ``width`` columns wide."""
    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    for item in renderables:
        console.print(item)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


# ---------------------------------------------------------------------- certificate


def certify(path: SaddlePath) -> Any:
    """Run :meth:`SaddlePath.check` behind a spinner; returns its report."""
    with progress("Certifying the path (KKT, duals, endpoint vs an independent solver)…"):
        return path.check()


def print_check(console: Console, report: Any) -> None:
    """The certificate report, its first line green (passed) or red (failed)."""
    first, *rest = str(report).splitlines() or [""]
    colour = "green" if report.passed else "red"
    console.print(f"[{colour}]{escape(first)}[/]")
    for line in rest:
        console.print(escape(line))


# ---------------------------------------------------------------------------- files


def metadata(dataset: Dataset, source: str) -> dict[str, Any]:
    """The ``data`` block stored with a path: name, source, shape and feature names."""
    names = None if dataset.feature_names is None else list(dataset.feature_names)
    return {
        "data": {
            "name": dataset.name,
            "source": source,
            "n_samples": dataset.n_samples,
            "n_features": dataset.n_features,
            "feature_names": names,
        }
    }


def write_figures(
    path: SaddlePath, out_dir: Path, feature_names: tuple[str, ...] | None = None
) -> dict[str, Path]:
    """Write the three figures of the path into ``out_dir`` atomically."""
    from saddlepath import plotting  # matplotlib is imported only when figures are wanted

    makers: dict[str, Callable[[], Any]] = {
        FIGURES[0]: lambda: plotting.plot_loss_staircase(path),
        FIGURES[1]: lambda: plotting.plot_coefficients_vs_time(path, feature_names=feature_names),
        FIGURES[2]: lambda: plotting.plot_coefficients_vs_saddle(path, feature_names=feature_names),
    }
    directory = io.prepare_output_dir(out_dir)
    with progress("Drawing the figures…"):
        return {
            name: io.save_figure_atomic(make(), directory / name) for name, make in makers.items()
        }


def print_written(console: Console, written: dict[str, Path]) -> None:
    """``wrote a, b to DIR`` for the files a command wrote (nothing when there are none)."""
    if written:
        folder = next(iter(written.values())).parent
        names = ", ".join(p.name for p in written.values())
        console.print(f"wrote {escape(names)} to {escape(str(folder))}")


# ----------------------------------------------------------------- finite-α trajectories


def plateau_table(traj: Any, dataset: Dataset, path: SaddlePath | None = None) -> Table:
    """A Rich table with one row per plateau of a trajectory.

    Columns: plateau, τ entered and left, loss there, the coordinates that are non-zero
    (|β_i| above 10⁻⁶ of the largest), and — when the exact path is given — the
    sup-distance to the limit saddle β°(τ) at the plateau's representative point.
    """
    kind = {"flow": "gradient flow", "gd": "gradient descent", "sgd": "SGD"}.get(
        traj.method, traj.method
    )
    table = Table(
        title=f"Plateaus of {kind} on {escape(dataset.name)} (ln(1/α) = {-traj.log_alpha:.6g})",
        caption="τ = t/ln(1/α); ‖β − β°‖∞: distance to the exact α → 0 saddle; "
        + coordinate_note(dataset.feature_names),
    )
    for name in ("plateau", "τ enter", "τ leave", "loss", "non-zero coordinates"):
        table.add_column(name, justify="right" if name != "non-zero coordinates" else "left")
    if path is not None:
        table.add_column("‖β − β°‖∞", justify="right")
    from saddlepath.analysis.plateaus import find_plateaus  # the one plateau detector

    plateaus = find_plateaus(traj)
    for k, (a, b, beta) in enumerate(
        zip(plateaus.tau_start, plateaus.tau_end, plateaus.beta, strict=True)
    ):
        big = np.abs(beta) > 1e-6 * max(float(np.abs(beta).max()), np.finfo(float).tiny)
        loss = float(np.sum((dataset.X @ beta - dataset.y) ** 2) / (2 * dataset.n_samples))
        row = [
            str(k),
            f"{a:.6g}",
            "end" if not np.isfinite(b) else f"{b:.6g}",
            f"{loss:.4e}",
            _coordinates(tuple(np.flatnonzero(big)), dataset.feature_names) or "–",
        ]
        if path is not None:
            mid = a if not np.isfinite(b) else 0.5 * (a + b)
            row.append(f"{float(np.abs(beta - path.at(mid)).max()):.2e}")
        table.add_row(*row)
    return table


def trajectory_status_line(traj: Any) -> str:
    """Status of a finite-α run in words, green when it succeeded."""
    colour = "green" if traj.status.success else "red"
    return (
        f"[{colour}]status:[/] {escape(traj.status.value)} ({traj.status.name}); "
        f"{escape(traj.message)}; {traj.tau.size} saved points, "
        f"{traj.stats['n_grad_evals']} gradient evaluations"
    )
