"""How many runs go into one Dask task: from the measured per-task overhead.

Every Dask task costs a fixed overhead ``c`` (scheduling, serialisation, a round trip);
a batch of ``b`` runs of ``t`` seconds each costs ``c + b·t``. The overhead's share is
``c / (c + b·t)``, at most ``OVERHEAD_SHARE`` when

    b ≥ c (1 − s) / (s t),     s = OVERHEAD_SHARE.

Batches must also stay small enough to spread the work: at least ``MIN_BATCHES_PER_THREAD``
batches per worker thread (for balance near the end, and a useful ETA). ``c`` is measured
on the cluster at hand with no-op tasks, ``t`` from the probe runs (a
fresh worker's first run, which pays its imports, left out).
"""

from __future__ import annotations

import math
import time
from typing import Any

from saddlepath.sweep.execute import noop

__all__ = ["MIN_BATCHES_PER_THREAD", "OVERHEAD_SHARE", "choose_batch_size", "measure_overhead"]

# The largest share of the time a task's measured overhead may take. The no-op tasks miss
# part of what a real task costs where the scheduler shares the cores with the workers
# (its messages, the client's bookkeeping): for 300 flows of 90 ms on 2 cores, 2 runs per
# task (a 2 % share) kept the driver's process at 10 % of a core and took 15.2 s, 8 runs
# per task (0.5 %) 6.6 % and 14.4 s, 25 runs 5.9 % and 14.5 s (session 7).
OVERHEAD_SHARE = 0.005
MIN_BATCHES_PER_THREAD = 4


def measure_overhead(client: Any, n_tasks: int = 40) -> float:
    """The cost per Dask task (seconds of one worker thread), with no work in it.

    ``n_tasks`` no-op tasks are submitted at once (after a warm-up round) and the wall time
    to gather them all, times the number of worker threads, is divided by ``n_tasks``.
    """
    threads = max(1, sum(client.nthreads().values()))
    client.gather(client.map(noop, range(threads), pure=False))  # warm-up
    start = time.perf_counter()
    client.gather(client.map(noop, range(n_tasks), pure=False))
    return (time.perf_counter() - start) * threads / n_tasks


def choose_batch_size(overhead_s: float, run_s: float, n_runs: int, n_threads: int) -> int:
    """The number of runs per task (see the module docstring): ≥ 1.

    Parameters
    ----------
    overhead_s : float
        Measured overhead per task, in seconds.
    run_s : float
        Typical time of one run, in seconds (the median of the first runs).
    n_runs : int
        Runs still to do.
    n_threads : int
        Worker threads of the cluster.
    """
    s = OVERHEAD_SHARE
    needed = math.ceil(overhead_s * (1 - s) / (s * max(run_s, 1e-9)))
    spread = math.ceil(n_runs / (MIN_BATCHES_PER_THREAD * max(n_threads, 1)))
    return max(1, min(needed, spread))
