"""The exact path on degenerate data (ties, duplicates, dependence, bad scaling) and the
regressions found by fuzzing: certified, or a status and a warning — never silently wrong."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from helpers import WORKED_X, WORKED_Y, quiet_path
from saddlepath import NonUniqueSaddleWarning, PathStatus, saddle_path
from saddlepath.testing import rational_saddle_path

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
