"""The options that several commands share: DATA, --target, --out, --json, --plot, --csv.

Declared once here, so every command words them alike (``Annotated[Path, DATA]``).
"""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = [
    "CSV",
    "DATA",
    "JSON",
    "NEEDS_OUT",
    "OUT",
    "PLOT",
    "TARGET",
    "X_KEY",
    "Y_KEY",
    "output_dir",
]

NEEDS_OUT = "--plot needs --out DIR: the figures are written into that directory."


def output_dir(text: str) -> Path:
    """Parser of ``--out``: an empty path would silently mean the working directory."""
    if not text.strip():
        raise typer.BadParameter(
            "needs a directory path; got ''. Pass e.g. --out results (use --out . for the "
            "current directory)."
        )
    return Path(text)


DATA = typer.Argument(
    metavar="DATA",
    show_default=False,
    help="Data file: .csv/.tsv/.txt (one column is the target y, the rest is X), a 2-D .npy "
    "array, or an .npz archive holding arrays X and y.",
)
TARGET = typer.Option(
    "--target",
    "-t",
    metavar="COL",
    help="Target column: a header name or a 0-based position (negative counts from the end). "
    "Default: the last column. For .npz files, the name of the y array.",
)
X_KEY = typer.Option(
    "--x-key", metavar="NAME", help="Name of the X array in an .npz DATA file. Default: X."
)
Y_KEY = typer.Option(
    "--y-key",
    metavar="NAME",
    help="Name of the y array in an .npz DATA file (same as --target there). Default: y.",
)
OUT = typer.Option(
    "--out",
    "-o",
    metavar="DIR",
    parser=output_dir,
    help="Directory for the output files (created if missing). A run replaces the files of "
    "the same command there as one set; other files stay.",
)
JSON = typer.Option(
    "--json", metavar="", help="Print the result as JSON on stdout instead of the table."
)
PLOT = typer.Option("--plot", metavar="", help="Also write the figures (PNG) into --out.")


def _csv_file(text: str) -> Path:
    if not text.strip():
        raise typer.BadParameter("needs a file path; got ''. Pass e.g. --csv table.csv.")
    return Path(text)


CSV = typer.Option(
    "--csv",
    metavar="FILE",
    parser=_csv_file,
    help="Also write the table as CSV to FILE: every column, no cell cut short.",
)
