"""GD through sign changes of w± = (u ± v)/√2, honest divergence, margin log, record size.

Oracle everywhere: plain float64 GD/SGD on (u, v), written here independently of the library.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from saddlepath.diagonal.descent import gradient_descent
from saddlepath.diagonal.descent_result import DivergenceWarning, RecordThinnedWarning
from saddlepath.diagonal.trajectory import TrajectoryStatus


def thesis_data():
    """The thesis's d = 7, n = 5 example: RandomState(10), X = randn(5, 7), y = X p*."""
    rs = np.random.RandomState(10)
    X = rs.randn(5, 7)
    return X, X @ np.array([10.0, 20.0, 0, 0, 0, 0, 0])


def plain_gd(X, y, eta, u, v, n_steps, rows=None):
    """(u, v) after each step of u ← u − η g⊙v, v ← v − η g⊙u (mini-batches ``rows``)."""
    us, vs = [u], [v]
    for k in range(n_steps):
        r = slice(None) if rows is None else rows[k]
        g = (X[r] @ (u * v) - y[r]) @ X[r] / len(y[r])
        u, v = u - eta * g * v, v - eta * g * u
        us.append(u)
        vs.append(v)
    return np.array(us), np.array(vs)


def sgd_rows(n_samples, batch_size, seed, n_steps):
    """Documented sampler: a fresh default_rng(seed) permutation per epoch, cut in batches."""
    rng, rows = np.random.default_rng(seed), []
    while len(rows) < n_steps:
        order = rng.permutation(n_samples)
        rows += [order[i : i + batch_size] for i in range(0, n_samples, batch_size)]
    return rows[:n_steps]


def n_sign_changes(w):
    return int(np.sum(np.diff(np.sign(w), axis=0) != 0))


def assert_rows_match(a, b, rtol):
    """Each saved row of ``a`` equals ``b`` to ``rtol`` relative to the row's ∞-norm."""
    scale = np.max(np.abs(b), axis=1)
    assert np.all(scale > 0)
    assert np.max(np.max(np.abs(a - b), axis=1) / scale) < rtol


def test_thesis_gamma_5_oscillates_through_sign_flips_then_converges():
    """Issue 8 §3: the library stopped at step 0 (DIVERGED); plain GD converges."""
    X, y = thesis_data()
    u0, v0 = np.full(7, 5.0 * np.sqrt(2.0)), np.full(7, 5.0)
    U, V = plain_gd(X, y, 0.01, u0, v0, 3000)
    assert n_sign_changes(U + V) + n_sign_changes(U - V) >= 2  # the oracle flips signs
    traj = gradient_descent(
        X, y, step_size=0.01, alpha=5.0, v0=1.0, n_steps=3000, save_every=1, gtol=0.0
    )
    assert traj.status is TrajectoryStatus.STEP_LIMIT
    assert n_sign_changes(traj.sign_w_plus) + n_sign_changes(traj.sign_w_minus) >= 2
    assert_rows_match(traj.beta, U * V, 1e-13)
    assert_rows_match(traj.u, U, 1e-13)
    assert_rows_match(traj.v, V, 1e-13)
    full = gradient_descent(X, y, step_size=0.01, alpha=5.0, v0=1.0, gtol=1e-10)
    assert full.status is TrajectoryStatus.CONVERGED
    steps = round(full.t[-1] / 0.01)
    U, V = plain_gd(X, y, 0.01, u0, v0, steps)
    assert 0.5 * np.mean((X @ (U[-1] * V[-1]) - y) ** 2) < 1e-15  # the oracle converged too
    assert_rows_match(full.beta[-1:], (U * V)[-1:], 1e-13)
    assert_rows_match(np.c_[full.u[-1:], full.v[-1:]], np.c_[U[-1:], V[-1:]], 1e-13)


def test_sgd_through_sign_flips_matches_plain_sgd():
    X, y = thesis_data()
    rows = sgd_rows(5, 2, 0, 600)
    U, V = plain_gd(X, y, 0.01, np.full(7, 5.0 * np.sqrt(2.0)), np.full(7, 5.0), 600, rows)
    assert n_sign_changes(U + V) + n_sign_changes(U - V) >= 3
    traj = gradient_descent(
        X, y, step_size=0.01, alpha=5.0, v0=1.0, batch_size=2, seed=0, n_steps=600,
        save_every=1, gtol=0.0,
    )  # fmt: skip
    assert traj.method == "sgd" and traj.status is TrajectoryStatus.STEP_LIMIT
    assert_rows_match(traj.beta, U * V, 1e-13)
    assert_rows_match(np.c_[traj.u, traj.v], np.c_[U, V], 1e-13)


