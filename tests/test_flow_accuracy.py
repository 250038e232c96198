"""The finite-α flow is accurate to rtol at any α and any data scale, and never climbs.

Regression tests of issue 8, part 3: mid-plateau error grew like λ·rtol (3e-4 at
α = e^{-230000}); on X·1e50 the loss climbed from 0.25 to 1e226 under ``STEP_LIMIT``;
``u0 = v0 = 0`` ran to τ = 2e16 instead of being rejected.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from saddlepath.analysis import find_plateaus
from saddlepath.diagonal import saddle_path
from saddlepath.diagonal.flow import FlowSolverWarning, gradient_flow, integrate
from saddlepath.diagonal.flow.driver import flow_driver
from saddlepath.diagonal.flow.step import RODAS4, RosenbrockStep
from saddlepath.diagonal.trajectory import TrajectoryStatus

RTOL = 1e-8  # the default rtol of gradient_flow


def _sparse_problem(n=50, d=100, k=5, seed=0):
    """The flow benchmark's problem: five jumps, well separated (see ``_bias_exponents``)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta = np.zeros(d)
    beta[:k] = rng.choice([-1.0, 1.0], k) * (1.0 + rng.random(k))
    return X, X @ beta


def _bias_exponents(path, X):
    r"""Per plateau k, E_k/λ such that the finite-α flow is within ~e^{-E_k} of saddle k at
    mid-plateau τ_m: sleeping coordinates are below :math:`e^{-2\lambda(1 - |s_i(\tau_m)|)}`,
    and since the jump at τ_k the support has relaxed at rate ≥ λμ (μ = 2 min|β_B| times the
    smallest eigenvalue of X_BᵀX_B/n) and the entering coordinates grew at rate 2λ|g_i|."""
    n, out = X.shape[0], []
    for k in range(1, len(path.tau) - 1):
        start, mid = path.tau[k], 0.5 * (path.tau[k] + path.tau[k + 1])
        coef, s = path.beta[k], path.dual_at(mid)
        supp = np.flatnonzero(coef)
        gap = 1.0 - np.max(np.abs(np.delete(s, supp)))
        mu = 2 * np.min(np.abs(coef[supp])) * np.linalg.eigvalsh(X[:, supp].T @ X[:, supp] / n)[0]
        grow = 2 * np.min(np.abs(path.gradient[k - 1][list(path.entered[k])]), initial=np.inf)
        out.append(min(2 * gap, (mid - start) * min(mu, grow)))
    return np.array(out)


def _mid_plateau_errors(traj, path):
    errs = []
    for k in range(1, len(path.tau) - 1):
        mid = 0.5 * (path.tau[k] + path.tau[k + 1])
        errs.append(np.max(np.abs(traj.at(mid) - path.beta[k])) / np.max(np.abs(path.beta[k])))
    return np.array(errs)


@pytest.mark.parametrize(
    "spec",
    [
        {"alpha": "1e-1000"},
        {"alpha": "1e-10000"},
        {"log_alpha": -2.3e5},
        {"log_alpha": -1e6},
    ],
)
def test_mid_plateau_error_is_flat_in_alpha(spec):
    X, y = _sparse_problem()
    path = saddle_path(X, y)
    traj = gradient_flow(X, y, **spec)
    assert traj.status is TrajectoryStatus.CONVERGED
    # the oracle: the exact saddles, valid because the flow's distance to them at
    # mid-plateau is below e^{-40} < 1e-17 here (100x below the tolerance with any constant)
    assert len(path.tau) - 2 == 4
    assert np.min(_bias_exponents(path, X)) * traj.time_scale >= 40.0
    errs = _mid_plateau_errors(traj, path)
    assert np.max(errs) <= 10 * RTOL, errs


