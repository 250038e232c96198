"""``saddlepath reproduce``: one command per experiment of the papers.

Wiring only: the registry (:mod:`saddlepath.experiments.reproductions`) names the
experiments; :mod:`saddlepath.cli._experiment_folder` runs one and writes its folder
(records, ``experiment.json``, ``comparison.json``, ``summary.md``, figures as PNG and PDF),
or redraws it from the saved record with ``--plot``; the comparison table is printed at the
end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from saddlepath.cli._exit import errors_as_exit, fail
from saddlepath.cli._experiment_folder import (
    experiment_config,
    redraw_experiment,
    write_experiment,
)
from saddlepath.cli._options import output_dir
from saddlepath.experiments.reproductions import (
    REPRODUCTIONS,
    ReproductionUnavailableError,
    find_reproduction,
    reproduction_module,
)
from saddlepath.report import print_written, progress_bar, stdout_console
from saddlepath.sweep.experiment import on_sweep

__all__ = ["EXAMPLES", "comparison_table", "reproduce_command", "reproductions_table"]

EXAMPLES = (
    "Examples:\n\n  saddlepath reproduce --list\n\n"
    "  saddlepath reproduce pf-figure1 --out pf-figure1\n\n"
    "  saddlepath reproduce pf-convergence --quick --out conv\n\n"
    "  saddlepath reproduce pf-figure1 --out pf-figure1 --plot   (redraw, no recomputing)"
)
_VERDICT_STYLE = {"agrees": "green", "differs": "bold red", "n/a": "dim"}

_NAME = typer.Argument(metavar="NAME", show_default=False,
                       help="The experiment, e.g. pf-figure1 (see --list).")  # fmt: skip
_OUT = typer.Option("--out", "-o", metavar="DIR", parser=output_dir, show_default=False,
                    help="Folder of the experiment (default: reproductions/NAME). Its "
                    "files are replaced as one set.")  # fmt: skip
_QUICK = typer.Option("--quick", help="A reduced version that runs in seconds.")
_FULL = typer.Option(
    "--full",
    help="The paper-sized variant, where one exists (bsj-mnist: width 1000); "
    "hours on a CPU, minutes on a GPU.",
)
_WORKERS = typer.Option(
    "--workers",
    min=1,
    metavar="N",
    help="Run the experiment's independent runs as a sweep on a local Dask cluster of N "
    "workers, into the resumable store OUT/sweep (pf-convergence).",
)
_SCHEDULER = typer.Option(
    "--scheduler",
    metavar="ADDRESS",
    help="As --workers, on an existing Dask scheduler (e.g. tcp://10.0.0.1:8786).",
)
_PLOT = typer.Option(
    "--plot",
    help="Redraw the figures, table and summary of the "
    "experiment already in --out from its record, without recomputing.",
)
_LIST = typer.Option("--list", help="List the experiments and exit.")


def reproductions_table() -> Table:
    """name · paper · description of every registered experiment."""
    table = Table(title="Reproductions of the papers", title_justify="left")
    for column in ("name", "paper", "description"):
        table.add_column(column, overflow="fold")
    for entry in REPRODUCTIONS:
        table.add_row(entry.name, entry.paper_title, entry.description)
    return table


def comparison_table(rows, title: str) -> Table:
    """quantity · paper · saddlepath · exact · verdict · reason."""
    table = Table(title=escape(title), title_justify="left", show_lines=True)
    for column in ("quantity", "paper", "saddlepath", "exact", "verdict", "reason"):
        table.add_column(column, overflow="fold")
    for row in rows:
        style = _VERDICT_STYLE.get(row.verdict, "")
        table.add_row(*(escape(getattr(row, c)) for c in ("quantity", "paper", "saddlepath",
                      "exact")), f"[{style}]{row.verdict}[/]", escape(row.reason))  # fmt: skip
    return table


def _run(name: str, out: Path, quick: bool, full: bool, sweep: dict | None):
    with progress_bar() as bar:
        task = bar.add_task(f"Reproducing {name}…", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return write_experiment(name, out, quick=quick, full=full, progress=report, sweep=sweep)


def _sweep_options(name: str, workers, scheduler, plot: bool) -> dict | None:
    """``{"workers": N}`` or ``{"scheduler": address}`` when asked for; checked."""
    if workers is None and scheduler is None:
        return None
    flag = "--workers" if workers is not None else "--scheduler"
    if workers is not None and scheduler is not None:
        fail(f"Give --scheduler ({scheduler}) or --workers ({workers}), not both.")
    if plot:
        fail(f"--plot redraws without computing; {flag} chooses where to compute. Drop one.")
    if not on_sweep(reproduction_module(name)):
        able = [e.name for e in REPRODUCTIONS if on_sweep(reproduction_module(e.name))]
        fail(f"{name} does not run through the sweep engine ({flag}); experiments that do: "
             f"{', '.join(able)}. Drop {flag}.")  # fmt: skip
    return {"workers": workers} if workers is not None else {"scheduler": scheduler}


def reproduce_command(
    name: Annotated[str | None, _NAME] = None,
    out: Annotated[Path | None, _OUT] = None,
    quick: Annotated[bool, _QUICK] = False,
    full: Annotated[bool, _FULL] = False,
    workers: Annotated[int | None, _WORKERS] = None,
    scheduler: Annotated[str | None, _SCHEDULER] = None,
    plot: Annotated[bool, _PLOT] = False,
    list_: Annotated[bool, _LIST] = False,
) -> None:
    """Recompute an experiment of the papers: paper, saddlepath and exact side by side.

    Writes DIR/experiment.json (set-up, choices, versions), comparison.json, summary.md,
    the figures (PNG and PDF) and the result as a record, and prints the comparison table.
    """
    console = stdout_console()
    if list_:
        console.print(reproductions_table())
        return
    if name is None:
        fail("give the experiment's NAME (e.g. saddlepath reproduce pf-figure1), or --list "
             "to see them.")  # fmt: skip
    with errors_as_exit():
        find_reproduction(name)
        out = Path("reproductions") / name if out is None else out
        if plot and quick:
            fail("--plot redraws the experiment already in --out; --quick chooses what to "
                 "compute. Drop one of them.")  # fmt: skip
        if plot and full:
            fail("--plot redraws the experiment already in --out; --full chooses what to "
                 "compute. Drop one of them.")  # fmt: skip
        if quick and full:
            fail("--quick and --full choose opposite sizes: drop one of them.")
        sweep = _sweep_options(name, workers, scheduler, plot)
        if full:
            try:
                experiment_config(name, full=True)
            except ValueError as error:
                fail(str(error).replace("`full`", "--full"))
        try:
            if plot:
                result, written = redraw_experiment(out, name)
            else:
                result, written = _run(name, out, quick, full, sweep)
        except ReproductionUnavailableError as error:
            fail(str(error))
    rows = reproduction_module(name).comparison(result)
    console.print(comparison_table(rows, f"{name}: paper · saddlepath · exact"))
    print_written(console, written)
