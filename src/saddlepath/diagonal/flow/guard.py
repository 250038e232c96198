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

from saddlepath.diagonal.flow.active_set import ActiveArrays
from saddlepath.diagonal.flow.ode import EPS, DualODE

__all__ = ["DescentGuard", "LossCheck"]


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
        rho = float(np.linalg.norm(r_new))
        if rho <= old:
            return LossCheck(True, old, rho)
        if not np.isfinite(rho):
            return LossCheck(False, old, rho, 0.0)
        beta = np.abs(self.ode.beta(sigma[arr.idx], arr.idx))
        size = float(np.linalg.norm(self.ode.y)) + float(beta @ np.sqrt(arr.col_norm2))
        e = (10.0 * (self.rtol + self.atol) + 8.0 * (arr.m + 2) * EPS) * size
        unit = max(old, e, np.finfo(float).tiny)
        o, q, f = old / unit, rho / unit, e / unit
        allowed = self.rtol * o * o + 2.0 * o * f + 2.0 * f * f  # on (rho^2 - old^2)/unit^2
        if (q - o) * (q + o) > allowed:
            return LossCheck(False, old, rho, unit * np.sqrt(o * o + allowed))
        return LossCheck(True, old, rho)
