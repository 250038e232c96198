"""Tests of plateau detection in finite-α runs, and of their matching with the exact path.

The exact path predicts saddles that a run at scale α may or may not visit: plateau ``k``
is resolved when its resolution ``R_k`` (``plateau_resolution``, the e-folds of approach
the plateau's duration allows) is large. The recovery tests require every saddle with
``R_k ≥ 8`` to be found, and the last one when every earlier plateau is resolved and no
coordinate leaves at the final jump (otherwise a finite-α run freezes a leaving coordinate
and ends at another minimiser). Instances are P&F data ``make_sparse_regression(5, 8, 3)``.
"""

from __future__ import annotations

import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.analysis import (
    Plateaus,
    PlateauStatus,
    find_plateaus,
    log10_speed,
    match_saddles,
    plateau_resolution,
)
from saddlepath.data import make_sparse_regression
from saddlepath.diagonal.descent import gradient_descent
from saddlepath.diagonal.flow import gradient_flow

WORKED_X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
WORKED_Y = np.array([1.0, 0.0])


@pytest.fixture(scope="module")
def worked_flow():
    return gradient_flow(WORKED_X, WORKED_Y, alpha=1e-30)


def _required(path, alpha) -> set[int]:
    """Saddles a run at scale α must show (see the module docstring)."""
    R = plateau_resolution(path, alpha=alpha)
    need = {k for k in range(path.n_saddles - 1) if R[k] >= 8}
    if R[:-1].min() >= 8 and not path.left[-1]:
        need.add(path.n_saddles - 1)
    return need


def _check_recovery(plateaus, path, alpha):
    matches = match_saddles(plateaus, path)
    need = _required(path, alpha)
    assert len(need) >= 4  # the instance is not trivial
    assert need <= set(matches.tolist()), (need, matches)
    found = matches[matches >= 0]
    assert np.all(np.diff(found) > 0)  # in path order, no saddle twice
    assert all(eq.relative_residual < 1e-10 for eq in plateaus.equilibria)
    assert np.all(plateaus.distance <= 0.1)


def test_worked_example_flow_finds_the_four_saddles(worked_flow):
    plateaus = find_plateaus(worked_flow, WORKED_X, WORKED_Y)
    path = saddle_path(WORKED_X, WORKED_Y)
    assert match_saddles(plateaus, path).tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(plateaus.exact_beta, path.beta, atol=1e-12)
    assert all(e is PlateauStatus.SPEED_DIP for e in plateaus.statuses)
    assert plateaus.ends_on_plateau and plateaus.n_rejected == 0
    # intervals bracket the representative and follow the jumps in order
    assert np.all(plateaus.tau_start <= plateaus.tau) and np.all(plateaus.tau <= plateaus.tau_end)
    assert np.all(np.diff(plateaus.tau_start) > 0)
    assert abs(plateaus.tau_start[1] - 2.0) < 0.3  # the first jump, τ₁ = 2 (α-shifted)


def test_without_data_the_dips_alone_give_the_same_plateaus(worked_flow):
    plateaus = find_plateaus(worked_flow)
    assert len(plateaus) == 4 and plateaus.equilibria is None
    assert np.isnan(plateaus.distance).all()
    np.testing.assert_allclose(plateaus.beta[2], [0, 0, 1.4, 0], atol=3e-3)  # R₂ ≈ 7.5
    with pytest.raises(ValueError, match=r"find_plateaus\(trajectory, X, y\)"):
        _ = plateaus.exact_beta


def test_worked_example_gradient_descent_reports_iterations():
    traj = gradient_descent(WORKED_X, WORKED_Y, step_size=0.2, alpha=1e-100)
    plateaus = find_plateaus(traj, WORKED_X, WORKED_Y, step_size=0.2)
    assert match_saddles(plateaus, saddle_path(WORKED_X, WORKED_Y)).tolist() == [0, 1, 2, 3]
    lam = 100 * np.log(10)
    np.testing.assert_allclose(plateaus.iterations, np.rint(lam * plateaus.tau_start / 0.2))
    assert plateaus.iterations[0] == 0 and np.all(np.diff(plateaus.iterations) > 0)


@pytest.mark.parametrize("seed", [2, 3, 4, 7, 11])
def test_flow_at_alpha_1e_30_recovers_the_resolved_saddles(seed):
    ds = make_sparse_regression(5, 8, n_nonzero=3, seed=seed)
    path = saddle_path(ds.X, ds.y)
    traj = gradient_flow(ds.X, ds.y, alpha=1e-30)
    _check_recovery(find_plateaus(traj, ds.X, ds.y), path, 1e-30)


def _gd_run(seed):
    ds = make_sparse_regression(5, 8, n_nonzero=3, seed=seed)
    path = saddle_path(ds.X, ds.y)
    G = ds.X.T @ ds.X / ds.X.shape[0]
    eta = 0.25 / (np.linalg.eigvalsh(G).max() * np.abs(path.beta).max())
    traj = gradient_descent(ds.X, ds.y, step_size=eta, alpha=1e-100, tau_max=1.1 * path.tau[-1] + 1)
    return ds, path, traj


