r"""Trajectories of a diagonal network: saved states, status, speed, dense output.

A :class:`Trajectory` is what :func:`~saddlepath.diagonal.flow.gradient_flow` and
:func:`~saddlepath.diagonal.descent.gradient_descent` return. Time-indexed arrays put time
first: ``beta[k]`` is the state at ``tau[k]``. Raw time ``t`` and accelerated time
:math:`\tau = t/\lambda`, :math:`\lambda = \ln(1/\alpha)`, are both kept; the dual is
:math:`s = S/\lambda` with :math:`S = -\int_0^t\nabla L` (P&F §1.2). A trajectory is a
run of the run protocol (:class:`saddlepath.run.Run`, ``model = "diagonal"``): plateaus,
comparisons with the limit and the other analyses of :mod:`saddlepath.analysis` take it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

import numpy as np

from saddlepath._status import Status
from saddlepath.diagonal._log_weights import beta_from_log_weights, weights_from_signed_logs
from saddlepath.diagonal.descent_result import MarginCrossings
from saddlepath.diagonal.model import Initialisation
from saddlepath.run import floor_log10

__all__ = ["Trajectory", "TrajectoryStatus", "build_trajectory", "time_scale"]


class TrajectoryStatus(Status):
    """Why a run stopped. The values are the messages; details are in ``Trajectory.message``."""

    CONVERGED = "converged: the gradient vanished (relative to its value at beta = 0)"
    REACHED_TAU_MAX = "reached tau_max"
    STEP_LIMIT = "stopped at the step limit before converging"
    DIVERGED = "diverged"
    SOLVER_FAILED = (
        "the solver failed: its step size fell below the resolution of time, or an accepted "
        "step raised the loss (the message says which)"
    )

    @classmethod
    def failures(cls) -> frozenset:
        return frozenset({cls.DIVERGED, cls.SOLVER_FAILED})


@dataclass(frozen=True, eq=False, repr=False)
class Trajectory:
    r"""A run of a diagonal network (gradient flow, GD or SGD) from a given initialisation.

    Attributes
    ----------
    t, tau : ndarray of shape (n_times,)
        Raw time and accelerated time :math:`\tau = t/\lambda` (``t = k·step_size`` for GD).
    beta : ndarray of shape (n_times, n_features)
        :math:`\beta = u\odot v` at the saved times.
    dual : ndarray of shape (n_times, n_features)
        :math:`s = S/\lambda`, :math:`S = -\int_0^t \nabla L` (for GD the Riemann sum
        :math:`-\eta\sum_k \nabla L(\beta_k)`).
    gradient : ndarray of shape (n_times, n_features)
        :math:`\nabla L(\beta)` at the saved times (full batch, also for SGD).
    loss : ndarray of shape (n_times,)
    log_abs_w_plus, log_abs_w_minus : ndarray of shape (n_times, n_features)
        :math:`\log|w_\pm|`, the exact state (magnitudes; the signs are below).
    status : TrajectoryStatus
    message : str
        The status with details (step, time and cause of a divergence, ...).
    log_alpha : float
    stats : mapping of str to int
        Cost counters: ``n_grad_evals``, the gradient evaluations (full-batch or mini-batch
        ones; for the flow, right-hand sides).
    method : str
        ``"flow"``, ``"gd"`` or ``"sgd"``.
    initial : Initialisation
    sign_w_plus, sign_w_minus : ndarray of int8, shape (n_times, n_features), or None
        GD/SGD: the signs of :math:`w_\pm` at the saved iterates (a factor
        :math:`1 \mp \eta g < 0` flips a weight; 0 once a factor was exactly 0), so ``u``
        and ``v`` are right after a flip. None for the flow, whose signs are those of
        ``initial`` throughout.
    margin_crossings : MarginCrossings or None
        With ``gradient_descent(..., margin=...)``: the crossings of the margin, checked at
        every step (for the thesis's plateau rule of :func:`saddlepath.analysis.find_plateaus`).
    save_stride : int
        1, or the factor by which a GD record was thinned to stay within ``max_saved``.
    model : str
        ``"diagonal"`` (the run protocol's model kind; a class constant).
    """

    model: ClassVar[str] = "diagonal"

    t: np.ndarray
    tau: np.ndarray
    beta: np.ndarray
    dual: np.ndarray
    gradient: np.ndarray
    loss: np.ndarray
    log_abs_w_plus: np.ndarray = field(repr=False)
    log_abs_w_minus: np.ndarray = field(repr=False)
    status: TrajectoryStatus
    message: str
    log_alpha: float
    stats: Mapping[str, int]
    method: str
    initial: Initialisation = field(repr=False)
    sign_w_plus: np.ndarray | None = field(default=None, repr=False)
    sign_w_minus: np.ndarray | None = field(default=None, repr=False)
    margin_crossings: MarginCrossings | None = field(default=None, repr=False)
    save_stride: int = 1

    def __repr__(self) -> str:
        n_times, n_features = self.beta.shape
        return (
            f"Trajectory(method={self.method!r}, status={self.status.name}, "
            f"n_times={n_times}, n_features={n_features}, "
            f"tau=[{self.tau[0]:.6g}, {self.tau[-1]:.6g}], log_alpha={self.log_alpha:.6g}, "
            f"stats={dict(self.stats)})"
        )

    @property
    def time_scale(self) -> float:
        r""":math:`\lambda = \ln(1/\alpha)` (1.0 when α ≥ 1, where τ is then just ``t``)."""
        return time_scale(self.log_alpha)

    @cached_property
    def _uv(self) -> tuple[np.ndarray, ...]:
        if self.sign_w_plus is None or self.sign_w_minus is None:
            return self.initial.weights(self.log_abs_w_plus, self.log_abs_w_minus)
        return weights_from_signed_logs(
            self.log_abs_w_plus, self.log_abs_w_minus, self.sign_w_plus, self.sign_w_minus
        )

    def log10_speed(self) -> np.ndarray:
        r"""Return :math:`\log_{10}\|d\beta/d\tau\|_\infty` at the saved points.

        :math:`d\beta/d\tau = -\lambda\,(w_+^2 + w_-^2)\odot\nabla L`, computed from
        :math:`\log|w_\pm|` as :math:`\log\lambda + \max_i[\log(w_{+,i}^2 + w_{-,i}^2) +
        \log|\partial_iL|]` (no underflow at any α); exact zeros are floored 50 decades
        below the smallest non-zero speed. The run protocol's speed (:mod:`saddlepath.run`).

        Examples
        --------
        >>> import numpy as np
        >>> from saddlepath.diagonal.flow import gradient_flow
        >>> traj = gradient_flow(np.eye(2), np.array([1.0, 0.5]), alpha=1e-10, tau_max=3.0)
        >>> bool(traj.log10_speed()[0] < -15)
        True
        """
        lp, lm = self.log_abs_w_plus, self.log_abs_w_minus
        with np.errstate(divide="ignore"):
            rate = np.logaddexp(2.0 * lp, 2.0 * lm) + np.log(np.abs(self.gradient))
        return floor_log10((np.log(self.time_scale) + rate.max(axis=1)) / np.log(10.0))

    @property
    def u(self) -> np.ndarray:
        """:math:`u` at the saved times (underflows to 0 for tiny α; see ``log_abs_u``)."""
        return self._uv[0]

    @property
    def v(self) -> np.ndarray:
        """:math:`v` at the saved times (underflows to 0 for tiny α; see ``log_abs_v``)."""
        return self._uv[1]

    @property
    def log_abs_u(self) -> np.ndarray:
        r""":math:`\log|u|` at the saved times (``-inf`` where ``u = 0``)."""
        return self._uv[2]

    @property
    def log_abs_v(self) -> np.ndarray:
        r""":math:`\log|v|` at the saved times (``-inf`` where ``v = 0``)."""
        return self._uv[3]

    def at(self, tau: float | np.ndarray) -> np.ndarray:
        r"""Return :math:`\beta` at accelerated time(s) ``tau`` (dense output).

        For the flow: cubic Hermite interpolation of the dual s with the exact slopes
        :math:`ds/d\tau = -\nabla L` at the saved points, then the exact map to β — accurate
        to the solver tolerance. For GD: the same on :math:`\log|w_\pm|` (slopes
        :math:`\mp\lambda\nabla L`), accurate to :math:`O(\eta)` between saved iterates.

        Examples
        --------
        >>> import numpy as np
        >>> from saddlepath.diagonal.flow import gradient_flow
        >>> traj = gradient_flow(np.eye(2), np.array([1.0, 0.5]), alpha=1e-20, tau_max=1.0)
        >>> traj.at([0.5, 1.0]).shape
        (2, 2)
        """
        q = np.asarray(tau, dtype=float)
        lo, hi = self.tau[0], self.tau[-1]
        if q.size and (np.any(~np.isfinite(q)) or q.min() < lo or q.max() > hi):
            raise ValueError(
                f"`tau` must lie in the saved range [{lo:.6g}, {hi:.6g}]; got values in "
                f"[{q.min():.6g}, {q.max():.6g}]. Run longer (tau_max) to evaluate later."
            )
        k = np.clip(np.searchsorted(self.tau, q, side="right") - 1, 0, len(self.tau) - 2)
        if len(self.tau) == 1:
            return np.broadcast_to(self.beta[0], (*q.shape, self.beta.shape[1])).copy()
        lam = self.time_scale
        if self.method == "flow":  # exact map from the interpolated dual
            return self.initial.beta(lam * _hermite(self.tau, self.dual, -self.gradient, k, q))
        lp = _hermite(self.tau, self.log_abs_w_plus, -lam * self.gradient, k, q)
        lm = _hermite(self.tau, self.log_abs_w_minus, lam * self.gradient, k, q)
        return beta_from_log_weights(lp, lm)


def _hermite(x, y, dy, k, q):
    y = np.maximum(y, -1e300)  # a zero weight (log = -inf) stays (numerically) zero
    h = (x[k + 1] - x[k])[..., None]
    th = ((q - x[k]) / (x[k + 1] - x[k]))[..., None]
    th2, th3 = th * th, th * th * th
    return (
        (2 * th3 - 3 * th2 + 1) * y[k]
        + (th3 - 2 * th2 + th) * h * dy[k]
        + (-2 * th3 + 3 * th2) * y[k + 1]
        + (th3 - th2) * h * dy[k + 1]
    )


def time_scale(log_alpha: float) -> float:
    r"""Return :math:`\lambda = \ln(1/\alpha)`, or 1.0 when α ≥ 1 (no accelerated time)."""
    return -log_alpha if log_alpha < 0 else 1.0


def build_trajectory(
    arrays: dict,
    *,
    initial: Initialisation,
    status: TrajectoryStatus,
    message: str,
    stats: Mapping[str, int],
    method: str,
    **descent,
) -> Trajectory:
    """Assemble a :class:`Trajectory` from stacked arrays (keys: the array fields).

    ``descent``: the GD-only fields (``sign_w_plus``, ``sign_w_minus``, ``margin_crossings``,
    ``save_stride``), passed through as they are.
    """
    arrays = {key: np.asarray(val, dtype=float) for key, val in arrays.items()}
    return Trajectory(
        **arrays,
        status=status,
        message=message,
        log_alpha=initial.log_alpha,
        stats=dict(stats),
        method=method,
        initial=initial,
        **descent,
    )
