"""Tests of exact log-domain gradient descent / SGD on diagonal networks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from saddlepath.analysis import find_plateaus
from saddlepath.diagonal.descent import gradient_descent
from saddlepath.diagonal.descent_result import DivergenceWarning
from saddlepath.diagonal.trajectory import TrajectoryStatus

# Worked example (Zhao et al. 2026; saddlepath.data.worked_example): saddles and jump times.
X_WORKED = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
Y_WORKED = np.array([1.0, 0.0])
SADDLES_WORKED = np.array(
    [[0.8, 0.0, 0.0, 0.0], [0.0, 0.0, 1.4, 0.0], [0.0, 0.0, 10 / 7, -10 / 49]]
)


def plain_float_gd(X, y, eta, alpha, u0, v0, n_steps):
    """Thesis-style GD on (u, v) in float64: the reference the log-domain GD must match."""
    u, v = alpha * np.asarray(u0, float), alpha * np.asarray(v0, float)
    betas = [u * v]
    for _ in range(n_steps):
        g = (X @ (u * v) - y) @ X / len(y)
        u, v = u - eta * g * v, v - eta * g * u
        betas.append(u * v)
    return np.array(betas), u, v


def random_problem(n=5, d=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal(n)


INITS = {
    "pf": (np.sqrt(2.0), 0.0),
    "thesis_v0_1": (np.sqrt(2.0), 1.0),
    "mixed": (np.array([0.0, 0.0, 1.0, 1.0, -1.0, 2.0, 0.5]), np.array([0, 1, 1, -1, 0, 0, 2.0])),
    "random": (np.random.default_rng(5).normal(size=7), np.random.default_rng(6).normal(size=7)),
}


@pytest.mark.parametrize("name", sorted(INITS))
def test_log_domain_gd_equals_plain_float_gd(name):
    X, y = random_problem()
    u0, v0 = INITS[name]
    ref, u_ref, v_ref = plain_float_gd(
        X, y, 0.1, 1e-3, np.broadcast_to(u0, 7), np.broadcast_to(v0, 7), 3000
    )
    traj = gradient_descent(
        X, y, step_size=0.1, alpha=1e-3, u0=u0, v0=v0, n_steps=3000, save_every=1
    )
    assert traj.status is TrajectoryStatus.STEP_LIMIT
    assert traj.beta.shape == ref.shape
    assert np.max(np.abs(ref[-1])) > 0.1  # guard against the trivial zero answer
    scale = np.max(np.abs(ref))
    np.testing.assert_allclose(traj.beta, ref, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(traj.u[-1], u_ref, rtol=0, atol=1e-12 * np.max(np.abs(u_ref)))
    np.testing.assert_allclose(traj.v[-1], v_ref, rtol=0, atol=1e-12 * np.max(np.abs(v_ref)))
    np.testing.assert_allclose(traj.t, 0.1 * np.arange(3001))


def test_gd_at_alpha_1e_minus_1000_follows_the_saddles():
    traj = gradient_descent(X_WORKED, Y_WORKED, step_size=0.5, alpha="1e-1000")
    assert traj.status is TrajectoryStatus.CONVERGED
    lam = 1000 * math.log(10)
    assert traj.time_scale == pytest.approx(lam)
    # plateau 0 is the origin, then the three saddles, in order
    plateaus = find_plateaus(traj)
    assert len(plateaus) == 4
    np.testing.assert_allclose(plateaus.beta[0], 0.0, atol=1e-300)
    np.testing.assert_allclose(plateaus.beta[1:], SADDLES_WORKED, atol=1e-6)
    # first escape: w+ of coordinate 0 grows by (1 + eta|g|) per step, |g| = 0.5, so
    # log|w+| and the log-speed rise linearly in tau from the origin to O(1) at the escape:
    # the half-prominence end of plateau 0 is half the escape time (up to O(1/lambda))
    eta = 0.5
    tau_escape = 1.0 / (math.log1p(eta * 0.5) / eta)
    assert plateaus.tau_end[0] == pytest.approx(tau_escape / 2, abs=0.05)
    assert plateaus.tau_end[0] < tau_escape < plateaus.tau_start[1]
    # log|u| stays finite while u itself underflows to 0 on the first plateau
    assert np.all(np.isfinite(traj.log_abs_u[0]))
    assert np.all(traj.u[0] == 0.0)
    assert traj.log_abs_u[0, 0] == pytest.approx(-lam + 0.5 * math.log(2), rel=1e-14)


def test_alpha_string_is_parsed_exactly_into_log_alpha():
    a = gradient_descent(X_WORKED, Y_WORKED, step_size=0.5, alpha="1e-1000", n_steps=50)
    b = gradient_descent(
        X_WORKED, Y_WORKED, step_size=0.5, log_alpha=-1000 * math.log(10), n_steps=50
    )
    assert a.log_alpha == pytest.approx(-1000 * math.log(10), rel=1e-15)
    np.testing.assert_allclose(a.log_abs_w_plus, b.log_abs_w_plus, rtol=1e-14)


def test_tau_max_and_dual_units():
    traj = gradient_descent(
        X_WORKED, Y_WORKED, step_size=0.1, alpha=1e-10, tau_max=1.0, save_every=1
    )
    assert traj.status is TrajectoryStatus.REACHED_TAU_MAX
    lam = 10 * math.log(10)
    assert traj.tau[-1] >= 1.0 - 1e-12 and traj.tau[-2] < 1.0
    # before any escape the gradient is constant, so s = -tau * grad L(0)
    np.testing.assert_allclose(
        traj.dual[-1], -traj.t[-1] / lam * (-X_WORKED.T @ Y_WORKED / 2), rtol=1e-6, atol=1e-9
    )


def test_sgd_is_reproducible_and_converges():
    X, y = random_problem(n=6, d=12, seed=3)
    runs = [
        gradient_descent(X, y, step_size=0.05, alpha=1e-5, batch_size=2, seed=s, max_steps=200_000)
        for s in (1, 1, 2)
    ]
    assert runs[0].method == "sgd"
    np.testing.assert_array_equal(runs[0].beta, runs[1].beta)
    assert not np.array_equal(runs[0].beta[-1], runs[2].beta[-1])
    for run in runs:  # n < d: the interpolation problem is solved by every seed
        assert run.status is TrajectoryStatus.CONVERGED
        assert run.loss[-1] < 1e-12 * run.loss[0]


def test_divergence_is_a_real_blow_up_with_a_warning():
    """γ = 7 from u₀ = √2γ, v₀ = γ: plain float GD overflows, the library says DIVERGED."""
    with pytest.warns(DivergenceWarning, match="diverged at step"):
        traj = gradient_descent(X_WORKED, Y_WORKED, step_size=0.1, alpha=7.0, v0=1.0)
    assert traj.status is TrajectoryStatus.DIVERGED
    assert not traj.status.success
    assert "left the float range" in traj.message
    step = int(traj.message.split("step ")[1].split(" ")[0])
    with np.errstate(over="ignore", invalid="ignore"):
        ref, _, _ = plain_float_gd(X_WORKED, Y_WORKED, 0.1, 7.0, [2**0.5] * 4, [1.0] * 4, step + 3)
    assert np.all(np.isfinite(ref[:step]))  # the oracle: plain GD really overflows
    assert not np.all(np.isfinite(ref[step + 3])) or np.max(np.abs(ref[step + 3])) > 1e250


def test_divergence_after_some_steps_keeps_the_history():
    X, y = random_problem()
    with pytest.warns(DivergenceWarning):
        traj = gradient_descent(X, y, step_size=1.2, alpha=0.5, save_every=1, max_steps=10_000)
    assert traj.status is TrajectoryStatus.DIVERGED
    step = int(traj.message.split("step ")[1].split(" ")[0])
    # every iterate before the blow-up is kept, the one out of range is not
    assert step > 0 and len(traj.t) == step and traj.t[-1] == pytest.approx(1.2 * (step - 1))
    assert np.all(np.isfinite(traj.loss))
    assert traj.stats == {"n_grad_evals": step + 1, "n_steps": step}  # the step that blew up


def test_stats_count_steps_and_gradient_evaluations():
    """GD: one full gradient per iterate (steps + 1). SGD: one mini-batch gradient per step
    and one full gradient per saved iterate, so its evaluations are not its steps."""
    gd = gradient_descent(X_WORKED, Y_WORKED, step_size=0.1, alpha=1e-3, n_steps=37)
    assert gd.status is TrajectoryStatus.STEP_LIMIT
    assert gd.stats == {"n_grad_evals": 38, "n_steps": 37}
    X, y = random_problem(n=5, d=7, seed=1)
    sgd = gradient_descent(X, y, step_size=0.01, alpha=1e-2, batch_size=2, seed=0, n_steps=40)
    saved = np.round(sgd.t / 0.01).astype(int)
    assert saved.tolist() == [*range(0, 40, 3), 40]  # every epoch (3 batches) and the last
    assert sgd.stats == {"n_grad_evals": 40 + saved.size, "n_steps": 40}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": [[np.nan, 1.0]], "y": [1.0]}, ValueError, "`X` contains NaN"),
        ({"y": [1.0, np.inf]}, ValueError, "`y` contains NaN"),
        ({"X": [1.0, 2.0]}, ValueError, "`X` must be 2-dimensional"),
        ({"y": [1.0, 2.0, 3.0]}, ValueError, "same number of samples"),
        ({"step_size": 0.0}, ValueError, "`step_size` parameter of gradient_descent"),
        ({"step_size": -1.0}, ValueError, r"float in \(0.0, inf\]"),
        ({"alpha": 0.0}, ValueError, "`alpha` parameter of gradient_descent must be > 0"),
        ({"alpha": -1e-3}, ValueError, "must be > 0. Got -0.001"),
        ({"alpha": "1e-10x"}, ValueError, "could not be parsed"),
        ({"alpha": "-1e-10"}, ValueError, "must be > 0"),
        ({"alpha": None}, ValueError, "needs the initialisation scale"),
        ({"log_alpha": -3.0}, ValueError, "got both `alpha`"),
        ({"log_alpha": np.inf, "alpha": None}, ValueError, "`log_alpha` parameter .* finite"),
        ({"u0": np.ones(3)}, ValueError, r"`u0` must be a scalar or have shape"),
        ({"v0": [np.nan] * 4}, ValueError, "`v0` contains NaN"),
        ({"batch_size": 0}, ValueError, "`batch_size` parameter"),
        ({"n_steps": 1.5}, TypeError, "`n_steps` parameter .* must be an int"),
        ({"margin": 0.0}, ValueError, "`margin` parameter of gradient_descent"),
        ({"margin": 1e-3, "batch_size": 1}, ValueError, "full-batch GD; drop `batch_size`"),
        ({"max_saved": 1}, ValueError, "`max_saved` parameter of gradient_descent"),
        ({"progress": 3}, TypeError, "`progress` parameter of gradient_descent must be a call"),
    ],
)
def test_error_messages(kwargs, error, match):
    args = {"X": X_WORKED, "y": Y_WORKED, "step_size": 0.1, "alpha": 1e-3, "n_steps": 5}
    args.update(kwargs)
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(error, match=match):
        gradient_descent(X, y, **args)


@pytest.mark.parametrize("batch_size", [None, 1])
def test_progress_reports_the_accelerated_time_every_1024_steps(batch_size):
    seen = []
    traj = gradient_descent(
        X_WORKED, Y_WORKED, step_size=0.1, alpha=1e-10, n_steps=5000, batch_size=batch_size,
        seed=0, gtol=0.0, progress=seen.append,
    )  # fmt: skip
    lam = 10 * math.log(10)
    np.testing.assert_allclose(seen, 0.1 * 1024 * np.arange(1, 5) / lam, rtol=1e-12)
    assert traj.tau[-1] == pytest.approx(500 / lam)
