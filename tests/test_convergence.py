"""Tests of the comparison with the limit: compare() and fit_rate()."""

from __future__ import annotations

import math

import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.analysis import Plateaus, PlateauStatus
from saddlepath.analysis.comparison import ComparisonStatus, compare, comparison_horizon
from saddlepath.analysis.rates import FitStatus, fit_rate
from saddlepath.data import worked_example
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.diagonal.model import initialisation
from saddlepath.diagonal.trajectory import Trajectory, TrajectoryStatus

LAM = 100.0  # λ of the synthetic runs
H = 1e-7  # half-width of a synthetic jump
LOG_ZERO = -400.0  # log|w| of a weight that is 0 for all purposes (e^{-800} underflows)
ROUND_OFF = 32 * np.finfo(float).eps  # β → log|w±| → β loses an ulp or two (measured ≤ 2)


@pytest.fixture(scope="module")
def worked():
    ds = worked_example()
    return ds.X, ds.y, saddle_path(ds.X, ds.y)


def log_weights(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log|w±| with β = (w+² − w−²)/2 exactly: the larger weight carries β, the other is 0."""
    big = 0.5 * np.log(2.0 * np.abs(np.where(beta == 0, 1.0, beta)))
    big = np.where(beta == 0, LOG_ZERO, big)
    lp = np.where(beta >= 0, big, LOG_ZERO)
    lm = np.where(beta < 0, big, LOG_ZERO)
    return lp, lm


def plateaus_at(states: np.ndarray) -> Plateaus:
    """Plateaus of a run, one per state (what find_plateaus would report there)."""
    n = len(states)
    zeros = np.zeros(n)
    return Plateaus(
        tau_start=zeros, tau_end=zeros, tau=zeros, t=zeros, position=np.zeros(n, dtype=int),
        iterations=None, beta=np.asarray(states, dtype=float), loss=zeros, depth=zeros,
        log10_speed=zeros, equilibria=None, distance=zeros,
        statuses=(PlateauStatus.SPEED_DIP,) * n, n_rejected=0, ends_on_plateau=False,
    )  # fmt: skip


def synthetic_run(path, *, saddles=None, delay=0.0, end=None):
    """A "gd" Trajectory that holds ``saddles[k]`` on plateau k and jumps within ±H of
    ``τ_k + delay``; its dense output (Hermite in log|w±| with zero slopes) is then exactly
    constant between jumps."""
    saddles = path.beta if saddles is None else saddles
    end = comparison_horizon(path) if end is None else end
    tau, beta = [0.0], [saddles[0]]
    for k in range(1, path.n_saddles):
        tau += [path.tau[k] + delay - H, path.tau[k] + delay + H]
        beta += [saddles[k - 1], saddles[k]]
    tau, beta = np.array(tau), np.array(beta)
    keep = tau < end
    held = saddles[np.searchsorted(path.tau + delay, end, side="right") - 1]
    tau, beta = np.append(tau[keep], end), np.vstack([beta[keep], held])
    lp, lm = log_weights(beta)
    zeros = np.zeros_like(beta)
    return Trajectory(
        t=LAM * tau, tau=tau, beta=beta, dual=zeros, gradient=zeros, loss=np.zeros(len(tau)),
        log_abs_w_plus=lp, log_abs_w_minus=lm, status=TrajectoryStatus.REACHED_TAU_MAX,
        message="synthetic", log_alpha=-LAM, stats={"n_grad_evals": 0},
        method="gd",
        initial=initialisation(path.n_features, log_alpha=-LAM),
    )  # fmt: skip


def test_the_synthetic_run_reproduces_its_saddles(worked):
    _, _, path = worked
    run = synthetic_run(path)
    mids = 0.5 * (path.tau[1:] + path.tau[:-1])
    np.testing.assert_array_equal(run.at(mids), path.beta[:-1])


def test_a_run_that_is_the_limit_has_zero_error(worked):
    _, _, path = worked
    cmp = compare(synthetic_run(path), path)
    assert cmp.status is ComparisonStatus.MATCHED
    assert cmp.relative_error <= ROUND_OFF
    np.testing.assert_allclose(cmp.plateau_errors, 0.0, atol=ROUND_OFF)
    np.testing.assert_allclose(cmp.jump_delays, 0.0, atol=2 * H)
    assert cmp.missing == () and cmp.extra == ()
    assert cmp.scale == pytest.approx(10 / 7)


def test_a_perturbed_plateau_has_its_known_error(worked):
    _, _, path = worked
    saddles = path.beta.copy()
    saddles[2, 1] += 1e-3  # plateau 2 off by 1e-3 in coordinate 1
    cmp = compare(synthetic_run(path, saddles=saddles), path)
    np.testing.assert_allclose(cmp.plateau_errors, [0, 0, 1e-3, 0], rtol=1e-12, atol=ROUND_OFF)
    assert cmp.error == pytest.approx(1e-3, rel=1e-12)
    assert cmp.relative_error == pytest.approx(1e-3 / (10 / 7), rel=1e-12)
    assert cmp.status is ComparisonStatus.MATCHED  # 1e-3 is a resolved saddle


def test_delays_are_measured_and_excluded_near_jumps(worked):
    _, _, path = worked
    # exclude=0.1 skips 0.6, 0.33 and 0.33 after the three jumps (10% of the plateau that
    # follows): a delay of 0.15 goes unpunished
    cmp = compare(synthetic_run(path, delay=0.15), path)
    np.testing.assert_allclose(cmp.jump_delays, 0.15, atol=2 * H)
    assert cmp.error <= ROUND_OFF
    assert cmp.max_delay == pytest.approx(0.15, abs=2 * H)
    # a delay of 0.7 reaches into every window: the run still sits on the previous saddle
    # there, so the error on plateau k is ‖β_k − β_{k−1}‖∞
    late = compare(synthetic_run(path, delay=0.7), path)
    np.testing.assert_allclose(late.jump_delays, 0.7, atol=2 * H)
    np.testing.assert_allclose(late.plateau_errors, [0.0, 0.8, 1.4, 10 / 49], atol=ROUND_OFF)
    # excluding 45% of each plateau hides it again
    wide = compare(synthetic_run(path, delay=0.7), path, exclude=0.45)
    np.testing.assert_allclose(wide.plateau_errors, 0.0, atol=ROUND_OFF)


def test_jump_fraction_moves_the_crossing_inside_the_jump(worked):
    _, _, path = worked
    for fraction in (0.1, 0.9):
        cmp = compare(synthetic_run(path), path, jump_fraction=fraction)
        np.testing.assert_allclose(cmp.jump_crossings, path.tau[1:], atol=2 * H)


def test_missing_and_extra_plateaus(worked):
    _, _, path = worked
    saddles = path.beta.copy()
    saddles[2] = saddles[1]  # the run skips β_2: it stays on β_1 until the third jump
    cmp = compare(synthetic_run(path, saddles=saddles), path)
    assert cmp.missing == (2,)
    assert cmp.status is ComparisonStatus.MISSING_PLATEAUS
    assert np.isnan(cmp.jump_delays[1]) and np.isfinite(cmp.jump_delays[0])
    # closest to β_2 = (0, 0, 1.4, 0) is β_3 = (0, 0, 10/7, −10/49), at 10/49 (∞-norm)
    assert cmp.closest[2] == pytest.approx(10 / 49)

    states = np.vstack([path.beta, [0.0, 1.0, 0.0, 0.0]])  # the run's plateaus + one more
    extra = compare(synthetic_run(path), path, plateaus=plateaus_at(states))
    assert extra.extra == (path.n_saddles,) and extra.missing == ()
    assert extra.status is ComparisonStatus.EXTRA_PLATEAUS


def test_a_run_that_ends_early_is_truncated(worked):
    _, _, path = worked
    cmp = compare(synthetic_run(path, end=9.0), path)
    assert cmp.status is ComparisonStatus.TRUNCATED
    assert np.isnan(cmp.plateau_errors[3]) and np.isnan(cmp.jump_delays[2])
    assert cmp.plateau_errors[2] <= ROUND_OFF  # compared on [8.6, 9]
    assert cmp.error <= ROUND_OFF


def test_windows_follow_the_documented_definition(worked):
    _, _, path = worked
    cmp = compare(synthetic_run(path), path, exclude=0.25)
    t, h = path.tau, comparison_horizon(path)
    ell = np.diff(np.append(t, h))
    expected = np.column_stack([t + 0.25 * ell, np.append(t[1:], h) - 0.25 * ell])
    expected[0, 0], expected[-1, 1] = 0.0, h
    np.testing.assert_allclose(cmp.windows, expected)
    assert h == pytest.approx(t[-1] + (t[-1] - t[-2]))


def test_a_flow_at_small_alpha_matches_with_delays_of_order_one_over_lambda(worked):
    X, y, path = worked
    scaled = []
    for alpha in ("1e-300", "1e-1000"):
        run = gradient_flow(X, y, alpha=alpha, tau_max=comparison_horizon(path))
        cmp = compare(run, path)
        assert cmp.status is ComparisonStatus.MATCHED
        assert cmp.relative_error < 1e-4
        scaled.append(cmp.jump_delays * -run.log_alpha)
    # delay·λ is the same at both scales (P&F: the delays vanish like 1/λ)
    np.testing.assert_allclose(scaled[0], scaled[1], rtol=0.02)
    assert np.all(np.abs(scaled[0]) > 0.1)  # and they are really there


def test_a_flow_at_large_alpha_cuts_corners(worked):
    X, y, path = worked
    cmp = compare(gradient_flow(X, y, alpha=1e-5, tau_max=comparison_horizon(path)), path)
    assert cmp.status is ComparisonStatus.MISSING_PLATEAUS
    assert 2 in cmp.missing and cmp.relative_error > 0.1


def test_compare_validates_its_arguments(worked):
    _, _, path = worked
    run = synthetic_run(path)
    with pytest.raises(ValueError, match="`exclude` parameter of compare must be a float in"):
        compare(run, path, exclude=0.5)
    with pytest.raises(ValueError, match="`jump_fraction` parameter of compare"):
        compare(run, path, jump_fraction=1.0)
    with pytest.raises(ValueError, match="`match_rtol` parameter of compare"):
        compare(run, path, match_rtol=0.0)
    with pytest.raises(ValueError, match="`horizon` parameter of compare"):
        compare(run, path, horizon=5.0)
    with pytest.raises(TypeError, match="`path` parameter of compare must be a SaddlePath"):
        compare(run, path.beta)
    with pytest.raises(TypeError, match="`trajectory` parameter of compare must be a run"):
        compare(path.beta, path)
    with pytest.raises(TypeError, match="`plateaus` parameter of compare must be Plateaus"):
        compare(run, path, plateaus=path.beta)
    other = saddle_path(np.eye(3), np.ones(3))
    with pytest.raises(ValueError, match="has 4 coordinates but X has 3 features"):
        compare(run, other)


# ---------------------------------------------------------------------------- fit_rate


def test_fit_rate_recovers_power_laws_and_powers_of_alpha():
    lam = np.array([10.0, 100.0, 1000.0, 1e4])
    fit = fit_rate(lam, 3.0 * lam**-1.5)
    assert fit.status is FitStatus.FITTED
    assert fit.slope == pytest.approx(-1.5) and fit.intercept == pytest.approx(math.log(3.0))
    assert fit.rms_residual == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(fit.predict([50.0]), 3.0 * 50.0**-1.5)
    exp_fit = fit_rate(lam[:3], 2.0 * np.exp(-0.02 * lam[:3]), kind="alpha")
    assert exp_fit.slope == pytest.approx(-0.02) and exp_fit.kind == "alpha"


def test_fit_rate_leaves_out_unusable_points():
    lam = np.array([10.0, 100.0, 1000.0, 1e4])
    values = np.array([1e-1, 1e-2, np.nan, 1e-9])
    fit = fit_rate(lam, values, floor=1e-6)
    np.testing.assert_array_equal(fit.lambdas, [10.0, 100.0])
    assert fit.slope == pytest.approx(-1.0)
    few = fit_rate(lam, [1e-1, 0.0, np.nan, 0.0])
    assert few.status is FitStatus.TOO_FEW_POINTS and math.isnan(few.slope)
    with pytest.raises(ValueError, match="must be 'power' or 'alpha'"):
        fit_rate(lam, lam, kind="log")
    with pytest.raises(ValueError, match="same length; got 4 and 3"):
        fit_rate(lam, lam[:3])
