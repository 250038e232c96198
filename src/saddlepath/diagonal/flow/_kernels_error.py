r"""The error norm of a flow step and its passes over X (private; numba, cached on disk).

Shared by the two methods of the step loop, RODAS4 (:mod:`._kernels_step`) and the explicit
Dormand–Prince pair (:mod:`._kernels_explicit`): both end with the step's ΔR and an error
estimate of R, read X once for both (:math:`\Delta\sigma = \lambda X^\top\Delta R/n`) and
measure the error of each :math:`S_i` against the tolerance of :mod:`.step`.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal.flow._kernels_blas import x_passes
from saddlepath.diagonal.flow._kernels_ode import jit

__all__ = ["BETA_SHARE", "EPS", "TINY", "error_norm", "finish"]

BETA_SHARE = 4.0
"""Factor on the β-part of the tolerance (``DualODE.tolerance``; re-exported there)."""
EPS = float(np.finfo(np.float64).eps)
TINY = float(np.finfo(np.float64).tiny)


@jit
def finish(geo, idx, c, sigma, V, base, prm, blas_min, sigma_new, dsig):
    """The step's passes over X, one read for all rows of ``V``: its ΔR (row 0) and error
    estimates of R (the other rows); the candidate offsets into ``sigma_new`` and Δσ into
    ``dsig``; return the error norm of the largest estimate, coordinate by coordinate."""
    X, lam = geo[0], prm[0]
    n, d = X.shape
    passes = np.empty((V.shape[0], d))
    x_passes(X, V, passes, blas_min)
    est = np.empty(d)
    for j in range(d):
        dsig[j] = passes[0, j] * (lam / n)
        sigma_new[j] = sigma[j] - dsig[j]
        e = 0.0
        for k in range(1, V.shape[0]):
            a = np.abs(passes[k, j])
            if not a <= e:  # NaN propagates (rejects the step)
                e = a
        est[j] = e
    return error_norm(geo, idx, c, sigma, dsig, est, base, prm)


@jit
def error_norm(geo, idx, c, sigma, dsig, est, base, prm):
    r"""max over coordinates of |error estimate of S| / tolerance: the smaller of
    :math:`\mathrm{rtol}\max(|S|, |S_{new}|) + \lambda(\mathrm{atol} + \varepsilon)` and, on
    A, ``BETA_SHARE`` times the β-part over both ends of the step (inf if not finite);
    ``est`` = :math:`|X^\top e|` for the error estimate e of R: that of S times n/λ."""
    X = geo[0]
    lam, rtol, atol = prm[0], prm[1], prm[2]
    n, d = X.shape
    tol = np.empty(d)
    for j in range(d):
        start = lam * base[j] + sigma[j]
        tol[j] = max(np.abs(start), np.abs(start - dsig[j])) * rtol + lam * (atol + EPS)
    for a in range(idx.shape[0]):
        j, diff = idx[a], c[3, a]
        th = max(np.abs(np.tanh(diff)), np.abs(np.tanh(diff - 2.0 * dsig[j])))
        beta_tol = (0.5 * rtol) * th + (atol * geo[6][j] + TINY) / (2.0 * c[2, a])
        tol[j] = min(tol[j], beta_tol * BETA_SHARE)
    err = 0.0
    for j in range(d):
        e = np.abs(est[j]) * (lam / n) / tol[j]
        if not e <= err:
            err = e
            if not e < np.inf:
                return np.inf
    return err
