r"""The compiled RODAS4 step of the flow (private; numba, cached on disk).

The one implementation of the step of :mod:`.step`: its stages, the linear solve with
:math:`I + UU^\top` (:mod:`.active_set`), the Jacobian's dropped columns and the error norm.
``tab = (A, GC, B, gamma)`` is the tableau; ``prm = (λ, rtol, atol)``.

**Size rule.** The two passes over X per step (:math:`\Delta R^\top X` and
:math:`k_6^\top X`) and the convergence test's pass are compiled loops while X has fewer
than ``blas_min`` entries (default ``BLAS_MIN``) and BLAS matrix-vector products from
there on: the same sums, in another order. Everything else (stages, factorisations) is
of the size of the active set and always runs as compiled loops.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_log import beta_one
from saddlepath.diagonal.flow._kernels_blas import gram_plus_identity, matvec, potrf_lower
from saddlepath.diagonal.flow._kernels_error import finish
from saddlepath.diagonal.flow._kernels_ode import inline, jit, log_weights_at

__all__ = [
    *("BETA_SHARE", "BLAS_MIN", "EPS", "JACOBIAN_SHARE", "TINY", "factor", "gather"),
    *("kept_mask", "residual", "rodas_core", "rodas_step", "solve"),
]

JACOBIAN_SHARE = 1e-2
r"""Share of the step tolerance ``rtol`` that the Jacobian may drop: the columns of U with
the smallest squared norms :math:`c_i = h\gamma\lambda\,(d\beta_i/dS)\|x_i\|^2/n` are
left out of :math:`I + UU^\top` while :math:`\sum c_i \le` ``JACOBIAN_SHARE``·rtol. The
matrix then moves by at most that much in norm (its eigenvalues are ≥ 1), so every stage
of the step moves by at most that relative amount — two orders below the tolerance."""
BLAS_MIN = 2**15
"""Entries of X from which its passes are BLAS matrix-vector products (see the module)."""
CANCEL = 0.5
"""Below this |ℓ+ − ℓ−| a stage forms β with expm1 (no cancellation), else as e^a − e^b."""
_LOG_HALF = float(np.log(0.5))


@inline
def dot(a, b):
    """The dot product of two vectors of one length, as a plain loop."""
    t = 0.0
    for i in range(a.shape[0]):
        t += a[i] * b[i]
    return t


@jit
def stable_order(w):
    """Indices sorting ``w`` ascending, ties in index order (a bottom-up merge sort: what
    ``np.argsort(kind="stable")`` returns, at a fraction of its compile time)."""
    m = w.shape[0]
    a, b = np.arange(m), np.empty(m, dtype=np.int64)
    width = 1
    while width < m:
        for lo in range(0, m, 2 * width):
            mid, hi = min(lo + width, m), min(lo + 2 * width, m)
            i, j = lo, mid
            for k in range(lo, hi):
                if i < mid and (j >= hi or w[a[i]] <= w[a[j]]):
                    b[k], i = a[i], i + 1
                else:
                    b[k], j = a[j], j + 1
        a, b = b, a
        width *= 2
    return a


@jit
def kept_mask(weight, budget, keep):
    """Mark in ``keep`` the columns kept in the Jacobian: the smallest weights are dropped
    while their sum stays ≤ ``budget`` (``JACOBIAN_SHARE``·rtol); return how many are kept."""
    m = weight.shape[0]
    keep[:m] = True
    if m == 0 or np.min(weight) > budget:
        return m
    total, dropped = 0.0, 0
    for a in stable_order(weight):
        total += weight[a]
        if not total <= budget:
            break
        keep[a] = False
        dropped += 1
    return m - dropped


@inline
def _cholesky(G):
    """Lower Cholesky factor of the SPD ``G`` in place; False if a pivot is not > 0."""
    k = G.shape[0]
    for j in range(k):
        s = G[j, j]
        for p in range(j):
            s -= G[j, p] * G[j, p]
        if not s > 0.0:
            return False
        s = np.sqrt(s)
        G[j, j] = s
        for i in range(j + 1, k):
            t = G[i, j]
            for p in range(j):
                t -= G[i, p] * G[j, p]
            G[i, j] = t / s
    return True


@inline
def _cho_solve(L, x):
    r"""Solve :math:`LL^\top x = b` in place (``x`` holds b)."""
    k = L.shape[0]
    for i in range(k):
        t = x[i]
        for p in range(i):
            t -= L[i, p] * x[p]
        x[i] = t / L[i, i]
    for i in range(k - 1, -1, -1):
        t = x[i]
        for p in range(i + 1, k):
            t -= L[p, i] * x[p]
        x[i] = t / L[i, i]


@jit
def factor(UT, blas_min):
    r"""Factor :math:`I + UU^\top` for ``UT`` = :math:`U^\top` (k, n): mode 0 (k = 0: the
    identity), 1 (:math:`n \le 2k`: the Cholesky factor of :math:`I_n + UU^\top`) or 2 (of
    :math:`I_k + U^\top U`, Woodbury); mode -1 if the factorisation failed (not finite or
    not numerically positive definite). From ``blas_min``/4 multiplications on
    (:math:`k\,n\,\mathrm{size}`; measured: BLAS wins from about 5,000), the Gram matrix
    and its factor come from BLAS ``dsyrk`` and LAPACK ``dpotrf`` (:mod:`._kernels_blas`:
    the same algorithm, another order of sums)."""
    k, n = UT.shape
    if k == 0:
        return 0, np.empty((0, 0))
    size = n if n <= 2 * k else k
    mode = 1 if size == n else 2
    if k * n * size >= blas_min // 4:  # the work of the Gram matrix, about k n size / 2
        G = gram_plus_identity(UT, mode == 1)
        return (mode if potrf_lower(G) else -1), G
    G = np.zeros((size, size))
    if mode == 1:
        for a in range(k):
            for p in range(n):
                up = UT[a, p]
                for q in range(p + 1):
                    G[p, q] += up * UT[a, q]
    else:
        for a in range(k):
            for b in range(a + 1):
                G[a, b] = dot(UT[a], UT[b])
    for p in range(size):
        G[p, p] += 1.0
    return (mode if _cholesky(G) else -1), G


@jit
def solve(mode, UT, G, b, out, work, blas_min):
    r"""``out`` = :math:`(I + UU^\top)^{-1} b` from ``factor``'s ``(mode, G)``; with
    Woodbury, :math:`b - U(I + U^\top U)^{-1}U^\top b` (``work``: length k)."""
    out[:] = b
    if mode == 1:
        _cho_solve(G, out)
    elif mode == 2:
        k = UT.shape[0]
        for a in range(k):
            work[a] = dot(UT[a], b)
        _cho_solve(G, work[:k])
        if UT.size >= blas_min:
            t = np.empty(out.shape[0])
            matvec(UT, work[:k], t, True)
            out -= t
            return
        for a in range(k):
            t = work[a]
            for i in range(out.shape[0]):
                out[i] -= t * UT[a, i]


@jit
def gather(geo, idx, sigma, base, lam):
    r"""The active columns :math:`X_A^\top` (m, n) and per active coordinate the rows of
    ``c``: :math:`2\ell_\pm + \log\tfrac12` at σ (log of :math:`w_\pm^2/2`, signed), their
    exponentials' sum :math:`(d\beta/dS)/2`, :math:`\ell_+ - \ell_-`, and :math:`\ell_\pm`."""
    X = geo[0]
    n, m = X.shape[0], idx.shape[0]
    XT, c = np.empty((m, n)), np.empty((7, m))
    for a in range(m):
        j = idx[a]
        for i in range(n):
            XT[a, i] = X[i, j]
        lp, lm = log_weights_at(geo, j, 0.0, base, lam)
        z0 = 2.0 * sigma[j]
        c[0, a] = (2.0 * lp + _LOG_HALF) + z0
        c[1, a] = (2.0 * lm + _LOG_HALF) - z0
        c[2, a] = np.exp(c[0, a]) + np.exp(c[1, a])
        c[3, a] = (geo[4][j] + 2.0 * (lam * base[j])) + z0
        c[4, a], c[5, a] = lp + 0.5 * z0, lm - 0.5 * z0
        c[6, a] = geo[7][j]
    return XT, c


