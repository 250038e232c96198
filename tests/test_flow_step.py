"""Tests of the flow's parts: the RODAS4 step that runs, its linear solve and Jacobian, the
step-size controller, the descent guard, and the counters the driver reports."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from rosenbrock_tableaus import RODAS5P
from saddlepath.diagonal.flow import gradient_flow, integrate
from saddlepath.diagonal.flow.active_set import ActiveArrays, ActiveSetSolve
from saddlepath.diagonal.flow.controller import FAC_MAX, FAC_MIN, PredictiveController
from saddlepath.diagonal.flow.driver import flow_driver
from saddlepath.diagonal.flow.guard import DescentGuard
from saddlepath.diagonal.flow.ode import DualODE
from saddlepath.diagonal.flow.step import JACOBIAN_SHARE, RODAS4, RosenbrockStep
from saddlepath.diagonal.model import initialisation
from saddlepath.diagonal.trajectory import TrajectoryStatus

X_WORKED = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
Y_WORKED = np.array([1.0, 0.0])
X_ONE, Y_ONE = np.array([[1.0], [2.0], [0.5]]), np.array([0.5, 1.2, 0.1])


def logistic(x, y, alpha, t):
    """d = 1 closed form for u0 = v0 = 1 (w_- = 0): beta' = 2 beta (x.y - |x|^2 beta)/n."""
    n = len(y)
    target, rate = (x @ y) / (x @ x), 2.0 * (x @ y) / n
    log_ratio = math.log(target) - 2.0 * math.log(alpha)  # log(beta*/beta_0), beta_0 = alpha^2
    return target / (1.0 + np.exp(log_ratio - rate * t) - np.exp(-rate * t))


def _fixed_steps(tableau, n_steps, tau_end=1.0):
    """Integrate the d = 1 flow from alpha = 0.05 with n_steps equal steps of the step that
    gradient_flow runs; return the error of beta(tau_end) against the closed form."""
    ode = DualODE(X_ONE, Y_ONE, initialisation(1, alpha=0.05, u0=1.0, v0=1.0))
    step = RosenbrockStep(ode, rtol=1e-8, atol=1e-10, tableau=tableau)
    arrays = ActiveArrays(ode, np.array([0]))
    sigma = np.zeros(1)
    r = X_ONE @ ode.beta(sigma) - Y_ONE
    for _ in range(n_steps):
        out = step(sigma, r, arrays, tau_end / n_steps)
        sigma, r = out.sigma, out.r
    np.testing.assert_allclose(r, X_ONE @ ode.beta(sigma) - Y_ONE, rtol=1e-12)
    return abs(ode.beta(sigma)[0] - logistic(X_ONE[:, 0], Y_ONE, 0.05, tau_end * ode.lam))


@pytest.mark.parametrize(("tableau", "low", "high"), [(RODAS4, -4.6, -3.5), (RODAS5P, -5.6, -4.5)])
def test_observed_order_of_the_step_that_runs(tableau, low, high):
    steps = [8, 16, 32, 64]
    errors = [_fixed_steps(tableau, n) for n in steps]
    slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert errors[0] > 1e-7  # the coarse run is really inaccurate
    assert low < slope < high  # RODAS4 is of order 4, Rodas5P of order 5


def test_error_estimate_is_of_the_embedded_order_and_rejects_long_steps():
    ode = DualODE(X_ONE, Y_ONE, initialisation(1, alpha=0.05, u0=1.0, v0=1.0))
    step = RosenbrockStep(ode, rtol=1e-8, atol=1e-10)
    arrays, sigma = ActiveArrays(ode, np.array([0])), np.zeros(1)
    r = X_ONE @ ode.beta(sigma) - Y_ONE
    hs = np.array([0.01, 0.005, 0.0025, 0.00125])
    errors = [step(sigma, r, arrays, h).error for h in hs]
    slope = np.polyfit(np.log(hs), np.log(errors), 1)[0]
    assert 3.5 < slope < 4.6  # local error of the order-3 embedded solution: h^4
    assert step(sigma, r, arrays, 0.04).error > 1.0 > errors[-1]  # long steps are rejected


@pytest.mark.parametrize("shape", [(3, 5), (4, 12), (0, 4)])  # dense, Woodbury, empty
def test_active_set_solve_matches_dense_solve(shape):
    m, n = shape
    rng = np.random.default_rng(1)
    U, b = rng.standard_normal((n, m)), rng.standard_normal(n)
    x = ActiveSetSolve(U)(b)
    np.testing.assert_allclose((np.eye(len(b)) + U @ U.T) @ x, b, atol=1e-12)


