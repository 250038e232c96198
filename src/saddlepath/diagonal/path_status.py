"""How an exact path ended: :class:`PathStatus`, and when a saddle interpolates.

Kept apart from :mod:`saddlepath.diagonal.path_result` so that the certificate, which
reads the status of the path it certifies, does not import the result class (whose
``check`` method calls the certificate): the dependency runs one way,
``path_result → certificate → path_status``.
"""

from __future__ import annotations

import numpy as np

from saddlepath._status import Status

__all__ = ["INTERPOLATION_TOL", "PathStatus", "fits_exactly", "stable_norm"]

INTERPOLATION_TOL = 1e-6
"""A saddle interpolates when ``‖Xβ − y‖ ≤ INTERPOLATION_TOL·‖y‖``."""


def fits_exactly(loss: float, y: np.ndarray) -> bool:
    """Whether a saddle of loss ``‖Xβ − y‖²/(2n)`` interpolates ``y`` (see above)."""
    residual = np.sqrt(2 * y.size * loss)
    return bool(residual <= INTERPOLATION_TOL * stable_norm(y))


def stable_norm(v: np.ndarray) -> float:
    """``‖v‖`` without overflow or underflow of the squares (scaled by ``max|v|``)."""
    top = float(np.max(np.abs(v), initial=0.0))
    if top == 0 or not np.isfinite(top):
        return top
    return top * float(np.linalg.norm(v / top))


class PathStatus(Status):
    """How the exact path ended. The value of each member is its meaning in words."""

    MIN_L1_INTERPOLATOR = "reached the minimum-ℓ1 interpolator"
    LEAST_SQUARES = "reached the least-squares solution (y is not in the range of X)"
    JUMP_LIMIT = "stopped at the jump limit (max_jumps) before the gradient vanished"
    NON_UNIQUE = (
        "non-unique saddle met (data not in general position); the path shows the "
        "minimiser the small-α gradient flow selects where known"
    )
    STAGNATED = "stopped early: floating point cannot resolve the next jump"
    OUT_OF_RANGE = (
        "computed, but some jump times, saddles or integrated residuals overflow or "
        "underflow float64 in the units of the data"
    )

    @classmethod
    def failures(cls) -> frozenset:
        return frozenset({cls.STAGNATED, cls.OUT_OF_RANGE})
