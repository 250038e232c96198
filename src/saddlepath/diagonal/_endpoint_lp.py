r"""Independent references for the last saddle: an equilibrated LP and a least-squares fit.

The minimum-ℓ1 problem ``min ‖β‖₁ s.t. Xβ = t`` is handed to HiGHS on exactly
equilibrated data: with ``D = diag(2^{c_j})`` (columns of unit size), ``W = diag(2^{r_i})``
(rows of unit size) and ``β = Dγ`` it is

.. math::

    \min_\gamma \ \sum_j 2^{c_j}|\gamma_j| \quad\text{s.t.}\quad WXD\,\gamma = Wt,

the same problem in other units (powers of two: no rounding). Unscaled, HiGHS drops
matrix entries below 1e-9 and rejects values above 1e15–1e20, so data scaled by 1e-9 or
1e20 gave "infeasible" or "model error" on correct paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from saddlepath.diagonal._compensated import accurate_residual
from saddlepath.loss import loss_of_residual

__all__ = ["LP_FEASIBILITY_TOL", "LSTSQ_RCOND", "LPReference", "least_squares_loss", "min_l1"]

LP_FEASIBILITY_TOL = 1e-10
"""HiGHS primal and dual feasibility tolerance on the equilibrated LP (entries of size 1)."""

LSTSQ_RCOND = 1e-10
"""Relative singular-value cut-off of the least-squares reference (equilibrated columns).

Truncating can only raise the reference loss, so the check ``L(β_last) ≤ L_ls`` it feeds
never rejects a true least-squares solution because of an ill-conditioned ``X``.
"""


@dataclass(frozen=True)
class LPReference:
    """HiGHS's answer: ``solved``, the optimal ``l1`` norm, the minimiser and a message."""

    solved: bool
    l1: float
    coef: np.ndarray | None
    message: str


def _exponents(a: np.ndarray, axis: int) -> np.ndarray:
    top = np.abs(a).max(axis=axis)
    exp = -np.frexp(top)[1]
    return np.where(top > 0, exp, 0).astype(int)


def min_l1(X: np.ndarray, target: np.ndarray) -> LPReference:
    """``min ‖β‖₁ s.t. Xβ = target`` by HiGHS on the equilibrated problem (see module)."""
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(target))):
        return LPReference(False, np.inf, None, "the data or target are not finite")
    d = X.shape[1]
    c = _exponents(X, axis=0)
    A = np.ldexp(X, c[None, :])
    rows = np.abs(A).max(axis=1) > 0
    A, b = A[rows], target[rows]
    r = _exponents(A, axis=1)
    A, b = np.ldexp(A, r[:, None]), np.ldexp(b, r)
    top = int(c.max(initial=0))
    cost = np.ldexp(np.ones(d), c - top)  # objective in units of 2^top
    res = linprog(
        np.concatenate((cost, cost)),
        A_eq=np.hstack([A, -A]),
        b_eq=b,
        bounds=(0, None),
        method="highs",
        options=dict(
            primal_feasibility_tolerance=LP_FEASIBILITY_TOL,
            dual_feasibility_tolerance=LP_FEASIBILITY_TOL,
        ),
    )
    if res.status != 0:
        return LPReference(False, np.inf, None, f"HiGHS failed: {res.message}")
    coef = np.ldexp(res.x[:d] - res.x[d:], c)
    return LPReference(True, float(np.abs(coef).sum()), coef, "HiGHS optimal")


def least_squares_loss(X: np.ndarray, y: np.ndarray) -> float:
    """``min_β ‖Xβ − y‖²/(2n)`` over equilibrated columns, truncated at :data:`LSTSQ_RCOND`.

    The residual of the reference solution is evaluated in compensated arithmetic, so a
    large (ill-conditioned) solution does not turn it into rounding noise.
    """
    n, d = X.shape
    c = _exponents(X, axis=0)
    A = np.ldexp(X, c[None, :])
    try:
        gamma = np.linalg.lstsq(A, y, rcond=LSTSQ_RCOND)[0]
    except np.linalg.LinAlgError:
        return np.inf
    high, low = accurate_residual(A, y, np.arange(d), gamma)
    r = high + low
    return loss_of_residual(r, n)
