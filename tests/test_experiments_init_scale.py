"""Tests of the initialisation-scale study (kernel to rich regime, divergence)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from saddlepath.diagonal.descent_result import DivergenceWarning
from saddlepath.diagonal.trajectory import TrajectoryStatus
from saddlepath.experiments import init_scale_study
from saddlepath.report.json import init_scale_rows

WORKED_X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
WORKED_Y = np.array([1.0, 0.0])
MIN_L1 = np.array([0.0, 0.0, 10 / 7, -10 / 49])


@pytest.fixture(scope="module")
def thesis_study():
    """GD from u₀ = √2γ, v₀ = γ, step 0.1, the worked example."""
    with pytest.warns(DivergenceWarning, match=r"diverged for gamma = 10.0"):
        return init_scale_study(
            WORKED_X, WORKED_Y, [1e-30, 1e-3, 0.3, 1.0, 2.0, 10.0], step_size=0.1
        )


def test_small_scale_reaches_the_minimum_l1_interpolator(thesis_study):
    s = thesis_study
    assert s.statuses[0] is TrajectoryStatus.CONVERGED
    np.testing.assert_allclose(s.min_l1_beta, MIN_L1, atol=1e-12)
    np.testing.assert_allclose(s.beta[0], MIN_L1, atol=0.02)  # O(1/ln(1/γ)) bias
    assert s.n_active[0] == 2 and s.l1_excess[0] < 0.01
    assert np.all(s.loss[:5] < 1e-12)  # every converged run interpolates


def test_large_scale_gives_dense_minimisers_and_diverges_at_the_end(thesis_study):
    s = thesis_study
    converged = np.array([o is TrajectoryStatus.CONVERGED for o in s.statuses])
    assert converged.tolist() == [True, True, True, True, True, False]
    assert np.all(np.diff(s.l1_norm[:5]) > 0)  # ℓ1 norm grows with γ: kernel regime
    assert s.n_active[4] == 4 and s.l1_norm[4] > 2 * s.min_l1_norm
    assert s.statuses[5] is TrajectoryStatus.DIVERGED
    assert "diverged" in s.messages[5] and s.n_active[5] == -1 and np.isnan(s.l1_norm[5])
    rows = init_scale_rows(s)
    json.dumps(rows)
    assert rows[5]["status"] == "DIVERGED" and rows[5]["l1_norm"] is None
    assert rows[5]["beta"] is None and rows[5]["u"] is None and np.isnan(s.u[5]).all()
    np.testing.assert_allclose(s.u[:5] * s.v[:5], s.beta[:5], rtol=1e-13, atol=1e-300)
    assert rows[4]["u"] == s.u[4].tolist() and rows[4]["beta"] == s.beta[4].tolist()


def test_pnf_initialisation_over_alpha_with_the_flow():
    """v₀ = 0 is P&F's init: the α-scan; the flow runs at any α < 1."""
    s = init_scale_study(WORKED_X, WORKED_Y, ["1e-100", 1e-2, 0.5], v0=0.0)
    assert s.method == "flow" and all(o is TrajectoryStatus.CONVERGED for o in s.statuses)
    np.testing.assert_allclose(s.beta[0], MIN_L1, atol=5e-3)
    assert s.l1_norm[0] < s.l1_norm[1] < s.l1_norm[2]
    # the kernel limit of the P&F init is the minimum-ℓ2 solution, with the larger ℓ1 norm
    assert s.min_l2_norm > s.min_l1_norm


def test_step_limit_is_reported_as_the_runs_step_limit():
    s = init_scale_study(WORKED_X, WORKED_Y, [1e-3], step_size=0.1, max_steps=50)
    assert s.statuses == (TrajectoryStatus.STEP_LIMIT,) and "max_steps" in s.messages[0]


def test_errors():
    with pytest.raises(ValueError, match=r"gamma < 1.*Pass step_size="):
        init_scale_study(WORKED_X, WORKED_Y, [0.1, 2.0])
    with pytest.raises(ValueError, match=r"`gammas` parameter of init_scale_study must hold"):
        init_scale_study(WORKED_X, WORKED_Y, [0.1, -1.0])
    with pytest.raises(ValueError, match=r"`step_size` parameter of init_scale_study"):
        init_scale_study(WORKED_X, WORKED_Y, [0.1], step_size=0.0)
    with pytest.raises(ValueError, match=r"`active_rtol` parameter of init_scale_study"):
        init_scale_study(WORKED_X, WORKED_Y, [0.1], active_rtol=1.5)


def thesis_data():
    rs = np.random.RandomState(10)
    X = rs.randn(5, 7)
    return X, X @ np.array([10.0, 20.0, 0, 0, 0, 0, 0])


def plain_gd(X, y, eta, u, v, n_steps):
    for _ in range(n_steps):
        g = (X @ (u * v) - y) @ X / len(y)
        u, v = u - eta * g * v, v - eta * g * u
    return u, v


def test_thesis_gamma_5_converges_and_gamma_7_diverges():
    """Issue 8 §3: the study reported γ = 5 (step 0.01) as DIVERGED at step 0."""
    X, y = thesis_data()
    with pytest.warns(DivergenceWarning, match=r"gamma = 7.0"):
        s = init_scale_study(X, y, [5.0, 7.0], step_size=0.01)
    assert s.statuses == (TrajectoryStatus.CONVERGED, TrajectoryStatus.DIVERGED)
    steps = int(s.messages[0].split("step ")[1].split(" ")[0])
    u, v = plain_gd(X, y, 0.01, np.full(7, 5.0 * np.sqrt(2.0)), np.full(7, 5.0), steps)
    scale = np.max(np.abs(np.r_[u, v]))
    np.testing.assert_allclose(np.r_[s.u[0], s.v[0]], np.r_[u, v], rtol=0, atol=1e-13 * scale)
    assert s.loss[0] < 1e-12 and s.n_active[0] == 7  # dense: the kernel regime


def test_n_steps_runs_exactly_that_many_steps():
    X, y = thesis_data()
    s = init_scale_study(X, y, [0.5], step_size=0.01, n_steps=500)
    assert s.statuses == (TrajectoryStatus.STEP_LIMIT,) and "n_steps = 500" in s.messages[0]
    u, v = plain_gd(X, y, 0.01, np.full(7, 0.5 * np.sqrt(2.0)), np.full(7, 0.5), 500)
    scale = np.max(np.abs(np.r_[u, v]))
    np.testing.assert_allclose(np.r_[s.u[0], s.v[0]], np.r_[u, v], rtol=0, atol=1e-13 * scale)
    assert s.n_steps == 500
    with pytest.raises(ValueError, match=r"`n_steps` parameter of init_scale_study counts"):
        init_scale_study(X, y, [0.5], n_steps=500)
