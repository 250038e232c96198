"""Helpers shared by the saddle-analysis commands (:mod:`.analysis`, :mod:`.init_scale`)."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from saddlepath import io
from saddlepath.report import progress, stderr_console

__all__ = ["NEEDS_OUT", "note", "write_outputs"]

NEEDS_OUT = "--plot needs --out DIR: the figures are written into that directory."


def write_outputs(out: Path, name: str, record: dict, figures: dict) -> dict[str, Path]:
    """Write ``record`` as ``out/name`` and each ``figures[file]()`` as ``out/file``.

    The files replace the older ones of the same command as one set
    (:func:`saddlepath.io.write_folder`): a killed run leaves the old set whole.
    """

    def files(stage: Path) -> dict[str, Path]:
        written = {"json": io.write_json_atomic(stage / name, record)}
        for file, make in figures.items():
            with progress(f"Drawing {file}…"):
                written[file] = io.save_figure_atomic(make(), stage / file)
        return written

    return io.write_folder(out, files, owned=(name,))


def note(message: str) -> None:
    """A ``note:`` line on stderr (stdout stays clean for ``--json``)."""
    stderr_console().print(f"[cyan]note:[/] {escape(message)}")
