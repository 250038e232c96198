"""Tests of the exact rational saddle-to-saddle path (the oracle for the float path).

Expected values come from the worked example (``saddlepath.data.worked_example``), from closed
forms (first jump), and from independent solvers (LP for the minimum-ℓ1 interpolator,
``numpy.linalg.lstsq``); everything else is an exact invariant of Algorithm 1.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from saddlepath.testing import (
    MAX_BOUNDARY_SIZE,
    RationalPath,
    rational_saddle_path,
)

WORKED_X = [["1", ".5", ".7", "0"], [".5", "1", ".1", ".7"]]
WORKED_Y = (1, 0)


# ------------------------------------------------------------------ exact helpers


def _exact(X, y):
    rows = [[Fraction(str(v)) if isinstance(v, str) else Fraction(v) for v in row] for row in X]
    return rows, [Fraction(v) for v in y]


def _gradient(X, y, beta):
    residual = [
        sum(a * b for a, b in zip(row, beta, strict=True)) - t for row, t in zip(X, y, strict=True)
    ]
    return [
        sum(row[i] * r for row, r in zip(X, residual, strict=True)) / len(X)
        for i in range(len(beta))
    ]


def _loss(X, y, beta):
    residual = [
        sum(a * b for a, b in zip(row, beta, strict=True)) - t for row, t in zip(X, y, strict=True)
    ]
    return sum(r * r for r in residual) / (2 * len(X))


def _sign(v):
    return (v > 0) - (v < 0)


def _random_problem(seed, n_samples, n_features, *, full_rank=False):
    rng = np.random.default_rng(seed)
    while True:
        X = rng.integers(-3, 4, size=(n_samples, n_features))
        y = rng.integers(-3, 4, size=n_samples)
        rank_ok = np.linalg.matrix_rank(X) == min(X.shape) or not full_rank
        if rank_ok and np.any(X.T @ y):
            return X, y


def assert_path_invariants(path: RationalPath, X, y) -> None:
    """Exact checks of Algorithm 1 at every saddle, recomputed from the data."""
    X, y = _exact(X, y)
    d = len(X[0])
    assert path.tau[0] == 0 and path.dual[0] == (0,) * d and path.beta[0] == (0,) * d
    for k, (beta, s) in enumerate(zip(path.beta, path.dual, strict=True)):
        g = _gradient(X, y, beta)
        assert path.loss[k] == _loss(X, y, beta)
        for i in range(d):
            assert abs(s[i]) <= 1
            if beta[i] != 0:  # on the support: s_i = sign(β_i) and ∂_i L = 0
                assert s[i] == _sign(beta[i]) and g[i] == 0
            elif abs(s[i]) == 1:  # on the boundary at zero: KKT multiplier ≥ 0
                assert s[i] * g[i] >= 0
        if k == 0:
            continue
        g_prev = _gradient(X, y, path.beta[k - 1])
        step = path.tau[k] - path.tau[k - 1]
        assert step > 0
        assert path.loss[k] < path.loss[k - 1]
        assert list(s) == [a - step * b for a, b in zip(path.dual[k - 1], g_prev, strict=True)]
        assert any(
            b != 0 and abs(a) == 1 for a, b in zip(s, g_prev, strict=True)
        )  # Δ is a first hit
        was, now = path.beta[k - 1], beta
        assert path.entered[k] == tuple(i for i in range(d) if was[i] == 0 and now[i] != 0)
        assert path.left[k] == tuple(i for i in range(d) if was[i] != 0 and now[i] == 0)
    assert path.converged == (not any(_gradient(X, y, path.beta[-1])))


# ------------------------------------------------------------------ worked example


def test_worked_example_times_and_saddles():
    path = rational_saddle_path(WORKED_X, WORKED_Y)
    assert path.tau == (0, 2, 8, 8 + Fraction(160, 49))
    assert path.beta == (
        (0, 0, 0, 0),
        (Fraction(4, 5), 0, 0, 0),
        (0, 0, Fraction(7, 5), 0),
        (0, 0, Fraction(10, 7), Fraction(-10, 49)),
    )
    assert path.converged and path.unique and path.n_jumps == 3
    assert_path_invariants(path, WORKED_X, WORKED_Y)


def test_worked_example_first_coordinate_leaves_at_second_jump():
    path = rational_saddle_path(WORKED_X, WORKED_Y)
    assert path.left[2] == (0,)
    assert path.entered[1] == (0,) and path.entered[2] == (2,) and path.entered[3] == (3,)
    # coordinate 0 stays at zero after leaving while its dual moves back inside (-1, 1)
    assert abs(path.dual[-1][0]) < 1


def test_worked_example_input_types_agree():
    reference = rational_saddle_path(WORKED_X, WORKED_Y)
    as_fractions = [[Fraction(v) for v in row] for row in WORKED_X]
    as_decimals = [[Decimal(v) for v in row] for row in WORKED_X]
    as_strings_array = np.array(WORKED_X)
    for X in (as_fractions, as_decimals, as_strings_array):
        assert rational_saddle_path(X, np.array(WORKED_Y)) == reference


def test_floats_are_converted_exactly():
    # 0.1 is not 1/10 in binary: the oracle must see the double that was passed
    path = rational_saddle_path(np.array([[0.1]]), [0.3])
    assert path.beta[-1] == (Fraction(0.3) / Fraction(0.1),)
    assert path.beta[-1] != (3,)


def test_max_jumps_truncates_without_converging():
    path = rational_saddle_path(WORKED_X, WORKED_Y, max_jumps=1)
    assert path.n_jumps == 1 and not path.converged
    assert path.beta[1] == (Fraction(4, 5), 0, 0, 0)
    assert rational_saddle_path(WORKED_X, WORKED_Y, max_jumps=0).tau == (0,)


def test_as_float_matches_fractions():
    path = rational_saddle_path(WORKED_X, WORKED_Y)
    floats = path.as_float()
    assert floats.beta.shape == floats.dual.shape == (4, 4)
    assert floats.tau.shape == floats.loss.shape == (4,)
    assert floats.tau.dtype == np.float64 and not floats.beta.flags.writeable
    assert floats.tau[-1] == float(8 + Fraction(160, 49))
    assert floats.beta[-1, 3] == float(Fraction(-10, 49))
    assert floats.loss[0] == 0.25


def test_coordinate_changes_sign_after_its_dual_crosses_the_box():
    # Derived by hand. Jump 1 (τ = n/‖Xᵀy‖∞ = 1/2): β = (-4/5, 0). Jump 2 (τ = 4/3): the
    # unconstrained fit (1, 3) has the wrong sign on coordinate 0, which leaves: β = (0, 3/2)
    # with ∂_0 L = -1/4, so s_0 travels from -1 to +1 in Δ = 2/|∂_0 L| = 8 and coordinate 0
    # re-enters with the opposite sign at τ = 28/3, where β interpolates y.
    X, y = [[-1, 1], [-2, 1]], [2, 1]
    path = rational_saddle_path(X, y)
    assert path.tau == (0, Fraction(1, 2), Fraction(4, 3), Fraction(28, 3))
    assert path.beta == ((0, 0), (Fraction(-4, 5), 0), (0, Fraction(3, 2)), (1, 3))
    assert path.dual[2][0] == -1 and path.dual[3][0] == 1
    assert path.left[2] == (0,) and path.entered[3] == (0,) and path.unique
    assert_path_invariants(path, X, y)


# ------------------------------------------------------------------ closed forms


@pytest.mark.parametrize("seed", range(6))
def test_first_jump_is_closed_form(seed):
    X, y = _random_problem(seed, 2 + seed % 3, 3 + seed % 2)
    path = rational_saddle_path(X, y)
    correlations = X.T @ y
    n = X.shape[0]
    assert path.tau[1] == Fraction(n, int(np.max(np.abs(correlations))))
    winners = np.flatnonzero(np.abs(correlations) == np.max(np.abs(correlations)))
    if len(winners) == 1:  # one-column least-squares fit on argmax |x_iᵀy|
        i = int(winners[0])
        expected = [Fraction(0)] * X.shape[1]
        expected[i] = Fraction(int(correlations[i]), int(X[:, i] @ X[:, i]))
        assert path.beta[1] == tuple(expected)
        assert path.entered[1] == (i,)


def test_zero_targets_give_only_the_origin():
    path = rational_saddle_path([[1, 2], [3, 4]], [0, 0])
    assert path.tau == (0,) and path.beta == ((0, 0),) and path.converged
    assert path.entered == ((),) and path.left == ((),) and path.loss == (0,)


# ------------------------------------------------------------------ endpoints


@pytest.mark.parametrize(
    ("seed", "n_samples", "n_features"),
    [(0, 1, 3), (1, 2, 4), (2, 2, 5), (3, 3, 5), (4, 2, 3), (5, 3, 4)],
)
def test_underdetermined_end_is_minimum_l1_interpolator(seed, n_samples, n_features):
    X, y = _random_problem(seed, n_samples, n_features, full_rank=True)
    path = rational_saddle_path(X, y)
    assert path.converged
    assert_path_invariants(path, X, y)
    beta = path.beta[-1]
    assert [sum(int(a) * b for a, b in zip(row, beta, strict=True)) for row in X] == list(y)
    lp = linprog(
        np.ones(2 * n_features), A_eq=np.hstack([X, -X]), b_eq=y, bounds=(0, None), method="highs"
    )
    assert lp.status == 0
    assert float(sum(abs(b) for b in beta)) == pytest.approx(lp.fun, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("seed", "n_samples", "n_features"),
    [(0, 2, 2), (1, 3, 2), (2, 4, 3), (3, 3, 3), (4, 5, 3), (5, 2, 1)],
)
def test_overdetermined_end_is_least_squares(seed, n_samples, n_features):
    X, y = _random_problem(seed, n_samples, n_features, full_rank=True)
    path = rational_saddle_path(X, y)
    assert path.converged
    assert_path_invariants(path, X, y)
    beta = path.beta[-1]
    # zero gradient with full column rank identifies the least-squares solution exactly
    assert not any(_gradient(*_exact(X, y), beta))
    expected = np.linalg.lstsq(X.astype(float), y.astype(float), rcond=None)[0]
    np.testing.assert_allclose([float(b) for b in beta], expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_invariants_on_random_integer_problems(data):
    n_samples = data.draw(st.integers(1, 3), label="n_samples")
    n_features = data.draw(st.integers(1, 4), label="n_features")
    entries = st.integers(-3, 3)
    X = data.draw(
        st.lists(
            st.lists(entries, min_size=n_features, max_size=n_features),
            min_size=n_samples,
            max_size=n_samples,
        ),
        label="X",
    )
    y = data.draw(st.lists(entries, min_size=n_samples, max_size=n_samples), label="y")
    path = rational_saddle_path(X, y)
    assert path.converged  # the number of saddles is finite (losses strictly decrease)
    assert_path_invariants(path, X, y)


# ------------------------------------------------------------------ non-uniqueness


def test_duplicate_columns_are_not_unique_and_share_weight():
    X = [[1, 1, 0], [2, 2, 1]]
    y = [1, 3]
    path = rational_saddle_path(X, y)
    assert not path.unique
    assert_path_invariants(path, X, y)
    assert all(beta[0] == beta[1] for beta in path.beta)
    assert any(beta[0] != 0 for beta in path.beta)  # the duplicated column is used


def test_opposite_columns_are_not_unique():
    X = [[1, -1], [2, -2]]
    y = [1, 1]
    path = rational_saddle_path(X, y)
    assert not path.unique
    assert_path_invariants(path, X, y)
    assert path.beta[-1][0] == -path.beta[-1][1] == Fraction(3, 10)


def test_unused_dependent_boundary_columns_keep_the_minimiser_unique():
    # Columns 0 and 1 are opposite, so their signed columns coincide on the boundary and
    # the normal equations are singular for supports holding both; but the minimiser
    # (0, 0, -1) interpolates y and no other sign-feasible β does: unique stays True.
    X, y = [[-1, 1, 1], [-1, 1, 0]], [-1, 0]
    path = rational_saddle_path(X, y)
    assert path.tau == (0, 2) and path.dual[1] == (1, -1, -1)
    assert path.beta[1] == (0, 0, -1) and path.unique and path.converged


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("X", "y", "error", "match"),
    [
        ([[1, 2], [3]], [1, 2], ValueError, r"`X` is ragged: row 0 has 2 entries but row 1"),
        ([], [], ValueError, r"`X` is empty"),
        ([[], []], [1, 2], ValueError, r"rows of length 0"),
        ([1, 2], [1], ValueError, r"`X` must be 2-D .* row 0 is 1"),
        (np.ones((2, 2, 2)), [1, 2], ValueError, r"`X` must be 2-D; got an array of shape"),
        ([[1], [2]], [1], ValueError, r"`X` has 2 rows but `y` has 1 entries"),
        ([[1]], np.ones((1, 1)), ValueError, r"`y` must be 1-D.*np\.ravel"),
        ([[1]], [[1]], ValueError, r"`y` must be 1-D; entry 0 is a sequence"),
        ([[float("nan")]], [1], ValueError, r"`X` entry \[0\]\[0\] is nan; .* finite"),
        ([[1]], [float("inf")], ValueError, r"`y` entry \[0\] is inf; .* finite"),
        ([[Decimal("NaN")]], [1], ValueError, r"`X` entry \[0\]\[0\].* finite"),
        ([["1", "abc"]], [1], ValueError, r"`X` entry \[0\]\[1\] is the string 'abc'"),
        ([[None]], [1], TypeError, r"`X` entry \[0\]\[0\] has type NoneType"),
        ("12", [1], TypeError, r"`X` must be a sequence or a NumPy array; got str"),
        ([[1]], 3, TypeError, r"`y` must be a sequence or a NumPy array; got int"),
    ],
)
def test_invalid_data_is_rejected(X, y, error, match):
    with pytest.raises(error, match=match):
        rational_saddle_path(X, y)


@pytest.mark.parametrize(("value", "error"), [(-1, ValueError), (1.5, TypeError)])
def test_invalid_max_jumps_is_rejected(value, error):
    with pytest.raises(error, match=r"The `max_jumps` parameter of rational_saddle_path"):
        rational_saddle_path(WORKED_X, WORKED_Y, max_jumps=value)


def test_large_boundary_set_is_refused():
    # all columns equal: every coordinate reaches the boundary at the first jump
    n_features = MAX_BOUNDARY_SIZE + 1
    with pytest.raises(ValueError, match=rf"boundary set .* has {n_features} coordinates"):
        rational_saddle_path([[1] * n_features], [1])
    path = rational_saddle_path([[1] * 3], [1])  # below the cap it runs, sharing equally
    assert path.beta[-1] == (Fraction(1, 3),) * 3 and not path.unique
