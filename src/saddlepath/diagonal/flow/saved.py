r"""The flow's saved states, and the arrays of a :class:`Trajectory` built from them (private).

One state is saved per accepted step: τ, the offsets σ, the bases c of the re-basing at the
time (:mod:`.ode`: :math:`S = \lambda c + \sigma`) and the residual :math:`r = X\beta - y`.
Weights, β, the dual, gradients and losses are formed for all saved states at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from saddlepath.diagonal._log_weights import beta_kernel
from saddlepath.diagonal.flow.ode import DualODE
from saddlepath.loss import loss_of_residual

__all__ = ["SavedStates"]


class SavedStates:
    """States saved along a run, in increasing τ; ``progress(tau)`` is called per state."""

    def __init__(self, ode: DualODE, progress: Callable[[float], object] | None = None):
        self.ode, self.progress = ode, progress
        self.taus: list[float] = []
        self.offsets: list[np.ndarray] = []
        self.bases: list[np.ndarray] = []
        self.residuals: list[np.ndarray] = []

    def append(self, tau: float, sigma: np.ndarray, r: np.ndarray) -> None:
        """Save a state at ``tau`` (with the ode's current bases); a τ not beyond the last
        saved one is skipped."""
        if self.taus and tau <= self.taus[-1]:
            return
        self.taus.append(float(tau))
        self.offsets.append(sigma)
        self.bases.append(self.ode.base)
        self.residuals.append(r)
        if self.progress is not None:
            self.progress(float(tau))

    def arrays(self) -> dict[str, np.ndarray]:
        """The saved states as the arrays of a :class:`Trajectory` (computed in one batch)."""
        ode, init = self.ode, self.ode.initial
        tau = np.asarray(self.taus, dtype=float)
        sigma = np.asarray(self.offsets, dtype=float).reshape(len(tau), -1)
        base = np.asarray(self.bases, dtype=float).reshape(sigma.shape)
        shift = ode.lam * base
        lp = (init.log_abs_w_plus + shift) + sigma
        lm = (init.log_abs_w_minus - shift) - sigma
        ratio = (ode.log_ratio0 + 2.0 * shift) + 2.0 * sigma
        res = np.asarray(self.residuals, dtype=float).reshape(len(tau), -1)
        return {
            "t": tau * ode.lam,
            "tau": tau,
            "beta": beta_kernel(lp, lm, ratio),
            "dual": ode.dual(sigma, base),
            "gradient": (res @ ode.X) / ode.n_samples,
            "loss": loss_of_residual(res, ode.n_samples),
            "log_abs_w_plus": lp,
            "log_abs_w_minus": lm,
        }
