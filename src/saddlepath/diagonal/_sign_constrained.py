r"""Warm-started sign-constrained least squares, the inner problem of Algorithm 1.

.. math::

    \min_\beta L(\beta) \quad\text{s.t.}\quad \sigma_i\beta_i \ge 0 \ (i \in E),
    \qquad \beta_i = 0 \ (i \notin E)

solved by the Lawson–Hanson active-set method on the signed columns, started from the
previous saddle (always feasible for the next problem) and using the up/down-dated
Cholesky factor of :class:`GramCholesky`. Successive problems differ by one or a few
columns, so each call typically does one factor update and one back-substitution. The
whole active-set loop is one compiled call
(:func:`~saddlepath.diagonal._kernels_path_solve.sign_constrained`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal._cholesky import GramCholesky
from saddlepath.diagonal._kernels_path_solve import sign_constrained, take_jump

__all__ = ["SignConstrainedSolution", "solve_after_jump", "solve_sign_constrained"]


@dataclass(frozen=True)
class SignConstrainedSolution:
    """Support, values and diagnostics of one sign-constrained least-squares solve."""

    support: np.ndarray
    values: np.ndarray
    dependent: tuple[int, ...]
    converged: bool
    tight: np.ndarray  # boundary columns off the support with ∂_iL = 0: a degenerate face


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

    Notes
    -----
    Each iteration either adds the boundary column whose KKT condition fails most (by
    more than its ``grad_atol``), or solves least squares on the active set and steps
    towards it until a sign reaches zero (Lawson–Hanson). A column within
    ``dependence_tol`` of the span of the others, or whose coefficient comes out with the
    wrong sign as soon as it is added, is refused (``dependent``). The optimum is refined
    once, and coefficients at most ``PRUNE_TOL·‖y‖`` in units of the fit are dropped as
    round-off of exact zeros (``tight``, with the boundary columns of zero gradient).
    """
    chol.reserve(boundary.size + 1)
    chol.values[: x.size] = x
    first = -1 if entering is None or entering.size == 0 else int(entering[0])
    data = (chol.X, chol.Xty, y, chol.norms, sigma, grad_atol)
    converged, n_dep, n_tight = sign_constrained(
        data, boundary, first, _parameters(chol), chol.state, chol.partners, chol.values,
        chol.wk, chol.wn, chol.flags,
    )  # fmt: skip
    return _solution(chol, converged, n_dep, n_tight)


def solve_after_jump(chol, x, ev, g, r, R, sigma, y, grad_atol, n_boundary):
    r"""Take the jump ``ev`` found by the scan and solve for the next saddle, in one compiled
    call.

    ``R ← R + Δ·r`` (in place); ``σ_i ← ev.entering_sign`` on ``ev.entering``; then
    :func:`solve_sign_constrained` on ``E = {i : σ_i ≠ 0}`` (at most ``n_boundary`` before
    the jump), warm-started at ``x``, the entering coordinate of largest
    ``|∂_iL|/grad_atol_i`` first. Returns ``(solution, E, r_new, L(r_new))`` with the new
    residual ``r_new = Xβ − y`` and its loss ``‖r_new‖²/(2n)``.
    """
    chol.reserve(n_boundary + ev.entering.size + 1)
    chol.values[: x.size] = x
    data = (chol.X, chol.Xty, y, chol.norms, sigma, grad_atol)
    r_new = np.empty_like(r)
    converged, n_dep, n_tight, nb, loss = take_jump(
        ev.delta, ev.entering, ev.entering_sign, g, r, R, r_new,
        chol.boundary, data, _parameters(chol), chol.state, chol.partners, chol.values,
        chol.wk, chol.wn, chol.flags,
    )  # fmt: skip
    sol = _solution(chol, converged, n_dep, n_tight)
    return sol, chol.boundary[:nb].copy(), r_new, float(loss)


def _parameters(chol) -> np.ndarray:
    """``(dependence_tol, PRUNE_TOL·‖y‖)``, computed once per factor."""
    if chol.solve_par is None:
        floor = PRUNE_TOL * float(np.linalg.norm(chol.y))
        chol.solve_par = np.array([chol.dependence_tol, floor])
    return chol.solve_par


def _solution(chol, converged, n_dep, n_tight) -> SignConstrainedSolution:
    out = chol.flags
    P = chol.active.copy()
    values = chol.values[: P.size].copy()
    dependent = tuple(sorted(int(j) for j in out[0, :n_dep])) if n_dep else ()
    if not converged:
        return SignConstrainedSolution(P, values, dependent, False, P[:0])
    tight = out[1, :n_tight].copy()
    if n_dep or n_tight:
        tight = np.union1d(tight, out[0, :n_dep]).astype(int)
    return SignConstrainedSolution(P, values, dependent, True, tight)


PRUNE_TOL = 1e3 * np.finfo(float).eps
"""An active coordinate whose contribution ``|β_i|·‖x_i‖`` is at most ``PRUNE_TOL·‖y‖`` is
round-off of an exact zero (a degenerate saddle) and leaves the support."""
