r"""The flow's descent guard (private): a step must not raise the loss.

The exact flow is a descent flow, :math:`dL/d\tau = -\lambda\sum_i
(d\beta_i/dS_i)\,(\partial_i L)^2 \le 0`. Every accepted step must satisfy, with
:math:`\rho = \|X\beta - y\|_2` (so :math:`L = \rho^2/2n`),

.. math::

    \rho_{new}^2 - \rho_{old}^2 \le \mathrm{rtol}\,\rho_{old}^2 + 2\rho_{old}e + 2e^2,
    \qquad e = \big(10(\mathrm{rtol} + \mathrm{atol}) + 8(|A| + 2)\varepsilon\big)
    \Big(\|y\|_2 + \sum_{i\in A}|\beta_i|\,\|x_i\|_2\Big),

i.e. :math:`L_{new} \le (1 + \mathrm{rtol})L_{old} + (\rho_{old}e + e^2)/n`: what the
controlled local error (β to about rtol) and rounding (ε per operation) can add to the
residual. It is checked in units of :math:`\max(\rho_{old}, e)`, so data of any magnitude
(losses that underflow or overflow float64) are checked alike. A violation stops the run
with ``SOLVER_FAILED`` (``gradient_flow`` warns).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from saddlepath.diagonal.flow._kernels_error import EPS, TINY
from saddlepath.diagonal.flow._kernels_ode import beta_at, jit
from saddlepath.diagonal.flow.active_set import ActiveArrays
from saddlepath.diagonal.flow.ode import DualODE

__all__ = ["DescentGuard", "LossCheck", "loss_check"]


@jit
def loss_check(geo, old, sigma, r_new, idx, base, lam, rtol, atol):
    """``(passed, new, allowed)`` of a state against ‖Xβ − y‖ = ``old`` (see the module;
    compiled: the one implementation, also run by the compiled step loop)."""
    rho = np.sqrt(np.sum(r_new * r_new))
    if rho <= old:
        return True, rho, np.nan
    if not np.isfinite(rho):
        return False, rho, 0.0
    y, col_norm2 = geo[1], geo[7]
    size = np.sqrt(np.sum(y * y))
    for a in range(idx.shape[0]):
        j = idx[a]
        size += np.abs(beta_at(geo, j, sigma[j], base, lam)) * np.sqrt(col_norm2[j])
    e = (10.0 * (rtol + atol) + 8.0 * (idx.shape[0] + 2) * EPS) * size
    unit = max(old, e, TINY)
    o, q, f = old / unit, rho / unit, e / unit
    allowed = rtol * o * o + 2.0 * o * f + 2.0 * f * f  # on (rho^2 - old^2)/unit^2
    if (q - o) * (q + o) > allowed:
        return False, rho, unit * np.sqrt(o * o + allowed)
    return True, rho, np.nan


class LossCheck(NamedTuple):
    """The verdict on one step: ‖Xβ − y‖ before (``old``) and after (``new``), and, when the
    step failed, the largest norm that would have passed (``allowed``; nan otherwise)."""

    passed: bool
    old: float
    new: float
    allowed: float = np.nan

    def message(self, tau: float) -> str:
        """The status message of a failed check at accelerated time ``tau``."""
        return (
            f"the loss rose in a step at tau = {tau:.6g}: ||X beta - y|| from {self.old:.6g} "
            f"to {self.new:.6g} (allowed: up to {self.allowed:.6g}). The flow never raises the "
            "loss, so the integration went wrong there and was stopped; the states saved "
            "before it passed every check"
        )


class DescentGuard:
    """Checks each new state's ‖Xβ − y‖ against that of the last accepted state."""

    def __init__(self, ode: DualODE, *, rtol: float, atol: float) -> None:
        self.ode, self.rtol, self.atol = ode, rtol, atol

    def check(self, old: float, sigma: np.ndarray, r_new: np.ndarray, arr: ActiveArrays):
        """Return the :class:`LossCheck` of the state (offsets ``sigma``, residual ``r_new``,
        active arrays ``arr``) against the norm ``old`` of the last accepted residual."""
        ode = self.ode
        passed, new, allowed = loss_check(
            ode.geo, float(old), sigma, r_new, arr.idx, ode.base, ode.lam, self.rtol, self.atol
        )
        return LossCheck(bool(passed), old, float(new), float(allowed))
