r"""The individual checks of :func:`saddlepath.diagonal.certificate.certify_path`.

All quantities are in the scaled units of :func:`~._dual_certificate.scale_path`
(``X' = 2^p X``, ``y' = 2^q y``); every violation reported is dimensionless: duals in
units of ``s``, gradients relative to ``‖x_i‖·‖y‖/n``, losses relative to ``L(0)``.
Gradients and duals are compared after subtracting their allowances (see
:class:`~._dual_certificate.Recomputed`): what float64 saddles cannot determine is not
counted as a violation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal._compensated import accurate_residual
from saddlepath.diagonal._dual_certificate import Recomputed, ScaledPath
from saddlepath.diagonal._endpoint_lp import least_squares_loss, min_l1

__all__ = [
    "DUAL_CERTIFICATE_MAX_ALLOWANCE",
    "CheckResult",
    "dual_checks",
    "endpoint_checks",
    "final_gradient_check",
    "order_checks",
]

_U = 2.0**-53
_TINY = np.finfo(float).tiny

DUAL_CERTIFICATE_MAX_ALLOWANCE = 1e-3
"""The dual certificate of the endpoint counts only if the rounding allowance of the last
duals is at most this (units of ``s``): beyond it float64 saddles do not determine them."""


@dataclass(frozen=True)
class CheckResult:
    """One named check: whether it passed, the worst violation and a sentence."""

    name: str
    passed: bool
    worst: float
    detail: str


def _check(name: str, violation, limit: float, what: str) -> CheckResult:
    violation = float(violation) if np.isfinite(violation) else np.inf
    return CheckResult(name, violation <= limit, violation, f"{what}; tolerance {limit:.1g}")


def _gscale(sp: ScaledPath) -> np.ndarray:
    n = sp.X.shape[0]
    g = np.linalg.norm(sp.X, axis=0) * np.linalg.norm(sp.y) / n
    return np.maximum(g, _TINY)  # zero columns have zero gradient


def _loss_mismatch(path, sp: ScaledPath, rc: Recomputed) -> float:
    """Reported vs recomputed losses, relative to ``L(0)``, in scaled or original units.

    The original units absorb losses that under- or overflow there (reported as 0 or
    ``inf``, correctly rounded) when they are rounded the same way here.
    """
    l0 = max(float(rc.loss[0]), _TINY)
    with np.errstate(all="ignore"):
        scaled = np.abs(sp.loss - rc.loss) / l0
        expected = np.ldexp(rc.loss, -2 * sp.y_exp)
        rep = np.asarray(path.loss, dtype=float)
        same = rep == expected
        orig = np.abs(rep - expected) / max(float(np.ldexp(l0, -2 * sp.y_exp)), _TINY)
        worst = np.where(same, 0.0, np.fmin(scaled, orig))
    return float(np.nan_to_num(worst, nan=np.inf).max(initial=0.0))


def order_checks(path, sp: ScaledPath, rc: Recomputed, rtol: float) -> list[CheckResult]:
    """Times start at 0 and increase; losses match ``L(β_k)`` and strictly decrease."""
    t = sp.tau
    dt = np.diff(t)
    dl = np.diff(rc.loss)
    l0 = max(float(rc.loss[0]), _TINY)
    # losses may be ±inf/0 where L(β_k) itself is beyond float64 in the data's units (e.g.
    # y·1e160): "losses match" accepts exactly those, so only τ and β must be finite here
    finite = all(np.all(np.isfinite(v)) for v in (t, *sp.values))
    return [
        _check("path values are finite", 0.0 if finite else np.inf, 0.0, "τ_k, β_k"),
        _check("times start at 0", abs(t[0]), 0.0, "times[0] = 0"),
        _check(
            "times increase",
            max(0.0, -dt.min(initial=np.inf)) if dt.size else 0.0,
            0.0,
            "τ_k < τ_{k+1}",
        ),
        _check(
            "losses match L(β_k)",
            _loss_mismatch(path, sp, rc),
            rtol,
            "reported losses equal ‖Xβ_k − y‖²/(2n), relative to L(0)",
        ),
        _check(
            "losses decrease",
            max(0.0, dl.max(initial=-np.inf)) / l0 if dl.size else 0.0,
            0.0,
            "L(β_{k+1}) < L(β_k), recomputed",
        ),
    ]


def _sign_condition(times, s, grads, allow, gscale, near) -> np.ndarray:
    """KKT sign condition for zero coordinates with ``|s_i|`` within ``rtol`` of 1.

    Such a coordinate may have an outward gradient (``s_i ∂_iL < 0``) only if it does not
    leave ``[−1, 1]`` before the next saddle: the violation is the overshoot
    ``Δ_k·|∂_iL| − (1 − |s_i|)``. A coordinate just inside the boundary that re-enters at
    the next jump is then not flagged, and a true violation still is. At the last saddle
    (``Δ = ∞``) it is the outward gradient relative to ``‖x_i‖‖y‖/n``. Gradients are
    first reduced by their allowance (the effect of rounding the saddle).
    """
    outward = near & (np.sign(s) * grads < -allow)
    k, i = np.nonzero(outward)
    if k.size == 0:
        return np.zeros(0)
    steps = np.append(np.diff(times), np.inf)[k]
    last = ~np.isfinite(steps)
    g = np.abs(grads[k, i]) - allow[k, i]  # outward beyond what the saddle's rounding allows
    with np.errstate(all="ignore"):
        overshoot = np.nan_to_num(steps * g) - (1 - np.abs(s[k, i]))
    return np.where(last, g / gscale[i], overshoot)


def _reported_duals(path, sp: ScaledPath) -> tuple[np.ndarray, np.ndarray]:
    """``−R_kᵀX/n`` in scaled units, exactly ±1 on ``E_k``, and its rounding bound."""
    n = sp.X.shape[0]
    with np.errstate(all="ignore"):
        s = -(sp.R @ sp.X) / n
        bound = (n + 2) * _U * (np.abs(sp.R) @ np.abs(sp.X)) / n
    for k, (idx, sgn) in enumerate(zip(path.boundaries, path.boundary_signs, strict=True)):
        s[k, idx] = sgn
        bound[k, idx] = 0.0
    return s, bound


def dual_checks(path, sp: ScaledPath, rc: Recomputed, rtol: float) -> list[CheckResult]:
    """Dual integration, ``|s| ≤ 1``, ``s = sign β`` and KKT of every saddle."""
    s, s_bound = _reported_duals(path, sp)
    coefs, grads, gscale = sp.beta, rc.gradient, _gscale(sp)
    on = coefs != 0
    sign_err = np.abs(s[on] - np.sign(coefs[on])).max(initial=0.0)
    boundary = np.abs(s) >= 1 - rtol
    slack = np.maximum(np.abs(grads) - rc.gradient_allowance, 0.0)
    kkt_supp = slack[on] / np.broadcast_to(gscale, on.shape)[on]
    kkt_sign = _sign_condition(sp.tau, s, grads, rc.gradient_allowance, gscale, boundary & ~on)
    with np.errstate(all="ignore"):
        drift = np.abs(s - rc.dual) - rc.allowance - s_bound
        excess = np.abs(rc.dual) - 1.0 - rc.allowance
    slack = f"; rounding allowance up to {float(rc.allowance.max(initial=0.0)):.2g}"
    return [
        _check(
            "duals integrate the gradient",
            max(0.0, np.nan_to_num(drift, nan=np.inf).max()),
            rtol,
            "reported s_k vs −Σ_{j<k} (τ_{j+1} − τ_j)∇L(β_j), recomputed (compensated)" + slack,
        ),
        _check(
            "|s| ≤ 1",
            max(0.0, np.nan_to_num(excess, nan=np.inf).max()),
            rtol,
            "recomputed duals stay in [−1, 1] (linear between jumps)" + slack,
        ),
        _check("s = sign(β) on the support", sign_err, rtol, "s_i = sign(β_i) where β_i ≠ 0"),
        _check(
            "support inside the boundary set",
            float((on & ~boundary).sum()),
            0.0,
            "β_i = 0 wherever |s_i| < 1",
        ),
        _check(
            "KKT: zero gradient on the support",
            kkt_supp.max(initial=0.0),
            rtol,
            "|∂_iL(β_k)| relative to ‖x_i‖‖y‖/n",
        ),
        _check(
            "KKT: sign condition off the support",
            max(0.0, kkt_sign.max(initial=0.0)),
            rtol,
            "s_i·∂_iL ≥ 0 on the boundary where β_i = 0 (an outward gradient may only move the "
            "dual to ±1 by the next jump)",
        ),
    ]


def final_gradient_check(sp: ScaledPath, rc: Recomputed, rtol: float) -> CheckResult:
    """Least squares reached: ``∇L(β_last) = 0`` (primal feasibility of min ℓ1)."""
    slack = np.maximum(np.abs(rc.gradient[-1]) - rc.gradient_allowance[-1], 0.0)
    worst = (slack / _gscale(sp)).max(initial=0.0)
    return _check(
        "gradient vanishes at the end", worst, rtol, "|∂_iL(β_last)| relative to ‖x_i‖‖y‖/n"
    )


def _dual_certificate(sp: ScaledPath, rc: Recomputed) -> tuple[float, str]:
    """Violation of ``|s| ≤ 1`` and ``s = sign β`` on the support, at the last saddle."""
    s, allow, beta = rc.dual[-1], rc.allowance[-1], sp.beta[-1]
    on = beta != 0
    with np.errstate(all="ignore"):
        box = max(0.0, np.nan_to_num(np.abs(s) - 1 - allow, nan=np.inf).max(initial=0.0))
        sign = np.abs(s - np.sign(beta)) - allow
        sign = max(0.0, np.nan_to_num(sign[on], nan=np.inf).max(initial=0.0))
    worst = max(box, sign)
    text = f"dual certificate: max(|s| − 1) = {box:.2g}, |s − sign β| = {sign:.2g}"
    slack = float(np.nan_to_num(allow, nan=np.inf).max(initial=0.0))
    if slack > DUAL_CERTIFICATE_MAX_ALLOWANCE:
        return np.inf, f"{text}, inconclusive (rounding allowance {slack:.2g})"
    return worst, text


def _lp_certificate(sp: ScaledPath, beta: np.ndarray) -> tuple[float, str]:
    """Relative ℓ1 gap to HiGHS's ``min ‖β‖₁ s.t. Xβ = Xβ_last`` (equilibrated)."""
    idx = np.flatnonzero(beta)
    high, low = accurate_residual(sp.X, np.zeros(sp.X.shape[0]), idx, beta[idx])
    ref = min_l1(sp.X, -(high + low))
    l1 = float(np.abs(beta).sum())
    if not ref.solved:
        return np.inf, f"LP: {ref.message}"
    gap = max(0.0, l1 - ref.l1) / max(l1, _TINY)
    return gap, f"LP: relative ℓ1 gap {gap:.2g}"


