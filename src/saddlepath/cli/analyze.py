"""``saddlepath analyze``: every jump of the exact path explained, against a finite-α run.

Wiring only: data → exact path and a flow or GD run → :func:`~saddlepath.analysis.explain_jumps`
→ tables (:mod:`saddlepath.report.analysis`) or JSON summary (:mod:`saddlepath.report.json`);
with ``--out``, the records ``path``, ``trajectory``, ``jump_K`` (saddle K's explanation)
and ``data`` (:func:`saddlepath.load` reads each back) and the landscape figure
(:mod:`saddlepath.plotting`, imported only with ``--plot``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from saddlepath.analysis import JumpExplanation, explain_jumps, plateau_resolution
from saddlepath.cli._checks import check_scale, positive, run_exit_code
from saddlepath.cli._data import DataRun, run_on_data
from saddlepath.cli._exit import EXIT_CHECK_FAILED, cli_words, fail
from saddlepath.cli._options import CSV, DATA, JSON, OUT, TARGET, X_KEY, Y_KEY
from saddlepath.cli._output_options import check_plot_out, with_csv
from saddlepath.cli._outputs import DATA_STEM, LANDSCAPE, landscape_figure, write_records
from saddlepath.cli._progress import COMPUTING_PATH, run_with_progress
from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath, Trajectory, gradient_descent, gradient_flow, saddle_path
from saddlepath.diagonal.model import resolve_log_alpha
from saddlepath.landscape import MAX_FEATURES, enumerate_saddles
from saddlepath.report import (
    print_note,
    print_written,
    progress,
    stdout_console,
    trajectory_status_line,
)
from saddlepath.report.analysis import jump_table, print_analysis
from saddlepath.report.json import analysis_summary, jump_rows, metadata, to_json

__all__ = ["EXAMPLES", "analyze_command"]

EXAMPLES = (
    "Examples:\n\n  saddlepath analyze data.csv --alpha 1e-30 --out analysis --plot\n\n"
    "  saddlepath analyze data.csv --gd --step-size 0.1 --alpha 1e-100\n\n"
    "  saddlepath analyze data.npz --json > analysis.json"
)

_GD = typer.Option("--gd", help="Run gradient descent (needs --step-size) instead of the flow.")
_ALPHA = typer.Option(
    help="Initialisation scale α in (0, 1), parsed exactly (1e-1000 works). "
    "Default: 1e-30 for the flow, 1e-100 for --gd.",
    show_default=False,
)
_GD_STEP = typer.Option(metavar="η", help="GD step size η > 0 (only with --gd).")
_MARGIN = typer.Option(
    metavar="M",
    help="Plateaus by the thesis's rule (only with --gd): a plateau starts at the first GD "
    "iteration with max|∇F(u, v)| ≤ M after being above it, checked at every step.",
)
_PLOT = typer.Option(
    "--plot", help=f"Also write {LANDSCAPE} into --out (at most {MAX_FEATURES} features)."
)


@dataclass(frozen=True)
class _Analysis:
    path: SaddlePath
    trajectory: Trajectory
    explanations: list[JumpExplanation]
    rows: list[dict]
    resolution: np.ndarray


def _analyze(
    dataset: Dataset, *, alpha: str, step_size: float | None, margin: float | None = None
) -> _Analysis:
    X, y = dataset.X, dataset.y
    with progress(COMPUTING_PATH):
        path = saddle_path(X, y)
    if step_size is not None:
        what = f"Running gradient descent at α = {alpha}, η = {step_size:g}"
        traj = run_with_progress(
            gradient_descent, dataset, what, path, step_size=step_size, alpha=alpha, margin=margin
        )
    else:
        what = f"Integrating the gradient flow at α = {alpha}"
        traj = run_with_progress(gradient_flow, dataset, what, path, alpha=alpha)
    observed = traj if traj.status.success else None  # a diverged run has nothing to match
    with progress("Explaining the jumps (Hessian spectrum at every saddle)…"):
        explanations = explain_jumps(X, y, path, observed, step_size=step_size)
    rows, resolution = jump_rows(explanations), plateau_resolution(path, alpha=alpha)
    return _Analysis(path, traj, explanations, rows, resolution)


def _checked_alpha(
    alpha: str | None, gd: bool, step_size: float | None, margin: float | None
) -> str:
    """Check the flags against each other (exit 2); the scale α as given, or its default."""
    if gd and step_size is None:
        fail("--gd needs --step-size η (a positive float), e.g. --gd --step-size 0.1.")
    if step_size is not None and not gd:
        fail("--step-size is the step of gradient descent; add --gd to run it.")
    positive(step_size, "--step-size")
    if margin is not None and not (gd and margin > 0):
        fail(f"--margin needs --gd and a value > 0 (the GD loop checks it); got {margin!r}.")
    alpha = check_scale(alpha, "--alpha") if alpha is not None else ("1e-100" if gd else "1e-30")
    try:  # before any work: the saddle analysis needs α < 1, for GD too
        resolve_log_alpha(alpha, None, where="saddlepath analyze", require_small=True)
    except ValueError as exc:
        fail(cli_words(str(exc)))
    return alpha


_SUMMARY = "analysis.json"  # the summary file older versions wrote: the records replace it


def _older_jumps(out: Path) -> tuple[str, ...]:
    """The jump records of an older run in ``out`` (removed when this run has fewer jumps)."""
    if not out.is_dir():
        return ()
    return tuple(p.name for p in out.iterdir() if re.fullmatch(r"jump_\d+\.(json|npz)", p.name))


def _write(out: Path, plot: bool):
    """The writer of ``--out``: the records path, trajectory, jump_K per saddle K and data,
    and, with ``--plot``, the landscape figure."""

    def write(dataset: Dataset, result: _Analysis) -> dict[str, Path]:
        figures = {}
        if plot and dataset.n_features <= MAX_FEATURES:
            with progress("Enumerating the critical points…"):
                catalog = enumerate_saddles(dataset.X, dataset.y, path=result.path)
            figures[LANDSCAPE] = lambda: landscape_figure(catalog)
        results = {"path": result.path, "trajectory": result.trajectory}
        results.update({f"jump_{e.saddle_index}": e for e in result.explanations})
        results[DATA_STEM] = dataset
        return write_records(out, results, figures, owned=(LANDSCAPE, _SUMMARY, *_older_jumps(out)))

    return write


def _show(
    run: DataRun,
    source: str,
    *,
    alpha: str,
    step_size: float | None,
    as_json: bool,
    csv: Path | None,
) -> None:
    """The jumps as JSON on stdout, or as tables with the run's status and files written."""
    traj, result = run.result.trajectory, run.result
    written = with_csv(
        run.written,
        csv,
        lambda: jump_table(result.rows, run.dataset, method=traj.method, alpha=alpha),
    )
    if as_json:
        summary = analysis_summary(
            traj, result.rows, result.resolution, alpha=alpha, step_size=step_size,
            metadata=metadata(run.dataset, source),
        )  # fmt: skip
        typer.echo(to_json(summary))
        return
    console = stdout_console()
    print_analysis(console, result, run.dataset, alpha=alpha)
    console.print(trajectory_status_line(traj))
    print_written(console, written)


