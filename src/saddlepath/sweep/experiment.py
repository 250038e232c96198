"""A reproduction run through the sweep engine: its independent runs as a sweep, then collected.

A reproduction module that can run this way defines ``sweep_config(config) -> mapping`` (a
sweep over its independent runs, e.g. one per seed) and ``from_sweep(config, results,
seconds) -> result`` (its result from the runs' results, in grid order). Today:
``pf-convergence`` (one convergence study per seed).
"""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType
from typing import Any

from saddlepath.sweep.config import load_config
from saddlepath.sweep.runner import run
from saddlepath.sweep.store import RECORD_STEM

__all__ = ["SweepRunsFailedError", "on_sweep", "run_reproduction"]


class SweepRunsFailedError(RuntimeError):
    """Some runs of a reproduction's sweep failed: the result would be partial."""


def on_sweep(module: ModuleType) -> bool:
    """Whether the reproduction ``module`` can run through the sweep engine."""
    return hasattr(module, "sweep_config") and hasattr(module, "from_sweep")


class _Ticks:
    """A SweepProgress that calls ``progress(done, total)``."""

    def __init__(self, progress) -> None:
        self.progress, self.total = progress, 0

    def start(self, total: int, skipped: int) -> None:
        self.total = total
        self.progress(skipped, total)

    def update(self, done: int, failed: int, running: int) -> None:
        self.progress(done + failed, self.total)


def run_reproduction(
    module: ModuleType,
    config: Any,
    store: str | Path,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    progress=None,
) -> Any:
    """Run ``module``'s independent runs as a sweep into ``store``, then its result.

    The store is resumable like any sweep's: runs finished there are not computed again.

    Parameters
    ----------
    module : module
        A reproduction module with ``sweep_config`` and ``from_sweep``.
    config : the module's Config
    store : str or os.PathLike
        The sweep's store (created if missing).
    workers, scheduler
        As for :func:`saddlepath.sweep.run`.
    progress : callable, optional
        ``progress(done, total)`` in runs.

    Raises
    ------
    ValueError
        ``module`` cannot run through the sweep engine.
    SweepRunsFailedError
        A run failed (its traceback is under ``store/failures/``); nothing is collected.
    """
    if not on_sweep(module):
        raise ValueError(f"{module.NAME} does not run through the sweep engine; run it without "
                         "`workers` or `scheduler`.")  # fmt: skip
    from saddlepath.records import load

    start, sweep = time.perf_counter(), load_config(module.sweep_config(config))
    ticks = None if progress is None else _Ticks(progress)
    summary = run(sweep, store, workers=workers, scheduler=scheduler, progress=ticks)
    if summary.n_failed:
        raise SweepRunsFailedError(
            f"{summary.n_failed} of {summary.n_runs} runs of {module.NAME} failed in {store}: "
            f"their tracebacks are in {Path(store) / 'failures'}. Fix the cause and run again "
            "(the finished runs are kept)."
        )
    results = [load(Path(store) / "runs" / r["key"] / RECORD_STEM) for r in sweep.run_configs()]
    return module.from_sweep(config, results, time.perf_counter() - start)
