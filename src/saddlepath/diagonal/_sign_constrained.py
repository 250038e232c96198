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
from saddlepath.diagonal._kernels_path_solve import sign_constrained

__all__ = ["SignConstrainedSolution", "solve_sign_constrained"]


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
    values = np.zeros(chol.wk.shape[1])
    values[: x.size] = x
    out = np.zeros((2, boundary.size + 1), dtype=np.int64)
    first = -1 if entering is None or entering.size == 0 else int(entering[0])
    data = (chol.X, chol.Xty, y, chol.norms, sigma, grad_atol)
    floor = PRUNE_TOL * float(np.linalg.norm(chol.y))
    par = np.array([chol.dependence_tol, floor])
    converged, n_dep, n_tight = sign_constrained(
        data, boundary, first, par, chol.state, chol.partners, values, chol.wk, chol.wn, out
    )
    P = chol.active.copy()
    dependent = tuple(sorted(int(j) for j in out[0, :n_dep]))
    if not converged:
        return SignConstrainedSolution(P, values[: P.size].copy(), dependent, False, P[:0])
    tight = out[1, :n_tight]
    if n_dep or n_tight:
        tight = np.union1d(tight, out[0, :n_dep]).astype(int)
    return SignConstrainedSolution(P, values[: P.size].copy(), dependent, True, tight.copy())


PRUNE_TOL = 1e3 * np.finfo(float).eps
"""An active coordinate whose contribution ``|β_i|·‖x_i‖`` is at most ``PRUNE_TOL·‖y‖`` is
round-off of an exact zero (a degenerate saddle) and leaves the support."""
