r"""Exact rescaling of a path and a stable recomputation of its duals (for the certificate).

Scaling. The path is equivariant under global scaling of the data: with
``X' = 2^p X`` and ``y' = 2^q y``, ``L'(β') = 2^{2q} L(β)`` for ``β' = 2^{q−p} β``,
``∇L' = 2^{p+q}∇L`` and so ``τ' = 2^{−(p+q)} τ``, ``s' = s``,
``R' = ∫(X'β' − y')dτ' = 2^{−p} R``. Powers of two make the map exact (barring
under/overflow of the path's own numbers), so the certificate works on data whose
largest entries lie in ``[½, 1)`` — subnormal, tiny or huge inputs included.

Duals. Between jumps ``s`` moves linearly, so

.. math::

    s_k = -\sum_{j<k} \Delta\tau_j \nabla L(\beta_j)
        = X^\top \bar r_k, \qquad
    \bar r_k = \frac1n \sum_{j<k} \Delta\tau_j\,(y - X\beta_j)
    \qquad (\Delta\tau_j = \tau_{j+1} - \tau_j,\ \text{dimensionless}).

Near the end of a path ``Xβ_j ≈ y`` and the plateaus are long: the naive residual is
rounding noise multiplied by a large ``Δτ_j``. Here every residual is evaluated in
compensated (twice-precision) arithmetic, every gradient too when the problem is small
(``n_saddles·n·d ≤`` :data:`COMPENSATED_BUDGET`), and the sum over ``j`` is a compensated
running sum. What float64 saddles cannot determine — the effect of perturbing each
stored saddle by :data:`SADDLE_ROUNDING`, plus the bound of any rounding left — is
returned as an *allowance* (units of ``s`` for duals, of ``∇L`` for gradients) that the
checks add to their tolerances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal._compensated import (
    accurate_dot_columns,
    accurate_residual,
    two_prod,
    two_sum,
)
from saddlepath.diagonal._magnitude import _exponent
from saddlepath.loss import loss_of_residual

__all__ = [
    "COMPENSATED_BUDGET",
    "SADDLE_ROUNDING",
    "Recomputed",
    "ScaledPath",
    "recompute",
    "scale_path",
]

COMPENSATED_BUDGET = 25_000_000
"""Largest ``n_saddles·n_samples·n_features`` for which every gradient is compensated."""

_U = 2.0**-53  # unit roundoff of float64

SADDLE_ROUNDING = 2 * _U
"""Backward error granted to every stored saddle: each ``β_k`` is accepted as any point
within ``SADDLE_ROUNDING·|β_k|`` componentwise (dimensionless; 4× the rounding of an
exact saddle to float64). The duals after a long plateau are ill-conditioned in the
saddle (``Δτ·XᵀX δβ/n``), so even a correctly rounded path can look off by more than
``rtol`` without it."""


@dataclass(frozen=True)
class ScaledPath:
    """The path mapped exactly onto data scaled by powers of two (see the module notes).

    ``coefs``, ``times`` and ``losses`` are the path's own numbers in the scaled units;
    ``x_exp = p`` and ``y_exp = q`` are the exponents applied to ``X`` and ``y``.
    """

    X: np.ndarray
    y: np.ndarray
    x_exp: int
    y_exp: int
    supports: tuple[np.ndarray, ...]
    values: tuple[np.ndarray, ...]
    tau: np.ndarray
    loss: np.ndarray
    R: np.ndarray

    @property
    def beta(self) -> np.ndarray:
        out = np.zeros((len(self.values), self.X.shape[1]))
        for k, (idx, val) in enumerate(zip(self.supports, self.values, strict=True)):
            out[k, idx] = val
        return out


def scale_path(path) -> ScaledPath:
    """Map ``path`` (a :class:`SaddlePath`) exactly onto ``2^p X``, ``2^q y``."""
    p, q = -_exponent(path.X), -_exponent(path.y)  # max|2^p X| ∈ [½, 1), likewise y
    with np.errstate(all="ignore"):
        return ScaledPath(
            X=np.ldexp(path.X, p),
            y=np.ldexp(path.y, q),
            x_exp=p,
            y_exp=q,
            supports=tuple(np.asarray(s, dtype=int) for s in path.supports),
            values=tuple(np.ldexp(np.asarray(v, dtype=float), q - p) for v in path.values),
            tau=np.ldexp(np.asarray(path.tau, dtype=float), -(p + q)),
            loss=np.ldexp(np.asarray(path.loss, dtype=float), 2 * q),
            R=np.ldexp(np.asarray(path.integrated_residuals, dtype=float), -p),
        )


@dataclass(frozen=True)
class Recomputed:
    """Quantities recomputed from the scaled data and saddles alone (scaled units).

    Attributes
    ----------
    loss : ndarray (n_saddles,)
        ``‖y − Xβ_k‖²/(2n)``.
    gradient : ndarray (n_saddles, n_features)
        ``∇L(β_k) = −Xᵀ(y − Xβ_k)/n``.
    gradient_allowance : ndarray (n_saddles, n_features)
        How much ``gradient`` may move when each stored saddle is perturbed within
        :data:`SADDLE_ROUNDING` (plus, for BLAS gradients, their rounding bound):
        ``(SADDLE_ROUNDING·|X||β_k| + γ_{n+2}|r_k|)ᵀ|X|/n``, in units of the gradient.
    dual : ndarray (n_saddles, n_features)
        ``s_k = −Σ_{j<k} Δτ_j ∇L(β_j)`` (dimensionless).
    allowance : ndarray (n_saddles, n_features)
        ``Σ_{j<k} Δτ_j·(gradient_allowance_j + 4u|∇L(β_j)|)``: how far ``dual`` may be
        from those of saddles within :data:`SADDLE_ROUNDING` (dimensionless).
    """

    loss: np.ndarray
    gradient: np.ndarray
    gradient_allowance: np.ndarray
    dual: np.ndarray
    allowance: np.ndarray


def _gradients(sp: ScaledPath, high: np.ndarray, low: np.ndarray, compensated: bool):
    n = sp.X.shape[0]
    if not compensated:
        return -((high + low) @ sp.X) / n
    rows = zip(high, low, strict=True)  # the low part matters when Xᵀ cancels y − Xβ
    return np.array([-(accurate_dot_columns(sp.X, h) + lo @ sp.X) / n for h, lo in rows])


def _running_duals(steps: np.ndarray, grads: np.ndarray) -> np.ndarray:
    """``s_k = −Σ_{j<k} steps_j·grads_j`` with a compensated running sum over ``j``."""
    out = np.zeros((steps.size + 1, grads.shape[1]))
    hi = np.zeros(grads.shape[1])
    lo = np.zeros(grads.shape[1])
    for j, step in enumerate(steps):
        prod, err = two_prod(np.full(grads.shape[1], step), grads[j])
        hi, e = two_sum(hi, prod)
        lo = lo + e + err
        out[j + 1] = -(hi + lo)
    return out


def _abs_fits(sp: ScaledPath) -> np.ndarray:
    """``|X||β_k|`` for every saddle (shape ``(n_saddles, n_samples)``)."""
    absX = np.abs(sp.X)
    return np.array([absX[:, s] @ np.abs(v) for s, v in zip(sp.supports, sp.values, strict=True)])


def recompute(sp: ScaledPath) -> Recomputed:
    """Residuals, losses, gradients, duals and their rounding allowances (see module)."""
    n, d = sp.X.shape
    saddles = zip(sp.supports, sp.values, strict=True)
    pairs = [accurate_residual(sp.X, sp.y, s, v) for s, v in saddles]
    high = np.array([h for h, _ in pairs]).reshape(len(pairs), n)
    low = np.array([lo for _, lo in pairs]).reshape(len(pairs), n)
    res = high + low
    compensated = len(pairs) * n * d <= COMPENSATED_BUDGET
    with np.errstate(all="ignore"):
        grads = _gradients(sp, high, low, compensated)
        # backward error of the stored saddles, plus (BLAS gradients) their rounding
        weight = SADDLE_ROUNDING * _abs_fits(sp).reshape(len(pairs), n)
        if not compensated:  # γ_{n+2}·|X|ᵀ|r_k|
            weight = weight + (n + 2) * _U / (1 - (n + 2) * _U) * np.abs(res)
        grad_allowance = (weight @ np.abs(sp.X)) / n
        steps = np.diff(sp.tau)
        duals = _running_duals(steps, grads[:-1])
        per_step = steps[:, None] * (grad_allowance[:-1] + 4 * _U * np.abs(grads[:-1]))
        allowance = np.vstack([np.zeros(d), np.cumsum(per_step, axis=0)])
        losses = loss_of_residual(res, n)
    return Recomputed(losses, grads, grad_allowance, duals, allowance)
