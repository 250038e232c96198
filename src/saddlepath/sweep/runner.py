"""Run a sweep on Dask into its store: skip what is finished, batch the rest, record all.

The driver holds the store's lock (:mod:`~saddlepath.sweep.lock`), writes the manifest,
finds the runs not yet finished (a run folder whose record does not load is recomputed),
measures the per-task overhead, runs one probe task of two runs per worker thread (the
second, warm run is timed), chooses the batch size from both
(:mod:`~saddlepath.sweep.batching`) and submits the rest. Workers write each run as it
finishes, so a killed driver or worker loses at most the runs in flight; Dask re-runs
the task of a worker that died on another worker (up to
``distributed.scheduler.allowed-failures`` times, 3 by default), and a task that still
fails marks its runs failed. The results table is rebuilt at the end.
"""

from __future__ import annotations

import functools
import math
import os
import statistics
import time
from pathlib import Path
from typing import Any, Protocol

from saddlepath.sweep.batching import choose_batch_size, measure_overhead
from saddlepath.sweep.cluster import ClientStarter
from saddlepath.sweep.config import SweepConfig, load_config
from saddlepath.sweep.execute import execute_batch
from saddlepath.sweep.lock import store_lock
from saddlepath.sweep.store import (
    RUN_FILE,
    append_failure,
    clean_stale,
    finished_run,
    write_manifest,
)
from saddlepath.sweep.summary import SweepStatus, SweepSummary
from saddlepath.sweep.table import rebuild_table
from saddlepath.sweep.tasks import get_task

__all__ = ["SweepProgress", "run"]

_RETRIES = 2  # re-submissions of a batch whose function raised (not a run's own error)
_PROBE_RUNS = 2  # runs per probe task: the first of a fresh worker pays its imports
_POLL_S = 0.5  # the fewest seconds between two questions to the scheduler for the running count


class SweepProgress(Protocol):
    """What :func:`run` reports while it runs (all counts are runs, not Dask tasks)."""

    def start(self, total: int, skipped: int) -> None: ...

    def update(self, done: int, failed: int, running: int) -> None: ...


def run(
    config: SweepConfig | str | os.PathLike | dict,
    out: str | os.PathLike,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    progress: SweepProgress | None = None,
) -> SweepSummary:
    """Run every point of a sweep's grid on Dask and keep the results in the store ``out``.

    Parameters
    ----------
    config : SweepConfig, path of a TOML file, or mapping
        The sweep (see :mod:`saddlepath.sweep.config`); checked before anything runs.
    out : str or os.PathLike
        The store (created if missing). Runs already finished in it are skipped.
    workers : int, optional
        Worker processes of a new ``LocalCluster`` (default: the CPU count).
    scheduler : str, Client or cluster, optional
        An existing Dask scheduler's address (``"tcp://host:8786"``), a ``Client`` or a
        cluster (e.g. :func:`~saddlepath.sweep.slurm_cluster`). Not with ``workers``.
    progress : SweepProgress, optional
        Told the total, then the counts after every finished task.

    Returns
    -------
    SweepSummary

    Raises
    ------
    SpecError
        The config is invalid (nothing runs).
    StoreBusyError
        Another driver holds the store.
    ValueError
        Both ``workers`` and ``scheduler``, or ``workers`` not an integer ≥ 1.

    Examples
    --------
    In a script, under ``if __name__ == "__main__":`` (Dask's worker processes import it):

    >>> summary = run("examples/sweep_flow.toml", "sweep-out", workers=2)  # doctest: +SKIP
    >>> summary.n_done, summary.status.name  # doctest: +SKIP
    (15, 'COMPLETE')
    """
    start = time.perf_counter()
    config = config if isinstance(config, SweepConfig) else load_config(config)
    out = Path(out)
    runs = config.run_configs()
    keys = [r["key"] for r in runs]
    with store_lock(out), ClientStarter(workers, scheduler) as starter:
        clean_stale(out)
        write_manifest(out, config, keys)
        if any(not (out / "runs" / k / RUN_FILE).is_file() for k in keys):
            starter.start()  # the cluster starts while the finished runs are verified
        todo = [r for r in runs if finished_run(out, r["key"], record=config.records) is None]
        skipped = len(keys) - len(todo)
        if progress is not None:
            progress.start(len(keys), skipped)
        stats: dict[str, float] = {}
        if todo:
            stats = _execute(starter.client(), config, out, todo, skipped, progress)
            stats["setup_s"] = time.perf_counter() - start - stats["compute_s"]
        rebuild_table(out, keys, [r["point"] for r in runs])
    return _summary(config, out, keys, skipped, len(todo), time.perf_counter() - start, stats)


