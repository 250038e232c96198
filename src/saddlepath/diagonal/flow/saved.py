r"""The flow's saved states, and the arrays of a :class:`Trajectory` built from them (private).

One state is saved per accepted step: τ, the offsets σ, the bases c of the re-basing at the
time (:mod:`.ode`: :math:`S = \lambda c + \sigma`) and the residual :math:`r = X\beta - y`.
They are rows of preallocated arrays (``rows``) that the compiled step loop writes into
directly and the host grows when full. Weights, β, the dual, gradients and losses are
formed for all saved states at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from saddlepath.diagonal._log_weights import beta_kernel
from saddlepath.diagonal.flow.ode import DualODE
from saddlepath.loss import loss_of_residual

__all__ = ["SavedStates"]

FIRST_ROWS = 256
"""Rows allocated at the start (doubled whenever full)."""


class SavedStates:
    """States saved along a run, in increasing τ; ``progress(tau)`` is called per state.

    ``rows = (tau, sigma, base, residual)`` hold ``n`` saved rows (and room for more)."""

    def __init__(self, ode: DualODE, progress: Callable[[float], object] | None = None):
        self.ode, self.progress = ode, progress
        n, d = ode.X.shape
        self.rows = (
            np.empty(FIRST_ROWS),
            *(np.empty((FIRST_ROWS, d)), np.empty((FIRST_ROWS, d)), np.empty((FIRST_ROWS, n))),
        )
        self.n = self.reported = 0

    def grow(self) -> None:
        """Double the room for rows (the saved ones are kept)."""
        self.rows = tuple(
            np.concatenate((a[: self.n], np.empty_like(a[: max(self.n, 1)]))) for a in self.rows
        )

    def append(self, tau: float, sigma: np.ndarray, r: np.ndarray) -> None:
        """Save a state at ``tau`` (with the ode's current bases); a τ not beyond the last
        saved one is skipped."""
        if self.n and not tau > self.rows[0][self.n - 1]:
            return
        if self.n == self.rows[0].shape[0]:
            self.grow()
        row = (float(tau), sigma, self.ode.base, r)
        for a, value in zip(self.rows, row, strict=True):
            a[self.n] = value
        self.n += 1
        self.report()

    def report(self) -> None:
        """Call ``progress`` with the τ of every row saved since the last report."""
        if self.progress is not None:
            for tau in self.rows[0][self.reported : self.n]:
                self.progress(float(tau))
        self.reported = self.n

    def arrays(self) -> dict[str, np.ndarray]:
        """The saved states as the arrays of a :class:`Trajectory` (computed in one batch)."""
        ode, init = self.ode, self.ode.initial
        tau, sigma, base, res = (a[: self.n].copy() for a in self.rows)
        shift = ode.lam * base
        lp = (init.log_abs_w_plus + shift) + sigma
        lm = (init.log_abs_w_minus - shift) - sigma
        ratio = (ode.log_ratio0 + 2.0 * shift) + 2.0 * sigma
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
