r"""Validation and batching of the inputs of ``batched_flow`` (NumPy only, private).

Every argument is either *unbatched* (shared by all flows) or *batched* along a leading
axis of size ``batch``; sizes of 1 broadcast. Per flow, the initialisation enters only as

.. math::

    \lambda = \ln(1/\alpha), \qquad c_\pm = \log|u_0 \pm v_0| - \tfrac12\log 2,

so that :math:`\log|w_\pm| = \pm\lambda s - \lambda + c_\pm` (see ``_ode.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath._validation import as_float_array
from saddlepath.diagonal._scale import resolve_log_alpha

__all__ = ["FlowBatch", "check_tau_grid", "prepare_batch"]

WHERE = "batched_flow"
_HALF_LOG2 = 0.5 * np.log(2.0)
_COMBINE = (
    "Every batched argument must have the same leading size (or size 1, or be unbatched: "
    "X of shape (n_samples, n_features), y of shape (n_samples,), a scalar alpha, u0/v0 of "
    "shape (n_features,)). To run every alpha on every data set, repeat them first, e.g. "
    "np.repeat(X, len(alphas), axis=0) and np.tile(alphas, n_sets)."
)


@dataclass(frozen=True)
class FlowBatch:
    """Validated inputs: float64 arrays plus which of them carry the batch axis.

    ``log_alpha`` always has shape ``(batch,)``; ``X``, ``y``, ``c_plus`` and ``c_minus``
    keep a leading batch axis only when batched (``batched`` names them).
    """

    X: np.ndarray
    y: np.ndarray
    log_alpha: np.ndarray
    c_plus: np.ndarray
    c_minus: np.ndarray
    batched: frozenset
    batch_size: int
    input_dtype: np.dtype


def _float_dtype(value: object) -> np.dtype:
    dtype = getattr(value, "dtype", None)
    if dtype is not None and np.issubdtype(dtype, np.floating):
        return np.dtype(dtype)
    return np.dtype(np.float64)


def _data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    ndim_x, ndim_y = np.ndim(X), np.ndim(y)
    if ndim_x not in (2, 3):
        raise ValueError(
            "`X` must have shape (n_samples, n_features) or (batch, n_samples, n_features); "
            f"got shape {np.shape(X)}. Use X.reshape(-1, 1) for a single feature."
        )
    if ndim_y not in (1, 2):
        raise ValueError(
            "`y` must have shape (n_samples,) or (batch, n_samples); got shape "
            f"{np.shape(y)}. Use y.ravel() for a column vector."
        )
    X = as_float_array(X, name="X", ndim=ndim_x)
    y = as_float_array(y, name="y", ndim=ndim_y)
    if X.shape[-2] != y.shape[-1]:
        raise ValueError(
            f"`X` and `y` must have the same number of samples; got X of shape {X.shape} "
            f"({X.shape[-2]} samples) and y of shape {y.shape} ({y.shape[-1]} samples)."
        )
    return X, y


def _one_log_alpha(value: object, index: int | None) -> float:
    try:
        return resolve_log_alpha(value, None, where=WHERE, require_small=True)
    except (TypeError, ValueError) as exc:
        if index is None:
            raise
        raise type(exc)(f"`alphas[{index}]` is invalid: {exc}") from None


def _log_alphas(alphas: object, log_alphas: object) -> tuple[np.ndarray, bool]:
    """Return ``(log α per value, batched?)`` from exactly one of the two arguments."""
    if (alphas is None) == (log_alphas is None):
        raise ValueError(
            f"{WHERE} needs exactly one of `alphas` (e.g. [1e-5, '1e-1000']) and "
            f"`log_alphas` (e.g. [-1e5]); got alphas={alphas!r}, log_alphas={log_alphas!r}."
        )
    if alphas is not None:
        if isinstance(alphas, str) or np.ndim(alphas) == 0:
            return np.array([_one_log_alpha(alphas, None)]), False
        values = list(np.asarray(alphas, dtype=object).ravel()) if np.ndim(alphas) == 1 else None
        if values is None or not values:
            raise ValueError(
                f"`alphas` must be a scalar or a non-empty 1-D sequence; got shape "
                f"{np.shape(alphas)}."
            )
        return np.array([_one_log_alpha(a, i) for i, a in enumerate(values)]), True
    batched = np.ndim(log_alphas) == 1
    arr = as_float_array(np.reshape(log_alphas, -1), name="log_alphas", ndim=1)
    if np.ndim(log_alphas) > 1 or np.any(arr >= 0):
        raise ValueError(
            "`log_alphas` must be a scalar or 1-D sequence of finite values < 0 (alpha < 1, "
            f"so that tau = t / ln(1/alpha) exists); got {np.asarray(log_alphas)!r}."
        )
    return arr, batched


def _init_vector(value: object, *, name: str, default: float, n_features: int) -> np.ndarray:
    if value is None:
        return np.full(n_features, default)
    if np.ndim(value) == 0:
        return np.full(n_features, as_float_array(np.reshape(value, (1,)), name=name, ndim=1)[0])
    if np.ndim(value) > 2 or np.shape(value)[-1] != n_features:
        raise ValueError(
            f"`{name}` must be a scalar or have shape (n_features,) = ({n_features},) or "
            f"(batch, {n_features}); got shape {np.shape(value)}. It is given in units of "
            f"alpha: u(0) = alpha * u0."
        )
    return as_float_array(value, name=name, ndim=np.ndim(value))


def _log_abs(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(np.abs(values)) - _HALF_LOG2  # -inf where the weight is zero


def _batch_size(sizes: dict[str, int]) -> int:
    distinct = {size for size in sizes.values() if size != 1}
    if len(distinct) > 1:
        shown = ", ".join(f"{name} has {size}" for name, size in sizes.items())
        raise ValueError(f"{WHERE} got mismatched batch sizes: {shown}. {_COMBINE}")
    return distinct.pop() if distinct else 1


def prepare_batch(X, y, *, alphas, log_alphas, u0, v0) -> FlowBatch:
    """Validate the inputs of ``batched_flow`` and work out the batch axis."""
    input_dtype = _float_dtype(X)
    X, y = _data(X, y)
    n_features = X.shape[-1]
    log_alpha, alpha_batched = _log_alphas(alphas, log_alphas)
    u = _init_vector(u0, name="u0", default=np.sqrt(2.0), n_features=n_features)
    v = _init_vector(v0, name="v0", default=0.0, n_features=n_features)
    candidates = {
        "X": (X, X.ndim == 3),
        "y": (y, y.ndim == 2),
        "alphas": (log_alpha, alpha_batched),
        "u0": (u, u.ndim == 2),
        "v0": (v, v.ndim == 2),
    }
    sizes = {name: len(arr) for name, (arr, is_batched) in candidates.items() if is_batched}
    batch = _batch_size(sizes)
    log_alpha = np.broadcast_to(log_alpha, (batch,)).copy()
    X = X[0] if X.ndim == 3 and len(X) == 1 and batch > 1 else X
    y = y[0] if y.ndim == 2 and len(y) == 1 and batch > 1 else y
    u, v = np.broadcast_arrays(u, v)
    if u.ndim == 2 and batch > 1:
        u, v = np.broadcast_to(u, (batch, n_features)), np.broadcast_to(v, (batch, n_features))
    batched = {"X"} if X.ndim == 3 else set()
    batched |= {"y"} if y.ndim == 2 else set()
    batched |= {"init"} if u.ndim == 2 else set()
    return FlowBatch(
        X=X,
        y=y,
        log_alpha=log_alpha,
        c_plus=_log_abs(u + v),
        c_minus=_log_abs(u - v),
        batched=frozenset(batched),
        batch_size=batch,
        input_dtype=input_dtype,
    )


def check_tau_grid(tau_grid: object) -> np.ndarray:
    """Return ``tau_grid`` as a float64 1-D array: finite, ≥ 0, increasing, ending after 0."""
    if tau_grid is None or np.ndim(tau_grid) != 1:
        raise ValueError(
            "`tau_grid` must be a 1-D array of accelerated times (e.g. np.linspace(0, 10, 101)); "
            f"got {tau_grid!r}."
            if tau_grid is None
            else f"`tau_grid` must be 1-D; got shape {np.shape(tau_grid)}. Pass a flat array "
            "of accelerated times such as np.linspace(0, 10, 101)."
        )
    grid = as_float_array(tau_grid, name="tau_grid", ndim=1)
    if grid[0] < 0 or np.any(np.diff(grid) <= 0) or grid[-1] <= 0:
        raise ValueError(
            "`tau_grid` must be strictly increasing, start at tau >= 0 and end at tau > 0; got "
            f"values from {grid[0]!r} to {grid[-1]!r}"
            + (" that are not increasing" if np.any(np.diff(grid) <= 0) else "")
            + ". Sort it and drop duplicates with np.unique(tau_grid)."
        )
    return grid
