r"""The explicit steps of the flow where it is not stiff, and the switching rule (private).

**Method.** Dormand & Prince's 5(4) pair (DOPRI5; Hairer, Nørsett & Wanner, *Solving ODEs
I*, §II.5) on the integrated residual, :math:`R' = F(R) = X_A\beta_A(R) - y`: seven
stages, first same as last, so six evaluations of F per step — as many as RODAS4 — and
an embedded error estimate of order 4, measured by the same norm (:mod:`._kernels_error`).
No Jacobian, no factorisation, no linear solve: a step costs its six evaluations.

**Dense output.** ``Trajectory.at`` interpolates s by cubic Hermite polynomials with the
exact end slopes, whose error grows like :math:`h^4` — faster than DOPRI5's local error
(:math:`h^5`) — so a DOPRI5 step is also measured by the gap, at its midpoint, between that
cubic, :math:`\tfrac12\Delta R + \tfrac h8(F_0 - F_1)`, and DOPRI5's own continuous
extension of order 4 (Shampine's): the larger of the two estimates must be within
tolerance. (RODAS4's error estimate is of order 3, like the cubic: it needs no such check.)

**Switching rule.** The Jacobian :math:`J = -\tfrac{\lambda}{n}X_A\,\mathrm{diag}(d\beta_A/dS)
\,X_A^\top` is symmetric and negative semi-definite, so its eigenvalues lie in
:math:`[-\rho, 0]`, and DOPRI5 is stable for :math:`h\rho \le 3.3` (its stability region
on the negative real axis). A step of size h (the controller's proposal) is explicit when

.. math::

    h\,\hat\rho \le \texttt{EXPLICIT\_LIMIT} = 1.5,

and RODAS4 otherwise (stable at any h): a safety factor of over 2 on the stability bound.
:math:`\hat\rho = \min(\mathrm{tr}(-J), \rho_{pow})`: the trace
:math:`\sum_{a\in A}\lambda(d\beta_a/dS)\|x_a\|^2/n \ge \rho` (exact bound, O(|A|)) and,
when the trace alone does not decide, :math:`\rho_{pow} = \|Mv\|` for :math:`M = -J` and
the unit vector v of one power iteration per step, warm-started from the last one (the
Rayleigh-type estimate converges to ρ from below over a few steps; an underestimate shows
as an unstable step, which the error control rejects, and the rejected h is then stiff).
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal.flow._kernels_blas import matvec
from saddlepath.diagonal.flow._kernels_error import finish
from saddlepath.diagonal.flow._kernels_ode import jit
from saddlepath.diagonal.flow._kernels_step import dot, residual

__all__ = ["DOPRI5", "EXPLICIT_LIMIT", "dopri5_core", "stiffness"]

EXPLICIT_LIMIT = 1.5
r"""A step of size h is explicit when :math:`h\hat\rho \le` this (see the module)."""

_A = np.zeros((7, 7))
_A[1, :1] = [1 / 5]
_A[2, :2] = [3 / 40, 9 / 40]
_A[3, :3] = [44 / 45, -56 / 15, 32 / 9]
_A[4, :4] = [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]
_A[5, :5] = [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]
_A[6, :6] = [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]
_E = np.array(  # b - b_hat: the 5th-order weights (row 6 of A) minus the 4th-order ones
    [71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40]
)
_P = np.array(  # Shampine's continuous extension: R(t + th h) = R + h sum_i K_i P[i].th^1..4
    [
        [1.0, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
        [0.0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
        [0.0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
        [0.0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
        [0.0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ]
)
MID = _P @ (0.5 ** np.arange(1, 5))
"""Weights of the continuous extension at the step's midpoint (order 4)."""
DOPRI5 = (_A, _E)
"""DOPRI5 as the kernel takes it: ``(A, E)``; the step's weights are ``A[6]`` (FSAL)."""


@jit
def dopri5_core(geo, idx, XT, c, r, h, base, erk, prm, blas_min, sigma, sigma_new, r_new, dsig):
    """One DOPRI5 step from residual ``r`` on the active arrays ``XT, c``; as
    ``rodas_core`` (the candidate state into the last three; the error norm returned)."""
    A, E = erk
    n = XT.shape[1]
    dz_scale = -2.0 * prm[0] / n
    K = np.empty((7, n))
    K[0, :] = r
    dR = np.empty(n)
    for i in range(1, 7):
        dR[:] = 0.0
        for j in range(i):
            a = h * A[i, j]
            if a != 0.0:
                for p in range(n):
                    dR[p] += a * K[j, p]
        residual(XT, c, geo[1], dR, dz_scale, K[i], blas_min)
    V = np.zeros((3, n))  # the step; its error estimate h E.K; the dense-output check
    for j in range(7):
        e, mid = h * E[j], h * MID[j]
        for p in range(n):
            V[1, p] += e * K[j, p]
            V[2, p] -= mid * K[j, p]
    for p in range(n):
        V[0, p] = dR[p]
        V[2, p] += 0.5 * dR[p] + (h / 8.0) * (K[0, p] - K[6, p])
    r_new[:] = K[6]
    return finish(geo, idx, c, sigma, V, base, prm, blas_min, sigma_new, dsig)


@jit
def stiffness(XT, c, lam, h, v, blas_min):
    r""":math:`\hat\rho` (see the module): the trace of :math:`-J`, or, if h times it exceeds
    ``EXPLICIT_LIMIT``, the smaller of it and one power iteration's estimate from the unit
    vector ``v`` (length n; updated to the iterate)."""
    m, n = XT.shape
    trace = 0.0
    for a in range(m):
        trace += 2.0 * c[2, a] * c[6, a]  # (d beta / dS) ||x_a||^2
    trace *= lam / n
    if not h * trace > EXPLICIT_LIMIT:
        return trace
    u, w = np.empty(m), np.zeros(n)
    if m * n >= blas_min:
        matvec(XT, v, u, False)
    else:
        for a in range(m):
            u[a] = dot(XT[a], v)
    for a in range(m):
        u[a] *= 2.0 * c[2, a] * (lam / n)
    if m * n >= blas_min:
        matvec(XT, u, w, True)
    else:
        for a in range(m):
            for p in range(n):
                w[p] += u[a] * XT[a, p]
    norm = np.sqrt(dot(w, w))
    if norm > 0.0 and np.isfinite(norm):
        v[:] = w / norm
    return min(trace, norm)
