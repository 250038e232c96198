r"""Independent certification of an exact path: :func:`certify_path`.

Everything is recomputed from ``X``, ``y``, the saddles and the jump times alone — none
of the solver's internal state is trusted. The data are first scaled exactly by powers
of two (``X' = 2^p X``, ``y' = 2^q y``, largest entries in ``[½, 1)``; the path maps
exactly, see :mod:`saddlepath.diagonal._dual_certificate`), so tiny, huge and subnormal
data are certified like any other; residuals, gradients and duals are evaluated in
compensated arithmetic. The checks:

* times start at 0 and increase; reported losses match ``L(β_k)``, which strictly
  decreases;
* the duals ``s_k = −Σ_{j<k} (τ_{j+1} − τ_j)∇L(β_j)`` match the reported ones and stay in
  ``[−1, 1]`` (so no coordinate crossed the boundary between jumps, the dual being
  linear there); ``s_i = sign(β_i)`` on every support;
* KKT of each sign-constrained least-squares problem on ``E_k = {i : |s_i| = 1}``:
  ``∂_iL = 0`` on the support, ``s_i ∂_iL ≥ 0`` on ``E_k`` off the support, ``β_i = 0``
  off ``E_k``;
* unless the path was cut short, the last saddle minimises ``L``: the gradient vanishes
  and the loss is not above an independent least-squares fit;
* and it has the least ℓ1 norm among the minimisers of ``L``, certified two independent
  ways, either of which suffices: the **dual certificate** (KKT of
  ``min ‖β‖₁ s.t. Xβ = Xβ_last``: ``s = Xᵀr̄`` with ``|s| ≤ 1`` and ``s = sign β`` on the
  support), which needs no solver, and an **LP** (HiGHS on the equilibrated problem).
  :attr:`PathCertificate.certified_by` names the ones that held.

Tolerances (all dimensionless): ``rtol`` for duals (units of ``s``, which lives in
``[−1, 1]``), for gradients relative to ``‖x_i‖·‖y‖/n`` and for losses relative to
``L(0)``. Gradients and duals are first reduced by an *allowance*: the effect of
perturbing each stored saddle by ``SADDLE_ROUNDING`` (2 ulps, componentwise) plus a
bound of any rounding left in the recomputation; the dual certificate counts only while
that allowance is at most ``DUAL_CERTIFICATE_MAX_ALLOWANCE`` (1e-3).
:data:`LP_L1_TOL` bounds the relative ℓ1 gap to the LP optimum. Why the allowance: after a
long plateau the duals are ill-conditioned in the saddle (``Δτ·XᵀXδβ/n``), so a
correctly rounded path could otherwise fail by more than ``rtol``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath.diagonal._certificate_checks import (
    CheckResult,
    dual_checks,
    endpoint_checks,
    final_gradient_check,
    order_checks,
)
from saddlepath.diagonal._dual_certificate import recompute, scale_path
from saddlepath.diagonal.path_status import PathStatus

__all__ = [
    "LP_L1_TOL",
    "CertificationError",
    "CheckResult",
    "PathCertificate",
    "certify_path",
]

LP_L1_TOL = 1e-7
"""Relative ℓ1 gap ``(‖β_last‖₁ − LP optimum)/‖β_last‖₁`` accepted from HiGHS."""

_ENDPOINT_AUTO_SIZE = 2_000_000


class CertificationError(AssertionError):
    """A path failed its certificate (raised by ``check(raise_on_failure=True)``)."""


@dataclass(frozen=True, repr=False)
class PathCertificate:
    """The report of :func:`certify_path`.

    Attributes
    ----------
    checks : tuple of CheckResult
    certified_by : tuple of str
        The independent certificates of the endpoint's ℓ1 optimality that held:
        ``"dual certificate"`` and/or ``"LP (HiGHS)"``; empty when the endpoint was
        not certified (a path cut short, ``endpoint=False``, or a failure).
    """

    checks: tuple[CheckResult, ...]
    certified_by: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def __repr__(self) -> str:
        failed = tuple(c.name for c in self.checks if not c.passed)
        return summary_repr(
            self, passed=self.passed, n_checks=len(self.checks), failed=failed,
            certified_by=self.certified_by,
        )  # fmt: skip

    def __str__(self) -> str:
        lines = [f"path certificate: {'PASSED' if self.passed else 'FAILED'}"]
        for c in self.checks:
            mark = "ok  " if c.passed else "FAIL"
            lines.append(f"  [{mark}] {c.name}: {c.detail} (worst {c.worst:.3g})")
        if self.certified_by:
            lines.append(f"  endpoint ℓ1 optimality certified by: {', '.join(self.certified_by)}")
        return "\n".join(lines)


def certify_path(
    path,
    *,
    rtol: float = 1e-7,
    endpoint: bool | None = None,
    raise_on_failure: bool = False,
) -> PathCertificate:
    """Verify a :class:`SaddlePath` independently of the solver that produced it.

    Parameters
    ----------
    path : SaddlePath
        The path to certify (read: ``tau``, ``loss``, ``beta``, ``dual``, ``status``,
        ``X``, ``y`` and the sparse saddle storage). Not annotated: this module sits below
        :mod:`~saddlepath.diagonal.path_result`, whose ``check`` method calls it.
    rtol : float, default 1e-7
        Tolerance of every check, relative to the natural scale of the quantity (duals are
        dimensionless in ``[−1, 1]``; gradient entries are measured against
        ``‖x_i‖·‖y‖/n``, losses against ``L(0)``). Dual tolerances are widened by a
        rigorous bound of the rounding error left in the recomputed duals.
    endpoint : bool, optional
        Certify the ℓ1 optimality of the last saddle (dual certificate, plus an LP solved
        by HiGHS) and compare its loss with a least-squares fit. Default: when ``X`` has
        at most 2·10⁶ entries (the LP has ``2·n_features`` variables). With
        ``endpoint=False`` the gradient at the last saddle is still checked.
    raise_on_failure : bool, default False
        Raise :class:`CertificationError` with the report if a check fails.

    Returns
    -------
    PathCertificate
        ``.passed``, the list of ``.checks`` and ``.certified_by``; ``str()`` gives a
        readable report.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> X = np.array([[1, .5, .7, 0], [.5, 1, .1, .7]])
    >>> report = saddle_path(X, np.array([1.0, 0.0])).check()
    >>> report.passed, report.certified_by
    (True, ('dual certificate', 'LP (HiGHS)'))
    """
    with np.errstate(all="ignore"):  # non-finite path numbers fail checks, they do not warn
        sp = scale_path(path)
        rc = recompute(sp)
        checks = order_checks(path, sp, rc, rtol) + dual_checks(path, sp, rc, rtol)
        certified: tuple[str, ...] = ()
        if path.status not in (PathStatus.JUMP_LIMIT, PathStatus.STAGNATED):
            checks.append(final_gradient_check(sp, rc, rtol))
            if endpoint or (endpoint is None and path.X.size <= _ENDPOINT_AUTO_SIZE):
                more, certified = endpoint_checks(sp, rc, rtol, max(rtol, LP_L1_TOL))
                checks.extend(more)
    cert = PathCertificate(tuple(checks), certified)
    if raise_on_failure and not cert.passed:
        raise CertificationError(str(cert))
    return cert
