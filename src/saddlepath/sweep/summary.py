"""What a sweep did (:class:`SweepSummary`) and where a store stands (:func:`status`)."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path

from saddlepath._status import Status

__all__ = ["StoreState", "SweepStatus", "SweepSummary", "status"]


class SweepStatus(Status):
    """How a sweep ended."""

    COMPLETE = "every run of the grid finished"
    FAILURES = "some runs failed (see failures/<key>.json for the error and traceback)"

    @classmethod
    def failures(cls):
        return frozenset({cls.FAILURES})


@dataclasses.dataclass(frozen=True)
class SweepSummary:
    """The outcome of :func:`saddlepath.sweep.run`.

    Attributes
    ----------
    out : Path
        The store.
    task : str
    n_runs : int
        Runs in the grid.
    n_done, n_failed : int
        Runs finished and failed, in the store at the end.
    n_skipped : int
        Runs already finished when the sweep started (not recomputed).
    n_computed : int
        Runs computed by this sweep (finished or failed).
    wall_s : float
        Wall time of the whole sweep, in seconds.
    status : SweepStatus
    stats : mapping
        ``task_overhead_s`` (measured cost of one Dask task, seconds), ``run_s_median``
        (the median run's own time), ``batch_size``, ``n_batches``, ``n_threads``,
        ``setup_s`` (config, store check, cluster start-up), ``compute_s`` (from a
        ready cluster to the last run) and ``cpu_s`` (the workers' CPU time during the
        runs, summed); empty when nothing ran.
    """

    out: Path
    task: str
    n_runs: int
    n_done: int
    n_failed: int
    n_skipped: int
    n_computed: int
    wall_s: float
    status: SweepStatus
    stats: Mapping[str, float]


@dataclasses.dataclass(frozen=True)
class StoreState:
    """Where a store stands (:func:`status`).

    Attributes
    ----------
    out : Path
    task : str
    n_runs, n_done, n_failed, n_pending : int
        Runs in the manifest; finished; failed (and not finished since); neither.
    driver : str or None
        ``"pid N on HOST, since T"`` when a driver holds the store now, else ``None``.
    errors : tuple of str
        The distinct error messages of the failed runs (at most 5).
    """

    out: Path
    task: str
    n_runs: int
    n_done: int
    n_failed: int
    n_pending: int
    driver: str | None
    errors: tuple[str, ...]


def status(out: str | os.PathLike) -> StoreState:
    """Where the sweep store ``out`` stands: runs done, failed, pending, and a live driver.

    A run counts as done when its ``run.json`` says so (the record itself is checked when
    a sweep resumes). Reading never blocks a running driver.

    Raises
    ------
    FileNotFoundError
        ``out`` holds no sweep (no ``sweep.json``).
    """
    out = Path(out)
    try:
        manifest = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"'{out}' is not a sweep store (no sweep.json): give the --out folder of "
            "`saddlepath sweep`."
        ) from None
    from saddlepath.sweep.store import read_failure
    from saddlepath.sweep.table import _run_info

    done = failed = 0
    errors: dict[str, None] = {}
    for key in manifest["keys"]:
        if _run_info(out, key) is not None:
            done += 1
        elif (failure := read_failure(out, key)) is not None:
            failed += 1
            errors[failure["error"].splitlines()[0] if failure["error"] else "?"] = None
    n = manifest["n_runs"]
    return StoreState(
        out, manifest["task"], n, done, failed, n - done - failed, _driver(out), tuple(errors)[:5]
    )


def _driver(out: Path) -> str | None:
    import fcntl

    from saddlepath.sweep.lock import LOCK_FILE

    try:
        fd = os.open(out / LOCK_FILE, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            holder = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
            return f"pid {holder['pid']} on {holder['host']}, since {holder['since']}"
        except (OSError, ValueError, KeyError):
            return "a running driver"
    finally:
        os.close(fd)
    return None
