"""What a Dask worker runs: a batch of runs, each written to the store as it finishes.

Each run is written by the worker itself (:func:`~saddlepath.sweep.store.write_run`), so a
finished run survives the death of the worker or of the driver; the worker returns only a
short row per run. An exception inside a run is recorded with its traceback under
``failures/`` and does not stop the batch (it is the run's outcome, and retrying would
repeat it); the death of the worker process is Dask's to handle (the batch is retried on
another worker).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

from saddlepath.sweep.data_spec import build_dataset
from saddlepath.sweep.store import append_failure, finished_run, write_run
from saddlepath.sweep.tasks import Task, _scalars

__all__ = ["execute_batch", "execute_run", "noop"]


def noop(i: int) -> int:
    """A task that does nothing (to measure the per-task overhead of the cluster)."""
    return i


def execute_run(
    out: str | Path, task: Task, run: dict[str, Any], *, record: bool = True
) -> dict[str, Any]:
    """Run one config (unless the store already holds it) and write it; returns its row.

    With ``record`` the result's record is written with the run's ``run.json``.

    The row is ``{"key", "status": "done"|"failed"|"skipped", "wall_s", "cpu_s"}``:
    the run's own wall time and the CPU time of the whole worker process meanwhile (data
    set, library call, summary, and the worker's own threads), not the writing.
    """
    out = Path(out)
    if finished_run(out, run["key"], record=record) is not None:  # retried, or another driver
        return {"key": run["key"], "status": "skipped", "wall_s": 0.0, "cpu_s": 0.0}
    start, cpu = time.perf_counter(), time.process_time()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = task.run(build_dataset(run["data"]), dict(run["params"]))
            scalars = _scalars(task.summarize(result))
        wall_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        scalars = scalars | _warning_count(caught)
        write_run(out, run, result, scalars, wall_s, cpu_s=cpu_s, record=record)
    except Exception as exc:  # the run's outcome: recorded with its traceback
        append_failure(out, run, exc)
        wall_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        return {"key": run["key"], "status": "failed", "wall_s": wall_s, "cpu_s": cpu_s}
    return {"key": run["key"], "status": "done", "wall_s": wall_s, "cpu_s": cpu_s}


def _warning_count(caught: list) -> dict[str, int]:
    return {"n_warnings": len(caught)}


def execute_batch(
    out: str, task: Task, runs: list[dict[str, Any]], *, record: bool = True
) -> list[dict[str, Any]]:
    """Run a batch of configs in order (see :func:`execute_run`); one row per run."""
    return [execute_run(out, task, run, record=record) for run in runs]
