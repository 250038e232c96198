r"""The flow's driver: one typed loop state, advanced by RODAS4 and plateau steps (private).

The state (:class:`FlowState`) holds the re-based offsets σ = S − λc of :mod:`.ode`
(error control on σ, see ``DualODE.tolerance``), the residual, the step size and the
controller's memory, the counters, and the run's outcome once it stops. Each pass of the
loop first checks the stopping rules (:class:`StopRules`), then advances by

* a plateau step (:mod:`.plateau`) when the last RODAS4 step was very accurate and one is
  exact to tolerance: the non-negligible coordinates sit at their restricted least-squares
  optimum, every other coordinate stays below rounding, and one step reaches the time at
  which the first sleeping coordinate wakes; or else
* a RODAS4 step (:mod:`.step`) on the integrated residual, with linear solves of the size
  of the active set; its size comes from the controller (:mod:`.controller`). A step that
  woke a coordinate left out of the active set is redone with it.

Every accepted step must not raise the loss (:mod:`.guard`); the ODE's re-basing
(``DualODE.rebase``) is the one piece of state kept outside :class:`FlowState`, in the ODE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from saddlepath.diagonal.flow.active_set import ActiveArrays, arrays_for
from saddlepath.diagonal.flow.controller import ControllerState, PredictiveController
from saddlepath.diagonal.flow.guard import DescentGuard
from saddlepath.diagonal.flow.ode import EPS, DualODE
from saddlepath.diagonal.flow.plateau import PlateauStepper
from saddlepath.diagonal.flow.saved import SavedStates
from saddlepath.diagonal.flow.stats import FlowStats
from saddlepath.diagonal.flow.step import RosenbrockStep, StepResult
from saddlepath.diagonal.trajectory import TrajectoryStatus

__all__ = ["FlowDriver", "FlowSolution", "FlowState", "StopRules", "flow_driver"]

PLATEAU_ERROR = 0.05
"""An accepted RODAS4 step with a smaller error norm than this invites a plateau step."""


class StopRules(NamedTuple):
    """When a run stops: max|∇L| over the coordinates that can move at or below
    ``grad_threshold`` (absolute, in units of ∇L), τ at ``tau_max`` (None: no limit), or
    ``max_steps`` attempted steps."""

    grad_threshold: float
    tau_max: float | None
    max_steps: int


class FlowState(NamedTuple):
    """The loop state between two steps."""

    tau: float
    """Accelerated time reached."""
    sigma: np.ndarray
    """Re-based offsets σ = S − λc (the bases c live in the ODE)."""
    r: np.ndarray
    """Residual Xβ − y."""
    res_norm: float
    """‖r‖ of the last accepted state (the descent guard's reference)."""
    grad_max: float | None
    """max|∇L| over live coordinates if it may be below the threshold, else None."""
    rate: np.ndarray
    """About −dσ/dτ: the last step's mean slope (look-ahead of waking coordinates)."""
    h: float
    """Size of the next RODAS4 step."""
    tau_unit: float
    """The run's time unit: the first step is 1% of it, and a step below
    8ε·max(τ, tau_unit) ends the run as a failure."""
    controller: ControllerState
    try_plateau: bool
    """Whether to try a plateau step next (after a very accurate RODAS4 step)."""
    woken: np.ndarray | None
    """Coordinates that woke in a step that is being redone (None: none)."""
    arrays: ActiveArrays | None
    """Arrays of the last active set used (a cache; screens the convergence test)."""
    stats: FlowStats
    outcome: tuple[TrajectoryStatus, str] | None = None
    """Status and message once the run has stopped."""


class FlowSolution(NamedTuple):
    """How a run ended, its counters and its saved states."""

    status: TrajectoryStatus
    message: str
    stats: FlowStats
    saved: SavedStates


@dataclass(frozen=True, eq=False)
class FlowDriver:
    """Integrates a :class:`DualODE` from s = 0 with ``step``, ``controller`` and, where
    exact, ``plateau`` steps (None: RODAS4 steps only), checked by ``guard``."""

    ode: DualODE
    step: RosenbrockStep
    controller: PredictiveController
    plateau: PlateauStepper | None
    guard: DescentGuard
    rules: StopRules

    def run(self, progress=None) -> FlowSolution:
        """Integrate until converged, ``tau_max``, the step limit or solver failure."""
        saved = SavedStates(self.ode, progress)
        state = self._start(saved)
        while (state := self._stopped(state)).outcome is None:
            if state.try_plateau and self.plateau is not None:
                state, taken = self._plateau_step(state, saved)
                if taken:
                    continue
            state = self._rosenbrock_step(state, saved)
        return FlowSolution(*state.outcome, state.stats, saved)

    def _start(self, saved: SavedStates) -> FlowState:
        ode = self.ode
        sigma = np.zeros(ode.X.shape[1])
        r = ode.X @ ode.beta(sigma) - ode.y
        g = r @ ode.X / ode.n_samples
        saved.append(0.0, sigma, r)
        grad_max = float(np.max(np.abs(g[ode.live]), initial=0.0))
        # time for s to move by 1, or the fastest relaxation (trace of the Jacobian) if
        # sooner (scale-free: invariant under X -> aX, y -> by)
        stiffness = ode.lam * float(ode.dbeta(sigma) @ ode.col_norm**2) / ode.n_samples
        tau_unit = 1.0 / max(grad_max, stiffness, np.finfo(float).tiny)
        return FlowState(
            *(0.0, sigma, r, float(np.linalg.norm(r)), grad_max, ode.lam * g, 1e-2 * tau_unit),
            *(tau_unit, self.controller.init(), True, None, None, FlowStats(n_grad_evals=1)),
        )

    def _stopped(self, state: FlowState) -> FlowState:
        """The state with its outcome set if a stopping rule holds."""
        rules, stats, tau = self.rules, state.stats, state.tau
        if state.outcome is not None:
            return state
        if state.grad_max is not None and state.grad_max <= rules.grad_threshold:
            message = (
                f"converged at tau = {tau:.6g}: max|grad L| = {state.grad_max:.3g} <= "
                f"{rules.grad_threshold:.3g} {stats.summary()}"
            )
            return state._replace(outcome=(TrajectoryStatus.CONVERGED, message))
        if rules.tau_max is not None and tau >= rules.tau_max * (1 - 4 * EPS):
            message = f"reached tau_max = {rules.tau_max:g} {stats.summary()}"
            return state._replace(outcome=(TrajectoryStatus.REACHED_TAU_MAX, message))
        if stats.n_steps >= rules.max_steps:
            message = (
                f"stopped at max_steps = {rules.max_steps} at tau = {tau:.6g} before converging"
            )
            return state._replace(outcome=(TrajectoryStatus.STEP_LIMIT, message))
        return state

    def _grad_max(self, r, rate, arrays: ActiveArrays) -> float | None:
        """``max|grad L|`` if it may be at or below the threshold (one pass over X), else
        None. Cheap screens first: the gradient on the active set, and the last step's mean
        slope of σ (= −λ·mean gradient) everywhere (``rate``; None: skip)."""
        ode, threshold = self.ode, self.rules.grad_threshold
        if arrays.m and float(np.max(np.abs(r @ arrays.XA))) > (threshold * ode.n_samples):
            return None
        if rate is not None and float(np.max(np.abs(rate[ode.live]))) > 4.0 * threshold * ode.lam:
            return None
        return float(np.max(np.abs(r @ ode.X)[ode.live], initial=0.0)) / ode.n_samples

    def _plateau_step(self, state: FlowState, saved: SavedStates) -> tuple[FlowState, bool]:
        """The state after a plateau step that is exact to tolerance and descends, and
        whether one was taken."""
        ode, tau_max = self.ode, self.rules.tau_max
        left = None if tau_max is None else tau_max - state.tau
        jump = self.plateau.step(state.sigma, state.r, state.h, state.tau, left)
        if jump is None:
            return state, False
        stats = state.stats.bump(n_steps=1)
        arrays = arrays_for(ode, jump.awake, state.arrays)
        check = self.guard.check(state.res_norm, jump.sigma, jump.r, arrays)
        if not check.passed:  # its assumptions failed: RODAS4 steps go on
            return state._replace(arrays=arrays, stats=stats.bump(n_plateau_discarded=1)), False
        tau = state.tau + jump.dtau
        sigma = ode.rebase(jump.sigma)
        saved.append(tau, sigma, jump.r)
        return state._replace(
            tau=tau,
            sigma=sigma,
            r=jump.r,
            res_norm=check.new,
            grad_max=self._grad_max(jump.r, None, arrays),
            rate=jump.rate,
            h=jump.h_next,
            controller=self.controller.restart(state.controller),
            try_plateau=False,
            arrays=arrays,
            stats=stats.bump(n_accepted=1, n_plateau_steps=1, n_grad_evals=1),
        ), True

    def _rosenbrock_step(self, state: FlowState, saved: SavedStates) -> FlowState:
        """The state after one RODAS4 step: accepted, rejected (smaller h), to be redone
        (a coordinate woke), or failed (h below the resolution of τ, or the loss rose)."""
        ode, tau, h = self.ode, state.tau, state.h
        if self.rules.tau_max is not None:
            h = min(h, self.rules.tau_max - tau)
        if h < 8 * EPS * max(tau, state.tau_unit):
            message = (
                f"step size {h:.3g} too small at tau = {tau:.6g} after {state.stats.n_steps} "
                "steps: the flow could not be resolved (non-finite stages?)"
            )
            return state._replace(outcome=(TrajectoryStatus.SOLVER_FAILED, message))
        awake = ode.awake(state.sigma, h * state.rate)
        active = np.flatnonzero(awake if state.woken is None else awake | state.woken)
        arrays = arrays_for(ode, active, state.arrays)
        out = self.step(state.sigma, state.r, arrays, h)
        stages = self.step.tableau.stages
        if out is None or out.error > 1.0:
            err = np.inf if out is None else out.error
            h, controller = self.controller.reject(h, err, state.controller)
            stats = state.stats.rosenbrock(stages, "n_rejected")
            return state._replace(
                h=h, controller=controller, try_plateau=False, arrays=arrays, stats=stats
            )
        late = ode.awake(out.sigma)
        late[active] = False
        if late.any():  # an accurate step woke a dropped coordinate: redo with it
            woken = late if state.woken is None else state.woken | late
            stats = state.stats.rosenbrock(stages, "n_redone")
            return state._replace(h=h, try_plateau=False, woken=woken, arrays=arrays, stats=stats)
        check = self.guard.check(state.res_norm, out.sigma, out.r, arrays)
        if not check.passed:
            outcome = (TrajectoryStatus.SOLVER_FAILED, check.message(tau))
            return state._replace(
                outcome=outcome, stats=state.stats.rosenbrock(stages, "n_rejected")
            )
        return self._accept(state, out, h, arrays, check.new, saved)

    def _accept(self, state, out: StepResult, h, arrays, res_norm, saved) -> FlowState:
        """The state after an accepted RODAS4 step of size ``h``."""
        rate, tau = out.dsigma / h, state.tau + h
        sigma = self.ode.rebase(out.sigma)
        saved.append(tau, sigma, out.r)
        h_next, controller = self.controller.accept(h, out.error, state.controller)
        return FlowState(
            tau,
            sigma,
            out.r,
            res_norm,
            self._grad_max(out.r, rate, arrays),
            rate,
            h_next,
            state.tau_unit,
            controller,
            out.error <= PLATEAU_ERROR,  # try a plateau step next
            None,  # nothing woken
            arrays,
            state.stats.rosenbrock(self.step.tableau.stages, "n_accepted"),
        )


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
