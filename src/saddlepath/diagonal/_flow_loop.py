"""The adaptive step loop of ``gradient_flow`` (private): attempt, accept/reject, record.

Two kinds of steps, both exact to the requested tolerance:

* RODAS4 steps (``_rosenbrock.py``) on the integrated residual, with linear solves of the
  size of the active set; the stage loop is inlined here on arrays cached per active set.
* Plateau steps (``_plateau_step.py``): when the non-negligible coordinates sit at their
  restricted least-squares optimum and every other coordinate stays below rounding, the flow
  is linear in τ up to a known transient, and one step reaches the time at which the first
  sleeping coordinate wakes.

Step sizes follow Gustafsson's predictive controller (as in Hairer & Wanner's ``rodas.f``).
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._dual_ode import DualODE
from saddlepath.diagonal._plateau_step import PlateauStepper
from saddlepath.diagonal._rosenbrock import RODAS4, ActiveSetSolve
from saddlepath.diagonal.trajectory import TrajectoryStatus

FAC_MAX, FAC_MIN, SAFETY = 6.0, 0.2, 0.9
METHOD = RODAS4
"""RODAS4, not Rodas5P: at the same rtol Rodas5P takes ~40% fewer right-hand sides, but its
error estimate is less conservative, so its actual errors are ~10x larger and matching
RODAS4's accuracy costs as much (measured on the d = 1 closed form and the benchmark)."""
TOL_SCALE = 1.0
"""Internal factor on (rtol, atol) (for measurements)."""
PLATEAU_STEPS = True
"""Take semi-analytic plateau steps where they are exact (tests switch them off)."""
_LOG_HALF = float(np.log(0.5))
JACOBIAN_SHARE = 1e-2
r"""Share of the step tolerance ``rtol`` that the Jacobian may drop: the columns of U with
the smallest squared norms :math:`c_i = h\gamma\lambda\,(d\beta_i/dS)\|x_i\|^2/n` are
left out of :math:`I + UU^\top` while :math:`\sum c_i \le` ``JACOBIAN_SHARE``·rtol. The
matrix then moves by at most that much in norm (its eigenvalues are ≥ 1), so every stage
of the step moves by at most that relative amount — two orders below the tolerance."""
_DOUBLED_MAX = 2**14
"""Largest n·|A| for which the stage residuals use the doubled active matrices."""
_PLATEAU_ERR = 0.05
"""An accepted RODAS4 step with a smaller error norm than this invites a plateau step."""


class _ActiveArrays:
    r"""Arrays of one active set, cached while the set does not change.

    With :math:`z = 2\lambda s_A`, :math:`\beta_A = e^{c_+ + z} - e^{c_- - z}`, so the
    residual of a stage is ``X_A @ (e[:m] - e[m:]) - y`` with ``e = exp(C2 + [z, -z])``,
    and z moves by ``dR @ W``, ``W = -2λ X_A / n``. Small active sets use the doubled
    ``[X_A, -X_A]`` and ``[W, -W]`` instead (two NumPy calls per stage rather than six; for
    large ones the doubled matrices cost more memory traffic than the calls they save).
    """

    __slots__ = ("C2", "W", "W2", "XA", "XA2", "col_norm2", "idx", "key", "m")

    def __init__(self, ode: DualODE, idx: np.ndarray) -> None:
        self.idx = idx
        self.key = idx.tobytes()
        self.m = idx.size
        n = ode.n_samples
        self.XA = np.ascontiguousarray(ode.X[:, idx])
        self.W = self.XA * (-2.0 * ode.lam / n)
        self.XA2 = self.W2 = None
        if n * self.m <= _DOUBLED_MAX:
            self.XA2 = np.hstack((self.XA, -self.XA))
            self.W2 = np.hstack((self.W, -self.W))
        self.C2 = np.concatenate((ode.log_w2_plus[idx], ode.log_w2_minus[idx])) + _LOG_HALF
        self.col_norm2 = np.einsum("ij,ij->j", self.XA, self.XA)

    def residual_at(self, zc0: np.ndarray, y: np.ndarray):
        r"""Return ``dR -> X_A beta_A - y`` at :math:`R + \Delta R`, from ``zc0 = C2 + [z, -z]``."""
        XA, W, m = self.XA, self.W, self.m
        if self.XA2 is not None:
            XA2, W2 = self.XA2, self.W2
            return lambda dR: XA2 @ np.exp(zc0 + dR @ W2) - y

        def residual(dR):
            dz = dR @ W
            half_w2 = np.exp(zc0 + np.concatenate((dz, -dz)))
            return XA @ (half_w2[:m] - half_w2[m:]) - y

        return residual


