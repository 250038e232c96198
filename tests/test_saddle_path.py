"""The exact path: worked example, closed forms, oracles, invariances, errors.

Degenerate data and the fuzzing regressions are in ``test_saddle_path_degenerate.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import (
    WORKED_SADDLES,
    WORKED_TIMES,
    WORKED_X,
    WORKED_Y,
    integer_problem,
    min_l1_lp,
    quiet_path,
    sparse_gaussian,
)
from saddlepath import PathStatus, saddle_path
from saddlepath.testing import rational_saddle_path

# --- the worked example (saddlepath.data.worked_example) ------------------------------


def test_worked_example_times_saddles_and_leaving_coordinate():
    path = saddle_path(WORKED_X, WORKED_Y)
    np.testing.assert_allclose(path.tau, [float(t) for t in WORKED_TIMES], rtol=1e-14)
    np.testing.assert_allclose(path.beta, np.array(WORKED_SADDLES, dtype=float), atol=1e-14)
    assert path.entered == ((), (0,), (2,), (3,))
    assert path.left[2] == (0,)  # coordinate 0 leaves the support at the second jump
    assert path.status is PathStatus.MIN_L1_INTERPOLATOR and path.interpolates
    assert path.n_jumps == 3


def test_first_jump_closed_form():
    X, y, _ = sparse_gaussian(30, 80, 5, seed=1)
    path = saddle_path(X, y)
    n = X.shape[0]
    corr = X.T @ y
    i = int(np.argmax(np.abs(corr)))
    assert path.tau[1] == pytest.approx(n / np.abs(corr).max(), rel=1e-13)
    assert path.entered[1] == (i,)
    expected = np.zeros(X.shape[1])
    expected[i] = corr[i] / (X[:, i] @ X[:, i])  # one-column least squares
    np.testing.assert_allclose(path.beta[1], expected, rtol=1e-12, atol=1e-15)


# --- an exact oracle: rational arithmetic ---------------------------------------------


@pytest.mark.parametrize("seed", range(25))
def test_agrees_with_rational_oracle(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(1, 5)), int(rng.integers(1, 7))
    X, y = integer_problem(n, d, seed=seed)
    exact = rational_saddle_path(X, y)
    path = quiet_path(X, y)
    ref = exact.as_float()
    assert path.n_saddles == len(exact.tau)
    np.testing.assert_allclose(path.tau, ref.tau, rtol=1e-11)
    np.testing.assert_allclose(path.loss, ref.loss, rtol=1e-11, atol=1e-14)
    if not exact.unique:  # the choice of minimiser differs; times and losses do not
        assert path.status is PathStatus.NON_UNIQUE
        return
    np.testing.assert_allclose(path.beta, ref.beta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(path.dual, ref.dual, rtol=1e-10, atol=1e-12)
    assert path.entered == exact.entered
    assert path.left == exact.left


# --- invariants and the endpoint on random data (property tests) -----------------------


@given(
    n=st.integers(1, 12),
    d=st.integers(1, 25),
    seed=st.integers(0, 2**31 - 1),
    noisy=st.booleans(),
)
def test_certificate_and_endpoint_on_gaussian_data(n, d, seed, noisy):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) * (rng.random(d) < 0.3).any() + noisy * rng.standard_normal(n)
    path = saddle_path(X, y)
    report = path.check(endpoint=True)
    assert report.passed, str(report)
    ref = min_l1_lp(X, y)
    assert np.abs(path.beta[-1]).sum() == pytest.approx(np.abs(ref).sum(), rel=1e-8, abs=1e-12)
    assert np.all(np.diff(path.loss) < 0)


def test_agrees_with_lars_where_they_must():
    lars_path = pytest.importorskip("sklearn.linear_model").lars_path
    X, y, _ = sparse_gaussian(40, 120, 6, seed=3)
    path = saddle_path(X, y)
    alphas, _, coefs = lars_path(X, y, method="lasso", max_iter=10_000)
    # sklearn's alpha is max|Xᵀr|/n, so the first breakpoint is P&F's τ₁ = 1/alphas[0]
    assert path.tau[1] == pytest.approx(1.0 / alphas[0], rel=1e-12)
    # both end at the minimum-ℓ1 interpolator (unique for Gaussian data)
    np.testing.assert_allclose(path.beta[-1], coefs[:, -1], atol=1e-8)


def test_n_at_least_d_ends_at_least_squares():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((20, 6)), rng.standard_normal(20)
    path = saddle_path(X, y)
    assert path.status is PathStatus.LEAST_SQUARES and not path.interpolates
    np.testing.assert_allclose(path.beta[-1], np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)


# --- invariances: scaling, permutations ---------------------------------------------


def test_scaling_y_scales_saddles_and_shrinks_times():
    X, y, _ = sparse_gaussian(15, 40, 4, seed=5)
    a, b = saddle_path(X, y), saddle_path(X, 3.0 * y)
    np.testing.assert_allclose(b.tau, a.tau / 3.0, rtol=1e-11)
    np.testing.assert_allclose(b.beta, 3.0 * a.beta, rtol=1e-10, atol=1e-13)


def test_scaling_X_rescales_times_and_saddles():
    X, y, _ = sparse_gaussian(15, 40, 4, seed=6)
    a, b = saddle_path(X, y), saddle_path(2.0 * X, y)
    np.testing.assert_allclose(b.tau, a.tau / 2.0, rtol=1e-11)
    np.testing.assert_allclose(b.beta, a.beta / 2.0, rtol=1e-10, atol=1e-13)


def test_column_and_row_permutations():
    X, y, _ = sparse_gaussian(15, 40, 4, seed=7)
    perm = np.random.default_rng(0).permutation(40)
    rows = np.random.default_rng(1).permutation(15)
    a, b, c = saddle_path(X, y), saddle_path(X[:, perm], y), saddle_path(X[rows], y[rows])
    np.testing.assert_allclose(b.beta[:, np.argsort(perm)], a.beta, atol=1e-12)
    np.testing.assert_allclose(c.tau, a.tau, rtol=1e-12)


def test_mixed_precision_gives_the_same_path():
    X, y, _ = sparse_gaussian(60, 400, 25, seed=8)  # past recovery: many jumps, leaving coords
    a = saddle_path(X, y, precision="float64")
    b = saddle_path(X, y, precision="mixed")
    assert a.n_jumps == b.n_jumps > 40
    assert a.entered == b.entered and a.left == b.left
    np.testing.assert_allclose(b.tau, a.tau, rtol=1e-12)
    np.testing.assert_allclose(b.beta, a.beta, rtol=1e-10, atol=1e-12)
    assert any(a.left[1:])  # the instance really exercises coordinates leaving


# --- the limit process between jumps ----------------------------------------------------


def test_at_and_dual_at():
    path = saddle_path(WORKED_X, WORKED_Y)
    mids = 0.5 * (path.tau[:-1] + path.tau[1:])
    np.testing.assert_allclose(path.at(mids), path.beta[:-1])
    np.testing.assert_allclose(path.at(path.tau), path.beta)
    np.testing.assert_allclose(path.dual_at(path.tau), path.dual, atol=1e-14)
    eps = 1e-9  # the dual is continuous across each jump
    np.testing.assert_allclose(path.dual_at(path.tau[1:] - eps), path.dual[1:], atol=1e-8)
    assert np.all(np.abs(path.dual_at(np.linspace(0, 20, 101))) <= 1 + 1e-12)
    with pytest.raises(ValueError, match="`tau` must hold finite accelerated times"):
        path.at(-1.0)


def test_jump_limit_status():
    X, y, _ = sparse_gaussian(10, 30, 8, seed=14)
    path = saddle_path(X, y, max_jumps=2)
    assert path.status is PathStatus.JUMP_LIMIT and path.n_jumps == 2
    assert path.check().passed


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "y", "error", "match"),
    [
        (np.array([[1.0, np.nan]]), np.ones(1), ValueError, r"`X` contains NaN or infinite"),
        (np.ones((2, 2)), np.array([1.0, np.inf]), ValueError, r"`y` contains NaN or infinite"),
        (np.ones(3), np.ones(3), ValueError, r"`X` must be 2-dimensional.*reshape"),
        (np.ones((3, 2)), np.ones((3, 1)), ValueError, r"`y` must be 1-dimensional.*ravel"),
        (np.ones((3, 2)), np.ones(2), ValueError, r"same number of samples.*3 rows.*2 entries"),
        (np.ones((0, 2)), np.ones(0), ValueError, r"`X` is empty"),
        (np.array([["a", "b"]]), np.ones(1), TypeError, r"`X` must hold real numbers"),
        (np.ones((1, 2)) * 1j, np.ones(1), TypeError, r"`X` must be real"),
    ],
)
def test_bad_data(X, y, error, match):
    with pytest.raises(error, match=match):
        saddle_path(X, y)


@pytest.mark.parametrize(
    ("option", "error", "match"),
    [
        ({"max_jumps": 0}, ValueError, r"`max_jumps` parameter of saddle_path must be an int"),
        ({"max_jumps": 2.5}, TypeError, r"`max_jumps`.*Got 2.5"),
        ({"grad_tol": -1.0}, ValueError, r"`grad_tol` parameter.*\(0, 1\]. Got -1.0"),
        ({"tie_tol": float("nan")}, ValueError, r"`tie_tol`"),
        ({"precision": "half"}, ValueError, r"`precision`.*'auto'.*Got 'half'"),
    ],
)
def test_bad_options(option, error, match):
    with pytest.raises(error, match=match):
        saddle_path(WORKED_X, WORKED_Y, **option)


def test_round_off_zero_at_a_degenerate_saddle_is_reported_as_leaving():
    # n ≥ d and y = Xβ*: the last saddle is exactly β*, so a coordinate that entered
    # earlier but is zero in β* must leave rather than linger as round-off
    from saddlepath.data import make_sparse_regression

    data = make_sparse_regression(20, 15, n_nonzero=4, seed=1)
    path = saddle_path(data.X, data.y)
    support = set(np.flatnonzero(data.beta_star))
    assert set(np.flatnonzero(path.beta[-1])) == support
    entered = set().union(*path.entered)
    assert entered - support <= set().union(*path.left)
    np.testing.assert_allclose(path.beta[-1], data.beta_star, atol=1e-12)


def test_figure1_problem_has_three_clean_jumps():
    from saddlepath.data import figure1_problem

    data = figure1_problem()
    path = saddle_path(data.X, data.y)
    assert path.n_jumps == 3 and not any(path.left)
    assert [len(e) for e in path.entered[1:]] == [1, 1, 1]
    assert set().union(*path.entered) == set(np.flatnonzero(data.beta_star))
    assert np.min(np.diff(path.tau)) > 0.5  # well separated: visible at moderate α
