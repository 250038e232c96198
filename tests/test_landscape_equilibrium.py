"""Tests of refine_equilibrium and limit_weights (P&F Prop. 1)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saddlepath import saddle_path
from saddlepath.data import make_sparse_regression
from saddlepath.landscape import RefinementStatus, limit_weights, refine_equilibrium

WORKED_X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
WORKED_Y = np.array([1.0, 0.0])


@given(beta=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6), scale=st.floats(0.0, 10.0))
def test_limit_weights_solve_both_equations(beta, scale):
    beta = np.array(beta)
    c = scale * np.linspace(-1, 1, beta.size)
    u, v = limit_weights(beta, c)
    np.testing.assert_allclose(u * v, beta, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(u**2 - v**2, c, rtol=1e-9, atol=1e-9 * max(1.0, abs(beta).max()))


def test_limit_weights_at_alpha_zero_are_square_roots_with_signs():
    u, v = limit_weights([4.0, -9.0, 0.0], u_sign=[-1, 1, 1])
    np.testing.assert_array_equal(u, [-2.0, 3.0, 0.0])
    np.testing.assert_array_equal(v, [-2.0, -3.0, 0.0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_snaps_noisy_points_to_the_exact_saddles_of_the_path(seed):
    ds = make_sparse_regression(8, 12, n_nonzero=3, seed=seed)
    path = saddle_path(ds.X, ds.y)
    rng = np.random.default_rng(seed)
    for k, beta in enumerate(path.beta):
        noisy = beta * (1 + 1e-3 * rng.standard_normal(beta.size))
        noisy += np.where(beta == 0, 1e-20 * rng.standard_normal(beta.size), 0.0)
        eq = refine_equilibrium(ds.X, ds.y, beta=noisy)
        assert eq.status is RefinementStatus.EXACT, k
        np.testing.assert_allclose(eq.beta, beta, atol=1e-10 * np.abs(beta).max(initial=1))
        assert eq.relative_residual < 1e-12
        assert eq.distance < 5e-3
        # the last saddle interpolates: its loss is round-off, ~1e-32·L(0), on either side
        np.testing.assert_allclose(eq.loss, path.loss[k], rtol=1e-10, atol=1e-24 * path.loss[0])


def test_origin_plateau_point_snaps_to_the_origin():
    """A point at α-scale is compared on the data's scale, not its own: it is the origin."""
    eq = refine_equilibrium(WORKED_X, WORKED_Y, beta=[1e-40, 3e-41, -2e-42, 1e-60])
    assert eq.support.size == 0 and eq.status is RefinementStatus.EXACT
    assert eq.distance < 1e-39 and eq.residual == 0.0


def test_leaving_coordinate_does_not_fool_the_support():
    """A coordinate still decaying (1e-3) after a jump is not part of the saddle."""
    eq = refine_equilibrium(WORKED_X, WORKED_Y, beta=[7.9e-4, 1e-28, 1.3988, -6.9e-4])
    np.testing.assert_allclose(eq.beta, [0, 0, 1.4, 0], atol=1e-15)


def test_weights_keep_the_conserved_quantity_on_the_support():
    """From (u, v) the refined weights keep c = u² − v² on the support, zero elsewhere."""
    alpha = 1e-3
    beta = np.array([0.0, 0.0, 1.39, 2e-3])
    c = 2 * alpha**2 * np.ones(4)
    u, v = limit_weights(beta, c)
    eq = refine_equilibrium(WORKED_X, WORKED_Y, u=u, v=v)
    np.testing.assert_array_equal(eq.support, [2])
    np.testing.assert_allclose(eq.u[2] ** 2 - eq.v[2] ** 2, c[2], rtol=1e-6)
    np.testing.assert_allclose(eq.u * eq.v, [0, 0, 1.4, 0], atol=1e-15)
    assert eq.u[0] == eq.v[0] == 0.0
    assert eq.residual < 1e-15


def test_far_point_is_flagged():
    eq = refine_equilibrium(WORKED_X, WORKED_Y, beta=[0.4, 0.0, 0.7, 0.0])
    assert eq.status is RefinementStatus.FAR and eq.distance > 0.1


def test_round_off_entries_are_pruned_from_the_support():
    """y in the span of one column: the two-column fit has a zero (round-off) entry."""
    X = np.array([[1.0, 0.3], [0.0, 1.0], [0.0, 0.2]])
    y = 2.0 * X[:, 0]
    eq = refine_equilibrium(X, y, beta=[2.0, 1e-3])
    np.testing.assert_array_equal(eq.support, [0])
    assert eq.beta[1] == 0.0


def test_duplicate_columns_are_not_isolated():
    X = np.array([[1.0, 1.0], [2.0, 2.0]])
    eq = refine_equilibrium(X, np.array([1.0, 2.0]), beta=[0.5, 0.5])
    assert eq.status is RefinementStatus.NOT_ISOLATED
    np.testing.assert_allclose(eq.beta, [0.5, 0.5])


def test_errors():
    with pytest.raises(ValueError, match=r"either `beta` or the weights"):
        refine_equilibrium(WORKED_X, WORKED_Y, beta=np.zeros(4), u=np.zeros(4))
    with pytest.raises(ValueError, match=r"needs `beta`, or both `u` and `v`"):
        refine_equilibrium(WORKED_X, WORKED_Y, u=np.zeros(4))
    with pytest.raises(ValueError, match=r"`gap` parameter of refine_equilibrium"):
        refine_equilibrium(WORKED_X, WORKED_Y, beta=np.zeros(4), gap=1.0)
    with pytest.raises(ValueError, match=r"`beta` parameter of refine_equilibrium must have"):
        refine_equilibrium(WORKED_X, WORKED_Y, beta=np.zeros(3))
    with pytest.raises(ValueError, match=r"`max_distance`"):
        refine_equilibrium(WORKED_X, WORKED_Y, beta=np.zeros(4), max_distance=0.0)
