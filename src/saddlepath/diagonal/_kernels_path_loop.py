r"""The exact path's jump loop with the float64 full scan, compiled (private; numba).

Algorithm 1 one jump after another without returning to Python: the pass ``g = Xᵀr/n``
(BLAS, through numba), the decision (:func:`~saddlepath.diagonal._kernels_path_scan.
decide_all`), the carried dual ``s ← s − Δ·g`` (re-synchronised from ``s = −XᵀR/n`` when
its rounding bound exceeds ``RESYNC_BOUND``), the jump and the next saddle
(:func:`~saddlepath.diagonal._kernels_path_solve.take_jump`), and the record of each
saddle. The loop hands back to the host at the first jump that is not the common case —
a refused or tight column (a face to explore), a pivot ratio below the condition limit or a
weak column added, a loss that did not decrease, an unfinished solve, full record
buffers — with that jump solved but not recorded, so the host finishes it exactly as its
own loop does; and when the scan finds no jump (converged or stuck), or after ``max_jumps``.

Arguments: ``scan = (X, s, g, eligible, grad_atol, norms, par, work, out, sign)`` of the
:class:`~saddlepath.diagonal._correlation.FullScan`; ``path = (r, R, sigma, r_new)``;
``solve = (data, par, chol, partners, x, wk, wn, flags, bbuf)``; the record
``rec = (rf, rR, sup, val, bnd, sgn, off)`` with ``rf[:, m] = (τ, L, Δ)``, ``rR[m]`` = R,
supports and values flat in ``sup``/``val``, boundaries and their signs in ``bnd``/``sgn``,
``off[m] = (end of support m, end of boundary m)``; ``fs = [τ, L, drift bound, max
g_err, condition limit, resync bound, κ]``, ``ist = [passes, jumps, records, a bound on
|E|]``.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_path_chol import jit
from saddlepath.diagonal._kernels_path_scan import CONVERGED, JUMP, STUCK, advance, decide_all
from saddlepath.diagonal._kernels_path_solve import take_jump

__all__ = ["CONVERGED", "GROW", "HOST", "LIMIT", "STUCK", "run_jumps", "scan_full"]

HOST, LIMIT, GROW = 3, 4, 5  # besides the scan's CONVERGED and STUCK


@jit
def scan_full(scan, r, R, sigma, in_support, fs, ist):
    """The float64 full scan: the dual re-synchronised if its bound exceeds ``fs[5]``, the
    pass ``g = Xᵀr`` and the decision; returns ``(code, Δ*, n_hit, n_inward)``."""
    X, s, g, eligible, grad_atol, norms, par, work, out, sign = scan
    n = X.shape[0]
    ist[0] += 1
    if fs[2] > fs[5]:
        ist[0] += 1
        s[:] = np.dot(R, X)
        for i in range(s.shape[0]):
            s[i] /= -n
        fs[2] = 0.0
    g[:] = np.dot(r, X)
    code, best, n_hit, n_in, gbound = decide_all(
        g, n, r, fs[6], s, sigma, eligible, in_support, grad_atol, norms, par, work, out, sign
    )
    fs[3] = gbound
    return code, best, n_hit, n_in


@jit
def _min_ratio(chol, norms):
    packed, active, ist, fst = chol[0], chol[3], chol[5], chol[6]
    if np.isnan(fst[0]):
        top = np.inf
        for c in range(ist[0]):
            top = min(top, abs(packed[c * (c + 3) // 2]) / norms[active[c]])
        fst[0] = top
    return fst[0]


@jit
def _record(rec, m, tau, loss, delta, R, chol, x, bbuf, nb, sigma):
    """Saddle ``m`` into the record; ``False`` (nothing written) when it does not fit."""
    rf, rR, sup, val, bnd, sgn, off = rec
    k, active = chol[5][0], chol[3]
    s0 = off[m - 1, 0] if m > 0 else 0
    b0 = off[m - 1, 1] if m > 0 else 0
    if m >= rf.shape[1] or s0 + k > sup.shape[0] or b0 + nb > bnd.shape[0]:
        return False
    rf[0, m], rf[1, m], rf[2, m] = tau, loss, delta
    rR[m, :] = R
    for c in range(k):
        sup[s0 + c], val[s0 + c] = active[c], x[c]
    for t in range(nb):
        bnd[b0 + t], sgn[b0 + t] = bbuf[t], sigma[bbuf[t]]
    off[m, 0], off[m, 1] = s0 + k, b0 + nb
    return True


@jit
def run_jumps(scan, path, solve, rec, fs, ist, max_jumps, capacity):
    """Jumps until the host is needed; returns ``(code, n_hit, n_in, Δ, conv, n_dep,
    n_tight, |E|, L)``: ``CONVERGED`` or ``STUCK`` from a scan without a jump (its inward
    coordinates already off the boundary), ``HOST`` with a jump solved but not recorded,
    ``LIMIT`` after ``max_jumps``."""
    r, R, sigma, r_new = path
    data, spar, chol, partners, x, wk, wn, flags, bbuf = solve
    g, out, sign = scan[2], scan[8], scan[9]
    d = g.shape[0]
    while ist[1] < max_jumps:
        code, delta, n_hit, n_in = scan_full(scan, r, R, sigma, chol[4], fs, ist)
        for t in range(n_in):
            sigma[out[d + t]] = 0.0
        if code != JUMP:
            return code, n_hit, n_in, delta, False, 0, 0, 0, 0.0
        if ist[3] + n_hit + 1 > capacity:
            return GROW, n_hit, n_in, delta, False, 0, 0, 0, 0.0
        ist[1] += 1
        fs[0] += delta
        advance(scan[1], g, delta, wn[:0], wn[:0])
        fs[2] += delta * fs[3] + 4e-16
        conv, n_dep, n_tight, nb, loss = take_jump(
            delta, out[:n_hit], sign[:n_hit], g, r, R, r_new, bbuf, data, spar, chol,
            partners, x, wk, wn, flags,
        )  # fmt: skip
        ist[3] = nb
        common = conv and n_dep == 0 and n_tight == 0 and loss < fs[1]
        if not common or chol[6][1] < np.inf or _min_ratio(chol, data[3]) < fs[4]:
            return HOST, n_hit, n_in, delta, conv, n_dep, n_tight, nb, loss
        if not _record(rec, ist[2], fs[0], loss, delta, R, chol, x, bbuf, nb, sigma):
            return HOST, n_hit, n_in, delta, conv, n_dep, n_tight, nb, loss
        ist[2] += 1
        r[:] = r_new
        fs[1] = loss
    return LIMIT, 0, 0, 0.0, False, 0, 0, 0, 0.0
