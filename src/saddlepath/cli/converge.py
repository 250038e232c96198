"""``saddlepath converge``: how finite-α flows converge to the exact path as α → 0.

Wiring only: data → :func:`~saddlepath.experiments.convergence_study` (with a
Rich progress bar) → table of errors and delays per α, the fitted rates
(:mod:`saddlepath.report.studies`) or JSON summary (:mod:`saddlepath.report.json`); with
``--out``, the records ``convergence`` (the :class:`~saddlepath.analysis.ConvergenceStudy`)
and ``data`` (:func:`saddlepath.load` reads each back) and the figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saddlepath.cli._checks import parse_scales, run_succeeded
from saddlepath.cli._data import run_on_data
from saddlepath.cli._exit import EXIT_NOT_SUCCESSFUL, fail
from saddlepath.cli._options import CSV, DATA, JSON, OUT, PLOT, TARGET, X_KEY, Y_KEY
from saddlepath.cli._output_options import check_plot_out, with_csv
from saddlepath.cli._outputs import DATA_STEM, write_records
from saddlepath.cli._progress import RichStudyProgress
from saddlepath.data import Dataset
from saddlepath.experiments.convergence import ConvergenceStudy, convergence_study
from saddlepath.report import print_written, progress_bar, stdout_console
from saddlepath.report.json import convergence_fits, convergence_summary, metadata, to_json
from saddlepath.report.studies import fit_lines, study_table

__all__ = ["CONVERGENCE", "EXAMPLES", "converge_command"]

CONVERGENCE = "convergence"  # the stem of the study's record in --out
# what an older converge run may have left (coefs_vs_tau.png is shared with `path --plot`;
# convergence.json was a summary before the record replaced it)
_OWNED = ("convergence.png", "loss_vs_tau.png", "arclength.png")
_OWNED += ("trajectory_3d.png",)

EXAMPLES = (
    "Examples:\n\n  saddlepath converge data.csv --alphas 1e-5,1e-10,1e-100,1e-1000\n\n"
    "  saddlepath converge data.csv --alphas 1e-30,1e-300,1e-3000 --out conv --plot"
)


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


def _write(out: Path, plot: bool):
    """The writer of ``--out``: the records convergence and data and, with ``--plot``, the
    figures of :func:`saddlepath.plotting.convergence_figures`."""

    def write(dataset: Dataset, study: ConvergenceStudy) -> dict[str, Path]:
        figures = {}
        if plot:
            from saddlepath.analysis import arclength_of_path
            from saddlepath.plotting import convergence_figures

            limit = arclength_of_path(study.path) if study.runs else None
            drawn = convergence_figures(study, limit)
            figures = {name: (lambda fig=fig: fig) for name, fig in drawn.items()}
        return write_records(out, {CONVERGENCE: study, DATA_STEM: dataset}, figures, _OWNED)

    return write


def _show(study: ConvergenceStudy, dataset: Dataset, as_json: bool, written, source: str) -> None:
    """The study as JSON on stdout, or its table, the fitted rates and the files written."""
    if as_json:
        typer.echo(to_json(convergence_summary(study, metadata=metadata(dataset, source))))
        return
    console = stdout_console()
    console.print(study_table(study, dataset))
    for line in fit_lines(convergence_fits(study)):
        console.print(line)
    print_written(console, written)


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
    check_plot_out(plot, out)
    grid = parse_scales(alphas, "--alphas")
    if not grid:
        fail(f"--alphas needs at least one scale, e.g. 1e-10,1e-100; got {alphas!r}.")

    def compute(dataset: Dataset) -> ConvergenceStudy:
        return _run_study(dataset, grid, rtol, keep=plot)

    write = None if out is None else _write(out, plot)
    run = run_on_data(data, target, compute, write, x_key=x_key, y_key=y_key)
    study = run.result
    written = with_csv(run.written, csv, lambda: study_table(study, run.dataset))
    _show(study, run.dataset, as_json, written, str(data))
    failed = [a for a, s in zip(study.alphas, study.statuses, strict=True) if not run_succeeded(s)]
    if failed:
        fail(
            f"the flow at α = {', '.join(failed)} did not converge or reach its time limit; "
            "see the status column (run_status in the JSON).",
            EXIT_NOT_SUCCESSFUL,
        )
