"""Progress displays on stderr: a bar over a known total, or a spinner with elapsed time.

Rendering only: the commands pass what runs; nothing here computes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["progress", "progress_bar"]


def progress_bar(*, total: bool = True) -> Progress:
    """A Rich progress display on stderr: what runs, a bar, done/total, elapsed, ETA.

    Without a total (``total=False``) it shows a spinner, what runs and the elapsed time.
    It disappears when done, so stdout and the final table stay clean, and it is not
    shown at all when stderr is not a terminal.
    """
    columns: list = [SpinnerColumn(), TextColumn("{task.description}")]
    if total:
        columns += [BarColumn(), TextColumn("{task.completed:g}/{task.total:g}")]
    columns += [TextColumn("elapsed"), TimeElapsedColumn()]
    if total:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    console = Console(
        stderr=True, highlight=False, soft_wrap=True
    )  # not a terminal (a log file, a pipe): no display at all
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


@contextmanager
def progress(message: str) -> Iterator[None]:
    """Show a spinner, ``message`` and the elapsed time on stderr while the block runs."""
    with progress_bar(total=False) as bar:
        bar.add_task(message, total=None)
        yield
