"""Tests of saddlepath.analysis.arclength: the run and the limit in arc length."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from saddlepath import saddle_path
from saddlepath.analysis.arclength import ArcLength, arclength, arclength_of_path
from saddlepath.analysis.comparison import comparison_horizon
from saddlepath.data import make_sparse_regression, worked_example
from saddlepath.diagonal.flow import gradient_flow


@pytest.fixture(scope="module")
def worked():
    ds = worked_example()
    return ds.X, ds.y, saddle_path(ds.X, ds.y)


def heteroclinic_length(X, y, start, end, face, sign, *, seed=1e-14, method="DOP853"):
    """Oracle: length of the limit's jump from ``start`` on ``face`` (β̇ = −2|β|∇L, signs
    ``sign``, entering coordinates seeded at ``seed``), integrated as an ODE state.

    The state is ``(z, ℓ)`` with ``β = sign·exp(2z)``, ``ż = −sign·∇L(β)`` on the face and
    ``ℓ̇ = ‖β̇‖₂ = ‖2β ż‖₂``, integrated at rtol 1e-13 until β is within 1e-13 of ``end``
    (then closed by that chord). Across DOP853/Radau/LSODA, rtol 1e-13 and 1e-14, seeds
    1e-12…1e-16 and four OpenBLAS kernels it agrees to 3e-12 relative (at rtol 1e-12 the
    first orbit moves by 6e-11).
    """
    n = X.shape[0]
    Xf = X[:, face]
    z0 = 0.5 * np.log(np.where(start[face] != 0, np.abs(start[face]), seed))

    def rhs(_t, state):
        beta = sign * np.exp(2 * state[:-1])
        z_dot = -sign * (Xf.T @ (Xf @ beta - y)) / n
        return np.append(z_dot, np.linalg.norm(2 * beta * z_dot))

    def arrived(_t, state):
        return np.max(np.abs(sign * np.exp(2 * state[:-1]) - end[face])) - 1e-13

    arrived.terminal = True
    sol = solve_ivp(rhs, (0.0, 1e6), np.append(z0, 0.0), method=method, rtol=1e-13,
                    atol=1e-15, events=arrived)  # fmt: skip
    assert sol.status == 1, "the orbit did not reach the next saddle"
    last = sign * np.exp(2 * sol.y[:-1, -1])
    return float(sol.y[-1, -1] + np.linalg.norm(last - end[face]))


def test_limit_with_straight_jumps_has_the_exact_length(worked):
    _, _, path = worked
    curve = arclength_of_path(path, tau_max=path.tau[-1], jumps="straight")
    chords = np.linalg.norm(np.diff(path.beta, axis=0), axis=1)
    assert curve.a[-1] == pytest.approx(path.tau[-1] + chords.sum(), rel=1e-14)
    np.testing.assert_allclose(curve.jump_lengths, chords, rtol=1e-14)
    np.testing.assert_allclose(chords, [0.8, np.hypot(0.8, 1.4), np.hypot(10 / 7 - 1.4, 10 / 49)])
    assert curve.length == pytest.approx(chords.sum(), rel=1e-14)
    assert curve.reached.all()


def test_limit_on_a_larger_path_has_the_exact_length():
    ds = make_sparse_regression(15, 30, n_nonzero=4, seed=2)
    path = saddle_path(ds.X, ds.y)
    assert path.n_jumps >= 4
    tau_max = comparison_horizon(path)
    curve = arclength_of_path(path, jumps="straight")
    chords = np.linalg.norm(np.diff(path.beta, axis=0), axis=1).sum()
    assert curve.a[-1] == pytest.approx(tau_max + chords, rel=1e-14)
    assert np.all(np.diff(curve.a) >= 0) and np.all(np.diff(curve.tau) >= 0)


def test_limit_curve_is_continuous_and_time_stands_still_in_jumps(worked):
    _, _, path = worked
    curve = arclength_of_path(path)
    for k in range(path.n_jumps):
        a0, a1 = curve.jump_starts[k], curve.jump_starts[k] + curve.jump_lengths[k]
        inside = np.linspace(a0, a1, 7)
        np.testing.assert_array_equal(curve.tau_at(inside), path.tau[k + 1])
        np.testing.assert_allclose(curve.beta_at(a0), path.beta[k], atol=1e-9)
        np.testing.assert_allclose(curve.beta_at(a1), path.beta[k + 1], atol=1e-9)
    # on a plateau τ runs at unit speed and β stands still
    a = curve.jump_starts[1] - np.array([2.0, 1.0])  # inside plateau 1, [2, 8]
    np.testing.assert_allclose(np.diff(curve.tau_at(a)), 1.0)
    np.testing.assert_allclose(curve.beta_at(a), np.tile(path.beta[1], (2, 1)), atol=1e-12)
    np.testing.assert_allclose(curve.a_at(path.tau[2] - 1.0), a[1])


def test_heteroclinic_jumps_are_longer_than_chords_and_match_an_oracle(worked):
    X, y, path = worked
    curve = arclength_of_path(path, tau_max=path.tau[-1])
    assert curve.reached.all()
    # jump 1 moves one coordinate: the orbit is the chord
    assert curve.jump_lengths[0] == pytest.approx(0.8, rel=1e-9)
    # jumps 2 and 3 move two coordinates along curved orbits
    assert np.all(curve.jump_lengths[1:] > curve.chord_lengths[1:] * (1 + 1e-5))
    for k, face, sign in ((1, [0, 2], [1.0, 1.0]), (2, [2, 3], [1.0, -1.0])):
        start, end = path.beta[k], path.beta[k + 1]
        length = heteroclinic_length(X, y, start, end, np.array(face), np.array(sign))
        # the library is within 1e-10 of the oracle, the oracle within 1e-10 of the truth
        assert curve.jump_lengths[k] == pytest.approx(length, rel=1e-8)
    assert curve.a[-1] == pytest.approx(path.tau[-1] + curve.jump_lengths.sum(), rel=1e-14)


def test_the_jump_oracle_is_independent_of_solver_and_seed(worked):
    """The oracle above must be ≥ 100× tighter than the 1e-8 it checks: a closed form on the
    straight jump, and two unrelated integrators (explicit DOP853, stiff LSODA) and two
    seeds agreeing to 1e-10 on the curved ones (measured: ≤ 3.1e-12). The previous oracle, a
    polyline on a uniform time grid, was 1.7e-8 off, and on which side of the library's
    value it landed depended on the BLAS kernel."""
    X, y, path = worked
    straight = heteroclinic_length(X, y, path.beta[0], path.beta[1], np.array([0]), np.ones(1))
    assert straight == pytest.approx(0.8, rel=1e-12)
    for k, face, sign in ((1, [0, 2], [1.0, 1.0]), (2, [2, 3], [1.0, -1.0])):
        start, end, face, sign = path.beta[k], path.beta[k + 1], np.array(face), np.array(sign)
        lengths = [
            heteroclinic_length(X, y, start, end, face, sign),
            heteroclinic_length(X, y, start, end, face, sign, method="LSODA"),
            heteroclinic_length(X, y, start, end, face, sign, seed=1e-16),
        ]
        np.testing.assert_allclose(lengths, lengths[0], rtol=1e-10)


def test_arclength_of_a_straight_run():
    X, y = np.eye(2), np.array([1.0, 0.5])  # 0 → (1, 0) → (1, 0.5), both jumps straight
    # at the default rtol the run's dense output puts the length 5e-7 off; at 1e-10, 5e-9
    run = gradient_flow(X, y, alpha="1e-100", rtol=1e-10, atol=1e-12)
    curve = arclength(run)
    assert isinstance(curve, ArcLength)
    assert curve.length == pytest.approx(1.5, rel=1e-7)
    assert curve.a[0] == run.tau[0] == 0.0
    assert curve.a[-1] == pytest.approx(run.tau[-1] + curve.length, rel=1e-14)
    # the β-length never decreases (up to the round-off of a − τ, an ulp of a each)
    assert np.all(np.diff(curve.a - curve.tau) >= -4 * np.spacing(curve.a[1:]))


def test_the_run_approaches_the_heteroclinic_limit_not_the_chords(worked):
    X, y, path = worked
    orbits = arclength_of_path(path)
    chords = arclength_of_path(path, jumps="straight")
    gap = float(orbits.a[-1] - chords.a[-1])  # ≈ 2·10⁻⁴ on this instance
    assert gap > 1e-4
    errors = []
    for alpha in ("1e-30", "1e-1000"):
        # tight tolerances: the run's own length carries a solver error ≈ λ·atol
        run = gradient_flow(X, y, alpha=alpha, tau_max=comparison_horizon(path), rtol=1e-10,
                            atol=1e-12)  # fmt: skip
        end = float(run.tau[-1])
        errors.append(abs(arclength(run).a[-1] - orbits.a_at(end)))
    assert errors[1] < 1e-3 * gap < errors[0]


def test_a_sampled_run_curve_is_consistent_with_its_dense_output(worked):
    X, y, path = worked
    run = gradient_flow(X, y, alpha="1e-300", tau_max=comparison_horizon(path))
    curve = arclength(run)
    tau = np.array([1.0, 5.0, 10.0])
    np.testing.assert_allclose(curve.tau_at(curve.a_at(tau)), tau, rtol=1e-12)
    np.testing.assert_allclose(curve.beta_at(curve.a_at(tau)), run.at(tau), atol=1e-9)
    coarse = arclength(run, n_sub=2)
    assert coarse.a[-1] == pytest.approx(curve.a[-1], rel=1e-6)  # Richardson: fast convergence


def test_arclength_validates_its_arguments(worked):
    _, _, path = worked
    run = gradient_flow(np.eye(2), np.array([1.0, 0.5]), alpha="1e-20", tau_max=3.0)
    with pytest.raises(ValueError, match="`n_sub` parameter of arclength must be even"):
        arclength(run, n_sub=3)
    with pytest.raises(TypeError, match="`trajectory` parameter of arclength must be a Traj"):
        arclength(path)
    with pytest.raises(TypeError, match="`path` parameter of arclength_of_path must be a"):
        arclength_of_path(run)
    with pytest.raises(ValueError, match=r"'heteroclinic' or 'straight'\. Got 'curved'"):
        arclength_of_path(path, jumps="curved")
    with pytest.raises(ValueError, match="`tau_max` parameter of arclength_of_path"):
        arclength_of_path(path, tau_max=1.0)
    curve = arclength(run)
    with pytest.raises(ValueError, match="`a` must lie in the curve's range"):
        curve.beta_at(curve.a[-1] + 1.0)
