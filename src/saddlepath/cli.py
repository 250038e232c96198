"""The ``saddlepath`` command line: data → exact path → table, JSON, files and figures.

This module only wires the library together; numerical work lives in
:mod:`saddlepath.diagonal`, files in :mod:`saddlepath.io`, tables and figures in
:mod:`saddlepath.report` and the demo's steps in :mod:`saddlepath.demo`. Every expected
failure (missing file, bad target column, invalid option, data the library rejects,
unwritable output) ends as one red line on stderr and exit code 2; a result that was
computed and written but is not a success (a failed ``--check``, a path that stagnated,
a run that diverged or hit a step limit) exits with 1 (:data:`~saddlepath._cli_common.EXIT_CODES`).

A new command on a data file is a function that declares its options and calls
:func:`run_on_data` with what to compute and what to write; errors and warnings are
handled there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from saddlepath import __version__, io
from saddlepath._cli_common import (
    CSV,
    DATA,
    EXIT_CHECK_FAILED,
    EXIT_CODES,
    JSON,
    OUT,
    PLOT,
    TARGET,
    X_KEY,
    Y_KEY,
    errors_as_exit,
    fail,
    output_dir,
    run_on_data,
)
from saddlepath._cli_group import OneLineErrors
from saddlepath.commands import register_commands
from saddlepath.commands._shared import NEEDS_OUT
from saddlepath.data import Dataset
from saddlepath.demo import DEMO_STEPS, DemoContext, DemoStep
from saddlepath.diagonal import SaddlePath, saddle_path
from saddlepath.report import (
    COMPUTING_PATH,
    FIGURES,
    certify,
    metadata,
    path_table,
    print_check,
    print_written,
    progress,
    status_line,
    stdout_console,
    write_csv,
    write_figures,
)
from saddlepath.report import _coordinates as _coordinates  # re-exported for the tests

__all__ = ["DEMO_STEPS", "DemoContext", "DemoStep", "app"]

_PATH_EXAMPLES = (
    "Examples:\n\n  saddlepath path data.csv --target y --out results --plot\n\n"
    "  saddlepath path data.npz --json > path.json\n\n"
    "  saddlepath path data.csv --target 0 --max-jumps 50 --check"
)


app = typer.Typer(
    name="saddlepath",
    cls=OneLineErrors,
    epilog="Examples:\n\n  saddlepath demo --out demo-output\n\n"
    "  saddlepath path data.csv --target y --out results --plot --check\n\n" + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)


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


# how the path may end with exit code 0 (see EXIT_CODES)
PATH_SUCCESS = ("MIN_L1_INTERPOLATOR", "LEAST_SQUARES", "NON_UNIQUE")


# ---------------------------------------------------------------------------- commands


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"saddlepath {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version of saddlepath and exit.",
        ),
    ] = False,
) -> None:
    """Exact saddle-to-saddle paths of diagonal linear networks from small initialisation.

    Computes the α → 0 limit of gradient flow on β = u ⊙ v (Pesme & Flammarion 2023,
    Algorithm 1): the jump times τ_k, in accelerated time τ = t/ln(1/α), and the saddles
    β_k, with the loss L(β) = ‖Xβ − y‖²/(2n).
    """


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


@app.command("path", epilog=_PATH_EXAMPLES)
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
    if plot and out is None:
        fail(NEEDS_OUT)

    def compute(dataset: Dataset) -> _CheckedPath:
        path = compute_path(
            dataset,
            max_jumps=max_jumps,
            precision=precision.value,
            grad_tol=grad_tol,
            tie_tol=tie_tol,
        )
        return _CheckedPath(path, certify(path) if check else None)

    def write(dataset: Dataset, result: _CheckedPath) -> dict[str, Path]:
        meta = metadata(dataset, str(data))

        def files(stage: Path) -> dict[str, Path]:
            written = io.write_path_files(result.path, stage, metadata=meta)
            if plot:
                written.update(write_figures(result.path, stage, dataset.feature_names))
            return written

        return io.write_folder(out, files, owned=io.PATH_FILES + FIGURES)

    run = run_on_data(
        data, target, compute, None if out is None else write, x_key=x_key, y_key=y_key
    )
    path, report = run.result.path, run.result.report
    written = dict(run.written)
    if csv is not None:
        with errors_as_exit():
            written["csv"] = write_csv(csv, lambda: path_table(path, run.dataset))
    if as_json:
        record = io.path_record(path, metadata=metadata(run.dataset, str(data)))
        if report is not None:
            record["check"] = io.report_record(report)
        typer.echo(io.to_json(record))
    else:
        console = stdout_console()
        console.print(path_table(path, run.dataset))
        console.print(status_line(path))
        if report is not None:
            print_check(console, report)
        print_written(console, written)
    if report is not None and not report.passed:
        fail("the certificate of the path failed; see the check report.", EXIT_CHECK_FAILED)
    if path.status.name not in PATH_SUCCESS:
        fail(
            f"the path did not reach its minimiser ({path.status.name}): {path.status.value}.",
            EXIT_CHECK_FAILED,
        )


@app.command("demo", epilog="Example: saddlepath demo --out demo-output")
def demo_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            parser=output_dir,
            help="Directory for the table, path files and figures (created if missing).",
        ),
    ] = Path("demo-output"),
) -> None:
    """Run the built-in example and write its table, path files and figures.

    The files replace those of an earlier demo in DIR as one set, when every step has run.
    """
    console = stdout_console()
    contexts: list[DemoContext] = []

    def run_steps(stage: Path) -> dict[str, Path]:
        ctx = DemoContext(out_dir=stage, console=console)
        contexts.append(ctx)
        for number, step in enumerate(DEMO_STEPS, start=1):
            console.print(f"[bold]{number}/{len(DEMO_STEPS)}[/] {escape(step.description)}")
            step.run(ctx)
        return ctx.written

    with errors_as_exit():
        written = io.write_folder(out, run_steps)
    print_written(console, written)
    if contexts[0].failures:
        fail(f"demo step(s) failed: {', '.join(contexts[0].failures)}.", EXIT_CHECK_FAILED)


register_commands(app)