@jit
def residual(XT, c, y, dR, dz_scale, out, blas_min):
    r"""``out`` = :math:`X_A\beta_A - y` at :math:`R + \Delta R`: z moves by
    :math:`\Delta z = -2\lambda X_A^\top\Delta R/n` (``dz_scale`` = :math:`-2\lambda/n`)."""
    m, n = XT.shape
    big = m * n >= blas_min
    dz = np.empty(m)
    if big:
        matvec(XT, dR, dz, False)
        dz *= dz_scale
    beta = np.empty(m)
    for a in range(m):
        if not big:
            dz[a] = dz_scale * dot(dR, XT[a])
        diff = c[3, a]
        if np.abs(diff) < CANCEL:
            beta[a] = beta_one(c[4, a] + 0.5 * dz[a], c[5, a] - 0.5 * dz[a], diff + dz[a], True)
        else:
            beta[a] = np.exp(c[0, a] + dz[a]) - np.exp(c[1, a] - dz[a])
    if big:
        matvec(XT, beta, out, True)
        out -= y
        return
    for i in range(n):
        out[i] = -y[i]
    for a in range(m):
        for i in range(n):
            out[i] += beta[a] * XT[a, i]


@jit
def jacobian(XT, c, h, gamma, lam, budget, blas_min):
    r"""``(mode, UT, G)``: the factored :math:`I - h\gamma J = I + UU^\top` over the kept
    columns, :math:`U = X_A\,\mathrm{diag}(\sqrt{2h\gamma\lambda(d\beta_A/dS)/2n})`."""
    m, n = XT.shape
    scale = (2.0 * h * gamma * lam / n) * c[2]
    keep = np.empty(m, dtype=np.bool_)
    k = kept_mask(scale * c[6], budget, keep)
    UT = np.empty((k, n))
    b = 0
    for a in range(m):
        if keep[a]:
            root = np.sqrt(scale[a])
            for i in range(n):
                UT[b, i] = root * XT[a, i]
            b += 1
    mode, G = factor(UT, blas_min)
    return mode, UT, G