def direct_uv(X, y, alpha, t_eval):
    """du/dt = -grad L * v, dv/dt = -grad L * u from u = sqrt(2) alpha, v = 0 (DOP853)."""
    n, d = X.shape

    def rhs(_, w):
        u, v = w[:d], w[d:]
        g = (X @ (u * v) - y) @ X / n
        return np.concatenate([-g * v, -g * u])

    w0 = np.concatenate([np.full(d, math.sqrt(2) * alpha), np.zeros(d)])
    sol = solve_ivp(
        rhs, (0, t_eval[-1]), w0, method="DOP853", t_eval=t_eval, rtol=1e-12, atol=1e-14 * alpha
    )
    assert sol.success
    return (sol.y[:d] * sol.y[d:]).T


def test_mid_plateau_at_1e_minus_10_matches_direct_integration():
    # at alpha = 1e-10 the flow is far from the saddles (lambda = 23): compare with the
    # (u, v) flow itself, integrated directly at rtol = 1e-12
    X, y = _sparse_problem()
    path = saddle_path(X, y)
    traj = gradient_flow(X, y, alpha=1e-10)
    mids = 0.5 * (path.tau[1:-1] + path.tau[2:])
    ref = direct_uv(X, y, 1e-10, traj.time_scale * mids)
    err = np.max(np.abs(traj.at(mids) - ref), axis=1) / np.max(np.abs(ref), axis=1)
    assert np.max(_mid_plateau_errors(traj, path)) > 1e-3  # not near the limit: a real test
    assert np.max(err) <= 10 * RTOL, err


def _climbs(loss):
    """Largest relative rise of the loss between saved states."""
    return float(np.max(np.diff(loss) / np.maximum(loss[:-1], 1e-300), initial=0.0))


@pytest.mark.parametrize("instance", ["worked", "sparse"])
def test_large_scale_data_descends_and_matches_the_lazy_closed_form(instance):
    # X * 1e50 at alpha = 1e-10 is the flow on (X, y) from alpha' = 1e15: so large that S
    # stays ~1e-31 and beta = alpha^2 sinh 2S = 2 alpha^2 S to 1e-60. Then gamma = 1e50 beta
    # solves d gamma/dt = -2 alpha^2 1e100 X^T (X gamma - y)/n exactly:
    # gamma(t) = V (1 - exp(-2 alpha^2 1e100 e t)) V^T X^+ y with X^T X/n = V diag(e) V^T.
    # (the worked example is the case: its loss climbed from 0.25 to 1.6e31)
    if instance == "worked":
        X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    else:
        X, y = _sparse_problem(5, 7, 2)
    a, alpha = 1e50, 1e-10
    traj = gradient_flow(X * a, y, alpha=alpha)
    assert traj.status is TrajectoryStatus.CONVERGED
    assert _climbs(traj.loss) <= 1e-12
    e, V = np.linalg.eigh(X.T @ X / X.shape[0])
    target = V.T @ np.linalg.pinv(X) @ y
    rate = 2 * alpha**2 * a**2 * traj.t[:, None] * e  # t = lambda tau, ~1e-80 * 1e80
    gamma = (V @ (-np.expm1(-rate) * target).T).T
    np.testing.assert_allclose(a * traj.beta, gamma, rtol=0, atol=10 * RTOL * np.max(np.abs(gamma)))
    assert np.max(np.abs(X @ gamma[-1] - y)) < 1e-6  # it did reach the interpolator


