"""``saddlepath path``: the exact saddle-to-saddle path of a data set.

Wiring only: data → :func:`~saddlepath.saddle_path` (and its certificate with
``--check``) → table (:mod:`saddlepath.report.path`) or JSON summary
(:mod:`saddlepath.report.json`); with ``--out``, the records ``path``, ``check`` and
``data`` (:func:`saddlepath.load` reads each back) and the figures.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from saddlepath.cli._data import run_on_data
from saddlepath.cli._exit import EXIT_CHECK_FAILED, fail
from saddlepath.cli._options import CSV, DATA, JSON, OUT, PLOT, TARGET, X_KEY, Y_KEY
from saddlepath.cli._output_options import check_plot_out, with_csv
from saddlepath.cli._outputs import DATA_STEM, FIGURES, path_figures, write_records
from saddlepath.cli._progress import COMPUTING_PATH, certify
from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath, saddle_path
from saddlepath.report import (
    path_table,
    print_check,
    print_written,
    progress,
    status_line,
    stdout_console,
)
from saddlepath.report.json import check_summary, metadata, path_summary, to_json

__all__ = ["CHECK", "EXAMPLES", "PATH", "PATH_SUCCESS", "Precision", "compute_path", "path_command"]

EXAMPLES = (
    "Examples:\n\n  saddlepath path data.csv --target y --out results --plot\n\n"
    "  saddlepath path data.npz --json > path.json\n\n"
    "  saddlepath path data.csv --target 0 --max-jumps 50 --check"
)
# how the path may end with exit code 0 (see EXIT_CODES)
PATH_SUCCESS = ("MIN_L1_INTERPOLATOR", "LEAST_SQUARES", "NON_UNIQUE")


class Precision(enum.StrEnum):
    """Arithmetic of the correlation scans of :func:`saddlepath.saddle_path`."""

    auto = "auto"
    float64 = "float64"
    mixed = "mixed"


def compute_path(
    dataset: Dataset, *, max_jumps: int | None = None, precision: str = "auto", **tolerances
) -> SaddlePath:
    """Run :func:`~saddlepath.saddle_path` on a data set behind a spinner on stderr.

    ``tolerances``: ``grad_tol`` and ``tie_tol`` when given (else the library's defaults).
    """
    given = {key: value for key, value in tolerances.items() if value is not None}
    with progress(COMPUTING_PATH):
        return saddle_path(dataset.X, dataset.y, max_jumps=max_jumps, precision=precision, **given)


_MAX_JUMPS = typer.Option(
    "--max-jumps",
    min=1,
    metavar="N",
    help="Stop after N jumps. Default: 20·min(n_samples, n_features) + 100.",
)
_PRECISION = typer.Option(
    help="Arithmetic of the correlation scans: float64, or mixed (float32 scan with an exact "
    "float64 re-check, same result); auto picks mixed for large X."
)
_GRAD_TOL = typer.Option(
    metavar="TOL",
    help="The path ends when every |∂_iL| ≤ TOL·‖x_i‖·‖y‖/n (dimensionless, in (0, 1)). "
    "Default: 1e-9.",
    show_default=False,
)
_TIE_TOL = typer.Option(
    metavar="TOL",
    help="Relative tolerance (in [0, 1)) under which jump times count as tied. Default: 1e-9.",
    show_default=False,
)
_CHECK = typer.Option(
    "--check/--no-check",
    help="Certify the path independently of the solver (KKT, |s| ≤ 1, the endpoint's least "
    "ℓ1 norm by a dual certificate or an LP, or least squares) and print the report; exit code 1 "
    "if it fails.",
)


@dataclass(frozen=True)
class _CheckedPath:
    path: SaddlePath
    report: Any | None  # the certificate, when --check asked for one


PATH, CHECK = "path", "check"  # the stems of the records in --out


def _write(out: Path, plot: bool):
    """The writer of ``--out``: the records path, check (with ``--check``) and data, and,
    with ``--plot``, the figures; an older run's check or figures are removed."""

    def write(dataset: Dataset, result: _CheckedPath) -> dict[str, Path]:
        results = {PATH: result.path, DATA_STEM: dataset}
        if result.report is not None:
            results = {PATH: result.path, CHECK: result.report, DATA_STEM: dataset}
        figures = path_figures(result.path, dataset.feature_names) if plot else {}
        owned = (*FIGURES, f"{CHECK}.json", f"{CHECK}.npz")
        return write_records(out, results, figures, owned)

    return write


def _show(path: SaddlePath, report: Any, dataset: Dataset, source: str, as_json: bool, written):
    """The path as JSON on stdout, or as a table with its status, check and files written."""
    if as_json:
        record = path_summary(path, metadata=metadata(dataset, source))
        if report is not None:
            record["check"] = check_summary(report)
        typer.echo(to_json(record))
        return
    console = stdout_console()
    console.print(path_table(path, dataset))
    console.print(status_line(path))
    if report is not None:
        print_check(console, report)
    print_written(console, written)


def path_command(
    data: Annotated[Path, DATA],
    target: Annotated[str | None, TARGET] = None,
    out: Annotated[Path | None, OUT] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[bool, PLOT] = False,
    max_jumps: Annotated[int | None, _MAX_JUMPS] = None,
    precision: Annotated[Precision, _PRECISION] = Precision.auto,
    grad_tol: Annotated[float | None, _GRAD_TOL] = None,
    tie_tol: Annotated[float | None, _TIE_TOL] = None,
    check: Annotated[bool, _CHECK] = False,
    x_key: Annotated[str | None, X_KEY] = None,
    y_key: Annotated[str | None, Y_KEY] = None,
    csv: Annotated[Path | None, CSV] = None,
) -> None:
    """Compute the exact saddle-to-saddle path of a data set and report it.

    Exit code 1 when the path stopped before its minimiser (JUMP_LIMIT, STAGNATED), could
    not be represented in float64 (OUT_OF_RANGE) or --check failed; the files are written
    all the same.
    """
    check_plot_out(plot, out)

    def compute(dataset: Dataset) -> _CheckedPath:
        path = compute_path(
            dataset,
            max_jumps=max_jumps,
            precision=precision.value,
            grad_tol=grad_tol,
            tie_tol=tie_tol,
        )
        return _CheckedPath(path, certify(path) if check else None)

    write = None if out is None else _write(out, plot)
    run = run_on_data(data, target, compute, write, x_key=x_key, y_key=y_key)
    path, report = run.result.path, run.result.report
    written = with_csv(run.written, csv, lambda: path_table(path, run.dataset))
    _show(path, report, run.dataset, str(data), as_json, written)
    if report is not None and not report.passed:
        fail("the certificate of the path failed; see the check report.", EXIT_CHECK_FAILED)
    if path.status.name not in PATH_SUCCESS:
        fail(
            f"the path did not reach its minimiser ({path.status.name}): {path.status.value}.",
            EXIT_CHECK_FAILED,
        )
