"""Tests of the exact finite-α gradient flow of diagonal networks."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from saddlepath.analysis import find_plateaus
from saddlepath.diagonal.flow import gradient_flow, integrate
from saddlepath.diagonal.flow.driver import flow_driver
from saddlepath.diagonal.flow.plateau import PlateauStepper
from saddlepath.diagonal.trajectory import TrajectoryStatus

X_WORKED = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
Y_WORKED = np.array([1.0, 0.0])
SADDLES_WORKED = np.array(
    [[0.0] * 4, [0.8, 0.0, 0.0, 0.0], [0.0, 0.0, 1.4, 0.0], [0.0, 0.0, 10 / 7, -10 / 49]]
)
JUMPS_WORKED = np.array([0.0, 2.0, 8.0, 8.0 + 160 / 49])


def logistic(x, y, alpha, t):
    """d = 1 closed form for u0 = v0 = 1 (w_- = 0): beta' = 2 beta (x.y - |x|^2 beta)/n."""
    n = len(y)
    target, rate = (x @ y) / (x @ x), 2.0 * (x @ y) / n
    log_ratio = math.log(target) - 2.0 * math.log(alpha)  # log(beta*/beta_0), beta_0 = alpha^2
    return target / (1.0 + np.exp(log_ratio - rate * t) - np.exp(-rate * t))


def direct_uv(X, y, alpha, u0, v0, t_eval):
    """Integrate du/dt = -grad L * v, dv/dt = -grad L * u directly (moderate alpha only)."""
    n, d = X.shape

    def rhs(_, w):
        u, v = w[:d], w[d:]
        g = (X @ (u * v) - y) @ X / n
        return np.concatenate([-g * v, -g * u])

    w0 = np.concatenate([alpha * np.broadcast_to(u0, d), alpha * np.broadcast_to(v0, d)])
    sol = solve_ivp(  # atol in units of alpha: the weights start at that scale
        rhs, (0, t_eval[-1]), w0, method="DOP853", t_eval=t_eval, rtol=1e-12, atol=1e-14 * alpha
    )
    return sol.y[:d].T, sol.y[d:].T


def test_closed_form_for_one_feature():
    x, y = np.array([[1.0], [2.0], [0.5]]), np.array([0.5, 1.2, 0.1])
    traj = gradient_flow(x, y, alpha=1e-100, u0=1.0, v0=1.0)
    assert traj.status is TrajectoryStatus.CONVERGED
    exact = logistic(x[:, 0], y, 1e-100, traj.t)
    assert exact[-1] > 0.5  # the jump happened: not the trivial answer
    np.testing.assert_allclose(traj.beta[:, 0], exact, rtol=1e-6, atol=1e-12 * exact[-1])
    tau = np.linspace(0.0, traj.tau[-1], 777)  # dense output between saved points
    exact_dense = logistic(x[:, 0], y, 1e-100, tau * traj.time_scale)
    np.testing.assert_allclose(traj.at(tau)[:, 0], exact_dense, rtol=1e-5, atol=1e-8)


def test_beta_is_alpha_squared_sinh_and_matches_direct_uv_integration():
    alpha = 1e-2
    traj = gradient_flow(X_WORKED, Y_WORKED, alpha=alpha, tau_max=4.0)
    lam = traj.time_scale
    np.testing.assert_allclose(
        traj.beta, alpha**2 * np.sinh(2 * lam * traj.dual), rtol=1e-12, atol=1e-300
    )
    u_ref, v_ref = direct_uv(X_WORKED, Y_WORKED, alpha, math.sqrt(2), 0.0, traj.t)
    assert np.max(np.abs(u_ref * v_ref)) > 0.3
    np.testing.assert_allclose(traj.beta, u_ref * v_ref, atol=1e-7)
    np.testing.assert_allclose(traj.u, u_ref, atol=1e-7)
    np.testing.assert_allclose(traj.v, v_ref, atol=1e-7)


