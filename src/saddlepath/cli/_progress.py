"""The library's long computations behind a progress display on stderr.

The commands run solvers, certificates and studies through these, so stdout stays clean
for tables and ``--json``; the displays themselves are :mod:`saddlepath.report.progress`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from rich.progress import Progress

from saddlepath.report import progress, progress_bar

__all__ = ["COMPUTING_PATH", "RichStudyProgress", "certify", "run_with_progress"]

COMPUTING_PATH = "Computing the exact saddle path…"


def certify(path: Any) -> Any:
    """Run :meth:`SaddlePath.check` behind a spinner; returns its report."""
    with progress("Certifying the path (KKT, duals, endpoint vs an independent solver)…"):
        return path.check()


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


class RichStudyProgress:
    """Adapter from a study's progress protocol (one run per scale) to a Rich progress bar."""

    def __init__(self, bar: Progress, what: str = "gradient flow", scale: str = "α") -> None:
        self.bar, self.task, self.what, self.scale = bar, None, what, scale

    def start(self, total: int) -> None:
        self.task = self.bar.add_task(f"{self.what} runs", total=total)

    def begin(self, index: int, alpha: str) -> None:
        text = f"{self.what} {index + 1} at {self.scale} = {alpha}"
        self.bar.update(self.task, description=text)

    def done(self, index: int, row: dict) -> None:
        self.bar.advance(self.task)
