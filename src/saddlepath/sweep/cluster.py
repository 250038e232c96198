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
from typing import Any

__all__ = ["WORKER_CONFIG", "connect", "slurm_cluster"]

# Dask's statistical profiler samples every worker thread's stack every 10 ms, taking the
# GIL each time: on a busy machine it doubled the time of a small flow (78 → 159 ms median,
# benchmarks/sweep.py). Sweeps need no profile, so the workers saddlepath starts run
# without it; for workers you start, set DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
_WORKER_ENV = "export DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"


@contextlib.contextmanager
def connect(workers: int | None = None, scheduler: Any = None) -> Iterator[Any]:
    """A ``distributed.Client``: of ``scheduler`` (an address, a cluster or a client), or of a
    new ``LocalCluster`` of ``workers`` single-threaded processes; closed on exit."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None and workers is not None:
        raise ValueError(
            f"Give either workers (got {workers!r}) for a local cluster or scheduler (got "
            f"{scheduler!r}) for an existing one, not both."
        )
    if isinstance(scheduler, Client):
        yield scheduler  # the caller's: not closed here
        return
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    n = (os.cpu_count() or 1) if workers is None else workers
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"workers must be an integer ≥ 1; got {workers!r}.")
    with (
        dask.config.set(WORKER_CONFIG),
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


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
    shows the batch script it submits; it turns Dask's profiler off in the workers
    (:data:`WORKER_CONFIG`). Other keyword arguments go to ``SLURMCluster``
    (e.g. ``job_extra_directives=["--constraint=cpu"]``,
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

    prologue = [_WORKER_ENV, *options.pop("job_script_prologue", [])]
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
