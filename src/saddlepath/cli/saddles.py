"""``saddlepath saddles``: every critical point of the loss, and those the path visits.

Wiring only: data → exact path → :func:`~saddlepath.landscape.enumerate_saddles` → table
(:mod:`saddlepath.report.catalog`) or JSON summary (:mod:`saddlepath.report.json`); with
``--out``, the records ``saddles`` (the :class:`~saddlepath.landscape.SaddleCatalog`) and
``data`` (:func:`saddlepath.load` reads each back) and the landscape figure
(:mod:`saddlepath.plotting`, imported only with ``--plot``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from saddlepath.cli._data import run_on_data
from saddlepath.cli._options import CSV, DATA, JSON, OUT, TARGET, X_KEY, Y_KEY
from saddlepath.cli._output_options import check_plot_out, with_csv
from saddlepath.cli._outputs import DATA_STEM, LANDSCAPE, landscape_figure, write_records
from saddlepath.cli._progress import COMPUTING_PATH
from saddlepath.data import Dataset
from saddlepath.diagonal import saddle_path
from saddlepath.landscape import MAX_FEATURES, SaddleCatalog, enumerate_saddles
from saddlepath.report import print_written, progress, stdout_console
from saddlepath.report.catalog import catalog_table, counts_line
from saddlepath.report.json import metadata, saddles_summary, to_json

__all__ = ["EXAMPLES", "saddles_command"]

EXAMPLES = (
    "Examples:\n\n  saddlepath saddles data.csv --out saddles --plot\n\n"
    "  saddlepath saddles data.csv --all\n\n"
    "  saddlepath saddles wide.csv --max-support 3 --json"
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


def _check_enumerable(d: int, max_support: int | None) -> None:
    """Refuse 2^d supports for d > MAX_FEATURES in the CLI's own words (--max-support)."""
    if max_support is None and d > MAX_FEATURES:
        raise ValueError(
            f"saddles examines every support by default: 2^{d} = {2**d:,} for {d} features "
            f"(at most {MAX_FEATURES} allowed); pass --max-support K, e.g. --max-support 3 "
            f"({sum(math.comb(d, j) for j in range(4)):,} supports)."
        )


def _write(out: Path, plot: bool):
    """The writer of ``--out``: the records saddles and data and, with ``--plot``, the
    landscape figure."""

    def write(dataset: Dataset, catalog: SaddleCatalog) -> dict[str, Path]:
        figures = {LANDSCAPE: lambda: landscape_figure(catalog)} if plot else {}
        results = {"saddles": catalog, DATA_STEM: dataset}
        return write_records(out, results, figures, owned=(LANDSCAPE,))

    return write


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
    check_plot_out(plot, out)

    def compute(dataset: Dataset) -> SaddleCatalog:
        _check_enumerable(dataset.n_features, max_support)
        with progress(COMPUTING_PATH):
            path = saddle_path(dataset.X, dataset.y)
        with progress("Enumerating the critical points…"):
            return enumerate_saddles(dataset.X, dataset.y, max_support, path=path)

    write = None if out is None else _write(out, plot)
    run = run_on_data(data, target, compute, write, x_key=x_key, y_key=y_key)
    written = with_csv(
        run.written, csv, lambda: catalog_table(run.result, run.dataset, show_all=show_all)
    )
    if as_json:
        summary = saddles_summary(run.result, metadata=metadata(run.dataset, str(data)))
        typer.echo(to_json(summary))
        return
    console = stdout_console()
    console.print(counts_line(run.result))
    console.print(catalog_table(run.result, run.dataset, show_all=show_all))
    print_written(console, written)
