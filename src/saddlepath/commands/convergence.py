"""``saddlepath converge``: how finite-α flows converge to the exact path as α → 0.

Wiring only: data → :func:`~saddlepath.analysis.convergence.convergence_study` (with a
Rich progress bar) → table of errors and delays per α, the fitted rates, files, figures.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from saddlepath import io
from saddlepath._cli_checks import parse_scales, run_succeeded
from saddlepath._cli_common import (
    CSV,
    DATA,
    EXIT_NOT_SUCCESSFUL,
    JSON,
    OUT,
    PLOT,
    TARGET,
    X_KEY,
    Y_KEY,
    errors_as_exit,
    fail,
    run_on_data,
)
from saddlepath.commands._shared import NEEDS_OUT
from saddlepath.data import Dataset
from saddlepath.experiments.convergence import ConvergenceStudy, convergence_study
from saddlepath.report import (
    metadata,
    print_written,
    progress_bar,
    stdout_console,
    write_csv,
)

__all__ = ["CONVERGENCE_JSON", "register"]

CONVERGENCE_JSON = "convergence.json"
# what an older converge run may have left (coefs_vs_tau.png is shared with `path --plot`)
_OWNED = (CONVERGENCE_JSON, "convergence.png", "loss_vs_tau.png", "arclength.png")
_OWNED += ("trajectory_3d.png",)

_EXAMPLES = (
    "Examples:\n\n  saddlepath converge data.csv --alphas 1e-5,1e-10,1e-100,1e-1000\n\n"
    "  saddlepath converge data.csv --alphas 1e-30,1e-300,1e-3000 --out conv --plot"
)


class RichStudyProgress:
    """Adapter from a study's progress protocol (one run per scale) to a Rich progress bar."""

    def __init__(self, bar: Progress, what: str = "gradient flow", scale: str = "α") -> None:
        self.bar, self.task, self.what, self.scale = bar, None, what, scale

    def start(self, total: int) -> None:
        self.task = self.bar.add_task(f"{self.what} runs", total=total)

    def begin(self, index: int, alpha: str) -> None:
        text = f"{self.what} {index + 1} at {self.scale} = {alpha}"
        self.bar.update(self.task, description=text)

    def done(self, index: int, row: dict) -> None:
        self.bar.advance(self.task)


def _run_study(dataset: Dataset, alphas: list[str], rtol: float, keep: bool):
    with progress_bar() as bar:
        return convergence_study(
            dataset.X,
            dataset.y,
            alphas,
            rtol=rtol,
            keep_runs=keep,
            progress=RichStudyProgress(bar),
        )


def _fmt(value) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.3g}"


def _study_table(study: ConvergenceStudy, dataset: Dataset) -> Table:
    table = Table(
        title=f"Convergence of the flow to the exact path on {dataset.name}",
        caption="rel. error: sup |β̃_α(τ) − β°(τ)| on plateaus away from jumps, relative to ‖β°‖∞; "
        "delay: τ at half of each jump minus τ_k (max over jumps); λ = ln(1/α)",
    )
    for name in ("α", "λ", "rel. error", "max delay", "delay·λ", "status", "steps", "s"):
        table.add_column(name, justify="right" if name != "status" else "left")
    for row in study.rows():
        status = row["status"] + (f" (missing {row['missing']})" if row["missing"] else "")
        if row["run_status"] not in ("CONVERGED", "REACHED_TAU_MAX"):
            status += f"; run {row['run_status']}"
        table.add_row(
            row["alpha"],
            f"{row['lambda']:.4g}",
            _fmt(row["relative_error"]),
            _fmt(row["max_delay"]),
            _fmt(row["delay_times_lambda"]),
            status,
            str(row["n_steps"]),
            f"{row['seconds']:.2f}",
        )
    return table


def _fits(study: ConvergenceStudy) -> dict:
    out = {}
    for name, fit in (
        ("error_vs_lambda", study.error_rate),
        ("delay_vs_lambda", study.delay_rate),
        ("error_vs_alpha", study.error_alpha_rate),
    ):
        out[name] = {
            "kind": fit.kind,
            "slope": io._finite_or_none(fit.slope),
            "intercept": io._finite_or_none(fit.intercept),
            "rms_residual": io._finite_or_none(fit.rms_residual),
            "n_points": len(fit.values),
            "status": fit.status.name,
        }
    return out


