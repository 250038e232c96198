r"""Semi-analytic plateau steps of the exact flow (private).

Split the coordinates into a *big* set B and the *sleeping* rest I. Suppose

1. B sits at its restricted least-squares optimum :math:`\beta_B^\infty =
   \arg\min\|X_B\beta_B - y\|` to within tolerance: the linearised remaining drift
   :math:`\Delta s_B = (\beta_B^\infty - \beta_B)/(\lambda\,d\beta_B/dS)` is below a tenth
   of the tolerance on every coordinate of B; and
2. the sleeping coordinates stay so small over the step that their contribution, times
   the step (a bound of :math:`\int X_I\beta_I\,d\tau` and of the error of cubic Hermite
   dense output across the step), moves no :math:`s_k` by more than a tenth of its
   tolerance; and the gradient already equals its plateau value to the same accuracy.

Then, with B alone, the residual relaxes to :math:`r^\infty = X_B\beta_B^\infty - y`,
:math:`X_B^\top r^\infty = 0`, and the integrated residual is exactly

.. math::

    R(\tau_0 + \Delta) = R(\tau_0) + \Delta\, r^\infty + X_B c + (\text{a remainder that
    decays like the transient}), \qquad X_B^\top X_B\, c / n = -\Delta s_B,

because :math:`r - r^\infty = X_B(\beta_B - \beta_B^\infty)` lies in the range of
:math:`X_B`. So :math:`s(\tau_0 + \Delta) = s_0 - \Delta\,X^\top r^\infty/n - X^\top X_B
c/n`: every sleeping :math:`s_j` is linear in τ, its weights :math:`w_\pm^2 =
w_\pm(0)^2 e^{\pm 2\lambda s_j}` are exponentials in τ, and the time at which condition 2
would fail has a closed form. One step goes there.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.linalg import cho_solve
from scipy.special import lambertw

from saddlepath.diagonal.flow.ode import DualODE

__all__ = ["PlateauStep", "PlateauStepper"]

FRACTION = 0.1
"""Share of the per-step tolerance given to each of the two neglected effects."""
MIN_GAIN = 2.0
"""A plateau step is taken only if it is at least this many times the proposed RODAS4 step."""
GROWTH_CAP = 1e3
"""A plateau step is at most this many times max(τ, h) (the flow may converge instead)."""
_LOG_HALF = float(np.log(0.5))


def _allowed_time(log_room: np.ndarray, rate: np.ndarray) -> np.ndarray:
    r"""Largest Δ with :math:`\Delta\,\max(1, e^{\rho\Delta}) \le e^{K}` (K = ``log_room``,
    ρ = ``rate``), elementwise: :math:`\Delta = W(\rho e^K)/\rho` (Lambert W) if ρ > 0,
    else :math:`e^K`."""
    out = np.exp(np.minimum(log_room, 700.0))
    grow = rate > 0
    if np.any(grow):
        x = np.log(rate[grow]) + log_room[grow]  # log(rho e^K)
        big = x > 600.0
        w = np.empty_like(x)
        w[~big] = lambertw(np.exp(x[~big])).real
        lx = x[big]
        w[big] = lx - np.log(lx) + np.log(lx) / lx  # W(e^x) for large x
        out[grow] = w / rate[grow]
    return out


def offsets_of(ode: DualODE, beta: np.ndarray, idx: np.ndarray, fallback: np.ndarray):
    r"""Return σ on coordinates ``idx`` with :math:`\beta(\sigma) = ` ``beta`` exactly.

    With :math:`p = w_+^2/2`, :math:`q = w_-^2/2` at σ = 0, :math:`x = e^{2\sigma}` solves
    :math:`p x^2 - \beta x - q = 0`; in log-domain, with
    :math:`t = \log(1 + \sqrt{1 + 4pq/\beta^2})`: :math:`2\sigma = \log\beta + t - \log 2p`
    if β > 0, :math:`2\sigma = \log 2q - \log|\beta| - t` if β < 0 (no cancellation, no
    overflow). Where β = 0 or a weight is zero, ``fallback`` is kept."""
    lp, lm = ode.log_plus[idx], ode.log_minus[idx]
    ok = (beta != 0) & np.isfinite(lp) & np.isfinite(lm)
    with np.errstate(divide="ignore"):
        log_b = np.log(np.abs(beta))
    u = 2.0 * (lp + lm) - 2.0 * log_b  # log(4pq / beta^2)
    t = np.logaddexp(0.0, 0.5 * np.logaddexp(0.0, u))
    two_sigma = np.where(beta > 0, log_b + t - 2.0 * lp, 2.0 * lm - log_b - t)
    return np.where(ok, 0.5 * two_sigma, fallback)


class PlateauStep(NamedTuple):
    r"""The state after a plateau step: offsets σ, residual Xβ − y, the speed of σ on the
    plateau (:math:`\lambda\nabla L`), the step Δτ, the next RODAS4 step size and the
    indices of the non-negligible coordinates after it."""

    sigma: np.ndarray
    r: np.ndarray
    rate: np.ndarray
    dtau: float
    h_next: float
    awake: np.ndarray


class _Optimum(NamedTuple):
    """The big set B, its restricted least-squares optimum, the gradient there and the
    transient's shift of σ/λ (see the module docstring)."""

    big: np.ndarray
    beta: np.ndarray | None
    gradient: np.ndarray
    shift: np.ndarray


