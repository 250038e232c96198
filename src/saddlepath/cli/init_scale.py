"""``saddlepath init-scale``: the minimiser reached from each initialisation scale γ.

Wiring only: data → :func:`~saddlepath.experiments.init_scale_study` → tables
(:mod:`saddlepath.report.studies`) or JSON summary (:mod:`saddlepath.report.json`); with
``--out``, the records ``init_scale`` (the :class:`~saddlepath.analysis.InitScaleStudy`)
and ``data`` (:func:`saddlepath.load` reads each back) and the figure
(:mod:`saddlepath.plotting`, imported only with ``--plot``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from saddlepath.cli._checks import check_scale
from saddlepath.cli._data import DataRun, run_on_data
from saddlepath.cli._exit import fail
from saddlepath.cli._options import CSV, DATA, JSON, OUT, TARGET, X_KEY, Y_KEY
from saddlepath.cli._output_options import check_plot_out, with_csv
from saddlepath.cli._outputs import DATA_STEM, write_records
from saddlepath.cli._progress import RichStudyProgress
from saddlepath.data import Dataset
from saddlepath.experiments import InitScaleStudy, init_scale_study
from saddlepath.report import print_written, progress_bar, stdout_console
from saddlepath.report.json import init_scale_summary, metadata, to_json
from saddlepath.report.studies import init_scale_table, minimiser_table, reference_line

__all__ = ["EXAMPLES", "init_scale_command", "parse_gammas"]

INIT_SCALE = "init_scale.png"
EXAMPLES = (
    "Examples:\n\n  saddlepath init-scale data.csv --gammas 1e-30,1e-3,0.1,0.5 --out study "
    "--plot\n\n  saddlepath init-scale data.csv --gammas 1e-100,1e-10,0.1,1,10 --step-size 0.1\n\n"
    "  saddlepath init-scale data.csv --gammas 1e-6,0.3 --v0 0 --json"
)

_GAMMAS = typer.Option(
    metavar="G1,G2,…",
    help="Initialisation scales γ > 0, comma-separated, parsed exactly (1e-1000 works). "
    "The flow needs every γ < 1; --step-size allows any γ.",
    show_default=False,
)
_V0 = typer.Option(
    help="v(0) = v0·γ (u(0) = √2·γ): 1 is the thesis's study, 0 the P&F "
    "initialisation (then γ is α)."
)
_STUDY_STEP = typer.Option(
    metavar="η",
    help="Run gradient descent with step η > 0 instead of the gradient flow (needed for γ ≥ 1).",
)
_N_STEPS = typer.Option(
    metavar="T",
    help="With --step-size: run exactly T steps of gradient descent (no convergence test), "
    "as the thesis does; default: run to convergence.",
)


def _init_scale_figure(study: InitScaleStudy) -> Any:
    from saddlepath import plotting as plots  # matplotlib is imported only with --plot

    return plots.plot_init_scale(study)


def parse_gammas(text: str) -> list[str]:
    """``"1e-1000, 0.1,1"`` → ``["1e-1000", "0.1", "1"]``, each checked to be a number > 0.

    The strings are passed on unparsed, so ``1e-1000`` stays exact.
    """
    items = [item.strip() for item in text.split(",")]
    for item in items:
        if "_" in item:  # Decimal reads "1e-5_0" as 1e-50: refuse, naming the flag
            check_scale(item, "--gammas")
        try:
            value = Decimal(item)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value <= 0:
            raise ValueError(
                f"--gammas must be a comma-separated list of scales > 0 such as "
                f"1e-30,1e-3,0.1; got {item!r} in {text!r}."
            )
    return items


def _write(out: Path, plot: bool):
    """The writer of ``--out``: the records init_scale and data and, with ``--plot``, the
    figure."""

    def write(dataset: Dataset, study: InitScaleStudy) -> dict[str, Path]:
        figures = {INIT_SCALE: lambda: _init_scale_figure(study)} if plot else {}
        results = {"init_scale": study, DATA_STEM: dataset}
        return write_records(out, results, figures, owned=(INIT_SCALE,))

    return write


def _show(run: DataRun, given: list[str], source: str, *, as_json: bool, csv: Path | None) -> None:
    """The study as JSON on stdout, or as its tables and the files written."""
    written = with_csv(run.written, csv, lambda: init_scale_table(run.result, given, run.dataset))
    if as_json:
        typer.echo(
            to_json(init_scale_summary(run.result, given, metadata=metadata(run.dataset, source)))
        )
        return
    console = stdout_console()
    console.print(init_scale_table(run.result, given, run.dataset))
    console.print(reference_line(run.result))
    console.print(minimiser_table(run.result, given, run.dataset))
    print_written(console, written)


def init_scale_command(
    data: Annotated[Path, DATA],
    gammas: Annotated[str, _GAMMAS],
    v0: Annotated[float, _V0] = 1.0,
    step_size: Annotated[float | None, _STUDY_STEP] = None,
    n_steps: Annotated[int | None, _N_STEPS] = None,
    target: Annotated[str | None, TARGET] = None,
    x_key: Annotated[str | None, X_KEY] = None,
    y_key: Annotated[str | None, Y_KEY] = None,
    out: Annotated[Path | None, OUT] = None,
    csv: Annotated[Path | None, CSV] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[
        bool, typer.Option("--plot", help=f"Also write {INIT_SCALE} into --out.")
    ] = False,
) -> None:
    """Run from initialisation scale γ for each γ and report the minimiser reached.

    Small γ gives the sparse minimum-ℓ1 interpolator (rich regime), large γ a dense one
    (kernel regime). A run that diverges is reported in its row, not as an error. The
    minimiser reached (β, u, v per coordinate) is printed and saved.
    """
    check_plot_out(plot, out)
    if n_steps is not None and (step_size is None or n_steps < 1):
        fail(f"--n-steps needs --step-size and a value ≥ 1; got --n-steps {n_steps}.")
    try:
        given = parse_gammas(gammas)
    except ValueError as exc:
        fail(str(exc))

    def compute(dataset: Dataset) -> InitScaleStudy:
        what = "gradient flow" if step_size is None else "gradient descent"
        with progress_bar() as bar:
            return init_scale_study(
                dataset.X, dataset.y, given, v0=v0, step_size=step_size, n_steps=n_steps,
                progress=RichStudyProgress(bar, what, "γ"),
            )  # fmt: skip

    write = None if out is None else _write(out, plot)
    run = run_on_data(data, target, compute, write, x_key=x_key, y_key=y_key)
    _show(run, given, str(data), as_json=as_json, csv=csv)