@pytest.mark.parametrize(
    ("u0", "v0"),
    [
        (math.sqrt(2), 1.0),  # the thesis's v0 = gamma
        (np.array([0.0, 1.0, 2.0, 1.0]), np.array([1.0, -1.0, 0.0, 0.0])),  # zeros, mixed signs
        (np.array([1.0, -0.5, 0.3, 2.0]), np.array([-1.0, 0.7, 0.3, -2.0])),  # w_+ or w_- = 0
    ],
)
def test_initialisation_variants_match_direct_integration(u0, v0):
    alpha = 0.1
    traj = gradient_flow(X_WORKED, Y_WORKED, alpha=alpha, u0=u0, v0=v0, tau_max=3.0)
    assert traj.status is TrajectoryStatus.REACHED_TAU_MAX
    u_ref, v_ref = direct_uv(X_WORKED, Y_WORKED, alpha, u0, v0, traj.t)
    np.testing.assert_allclose(traj.u, u_ref, atol=1e-7)
    np.testing.assert_allclose(traj.v, v_ref, atol=1e-7)
    np.testing.assert_allclose(traj.beta[0], alpha**2 * np.broadcast_to(u0 * v0, 4), atol=1e-15)


def test_flow_at_1e_minus_300_is_within_1e_6_of_each_saddle_mid_plateau():
    traj = gradient_flow(X_WORKED, Y_WORKED, alpha="1e-300")
    assert traj.status is TrajectoryStatus.CONVERGED
    middles = 0.5 * (JUMPS_WORKED[1:-1] + JUMPS_WORKED[2:])
    for tau, saddle in zip(middles, SADDLES_WORKED[1:3], strict=True):
        err = np.max(np.abs(traj.at(tau) - saddle)) / np.max(np.abs(saddle))
        assert err < 1e-6, (tau, err)
    np.testing.assert_allclose(traj.beta[-1], SADDLES_WORKED[-1], rtol=1e-6, atol=1e-12)
    assert np.max(np.abs(traj.at(1.0))) < 1e-200  # first plateau: still at the origin
    # plateaus: origin + three saddles, each exact jump time between two of them
    plateaus = find_plateaus(traj)
    assert len(plateaus) == 4
    assert np.all(plateaus.tau_end[:3] < JUMPS_WORKED[1:])
    assert np.all(JUMPS_WORKED[1:] < plateaus.tau_start[1:])
    np.testing.assert_allclose(plateaus.beta, SADDLES_WORKED, atol=1e-6)


def test_agrees_with_the_exact_path_module():
    saddle_path = pytest.importorskip("saddlepath.diagonal").saddle_path
    path = saddle_path(X_WORKED, Y_WORKED)
    traj = gradient_flow(X_WORKED, Y_WORKED, log_alpha=-1e4)
    for k in range(1, len(path.tau) - 1):
        mid = 0.5 * (path.tau[k] + path.tau[k + 1])
        np.testing.assert_allclose(traj.at(mid), path.beta[k], atol=1e-8)


@pytest.mark.parametrize("spec", [{"alpha": "1e-10000"}, {"log_alpha": -1e5}])
def test_extreme_scales_run_and_cost_does_not_grow(spec):
    small = gradient_flow(X_WORKED, Y_WORKED, alpha=1e-10)
    tiny = gradient_flow(X_WORKED, Y_WORKED, **spec)
    assert tiny.status is TrajectoryStatus.CONVERGED
    np.testing.assert_allclose(tiny.beta[-1], SADDLES_WORKED[-1], atol=1e-7)
    assert tiny.stats["n_grad_evals"] <= 2 * small.stats["n_grad_evals"]
    assert np.all(np.isfinite(tiny.log_abs_u)) and np.all(np.isfinite(tiny.dual))


