r"""Independent certification of an exact path: :func:`certify_path`.

Everything is recomputed from ``X``, ``y``, the saddles and the jump times alone — none
of the solver's internal state is trusted:

* times start at 0 and increase; losses match ``L(β_k)`` and strictly decrease;
* the duals, integrated from scratch as ``s_k = s_{k−1} − (τ_k − τ_{k−1})∇L(β_{k−1})``,
  match the reported ones and stay in ``[−1, 1]`` (so no coordinate crossed the boundary
  between jumps, the dual being linear there);
* ``s_i = sign(β_i)`` on every support;
* KKT of each sign-constrained least-squares problem on ``E_k = {i : |s_i| = 1}``:
  ``∂_iL = 0`` on the support, ``s_i ∂_iL ≥ 0`` on ``E_k`` off the support, ``β_i = 0``
  off ``E_k``;
* the gradient vanishes at the last saddle (unless the path was cut short);
* the last saddle against an independent solver: ``scipy.optimize.linprog`` (HiGHS) for
  ``min ‖β‖₁ s.t. Xβ = Xβ_ls``, with ``β_ls`` from ``numpy.linalg.lstsq`` — the
  minimum-ℓ1 interpolator when ``y`` is in the range of ``X``, the minimum-ℓ1
  least-squares solution otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from saddlepath.diagonal.path_result import PathStatus, SaddlePath

__all__ = ["CertificationError", "CheckResult", "PathCertificate", "certify_path"]

_ENDPOINT_AUTO_SIZE = 2_000_000


class CertificationError(AssertionError):
    """A path failed its certificate (raised by ``check(raise_on_failure=True)``)."""


@dataclass(frozen=True)
class CheckResult:
    """One named check: whether it passed, the worst violation and a sentence."""

    name: str
    passed: bool
    worst: float
    detail: str


@dataclass(frozen=True)
class PathCertificate:
    """The report of :func:`certify_path`."""

    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def __str__(self) -> str:
        lines = [f"path certificate: {'PASSED' if self.passed else 'FAILED'}"]
        for c in self.checks:
            mark = "ok  " if c.passed else "FAIL"
            lines.append(f"  [{mark}] {c.name}: {c.detail} (worst {c.worst:.3g})")
        return "\n".join(lines)


def _check(name: str, violation: float, limit: float, what: str) -> CheckResult:
    violation = float(violation) if np.isfinite(violation) else np.inf
    return CheckResult(name, violation <= limit, violation, f"{what}; tolerance {limit:.1g}")


def _integrated_duals(path: SaddlePath, grads: np.ndarray) -> np.ndarray:
    steps = np.diff(path.times)[:, None] * grads[:-1]
    return -np.vstack([np.zeros(path.n_features), np.cumsum(steps, axis=0)])


def _order_checks(path: SaddlePath, losses: np.ndarray, rtol: float) -> list[CheckResult]:
    t = path.times
    scale = max(losses[0], np.finfo(float).tiny)
    dt = np.diff(t)
    dl = np.diff(losses)
    return [
        _check("times start at 0", abs(t[0]), 0.0, "times[0] = 0"),
        _check(
            "times increase",
            max(0.0, -dt.min(initial=np.inf)) if dt.size else 0.0,
            0.0,
            "τ_k < τ_{k+1}",
        ),
        _check(
            "losses match L(β_k)",
            np.max(np.abs(losses - path.losses)) / scale,
            rtol,
            "reported losses equal ‖Xβ_k − y‖²/(2n), relative to L(0)",
        ),
        _check(
            "losses decrease",
            max(0.0, dl.max(initial=-np.inf)) / scale if dl.size else 0.0,
            0.0,
            "L(β_{k+1}) < L(β_k)",
        ),
    ]


def _sign_condition(path, s, grads, gscale, near) -> np.ndarray:
    """KKT sign condition for zero coordinates with ``|s_i|`` within ``rtol`` of 1.

    Such a coordinate may have an outward gradient (``s_i ∂_iL < 0``) only if it does not
    leave ``[−1, 1]`` before the next saddle: the violation is the overshoot
    ``Δ_k·|∂_iL| − (1 − |s_i|)``. A coordinate just inside the boundary that re-enters at
    the next jump is then not flagged, and a true violation still is. At the last saddle
    (``Δ = ∞``) it is the outward gradient relative to ``‖x_i‖‖y‖/n``.
    """
    outward = near & (np.sign(s) * grads < 0)
    k, i = np.nonzero(outward)
    if k.size == 0:
        return np.zeros(0)
    steps = np.append(np.diff(path.times), np.inf)[k]
    last = ~np.isfinite(steps)
    overshoot = np.where(
        last, 0.0, np.nan_to_num(steps * np.abs(grads[k, i])) - (1 - np.abs(s[k, i]))
    )
    return np.where(last, np.abs(grads[k, i]) / gscale[i], overshoot)


def _dual_checks(path, s_int, grads, gscale, rtol) -> list[CheckResult]:
    s = path.duals
    coefs = path.coefs
    on = coefs != 0
    sign_err = np.abs(s[on] - np.sign(coefs[on])).max(initial=0.0)
    boundary = np.abs(s) >= 1 - rtol
    kkt_supp = np.abs(grads[on]) / np.broadcast_to(gscale, on.shape)[on]
    kkt_sign = _sign_condition(path, s, grads, gscale, boundary & ~on)
    outside = on & ~boundary
    return [
        _check(
            "duals integrate the gradient",
            np.abs(s - s_int).max(),
            rtol,
            "s_k = s_{k−1} − (τ_k − τ_{k−1})∇L(β_{k−1}), recomputed",
        ),
        _check(
            "|s| ≤ 1",
            max(0.0, np.abs(s_int).max() - 1.0),
            rtol,
            "duals stay in [−1, 1] (linear between jumps)",
        ),
        _check("s = sign(β) on the support", sign_err, rtol, "s_i = sign(β_i) where β_i ≠ 0"),
        _check(
            "support inside the boundary set",
            float(outside.sum()),
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


def _endpoint_check(path: SaddlePath, rtol: float) -> list[CheckResult]:
    X, y = path.X, path.y
    d = X.shape[1]
    beta_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    target = X @ beta_ls
    res = linprog(
        np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=target, bounds=(0, None), method="highs"
    )
    if res.status != 0:
        return [CheckResult("endpoint vs LP", False, np.inf, f"linprog failed: {res.message}")]
    ref = res.x[:d] - res.x[d:]
    last = path.coefs[-1]
    l1_ref = np.abs(ref).sum()
    l1_err = abs(np.abs(last).sum() - l1_ref) / max(l1_ref, np.finfo(float).tiny)
    fit_err = np.linalg.norm(X @ last - target) / max(np.linalg.norm(y), np.finfo(float).tiny)
    out = [
        _check(
            "endpoint ℓ1 norm = LP optimum",
            l1_err,
            max(rtol, 1e-7),
            "‖β_last‖₁ vs HiGHS min ‖β‖₁ s.t. Xβ = Xβ_ls (relative)",
        ),
        _check(
            "endpoint fits like least squares", fit_err, max(rtol, 1e-7), "‖Xβ_last − Xβ_ls‖/‖y‖"
        ),
    ]
    if path.status is not PathStatus.NON_UNIQUE:
        scale = max(np.abs(ref).max(), np.finfo(float).tiny)
        out.append(
            _check(
                "endpoint = LP solution",
                np.abs(last - ref).max() / scale,
                max(1e3 * rtol, 1e-5),
                "max |β_last − β_LP| / max|β_LP|",
            )
        )
    return out


def certify_path(
    path: SaddlePath,
    *,
    rtol: float = 1e-7,
    endpoint: bool | None = None,
    raise_on_failure: bool = False,
) -> PathCertificate:
    """Verify a :class:`SaddlePath` independently of the solver that produced it.

    Parameters
    ----------
    path : SaddlePath
    rtol : float, default 1e-7
        Tolerance of every check, relative to the natural scale of the quantity (duals are
        O(1); gradient entries are measured against ``‖x_i‖·‖y‖/n``).
    endpoint : bool, optional
        Compare the last saddle with an LP (HiGHS). Default: when ``X`` has at most
        2·10⁶ entries (the LP has ``2·n_features`` variables).
    raise_on_failure : bool, default False
        Raise :class:`CertificationError` with the report if a check fails.

    Returns
    -------
    PathCertificate
        ``.passed`` and the list of ``.checks``; ``str()`` gives a readable report.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> X = np.array([[1, .5, .7, 0], [.5, 1, .1, .7]])
    >>> saddle_path(X, np.array([1.0, 0.0])).check().passed
    True
    """
    X, y = path.X, path.y
    n = X.shape[0]
    losses = 0.5 * np.sum((path.coefs @ X.T - y) ** 2, axis=1) / n
    grads = path.gradients
    gscale = np.linalg.norm(X, axis=0) * np.linalg.norm(y) / n
    gscale = np.maximum(gscale, np.finfo(float).tiny)  # zero columns have zero gradient
    s_int = _integrated_duals(path, grads)
    checks = _order_checks(path, losses, rtol) + _dual_checks(path, s_int, grads, gscale, rtol)
    if path.status not in (PathStatus.JUMP_LIMIT, PathStatus.STAGNATED):
        worst = (np.abs(grads[-1]) / gscale).max()
        checks.append(
            _check(
                "gradient vanishes at the end", worst, rtol, "|∂_iL(β_last)| relative to ‖x_i‖‖y‖/n"
            )
        )
        if endpoint or (endpoint is None and X.size <= _ENDPOINT_AUTO_SIZE):
            checks.extend(_endpoint_check(path, rtol))
    cert = PathCertificate(tuple(checks))
    if raise_on_failure and not cert.passed:
        raise CertificationError(str(cert))
    return cert