def test_sgd_that_really_blows_up_is_diverged_with_the_history_kept():
    X, y = thesis_data()
    rows = sgd_rows(5, 2, 1, 10_000)
    with np.errstate(all="ignore"):
        U, V = plain_gd(X, y, 0.005, np.full(7, 5.0 * np.sqrt(2.0)), np.full(7, 5.0), 10_000, rows)
    assert not np.all(np.isfinite(U[-1] * V[-1]))  # the oracle overflows
    with pytest.warns(DivergenceWarning, match="left the float range"):
        traj = gradient_descent(
            X, y, step_size=0.005, alpha=5.0, v0=1.0, batch_size=2, seed=1, save_every=1,
            max_steps=10_000,
        )  # fmt: skip
    assert traj.status is TrajectoryStatus.DIVERGED
    n = len(traj.t)  # every iterate up to the last in range, exactly as plain SGD
    assert n > 10 and np.max(np.abs(traj.beta[-1])) > 1e50
    assert np.all(np.isfinite(U[:n] * V[:n])) and not np.all(np.isfinite(U[n + 1] * V[n + 1]))
    calm = np.max(np.abs(U * V)[:n], axis=1) < 1e6  # the blow-up itself amplifies rounding
    assert calm.sum() >= 10
    assert_rows_match(traj.beta[calm], (U * V)[:n][calm], 1e-13)
    assert_rows_match(traj.beta, (U * V)[:n], 1e-11)


def test_a_factor_exactly_zero_zeroes_the_weight_for_ever():
    """u0 = 2, v0 = 1, x = 1, y = −2, η = 1/4: 1 − ηg = 0 at step 0, so w+ = u + v = 0."""
    X, y = np.array([[1.0]]), np.array([-2.0])
    traj = gradient_descent(X, y, step_size=0.25, alpha=1.0, u0=2.0, v0=1.0, save_every=1)
    assert traj.status is TrajectoryStatus.CONVERGED
    U, V = plain_gd(X, y, 0.25, np.array([2.0]), np.array([1.0]), len(traj.t) - 1)
    assert np.all(U[1:] + V[1:] == 0.0)  # the oracle: w+ is exactly zero after step 0
    assert np.all(np.isneginf(traj.log_abs_w_plus[1:, 0])) and np.all(traj.sign_w_plus[1:] == 0)
    np.testing.assert_allclose(traj.u, U, rtol=1e-14, atol=0)
    np.testing.assert_allclose(traj.v, V, rtol=1e-14, atol=0)
    assert traj.beta[1, 0] == pytest.approx(-1.0, rel=1e-15)  # β₁ = −½w₋² = −1
    assert traj.beta[-1, 0] == pytest.approx(-2.0, rel=1e-8)  # converges to y/x


def test_record_is_thinned_to_max_saved_with_a_warning():
    X, y = thesis_data()
    with pytest.warns(RecordThinnedWarning, match="every 16-th"):
        traj = gradient_descent(
            X, y, step_size=0.01, alpha=1e-3, n_steps=1000, save_every=1, max_saved=100
        )
    assert traj.save_stride == 16 and len(traj.t) <= 100
    steps = np.rint(traj.t / 0.01).astype(int)
    assert steps[0] == 0 and steps[-1] == 1000 and np.all(steps[:-1] % 16 == 0)
    dense = gradient_descent(X, y, step_size=0.01, alpha=1e-3, n_steps=1000, save_every=1)
    np.testing.assert_array_equal(traj.beta, dense.beta[steps])


@pytest.mark.slow
def test_saving_every_step_stays_small():
    """Issue 8 §5: 1e6 dense GD steps at d = 7 took 1.8 GB; here 2e4 took 31 MB before."""
    X, y = thesis_data()
    gradient_descent(X, y, step_size=0.01, alpha=1e-3, n_steps=10)  # imports, caches
    tracemalloc.start()
    try:
        traj = gradient_descent(X, y, step_size=0.01, alpha=1e-3, n_steps=20_000, save_every=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(traj.t) == 20_001
    row = 8 * (5 * 7 + 2) + 2 * 7  # bytes of one saved iterate
    assert peak < 2.0 * row * 20_001, f"peak {peak / 1e6:.1f} MB"  # was ~5 rows' worth
