r"""Compiled per-jump decisions of the exact path's scan (private; numba, cached on disk).

The one implementation of what :mod:`~saddlepath.diagonal._correlation` does with the
gradient ``g = Xᵀr/n`` once the pass over ``X`` (a BLAS product) has produced it: the
time to the boundary of every coordinate,

.. math::

    \Delta_i = \frac{1 - \operatorname{sign}(-g_i)\, s_i}{|g_i|}
    \quad(2/|g_i| \text{ for a boundary coordinate moving inwards}),

the next jump ``Δ* = min Δ_i`` with its ties, the boundary coordinates that leave inwards,
and (float32 pass) the screening of the candidates to re-check in float64. Rounding bounds
of ``g_i`` are formed on the fly, ``κ‖x_i‖‖r‖/n + n·2^{-1074}``, so a jump allocates
nothing of length ``d``: every loop writes into work arrays the scanner owns. Each loop
evaluates the expressions of the NumPy formulation it replaced, in the same order, so the
decisions are the same to the last bit.

Outputs: ``hit`` (coordinates reaching the boundary) with ``sign`` (the boundary reached,
±1), ``inward`` (boundary coordinates with ``β_i = 0`` that leave), and a code ``JUMP``,
``CONVERGED`` or ``STUCK``.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_log import jit

__all__ = ["CONVERGED", "JUMP", "STUCK", "advance", "decide_all", "decide_some", "screen"]

JUMP, CONVERGED, STUCK = 0, 1, 2
_FREE_IN, _WEAK_IN = 1, 2  # flags: inward with |g| > tol, inward below tol (sign certain)


@jit
def _sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


@jit
def _norm(r):
    acc = 0.0
    for i in range(r.shape[0]):
        acc += r[i] * r[i]
    return np.sqrt(acc)


@jit
def decide_all(
    g, n, r, kappa, s, sigma, eligible, in_support, grad_atol, norms, par, work, out, sign
):
    r"""The float64 full scan: divides the raw pass ``g = Xᵀr`` by ``n`` in place, decides.

    ``κ = (n + 4)·u`` bounds the pass's relative rounding; ``par = (tie_tol, max_drift,
    n·2^{-1074})``. ``work`` (float, d) receives the ``Δ_i``; ``out`` (int, 3d) the hits in
    ``out[:n_hit]``, the inward coordinates in ``out[d:d + n_inward]`` and per-coordinate
    flags in ``out[2d:]``; ``sign[:n_hit]`` the boundary each hit reaches. Returns
    ``(code, Δ*, n_hit, n_inward, max_i g_err_i)``.
    """
    tie_tol, max_drift, subn = par[0], par[1], par[2]
    d = g.shape[0]
    c = kappa * _norm(r) / n
    gbound, best, out_g = 0.0, np.inf, 0.0
    any_valid, any_free, any_out = False, False, False
    flags = out[2 * d :]
    for i in range(d):
        gi = g[i] / n
        g[i] = gi
        gerr = c * norms[i] + subn
        gbound = max(gbound, gerr)
        work[i] = np.inf
        flags[i] = 0
        if not eligible[i] or in_support[i]:
            continue
        sig = sigma[i]
        ag, sg = abs(gi), sig * gi
        free = ag > grad_atol[i]
        valid = free and not (sig != 0 and sg <= 0)
        if free:
            any_free = True
            flags[i] = _FREE_IN if sg > 0 else 0
            any_valid |= valid
        elif sig != 0 and sg > gerr:
            flags[i], valid = _WEAK_IN, True
        elif sig == 0 and gi != 0:
            valid = True
        if sig != 0 and sg < 0:
            any_out, out_g = True, max(out_g, ag)
        if valid:
            si = sig if sig != 0 else s[i]
            work[i] = (1.0 + _sign(gi) * si) / ag
            best = min(best, work[i])
    if not any_valid:
        code = STUCK if any_free else CONVERGED
        return code, np.inf, 0, _collect(flags, _FREE_IN, out, d), gbound
    if best == np.inf or (any_out and best * out_g > max_drift):
        return STUCK, np.inf, 0, _collect(flags, _FREE_IN | _WEAK_IN, out, d), gbound
    n_hit = _hits(work, best * (1.0 + tie_tol), out, g, sigma, sign)
    return JUMP, best, n_hit, _collect(flags, _FREE_IN | _WEAK_IN, out, d), gbound


@jit
def _collect(flags, mask, out, d):
    """Indices with ``flags & mask`` into ``out[d:]``; returns how many."""
    m = 0
    for i in range(d):
        if flags[i] & mask:
            out[d + m] = i
            m += 1
    return m


@jit
def _hits(delta, cap, out, g, sigma, sign):
    """``Δ_i ≤ cap`` into ``out`` with the boundary reached, ``−σ_i`` or ``−sign(g_i)``."""
    m = 0
    for i in range(delta.shape[0]):
        if delta[i] <= cap:
            out[m] = i
            sign[m] = -sigma[i] if sigma[i] != 0 else -_sign(g[i])
            m += 1
    return m


@jit
def decide_some(idx, g, s, sigma, grad_atol, g_err, par, delta, out, sign):
    r"""The decision restricted to the coordinates ``idx`` (their ``g`` exact in float64).

    ``g_err`` bounds the float64 rounding of ``g`` (only the sign of a weak inward
    gradient uses it). Writes ``Δ_i`` to ``delta[:m]``; ``out[:m]`` receives the hits
    (positions in ``idx`` mapped to coordinates), ``out[m:]`` the inward coordinates.
    Returns ``(code, Δ*, n_hit, n_inward)``.
    """
    tie_tol, max_drift = par[0], par[1]
    m = idx.shape[0]
    best, out_g = np.inf, 0.0
    moving_any, any_out, n_in = False, False, 0
    for k in range(m):
        i = idx[k]
        gi, sig = g[i], sigma[i]
        ag, sg = abs(gi), sig * gi
        moving = ag > grad_atol[i]
        moving_any |= moving
        delta[k] = np.inf
        if sig == 0 and gi != 0:
            delta[k] = max(1.0 + _sign(gi) * s[i], 0.0) / ag
        if sig != 0 and ((moving and sg > 0) or (not moving and sg > g_err[i])):
            delta[k] = 2.0 / ag
            out[m + n_in] = i
            n_in += 1
        if sig != 0 and sg < 0:
            any_out, out_g = True, max(out_g, ag)
        best = min(best, delta[k])
    if not moving_any:
        return CONVERGED, np.inf, 0, n_in
    if not np.isfinite(best) or (any_out and best * out_g > max_drift):
        return STUCK, np.inf, 0, n_in
    cap, n_hit = best * (1.0 + tie_tol), 0
    for k in range(m):
        if delta[k] <= cap:
            i = idx[k]
            out[n_hit] = i
            sign[n_hit] = -sigma[i] if sigma[i] != 0 else -_sign(g[i])
            n_hit += 1
    return JUMP, best, n_hit, n_in


@jit
def advance(s, g, delta, s_err, g_err):
    """``s ← s − Δ·g``; with a bound (``s_err.size > 0``) ``s_err ← s_err + (Δ·g_err + 4e-16)``."""
    for i in range(s.shape[0]):
        s[i] -= delta * g[i]
    for i in range(s_err.shape[0]):
        s_err[i] += delta * g_err[i] + 4e-16


@jit
def screen(low, g, n, r, kappa, s, s_err, g_err, g64_err, sigma, eligible, in_support,
           grad_atol, norms, par, lower, out):  # fmt: skip
    r"""The float32 pass's screening: coordinates whose possible ``Δ_i`` can be the minimum.

    Turns the raw float32 pass ``low = Xᵀr`` into ``g = low/n`` (float64) and
    fills the rounding bounds ``g_err`` (of that pass, ``κ = kappa[0]``) and ``g64_err``
    (of a float64 re-check, ``κ = kappa[1]``). Every coordinate has ``Δ_i ≥ lower_i``; the
    sign-certain coordinate ``j`` of smallest ``lower_j`` gives the cap ``Δ* ≤ upper_j``
    (replaced by the smallest certain ``upper`` when more than ``par[3]`` coordinates pass).
    Writes the candidates (and every boundary coordinate off the support) to ``out`` and
    returns their number, or ``-1`` when no coordinate is sign-certain.
    """
    tie_tol, subn, loose = par[0], par[2], par[3]
    d = g.shape[0]
    rn = _norm(r)
    c32, c64 = kappa[0] * rn / n, kappa[1] * rn / n
    j, best = 0, np.inf
    for i in range(d):
        gi = np.float64(low[i]) / n
        g[i] = gi
        eg = c32 * norms[i] + subn
        g_err[i], g64_err[i] = eg, c64 * norms[i] + subn
        ag = abs(gi)
        lower[i] = max(1.0 - abs(s[i]) - s_err[i], 0.0) / (ag + eg)
        off = eligible[i] and sigma[i] == 0
        if not off:
            lower[i] = np.inf
        val = lower[i] if (off and ag > eg + grad_atol[i]) else np.inf
        if i == 0 or val < best:
            j, best = i, val
    if not (eligible[j] and sigma[j] == 0 and abs(g[j]) > g_err[j] + grad_atol[j]):
        return -1
    cap = (1.0 + _sign(g[j]) * s[j] + s_err[j]) / (abs(g[j]) - g_err[j])
    n_below = 0
    for i in range(d):
        n_below += lower[i] <= cap * (1.0 + 2 * tie_tol)
    if n_below <= loose:
        return _pick(lower, cap * (1.0 + 2 * tie_tol), eligible, sigma, in_support, out)
    top = np.inf
    for i in range(d):
        if eligible[i] and sigma[i] == 0 and abs(g[i]) > g_err[i] + grad_atol[i]:
            upper = (1.0 + _sign(g[i]) * s[i] + s_err[i]) / (abs(g[i]) - g_err[i])
            top = min(top, upper)
    return _pick(lower, top * (1.0 + 2 * tie_tol), eligible, sigma, in_support, out)


@jit
def _pick(lower, cap, eligible, sigma, in_support, out):
    """``lower_i ≤ cap`` or a boundary coordinate off the support, into ``out``; how many."""
    m = 0
    for i in range(lower.shape[0]):
        if lower[i] <= cap or (eligible[i] and sigma[i] != 0 and not in_support[i]):
            out[m] = i
            m += 1
    return m