def analyze_command(
    data: Annotated[Path, DATA],
    alpha: Annotated[str | None, _ALPHA] = None,
    gd: Annotated[bool, _GD] = False,
    step_size: Annotated[float | None, _GD_STEP] = None,
    margin: Annotated[float | None, _MARGIN] = None,
    target: Annotated[str | None, TARGET] = None,
    x_key: Annotated[str | None, X_KEY] = None,
    y_key: Annotated[str | None, Y_KEY] = None,
    out: Annotated[Path | None, OUT] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[bool, _PLOT] = False,
    csv: Annotated[Path | None, CSV] = None,
) -> None:
    """Explain every jump of the exact path and compare with a finite-α run.

    One row per saddle: type, Morse index, τ_k and when the run reaches it (and the GD
    iteration), the top unstable eigenvalues, the coordinate predicted by the top
    eigenvector and by the dual rule, the coordinates that actually enter, and the angle
    between the top eigenvector and the jump.
    """
    check_plot_out(plot, out)
    alpha = _checked_alpha(alpha, gd, step_size, margin)

    run = run_on_data(
        data,
        target,
        lambda ds: _analyze(ds, alpha=alpha, step_size=step_size, margin=margin),
        None if out is None else _write(out, plot),
        x_key=x_key,
        y_key=y_key,
    )
    if plot and run.dataset.n_features > MAX_FEATURES:
        print_note(
            f"{LANDSCAPE} not drawn: it enumerates all 2^d supports and d = "
            f"{run.dataset.n_features} > {MAX_FEATURES}; use `saddlepath saddles "
            "--max-support K --plot` instead."
        )
    _show(run, str(data), alpha=alpha, step_size=step_size, as_json=as_json, csv=csv)
    traj = run.result.trajectory
    if run_exit_code(traj):
        fail(f"the run did not succeed ({traj.status.name}): {traj.message}", EXIT_CHECK_FAILED)
