"""Stopping, saving, sampling and margin-crossing rules of the GD/SGD loop (private)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal.descent_result import MarginCrossings
from saddlepath.diagonal.trajectory import TrajectoryStatus

_SQRT_HALF = float(np.sqrt(0.5))

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
    grad_atol: float
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
            grad_atol=gtol * (g0 if g0 > 0 else 1.0),
            save_every=save_every if save_every is not None else epoch,
        )

    def stop(self, k: int, t: float, gmax: float | None):
        """Return ``(status, message)`` if the loop stops at iterate ``k``, else None.

        ``gmax`` is the largest entry of the full-batch |grad L|, or None when not known.
        """
        if gmax is not None and gmax <= self.grad_atol:
            return TrajectoryStatus.CONVERGED, (
                f"converged at step {k} (tau = {t / self.lam:.6g}): max|grad L| = "
                f"{gmax:.3g} <= {self.grad_atol:.3g}"
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


class MarginLog:
    r"""Records where :math:`G = \max|\nabla F(u, v)|` crosses ``margin``, at every step."""

    def __init__(self, margin: float, step_size: float) -> None:
        self.margin, self.step_size = margin, step_size
        self.above = True  # the thesis's `plateau = True` before the first iteration
        self.start: list[int] = []
        self.end: list[int] = []
        self.states: list[tuple] = []
        self.n_checked = 0

    def check(self, k: int, g, state, beta, loss: float) -> None:
        """Look at iterate ``k`` (gradient ``g`` of L, ``state`` the signed log-weights)."""
        self.n_checked = k + 1
        G = float(np.max(np.abs(g) * (np.exp(state.lp) + np.exp(state.lm)))) * _SQRT_HALF
        if G > self.margin:
            if not self.above:
                self.end[-1] = k
                self.above = True
        elif self.above:
            self.above = False
            self.start.append(k)
            self.end.append(-1)
            snapshot = (state.lp, state.lm, state.sp, state.sm)  # replaced, never mutated
            self.states.append((G, np.array(beta), float(loss), *snapshot))

    def result(self, n_features: int) -> MarginCrossings:
        """The crossings as a frozen :class:`MarginCrossings`."""
        cols = list(zip(*self.states, strict=True)) if self.states else [()] * 7
        vec = lambda j, dt=float: np.array(cols[j], dtype=dt).reshape(-1, n_features)  # noqa: E731
        return MarginCrossings(
            margin=self.margin,
            step_size=self.step_size,
            start=np.array(self.start, dtype=np.int64),
            end=np.array(self.end, dtype=np.int64),
            grad_max=np.array(cols[0], dtype=float),
            beta=vec(1),
            loss=np.array(cols[2], dtype=float),
            log_abs_w_plus=vec(3),
            log_abs_w_minus=vec(4),
            sign_w_plus=vec(5, np.int8),
            sign_w_minus=vec(6, np.int8),
            stats={"n_checked": self.n_checked},
        )