def endpoint_checks(sp: ScaledPath, rc: Recomputed, rtol: float, lp_tol: float):
    """Least-squares loss of the last saddle and its ℓ1 optimality (dual cert. or LP)."""
    l0 = max(float(rc.loss[0]), _TINY)
    l_ls = least_squares_loss(sp.X, sp.y) if np.all(np.isfinite(sp.y)) else np.inf
    beta = sp.beta[-1]
    dual_worst, dual_text = _dual_certificate(sp, rc)
    lp_worst, lp_text = _lp_certificate(sp, beta)
    held = (("dual certificate", dual_worst <= rtol), ("LP (HiGHS)", lp_worst <= lp_tol))
    used = tuple(name for name, ok in held if ok)
    name = "endpoint loss = least-squares loss"
    if np.isfinite(l_ls):
        loss = _check(
            name,
            max(0.0, float(rc.loss[-1]) - l_ls) / l0,
            rtol,
            "L(β_last) − min L (numpy lstsq, truncated), relative to L(0)",
        )
    else:  # the reference failed: the gradient check alone certifies the fit
        loss = CheckResult(name, True, np.nan, "numpy lstsq failed; not compared")
    return [
        loss,
        CheckResult(
            "endpoint has the least ℓ1 norm",
            bool(used),
            min(dual_worst, lp_worst / lp_tol * rtol),
            f"{dual_text} (tolerance {rtol:.1g}); {lp_text} (tolerance {lp_tol:.1g}); "
            "either certificate suffices",
        ),
    ], used
