"""Boundary checks of the landscape functions (private).

The landscape layer sits below :mod:`saddlepath.analysis`, so it validates its own inputs;
the messages name the argument, what was given and what would fix it.
"""

from __future__ import annotations

import numpy as np

from saddlepath._validation import as_float_array, check_data, check_real
from saddlepath.diagonal.path_result import SaddlePath

__all__ = ["check_path", "check_rtol", "check_vector", "check_xy", "gradient_scale"]


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
            f"saddlepath.saddle_path(X, y)). Got {type(path).__name__} instead."
        )
    if path.X.shape != X.shape or not (np.array_equal(path.X, X) and np.array_equal(path.y, y)):
        raise ValueError(
            f"The `path` passed to {where} was computed on other data (X of shape "
            f"{path.X.shape}); pass saddlepath.saddle_path(X, y) of the X and y given."
        )
    return path


def check_xy(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """Validate the data: finite float64 ``X`` of shape (n, d) and ``y`` of shape (n,)."""
    return check_data(X, y)


def gradient_scale(X: np.ndarray, y: np.ndarray) -> float:
    r"""``‖∇L(0)‖_∞ = ‖Xᵀy‖_∞/n``, the unit of gradients (1.0 when ``y = 0``)."""
    scale = float(np.max(np.abs(y @ X))) / X.shape[0]
    return scale if scale > 0 else 1.0
