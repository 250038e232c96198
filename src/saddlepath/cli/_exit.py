"""Exit codes and errors of the command line: one red line on stderr, in its own words.

Every command (:mod:`saddlepath.cli`) ends an expected failure the same way: one red line
on stderr and exit code 2, in the words of the command line (``--log-alpha``, not
``log_alpha=``).

Exit codes (:data:`EXIT_CODES`): 0 the computation reached its end; 1 it was computed and
its files written, but it did not succeed (a run that diverged or stopped at its step
limit, a path that stopped at its jump limit or stagnated, a failed ``--check``); 2 a
usage error or input the library rejects.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from saddlepath.report import describe_error, print_error, print_warning
from saddlepath.warnings import SaddlepathWarning

__all__ = [
    "EXIT_CHECK_FAILED",
    "EXIT_CODES",
    "EXIT_NOT_SUCCESSFUL",
    "EXIT_OK",
    "EXIT_USAGE",
    "cli_words",
    "errors_as_exit",
    "fail",
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
