r"""Compiled up/down-dates of the Gram Cholesky factor (private; numba, cached on disk).

The one implementation of the arithmetic of :class:`~saddlepath.diagonal._cholesky.
GramCholesky`: ``X_Pᵀ X_P = RᵀR`` with ``R`` upper triangular, stored column-packed
(column ``c`` holds rows ``0..c`` from ``c(c+1)/2``), beside ``q = R⁻ᵀ X_Pᵀ y`` and the
active columns ``cols`` (Fortran order, ``(n, capacity)``). The state of the factor is

- ``ist`` (int): ``[k = |P|, j of the weakest column added since checked, its partners]``;
- ``fst`` (float): ``[min_c R_cc/‖x_c‖ or NaN (to recompute), ratio of that weak add or inf]``.

A column enters with one forward substitution (``O(n·k + k²)``); one leaves by Givens
rotations of the trailing Hessenberg block, ``q`` riding along (``O(k²)``). The callers
grow the buffers beforehand: each needs room for ``k + 1`` columns.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from saddlepath.diagonal import _kernels_cache  # noqa: F401  (before any kernel)

__all__ = ["add_column", "fitted", "jit", "least_squares", "remove_column", "solve_r", "solve_rt"]

jit = njit(cache=True, nogil=True, error_model="numpy")
"""The path kernels' decorator: as the project's, with NumPy's IEEE division (a zero
divisor gives ±inf or NaN, as in the NumPy formulation, instead of raising)."""

linear = njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "contract"})
"""For the dense products and triangular solves of the factor: sums may be reassociated
(and fused), so they vectorise; each result changes only by rounding."""

WEAK_RATIO = 1e-3
"""A column added at a pivot ratio below this is remembered with its partners."""


@linear
def solve_rt(packed, k, b):
    """``Rᵀw = b`` in place on ``b[:k]`` (forward substitution, dot form)."""
    for c in range(k):
        start = c * (c + 1) // 2
        acc = b[c]
        for i in range(c):
            acc -= packed[start + i] * b[i]
        b[c] = acc / packed[start + c]


@linear
def solve_r(packed, k, b):
    """``Rz = b`` in place on ``b[:k]`` (back substitution, by columns)."""
    for c in range(k - 1, -1, -1):
        start = c * (c + 1) // 2
        b[c] /= packed[start + c]
        zc, column = b[c], packed[start : start + c]  # a view: the loop vectorises
        for i in range(c):
            b[i] -= zc * column[i]


@linear
def _xp_t(cols, k, v, out):
    """``out[:k] = X_Pᵀ v``; four columns at a time (independent sums, each in row order)."""
    c = 0
    while c + 4 <= k:
        a0 = a1 = a2 = a3 = 0.0
        for i in range(v.shape[0]):
            vi = v[i]
            a0 += cols[i, c] * vi
            a1 += cols[i, c + 1] * vi
            a2 += cols[i, c + 2] * vi
            a3 += cols[i, c + 3] * vi
        out[c], out[c + 1], out[c + 2], out[c + 3] = a0, a1, a2, a3
        c += 4
    for t in range(c, k):
        acc = 0.0
        for i in range(v.shape[0]):
            acc += cols[i, t] * v[i]
        out[t] = acc


@linear
def fitted(cols, k, z, out):
    """``out = X_P z``."""
    out[:] = 0.0
    for c in range(k):
        zc = z[c]
        for i in range(out.shape[0]):
            out[i] += cols[i, c] * zc


@jit
def least_squares(packed, q, cols, k, y, refine, z, wk, wn):
    """``z[:k] = argmin ‖X_P z − y‖`` = ``R⁻¹q``; with ``refine`` one step of iterative
    refinement on the semi-normal equations, ``z += (RᵀR)⁻¹ X_Pᵀ(y − X_P z)``."""
    z[:k] = q[:k]
    solve_r(packed, k, z)
    if refine and k > 0:
        fitted(cols, k, z, wn)
        for i in range(wn.shape[0]):
            wn[i] = y[i] - wn[i]
        _xp_t(cols, k, wn, wk)
        solve_rt(packed, k, wk)
        solve_r(packed, k, wk)
        for c in range(k):
            z[c] = z[c] + wk[c]


@jit
def _pivot(packed, cols, k, xx, w, wk, wn):
    r"""Distance of ``x_j = cols[:, k]`` to the span of the active columns.

    ``√(‖x_j‖² − ‖w‖²)`` (``w = R⁻ᵀX_Pᵀx_j``) loses everything below ``√ε·‖x_j‖``; when
    that difference is small the residual of the projection (refined once) is measured.
    """
    ww = 0.0
    for c in range(k):
        ww += w[c] * w[c]
    pivot_sq = xx - ww
    if pivot_sq > 1e-4 * xx or k == 0:
        return np.sqrt(max(pivot_sq, 0.0))
    wk[:k] = w[:k]
    solve_r(packed, k, wk)
    fitted(cols, k, wk, wn)
    for i in range(wn.shape[0]):
        wn[i] = cols[i, k] - wn[i]
    _xp_t(cols, k, wn, wk)
    solve_rt(packed, k, wk)
    solve_r(packed, k, wk)
    acc = 0.0
    for i in range(wn.shape[0]):
        e = wn[i]
        for c in range(k):
            e -= cols[i, c] * wk[c]
        acc += e * e
    return np.sqrt(acc)


@jit
def add_column(
    X, j, norms, Xty, dep_tol, packed, q, cols, active, in_active, ist, fst, partners, wk, wn
):
    """Append column ``j`` (room for it is assumed); ``False``, nothing changed, if it lies
    within ``dep_tol·‖x_j‖`` of the span of the active columns. ``wk`` (3, ≥ k + 1) and
    ``wn`` (n,) are work arrays."""
    k = ist[0]
    xx = 0.0
    for i in range(X.shape[0]):
        cols[i, k] = X[i, j]
        xx += X[i, j] * X[i, j]
    w = wk[0]
    _xp_t(cols, k, cols[:, k], w)
    solve_rt(packed, k, w)
    rho = _pivot(packed, cols, k, xx, w, wk[1], wn)
    if rho <= dep_tol * norms[j]:
        return False
    start = k * (k + 1) // 2
    packed[start : start + k] = w[:k]
    ratio = rho / norms[j]
    if ratio < WEAK_RATIO and ratio < fst[1]:
        fst[1], ist[1] = ratio, j
        _partners(packed, k, w, norms, norms[j], active, partners, ist, wk[2])
    packed[start + k] = rho
    if not np.isnan(fst[0]):
        fst[0] = min(fst[0], ratio)
    acc = 0.0
    for c in range(k):
        acc += w[c] * q[c]
    q[k] = (Xty[j] - acc) / rho
    active[k] = j
    in_active[j] = True
    ist[0] = k + 1
    return True


@jit
def _partners(packed, k, w, norms, norm_j, active, partners, ist, c):
    """Active columns carrying ≥ 1% of ``X_P c ≈ x_j`` (``R c = w``), in units of ``‖x_j‖``."""
    c[:k] = w[:k]
    solve_r(packed, k, c)
    m = 0
    for t in range(k):
        if abs(c[t]) * norms[active[t]] >= 0.01 * norm_j:
            partners[m] = active[t]
            m += 1
    ist[2] = m


@jit
def remove_column(p, packed, q, cols, active, in_active, ist, fst, wk):
    """Delete the active column at position ``p``: Givens rotations on rows ``(c, c+1)``,
    ``c = p..k−2``, re-triangularise the trailing block and update ``q`` alike."""
    k = ist[0]
    tmp, cs, sn = wk[0], wk[1], wk[2]
    for c in range(p, k - 1):
        old, new = (c + 1) * (c + 2) // 2, c * (c + 1) // 2
        tmp[: c + 2] = packed[old : old + c + 2]
        for i in range(p, c):
            a, b = tmp[i], tmp[i + 1]
            tmp[i], tmp[i + 1] = cs[i] * a + sn[i] * b, cs[i] * b - sn[i] * a
        a, b = tmp[c], tmp[c + 1]
        r = np.hypot(a, b)
        cs[c], sn[c] = a / r, b / r
        tmp[c] = r
        packed[new : new + c + 1] = tmp[: c + 1]
    for i in range(p, k - 1):
        a, b = q[i], q[i + 1]
        q[i], q[i + 1] = cs[i] * a + sn[i] * b, cs[i] * b - sn[i] * a
    in_active[active[p]] = False
    for c in range(p, k - 1):
        cols[:, c] = cols[:, c + 1]
        active[c] = active[c + 1]
    ist[0] = k - 1
    fst[0] = np.nan