def test_dropped_jacobian_columns_stay_within_their_share_of_rtol():
    X, y = np.eye(3), np.ones(3)
    step = RosenbrockStep(DualODE(X, y, initialisation(3, alpha=1e-3)), rtol=1e-6, atol=1e-9)
    budget = JACOBIAN_SHARE * 1e-6
    weight = np.array([1.0, 0.3 * budget, 2.0, 0.5 * budget, 0.4 * budget, 1e-30])
    kept = step.kept_columns(weight)
    dropped = np.setdiff1d(np.arange(weight.size), kept)
    assert weight[dropped].sum() <= budget  # the matrix moves by at most the budget
    assert dropped.tolist() == [1, 4, 5]  # the smallest first, until the budget is spent
    assert step.kept_columns(np.full(4, 2 * budget)) is None  # nothing small: keep all


def test_controller_follows_gustafsson_and_caps_growth_after_a_rejection():
    ctrl = PredictiveController(order_embedded=3)  # exponent 1/4
    h1, state = ctrl.accept(1.0, 0.5, ctrl.init())
    assert h1 == pytest.approx(0.9 * 2**0.25)  # no history: 0.9 / err^(1/4)
    # with history (h_acc = 1, err_acc = 0.5): min(0.9/e^q, (h/h_acc) 0.9 (err_acc/e^2)^q)
    h2, state = ctrl.accept(h1, 0.25, state)
    expected = h1 * min(0.9 / 0.25**0.25, h1 * 0.9 * (0.5 / 0.25**2) ** 0.25)
    assert h2 == pytest.approx(expected)
    assert ctrl.accept(1.0, 1e-30, ctrl.init())[0] == FAC_MAX  # growth capped
    h_rej, state = ctrl.reject(1.0, 1e8, state)
    assert h_rej == FAC_MIN  # shrink floored
    assert ctrl.accept(1.0, 1e-30, state)[0] == 1.0  # no growth right after a rejection
    assert ctrl.restart(state).h_accepted is None and ctrl.reject(2.0, np.inf, state)[0] == 0.4


def test_descent_guard_allows_rounding_and_stops_a_climb():
    X, y = X_WORKED, Y_WORKED
    ode = DualODE(X, y, initialisation(4, alpha=1e-3))
    guard = DescentGuard(ode, rtol=1e-8, atol=1e-10)
    arrays, sigma = ActiveArrays(ode, np.arange(4)), np.zeros(4)
    r = X @ ode.beta(sigma) - y
    rho = float(np.linalg.norm(r))
    assert guard.check(rho, sigma, r, arrays).passed
    assert guard.check(rho, sigma, r * (1 + 1e-12), arrays).passed  # within the allowance
    climb = guard.check(rho, sigma, 1.1 * r, arrays)
    assert not climb.passed and rho < climb.allowed < 1.1 * rho
    assert "the loss rose in a step at tau = 2.5" in climb.message(2.5)
    assert not guard.check(rho, sigma, np.full(2, np.nan), arrays).passed


@pytest.mark.parametrize(
    "kwargs",
    [
        {"alpha": "1e-300"},
        {"alpha": 1e-10, "tau_max": 3.0},
        {"alpha": 1e-10, "max_steps": 5},
        {"log_alpha": -1e5},
    ],
)
def test_stats_count_the_steps_that_ran(monkeypatch, kwargs):
    calls = []  # the error norm of every step (RODAS4 or DOPRI5) the compiled loop attempted

    def logged_driver(ode, **options):
        return dataclasses.replace(flow_driver(ode, **options), step_log=calls)

    monkeypatch.setattr(integrate, "flow_driver", logged_driver)
    traj = gradient_flow(X_WORKED, Y_WORKED, **kwargs)
    s = traj.stats
    plateau_attempts = s["n_plateau_steps"] + s["n_plateau_discarded"]
    assert len(calls) == s["n_steps"] - plateau_attempts > 0  # gradient_flow ran this step
    assert (
        s["n_steps"] == s["n_accepted"] + s["n_rejected"] + s["n_redone"] + s["n_plateau_discarded"]
    )
    assert s["n_rejected"] == sum(not err <= 1.0 for err in calls)
    assert s["n_accepted"] == len(traj.tau) - 1  # one saved state per accepted step
    assert s["n_grad_evals"] == 1 + RODAS4.stages * len(calls) + s["n_plateau_steps"]
    if traj.status is TrajectoryStatus.STEP_LIMIT:
        assert s["n_steps"] == kwargs["max_steps"]
    else:  # the message is written from the counters
        assert f"after {s['n_steps']} steps ({s['n_rejected']} rejected, " in traj.message
        assert f"{s['n_plateau_steps']} plateau steps)" in traj.message
