r"""The independent judge of :mod:`fuzz_path`: is a path that claims success right?

Written from the definitions, sharing no code with the solver or with
``SaddlePath.check()``: its own power-of-two rescaling, residuals in ``numpy.longdouble``,
``numpy.linalg.lstsq`` and a HiGHS LP. For a path whose status claims success it checks,
with the tolerances below (all dimensionless):

* every reported number is finite, except losses beyond float64's range when the path said
  so with a ``PathRangeWarning`` (the judge computes its own losses on rescaled data);
* **least squares**: ``L(β_last) − min L ≤ LOSS_TOL·L(0)`` (``min L`` from ``lstsq`` on
  columns equilibrated by powers of two, truncated at ``RCOND`` — truncation can only raise
  the reference, so this never rejects a true minimiser); ``MIN_L1_INTERPOLATOR`` must also
  fit, ``‖Xβ − y‖ ≤ 1.01·10⁻⁶‖y‖`` (its documented meaning);
* **KKT of every saddle**: ``|∂_iL(β_k)| ≤ GRAD_TOL·‖x_i‖‖y‖/n`` on the support (and
  everywhere at the last saddle);
* **duals**: ``s_k = −Σ_{j<k} Δτ_j ∇L(β_j)`` stays in ``[−1, 1]`` and equals ``sign β`` on
  every support, to ``DUAL_TOL``;
* **reported duals**: ``path.dual`` equal those ``s_k`` to ``REPORTED_DUAL_TOL = 10⁻⁵``
  (they are part of the answer; the solver accumulates them, so a drift of ~10⁻⁶ passes);
* **minimum ℓ1**: ``‖β_last‖₁`` is within ``L1_TOL`` (relative) of HiGHS's
  ``min ‖β‖₁ s.t. Xβ = Xβ_last`` on the equilibrated problem; if HiGHS fails, the dual
  conditions above at the last saddle (the KKT certificate of that LP) decide.

``LOSS_TOL = 10⁻⁷`` means fitted values within ``√(10⁻⁷) ≈ 3·10⁻⁴·‖y‖`` of the
least-squares fit (``L − min L = ‖P(Xβ − y)‖²/(2n)``); the other tolerances, ``10⁻⁶``, are
ten times looser than ``check()``'s default, so that the judge calls gross errors.

Gradients and duals are compared after an allowance for rounding the stored saddles to
float64 (``8u·|X|ᵀ|X||β_k|/n`` per gradient, integrated over the plateaus for the duals),
so an ill-conditioned but correctly rounded path is not called wrong.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

LOSS_TOL = 1e-7
GRAD_TOL = 1e-6
DUAL_TOL = 1e-6
L1_TOL = 1e-6
REPORTED_DUAL_TOL = 1e-5
RCOND = 1e-10
_ROUNDING = 8 * 2.0**-53
_SUCCESS = ("MIN_L1_INTERPOLATOR", "LEAST_SQUARES")


def _exp(a: np.ndarray) -> np.ndarray:
    """Exponents ``e`` with ``max|a|·2^e ∈ [½, 1)`` along axis 0 (0 for zeros)."""
    top = np.abs(a).max(axis=0)
    return np.where(top > 0, -np.frexp(top)[1], 0).astype(int)


def _residual(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return y.astype(np.longdouble) - X.astype(np.longdouble) @ beta.astype(np.longdouble)


def _least_squares_loss(X: np.ndarray, y: np.ndarray) -> float:
    c = _exp(X)
    A = np.ldexp(X, c[None, :])
    gamma = np.linalg.lstsq(A, y, rcond=RCOND)[0]
    r = _residual(A, y, gamma)
    return float(r @ r) / (2 * X.shape[0])


def _lp_l1(X: np.ndarray, target: np.ndarray) -> float | None:
    """HiGHS's ``min ‖β‖₁ s.t. Xβ = target`` on rows and columns scaled by powers of 2."""
    c = _exp(X)
    A = np.ldexp(X, c[None, :])
    keep = np.abs(A).max(axis=1) > 0
    A, b = A[keep], target[keep]
    r = _exp(A.T)
    A, b = np.ldexp(A, r[:, None]), np.ldexp(b, r)
    top = int(c.max(initial=0))
    cost = np.ldexp(np.ones(X.shape[1]), c - top)
    res = linprog(
        np.concatenate((cost, cost)),
        A_eq=np.hstack([A, -A]),
        b_eq=b,
        bounds=(0, None),
        method="highs",
        options=dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10),
    )
    if res.status != 0:
        return None
    d = X.shape[1]
    return float(np.abs(np.ldexp(res.x[:d] - res.x[d:], c)).sum())


