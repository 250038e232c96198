"""Boundary checks shared by the analysis functions (private).

Every public function of :mod:`saddlepath.analysis` validates its inputs here, once, and
the messages name the argument, what was given and what would fix it.
"""

from __future__ import annotations

import numpy as np

from saddlepath._validation import as_float_array, check_data, check_real
from saddlepath.diagonal.path_result import SaddlePath
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


def check_vector(value: object, *, name: str, n_features: int, where: str) -> np.ndarray:
    """A finite float64 vector of shape ``(n_features,)``."""
    arr = as_float_array(value, name=name, ndim=1)
    if arr.shape[0] != n_features:
        raise ValueError(
            f"The `{name}` parameter of {where} must have shape (n_features,) = ({n_features},) "
            f"to match X; got shape {arr.shape}."
        )
    return arr


def check_rtol(value: object, *, name: str, where: str) -> float:
    """A relative tolerance in ``(0, 1)``."""
    return check_real(
        value, name=name, low=0.0, high=1.0, low_open=True, high_open=True, where=where
    )


def check_path(path: object, X: np.ndarray, y: np.ndarray, *, where: str) -> SaddlePath:
    """``path`` must be a :class:`SaddlePath` computed on exactly ``(X, y)``."""
    if not isinstance(path, SaddlePath):
        raise TypeError(
            f"The `path` parameter of {where} must be a SaddlePath (from "
            f"saddlepath.saddle_path(X, y)) or None. Got {type(path).__name__} instead."
        )
    if path.X.shape != X.shape or not (np.array_equal(path.X, X) and np.array_equal(path.y, y)):
        raise ValueError(
            f"The `path` passed to {where} was computed on other data (X of shape "
            f"{path.X.shape}); pass path=None to compute it from the X and y given."
        )
    return path


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


def check_xy(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """Validate the data (re-exported for the analysis modules)."""
    return check_data(X, y)


def gradient_scale(X: np.ndarray, y: np.ndarray) -> float:
    r"""``‖∇L(0)‖_∞ = ‖Xᵀy‖_∞/n``, the unit of gradients (1.0 when ``y = 0``)."""
    scale = float(np.max(np.abs(y @ X))) / X.shape[0]
    return scale if scale > 0 else 1.0
