"""The adaptive step loop of ``gradient_flow`` (private): attempt, accept/reject, record."""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._dual_ode import DualODE
from saddlepath.diagonal._recorder import Recorder
from saddlepath.diagonal._rosenbrock import GAMMA, ORDER_EMBEDDED, ActiveSetSolve, rodas4_step
from saddlepath.diagonal.trajectory import TrajectoryStatus

FAC_MAX, FAC_MIN, SAFETY = 6.0, 0.2, 0.9
_EXPONENT = -1.0 / (ORDER_EMBEDDED + 1)


class FlowLoop:
    """Integrates a :class:`DualODE` with RODAS4 and error control on the dual s."""

    def __init__(self, ode: DualODE, rec: Recorder, *, rtol, atol, gtol, tau_max, max_steps):
        self.ode, self.rec = ode, rec
        self.rtol, self.atol, self.gtol = rtol, atol, gtol
        self.tau_max, self.max_steps = tau_max, max_steps
        self.n_evals = self.n_attempts = self.n_rejected = 0

    def _record(self, tau, s, r, g) -> None:
        lp, lm = self.ode.log_weights(s)
        loss = 0.5 * float(r @ r) / self.ode.n_samples
        self.rec.add(self.ode.lam * tau, s, lp, lm, self.ode.beta(s), g, loss)

    def _start(self):
        ode = self.ode
        s = np.zeros(ode.X.shape[1])
        r = ode.X @ ode.beta(s) - ode.y
        g = r @ ode.X / ode.n_samples
        self.n_evals += 1
        self._record(0.0, s, r, g)
        return s, r, g

    def _attempt(self, s, r, active, h):
        """One RODAS4 step; returns (s_new, r_new, g_new, error norm) or None if not finite."""
        ode, n = self.ode, self.ode.n_samples
        X_active, s_active = ode.X[:, active], s[active]
        scale = np.sqrt(h * GAMMA * ode.lam * ode.dbeta(s_active, active) / n)
        solve = ActiveSetSolve(X_active * scale)

        def residual(dR):
            self.n_evals += 1
            return ode.residual(X_active, s_active - (dR @ X_active) / n, active)

        out = rodas4_step(residual, r, solve, h)
        if out is None:
            return None
        dR, err_R = out
        r_new = residual(dR)
        if r_new is None:
            return None
        moved = np.column_stack([dR, err_R, r_new]).T @ ode.X / n  # the one pass over X
        s_new = s - moved[0]
        bound = self.atol + self.rtol * np.maximum(np.abs(s), np.abs(s_new))
        err = float(np.max(np.abs(moved[1]) / bound))
        return (s_new, r_new, moved[2], err) if np.isfinite(err) else None

    def _stop(self, tau, g, tau_unit):
        if float(np.max(np.abs(g))) <= self.gtol:
            return TrajectoryStatus.CONVERGED, (
                f"converged at tau = {tau:.6g}: max|grad L| = {np.max(np.abs(g)):.3g} <= "
                f"{self.gtol:.3g} after {self.n_attempts} steps ({self.n_rejected} rejected)"
            )
        if self.tau_max is not None and tau >= self.tau_max * (1 - 4 * np.finfo(float).eps):
            return TrajectoryStatus.REACHED_TAU_MAX, (
                f"reached tau_max = {self.tau_max:g} after {self.n_attempts} steps "
                f"({self.n_rejected} rejected)"
            )
        if self.n_attempts >= self.max_steps:
            return TrajectoryStatus.STEP_LIMIT, (
                f"stopped at max_steps = {self.max_steps} at tau = {tau:.6g} before converging"
            )
        return None

    def run(self):
        """Integrate until converged, ``tau_max``, the step limit or solver failure."""
        s, r, g = self._start()
        tau, tau_unit = 0.0, 1.0 / max(float(np.max(np.abs(g))), np.finfo(float).tiny)
        h, fac_max = 1e-2 * tau_unit, FAC_MAX
        woken = np.zeros(s.shape, dtype=bool)
        while (stop := self._stop(tau, g, tau_unit)) is None:
            if self.tau_max is not None:
                h = min(h, self.tau_max - tau)
            if h < 8 * np.finfo(float).eps * max(tau, tau_unit):
                return TrajectoryStatus.SOLVER_FAILED, (
                    f"step size {h:.3g} too small at tau = {tau:.6g} after {self.n_attempts} "
                    "steps: the flow could not be resolved (non-finite stages?)"
                )
            active = np.flatnonzero(self.ode.awake(s, h * g) | woken)
            self.n_attempts += 1
            out = self._attempt(s, r, active, h)
            if out is not None and out[3] <= 1.0:
                late = self.ode.awake(out[0])
                late[active] = False
                if late.any():  # an accurate step woke a dropped coordinate: redo with it
                    woken |= late
                    continue
            if out is None or out[3] > 1.0:
                err = np.inf if out is None else out[3]
                h *= max(FAC_MIN, SAFETY * err**_EXPONENT)
                fac_max, self.n_rejected = 1.0, self.n_rejected + 1
                continue
            s, r, g, err = out
            tau += h
            self._record(tau, s, r, g)
            woken[:] = False
            h *= min(fac_max, max(FAC_MIN, SAFETY * err**_EXPONENT if err > 0 else fac_max))
            fac_max = FAC_MAX
        return stop
