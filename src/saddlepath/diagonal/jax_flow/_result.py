r"""The result of ``batched_flow``: :class:`BatchedTrajectories` (NumPy only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from saddlepath._summary import span, summary_repr
from saddlepath.diagonal.trajectory import TrajectoryStatus

__all__ = ["BatchedTrajectories", "statuses_from_codes"]

_CODE_TO_STATUS = (
    (TrajectoryStatus.REACHED_TAU_MAX, "reached the end of tau_grid"),
    (
        TrajectoryStatus.STEP_LIMIT,
        "stopped at max_steps (accepted + rejected) before the end of tau_grid; later "
        "saved values are NaN. Increase max_steps, or use solver='kvaerno5' for tiny alpha",
    ),
    (
        TrajectoryStatus.SOLVER_FAILED,
        "the solver met non-finite values; later saved values are NaN",
    ),
    (
        TrajectoryStatus.SOLVER_FAILED,
        "diffrax reported a failure (step size or implicit root find); later saved values "
        "are NaN. Try another solver or looser tolerances",
    ),
)


def statuses_from_codes(codes: np.ndarray) -> tuple[tuple, tuple]:
    """Map the solver's per-flow codes to ``(statuses, messages)``."""
    pairs = [_CODE_TO_STATUS[int(c)] for c in np.asarray(codes).ravel()]
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


@dataclass(frozen=True, eq=False)
class BatchedTrajectories:
    r"""Many gradient flows of diagonal networks, saved on a common accelerated-time grid.

    Flow ``b`` solves :math:`ds/d\tau = -\nabla L(\beta)` from :math:`s(0) = 0` with its own
    data, α and initialisation (see :func:`batched_flow`). Time-indexed arrays put the
    batch first, then time: ``beta[b, k]`` is flow ``b`` at ``tau[k]``.

    Attributes
    ----------
    tau : ndarray of shape (n_times,)
        The requested accelerated times :math:`\tau = t/\ln(1/\alpha)` (float64).
    beta : ndarray of shape (batch, n_times, n_features)
        :math:`\beta = u\odot v`, in the compute dtype; NaN after a flow stopped early.
    dual : ndarray of shape (batch, n_times, n_features)
        :math:`s = S/\ln(1/\alpha)`, :math:`S = -\int_0^t\nabla L` (dimensionless).
    loss : ndarray of shape (batch, n_times)
        :math:`L(\beta) = \|X\beta - y\|^2/(2n)`.
    log_alpha : ndarray of shape (batch,)
        :math:`\log\alpha` of each flow (float64, exact for α = 1e-1000).
    statuses : tuple of TrajectoryStatus, length batch
        ``REACHED_TAU_MAX`` when the flow reached ``tau[-1]``, else ``STEP_LIMIT`` or
        ``SOLVER_FAILED``.
    messages : tuple of str, length batch
        The status in words, with what to try next.
    stats : mapping of str to ndarray of int, shape (batch,)
        Cost counters of each flow: ``n_steps`` (attempted solver steps), ``n_accepted``
        and ``n_rejected`` (by error control), as for a single flow's ``Trajectory.stats``.
    solver : str
        The diffrax solver used (``"auto"`` resolved).
    dtype : str
        The compute dtype, ``"float64"`` or ``"float32"``.
    device : str
        The JAX platform that ran the flows (``"cpu"``, ``"gpu"``, ...).
    """

    tau: np.ndarray
    beta: np.ndarray = field(repr=False)
    dual: np.ndarray = field(repr=False)
    loss: np.ndarray = field(repr=False)
    log_alpha: np.ndarray
    statuses: tuple
    messages: tuple = field(repr=False)
    stats: Mapping[str, np.ndarray]
    solver: str
    dtype: str
    device: str

    def __repr__(self) -> str:
        ok = int(np.count_nonzero(self.success))
        return summary_repr(
            self, batch=len(self), n_times=self.tau.size, tau=span(self.tau),
            reached_tau_max=f"{ok}/{len(self)}", solver=self.solver, dtype=self.dtype,
            device=self.device,
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.log_alpha)

    @property
    def time_scale(self) -> np.ndarray:
        r""":math:`\lambda = \ln(1/\alpha)` of each flow, shape ``(batch,)``."""
        return -self.log_alpha

    @property
    def success(self) -> np.ndarray:
        """Boolean mask of the flows that reached ``tau[-1]``."""
        return np.array([s is TrajectoryStatus.REACHED_TAU_MAX for s in self.statuses])
