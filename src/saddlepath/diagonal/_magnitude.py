r"""Global magnitude of the data: the exact path is equivariant under ``X → cX, y → by``.

With ``L(β) = ‖Xβ − y‖²/(2n)``, put ``X' = cX`` and ``y' = by`` (``b, c > 0``). Then
``L'(β') = b²·L(cβ'/b)`` and ``∇L'(β') = cb·∇L(β)`` at ``β = cβ'/b``. The dual
``s' = −∫∇L' dτ'`` therefore follows ``s`` exactly under the time change ``τ' = τ/(cb)``
(so ``τ₁' = n/‖X'ᵀy'‖_∞ = τ₁/(cb)``), and every quantity of Algorithm 1 maps in closed
form:

.. math::

    \tau = cb\,\tau', \qquad \beta = \frac{c}{b}\,\beta', \qquad
    L(\beta) = \frac{L'(\beta')}{b^2}, \qquad R = \int_0^\tau (X\beta - y)\,d\tau = c\,R',
    \qquad s = s'.

The solver runs on ``X' = 2^{-p}X`` and ``y' = 2^{-q}y`` with the exponents chosen so that
``max|X'|`` and ``max|y'|`` lie in ``[1/2, 1)``; an array whose largest entry is already
within ``2^{±32}`` is left alone (``p = 0`` or ``q = 0``, no copy), where nothing in the
solver comes near the float64 range. Powers of two make both the rescaling and the map back
exact unless the mapped value itself leaves the float64 range, which
:func:`map_back` reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DataScaling", "map_back", "scale_data"]

_X_WINDOW = 32
"""``X`` (``y``) is rescaled only when ``max|X|`` (``max|y|``) lies outside ``[2^-32, 2^32]``."""


@dataclass(frozen=True)
class DataScaling:
    """Exponents of ``c = 2^-p`` (applied to ``X``) and ``b = 2^-q`` (applied to ``y``)."""

    p: int
    q: int

    @property
    def time_exp(self) -> int:
        """``τ = 2^{-p-q} τ'``."""
        return -self.p - self.q

    @property
    def coef_exp(self) -> int:
        """``β = 2^{q-p} β'``."""
        return self.q - self.p

    @property
    def loss_exp(self) -> int:
        """``L = 2^{2q} L'``."""
        return 2 * self.q

    @property
    def residual_exp(self) -> int:
        """``R = 2^{-p} R'`` (integrated residual)."""
        return -self.p


def _exponent(a: np.ndarray) -> int:
    """``e`` with ``max|a| ∈ [2^{e-1}, 2^e)``; 0 for an all-zero array."""
    top = max(float(a.max(initial=0.0)), -float(a.min(initial=0.0)))  # no |a| copy
    return int(np.frexp(top)[1]) if top > 0 else 0


def scale_data(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, DataScaling]:
    """Return ``(2^-p X, 2^-q y, DataScaling(p, q))``; exact (powers of two)."""
    p = _exponent(X)
    if -_X_WINDOW <= p <= _X_WINDOW:
        p = 0
    q = _exponent(y)
    if -_X_WINDOW <= q <= _X_WINDOW:
        q = 0
    Xs = np.ldexp(X, -p) if p else X
    return Xs, (np.ldexp(y, -q) if q else y), DataScaling(p, q)


def map_back(value, exp: int) -> tuple[np.ndarray, bool]:
    """``2^exp · value`` and whether every entry is still representable.

    An entry is out of range when it overflows to ``±inf`` or when a non-zero entry
    falls below the smallest normal float64 (``2.2e-308``), where precision is lost.
    """
    value = np.asarray(value, dtype=float)
    if exp == 0:
        return value, True
    with np.errstate(over="ignore", under="ignore"):
        out = np.ldexp(value, exp)
    tiny = np.finfo(float).tiny
    bad = np.isinf(out) | ((value != 0) & (np.abs(out) < tiny))
    return out, not bool(bad.any())
