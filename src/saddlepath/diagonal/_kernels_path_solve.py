r"""The compiled warm-started sign-constrained least squares of each saddle (private; numba).

The one implementation of the Lawson–Hanson active-set method of
:mod:`~saddlepath.diagonal._sign_constrained` on the signed columns,

.. math::

    \min_\beta \tfrac{1}{2n}\lVert X\beta - y\rVert^2 \quad\text{s.t.}\quad
    \sigma_i\beta_i \ge 0 \ (i \in E), \qquad \beta_i = 0 \ (i \notin E),

started from the previous saddle ``x`` on the active set ``P`` of the factor (see
:mod:`~saddlepath.diagonal._kernels_path_chol` for its state arrays). ``data`` bundles
``(X, Xty, y, norms, sigma, grad_atol)``; ``par = (dependence_tol, prune floor)``, the floor
being ``PRUNE_TOL·‖y‖``. Results: ``x[:k]`` the values on the final active set, and in
``out`` (int, (2, ≥ |E| + 1)) the columns refused as dependent (``out[0]``) and the tight
boundary columns (``out[1]``: ``∂_jL ≈ 0`` off the support, or pruned as round-off).
Returns ``(converged, n_dependent, n_tight)``.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_path_chol import (
    add_column,
    fitted,
    jit,
    least_squares,
    remove_column,
)

__all__ = ["sign_constrained", "take_jump"]


@jit
def _kkt(X, Xty, sigma, grad_atol, boundary, chol, x, dep, n_dep, wk, wn, tight):
    """Boundary column off the support whose ``σ_j ∂_jL/tol_j`` is most negative, if below
    −1 (else ``-1``, and the columns with a score ≤ 1 go to ``tight``); ``(j, n_tight)``."""
    cols, in_active, ist = chol[2], chol[4], chol[5]
    k, n = ist[0], X.shape[0]
    score, m, worst = wk[3], 0, -1
    for t in range(boundary.shape[0]):
        j = boundary[t]
        if in_active[j] or _member(dep, n_dep, j):
            continue
        if m == 0:
            fitted(cols, k, x, wn)
        acc = 0.0
        for i in range(n):
            acc += wn[i] * X[i, j]
        score[m] = sigma[j] * ((acc - Xty[j]) / n) / grad_atol[j]
        if worst < 0 or score[m] < score[worst]:
            worst = m
        tight[m] = j
        m += 1
    if m > 0 and score[worst] < -1.0:
        return tight[worst], 0
    n_tight = 0
    for t in range(m):
        if score[t] <= 1.0:
            tight[n_tight] = tight[t]
            n_tight += 1
    return -1, n_tight


@jit
def _member(a, m, j):
    for t in range(m):
        if a[t] == j:
            return True
    return False


@jit
def _step_to_boundary(sigma, norms, chol, x, z, wk):
    """Move from ``x`` towards ``z`` until a sign reaches zero; drop the zeroed columns."""
    packed, q, cols, active, in_active, ist, fst = chol
    k = ist[0]
    t, arg = np.inf, -1
    for c in range(k):
        s = sigma[active[c]]
        sx, sz = s * x[c], s * z[c]
        if sz <= 0:
            ratio = sx / (sx - sz)
            if arg < 0 or ratio < t:
                t, arg = ratio, c
    t = min(max(t, 0.0), 1.0)
    top = 0.0
    for c in range(k):
        x[c] = x[c] + t * (z[c] - x[c])
        top = max(top, abs(x[c]) * norms[active[c]])
    removed, kept = 0, 0
    for c in range(k):
        j = active[c - removed]
        if c == arg or sigma[j] * x[c] * norms[j] <= 1e-14 * top:
            remove_column(c - removed, packed, q, cols, active, in_active, ist, fst, wk)
            removed += 1
        else:
            x[kept] = x[c]
            kept += 1


@jit
def _finish(data, par, chol, x, wk, wn, tight, n_tight):
    """Refine the optimum and prune coefficients that are round-off of exact zeros."""
    y, norms = data[2], data[3]
    packed, q, cols, active, in_active, ist, fst = chol
    if ist[0] > 0:
        least_squares(packed, q, cols, ist[0], y, True, x, wk[0], wn)
    while ist[0] > 0:
        k, removed = ist[0], 0
        for c in range(k):
            j = active[c - removed]
            if abs(x[c]) * norms[j] <= par[1]:
                remove_column(c - removed, packed, q, cols, active, in_active, ist, fst, wk)
                tight[n_tight] = j
                n_tight += 1
                removed += 1
        if removed == 0:
            break
        if ist[0] > 0:
            least_squares(packed, q, cols, ist[0], y, True, x, wk[0], wn)
    return n_tight


@jit
def sign_constrained(data, boundary, first, par, chol, partners, x, wk, wn, out):
    """Lawson–Hanson from ``x[:k]``; ``first`` (or −1) is the column known to violate KKT at
    ``x``, added without a gradient evaluation. See the module docstring."""
    X, Xty, y, norms, sigma, grad_atol = data
    packed, q, cols, active, in_active, ist, fst = chol
    dep, tight = out[0], out[1]
    n_dep, optimal, newest, queue = 0, True, -1, first
    z = wk[4]
    for _ in range(4 * boundary.shape[0] + 20):
        if optimal:
            j, queue = queue, -1
            n_tight = 0
            if j < 0 or in_active[j]:
                j, n_tight = _kkt(
                    X, Xty, sigma, grad_atol, boundary, chol, x, dep, n_dep, wk, wn, tight
                )
            if j < 0:
                return True, n_dep, _finish(data, par, chol, x, wk, wn, tight, n_tight)
            k = ist[0]
            if not add_column(
                X,
                j,
                norms,
                Xty,
                par[0],
                packed,
                q,
                cols,
                active,
                in_active,
                ist,
                fst,
                partners,
                wk,
                wn,
            ):
                dep[n_dep] = j
                n_dep += 1
                continue
            x[k] = 0.0
            optimal, newest = False, j
        k = ist[0]
        least_squares(packed, q, cols, k, y, False, z, wk[0], wn)
        feasible = True
        for c in range(k):
            feasible &= sigma[active[c]] * z[c] > 0
        if feasible:
            x[:k] = z[:k]
            optimal, newest = True, -1
        elif newest >= 0 and sigma[newest] * z[k - 1] <= 0:
            remove_column(k - 1, packed, q, cols, active, in_active, ist, fst, wk)
            dep[n_dep] = newest
            n_dep += 1
            optimal, newest = True, -1
        else:
            _step_to_boundary(sigma, norms, chol, x, z, wk)
            newest = -1
    return False, n_dep, 0


@jit
def take_jump(delta, hit, sign, g, r, R, r_new, bbuf, data, par, chol, partners, x, wk, wn, out):
    r"""One jump of Algorithm 1 after its scan: ``R ← R + Δ·r``, the hit coordinates put on
    their boundary, ``E = {i : σ_i ≠ 0}`` into ``bbuf``, the next saddle solved (the hit
    of largest ``|∂_iL|/tol_i`` added first), its residual ``r_new = X_P x − y`` and loss.

    Returns ``(converged, n_dependent, n_tight, |E|, ‖r_new‖²/(2n))``.
    """
    X, y, sigma, grad_atol = data[0], data[2], data[4], data[5]
    for i in range(R.shape[0]):
        R[i] += delta * r[i]
    for t in range(hit.shape[0]):
        sigma[hit[t]] = sign[t]
    nb = 0
    for i in range(sigma.shape[0]):
        if sigma[i] != 0:
            bbuf[nb] = i
            nb += 1
    first, top = -1, -np.inf
    for t in range(hit.shape[0]):
        v = abs(g[hit[t]]) / grad_atol[hit[t]]
        if v > top:
            first, top = hit[t], v
    converged, n_dep, n_tight = sign_constrained(
        data, bbuf[:nb], first, par, chol, partners, x, wk, wn, out
    )
    k, cols = chol[5][0], chol[2]
    fitted(cols, k, x, r_new)
    sq = 0.0
    for i in range(r_new.shape[0]):
        r_new[i] -= y[i]
        sq += r_new[i] * r_new[i]
    return converged, n_dep, n_tight, nb, sq / (2 * X.shape[0])
