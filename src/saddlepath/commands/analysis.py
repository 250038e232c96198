"""``saddlepath analyze`` and ``saddles``: the saddle analysis on a data set.

Wiring only: data → exact path / finite-α run → :mod:`saddlepath.analysis`
(:func:`~saddlepath.analysis.explain_jumps`, :func:`~saddlepath.analysis.enumerate_saddles`)
→ tables (:mod:`._analysis_tables`), JSON files and figures (:mod:`saddlepath.analysis.plots`,
imported only with ``--plot``). ``init-scale`` lives in :mod:`.init_scale`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from saddlepath import io
from saddlepath._cli_checks import check_scale, positive, run_exit_code
from saddlepath._cli_common import (
    CSV,
    DATA,
    EXIT_CHECK_FAILED,
    JSON,
    OUT,
    TARGET,
    X_KEY,
    Y_KEY,
    cli_words,
    errors_as_exit,
    fail,
    run_on_data,
)
from saddlepath.analysis import (
    SaddleCatalog,
    enumerate_saddles,
    explain_jumps,
    jump_rows,
    plateau_resolution,
)
from saddlepath.analysis.enumeration import MAX_FEATURES
from saddlepath.commands import _analysis_tables as tables
from saddlepath.commands._shared import NEEDS_OUT, note, run_with_progress, write_outputs
from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath, Trajectory, gradient_descent, gradient_flow, saddle_path
from saddlepath.diagonal.model import resolve_log_alpha
from saddlepath.report import (
    COMPUTING_PATH,
    metadata,
    print_written,
    progress,
    stdout_console,
    trajectory_status_line,
    write_csv,
)

__all__ = ["register"]

LANDSCAPE = "saddle_landscape.png"
_ANALYZE_EXAMPLES = (
    "Examples:\n\n  saddlepath analyze data.csv --alpha 1e-30 --out analysis --plot\n\n"
    "  saddlepath analyze data.csv --gd --step-size 0.1 --alpha 1e-100\n\n"
    "  saddlepath analyze data.npz --json > analysis.json"
)
_SADDLES_EXAMPLES = (
    "Examples:\n\n  saddlepath saddles data.csv --out saddles --plot\n\n"
    "  saddlepath saddles data.csv --all\n\n"
    "  saddlepath saddles wide.csv --max-support 3 --json"
)


def _landscape(catalog: SaddleCatalog) -> Any:
    from saddlepath import plotting as plots  # matplotlib is imported only with --plot

    return plots.plot_saddle_landscape(catalog)


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
_MAX_SUPPORT = typer.Option(
    "--max-support",
    min=0,
    metavar="K",
    help=f"Examine supports of at most K coordinates. Default: all 2^d of them, allowed for "
    f"at most {MAX_FEATURES} features.",
    show_default=False,
)
_ALL = typer.Option(
    "--all",
    help="List every critical point (by decreasing loss), not only those the exact path visits.",
)


# ---------------------------------------------------------------------------- analyze


@dataclass(frozen=True)
class _Analysis:
    path: SaddlePath
    trajectory: Trajectory
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
    return _Analysis(path, traj, jump_rows(explanations), plateau_resolution(path, alpha=alpha))


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
    plot: Annotated[
        bool,
        typer.Option(
            "--plot", help=f"Also write {LANDSCAPE} into --out (at most {MAX_FEATURES} features)."
        ),
    ] = False,
    csv: Annotated[Path | None, CSV] = None,
) -> None:
    """Explain every jump of the exact path and compare with a finite-α run.

    One row per saddle: type, Morse index, τ_k and when the run reaches it (and the GD
    iteration), the top unstable eigenvalues, the coordinate predicted by the top
    eigenvector and by the dual rule, the coordinates that actually enter, and the angle
    between the top eigenvector and the jump.
    """
    if plot and out is None:
        fail(NEEDS_OUT)
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

    def record(dataset: Dataset, result: _Analysis) -> dict:
        return tables.analysis_record(
            result, alpha=alpha, step_size=step_size, metadata=metadata(dataset, str(data))
        )

    def write(dataset: Dataset, result: _Analysis) -> dict[str, Path]:
        figures = {}
        if plot and dataset.n_features <= MAX_FEATURES:
            with progress("Enumerating the critical points…"):
                catalog = enumerate_saddles(dataset.X, dataset.y, path=result.path)
            figures[LANDSCAPE] = lambda: _landscape(catalog)
        return write_outputs(
            out, "analysis.json", record(dataset, result), figures, owned_figures=(LANDSCAPE,)
        )

    run = run_on_data(
        data,
        target,
        lambda ds: _analyze(ds, alpha=alpha, step_size=step_size, margin=margin),
        None if out is None else write,
        x_key=x_key,
        y_key=y_key,
    )
    if plot and run.dataset.n_features > MAX_FEATURES:
        note(
            f"{LANDSCAPE} not drawn: it enumerates all 2^d supports and d = "
            f"{run.dataset.n_features} > {MAX_FEATURES}; use `saddlepath saddles "
            "--max-support K --plot` instead."
        )
    traj, result = run.result.trajectory, run.result
    written = dict(run.written)
    if csv is not None:
        with errors_as_exit():
            written["csv"] = write_csv(
                csv,
                lambda: tables.jump_table(
                    result.rows, run.dataset, method=traj.method, alpha=alpha
                ),
            )
    if as_json:
        typer.echo(io.to_json(record(run.dataset, run.result)))
    else:
        console = stdout_console()
        tables.print_analysis(console, run.result, run.dataset, alpha=alpha)
        console.print(trajectory_status_line(traj))
        print_written(console, written)
    if run_exit_code(traj):
        fail(f"the run did not succeed ({traj.status.name}): {traj.message}", EXIT_CHECK_FAILED)


# ---------------------------------------------------------------------------- saddles


def _check_enumerable(d: int, max_support: int | None) -> None:
    """Refuse 2^d supports for d > MAX_FEATURES in the CLI's own words (--max-support)."""
    if max_support is None and d > MAX_FEATURES:
        raise ValueError(
            f"saddles examines every support by default: 2^{d} = {2**d:,} for {d} features "
            f"(at most {MAX_FEATURES} allowed); pass --max-support K, e.g. --max-support 3 "
            f"({sum(math.comb(d, j) for j in range(4)):,} supports)."
        )


