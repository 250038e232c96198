"""Boundary checks shared by the analysis functions (private).

Every public function of :mod:`saddlepath.analysis` validates its inputs here, once, and
the messages name the argument, what was given and what would fix it.
"""

from __future__ import annotations

from saddlepath.landscape._checks import (  # shared with the landscape layer
    check_path,
    check_rtol,
    check_vector,
    check_xy,
    gradient_scale,
)
from saddlepath.run import Run

__all__ = [
    "check_path",
    "check_rtol",
    "check_run",
    "check_trajectory",
    "check_vector",
    "check_xy",
    "gradient_scale",
    "require_model",
]


def check_run(
    run: object, *, where: str, n_features: int | None = None, min_points: int = 2
) -> Run:
    """``run`` must follow the run protocol (:class:`saddlepath.run.Run`), with at least
    ``min_points`` saved points (and ``n_features`` coordinates, when given)."""
    if not isinstance(run, Run):
        raise TypeError(
            f"The `trajectory` parameter of {where} must be a run: a Trajectory (from "
            "gradient_flow or gradient_descent) or any object of the run protocol "
            f"saddlepath.run.Run. Got {type(run).__name__} instead."
        )
    if n_features is not None and run.beta.shape[1] != n_features:
        raise ValueError(
            f"The `trajectory` passed to {where} has {run.beta.shape[1]} coordinates "
            f"but X has {n_features} features; run it on the same data."
        )
    if len(run.tau) < min_points:
        raise ValueError(
            f"The `trajectory` passed to {where} has {len(run.tau)} saved point(s); "
            f"at least {min_points} are needed. Run it longer (tau_max) or save more often."
        )
    return run


def require_model(run: Run, model: str, *, where: str, what: str) -> None:
    """Raise a ``ValueError`` unless ``run.model == model`` (``what`` needs that model)."""
    if run.model != model:
        raise ValueError(
            f"{what} in {where} needs a run of a {model} network; this run's model is "
            f"{run.model!r}. Call {where} without that option (or without the data)."
        )


def check_trajectory(trajectory: object, *, where: str, n_features: int | None = None):
    """A run of a *diagonal* network (:func:`check_run` and ``model == "diagonal"``), for
    the analyses that read its weights ``u``, ``v`` or ``log|w±|``."""
    if not isinstance(trajectory, Run):
        raise TypeError(
            f"The `trajectory` parameter of {where} must be a Trajectory (from gradient_flow "
            "or gradient_descent) or another run of a diagonal network. Got "
            f"{type(trajectory).__name__} instead."
        )
    run = check_run(trajectory, where=where, n_features=n_features)
    require_model(run, "diagonal", where=where, what="The analysis")
    return run
