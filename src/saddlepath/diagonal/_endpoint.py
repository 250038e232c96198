r"""Is the last saddle really the least-squares solution? A check independent of ``grad_tol``.

The path ends when every ``|∂_iL| ≤ grad_tol·‖x_i‖‖y‖/n``. With nearly collinear
columns a tiny gradient does not mean a small loss excess: the residual ``r = Xβ − y``
can keep a large component in the range of ``X`` along directions where ``X`` is nearly
singular, and the exact path would go on (with huge coefficients, at huge times). The
least-squares claim is therefore checked directly: with the thin SVD of the
column-normalised data ``X D⁻¹ = U Σ Vᵀ`` (``D = diag ‖x_i‖``),

.. math::

    \lVert P_{\mathrm{range}(X)}\, r\rVert = \lVert U_+^\top r\rVert,

over the singular values above ``10·√max(n, d)·ε·σ_max`` (smaller ones are exact
dependence up to rounding). ``U`` is orthonormal to working precision whatever the
conditioning, so this is accurate to ``~ε‖r‖``.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal.path_status import PathStatus

__all__ = ["RANGE_TOL", "least_squares_end", "residual_in_range", "spans_range"]

RANGE_TOL = 1e-6
"""The last saddle is least squares when ``‖P_range(X) r‖ ≤ RANGE_TOL·‖y‖``."""


def residual_in_range(X: np.ndarray, r: np.ndarray, norms: np.ndarray) -> tuple[float, list[int]]:
    """``‖P_range(X) r‖`` and the columns that carry it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    r : ndarray of shape (n_samples,)
        Residual ``Xβ − y`` of the last saddle (units of ``y``).
    norms : ndarray of shape (n_features,)
        Column norms (zero columns are left out).

    Returns
    -------
    norm : float
        Norm of the part of ``r`` that the columns of ``X`` could still fit.
    columns : list of int
        Columns carrying at least 10% of the least-squares correction of that part
        (in units of the fit), largest first.
    """
    live = np.flatnonzero(norms > 0)
    if live.size == 0:
        return 0.0, []
    U, sv, Vt = np.linalg.svd(X[:, live] / norms[live], full_matrices=False)
    keep = sv > 10 * np.sqrt(max(X.shape)) * np.finfo(float).eps * sv[0]
    comp = U[:, keep].T @ r
    if not np.any(comp):
        return 0.0, []
    weight = np.abs(Vt[keep].T @ (comp / sv[keep]))
    order = np.argsort(-weight)
    top = order[weight[order] >= 0.1 * weight.max(initial=0.0)] if weight.size else order
    return float(np.linalg.norm(comp)), [int(live[i]) for i in top]


def spans_range(chol, groups) -> bool:
    """Whether the active columns span range(X), so the solve made ``r ⟂ range(X)``."""
    return not groups.near_parallel and bool(np.all(chol.in_active[groups.eligible]))


def least_squares_end(X, y, r, groups) -> tuple[PathStatus | None, str]:
    """``(None, "")`` for a true least-squares end, else ``(STAGNATED, reason)``.

    Parameters
    ----------
    X, y : ndarray
        The (rescaled) data.
    r : ndarray of shape (n_samples,)
        Residual ``Xβ − y`` of the last saddle.
    groups : ColumnGroups
        The column screening of the path (norms, parallel columns and their leaders).
    """
    excess, columns = residual_in_range(X, r, groups.norms)
    if excess <= RANGE_TOL * float(np.linalg.norm(y)):
        screened = [j for j in groups.near_parallel if groups.leader[j] < 0]
        if screened:  # shorter columns screened out as parallel only within tolerance
            reason = (
                f"the path ends short of interpolation, but columns {screened[:10]} were "
                "screened out as parallel to longer columns within 1e-10 without being exactly "
                "parallel; the exact path may go on along their difference, which float64 "
                "cannot resolve, so the last saddle is not certified as least squares"
            )
            return PathStatus.STAGNATED, reason
        return None, ""
    reason = (
        f"every gradient is below grad_tol, yet the residual keeps a part "
        f"{excess / np.linalg.norm(y):.1e}·‖y‖ in the range of X, carried by columns "
        f"{columns[:10]} (nearly collinear, or treated as parallel within 1e-10): the exact "
        "path goes on along directions float64 cannot resolve, so the last saddle is not the "
        "least-squares solution"
    )
    return PathStatus.STAGNATED, reason
