r"""Warm-started sign-constrained least squares, the inner problem of Algorithm 1.

.. math::

    \min_\beta L(\beta) \quad\text{s.t.}\quad \sigma_i\beta_i \ge 0 \ (i \in E),
    \qquad \beta_i = 0 \ (i \notin E)

solved by the Lawson–Hanson active-set method on the signed columns, started from the
previous saddle (always feasible for the next problem) and using the up/down-dated
Cholesky factor of :class:`GramCholesky`. Successive problems differ by one or a few
columns, so each call typically does one factor update and one back-substitution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal._cholesky import GramCholesky

__all__ = ["SignConstrainedSolution", "solve_sign_constrained"]


@dataclass(frozen=True)
class SignConstrainedSolution:
    """Support, values and diagnostics of one sign-constrained least-squares solve."""

    support: np.ndarray
    values: np.ndarray
    dependent: tuple[int, ...]
    converged: bool
    tight: np.ndarray  # boundary columns off the support with ∂_iL = 0: a degenerate face


def _step_to_boundary(chol: GramCholesky, x, z, sigma) -> np.ndarray:
    """Lawson–Hanson step: move from ``x`` towards ``z`` until a sign reaches zero."""
    P = np.asarray(chol.active)
    sx, sz = sigma[P] * x, sigma[P] * z
    blocked = sz <= 0
    ratios = sx[blocked] / (sx[blocked] - sz[blocked])
    t = float(np.clip(ratios.min(), 0.0, 1.0))
    x_new = x + t * (z - x)
    fit = np.abs(x_new) * chol.norms[P]  # each coefficient in units of the fit
    zero = sigma[P] * x_new * chol.norms[P] <= 1e-14 * fit.max(initial=0.0)
    zero[np.flatnonzero(blocked)[int(np.argmin(ratios))]] = True
    for j in P[zero]:
        chol.remove(int(j))
    return x_new[~zero]


def _kkt_scores(chol: GramCholesky, z, boundary, sigma, grad_atol, skip):
    """``σ_j ∂_jL / tol_j`` for the boundary columns off the support (KKT wants ≥ 0)."""
    X = chol.X
    keep = ~chol.in_active[boundary]
    if skip:
        keep &= ~np.isin(boundary, list(skip))
    cand = boundary[keep]
    if cand.size == 0:
        return cand, np.zeros(0)
    grad = (chol.fitted(z) @ X[:, cand] - chol.Xty[cand]) / X.shape[0]
    return cand, sigma[cand] * grad / grad_atol[cand]


def _most_violating(chol, z, boundary, sigma, grad_atol, skip):
    """Boundary coordinate off the support whose KKT condition ``σ_j g_j ≥ 0`` fails most.

    Returns ``(j or None, tight)`` where ``tight`` lists the columns with ``|g_j| ≈ 0``.
    """
    cand, score = _kkt_scores(chol, z, boundary, sigma, grad_atol, skip)
    if cand.size == 0:
        return None, cand
    worst = int(np.argmin(score))
    if score[worst] < -1.0:
        return int(cand[worst]), cand[:0]
    return None, cand[score <= 1.0]


def solve_sign_constrained(
    chol: GramCholesky,
    x: np.ndarray,
    boundary: np.ndarray,
    sigma: np.ndarray,
    y: np.ndarray,
    grad_atol: np.ndarray,
    *,
    entering: np.ndarray | None = None,
) -> SignConstrainedSolution:
    """Solve the sign-constrained problem on ``boundary``, warm-started at ``x``.

    Parameters
    ----------
    chol : GramCholesky
        Factor whose active set is the current support; updated in place.
    x : ndarray
        Current values on ``chol.active``: the previous saddle, feasible
        (``σ_j x_j > 0``) and optimal on its own support.
    boundary : ndarray of int
        The set ``E = {i : |s_i| = 1}``.
    sigma : ndarray of shape (n_features,)
        Signs ``s_i`` on ``E`` (zero elsewhere).
    y : ndarray of shape (n_samples,)
    grad_atol : ndarray of shape (n_features,)
        Absolute gradient tolerance per coordinate, in the units of ``∂L``
        (``grad_tol·‖x_i‖·‖y‖/n``): a KKT violation ``σ_j ∂_jL < 0`` smaller than
        ``grad_atol_j`` in magnitude counts as zero.
    entering : ndarray of int, optional
        Columns known to violate KKT at ``x`` (those that just reached the boundary),
        most violating first: the first is added without a gradient evaluation.
    """
    dependent: set[int] = set()
    x = np.asarray(x, dtype=float)
    optimal, newest = True, None  # is x optimal on its support? the column just added
    queue = [] if entering is None else [int(j) for j in entering[:1]]  # valid only at x
    for _ in range(4 * len(boundary) + 20):
        if optimal:
            j = queue.pop(0) if queue else None
            if j is None or chol.in_active[j]:
                j, tight = _most_violating(chol, x, boundary, sigma, grad_atol, dependent)
            if j is None:
                return _finish(chol, x, tight, dependent)
            if not chol.add(j):
                dependent.add(j)
                continue
            x, optimal, newest = np.append(x, 0.0), False, j
        z = chol.least_squares(y, refine=False)
        P = np.asarray(chol.active, dtype=int)
        if np.all(sigma[P] * z > 0):
            x, optimal, newest = z, True, None
        elif newest is not None and sigma[newest] * z[-1] <= 0:
            chol.remove(newest)  # a numerically useless column: refuse it
            dependent.add(newest)
            x, optimal, newest = x[:-1], True, None
        else:
            x, newest = _step_to_boundary(chol, x, z, sigma), None
    P = np.asarray(chol.active, dtype=int)
    return SignConstrainedSolution(P, x, tuple(sorted(dependent)), False, P[:0])


PRUNE_TOL = 1e3 * np.finfo(float).eps
"""An active coordinate whose contribution ``|β_i|·‖x_i‖`` is at most ``PRUNE_TOL·‖y‖`` is
round-off of an exact zero (a degenerate saddle) and leaves the support."""


def _finish(chol, x, tight, dependent) -> SignConstrainedSolution:
    """Refine the optimum; ``tight`` lists boundary columns with ``∂_jL ≈ 0`` off the support."""
    x = chol.least_squares(chol.y, refine=True) if chol.active else x
    floor = PRUNE_TOL * float(np.linalg.norm(chol.y))
    while chol.active:
        P = np.asarray(chol.active, dtype=int)
        zero = np.abs(x) * chol.norms[P] <= floor
        if not zero.any():
            break
        for j in P[zero]:
            chol.remove(int(j))
        tight = np.union1d(tight, P[zero]).astype(int)
        x = chol.least_squares(chol.y, refine=True) if chol.active else np.zeros(0)
    P = np.asarray(chol.active, dtype=int)
    tight = np.union1d(tight, list(dependent)).astype(int) if dependent else tight
    return SignConstrainedSolution(P, x, tuple(sorted(dependent)), True, tight)