def _execute(client, config, out: Path, todo: list, skipped: int, progress) -> dict:
    begin = time.perf_counter()
    task = get_task(config.task)
    threads = max(1, sum(client.nthreads().values()))
    overhead = measure_overhead(client)
    tracker = _Tracker(progress, skipped)
    probes = [todo[i : i + _PROBE_RUNS] for i in range(0, min(len(todo), threads * _PROBE_RUNS),
                                                           _PROBE_RUNS)]  # fmt: skip
    rest = todo[sum(map(len, probes)) :]
    gather = functools.partial(_gather, client, str(out), task, tracker, record=config.records)
    probe_rows = gather(probes)
    run_s = _warm_run_s(probe_rows, probes)
    size = config.batch_size or choose_batch_size(overhead, run_s, len(rest), threads)
    batches = [rest[i : i + size] for i in range(0, len(rest), size)]
    rows = probe_rows + gather(batches)
    return {
        "task_overhead_s": overhead,
        "run_s_median": run_s,
        "batch_size": size,
        "n_batches": len(probes) + len(batches),
        "n_threads": threads,
        "compute_s": time.perf_counter() - begin,
        "cpu_s": sum(row.get("cpu_s", 0.0) for row in rows),
    }


def _warm_run_s(rows: list[dict], probes: list[list[dict]]) -> float:
    """The median wall time of the probes' *later* runs (seconds).

    A fresh worker's first run also pays its imports and loads compiled kernels (≈ 230 ms
    against ≈ 25 ms for a small flow, measured): timed alone it would make every batch a
    single run. Probes of one run fall back to those runs.
    """
    first = {probe[0]["key"] for probe in probes if len(probe) > 1}
    warm = [row["wall_s"] for row in rows if row["key"] not in first and row["wall_s"] > 0]
    return statistics.median(warm or [row["wall_s"] for row in rows] or [0.0])


class _Tracker:
    def __init__(self, progress, skipped: int) -> None:
        self.progress, self.done, self.failed = progress, skipped, 0

    def add(self, rows: list[dict], running: int) -> None:
        self.done += sum(row["status"] != "failed" for row in rows)
        self.failed += sum(row["status"] == "failed" for row in rows)
        if self.progress is not None:
            self.progress.update(self.done, self.failed, running)


def _gather(
    client, out: str, task, tracker: _Tracker, batches: list[list[dict]], *, record: bool
) -> list[dict]:
    """Submit the batches and collect their rows as they finish (a lost batch → failed)."""
    from distributed import as_completed

    futures = {
        client.submit(
            execute_batch, out, task, batch, record=record, pure=False, retries=_RETRIES
        ): batch
        for batch in batches
    }
    running = _RunningCount(client, {f.key: len(b) for f, b in futures.items()})
    rows: list[dict] = []
    for future in as_completed(futures):
        batch = futures.pop(future)
        try:
            got = future.result()
        except Exception as exc:  # the batch's worker died too often, or it could not run
            got = [_lost(Path(out), run, exc, record) for run in batch]
        rows += got
        tracker.add(got, running(futures))
    return rows


def _lost(out: Path, run: dict, exc: BaseException, record: bool) -> dict:
    if finished_run(out, run["key"], record=record) is not None:
        return {"key": run["key"], "status": "done", "wall_s": 0.0}
    append_failure(out, run, exc)
    return {"key": run["key"], "status": "failed", "wall_s": 0.0}


class _RunningCount:
    """Runs in the batches that workers are processing now, asked of the scheduler at most
    every ``_POLL_S`` seconds (one round trip per finished batch would slow small runs)."""

    def __init__(self, client, size: dict) -> None:
        self.client, self.size, self.asked, self.count = client, size, -math.inf, 0

    def __call__(self, pending: dict) -> int:
        if time.perf_counter() - self.asked < _POLL_S:
            return min(self.count, sum(self.size[f.key] for f in pending))
        self.asked, keys = time.perf_counter(), {f.key for f in pending}
        try:
            processing = self.client.processing()
        except Exception:  # a scheduler that does not answer: no count rather than a crash
            return 0
        self.count = sum(self.size[k] for ks in processing.values() for k in ks if k in keys)
        return self.count


def _summary(config, out, keys, skipped, n_todo, wall_s, stats) -> SweepSummary:
    from saddlepath.sweep.summary import status

    state = status(out)
    sweep_status = SweepStatus.FAILURES if state.n_failed else SweepStatus.COMPLETE
    return SweepSummary(
        out,
        config.task,
        state.n_runs,
        state.n_done,
        state.n_failed,
        skipped,
        n_todo,
        wall_s,
        sweep_status,
        stats,
    )