@pytest.mark.parametrize("seed", [3, 11])
def test_gradient_descent_at_alpha_1e_100_recovers_the_saddles(seed):
    ds, path, traj = _gd_run(seed)
    _check_recovery(find_plateaus(traj, ds.X, ds.y), path, 1e-100)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2, 10])
def test_gradient_descent_at_alpha_1e_100_more_instances(seed):
    ds, path, traj = _gd_run(seed)
    _check_recovery(find_plateaus(traj, ds.X, ds.y), path, 1e-100)


def test_a_plateau_where_the_loss_barely_drops_is_found():
    """Orthogonal columns, y = (1, .5, .01, .3): the third coordinate enters at τ = 400 and
    lowers the loss by 0.1 % only (the rest of y is out of reach); its plateau is long and
    the speed dips there, so it is found although the loss is flat."""
    X = np.vstack([np.eye(3), np.zeros((1, 3))])
    y = np.array([1.0, 0.5, 0.01, 0.3])
    path = saddle_path(X, y)
    assert (path.loss[2] - path.loss[3]) / path.loss[2] < 2e-3
    plateaus = find_plateaus(gradient_flow(X, y, alpha=1e-30), X, y)
    assert match_saddles(plateaus, path).tolist() == [0, 1, 2, 3]
    assert plateaus.depth[2] > 3 and plateaus.depth[3] > 3  # decades


def test_unresolved_plateau_is_missed_at_1e_30_and_found_at_1e_100():
    """Seed 8: saddle 3 has R₃ ≈ 1.7 at α = 1e-30 (passed without a dip) and ≈ 5.6 at
    α = 1e-100, where the run slows down at it."""
    ds = make_sparse_regression(5, 8, n_nonzero=3, seed=8)
    path = saddle_path(ds.X, ds.y)
    coarse = match_saddles(find_plateaus(gradient_flow(ds.X, ds.y, alpha=1e-30), ds.X, ds.y), path)
    fine = match_saddles(find_plateaus(gradient_flow(ds.X, ds.y, alpha=1e-100), ds.X, ds.y), path)
    assert plateau_resolution(path, alpha=1e-30)[3] < 3
    assert 3 not in coarse and 3 in fine


def test_resolution_predicts_the_closest_approach(worked_flow):
    """Worked example, saddle 2 at α = 1e-30: R₂ = 2λ·(160/49)/(1/0.049 + 1/0.025) ≈ 7.47;
    the run comes within about e^{−R₂} ≈ 5.7e-4 of it (coordinate 0 still decaying)."""
    path = saddle_path(WORKED_X, WORKED_Y)
    R = plateau_resolution(path, alpha=1e-30)
    lam = 30 * np.log(10)
    expected = 2 * lam * (160 / 49) / (1 / 0.049 + 1 / 0.025)
    np.testing.assert_allclose(R[2], expected, rtol=1e-12)
    assert np.isinf(R[-1]) and R[0] == pytest.approx(2 * lam)
    scale = np.maximum(np.abs(worked_flow.beta).max(axis=1), 0.8)
    closest = (np.abs(worked_flow.beta - path.beta[2]).max(axis=1) / scale).min()
    assert np.exp(-R[2]) / 3 < closest < 3 * np.exp(-R[2])


def test_proximity_reports_passes_without_a_dip():
    ds = make_sparse_regression(5, 8, n_nonzero=3, seed=8)
    traj = gradient_flow(ds.X, ds.y, alpha=1e-30)
    plateaus = find_plateaus(traj, ds.X, ds.y, proximity=True)
    kinds = {e for e in plateaus.statuses}
    assert kinds == {PlateauStatus.SPEED_DIP, PlateauStatus.PROXIMITY}
    passes = [j for j, e in enumerate(plateaus.statuses) if e is PlateauStatus.PROXIMITY]
    assert all(plateaus.depth[j] == 0 for j in passes)
    assert np.all(np.diff(plateaus.tau) > 0)


def test_log10_speed_is_exact_in_log_domain():
    """At τ = 0 with P&F init, β = α²sinh(2S) has dβ/dτ = λ·2α²·|∂L| with no underflow."""
    traj = gradient_flow(WORKED_X, WORKED_Y, alpha="1e-300", tau_max=1.0)
    lam = 300 * np.log(10)
    expected = np.log10(lam * 2 * 0.5) - 600  # u₀ = √2α so w₊² + w₋² = 2α²; |∂₀L| = 0.5
    assert log10_speed(traj)[0] == pytest.approx(expected, abs=1e-9)


def test_errors(worked_flow):
    with pytest.raises(TypeError, match=r"`trajectory` parameter of find_plateaus"):
        find_plateaus(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"needs both `X` and `y`"):
        find_plateaus(worked_flow, WORKED_X)
    with pytest.raises(ValueError, match=r"`min_drop` parameter of find_plateaus"):
        find_plateaus(worked_flow, min_drop=1.0)
    with pytest.raises(ValueError, match=r"has 4 coordinates but X has 3 features"):
        find_plateaus(worked_flow, WORKED_X[:, :3], WORKED_Y)
    with pytest.raises(TypeError, match=r"`plateaus` parameter of match_saddles"):
        match_saddles(None, saddle_path(WORKED_X, WORKED_Y))
    assert isinstance(find_plateaus(worked_flow), Plateaus)


