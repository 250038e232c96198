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

__all__ = ["RANGE_TOL", "residual_in_range"]

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
