"""The exact path: worked example, closed forms, oracles, invariances, degenerate data."""

from __future__ import annotations

import warnings

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
    sparse_gaussian,
)
from saddlepath import NonUniqueSaddleWarning, PathStatus, saddle_path
from saddlepath.testing import rational_saddle_path


def quiet_path(X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonUniqueSaddleWarning)
        return saddle_path(X, y, **kw)


# --- the worked example (background.md §1.2) -------------------------------------------


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


# --- degenerate data --------------------------------------------------------------------


def test_zero_target_is_just_the_origin():
    path = saddle_path(np.eye(3), np.zeros(3))
    assert path.n_jumps == 0 and path.status is PathStatus.MIN_L1_INTERPOLATOR


def test_target_orthogonal_to_every_column():
    path = saddle_path(np.array([[1.0], [0.0]]), np.array([0.0, 1.0]))
    assert path.n_jumps == 0 and path.status is PathStatus.LEAST_SQUARES


@pytest.mark.parametrize(("n", "d"), [(1, 1), (1, 6), (5, 1)])
def test_tiny_shapes(n, d):
    rng = np.random.default_rng(n * 10 + d)
    path = saddle_path(rng.standard_normal((n, d)), rng.standard_normal(n))
    assert path.check(endpoint=True).passed


def test_simultaneous_entries_are_one_jump():
    path = saddle_path(np.eye(3), np.array([1.0, -1.0, 1.0]))
    assert path.n_jumps == 1 and path.entered[1] == (0, 1, 2)
    np.testing.assert_allclose(path.beta[1], [1.0, -1.0, 1.0])


def _with_column(col_fn):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3, 4))
    y = 2.0 * X[:, 0] + 0.1 * X[:, 1]
    return np.column_stack([X, col_fn(X)]), y


@pytest.mark.parametrize(("col_fn", "sign"), [(lambda X: X[:, 0], 1.0), (lambda X: -X[:, 0], -1.0)])
def test_duplicate_columns_share_weight_equally(col_fn, sign):
    X, y = _with_column(col_fn)
    with pytest.warns(NonUniqueSaddleWarning, match="shared equally"):
        path = saddle_path(X, y)
    assert path.status is PathStatus.NON_UNIQUE
    np.testing.assert_allclose(path.beta[-1], [1.0, 0.1, 0, 0, sign * 1.0], atol=1e-10)
    assert path.check().passed


@pytest.mark.parametrize("col_fn", [lambda X: np.zeros(3), lambda X: 0.5 * X[:, 0]])
def test_zero_and_shorter_parallel_columns_never_enter(col_fn):
    X, y = _with_column(col_fn)
    path = saddle_path(X, y)
    assert path.status is PathStatus.MIN_L1_INTERPOLATOR
    assert np.all(path.beta[:, 4] == 0)
    assert path.check().passed


def test_collinear_column_in_general_position_is_unique():
    X, y = _with_column(lambda X: X[:, 0] + X[:, 1])
    path = saddle_path(X, y)
    np.testing.assert_allclose(path.beta[-1], [1.9, 0, 0, 0, 0.1], atol=1e-10)


def test_degenerate_tie_reports_the_max_entropy_minimiser():
    X = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])  # three columns tie, rank two
    with pytest.warns(NonUniqueSaddleWarning, match="maximum-entropy"):
        path = saddle_path(X, np.array([1.0, 1.0]))
    assert path.status is PathStatus.NON_UNIQUE
    np.testing.assert_allclose(path.beta[-1], [2 / 3, 2 / 3, 2 / 3], rtol=1e-7)
    assert path.check().passed


def test_rank_deficient_design():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 8))
    for y in (rng.standard_normal(6), X @ np.r_[1.0, 0, 0, 2, 0, 0, 0, 0]):
        assert quiet_path(X, y).check(endpoint=True).passed


def test_badly_scaled_columns():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((5, 10)) * np.logspace(-6, 6, 10)
    path = saddle_path(X, rng.standard_normal(5))
    assert path.check(endpoint=True).passed


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


# --- regressions found by fuzzing ------------------------------------------------------


def test_max_jumps_equal_to_the_path_length_still_converges():
    path = saddle_path(WORKED_X, WORKED_Y, max_jumps=3)
    assert path.status is PathStatus.MIN_L1_INTERPOLATOR
    assert saddle_path(WORKED_X, WORKED_Y, max_jumps=2).status is PathStatus.JUMP_LIMIT


def test_unexplorable_face_is_still_flagged_non_unique():
    X = np.array(
        [
            [0, 1, 1, 1, 0, 1, 0],
            [0, 1, 0, 1, 1, 1, 0],
            [0, 0, 1, 0, 0, 0, 0],
            [1, 0, 1, 1, 0, 0, 1],
            [1, 1, 0, 1, 1, 0, 0],
        ],
        dtype=float,
    )
    y = np.array([-2.0, -1.0, -1.0, 0.0, 2.0])
    exact = rational_saddle_path(X, y)
    assert not exact.unique  # the last saddle is a segment of minimisers
    with pytest.warns(NonUniqueSaddleWarning):
        path = saddle_path(X, y)
    assert path.status is PathStatus.NON_UNIQUE
    np.testing.assert_allclose(path.tau, exact.as_float().tau, rtol=1e-12)


@pytest.mark.parametrize("seed", [3, 46, 73, 96, 103])
@pytest.mark.parametrize("precision", ["float64", "mixed"])
def test_badly_scaled_columns_never_give_a_silent_wrong_path(seed, precision):
    # column norms over eight orders of magnitude: either the path is certified or the
    # solver says it stopped (a below-tolerance gradient must not push a dual past ±1)
    rng = np.random.default_rng(seed)
    n, d = int(rng.choice([20, 50])), int(rng.choice([100, 300]))
    rng.integers(0, 3)
    X = rng.standard_normal((n, d)) * 10.0 ** rng.uniform(-4, 4, d)
    y = rng.standard_normal(n) if rng.random() < 0.5 else X[:, :5] @ rng.standard_normal(5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = saddle_path(X, y, precision=precision)
    if path.status is PathStatus.STAGNATED:
        assert caught  # never silent
        return
    drift = _dual_drift(path)
    assert drift < 1e-4, f"dual left [-1, 1] by {drift:.2e} without a warning"


def _dual_drift(path):
    """max |s| − 1 along the path, the duals integrated in extended precision."""
    X, y = path.X.astype(np.longdouble), path.y.astype(np.longdouble)
    s = np.zeros(X.shape[1], dtype=np.longdouble)
    worst = 0.0
    for k in range(1, path.n_saddles):
        grad = X.T @ (X @ path.beta[k - 1].astype(np.longdouble) - y) / X.shape[0]
        s -= (path.tau[k] - path.tau[k - 1]) * grad
        worst = max(worst, float(np.abs(s).max() - 1))
    return worst
