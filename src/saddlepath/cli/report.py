"""``saddlepath report``: a run, experiment or sweep folder as one self-contained HTML page.

Wiring only: DIR → :func:`saddlepath.report.html.write_page` (the page, written atomically)
→ the ``wrote …`` line, or a JSON summary with ``--json``; ``--open`` shows it in the
default web browser. What the page could not show (a record that does not load, a sweep
without ``results.parquet``) is printed as a warning, stays on the page, and exits with 1.
"""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from saddlepath.cli._exit import EXIT_NOT_SUCCESSFUL, errors_as_exit, fail
from saddlepath.cli._options import JSON
from saddlepath.io import to_json
from saddlepath.report import print_warning, print_written, progress, stdout_console
from saddlepath.report.html import DEFAULT_NAME, write_page

__all__ = ["EXAMPLES", "report_command"]

EXAMPLES = (
    "Examples:\n\n  saddlepath report results            (writes results/report.html)\n\n"
    "  saddlepath report sweep-store --out sweep.html --open\n\n"
    "  saddlepath report experiment-folder --json"
)

_DIR = typer.Argument(
    metavar="DIR",
    help="A folder a command wrote with --out, an experiment folder (experiment.json) or a "
    "sweep store (sweep.json); the kind is detected.",
    show_default=False,
)
_OUT = typer.Option(
    "--out",
    "-o",
    metavar="FILE.html",
    help=f"Where to write the page (default: DIR/{DEFAULT_NAME}); replaced atomically.",
    show_default=False,
)
_OPEN = typer.Option("--open", help="Open the page in the default web browser afterwards.")


def _check_out(out: Path | None) -> None:
    if out is not None and out.suffix.lower() not in (".html", ".htm"):
        fail(f"--out must name an .html file; got '{out}'. Pass e.g. --out report.html.")


def report_command(
    folder: Annotated[Path, _DIR],
    out: Annotated[Path | None, _OUT] = None,
    open_page: Annotated[bool, _OPEN] = False,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Write one self-contained HTML page (no network needed) for a run, experiment or sweep.

    The page shows the saddle tables, interactive charts (hover a curve for its coordinate
    and value; drag to zoom the loss staircase), the figures, the parameters, versions and
    timings, and for a sweep the summary plots over the grid.
    """
    _check_out(out)
    with errors_as_exit(), progress(f"building the report page of {folder}"):
        page, written = write_page(folder, out)
    for message in page.problems:
        print_warning(message)
    if as_json:
        summary = {"format": "saddlepath.report.html", "page": str(written), "kind": page.kind,
                   "sections": list(page.sections), "n_charts": page.n_charts,
                   "bytes": written.stat().st_size, "problems": list(page.problems)}  # fmt: skip
        typer.echo(to_json(summary))
    else:
        print_written(stdout_console(), {"page": written})
    if open_page:
        webbrowser.open(written.resolve().as_uri())
    if page.problems:
        raise typer.Exit(EXIT_NOT_SUCCESSFUL)