def _scaled(path, X, y):
    p, q = int(_exp(X.reshape(-1, 1))[0]), int(_exp(y.reshape(-1, 1))[0])
    coefs = np.ldexp(np.asarray(path.beta, dtype=float), q - p)
    times = np.ldexp(np.asarray(path.tau, dtype=float), -(p + q))
    return np.ldexp(X, p), np.ldexp(y, q), coefs, times


def _kkt_and_duals(X, y, coefs, times, reported) -> str | None:
    """KKT of every saddle, the duals' box and sign conditions, and the reported duals."""
    n = X.shape[0]
    absX = np.abs(X)
    gscale = np.maximum(np.linalg.norm(X, axis=0) * np.linalg.norm(y) / n, 1e-300)
    s = np.zeros(X.shape[1], dtype=np.longdouble)
    slack = np.zeros(X.shape[1])
    for k, beta in enumerate(coefs):
        g = -(X.T.astype(np.longdouble) @ _residual(X, y, beta)) / n
        allow = _ROUNDING * (absX.T @ (absX @ np.abs(beta))) / n
        on = beta != 0
        excess = (np.abs(g).astype(float) - allow) / gscale
        if np.any(excess[on] > GRAD_TOL):
            return f"KKT: gradient on the support of saddle {k} ({excess[on].max():.2g})"
        off = np.abs(reported[k] - s.astype(float)) - slack
        if off.max(initial=0.0) > REPORTED_DUAL_TOL:
            return f"reported dual ≠ −Σ Δτ∇L at saddle {k} (by {off.max():.2g})"
        box = np.abs(s).astype(float) - 1 - slack
        if box.max(initial=0.0) > DUAL_TOL:
            return f"dual outside [-1, 1] at saddle {k} (by {box.max():.2g})"
        sign = np.abs(s.astype(float) - np.sign(beta)) - slack
        if np.any(sign[on] > DUAL_TOL):
            return f"dual ≠ sign(β) on the support of saddle {k} ({sign[on].max():.2g})"
        if k == len(coefs) - 1:
            if excess.max(initial=0.0) > GRAD_TOL:
                return f"gradient does not vanish at the end ({excess.max():.2g})"
            break
        step = times[k + 1] - times[k]
        s = s - np.longdouble(step) * g
        slack = slack + step * (allow + 4 * 2.0**-53 * np.abs(g).astype(float))
    return None


def judge(path, X: np.ndarray, y: np.ndarray, *, range_warned: bool = False) -> tuple[bool, str]:
    """``(agrees, reason)`` for a path whose status claims success (see module).

    ``range_warned``: the solver raised a ``PathRangeWarning`` (some losses not representable).
    """
    if path.status.name not in _SUCCESS:
        raise ValueError("judge() rules on successful paths only")
    if not all(np.all(np.isfinite(a)) for a in (path.tau, path.beta)):
        return False, "non-finite times or saddles under a success status"
    if not (range_warned or np.all(np.isfinite(path.loss))):
        return False, "non-finite losses under a success status, without a PathRangeWarning"
    X2, y2, coefs, times = _scaled(path, X, y)
    if not (np.all(np.isfinite(coefs)) and np.all(np.isfinite(times))):
        return False, "rescaled path not finite"
    n = X.shape[0]
    l0 = max(float(y2 @ y2) / (2 * n), 1e-300)
    r_last = _residual(X2, y2, coefs[-1])
    l_last = float(r_last @ r_last) / (2 * n)
    gap = (l_last - _least_squares_loss(X2, y2)) / l0
    if gap > LOSS_TOL:
        return False, f"loss above least squares (by {gap:.2g}·L(0))"
    if path.status.name == "MIN_L1_INTERPOLATOR" and l_last > (1.01e-6) ** 2 * l0:
        return False, "claims to interpolate but does not fit y"
    with np.errstate(all="ignore"):
        reported = np.asarray(path.dual, dtype=float)
    trouble = _kkt_and_duals(X2, y2, coefs, times, reported)
    if trouble is not None:
        return False, trouble
    l1 = float(np.abs(coefs[-1]).sum())
    target = (X2.astype(np.longdouble) @ coefs[-1].astype(np.longdouble)).astype(float)
    best = _lp_l1(X2, target)
    if best is None:
        return True, "LP failed; dual certificate holds"
    if l1 - best > L1_TOL * max(l1, 1e-300):
        return False, f"ℓ1 norm above the LP optimum (by {(l1 - best) / l1:.2g})"
    return True, "agrees"
