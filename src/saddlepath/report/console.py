"""The consoles of the command line and the lines printed on them.

Results go to stdout (:func:`stdout_console`); errors, warnings, notes and progress to
stderr (:func:`stderr_console`), so ``--json`` output stays clean. Messages are escaped,
never read as Rich markup.
"""

from __future__ import annotations

import os
import sys
from io import StringIO
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

__all__ = [
    "PIPE_WIDTH",
    "describe_error",
    "print_check",
    "print_error",
    "print_note",
    "print_warning",
    "print_written",
    "render_text",
    "stderr_console",
    "stdout_console",
]

PIPE_WIDTH = 200  # table width when stdout is not a terminal


def stdout_console() -> Console:
    """The console for results: stdout, no highlighting, long lines not wrapped.

    Not on a terminal (a pipe, a file, a CI log) and without ``COLUMNS`` set, tables are
    laid out :data:`PIPE_WIDTH` characters wide, so wide tables keep readable cells.
    """
    width = None
    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        width = PIPE_WIDTH
    return Console(highlight=False, soft_wrap=True, width=width)


def stderr_console() -> Console:
    """The console for errors, warnings and progress: stderr."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_error(message: str) -> None:
    """One red line on stderr (no markup interpretation of the message)."""
    stderr_console().print(f"[bold red]error:[/] {escape(' '.join(message.split()))}")


def print_warning(message: str) -> None:
    """One yellow ``warning:`` line on stderr (no markup interpretation of the message)."""
    stderr_console().print(f"[yellow]warning:[/] {escape(message)}")


def print_note(message: str) -> None:
    """A ``note:`` line on stderr (stdout stays clean for ``--json``)."""
    stderr_console().print(f"[cyan]note:[/] {escape(message)}")


def describe_error(exc: BaseException) -> str:
    """The message of an expected error; for an ``OSError``, its reason and file name."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename:
        return f"{exc.strerror}: '{exc.filename}'"
    return str(exc) or type(exc).__name__


def render_text(*renderables: Any, width: int = 100) -> str:
    """Plain text (no colour) of Rich renderables as printed ``width`` columns wide."""
    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    for item in renderables:
        console.print(item)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def print_check(console: Console, report: Any) -> None:
    """The certificate report, its first line green (passed) or red (failed)."""
    first, *rest = str(report).splitlines() or [""]
    colour = "green" if report.passed else "red"
    console.print(f"[{colour}]{escape(first)}[/]")
    for line in rest:
        console.print(escape(line))


def print_written(console: Console, written: dict[str, Path]) -> None:
    """``wrote a, b to DIR`` for the files a command wrote (nothing when there are none)."""
    if written:
        folder = next(iter(written.values())).parent
        names = ", ".join(p.name for p in written.values())
        console.print(f"wrote {escape(names)} to {escape(str(folder))}")