def saddles_command(
    data: Annotated[Path, DATA],
    max_support: Annotated[int | None, _MAX_SUPPORT] = None,
    show_all: Annotated[bool, _ALL] = False,
    target: Annotated[str | None, TARGET] = None,
    x_key: Annotated[str | None, X_KEY] = None,
    y_key: Annotated[str | None, Y_KEY] = None,
    out: Annotated[Path | None, OUT] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[
        bool, typer.Option("--plot", help=f"Also write {LANDSCAPE} into --out.")
    ] = False,
    csv: Annotated[Path | None, CSV] = None,
) -> None:
    """Enumerate every critical point (saddle or minimum) and mark those the path visits.

    The critical points are the least-squares fits on linearly independent supports with no
    zero entry (Pesme & Flammarion 2023, Prop. 1), each with its loss and Morse index.
    """
    if plot and out is None:
        fail(NEEDS_OUT)

    def compute(dataset: Dataset) -> SaddleCatalog:
        _check_enumerable(dataset.n_features, max_support)
        with progress(COMPUTING_PATH):
            path = saddle_path(dataset.X, dataset.y)
        with progress("Enumerating the critical points…"):
            return enumerate_saddles(dataset.X, dataset.y, max_support, path=path)

    def record(dataset: Dataset, catalog: SaddleCatalog) -> dict:
        return tables.saddles_record(catalog, metadata=metadata(dataset, str(data)))

    def write(dataset: Dataset, catalog: SaddleCatalog) -> dict[str, Path]:
        figures = {LANDSCAPE: lambda: _landscape(catalog)} if plot else {}
        return write_outputs(
            out, "saddles.json", record(dataset, catalog), figures, owned_figures=(LANDSCAPE,)
        )

    run = run_on_data(
        data, target, compute, None if out is None else write, x_key=x_key, y_key=y_key
    )
    written = dict(run.written)
    if csv is not None:
        with errors_as_exit():
            written["csv"] = write_csv(
                csv, lambda: tables.catalog_table(run.result, run.dataset, show_all=show_all)
            )
    if as_json:
        typer.echo(io.to_json(record(run.dataset, run.result)))
        return
    console = stdout_console()
    console.print(tables.counts_line(run.result))
    console.print(tables.catalog_table(run.result, run.dataset, show_all=show_all))
    print_written(console, written)


def register(app: typer.Typer) -> None:
    """Add the ``analyze`` and ``saddles`` commands to ``app``."""
    app.command("analyze", epilog=_ANALYZE_EXAMPLES)(analyze_command)
    app.command("saddles", epilog=_SADDLES_EXAMPLES)(saddles_command)