def test_error_decreases_with_rtol():
    x, y = np.array([[1.0], [2.0], [0.5]]), np.array([0.5, 1.2, 0.1])
    errs = []
    rtols = [1e-4, 1e-6, 1e-8]
    for rtol in rtols:
        traj = gradient_flow(x, y, alpha=1e-30, u0=1.0, v0=1.0, rtol=rtol, atol=rtol * 1e-2)
        exact = logistic(x[:, 0], y, 1e-30, traj.t)
        errs.append(np.max(np.abs(traj.beta[:, 0] - exact)))
    slope = np.polyfit(np.log(rtols), np.log(errs), 1)[0]
    assert errs[-1] < 1e-6 and 0.5 < slope < 1.5


def test_identical_columns_keep_equal_weights():
    X = np.column_stack([X_WORKED[:, 0], X_WORKED])
    traj = gradient_flow(X, Y_WORKED, alpha=1e-50, tau_max=5.0)
    np.testing.assert_allclose(traj.beta[:, 0], traj.beta[:, 1], rtol=1e-10, atol=1e-300)
    assert traj.beta[-1, 0] == pytest.approx(0.4, rel=1e-6)  # 0.8 shared equally


def test_stopping_statuses():
    traj = gradient_flow(X_WORKED, Y_WORKED, alpha=1e-10, tau_max=3.0)
    assert traj.status is TrajectoryStatus.REACHED_TAU_MAX and traj.tau[-1] == pytest.approx(3)
    traj = gradient_flow(X_WORKED, Y_WORKED, alpha=1e-10, max_steps=5)
    assert traj.status is TrajectoryStatus.STEP_LIMIT and "max_steps = 5" in traj.message
    traj = gradient_flow(X_WORKED, np.zeros(2), alpha=1e-10)
    assert traj.status is TrajectoryStatus.CONVERGED and len(traj.t) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": [[np.inf, 1.0]], "y": [1.0]}, ValueError, "`X` contains NaN"),
        ({"y": [[1.0], [0.0]]}, ValueError, r"`y` must be 1-dimensional.*y.ravel\(\)"),
        ({"alpha": 1.0}, ValueError, "alpha < 1"),
        ({"alpha": 0.0}, ValueError, "`alpha` parameter of gradient_flow must be > 0"),
        ({"alpha": "1e-1000 "}, None, None),  # surrounding spaces are fine
        ({"alpha": "tiny"}, ValueError, "could not be parsed"),
        ({"alpha": None, "log_alpha": 0.5}, ValueError, "`log_alpha` .* alpha < 1"),
        ({"alpha": [1e-3]}, TypeError, "`alpha` parameter .* float or a decimal string"),
        ({"rtol": 0.0}, ValueError, "`rtol` parameter of gradient_flow"),
        ({"tau_max": -1.0}, ValueError, "`tau_max` parameter"),
        ({"max_steps": 0}, ValueError, "`max_steps` parameter"),
        ({"u0": [1.0, 2.0]}, ValueError, "`u0` must be a scalar or have shape"),
    ],
)
def test_error_messages(kwargs, error, match):
    args = {"X": X_WORKED, "y": Y_WORKED, "alpha": 1e-3, "tau_max": 0.5}
    args.update(kwargs)
    X, y = args.pop("X"), args.pop("y")
    if error is None:
        assert gradient_flow(X, y, **args).status is TrajectoryStatus.REACHED_TAU_MAX
        return
    with pytest.raises(error, match=match):
        gradient_flow(X, y, **args)


def test_at_rejects_times_outside_the_run():
    traj = gradient_flow(X_WORKED, Y_WORKED, alpha=1e-3, tau_max=1.0)
    with pytest.raises(ValueError, match="`tau` must lie in the saved range"):
        traj.at(2.0)
    np.testing.assert_allclose(traj.at(traj.tau), traj.beta, rtol=1e-13, atol=1e-300)


def _random_instance(seed=3, n=20, d=40):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta = np.zeros(d)
    beta[:3] = [1.5, -1.0, 2.0]
    return X, X @ beta


