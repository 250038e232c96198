"""Shared pieces of the command line: error handling, the data-command runner, options.

Every command module (:mod:`saddlepath.cli`, :mod:`saddlepath.commands`) uses these, so an
expected failure always ends the same way: one red line on stderr and exit code 2.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, NoReturn, TypeVar

import typer

from saddlepath.data import Dataset, load_data
from saddlepath.report import describe_error, print_error, print_warning
from saddlepath.warnings import SaddlepathWarning

__all__ = [
    "DATA",
    "EXIT_CHECK_FAILED",
    "EXIT_USAGE",
    "JSON",
    "OUT",
    "PLOT",
    "TARGET",
    "DataRun",
    "errors_as_exit",
    "fail",
    "run_on_data",
]

EXIT_USAGE = 2
EXIT_CHECK_FAILED = 1
_EXPECTED_ERRORS = (OSError, ValueError, TypeError)
R = TypeVar("R")


# ---------------------------------------------------------------- running a command


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``message`` as one red line on stderr and exit with ``code``."""
    print_error(message)
    raise typer.Exit(code) from None


@contextmanager
def errors_as_exit() -> Iterator[None]:
    """Turn expected errors into a one-line message and exit code 2; show our warnings."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SaddlepathWarning)
            try:
                yield
            finally:
                for w in caught:
                    print_warning(str(w.message))
    except _EXPECTED_ERRORS as exc:
        fail(describe_error(exc))


def _parse_target(target: str | None) -> int | str | None:
    """An integer position when ``target`` looks like one (``"0"``, ``"-1"``), else a name."""
    if target is None:
        return None
    text = target.strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else target


@dataclass(frozen=True)
class DataRun(Generic[R]):
    """What :func:`run_on_data` returns: the data set, the result and the files written."""

    dataset: Dataset
    result: R
    written: dict[str, Path]


def run_on_data(
    data: Path,
    target: str | None,
    compute: Callable[[Dataset], R],
    write: Callable[[Dataset, R], dict[str, Path]] | None = None,
) -> DataRun[R]:
    """Load ``data`` → ``compute(dataset)`` → ``write(dataset, result)``, as one command.

    Expected errors of any stage exit with one red line and code 2 (nothing is written
    after a failed stage); the library's warnings are shown on stderr.
    """
    with errors_as_exit():
        dataset = load_data(data, target=_parse_target(target))
        result = compute(dataset)
        written = {} if write is None else write(dataset, result)
    return DataRun(dataset, result, written)


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
OUT = typer.Option(
    "--out", "-o", metavar="DIR", help="Directory for the output files (created if missing)."
)
JSON = typer.Option("--json", help="Print the result as JSON on stdout instead of the table.")
PLOT = typer.Option("--plot", help="Also write the figures (PNG) into --out.")
