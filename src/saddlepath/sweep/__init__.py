"""Sweeps: one task over a grid of parameters, run on Dask, kept in a resumable store.

``run(config, out)`` runs every grid point of a sweep config (:mod:`.config`; a TOML
file, a mapping or a :class:`SweepConfig`) as a task of :mod:`.tasks` on a Dask cluster
(:mod:`.cluster`: a ``LocalCluster`` by default, any scheduler by address, SLURM through
``dask-jobqueue``), and keeps every result in the store ``out`` (:mod:`.store`, layout in
its docstring): each run written atomically under the sha256 of its full config, failures
with their traceback, and ``results.parquet`` (:mod:`.table`). Running again skips what is
finished; a killed driver or worker loses only the runs in flight; one driver per store
(:mod:`.lock`). ``status(out)`` says where a store stands.

Examples
--------
>>> import tempfile, saddlepath.sweep as sweep
>>> config = sweep.load_config({
...     "task": "path", "data": {"kind": "sparse", "n": 5, "d": 8, "k": 2},
...     "grid": {"seed": [0, 1]}})
>>> [run["point"] for run in config.run_configs()]
[{'seed': 0}, {'seed': 1}]
"""

from __future__ import annotations

from saddlepath.sweep.cluster import slurm_cluster
from saddlepath.sweep.config import SweepConfig, load_config, run_key
from saddlepath.sweep.data_spec import SpecError
from saddlepath.sweep.lock import StoreBusyError
from saddlepath.sweep.runner import SweepProgress, run
from saddlepath.sweep.summary import StoreState, SweepStatus, SweepSummary, status
from saddlepath.sweep.tasks import Task, get_task, register_task, task_names

__all__ = [
    "SpecError",
    "StoreBusyError",
    "StoreState",
    "SweepConfig",
    "SweepProgress",
    "SweepStatus",
    "SweepSummary",
    "Task",
    "get_task",
    "load_config",
    "register_task",
    "run",
    "run_key",
    "slurm_cluster",
    "status",
    "task_names",
]