class FlowLoop:
    """Integrates a :class:`DualODE` with RODAS4 and plateau steps; error control on s."""

    def __init__(self, ode: DualODE, *, rtol, atol, gtol, tau_max, max_steps):
        self.ode = ode
        self.rtol, self.atol, self.gtol = rtol, atol, gtol
        self.tau_max, self.max_steps = tau_max, max_steps
        self.n_evals = self.n_attempts = self.n_rejected = self.n_plateau_steps = 0
        self.taus: list[float] = []
        self.duals: list[np.ndarray] = []
        self.residuals: list[np.ndarray] = []
        self._cache: _ActiveArrays | None = None
        self.method = METHOD
        self.tol_scale = TOL_SCALE
        self.exponent = 1.0 / (METHOD.order_embedded + 1)
        self.plateau = PlateauStepper(ode, rtol=rtol, atol=atol, gtol=gtol)

    # -- bookkeeping -------------------------------------------------------------------
    def _record(self, tau, s, r) -> None:
        """Save a state; gradients are formed for all saved points at once in ``arrays``."""
        if self.taus and tau <= self.taus[-1]:
            return
        self.taus.append(float(tau))
        self.duals.append(s)
        self.residuals.append(r)

    def _start(self):
        ode = self.ode
        s = np.zeros(ode.X.shape[1])
        r = ode.X @ ode.beta(s) - ode.y
        g = r @ ode.X / ode.n_samples
        self.n_evals += 1
        self._record(0.0, s, r)
        return s, r, g

    def _arrays(self, active: np.ndarray) -> _ActiveArrays:
        cache = self._cache
        if cache is None or cache.idx.shape != active.shape or cache.key != active.tobytes():
            cache = self._cache = _ActiveArrays(self.ode, active)
        return cache

    def _gradient_if_small(self, r, ds_rate) -> float | None:
        """``max|grad L|`` if it may be below ``gtol`` (one pass over X), else None.

        Cheap screens first: the gradient on the active set, and the last step's mean
        slope of s (= −mean gradient) everywhere."""
        cache = self._cache
        if (
            cache is not None
            and cache.m
            and float(np.max(np.abs(r @ cache.XA))) > (self.gtol * self.ode.n_samples)
        ):
            return None
        if ds_rate is not None and float(np.max(np.abs(ds_rate))) > 4.0 * self.gtol:
            return None
        return float(np.max(np.abs(r @ self.ode.X))) / self.ode.n_samples

    # -- one RODAS4 step ---------------------------------------------------------------
    def _stiff_columns(self, weight: np.ndarray) -> np.ndarray | None:
        """Columns of U kept in the Jacobian (None: all), see ``JACOBIAN_SHARE``."""
        budget = JACOBIAN_SHARE * self.rtol * self.tol_scale
        if weight.size == 0 or float(np.min(weight)) > budget:
            return None
        order = np.argsort(weight)
        dropped = int(np.searchsorted(np.cumsum(weight[order]), budget, side="right"))
        return np.sort(order[dropped:])

    def _attempt(self, s, r, active, h):
        """One Rosenbrock step; returns (s_new, r_new, ds, error norm) or None if not finite.

        Stages are not checked one by one: a non-finite stage propagates to the error norm.
        """
        ode, n = self.ode, self.ode.n_samples
        arr = self._arrays(active)
        m = arr.m
        z0 = (2.0 * ode.lam) * s[active]
        zc0 = arr.C2 + np.concatenate((z0, -z0))
        half_w2 = np.exp(zc0)  # w_+^2 / 2 and w_-^2 / 2
        dbeta = half_w2[:m] + half_w2[m:]  # (d beta / dS) / 2
        tab = self.method
        A, GC, B, stages = tab.A, tab.GC, tab.B, tab.stages
        scale = (2.0 * h * tab.gamma * ode.lam / n) * dbeta  # squared column scales of U
        stiff = self._stiff_columns(scale * arr.col_norm2)
        if stiff is None:
            solve = ActiveSetSolve(arr.XA * np.sqrt(scale))
        else:
            solve = ActiveSetSolve(arr.XA[:, stiff] * np.sqrt(scale[stiff]))
        hg = h * tab.gamma
        ks = np.empty((stages, n))
        ks[0] = solve(hg * r)
        residual = arr.residual_at(zc0, ode.y)
        for i in range(1, stages):
            ks[i] = solve(GC[i, :i] @ ks[:i] + hg * residual(A[i, :i] @ ks[:i]))
        dR = B @ ks
        ri = residual(dR)
        self.n_evals += stages
        X = ode.X
        ds = dR @ X  # the passes over X: two matrix-vector products
        ds *= 1.0 / n
        s_new = s - ds
        bound = np.maximum(np.abs(s), np.abs(s_new))
        bound *= n * self.rtol * self.tol_scale
        bound += n * self.atol * self.tol_scale
        err = float(np.max(np.abs(ks[-1] @ X) / bound))
        return (s_new, ri, ds, err) if np.isfinite(err) else None

    # -- stopping ----------------------------------------------------------------------
    def _stop(self, tau, gmax):
        if gmax is not None and gmax <= self.gtol:
            return TrajectoryStatus.CONVERGED, (
                f"converged at tau = {tau:.6g}: max|grad L| = {gmax:.3g} <= "
                f"{self.gtol:.3g} after {self.n_attempts} steps ({self.n_rejected} rejected, "
                f"{self.n_plateau_steps} plateau steps)"
            )
        if self.tau_max is not None and tau >= self.tau_max * (1 - 4 * np.finfo(float).eps):
            return TrajectoryStatus.REACHED_TAU_MAX, (
                f"reached tau_max = {self.tau_max:g} after {self.n_attempts} steps "
                f"({self.n_rejected} rejected, {self.n_plateau_steps} plateau steps)"
            )
        if self.n_attempts >= self.max_steps:
            return TrajectoryStatus.STEP_LIMIT, (
                f"stopped at max_steps = {self.max_steps} at tau = {tau:.6g} before converging"
            )
        return None

    def run(self):
        """Integrate until converged, ``tau_max``, the step limit or solver failure."""
        ode = self.ode
        s, r, g = self._start()
        gmax = float(np.max(np.abs(g)))
        tau, tau_unit = 0.0, 1.0 / max(gmax, np.finfo(float).tiny)
        h, fac_max = 1e-2 * tau_unit, FAC_MAX
        h_acc = err_acc = None  # last accepted step and error (predictive controller)
        rate = g  # about ds/dtau = -grad L: the last step's mean slope (for look-ahead)
        try_plateau = True
        woken = np.zeros(s.shape, dtype=bool)
        while (stop := self._stop(tau, gmax)) is None:
            if try_plateau and PLATEAU_STEPS:
                try_plateau = False
                left = None if self.tau_max is None else self.tau_max - tau
                jump = self.plateau.step(s, r, h, tau, left)
                if jump is not None:
                    self.n_attempts += 1
                    self.n_plateau_steps += 1
                    self.n_evals += 1
                    s, r, rate, dtau, h = jump
                    tau += dtau
                    self._record(tau, s, r)
                    h_acc = err_acc = None
                    gmax = self._gradient_if_small(r, None)
                    continue
            if self.tau_max is not None:
                h = min(h, self.tau_max - tau)
            if h < 8 * np.finfo(float).eps * max(tau, tau_unit):
                return TrajectoryStatus.SOLVER_FAILED, (
                    f"step size {h:.3g} too small at tau = {tau:.6g} after {self.n_attempts} "
                    "steps: the flow could not be resolved (non-finite stages?)"
                )
            active = np.flatnonzero(ode.awake(s, h * rate) | woken)
            self.n_attempts += 1
            out = self._attempt(s, r, active, h)
            if out is not None and out[3] <= 1.0:
                late = ode.awake(out[0])
                late[active] = False
                if late.any():  # an accurate step woke a dropped coordinate: redo with it
                    woken |= late
                    continue
            if out is None or out[3] > 1.0:
                err = np.inf if out is None else out[3]
                h *= max(FAC_MIN, min(1.0, SAFETY / err**self.exponent))
                fac_max, self.n_rejected = 1.0, self.n_rejected + 1
                continue
            s, r, ds, err = out
            rate = ds / h
            tau += h
            self._record(tau, s, r)
            gmax = self._gradient_if_small(r, rate)
            woken[:] = False
            # Gustafsson's predictive controller (rodas.f): the smaller of the two factors
            fac = SAFETY / max(err, 1e-10) ** self.exponent
            if h_acc is not None:
                fac = min(
                    fac, (h / h_acc) * SAFETY * (err_acc / max(err, 1e-10) ** 2) ** self.exponent
                )
            h_acc, err_acc = h, max(1e-2, err)
            h *= min(fac_max, max(FAC_MIN, fac))
            fac_max = FAC_MAX
            try_plateau = err <= _PLATEAU_ERR
        return stop

    def arrays(self) -> dict[str, np.ndarray]:
        """The saved states as the arrays of a :class:`Trajectory` (computed in one batch)."""
        ode = self.ode
        tau = np.asarray(self.taus, dtype=float)
        dual = np.asarray(self.duals, dtype=float).reshape(len(tau), -1)
        lp, lm = ode.log_weights(dual)
        res = np.asarray(self.residuals, dtype=float).reshape(len(tau), -1)
        return {
            "t": tau * ode.lam,
            "tau": tau,
            "beta": ode.beta(dual),
            "dual": dual,
            "gradient": (res @ ode.X) / ode.n_samples,
            "loss": 0.5 * np.einsum("ij,ij->i", res, res) / ode.n_samples,
            "log_abs_w_plus": lp,
            "log_abs_w_minus": lm,
        }