@jit
def rodas_step(geo, idx, sigma, r, h, base, tab, prm, blas_min, sigma_new, r_new, dsig):
    """One step from ``sigma`` with residual ``r`` on active set ``idx``: the candidate
    offsets, residual and Δσ = σ − σ_new into the last three; return the error norm (inf if
    not finite, the step then being rejected)."""
    XT, c = gather(geo, idx, sigma, base, prm[0])
    return rodas_core(
        geo, idx, XT, c, sigma, r, h, base, tab, prm, blas_min, sigma_new, r_new, dsig
    )


@jit
def rodas_core(geo, idx, XT, c, sigma, r, h, base, tab, prm, blas_min, sigma_new, r_new, dsig):
    """``rodas_step`` on the active arrays ``XT, c`` of :func:`gather`."""
    A, GC, B, gamma = tab
    lam, rtol = prm[0], prm[1]
    y = geo[1]
    n, stages = XT.shape[1], B.shape[0]
    mode, UT, G = jacobian(XT, c, h, gamma, lam, JACOBIAN_SHARE * rtol, blas_min)
    if mode < 0:
        return np.inf
    hg, dz_scale = h * gamma, -2.0 * lam / n
    ks, rhs, dR, work = np.empty((stages, n)), np.empty(n), np.empty(n), np.empty(UT.shape[0])
    for p in range(n):
        rhs[p] = hg * r[p]
    solve(mode, UT, G, rhs, ks[0], work, blas_min)
    for i in range(1, stages):
        dR[:] = 0.0
        for j in range(i):
            for p in range(n):
                dR[p] += A[i, j] * ks[j, p]
        residual(XT, c, y, dR, dz_scale, rhs, blas_min)
        for p in range(n):
            t = hg * rhs[p]
            for j in range(i):
                t += GC[i, j] * ks[j, p]
            rhs[p] = t
        solve(mode, UT, G, rhs, ks[i], work, blas_min)
    dR[:] = 0.0
    for j in range(stages):
        for p in range(n):
            dR[p] += B[j] * ks[j, p]
    residual(XT, c, y, dR, dz_scale, r_new, blas_min)
    V = np.empty((2, n))
    V[0], V[1] = dR, ks[stages - 1]  # the step and its error estimate
    return finish(geo, idx, c, sigma, V, base, prm, blas_min, sigma_new, dsig)