def _fit_lines(fits: dict) -> list[str]:
    words = {
        "error_vs_lambda": "error ∝ λ^p",
        "delay_vs_lambda": "delay ∝ λ^p",
        "error_vs_alpha": "error ∝ α^c",
    }
    lines = []
    for key, fit in fits.items():
        slope = fit["slope"]
        if slope is None:
            lines.append(f"{words[key]}: not enough matched runs to fit ({fit['status']})")
            continue
        exponent = -slope if key == "error_vs_alpha" else slope
        lines.append(
            f"{words[key]}: {'c' if key == 'error_vs_alpha' else 'p'} = "
            f"{exponent:.3f} (rms residual {_fmt(fit['rms_residual'])}, "
            f"{fit['n_points']} points)"
        )
    return lines


def converge_command(
    data: Annotated[Path, DATA],
    alphas: Annotated[
        str,
        typer.Option(
            help="Comma-separated scales α in (0, 1), parsed exactly "
            "(e.g. 1e-5,1e-10,1e-100,1e-1000)."
        ),
    ] = "1e-5,1e-10,1e-100,1e-1000",
    rtol: Annotated[float, typer.Option(help="Relative tolerance of each flow.")] = 1e-8,
    target: Annotated[str | None, TARGET] = None,
    x_key: Annotated[str | None, X_KEY] = None,
    y_key: Annotated[str | None, Y_KEY] = None,
    out: Annotated[Path | None, OUT] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[bool, PLOT] = False,
    csv: Annotated[Path | None, CSV] = None,
) -> None:
    """Measure how the flow converges to the exact path as α → 0 (errors, delays, rates).

    A run that misses a jump is kept: its missing values are empty cells in the table and
    null in the JSON. Exit code 1 when a flow did not converge or reach its time limit.
    """
    if plot and out is None:
        fail(NEEDS_OUT)
    grid = parse_scales(alphas, "--alphas")
    if not grid:
        fail(f"--alphas needs at least one scale, e.g. 1e-10,1e-100; got {alphas!r}.")

    def compute(dataset: Dataset) -> ConvergenceStudy:
        return _run_study(dataset, grid, rtol, keep=plot)

    def write(dataset: Dataset, study: ConvergenceStudy) -> dict[str, Path]:
        record = {
            "rows": study.rows(),
            "fits": _fits(study),
            "metadata": metadata(dataset, str(data)),
        }

        def files(stage: Path) -> dict[str, Path]:
            written = {"json": io.write_json_atomic(stage / CONVERGENCE_JSON, record)}
            if plot:
                from saddlepath.analysis import arclength_of_path
                from saddlepath.plotting.dynamics import convergence_figures

                limit = arclength_of_path(study.path) if study.runs else None
                written.update(io.save_figures(convergence_figures(study, limit), stage))
            return written

        return io.write_folder(out, files, owned=_OWNED)

    run = run_on_data(
        data, target, compute, None if out is None else write, x_key=x_key, y_key=y_key
    )
    study, fits = run.result, _fits(run.result)
    written = dict(run.written)
    if csv is not None:
        with errors_as_exit():
            written["csv"] = write_csv(csv, lambda: _study_table(study, run.dataset))
    if as_json:
        typer.echo(io.to_json({"rows": study.rows(), "fits": fits}))
    else:
        console = stdout_console()
        console.print(_study_table(study, run.dataset))
        for line in _fit_lines(fits):
            console.print(line)
        print_written(console, written)
    failed = [a for a, s in zip(study.alphas, study.statuses, strict=True) if not run_succeeded(s)]
    if failed:
        fail(
            f"the flow at α = {', '.join(failed)} did not converge or reach its time limit; "
            "see the status column (run_status in the JSON).",
            EXIT_NOT_SUCCESSFUL,
        )


def register(app: typer.Typer) -> None:
    """Add ``converge`` to ``app``."""
    app.command("converge", epilog=_EXAMPLES)(converge_command)
