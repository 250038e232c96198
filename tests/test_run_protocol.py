"""The run protocol (saddlepath.run): diagonal runs implement it, analysis takes any run."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from helpers import WORKED_X, WORKED_Y
from saddlepath import saddle_path
from saddlepath.analysis import arclength, compare, find_plateaus, log10_speed
from saddlepath.analysis.comparison import ComparisonStatus, comparison_horizon
from saddlepath.diagonal._log_weights import (
    beta_from_integrated_gradient,
    weights_from_signed_logs,
)
from saddlepath.diagonal.descent import gradient_descent
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.diagonal.model import initialisation
from saddlepath.diagonal.trajectory import TrajectoryStatus
from saddlepath.run import Run, snapshot_log10_speed


@dataclass(frozen=True, eq=False)
class SnapshotRun:
    """A run of another model kind: saved snapshots only, speed from differences."""

    t: np.ndarray
    tau: np.ndarray
    loss: np.ndarray
    beta: np.ndarray
    status: TrajectoryStatus
    model: str = "deep"
    time_scale: float = 1.0

    def log10_speed(self) -> np.ndarray:
        return snapshot_log10_speed(self.tau, self.beta)


def staircase(tau: np.ndarray, jumps, levels, width: float) -> np.ndarray:
    """β(τ) holding ``levels[k]`` between jumps, with smooth (tanh) jumps of ``width``."""
    beta = np.tile(levels[0], (tau.size, 1)).astype(float)
    for k, jump in enumerate(jumps):
        step = 0.5 * (1.0 + np.tanh((tau - jump) / width))
        beta += step[:, None] * (levels[k + 1] - levels[k])
    return beta


@pytest.fixture(scope="module")
def flow_and_gd():
    flow = gradient_flow(WORKED_X, WORKED_Y, alpha="1e-30")
    gd = gradient_descent(WORKED_X, WORKED_Y, step_size=0.2, alpha="1e-30")
    return flow, gd


def test_flows_and_gd_runs_follow_the_protocol(flow_and_gd):
    for traj in flow_and_gd:
        assert isinstance(traj, Run) and traj.model == "diagonal"
        np.testing.assert_array_equal(log10_speed(traj), traj.log10_speed())
    assert not isinstance(np.zeros((3, 4)), Run)


def test_trajectories_compare_by_identity_and_have_short_reprs(flow_and_gd):
    flow, gd = flow_and_gd
    assert flow == flow and flow != gd  # eq=False: identity, never an array comparison
    text = repr(gd)
    assert text.startswith("Trajectory(method='gd', status=CONVERGED") and len(text) < 300
    assert "array" not in text and "\n" not in text


def test_gd_signs_and_the_flow_use_one_weights_map(flow_and_gd):
    flow, gd = flow_and_gd
    assert flow.sign_w_plus is None and gd.sign_w_plus.dtype == np.int8
    init = flow.initial
    # w± = (u ± v)/√2: rebuild w± from u, v and compare with the stored magnitudes
    for traj, signs in ((flow, (init.sign_w_plus, init.sign_w_minus)), (gd, None)):
        sp, sm = signs or (traj.sign_w_plus, traj.sign_w_minus)
        u, v, _, _ = weights_from_signed_logs(traj.log_abs_w_plus, traj.log_abs_w_minus, sp, sm)
        np.testing.assert_array_equal(u, traj.u)
        np.testing.assert_array_equal(v, traj.v)
        awake = traj.log_abs_w_plus[-1] > -10.0  # at the end, where w+ is O(1)
        assert awake.sum() >= 2  # not the trivial answer
        w_plus = (traj.u[-1] + traj.v[-1]) / math.sqrt(2.0)
        np.testing.assert_allclose(
            np.log(np.abs(w_plus[awake])), traj.log_abs_w_plus[-1, awake], atol=1e-12
        )


def test_the_s_to_beta_map_is_alpha_squared_sinh():
    init = initialisation(3, alpha=1e-3, u0=[1.5, 0.2, -1.0], v0=[0.5, 0.7, 0.0])
    S = np.array([0.3, -2.0, 4.0])
    a = (1e-3 * np.array([2.0, 0.9, -1.0]) / math.sqrt(2.0)) ** 2  # w+(0)² = α²(u0+v0)²/2
    b = (1e-3 * np.array([1.0, -0.5, -1.0]) / math.sqrt(2.0)) ** 2
    expected = 0.5 * (a * np.exp(2 * S) - b * np.exp(-2 * S))
    got = beta_from_integrated_gradient(
        init.log_abs_w_plus, init.log_abs_w_minus, init.log_ratio0, S
    )
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    np.testing.assert_array_equal(init.beta(S), got)


def test_snapshot_speed_recovers_a_known_speed():
    tau = np.linspace(0.0, 2.0, 2001)
    beta = np.column_stack([np.sin(3.0 * tau), 0.5 * tau])
    expected = np.maximum(np.abs(3.0 * np.cos(3.0 * tau)), 0.5)
    got = 10.0 ** snapshot_log10_speed(tau, beta)
    np.testing.assert_allclose(got[1:-1], expected[1:-1], rtol=1e-5)
    with pytest.raises(ValueError, match="at least 2 saved points"):
        snapshot_log10_speed(tau[:1], beta[:1])


def test_plateaus_of_a_run_of_another_model():
    path = saddle_path(WORKED_X, WORKED_Y)
    # jumps resolved by the snapshots, and the speed still falling (rising) at the end
    # (start): a run that is at rest at its ends shows no dip there
    tau = np.linspace(0.0, 13.0, 3001)
    beta = staircase(tau, path.tau[1:], path.beta, width=0.2)
    run = SnapshotRun(t=tau, tau=tau, loss=np.zeros(tau.size), beta=beta,
                      status=TrajectoryStatus.REACHED_TAU_MAX)  # fmt: skip
    assert isinstance(run, Run)
    plateaus = find_plateaus(run)
    assert len(plateaus) == path.n_saddles
    np.testing.assert_allclose(plateaus.beta, path.beta, atol=1e-6)
    assert np.all(plateaus.tau_end[:-1] < path.tau[1:])
    assert np.all(path.tau[1:] < plateaus.tau_start[1:])
    with pytest.raises(ValueError, match=r"needs a run of a diagonal network.*'deep'"):
        find_plateaus(run, WORKED_X, WORKED_Y)
    with pytest.raises(ValueError, match=r"arclength needs a run of a diagonal network"):
        arclength(run)  # reads the weights u, v


def test_compare_takes_a_run_without_dense_output():
    path = saddle_path(WORKED_X, WORKED_Y)
    tau = np.linspace(0.0, comparison_horizon(path), 3001)
    beta = staircase(tau, path.tau[1:] + 0.01, path.beta, width=1e-3)
    run = SnapshotRun(t=tau, tau=tau, loss=np.zeros(tau.size), beta=beta,
                      status=TrajectoryStatus.REACHED_TAU_MAX)  # fmt: skip
    cmp = compare(run, path)
    assert cmp.status is ComparisonStatus.MATCHED and cmp.extra == ()
    assert cmp.relative_error < 1e-6
    np.testing.assert_allclose(cmp.jump_delays, 0.01, atol=2e-3)  # the jumps' shift
    assert cmp.log_alpha == -1.0  # -time_scale: the run has no log_alpha


def test_a_run_of_one_saved_point_has_no_plateau_but_cannot_be_compared():
    run = gradient_descent(WORKED_X, np.zeros(2), step_size=0.1, alpha=1e-3)
    assert run.tau.size == 1 and run.status is TrajectoryStatus.CONVERGED  # at step 0
    plateaus = find_plateaus(run, WORKED_X, np.zeros(2))
    assert len(plateaus) == 0 and plateaus.beta.shape == (0, 4)
    assert plateaus.exact_beta.shape == (0, 4)
    with pytest.raises(ValueError, match=r"has 1 saved point\(s\); at least 2 are needed"):
        compare(run, saddle_path(WORKED_X, WORKED_Y))
