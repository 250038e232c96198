"""Parameters and messages of the GD/SGD loop's stopping, saving and margin rules (private).

The rules themselves are compiled (``_kernels_record``, ``_kernels_descent``): here are
their parameters, the status messages, and the list of margin crossings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal._kernels_record import (
    CONVERGED,
    N_STEPS_DONE,
    REACHED_TAU_MAX,
)
from saddlepath.diagonal.descent_result import MarginCrossings
from saddlepath.diagonal.trajectory import TrajectoryStatus


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

    def parameters(self) -> tuple[list[float], list[int]]:
        """The compiled loop's float and int parameters (unset ones as inf and -1)."""
        floats = [self.grad_atol, np.inf if self.t_max is None else self.t_max]
        ints = [
            -1 if self.n_steps is None else self.n_steps,
            self.max_steps,
            -1 if self.save_every is None else self.save_every,
        ]
        return floats, ints

    def message(self, code: int, k: int, t: float, gmax: float):
        """``(status, message)`` of stop code ``code`` (``_kernels_record``) at iterate ``k``."""
        if code == CONVERGED:
            return TrajectoryStatus.CONVERGED, (
                f"converged at step {k} (tau = {t / self.lam:.6g}): max|grad L| = "
                f"{gmax:.3g} <= {self.grad_atol:.3g}"
            )
        if code == REACHED_TAU_MAX:
            return TrajectoryStatus.REACHED_TAU_MAX, f"reached tau_max at step {k}"
        if code == N_STEPS_DONE:
            return TrajectoryStatus.STEP_LIMIT, f"completed n_steps = {self.n_steps} steps"
        return TrajectoryStatus.STEP_LIMIT, (
            f"stopped at max_steps = {self.max_steps} before converging; raise max_steps, "
            "the step size, or pass tau_max/n_steps"
        )


class MarginLog:
    r"""Where :math:`G = \max|\nabla F(u, v)|` crossed ``margin`` (checked at every step by
    the compiled loop, which flags each crossing for :meth:`take`)."""

    def __init__(self, margin: float, step_size: float) -> None:
        self.margin, self.step_size = margin, step_size
        self.start: list[int] = []
        self.end: list[int] = []
        self.states: list[tuple] = []
        self.n_checked = 0

    def take(self, ist, fst, cross) -> None:
        """Take the crossing the compiled loop flagged in ``ist[3]`` (1 below, 2 above)."""
        kind, k = int(ist[3]), int(ist[7])
        ist[3] = 0
        if kind == 2:
            self.end[-1] = k
        elif kind == 1:
            self.start.append(k)
            self.end.append(-1)
            lp, lm, sp, sm = cross[0][1].copy(), cross[0][2].copy(), *cross[1].copy()
            self.states.append((float(fst[4]), cross[0][0].copy(), float(fst[5]), lp, lm, sp, sm))

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
