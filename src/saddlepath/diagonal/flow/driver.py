r"""The flow's driver: the compiled step loop, and plateau steps between its calls (private).

The loop state (:class:`FlowState`) holds the re-based offsets σ = S − λc of :mod:`.ode`
(error control on σ, see ``DualODE.tolerance``), the residual, the step size and the
controller's memory, the counters, and the run's outcome once it stops. Each pass of the
loop first checks the stopping rules (:class:`StopRules`), then advances by

* a plateau step (:mod:`.plateau`, on the host) when the last RODAS4 step was very accurate
  and one is exact to tolerance: the non-negligible coordinates sit at their restricted
  least-squares optimum, every other coordinate stays below rounding, and one step reaches
  the time at which the first sleeping coordinate wakes; or else
* a RODAS4 step (:mod:`.step`) on the integrated residual, with linear solves of the size
  of the active set, or, where the flow is not stiff at the proposed step size, an explicit
  DOPRI5 step (:mod:`._kernels_explicit`: the switching rule); its size comes from the
  controller (:mod:`.controller`). A step that woke a coordinate left out of the active
  set is redone with it.

Every accepted step must not raise the loss (:mod:`.guard`). The RODAS4 steps run in the
compiled loop (:mod:`._kernels_loop`), many per call; the bases c of the re-basing are
``DualODE.base``, updated in place by the loop and refreshed in the ODE after each call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from saddlepath.diagonal.flow import _kernels_loop as K
from saddlepath.diagonal.flow import _kernels_step
from saddlepath.diagonal.flow._kernels_explicit import DOPRI5
from saddlepath.diagonal.flow.active_set import ActiveArrays
from saddlepath.diagonal.flow.controller import FAC_MAX, PredictiveController
from saddlepath.diagonal.flow.guard import DescentGuard, LossCheck
from saddlepath.diagonal.flow.ode import DualODE
from saddlepath.diagonal.flow.plateau import PlateauStepper
from saddlepath.diagonal.flow.saved import SavedStates
from saddlepath.diagonal.flow.stats import FlowStats
from saddlepath.diagonal.flow.step import RosenbrockStep
from saddlepath.diagonal.trajectory import TrajectoryStatus

__all__ = ["FlowDriver", "FlowSolution", "FlowState", "StopRules", "flow_driver"]

PLATEAU_ERROR = K.PLATEAU_ERROR


class StopRules(NamedTuple):
    """When a run stops: max|∇L| over the coordinates that can move at or below
    ``grad_threshold`` (absolute, in units of ∇L), τ at ``tau_max`` (None: no limit), or
    ``max_steps`` attempted steps."""

    grad_threshold: float
    tau_max: float | None
    max_steps: int


class FlowState(NamedTuple):
    """The loop state between two calls of the compiled loop (its layout:
    :mod:`._kernels_loop`): float and integer scalars, the configuration, and the vectors
    σ, r, rate, woken and c (c is ``DualODE.base`` itself)."""

    fs: np.ndarray
    ist: np.ndarray
    cf: np.ndarray
    ci: np.ndarray
    vec: tuple

    @property
    def stats(self) -> FlowStats:
        """The counters so far."""
        return FlowStats(*(int(v) for v in self.ist[K.STATS : K.STATS + len(FlowStats._fields)]))

    def bump(self, **added: int) -> None:
        """Add to the counters (``FlowStats`` names)."""
        for key, n in added.items():
            self.ist[K.STATS + FlowStats._fields.index(key)] += n


class FlowSolution(NamedTuple):
    """How a run ended, its counters and its saved states."""

    status: TrajectoryStatus
    message: str
    stats: FlowStats
    saved: SavedStates


@dataclass(frozen=True, eq=False)
class FlowDriver:
    """Integrates a :class:`DualODE` from s = 0 with ``step``, ``controller`` and, where
    exact, ``plateau`` steps (None: RODAS4 steps only), checked by ``guard``. A list as
    ``step_log`` receives the error norm of every RODAS4 step attempted, in order (inf:
    not finite). ``explicit`` allows DOPRI5 steps where the flow is not stiff (the
    switching rule of :mod:`._kernels_explicit`)."""

    ode: DualODE
    step: RosenbrockStep
    controller: PredictiveController
    plateau: PlateauStepper | None
    guard: DescentGuard
    rules: StopRules
    step_log: list | None = None
    explicit: bool = True

    def run(self, progress=None) -> FlowSolution:
        """Integrate until converged, ``tau_max``, the step limit or solver failure."""
        saved = SavedStates(self.ode, progress)
        state = self._start(saved, progress is not None)
        log = np.empty(0 if self.step_log is None else self.rules.max_steps)
        return self._loop(state, saved, log)

    def _loop(self, state: FlowState, saved: SavedStates, log: np.ndarray) -> FlowSolution:
        """Call the compiled loop, and take plateau steps, until the run stops."""
        ode = self.ode
        while True:
            state.ist[K.N_SAVED] = saved.n
            code = K.run_loop(
                ode.geo, self.step.coefficients, DOPRI5, self.step.parameters, *state[2:4],
                *state[:2],
                state.vec, saved.rows, log,
            )  # fmt: skip
            saved.n = int(state.ist[K.N_SAVED])
            if state.ist[K.VERSION] != ode.version:
                ode.rebased()
                state.ist[K.VERSION] = ode.version
            saved.report()
            if code == K.STOPPED:
                if self.step_log is not None:
                    self.step_log.extend(log[: state.ist[K.N_LOGGED]].tolist())
                return FlowSolution(*self._outcome(state), state.stats, saved)
            if code == K.GROW:
                saved.grow()
            elif code == K.PLATEAU:
                self._plateau_step(state, saved)

    def _start(self, saved: SavedStates, progress: bool) -> FlowState:
        ode, rules = self.ode, self.rules
        n, d = ode.X.shape
        sigma = np.zeros(d)
        r = ode.X @ ode.beta(sigma) - ode.y
        g = r @ ode.X / n
        saved.append(0.0, sigma, r)
        grad_max = float(np.max(np.abs(g[ode.live]), initial=0.0))
        # time for s to move by 1, or the fastest relaxation (trace of the Jacobian) if
        # sooner (scale-free: invariant under X -> aX, y -> by)
        stiffness = ode.lam * float(ode.dbeta(sigma) @ ode.col_norm**2) / n
        tau_unit = 1.0 / max(grad_max, stiffness, np.finfo(float).tiny)
        fs = np.full(13, np.nan)
        fs[[K.TAU, K.H, K.RES_NORM, K.GRAD_MAX, K.TAU_UNIT]] = (
            *(0.0, 1e-2 * tau_unit, float(np.linalg.norm(r)), grad_max, tau_unit),
        )
        fs[[K.H_ACC, K.E_ACC, K.FAC]] = 1.0, 1.0, FAC_MAX
        ist = np.zeros(K.METHOD + 1, dtype=np.int64)
        ist[K.TRY_PLATEAU], ist[K.VERSION], ist[K.N_GRAD] = 1, ode.version, 1
        tau_max = np.inf if rules.tau_max is None else rules.tau_max
        cf = np.array([*(self.guard.rtol, self.guard.atol, rules.grad_threshold, tau_max)])
        cf = np.append(cf, [self.controller.exponent, 1.0 / 5.0])  # RODAS4, DOPRI5
        ci = np.array(
            [rules.max_steps, self.plateau is not None, progress, _kernels_step.BLAS_MIN],
            dtype=np.int64,
        )
        ci = np.append(ci, int(self.explicit))
        power = np.full(n, 1.0 / np.sqrt(n))  # the power iteration's start (unit vector)
        vec = (sigma, r, ode.lam * g, np.zeros(d, dtype=np.bool_), ode.base, power)
        return FlowState(fs, ist, cf, ci, vec)

    def _outcome(self, state: FlowState) -> tuple[TrajectoryStatus, str]:
        """The status and message of a run that stopped."""
        fs, code, stats = state.fs, state.ist[K.OUTCOME], state.stats
        rules, tau = self.rules, float(state.fs[K.TAU])
        if code == K.OUTCOME_CONVERGED:
            message = (
                f"converged at tau = {tau:.6g}: max|grad L| = {fs[K.GRAD_MAX]:.3g} <= "
                f"{rules.grad_threshold:.3g} {stats.summary()}"
            )
            return TrajectoryStatus.CONVERGED, message
        if code == K.OUTCOME_TAU_MAX:
            return TrajectoryStatus.REACHED_TAU_MAX, (
                f"reached tau_max = {rules.tau_max:g} {stats.summary()}"
            )
        if code == K.OUTCOME_STEP_LIMIT:
            message = (
                f"stopped at max_steps = {rules.max_steps} at tau = {tau:.6g} before converging"
            )
            return TrajectoryStatus.STEP_LIMIT, message
        if code == K.OUTCOME_SMALL:
            message = (
                f"step size {fs[K.H_SMALL]:.3g} too small at tau = {tau:.6g} after "
                f"{stats.n_steps} steps: the flow could not be resolved (non-finite stages?)"
            )
            return TrajectoryStatus.SOLVER_FAILED, message
        check = LossCheck(False, float(fs[K.G_OLD]), float(fs[K.G_NEW]), float(fs[K.G_ALLOWED]))
        return TrajectoryStatus.SOLVER_FAILED, check.message(tau)

    def _plateau_step(self, state: FlowState, saved: SavedStates) -> None:
        """A plateau step if one is exact to tolerance and descends (else the loop resumes
        with a RODAS4 step)."""
        ode, tau_max, fs = self.ode, self.rules.tau_max, state.fs
        sigma, r, rate = state.vec[:3]
        tau = float(fs[K.TAU])
        state.ist[K.TRY_PLATEAU] = 0
        left = None if tau_max is None else tau_max - tau
        jump = self.plateau.step(sigma.copy(), r.copy(), float(fs[K.H]), tau, left)
        if jump is None:
            state.ist[K.RESUME] = 1
            return
        state.bump(n_steps=1)
        arrays = ActiveArrays(ode, jump.awake)
        check = self.guard.check(float(fs[K.RES_NORM]), jump.sigma, jump.r, arrays)
        if not check.passed:  # its assumptions failed: RODAS4 steps go on
            state.bump(n_plateau_discarded=1)
            state.ist[K.RESUME] = 1
            return
        sigma[:] = ode.rebase(jump.sigma)
        state.ist[K.VERSION] = ode.version
        r[:] = jump.r
        rate[:] = jump.rate
        saved.append(tau + jump.dtau, sigma, r)
        fs[[K.TAU, K.RES_NORM, K.H]] = tau + jump.dtau, check.new, jump.h_next
        fs[K.GRAD_MAX] = K.grad_max(
            *(ode.geo, r, arrays.idx, rate, False, self.rules.grad_threshold, ode.lam),
            _kernels_step.BLAS_MIN,
        )
        state.ist[K.HAS_ACC] = 0  # no prediction across a plateau step
        state.bump(n_accepted=1, n_plateau_steps=1, n_grad_evals=1)


def flow_driver(ode: DualODE, *, rtol: float, atol: float, rules: StopRules) -> FlowDriver:
    """The driver of ``gradient_flow``: RODAS4, the predictive controller, plateau steps and
    the descent guard, all at the dimensionless tolerances ``rtol`` and ``atol``."""
    step = RosenbrockStep(ode, rtol=rtol, atol=atol)
    return FlowDriver(
        ode,
        step,
        PredictiveController(step.tableau.order_embedded),
        PlateauStepper(ode, rtol=rtol, atol=atol, grad_threshold=rules.grad_threshold),
        DescentGuard(ode, rtol=rtol, atol=atol),
        rules,
    )