def _n_plateau_steps(traj):
    return traj.stats["n_plateau_steps"]


def _without_plateau_steps(ode, **kwargs):
    """The driver of gradient_flow with RODAS4 steps only."""
    return dataclasses.replace(flow_driver(ode, **kwargs), plateau=None)


@pytest.mark.parametrize("alpha", ["1e-10", "1e-100", "1e-1000"])
@pytest.mark.parametrize("instance", ["worked", "random"])
def test_plateau_steps_agree_with_forced_small_step_integration(monkeypatch, instance, alpha):
    taken = []  # (tau before, tau after) of every plateau step
    original = PlateauStepper.step

    def spy(self, sigma, r, h, tau, *args):
        out = original(self, sigma, r, h, tau, *args)
        if out is not None:
            taken.append((tau, tau + out.dtau))
        return out

    monkeypatch.setattr(PlateauStepper, "step", spy)
    X, y = (X_WORKED, Y_WORKED) if instance == "worked" else _random_instance()
    traj = gradient_flow(X, y, alpha=alpha)
    assert traj.status is TrajectoryStatus.CONVERGED
    assert len(taken) == _n_plateau_steps(traj) >= 1
    monkeypatch.setattr(integrate, "flow_driver", _without_plateau_steps)
    full = gradient_flow(X, y, alpha=alpha, rtol=1e-10, atol=1e-12)
    for start, end in taken:  # each plateau step against RODAS4 steps across it
        ref = gradient_flow(X, y, alpha=alpha, tau_max=end, rtol=1e-10, atol=1e-12)
        assert _n_plateau_steps(ref) == 0 and ref.status is TrajectoryStatus.REACHED_TAU_MAX
        assert np.count_nonzero(ref.tau > start) >= 1
        k = int(np.searchsorted(traj.tau, end))
        # within the tolerance on s (rtol = 1e-8, |s| <= 1) after the step
        np.testing.assert_allclose(traj.dual[k], ref.dual[-1], rtol=0, atol=1e-8)
    # dense output along the whole run is as accurate as without plateau steps
    plain = gradient_flow(X, y, alpha=alpha)
    q = np.linspace(0.0, min(traj.tau[-1], plain.tau[-1], full.tau[-1]), 2001)
    scale = np.max(np.abs(full.beta))
    err = np.max(np.abs(traj.at(q) - full.at(q))) / scale
    err_plain = np.max(np.abs(plain.at(q) - full.at(q))) / scale
    # two solver errors against each other: a loose factor (the ratio moves with the BLAS
    # kernel); the absolute bound below is the real check
    assert err <= 10.0 * err_plain + 1e-12
    assert err <= 20 * 1e-8  # dense output: relative error of beta ~ rtol at any alpha


@pytest.mark.parametrize("shape", [(6, 12), (40, 500)])  # doubled and plain stage residuals
def test_overparameterised_flow_at_moderate_alpha_matches_direct_uv_integration(shape):
    rng = np.random.default_rng(3)
    d = shape[1]
    X = rng.standard_normal(shape)
    beta = np.zeros(d)
    beta[:3] = [1.0, -2.0, 1.5]
    y = X @ beta
    traj = gradient_flow(X, y, alpha=1e-10)
    assert traj.status is TrajectoryStatus.CONVERGED
    q = np.linspace(0.0, min(3.0, traj.tau[-1]), 301)  # independent: (u, v) integrated directly
    u, v = direct_uv(X, y, 1e-10, np.sqrt(2.0), 0.0, traj.time_scale * q)
    err = np.max(np.abs(traj.at(q) - u * v)) / np.max(np.abs(u * v))
    assert err <= 20 * 1e-8  # beta itself to about rtol (no longer lambda * rtol)
    np.testing.assert_allclose(X @ traj.beta[-1], y, atol=1e-6 * np.max(np.abs(y)))
