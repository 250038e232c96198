"""Stopping, saving, sampling and divergence rules of the GD/SGD loop (private)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal.model import Initialisation
from saddlepath.diagonal.trajectory import TrajectoryStatus

SAVE_LOSS_CHANGE = 1e-2
"""Default full-batch saving: save when the loss moved by this fraction since the last save."""
SAVE_MAX_GAP = 1000
"""Default full-batch saving: save at least every this many steps."""


@dataclass
class StopRule:
    """When the loop stops, and which iterates it saves."""

    eta: float
    lam: float
    n_steps: int | None
    t_max: float | None
    max_steps: int
    g_tol: float
    save_every: int | None
    last_saved_step: int = -1
    last_saved_loss: float = np.inf

    @classmethod
    def create(cls, X, y, *, eta, lam, n_steps, tau_max, max_steps, gtol, save_every, epoch):
        g0 = float(np.max(np.abs(y @ X))) / X.shape[0]
        return cls(
            eta=eta,
            lam=lam,
            n_steps=n_steps,
            t_max=None if tau_max is None else tau_max * lam,
            max_steps=max_steps,
            g_tol=gtol * (g0 if g0 > 0 else 1.0),
            save_every=save_every if save_every is not None else epoch,
        )

    def stop(self, k: int, t: float, gradient: np.ndarray | None):
        """Return ``(status, message)`` if the loop stops at iterate ``k``, else None.

        ``gradient`` is the full gradient, or None when it is not known at this iterate.
        """
        if gradient is not None and float(np.max(np.abs(gradient))) <= self.g_tol:
            return TrajectoryStatus.CONVERGED, (
                f"converged at step {k} (tau = {t / self.lam:.6g}): max|grad L| = "
                f"{float(np.max(np.abs(gradient))):.3g} <= {self.g_tol:.3g}"
            )
        if self.t_max is not None and t >= self.t_max * (1 - 1e-12):
            return TrajectoryStatus.REACHED_TAU_MAX, f"reached tau_max at step {k}"
        if self.n_steps is not None and k >= self.n_steps:
            return TrajectoryStatus.STEP_LIMIT, f"completed n_steps = {self.n_steps} steps"
        if k >= self.max_steps:
            return TrajectoryStatus.STEP_LIMIT, (
                f"stopped at max_steps = {self.max_steps} before converging; raise max_steps, "
                "the step size, or pass tau_max/n_steps"
            )
        return None

    def is_save(self, k: int, loss: float | None) -> bool:
        """Whether iterate ``k`` (with full loss ``loss`` if known) is saved."""
        if k == 0:
            return True
        if self.save_every is not None:
            return k % self.save_every == 0
        moved = abs(loss - self.last_saved_loss) > SAVE_LOSS_CHANGE * abs(self.last_saved_loss)
        return moved or k - self.last_saved_step >= SAVE_MAX_GAP

    def saved(self, k: int, loss: float) -> None:
        """Record that iterate ``k`` was saved."""
        self.last_saved_step, self.last_saved_loss = k, loss


def batches(n_samples: int, batch_size: int, seed: int | None):
    """Yield mini-batch row indices forever: reshuffled each epoch, the last batch shorter."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n_samples)
        for start in range(0, n_samples, batch_size):
            yield order[start : start + batch_size]


def check_factors(eta_g: np.ndarray, initial: Initialisation) -> str | None:
    r"""Return why a factor :math:`1 \mp \eta g_i` of a non-zero weight is ≤ 0, or None."""
    for name, factor, sign in (
        ("1 - eta*g", 1.0 - eta_g, initial.sign_w_plus),
        ("1 + eta*g", 1.0 + eta_g, initial.sign_w_minus),
    ):
        bad = (factor <= 0) & (sign != 0)
        if np.any(bad):
            i = int(np.argmax(bad))
            what = "hit zero" if factor[i] == 0 else "crossed zero"
            return (
                f"the factor {name} = {factor[i]:.6g} of coordinate {i} {what} (eta*g = "
                f"{eta_g[i]:.6g}): the step size is too large for this state"
            )
    return None
