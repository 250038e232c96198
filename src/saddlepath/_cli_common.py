"""Shared pieces of the command line: error handling, the data-command runner, options.

Every command module (:mod:`saddlepath.cli`, :mod:`saddlepath.commands`) uses these, so an
expected failure always ends the same way: one red line on stderr and exit code 2, in the
words of the command line (``--log-alpha``, not ``log_alpha=``).

Exit codes (:data:`EXIT_CODES`): 0 the computation reached its end; 1 it was computed and
its files written, but it did not succeed (a run that diverged or stopped at its step
limit, a path that stopped at its jump limit or stagnated, a failed ``--check``); 2 a
usage error or input the library rejects.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, NoReturn, TypeVar

import numpy as np
import typer

from saddlepath.data import Dataset, load_data, load_npz
from saddlepath.data._file_checks import check_path
from saddlepath.report import describe_error, print_error, print_warning
from saddlepath.warnings import SaddlepathWarning

__all__ = [
    "CSV",
    "DATA",
    "EXIT_CHECK_FAILED",
    "EXIT_USAGE",
    "JSON",
    "OUT",
    "PLOT",
    "TARGET",
    "X_KEY",
    "Y_KEY",
    "DataRun",
    "cli_words",
    "errors_as_exit",
    "fail",
    "load_dataset",
    "run_on_data",
]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_CHECK_FAILED = 1
EXIT_NOT_SUCCESSFUL = EXIT_CHECK_FAILED
EXIT_CODES = (
    "Exit codes: 0 success (the path reached its minimiser, a run converged or reached "
    "--tau-max/--n-steps); 1 computed and written but not successful (a run diverged, "
    "failed or stopped at its step limit; the path stopped at its jump limit or "
    "stagnated; --check failed); 2 usage error or input the library rejects."
)
# Python parameter → command-line flag, for the library's messages
FLAGS = {
    "alpha": "--alpha",
    "alphas": "--alphas",
    "log_alpha": "--log-alpha",
    "gammas": "--gammas",
    "step_size": "--step-size",
    "tau_max": "--tau-max",
    "rtol": "--rtol",
    "max_support": "--max-support",
    "max_jumps": "--max-jumps",
    "grad_tol": "--grad-tol",
    "tie_tol": "--tie-tol",
    "n_steps": "--n-steps",
    "max_steps": "--max-steps",
    "save_every": "--save-every",
    "batch_size": "--batch-size",
    "seed": "--seed",
    "u0": "--u0",
    "v0": "--v0",
    "x_key": "--x-key",
    "y_key": "--y-key",
    "target": "--target",
}
_PARAMETER = re.compile(r"[Tt]he `(\w+)` parameter of (?:saddlepath [\w-]+|[\w.]+)")
_KEYWORD = re.compile(r"\b(\w+)=(?!=)(?=(.?))")
_EXPECTED_ERRORS = (OSError, ValueError, TypeError)
R = TypeVar("R")


# ---------------------------------------------------------------- running a command


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``message`` as one red line on stderr and exit with ``code``."""
    print_error(message)
    raise typer.Exit(code) from None


def cli_words(message: str) -> str:
    """A library message in the command line's words: Python parameters become flags.

    ``"The `log_alpha` parameter of gradient_flow must be < 0"`` → ``"--log-alpha must
    be < 0"``; ``"pass x_key=/y_key="`` → ``"pass --x-key/--y-key"``. Names without a
    flag are left as they are.
    """

    def parameter(match: re.Match) -> str:
        return FLAGS.get(match[1], match[0])

    def keyword(match: re.Match) -> str:
        flag = FLAGS.get(match[1])
        if flag is None:
            return match[0]
        return flag if match[2] in ("", " ", "/", ",", ".", ";", ")") else flag + " "

    return _KEYWORD.sub(keyword, _PARAMETER.sub(parameter, message))


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
                    print_warning(cli_words(str(w.message)))
    except _EXPECTED_ERRORS as exc:
        fail(cli_words(describe_error(exc)))


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


_SPARSE_KEYS = {"indptr", "format", "shape"}


def _sparse_npz(data: Path) -> bool:
    """Whether ``data`` is a ``scipy.sparse.save_npz`` archive (CSR/CSC/COO/...)."""
    try:
        with np.load(data, allow_pickle=False) as archive:
            keys = set(getattr(archive, "files", ()))
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False
    return "format" in keys and "shape" in keys and bool(keys & {"indptr", "row", "offsets"})


def load_dataset(
    data: Path, target: str | None, x_key: str | None = None, y_key: str | None = None
) -> Dataset:
    """Load DATA as the options say (``--target``, ``--x-key``, ``--y-key``)."""
    npz = data.suffix.lower() == ".npz"
    if (x_key is not None or y_key is not None) and not npz:
        raise ValueError(
            f"--x-key/--y-key name the arrays of an .npz archive, but DATA is '{data}'; use "
            "--target COL to choose the target column of a text or .npy file."
        )
    if y_key is not None and target is not None:
        raise ValueError(
            f"--target {target!r} and --y-key {y_key!r} both name the y array of an .npz "
            "archive; pass one of them."
        )
    if npz and data.is_file() and _sparse_npz(data):
        raise TypeError(
            f"'{data}' holds a scipy.sparse matrix (written by scipy.sparse.save_npz); "
            "saddlepath needs dense arrays: X = scipy.sparse.load_npz(path).toarray(), then "
            "np.savez(file, X=X, y=y)."
        )
    if npz and x_key is not None:
        check_path(data)
        return load_npz(data, x_key=x_key, y_key=y_key or target or "y")
    return load_data(data, target=_parse_target(y_key if y_key is not None else target))


def run_on_data(
    data: Path,
    target: str | None,
    compute: Callable[[Dataset], R],
    write: Callable[[Dataset, R], dict[str, Path]] | None = None,
    *,
    x_key: str | None = None,
    y_key: str | None = None,
) -> DataRun[R]:
    """Load ``data`` → ``compute(dataset)`` → ``write(dataset, result)``, as one command.

    Expected errors of any stage exit with one red line and code 2 (nothing is written
    after a failed stage); the library's warnings are shown on stderr.
    """
    with errors_as_exit():
        dataset = load_dataset(data, target, x_key, y_key)
        result = compute(dataset)
        written = {} if write is None else write(dataset, result)
    return DataRun(dataset, result, written)


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
