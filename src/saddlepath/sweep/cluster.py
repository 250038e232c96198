"""Where a sweep runs: a Dask ``LocalCluster``, an existing scheduler, or SLURM.

- Nothing given: a ``LocalCluster`` of ``workers`` processes (default: the CPU count), one
  thread each, closed at the end. Dask's nannies restart a worker that dies, and the
  scheduler re-runs its task elsewhere.
- ``scheduler="tcp://host:8786"``: a ``Client`` of that scheduler (``dask scheduler`` and
  ``dask worker`` started by you, or any Dask deployment); the workers must be able to
  import saddlepath and to write the store's folder (a shared file system).
- SLURM: :func:`slurm_cluster` makes a ``dask_jobqueue.SLURMCluster``; pass it (or its
  ``scheduler_address``) as ``scheduler``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = [
    "ALLOCATOR_ENV",
    "DASK_SETTINGS",
    "WORKER_CONFIG",
    "ClientStarter",
    "check_cluster_args",
    "connect",
    "slurm_cluster",
    "worker_environment",
]

# Dask's statistical profiler samples every worker thread's stack every 10 ms, taking the
# GIL each time: on a busy machine it doubled the time of a small flow (78 → 159 ms median,
# benchmarks/sweep.py). Sweeps need no profile, so the workers saddlepath starts run
# without it. Dask's event loops also wake every 20 ms (tick) and sample the system every
# 0.5 s; less often, the driver's process (scheduler, nannies) took 25 % less CPU and 300
# flows of 90 ms on 2 cores ran 3 % faster (session 7). Nothing in a sweep reads them.
DASK_SETTINGS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
}
# Dask's nannies also start workers with MALLOC_TRIM_THRESHOLD_=65536, which fixes glibc's
# thresholds: every array over 128 kB is then a fresh mmap (page faults on first touch)
# and is unmapped when freed. A flow at (n, d) = (150, 600) took 130 ms so against 97–102
# ms with glibc's defaults and 88–90 ms with the thresholds below (arrays up to 32 MiB
# reuse the heap, which is trimmed past 64 MiB free; alternating runs on 2 cores, session 7).
ALLOCATOR_ENV = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "67108864"}
WORKER_CONFIG = DASK_SETTINGS | {
    f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in ALLOCATOR_ENV.items()
}


def worker_environment() -> dict[str, str]:
    """The environment that gives workers you start yourself (``dask worker``) the same
    settings as the local cluster's: :data:`DASK_SETTINGS` as ``DASK_*`` variables and
    :data:`ALLOCATOR_ENV`."""
    dask = {
        "DASK_" + key.upper().replace(".", "__").replace("-", "_"): str(value)
        for key, value in DASK_SETTINGS.items()
    }
    return dask | ALLOCATOR_ENV


@contextlib.contextmanager
def connect(workers: int | None = None, scheduler: Any = None) -> Iterator[Any]:
    """A ``distributed.Client``: of ``scheduler`` (an address, a cluster or a client), or of a
    new ``LocalCluster`` of ``workers`` single-threaded processes; closed on exit."""
    with ClientStarter(workers, scheduler) as starter:
        yield starter.client()


def check_cluster_args(workers: Any, scheduler: Any) -> None:
    """``ValueError`` for both given, or ``workers`` not an integer ≥ 1."""
    if scheduler is not None and workers is not None:
        raise ValueError(
            f"Give either workers (got {workers!r}) for a local cluster or scheduler (got "
            f"{scheduler!r}) for an existing one, not both."
        )
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValueError(f"workers must be an integer ≥ 1; got {workers!r}.")


def _local_cluster(n: int) -> Any:
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )


class ClientStarter:
    """The client of a sweep, whose local cluster can start in a background thread while the
    driver checks the store (:meth:`start`); :meth:`client` waits for it. What was started
    is closed when the ``with`` block ends (a client or cluster given is left open)."""

    def __init__(self, workers: int | None, scheduler: Any) -> None:
        check_cluster_args(workers, scheduler)
        self._workers, self._scheduler = workers, scheduler
        self._stack = contextlib.ExitStack()
        self._future, self._client = None, None

    def start(self) -> None:
        """Start the local cluster now, in the background (once; nothing for a scheduler)."""
        import dask
        import distributed  # noqa: F401  (its defaults join dask.config now: see below)

        if self._future is None and self._scheduler is None:
            # restarted workers get it too; on exit config.set removes every key that was
            # absent before it, so distributed's defaults must be loaded first (else a
            # second sweep in the same process finds no "distributed" config)
            self._stack.enter_context(dask.config.set(WORKER_CONFIG))
            n = (os.cpu_count() or 1) if self._workers is None else self._workers
            pool = ThreadPoolExecutor(1, thread_name_prefix="saddlepath-sweep-start")
            self._future = pool.submit(_local_cluster, n)
            pool.shutdown(wait=False)
            self._stack.callback(self._close_cluster)

    def _close_cluster(self) -> None:
        with contextlib.suppress(Exception):  # a start that failed and was never asked for
            self._future.result().close()

    def client(self) -> Any:
        """The ``distributed.Client`` (raises what starting or connecting raised)."""
        from distributed import Client

        if self._client is None:
            if isinstance(self._scheduler, Client):
                self._client = self._scheduler
            elif self._scheduler is not None:
                self._client = self._stack.enter_context(Client(self._scheduler))
            else:
                self.start()
                self._client = self._stack.enter_context(Client(self._future.result()))
        return self._client

    def __enter__(self) -> ClientStarter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()


def slurm_cluster(
    *,
    cores: int = 1,
    memory: str = "4GB",
    walltime: str = "01:00:00",
    queue: str | None = None,
    account: str | None = None,
    **options: Any,
):
    """A ``dask_jobqueue.SLURMCluster`` of single-threaded saddlepath workers.

    Each SLURM job runs one worker process per core (``processes=cores``), so every run
    has a core to itself. Scale it (``cluster.scale(jobs=10)`` or ``cluster.adapt(...)``)
    and pass it as ``scheduler`` to :func:`saddlepath.sweep.run`. ``cluster.job_script()``
    shows the batch script it submits; it turns Dask's profiler off in the workers and
    sets glibc's allocator thresholds (:data:`WORKER_CONFIG`, :data:`ALLOCATOR_ENV`).
    Other keyword arguments go to ``SLURMCluster`` (e.g.
    ``job_extra_directives=["--constraint=cpu"]``,
    ``job_script_prologue=["source ~/venv/bin/activate"]``).

    Parameters
    ----------
    cores : int, default 1
        Cores per job (and worker processes per job).
    memory : str, default "4GB"
        Memory per job.
    walltime : str, default "01:00:00"
        SLURM time limit per job (workers live as long as their job).
    queue, account : str, optional
        SLURM partition (``-p``) and account (``-A``).
    """
    from dask_jobqueue import SLURMCluster

    env = " ".join(f"{k}={v}" for k, v in worker_environment().items())
    prologue = [f"export {env}", *options.pop("job_script_prologue", [])]
    return SLURMCluster(
        job_script_prologue=prologue,
        cores=cores,
        processes=cores,
        memory=memory,
        walltime=walltime,
        queue=queue,
        account=account,
        **options,
    )
