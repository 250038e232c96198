"""Helpers shared by the saddle-analysis commands (:mod:`.analysis`, :mod:`.init_scale`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.markup import escape

from saddlepath import io
from saddlepath.report import progress, progress_bar, stderr_console

__all__ = ["NEEDS_OUT", "note", "run_with_progress", "write_outputs"]

NEEDS_OUT = "--plot needs --out DIR: the figures are written into that directory."


def write_outputs(
    out: Path, name: str, record: dict, figures: dict, owned_figures: tuple[str, ...] = ()
) -> dict[str, Path]:
    """Write ``record`` as ``out/name`` and each ``figures[file]()`` as ``out/file``.

    The files replace the older ones of the same command as one set
    (:func:`saddlepath.io.write_folder`): a killed run leaves the old set whole, and a
    figure in ``owned_figures`` that this run does not draw is removed (no stale figure
    beside new results).
    """

    def files(stage: Path) -> dict[str, Path]:
        written = {"json": io.write_json_atomic(stage / name, record)}
        for file, make in figures.items():
            with progress(f"Drawing {file}…"):
                written[file] = io.save_figure_atomic(make(), stage / file)
        return written

    return io.write_folder(out, files, owned=(name, *owned_figures))


def note(message: str) -> None:
    """A ``note:`` line on stderr (stdout stays clean for ``--json``)."""
    stderr_console().print(f"[cyan]note:[/] {escape(message)}")


def run_with_progress(
    run: Callable[..., Any], dataset: Any, what: str, path: Any, **kwargs: Any
) -> Any:
    """``run(X, y, **kwargs)`` (a flow or GD) behind a progress display on stderr.

    When ``run`` takes a ``progress`` callback (called with the accelerated time τ reached),
    the display is a bar over τ up to ``tau_max`` or the exact path's last jump time, with
    an ETA; otherwise a spinner with what runs and the elapsed time.
    """
    if "progress" not in inspect.signature(run).parameters:
        with progress(f"{what}…"):
            return run(dataset.X, dataset.y, **kwargs)
    end = kwargs.get("tau_max") or 1.1 * float(path.tau[-1]) or 1.0
    with progress_bar() as bar:
        task = bar.add_task(what, total=end)

        def reached(tau: float) -> None:
            bar.update(task, completed=min(float(tau), end))

        return run(dataset.X, dataset.y, progress=reached, **kwargs)
