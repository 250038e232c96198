"""What ``--out``, ``--plot`` and ``--csv`` mean in every command, written once.

:func:`check_plot_out`: ``--plot`` writes the figures into ``--out``, so it needs it.
:func:`with_csv`: ``--csv FILE`` writes the command's table there, listed with the other
files written. The options themselves are declared in :mod:`saddlepath.cli._options`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from rich.table import Table

from saddlepath.cli._exit import errors_as_exit, fail
from saddlepath.cli._options import NEEDS_OUT
from saddlepath.report import write_csv

__all__ = ["check_plot_out", "with_csv"]


def check_plot_out(plot: bool, out: Path | None) -> None:
    """Exit with :data:`~saddlepath.cli._options.NEEDS_OUT` when ``--plot`` lacks ``--out``."""
    if plot and out is None:
        fail(NEEDS_OUT)


def with_csv(
    written: Mapping[str, Path], csv: Path | None, make_table: Callable[[], Table]
) -> dict[str, Path]:
    """``written`` and, with ``--csv FILE``, ``"csv"``: the table ``make_table()`` written there.

    A file that cannot be written exits with the error's message (:func:`errors_as_exit`).
    """
    written = dict(written)
    if csv is not None:
        with errors_as_exit():
            written["csv"] = write_csv(csv, make_table)
    return written
