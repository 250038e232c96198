r"""Selecting one saddle when the sign-constrained minimiser is not unique.

Off general position the minimisers of one sign-constrained least-squares problem form a
face ``F = {β : X_T β = f, σ_i β_i ≥ 0 (i ∈ T)}`` where ``T`` holds the support and every
boundary column whose KKT condition is tight (``∂_iL = 0``). All points of ``F`` share
the fitted values, hence the loss, the gradient, the next jump and ``‖β‖₁``; Algorithm 1's
state ``(τ, s)`` does not depend on the choice, only the reported coefficients do.

The small-α gradient flow crosses a jump as an entropic mirror flow (``β_i ∝ e^{2S_i}``),
which started symmetrically converges to the *maximum-entropy* point of the face,

.. math::

    \min_{z \ge 0,\ A z = f} \sum_i z_i \log z_i - z_i, \qquad z_i = \sigma_i\beta_i,\
    A = X_T\,\mathrm{diag}(\sigma_T).

For parallel columns this is the equal split. It is the flow's choice whenever the tied
coordinates reach the boundary at equal rates; otherwise it is a documented selection
(status ``NON_UNIQUE``).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

__all__ = ["face_is_point", "max_entropy_on_face", "reported_saddle"]


def face_is_point(A: np.ndarray, *, rtol: float = 1e-10) -> bool:
    """Whether ``A`` has full column rank, so that ``{z : A z = f}`` is a single point."""
    if A.shape[1] > A.shape[0]:
        return False
    sv = np.linalg.svd(A, compute_uv=False)
    return bool(sv[-1] > rtol * sv[0])


def max_entropy_on_face(A: np.ndarray, f: np.ndarray, z0: np.ndarray) -> tuple[np.ndarray, bool]:
    """Maximum-entropy point of ``{z ≥ 0 : A z = f}``, started from the vertex ``z0``.

    The equality constraints are first reduced to ``rank(A)`` independent rows (an SVD),
    as the SQP solver requires. Returns ``(z, True)``, or ``(z0, False)`` when the
    optimiser fails or does not end feasible: the caller then reports the vertex and
    flags the saddle as possibly non-unique.
    """
    U, sv, Vt = np.linalg.svd(A, full_matrices=False)
    r = int(np.sum(sv > 1e-10 * sv[0]))
    scale = max(float(np.abs(z0).max(initial=0.0)), np.finfo(float).tiny)
    C = (sv[:r, None] * Vt[:r]) * scale  # constraints on w = z / scale
    rhs = U[:, :r].T @ f
    tiny = 1e-300

    def entropy(w):
        w = np.maximum(w, tiny)
        return float(np.sum(w * np.log(w) - w)), np.log(w)

    res = minimize(
        entropy,
        z0 / scale,
        jac=True,
        method="SLSQP",
        bounds=[(0.0, None)] * z0.size,
        constraints=[{"type": "eq", "fun": lambda w: C @ w - rhs, "jac": lambda w: C}],
        options={"ftol": 1e-15, "maxiter": 500},
    )
    z = np.maximum(res.x, 0.0) * scale
    feasible = np.linalg.norm(A @ z - f) <= 1e-9 * max(np.linalg.norm(f), tiny)
    return (z, True) if res.success and feasible else (z0, False)


def reported_saddle(chol, sol, sigma, fitted, dependent):
    """The saddle to report: the vertex, or the face's max-entropy point if not unique.

    ``T`` holds the support and the tight boundary columns; the face is a single point
    when the unit-normalised columns ``X_T`` have full rank. Columns that the
    max-entropy point moves weight onto are added to ``dependent`` (status NON_UNIQUE).
    """
    if sol.tight.size == 0:
        return sol.support, sol.values
    T = np.concatenate((sol.support, sol.tight))
    A = chol.X[:, T] * sigma[T]
    if face_is_point(A / chol.norms[T]):  # rank of the unit columns: scale-free
        return sol.support, sol.values
    z0 = np.concatenate((sigma[sol.support] * sol.values, np.zeros(sol.tight.size)))
    z, solved = max_entropy_on_face(A, fitted, z0)
    if not solved:  # the face could not be explored: report its vertex, flagged
        dependent.update(int(j) for j in sol.tight)
        return sol.support, sol.values
    if np.abs(z - z0).max() <= 1e-9 * np.abs(z0).max(initial=1.0):
        return sol.support, sol.values
    dependent.update(int(j) for j in sol.tight[z[sol.support.size :] > 0])
    keep = z > 0
    order = np.argsort(T[keep])
    return T[keep][order], (sigma[T] * z)[keep][order]
