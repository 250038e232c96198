"""Boundary checks and their messages.

Every public entry point validates its inputs here, once, and the messages say
which argument is wrong, what was given and what would fix it.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_data",
    "check_int",
    "check_real",
    "check_seed",
]


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{value!r} (type {type(value).__name__})"


def as_float_array(value: object, *, name: str, ndim: int) -> np.ndarray:
    """Convert ``value`` to a finite float64 array with ``ndim`` dimensions.

    Raises
    ------
    TypeError
        If the values are not real numbers (strings, complex, objects).
    ValueError
        If the number of dimensions is wrong, the array is empty or it holds NaN/inf.
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(
            f"`{name}` must be array-like of real numbers; could not convert "
            f"{type(value).__name__}: {exc}"
        ) from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(
            f"`{name}` must hold real numbers; got dtype {arr.dtype}. Convert it with "
            f"np.asarray({name}, dtype=float) after removing non-numeric entries."
        )
    if np.iscomplexobj(arr):
        raise TypeError(
            f"`{name}` must be real; got complex dtype {arr.dtype}. Pass the real part "
            "explicitly if that is what you mean."
        )
    if arr.ndim != ndim:
        shape_word = {1: "(n_samples,)", 2: "(n_samples, n_features)"}.get(ndim, f"{ndim}-D")
        raise ValueError(
            f"`{name}` must be {ndim}-dimensional with shape {shape_word}; got shape "
            f"{arr.shape}."
            + (" Use y.ravel() for a column vector." if ndim == 1 and arr.ndim == 2 else "")
            + (" Use X.reshape(-1, 1) for a single feature." if ndim == 2 and arr.ndim == 1 else "")
        )
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty (shape {arr.shape}); it needs at least one entry.")
    arr = np.asarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = ", ".join(str(int(i)) for i in bad)
        raise ValueError(
            f"`{name}` contains NaN or infinite values (first at index [{where}]); remove "
            "or impute them before calling."
        )
    return arr


def check_data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """Validate a regression data set ``(X, y)``.

    Returns ``X`` as a float64 array of shape ``(n_samples, n_features)`` (no copy when it
    already is one) and ``y`` as float64 of shape ``(n_samples,)``.
    """
    X = as_float_array(X, name="X", ndim=2)
    y = as_float_array(y, name="y", ndim=1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"`X` and `y` must have the same number of samples; got X with {X.shape[0]} rows "
            f"and y with {y.shape[0]} entries."
        )
    return X, y


def check_real(
    value: object,
    *,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    where: str = "",
) -> float:
    """Validate a real scalar in an interval and return it as ``float``.

    The message reads like ``The `rtol` parameter of saddle_path must be a float in
    (0, 1). Got -1 instead.``
    """
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    interval = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
    owner = f" of {where}" if where else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The `{name}` parameter{owner} must be a float in {interval}. Got "
            f"{_describe(value)} instead."
        )
    v = float(value)
    bad = not np.isfinite(v)
    if low is not None:
        bad |= v <= low if low_open else v < low
    if high is not None:
        bad |= v >= high if high_open else v > high
    if bad:
        raise ValueError(
            f"The `{name}` parameter{owner} must be a float in {interval}. Got {value!r} instead."
        )
    return v


def check_int(
    value: object, *, name: str, low: int | None = None, high: int | None = None, where: str = ""
) -> int:
    """Validate an integer in ``[low, high]`` and return it as ``int``."""
    owner = f" of {where}" if where else ""
    interval = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"The `{name}` parameter{owner} must be an int in {interval}. Got "
            f"{_describe(value)} instead."
        )
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise ValueError(
            f"The `{name}` parameter{owner} must be an int in {interval}. Got {v} instead."
        )
    return v


def check_seed(seed: object, *, name: str = "seed", where: str = "") -> np.random.Generator:
    """Turn ``seed`` into a ``numpy.random.Generator``.

    ``None`` gives a fresh generator, a non-negative int seeds ``numpy.random.default_rng``
    and a generator is returned as is (so draws continue from its state).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    owner = f" of {where}" if where else ""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"The `{name}` parameter{owner} must be None, a non-negative int or a "
            f"numpy.random.Generator. Got {seed!r} (type {type(seed).__name__}) instead."
        )
    if seed < 0:
        raise ValueError(
            f"The `{name}` parameter{owner} must be a non-negative int. Got {seed} instead."
        )
    return np.random.default_rng(int(seed))