@pytest.mark.parametrize(("a", "b"), [(1e50, 1.0), (1e-60, 1e30), (1e3, 1e-100)])
def test_global_scaling_maps_the_flow_in_accelerated_time(a, b):
    # flow(aX, by; alpha) = (b/a) flow(X, y; alpha sqrt(a/b)) at tau' = ab tau lambda/lambda'
    X, y = _sparse_problem(20, 40, 3, seed=2)
    log_alpha = -700.0
    scaled = gradient_flow(X * a, y * b, log_alpha=log_alpha)
    log_alpha_ref = log_alpha + 0.5 * math.log(a / b)
    ref = gradient_flow(X, y, log_alpha=log_alpha_ref, rtol=1e-11, atol=1e-13)
    assert scaled.status is ref.status is TrajectoryStatus.CONVERGED
    assert _climbs(scaled.loss) <= 1e-12
    factor = a * b * scaled.time_scale / ref.time_scale
    tau = np.linspace(0.0, min(scaled.tau[-1], ref.tau[-1] / factor), 501)
    expected = ref.at(tau * factor) * (b / a)
    assert len(find_plateaus(ref)) >= 3  # a real path, not the trivial answer
    np.testing.assert_allclose(
        scaled.at(tau), expected, rtol=0, atol=20 * RTOL * np.max(np.abs(expected))
    )


def test_a_step_that_raises_the_loss_stops_the_run_with_a_warning(monkeypatch):
    # a deliberately wrong integrator (3x every step) with error control switched off
    broken = dataclasses.replace(RODAS4, B=3.0 * RODAS4.B)

    def broken_driver(ode, *, rtol, atol, rules):
        step = RosenbrockStep(ode, rtol=1e6 * rtol, atol=1e6 * atol, tableau=broken)
        return dataclasses.replace(flow_driver(ode, rtol=rtol, atol=atol, rules=rules), step=step)

    monkeypatch.setattr(integrate, "flow_driver", broken_driver)
    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    with pytest.warns(FlowSolverWarning, match="the loss rose in a step"):
        traj = gradient_flow(X, np.array([1.0, 0.0]), alpha=1e-10)
    assert traj.status is TrajectoryStatus.SOLVER_FAILED and not traj.status.success
    assert "the loss rose in a step" in traj.message
    assert _climbs(traj.loss) <= 1e-12  # what was kept is a descent


@pytest.mark.parametrize(("u0", "v0"), [(0.0, 0.0), (np.zeros(4), 0.0), (0.0, [0, 0, 0, 0])])
def test_zero_initialisation_is_rejected(u0, v0):
    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    with pytest.raises(ValueError, match=r"`u0` and `v0` .* critical point .* u0 = sqrt\(2\)"):
        gradient_flow(X, np.array([1.0, 0.0]), alpha=1e-10, u0=u0, v0=v0)


def test_frozen_coordinates_do_not_stop_convergence():
    # u0_i = v0_i = 0 keeps coordinate i at 0 forever; the rest converges to the fit
    X, y = np.eye(3), np.array([1.0, -2.0, 0.5])
    traj = gradient_flow(X, y, alpha=1e-3, u0=[np.sqrt(2), 0.0, np.sqrt(2)])
    assert traj.status is TrajectoryStatus.CONVERGED
    assert np.all(traj.beta[:, 1] == 0.0)
    np.testing.assert_allclose(traj.beta[-1], [1.0, 0.0, 0.5], rtol=1e-6)


def test_zero_atol_is_a_pure_relative_tolerance():
    # atol = 0 used to fail at tau = 0 (0/0 in the error norm of a coordinate that cannot
    # move yet) with SOLVER_FAILED and no warning
    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    traj = gradient_flow(X, np.array([1.0, 0.0]), alpha="1e-1000", atol=0.0)
    assert traj.status is TrajectoryStatus.CONVERGED
    np.testing.assert_allclose(traj.beta[-1], [0, 0, 10 / 7, -10 / 49], rtol=0, atol=1e-7)


def test_flow_reports_progress_in_increasing_tau():
    """``progress(tau)`` is called once per saved point, with the trajectory's own times."""
    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    y = np.array([1.0, 0.0])
    seen = []
    traj = gradient_flow(X, y, alpha=1e-30, progress=seen.append)
    np.testing.assert_array_equal(seen, traj.tau)
    with pytest.raises(TypeError, match="`progress` parameter of gradient_flow"):
        gradient_flow(X, y, alpha=1e-30, progress=3)
