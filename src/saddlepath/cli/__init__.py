"""The ``saddlepath`` command line: data → exact path, runs, analyses → tables, JSON, files.

This package only wires the library together, one module per command, named as the
command: :mod:`.path`, :mod:`.demo`, :mod:`.flow`, :mod:`.converge`, :mod:`.analyze`,
:mod:`.saddles`, :mod:`.init_scale`, :mod:`.escape` (deep networks). Numerical work lives in
:mod:`saddlepath.diagonal` and :mod:`saddlepath.analysis`, files in :mod:`saddlepath.io`, tables in
:mod:`saddlepath.report`, figures in :mod:`saddlepath.plotting`. The private modules hold
what the commands share: the options (``_options``), exit codes and errors (``_exit``),
checks of values (``_checks``), loading data and running on it (``_data``), progress
displays around computations (``_progress``), records and figures written as one result
folder (``_outputs``), ``--plot``/``--csv`` handling (``_output_options``) and the command
group (``_group``). Numerical work also lives in :mod:`saddlepath.landscape` and
:mod:`saddlepath.experiments`; every result file is a record (:mod:`saddlepath.records`).

Every expected failure (missing file, bad target column, invalid option, data the
library rejects, unwritable output) ends as one red line on stderr and exit code 2; a
result that was computed and written but is not a success (a failed ``--check``, a path
that stagnated, a run that diverged or hit a step limit) exits with 1
(:data:`~saddlepath.cli._exit.EXIT_CODES`).

A new command is a module here with a ``<name>_command`` function that declares its
options and calls :func:`~saddlepath.cli._data.run_on_data` with what to compute and what
to write, plus one line in :data:`_COMMANDS`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from saddlepath import __version__
from saddlepath.cli import (
    analyze,
    converge,
    demo,
    escape,
    flow,
    init_scale,
    path,
    report,
    reproduce,
    saddles,
    sweep,
    train,
)
from saddlepath.cli._exit import EXIT_CODES
from saddlepath.cli._group import OneLineErrors
from saddlepath.cli.demo import DEMO_STEPS, DemoContext, DemoStep

__all__ = ["DEMO_STEPS", "DemoContext", "DemoStep", "app", "main"]


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


# name → (function, examples), in the order `saddlepath --help` lists them
_COMMANDS = {
    "path": (path.path_command, path.EXAMPLES),
    "demo": (demo.demo_command, demo.EXAMPLES),
    "flow": (flow.flow_command, flow.EXAMPLES),
    "converge": (converge.converge_command, converge.EXAMPLES),
    "analyze": (analyze.analyze_command, analyze.EXAMPLES),
    "saddles": (saddles.saddles_command, saddles.EXAMPLES),
    "init-scale": (init_scale.init_scale_command, init_scale.EXAMPLES),
    "report": (report.report_command, report.EXAMPLES),
    "reproduce": (reproduce.reproduce_command, reproduce.EXAMPLES),
    "escape": (escape.escape_command, escape.EXAMPLES),
    "sweep": (sweep.sweep_command, sweep.EXAMPLES),
    "train": (train.train_command, train.EXAMPLES),
}
for _name, (_command, _examples) in _COMMANDS.items():
    app.command(_name, epilog=_examples)(_command)