def thesis_margin_rule(X, y, eta, u, v, n_steps, margin):
    """Oracle: the thesis's Algorithm 1 on plain float (u, v) GD, iterations 0-based."""
    above, entries = True, []
    for k in range(n_steps + 1):
        g = (X @ (u * v) - y) @ X / len(y)
        grad_F = np.concatenate([g * v, g * u])
        if np.max(np.abs(grad_F)) > margin:
            above = True
        elif above:
            above = False
            entries.append(k)
        u, v = u - eta * g * v, v - eta * g * u
    return entries


@pytest.mark.parametrize("margin", [1e-3, 1e-4])
def test_margin_rule_is_the_thesis_rule_whatever_the_saving(margin):
    """Issue 8 §5: the iteration reported depended on how densely the run was saved."""
    runs = [
        gradient_descent(
            WORKED_X, WORKED_Y, step_size=0.1, alpha=1e-8, gtol=1e-10, margin=margin, **kw
        )
        for kw in ({}, {"save_every": 1}, {"save_every": 997})
    ]
    n_steps = round(runs[0].t[-1] / 0.1)
    u0, v0 = np.full(4, np.sqrt(2.0) * 1e-8), np.zeros(4)
    expected = thesis_margin_rule(WORKED_X, WORKED_Y, 0.1, u0, v0, n_steps, margin)
    assert len(expected) >= 2 and expected[0] == 0
    for traj in runs:
        assert traj.status.name == "CONVERGED" and round(traj.t[-1] / 0.1) == n_steps
        plateaus = find_plateaus(traj, margin=margin)
        assert plateaus.iterations.tolist() == expected
        assert all(e is PlateauStatus.MARGIN for e in plateaus.statuses)
        np.testing.assert_allclose(plateaus.tau_start, np.array(expected) * 0.1 / traj.time_scale)
    dense, sparse = (find_plateaus(r, WORKED_X, WORKED_Y) for r in runs[1:])
    assert dense.iterations.tolist() == sparse.iterations.tolist()
    np.testing.assert_array_equal(dense.beta, sparse.beta)  # the state at the entry
    assert np.all(dense.distance <= 0.1)
    np.testing.assert_allclose(dense.exact_beta[0], 0.0)  # the origin first


def test_margin_rule_snaps_to_the_saddles():
    """At α = 1e-100 every entry below the margin is one of the four saddles, in order."""
    traj = gradient_descent(WORKED_X, WORKED_Y, step_size=0.2, alpha=1e-100, margin=1e-6)
    plateaus = find_plateaus(traj, WORKED_X, WORKED_Y)
    path = saddle_path(WORKED_X, WORKED_Y)
    assert match_saddles(plateaus, path).tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(plateaus.exact_beta, path.beta, atol=1e-12)
    assert plateaus.ends_on_plateau and traj.margin_crossings.end[-1] == -1
    assert np.all(np.diff(plateaus.iterations) > 0)


def test_margin_errors(worked_flow):
    traj = gradient_descent(WORKED_X, WORKED_Y, step_size=0.2, alpha=1e-3, margin=1e-4)
    with pytest.raises(ValueError, match=r"recorded crossings of margin = 0.0001"):
        find_plateaus(traj, margin=1e-3)
    with pytest.raises(ValueError, match=r"gradient_descent\(\.\.\., margin=0.001\)"):
        find_plateaus(worked_flow, margin=1e-3)
    with pytest.raises(ValueError, match=r"`margin` parameter of find_plateaus"):
        find_plateaus(traj, margin=-1.0)


@pytest.mark.slow
def test_margin_rule_reproduces_the_thesis_table_9_iterations():
    """Thesis §5.3.2 (d = 7, n = 5): γ = 1e-100, η = 0.001, margin 1e-4, v₀ = 0.

    Its Table 9 lists the iterations 1, 13798, 50388 (1-based) for the first three plateaus
    and the saddles p₁ = −9.19e₃, p₂ = −9.64e₃ + 3.91e₅.
    """
    rs = np.random.RandomState(10)
    X = rs.randn(5, 7)
    y = X @ np.array([10.0, 20.0, 0, 0, 0, 0, 0])
    traj = gradient_descent(
        X, y, step_size=0.001, alpha=1e-100, margin=1e-4, n_steps=51_000, gtol=0.0
    )
    plateaus = find_plateaus(traj, X, y)
    assert (plateaus.iterations + 1).tolist() == [1, 13798, 50388]
    np.testing.assert_allclose(plateaus.exact_beta[1, 2], -9.1919, atol=1e-4)
    np.testing.assert_allclose(plateaus.exact_beta[2, [2, 4]], [-9.6439, 3.9053], atol=1e-4)
    np.testing.assert_allclose(plateaus.exact_beta, saddle_path(X, y).beta[:3], atol=1e-12)
