r"""The flow's step-size controller: Gustafsson's predictive controller (private).

After a step of size h with error norm e (≤ 1 accepts, see :mod:`.step`) the next step is
:math:`h\cdot\mathrm{clip}(f, f_{min}, f_{max})` with, for an embedded error of order p and
:math:`q = 1/(p + 1)`,

.. math::

    f = \min\Big(\frac{\theta}{e^{q}},\;
        \frac{h}{h_{acc}}\,\theta\,\Big(\frac{e_{acc}}{e^{2}}\Big)^{q}\Big),

the second factor (Gustafsson's prediction from the last accepted step :math:`h_{acc}`,
:math:`e_{acc}`) only when there is one, as in Hairer & Wanner's ``rodas.f``
(*Solving ODEs II*, §IV.8). A rejected step shrinks by :math:`\max(f_{min}, \min(1,
\theta/e^q))` and the next accepted step may not grow (:math:`f_{max} = 1` once).
Errors are floored at 1e-10 (no division by zero) and :math:`e_{acc}` at 1e-2.
"""

from __future__ import annotations

from typing import NamedTuple

from saddlepath.diagonal.flow._kernels_ode import jit

__all__ = ["ControllerState", "PredictiveController", "accept_size", "reject_size"]

FAC_MAX, FAC_MIN, SAFETY = 6.0, 0.2, 0.9
"""Largest growth, largest shrink factor and safety factor θ of a step."""


@jit
def accept_size(h, err, h_acc, err_acc, has_acc, fac_max, exponent):
    """The next step after an accepted step (h, err), and the error it leaves as e_acc
    (compiled: the one implementation, also run by the compiled step loop)."""
    fac = SAFETY / max(err, 1e-10) ** exponent
    if has_acc:
        ratio = (err_acc / max(err, 1e-10) ** 2) ** exponent
        fac = min(fac, (h / h_acc) * SAFETY * ratio)
    return h * min(fac_max, max(FAC_MIN, fac)), max(1e-2, err)


@jit
def reject_size(h, err, exponent):
    """The next step after a step (h, err) was rejected (err = inf if not finite)."""
    return h * max(FAC_MIN, min(1.0, SAFETY / err**exponent))


class ControllerState(NamedTuple):
    """The last accepted step and its error (None after a start or a plateau step), and the
    growth cap of the next step (1 right after a rejection)."""

    h_accepted: float | None
    error_accepted: float | None
    fac_max: float


class PredictiveController:
    """Gustafsson's predictive step-size controller for an embedded error of order
    ``order_embedded``."""

    def __init__(self, order_embedded: int) -> None:
        self.exponent = 1.0 / (order_embedded + 1)

    @staticmethod
    def init() -> ControllerState:
        """The state before the first step."""
        return ControllerState(None, None, FAC_MAX)

    @staticmethod
    def restart(state: ControllerState) -> ControllerState:
        """Forget the last accepted step (after a plateau step: no prediction across it)."""
        return state._replace(h_accepted=None, error_accepted=None)

    def accept(self, h: float, err: float, state: ControllerState):
        """Return ``(h_next, state)`` after an accepted step of size h and error norm err."""
        has = state.h_accepted is not None
        h_acc, e_acc = (state.h_accepted, state.error_accepted) if has else (1.0, 1.0)
        h_next, e_next = accept_size(h, err, h_acc, e_acc, has, state.fac_max, self.exponent)
        return h_next, ControllerState(h, e_next, FAC_MAX)

    def reject(self, h: float, err: float, state: ControllerState):
        """Return ``(h_next, state)`` after a step rejected with error norm err (inf if it
        was not finite)."""
        return reject_size(h, float(err), self.exponent), state._replace(fac_max=1.0)