class PlateauStepper:
    """Decides whether a plateau step is exact to tolerance, and takes it.

    ``rtol`` and ``atol`` are the tolerances of ``gradient_flow`` (the tolerance on S is
    :meth:`.DualODE.tolerance`); ``grad_threshold`` is the absolute max|∇L| at which the
    run converges (no plateau step then: the RODAS4 steps finish the run)."""

    def __init__(self, ode: DualODE, *, rtol: float, atol: float, grad_threshold: float):
        self.ode = ode
        self.rtol, self.atol, self.grad_threshold = rtol, atol, grad_threshold
        with np.errstate(divide="ignore"):
            self.log_col_norm = np.log(ode.col_norm)

    def step(self, sigma, r, h, tau, tau_left) -> PlateauStep | None:
        """Return the state after one plateau step from ``sigma`` (re-based offsets) with
        residual ``r`` at ``tau``, or None where it would not be exact to tolerance or not
        gain over the RODAS4 step ``h``; ``tau_left`` caps it (None: no cap)."""
        ode = self.ode
        n, d = ode.X.shape
        tol = ode.tolerance(sigma, self.rtol, self.atol) / ode.lam  # on s
        # budget on sum_j |x_j| * int |beta_j| so that no s_k moves more than FRACTION * tol_k
        with np.errstate(divide="ignore"):
            budget = FRACTION * n * float(np.min(tol / ode.col_norm))
        if not budget > 0 or not np.isfinite(budget):
            return None
        z = 2.0 * sigma
        log_w2 = (ode.log_w2_plus + z, ode.log_w2_minus - z)  # log w_+^2, log w_-^2
        log_term = np.log(budget / (2 * d))
        log_big = np.maximum(*log_w2) + self.log_col_norm
        big = np.flatnonzero(log_big > log_term - np.log(max(h, 1e-300)))
        if big.size > n:
            return None
        opt = self._optimum(big, log_w2, tol)
        if opt is None:
            return None
        if float(np.max(np.abs(opt.gradient[ode.live]), initial=0.0)) <= self.grad_threshold:
            return None  # the flow converges on this plateau: the RODAS4 steps finish it
        delta, fastest = self._length(r, opt, log_w2, log_term, tol)
        if tau_left is not None:
            delta = min(delta, tau_left)
        delta = min(delta, GROWTH_CAP * max(h, tau))
        if not delta >= MIN_GAIN * h:
            return None
        return self._take(sigma, opt, delta, fastest)

    def _optimum(self, big, log_w2, tol) -> _Optimum | None:
        """B's optimum, or None if B is (nearly) collinear or not yet at it (drift)."""
        ode = self.ode
        n, d = ode.X.shape
        if not big.size:
            r_inf = -ode.y
            return _Optimum(big, None, r_inf @ ode.X / n, np.zeros(d))
        XB = ode.X[:, big]
        try:
            factor = np.linalg.cholesky(XB.T @ XB)
        except np.linalg.LinAlgError:
            return None
        diag = np.abs(np.diag(factor))
        if diag.min() <= 1e-7 * diag.max():
            return None  # (nearly) collinear support: the optimum is not unique
        beta_inf = cho_solve((factor, True), XB.T @ ode.y)
        e_p, e_m = np.exp(log_w2[0][big] + _LOG_HALF), np.exp(log_w2[1][big] + _LOG_HALF)
        drift = (beta_inf - (e_p - e_m)) / (2.0 * ode.lam * (e_p + e_m))  # Delta s_B
        if np.any(np.abs(drift) > FRACTION * tol[big]):
            return None
        c = cho_solve((factor, True), -n * drift)
        r_inf = XB @ beta_inf - ode.y
        g_inf = (r_inf @ ode.X) / n  # s(tau0 + D) = s - D g_inf - shift
        return _Optimum(big, beta_inf, g_inf, ((XB @ c) @ ode.X) / n)

    def _length(self, r, opt: _Optimum, log_w2, log_term, tol):
        """The longest Δτ over which conditions 2 hold, and the fastest sleeping rate."""
        ode = self.ode
        g_inf, shift = opt.gradient, opt.shift
        g = (r @ ode.X) / ode.n_samples
        # dense output (Hermite with the slopes at both ends) stays exact only if the
        # gradient is already g_inf to within the tolerance over the whole step
        with np.errstate(divide="ignore"):
            delta = float(np.min(FRACTION * tol / np.abs(g - g_inf)))
        sleep = np.ones(g.shape, dtype=bool)
        sleep[opt.big] = False
        # each sleeping weight w^2 = exp(log_w2 + rho tau) (+ the bounded transient shift)
        margin = 2.0 * ode.lam * np.abs(shift[sleep])
        rate = (2.0 * ode.lam) * g_inf[sleep]
        base = self.log_col_norm[sleep] + margin
        delta = min(
            delta,
            float(np.min(_allowed_time(log_term - base - log_w2[0][sleep], -rate), initial=np.inf)),
            float(np.min(_allowed_time(log_term - base - log_w2[1][sleep], rate), initial=np.inf)),
        )
        return delta, float(np.max(np.abs(rate), initial=0.0))

    def _take(self, sigma, opt: _Optimum, delta: float, fastest: float) -> PlateauStep | None:
        """The state after the step (None if its residual is not finite)."""
        ode = self.ode
        sigma_new = sigma - ode.lam * (delta * opt.gradient + opt.shift)
        if opt.big.size:  # B at its optimum exactly, not to first order (end slopes)
            sigma_new[opt.big] = offsets_of(ode, opt.beta, opt.big, sigma_new[opt.big])
        awake = np.flatnonzero(ode.awake(sigma_new))
        r_new = ode.X[:, awake] @ ode.beta(sigma_new[awake], awake) - ode.y
        if not np.isfinite(r_new @ r_new):
            return None
        h_next = min(delta, 1.0 / fastest) if fastest > 0 else delta
        return PlateauStep(sigma_new, r_new, ode.lam * opt.gradient, delta, h_next, awake)
