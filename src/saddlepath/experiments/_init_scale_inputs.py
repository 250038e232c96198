"""Checks of the initialisation-scale study's inputs (messages name the parameter and the fix)."""

from __future__ import annotations

from numbers import Real

import numpy as np

from saddlepath._validation import check_int, check_real
from saddlepath.analysis._checks import check_rtol, check_xy
from saddlepath.diagonal.model import resolve_log_alpha

_WHERE = "init_scale_study"


def _parse_gammas(gammas) -> tuple[list, np.ndarray]:
    """The scales as given (floats or exact strings such as ``"1e-1000"``) and their logs."""
    values = list(gammas) if isinstance(gammas, list | tuple | np.ndarray) else [gammas]
    if not values:
        raise ValueError(f"The `gammas` parameter of {_WHERE} is empty; give at least one scale.")
    logs = []
    for g in values:
        if (
            not isinstance(g, str | Real)
            or isinstance(g, bool)
            or (not isinstance(g, str) and not (np.isfinite(g) and g > 0))
        ):
            raise ValueError(
                f"The `gammas` parameter of {_WHERE} must hold scales > 0 (floats, or strings "
                f"such as '1e-1000'). Got {g!r} instead."
            )
        logs.append(resolve_log_alpha(g, None, where=_WHERE))
    return values, np.array(logs)


def check_inputs(X, y, gammas, v0, step_size, max_steps, active_rtol, n_steps):
    """Checked ``X, y``, the scales as given, their logs, ``v0``, ``step_size``, ``active_rtol``."""
    X, y = check_xy(X, y)
    values, logs = _parse_gammas(gammas)
    v0 = check_real(v0, name="v0", where=_WHERE)
    if step_size is None and np.any(logs >= 0):
        raise ValueError(
            f"The gradient flow needs every gamma < 1 (accelerated time uses ln(1/gamma)); got "
            f"gamma = {values[int(np.argmax(logs >= 0))]!r}. Pass step_size=<float> to run "
            "gradient descent, which allows any gamma > 0."
        )
    if step_size is not None:
        step_size = check_real(step_size, name="step_size", low=0.0, low_open=True, where=_WHERE)
    check_int(max_steps, name="max_steps", low=1, where=_WHERE)
    if n_steps is not None:
        check_int(n_steps, name="n_steps", low=1, where=_WHERE)
        if step_size is None:
            raise ValueError(
                f"The `n_steps` parameter of {_WHERE} counts gradient-descent steps; pass "
                "step_size=<float> too (the flow has no steps)."
            )
    active_rtol = check_rtol(active_rtol, name="active_rtol", where=_WHERE)
    return X, y, values, logs, v0, step_size, active_rtol
