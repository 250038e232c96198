r"""Trajectories of a diagonal network: saved states, status, plateaus, dense output.

A :class:`Trajectory` is what :func:`~saddlepath.diagonal.flow.gradient_flow` and
:func:`~saddlepath.diagonal.descent.gradient_descent` return. Time-indexed arrays put time
first: ``beta[k]`` is the state at ``tau[k]``. Raw time ``t`` and accelerated time
:math:`\tau = t/\lambda`, :math:`\lambda = \ln(1/\alpha)`, are both kept; the dual is
:math:`s = S/\lambda` with :math:`S = -\int_0^t\nabla L` (P&F §1.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from saddlepath._status import Status
from saddlepath.diagonal._log_weights import beta_from_log_weights, dbeta_dS_from_log_weights
from saddlepath.diagonal.model import Initialisation

__all__ = ["Plateaus", "Trajectory", "TrajectoryStatus", "find_plateaus"]


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


@dataclass(frozen=True)
class Plateaus:
    r"""Time intervals on which :math:`\tilde\beta_\alpha(\tau)` is (nearly) constant.

    Attributes
    ----------
    tau_enter, tau_leave : ndarray of shape (n_plateaus,)
        Accelerated times at which the speed :math:`\|d\beta/d\tau\|_\infty` fell below /
        rose above ``threshold``. ``tau_leave`` is ``inf`` if the run ends on the plateau.
    beta : ndarray of shape (n_plateaus, n_features)
        The saved state of least speed inside each plateau (the saddle, up to α-effects).
    threshold : float
        Speed threshold used, in units of β per unit τ.
    """

    tau_enter: np.ndarray
    tau_leave: np.ndarray
    beta: np.ndarray
    threshold: float

    def __len__(self) -> int:
        return len(self.tau_enter)


def _crossing(tau: np.ndarray, log_speed: np.ndarray, k: int, log_thr: float) -> float:
    a, b = log_speed[k], log_speed[k + 1]
    frac = 0.5 if a == b else (log_thr - a) / (b - a)
    return float(tau[k] + np.clip(frac, 0.0, 1.0) * (tau[k + 1] - tau[k]))


def find_plateaus(
    tau: np.ndarray, beta: np.ndarray, speed: np.ndarray, *, rel_threshold: float = 1e-2
) -> Plateaus:
    r"""Detect plateaus: maximal runs of saved points with slow speed.

    A saved point is on a plateau when :math:`\|d\beta/d\tau\|_\infty \le`
    ``rel_threshold`` :math:`\cdot \max_k \|\beta_k\|_\infty`. Entry and exit times are
    interpolated linearly in log-speed between the saved points that straddle the threshold.

    Examples
    --------
    >>> import numpy as np
    >>> tau = np.array([0.0, 1.0, 1.1, 1.2, 2.0])
    >>> beta = np.array([[0.0], [0.0], [0.5], [1.0], [1.0]])
    >>> p = find_plateaus(tau, beta, np.array([0.0, 1e-4, 10.0, 1e-4, 0.0]))
    >>> len(p), float(p.tau_leave[-1])
    (2, inf)
    """
    scale = float(np.max(np.abs(beta))) if beta.size else 0.0
    threshold = rel_threshold * (scale if scale > 0 else 1.0)
    slow = speed <= threshold
    log_speed = np.log(np.maximum(speed, 1e-300))
    log_thr = float(np.log(threshold))
    enter, leave, states = [], [], []
    k, n = 0, len(tau)
    while k < n:
        if not slow[k]:
            k += 1
            continue
        start = k
        while k + 1 < n and slow[k + 1]:
            k += 1
        enter.append(tau[0] if start == 0 else _crossing(tau, log_speed, start - 1, log_thr))
        leave.append(np.inf if k == n - 1 else _crossing(tau, log_speed, k, log_thr))
        states.append(beta[start + int(np.argmin(speed[start : k + 1]))])
        k += 1
    d = beta.shape[1] if beta.ndim == 2 else 0
    return Plateaus(
        tau_enter=np.asarray(enter, dtype=float),
        tau_leave=np.asarray(leave, dtype=float),
        beta=np.asarray(states, dtype=float).reshape(len(states), d),
        threshold=threshold,
    )


@dataclass(frozen=True)
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
        :math:`\log|w_\pm|`, the exact state (the signs are those of the initialisation).
    status : TrajectoryStatus
    message : str
        The status with details (step, time and cause of a divergence, ...).
    plateaus : Plateaus
    log_alpha : float
    stats : mapping of str to int
        Cost counters: ``n_grad_evals``, the gradient evaluations (full-batch or mini-batch
        ones; for the flow, right-hand sides).
    method : str
        ``"flow"``, ``"gd"`` or ``"sgd"``.
    initial : Initialisation
    """

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
    plateaus: Plateaus = field(repr=False)
    log_alpha: float
    stats: Mapping[str, int]
    method: str
    initial: Initialisation = field(repr=False)

    @property
    def time_scale(self) -> float:
        r""":math:`\lambda = \ln(1/\alpha)` (1.0 when α ≥ 1, where τ is then just ``t``)."""
        return time_scale(self.log_alpha)

    @cached_property
    def _uv(self) -> tuple[np.ndarray, ...]:
        return self.initial.weights(self.log_abs_w_plus, self.log_abs_w_minus)

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


def speed(trajectory_arrays: dict, lam: float) -> np.ndarray:
    r"""Return :math:`\|d\beta/d\tau\|_\infty = \lambda\,\|(d\beta/dS)\odot\nabla L\|_\infty`."""
    d_beta = dbeta_dS_from_log_weights(
        trajectory_arrays["log_abs_w_plus"], trajectory_arrays["log_abs_w_minus"]
    )
    return lam * np.max(np.abs(d_beta * trajectory_arrays["gradient"]), axis=-1)


def build_trajectory(
    arrays: dict,
    *,
    initial: Initialisation,
    status: TrajectoryStatus,
    message: str,
    stats: Mapping[str, int],
    method: str,
    plateau_threshold: float = 1e-2,
) -> Trajectory:
    """Assemble a :class:`Trajectory` from stacked arrays (keys: the array fields)."""
    lam = time_scale(initial.log_alpha)
    arrays = {key: np.asarray(val, dtype=float) for key, val in arrays.items()}
    plateaus = find_plateaus(
        arrays["tau"], arrays["beta"], speed(arrays, lam), rel_threshold=plateau_threshold
    )
    return Trajectory(
        **arrays,
        status=status,
        message=message,
        plateaus=plateaus,
        log_alpha=initial.log_alpha,
        stats=dict(stats),
        method=method,
        initial=initial,
    )
