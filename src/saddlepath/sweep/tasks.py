"""The tasks a sweep can run: each maps a plain run config to a result and its scalars.

A :class:`Task` wraps one library call. Its parameters are the keyword parameters of that
call (read from its signature, so the allowed names are never listed twice); a run config
``{"task", "data", "params"}`` is run by :func:`run_task`, which builds the data set
(:func:`~saddlepath.sweep.data_spec.build_dataset`), calls the library and returns the
result (a registered record type) and its scalar summary (a flat ``dict`` of float, int,
str or bool: the columns of the results table).

Built-in tasks: ``path`` (:func:`~saddlepath.saddle_path`), ``flow``
(:func:`~saddlepath.gradient_flow`), ``descent`` (:func:`~saddlepath.gradient_descent`),
``analyze`` (a flow compared with the exact path, :func:`~saddlepath.compare`),
``init_scale`` (:func:`~saddlepath.experiments.init_scale_study`), ``convergence``
(:func:`~saddlepath.experiments.convergence_study`) and ``escape``
(:func:`~saddlepath.deep.escape_direction` with ``G`` of the mean squared error on ``y``,
in float64 unless ``x64 = false``; needs JAX). :func:`register_task` adds one.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from saddlepath.sweep.data_spec import build_dataset

__all__ = ["Task", "get_task", "register_task", "run_task", "task_names"]

# parameters of the library calls that a sweep never sets (data, callbacks, objects)
_NOT_PARAMETERS = frozenset({"X", "y", "G", "progress", "path", "plateaus", "from_shallower"})


@dataclasses.dataclass(frozen=True)
class Task:
    """One kind of sweep run.

    Attributes
    ----------
    name : str
        The ``task`` of a sweep config.
    function : callable
        The library call; its keyword parameters are the task's parameters.
    run : callable
        ``run(dataset, params) -> result``.
    summarize : callable
        ``summarize(result) -> dict`` of scalars (the results table's columns).
    extra : tuple of str
        Parameters the task takes beyond those of ``function``.
    check : callable, optional
        ``check(params)`` raises ``ValueError`` or ``TypeError`` for parameters the library
        call would refuse although each name is allowed (e.g. neither ``alpha`` nor
        ``log_alpha``); run on every grid point before anything runs.
    """

    name: str
    function: Callable
    run: Callable[[Any, dict], Any]
    summarize: Callable[[Any], dict]
    extra: tuple[str, ...] = ()
    check: Callable[[dict], None] | None = None

    @property
    def parameters(self) -> dict[str, bool]:
        """Every parameter name → whether it is required."""
        out = {}
        for p in inspect.signature(self.function).parameters.values():
            if p.name in _NOT_PARAMETERS or p.kind is p.VAR_KEYWORD:
                continue
            out[p.name] = p.default is inspect.Parameter.empty
        return out | {name: False for name in self.extra}


_TASKS: dict[str, Task] = {}


def register_task(task: Task) -> Task:
    """Add (or replace) a task under ``task.name``; returns it.

    The function must be importable on the workers (defined at module level in a module
    they can import), as every Dask task is.
    """
    _TASKS[task.name] = task
    return task


def task_names() -> tuple[str, ...]:
    """The names of every registered task."""
    _ensure_builtins()
    return tuple(_TASKS)


def get_task(name: str) -> Task:
    """The task registered as ``name``; ``KeyError`` names the registered ones."""
    _ensure_builtins()
    if name not in _TASKS:
        raise KeyError(f"unknown task {name!r}; registered: {', '.join(map(repr, _TASKS))}")
    return _TASKS[name]


def run_task(config: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Run one config ``{"task", "data", "params"}``: its result and scalar summary."""
    task = get_task(config["task"])
    dataset = build_dataset(config["data"])
    result = task.run(dataset, dict(config["params"]))
    return result, _scalars(task.summarize(result))


def _scalars(summary: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in summary.items():
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, bool | int | float | str):
            raise TypeError(f"summary value {name!r} is {type(value).__name__}, not a scalar")
        out[name] = value
    return out


def _status(result: Any) -> dict[str, Any]:
    return {"result_status": result.status.name, "success": bool(result.status.success)}


def _last(values) -> float:
    return float(values[-1]) if len(values) else math.nan


def _run_summary(traj) -> dict[str, Any]:
    return {
        "final_tau": _last(traj.tau),
        "final_loss": _last(traj.loss),
        "n_saved": len(traj.tau),
        **{k: int(v) for k, v in traj.stats.items()},
        **_status(traj),
    }


def _path_summary(path) -> dict[str, Any]:
    return {
        "n_saddles": int(path.n_saddles),
        "final_tau": _last(path.tau),
        "final_loss": _last(path.loss),
        "l1_norm": _last(path.l1_norm),
        **{k: int(v) for k, v in path.stats.items()},
        **_status(path),
    }


def _analyze(dataset, params: dict):
    from saddlepath.analysis import compare
    from saddlepath.diagonal import gradient_flow, saddle_path

    keys = ("exclude", "jump_fraction", "match_rtol", "horizon")
    options = {k: params.pop(k) for k in keys if k in params}
    path = saddle_path(dataset.X, dataset.y)
    return compare(gradient_flow(dataset.X, dataset.y, **params), path, **options)


def _comparison_summary(cmp) -> dict[str, Any]:
    delays = np.asarray(cmp.jump_delays, dtype=float)
    finite = delays[np.isfinite(delays)]
    return {
        "plateau_error": float(cmp.error),
        "relative_error": float(cmp.relative_error),
        "max_delay": float(np.max(np.abs(finite))) if finite.size else math.nan,
        "n_missing": len(cmp.missing),
        "n_extra": len(cmp.extra),
        "log_alpha": float(cmp.log_alpha),
        **_status(cmp),
    }


def _init_scale_summary(study) -> dict[str, Any]:
    return {
        "n_gammas": len(study.gammas),
        "final_loss_max": float(np.max(study.loss)),
        "n_active_min": int(np.min(study.n_active)),
        "n_active_max": int(np.max(study.n_active)),
        "n_failed": sum(not s.success for s in study.statuses),
    }


def _convergence_summary(study) -> dict[str, Any]:
    return {
        "error_rate": float(study.error_rate.slope),
        "delay_rate": float(study.delay_rate.slope),
        "error_min": float(np.nanmin(study.errors)),
        "n_failed": sum(not s.success for s in study.statuses),
    }


def _escape(dataset, params: dict):
    """``escape_direction`` in float64 (``x64 = false`` for JAX's float32 default), set
    locally with ``jax.enable_x64``: a worker's global JAX flags are left as they are."""
    import jax

    from saddlepath.deep import escape_direction, mse_gradient

    widths = params.pop("widths")
    widths = tuple(widths) if isinstance(widths, list) else widths
    with jax.enable_x64(bool(params.pop("x64", True))):
        G = mse_gradient(dataset.y[:, None])
        return escape_direction(dataset.X, G, widths, **params)


def _escape_summary(res) -> dict[str, Any]:
    return {"speed": float(res.speed), "residual": float(res.residual), **_status(res)}


def _needs_scale(params: dict) -> None:
    """The scale of a diagonal network's initialisation: exactly one of alpha, log_alpha."""
    from saddlepath.diagonal._scale import resolve_log_alpha

    resolve_log_alpha(params.get("alpha"), params.get("log_alpha"), where="the task")


def _forwarded_flow_options(gradient_flow: Callable) -> tuple[str, ...]:
    """``gradient_flow``'s options that ``convergence_study`` forwards (``**flow_options``):
    all but the scale, which the study sets per run."""
    names = Task("flow", gradient_flow, lambda d, p: None, dict).parameters
    return tuple(name for name in names if name not in ("alpha", "log_alpha"))


def _ensure_builtins() -> None:
    if _TASKS:
        return
    from saddlepath import experiments
    from saddlepath.diagonal import gradient_descent, gradient_flow, saddle_path

    def lib(function: Callable) -> Callable:
        return lambda dataset, params: function(dataset.X, dataset.y, **params)

    from saddlepath.deep import escape_direction

    for task in (
        Task("path", saddle_path, lib(saddle_path), _path_summary),
        Task("flow", gradient_flow, lib(gradient_flow), _run_summary, check=_needs_scale),
        Task("descent", gradient_descent, lib(gradient_descent), _run_summary, check=_needs_scale),
        Task(
            "analyze",
            gradient_flow,
            _analyze,
            _comparison_summary,
            extra=("exclude", "jump_fraction", "match_rtol", "horizon"),
            check=_needs_scale,
        ),
        Task(
            "init_scale",
            experiments.init_scale_study,
            lib(experiments.init_scale_study),
            _init_scale_summary,
        ),
        Task(
            "convergence",
            experiments.convergence_study,
            lib(experiments.convergence_study),
            _convergence_summary,
            extra=_forwarded_flow_options(gradient_flow),
        ),
        Task("escape", escape_direction, _escape, _escape_summary, extra=("x64",)),
    ):
        _TASKS.setdefault(task.name, task)
