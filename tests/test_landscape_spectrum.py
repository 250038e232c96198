"""Tests of the Hessian of F(u, v) = L(u ⊙ v) and of the classification of its points."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saddlepath.landscape import (
    CriticalPointType,
    limit_weights,
    network_gradient,
    network_hessian,
    saddle_spectrum,
)
from saddlepath.loss import squared_loss

WORKED_X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
WORKED_Y = np.array([1.0, 0.0])


def _random_point(seed: int, n: int = 4, d: int = 3):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((n, d)),
        rng.standard_normal(n),
        rng.standard_normal(d),
        rng.standard_normal(d),
    )


@pytest.mark.parametrize("seed", range(4))
def test_gradient_matches_finite_differences_of_the_loss(seed):
    X, y, u, v = _random_point(seed)
    w = np.concatenate((u, v))
    d = u.size

    def F(w):
        return squared_loss(X, y, w[:d] * w[d:])

    h = 1e-6
    fd = np.array([(F(w + h * e) - F(w - h * e)) / (2 * h) for e in np.eye(2 * d)])
    np.testing.assert_allclose(network_gradient(X, y, u, v), fd, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_hessian_matches_finite_differences_of_the_gradient(seed):
    """H_uu = diag(v)G diag(v), H_vv = diag(u)G diag(u), H_uv = diag(v)G diag(u) + diag(g)."""
    X, y, u, v = _random_point(seed)
    d = u.size
    w = np.concatenate((u, v))
    h = 1e-6
    columns = [
        (
            network_gradient(X, y, *np.split(w + h * e, 2))
            - network_gradient(X, y, *np.split(w - h * e, 2))
        )
        / (2 * h)
        for e in np.eye(2 * d)
    ]
    H = network_hessian(X, y, u, v)
    np.testing.assert_allclose(H, np.array(columns).T, rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(H, H.T)
    g = (X @ (u * v) - y) @ X / X.shape[0]
    assert np.allclose(np.diag(H[:d, d:]), v * np.diag(X.T @ X) / X.shape[0] * u + g)


def test_one_coordinate_origin_has_eigenvalues_plus_minus_xty_over_n():
    """d = 1, n = 3: at the origin H = [[0, g], [g, 0]] with g = −xᵀy/n = −7/3, so the
    eigenvalues are ±7/3 (the 1/(2n) loss; ±7 would be the un-normalised loss)."""
    X, y = np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 0.0, 2.0])
    spec = saddle_spectrum(X, y, [0.0], [0.0])
    np.testing.assert_allclose(spec.eigenvalues, [-7 / 3, 7 / 3], rtol=1e-14)
    assert spec.classification is CriticalPointType.STRICT_SADDLE
    assert spec.morse_index == 1 and spec.top_eigen_coordinate == 0
    # escaping direction: u and v grow with the same sign, so β = uv grows towards xᵀy/xᵀx > 0
    eu, ev = spec.eigenvectors[0]
    assert eu * ev > 0
    np.testing.assert_allclose(spec.unstable_beta_directions, [[1.0]])


def test_one_coordinate_minimiser_is_stable():
    """After the jump, β* = xᵀy/xᵀx = 1/2 and |u| = |v| = √β*: H = G[[v², uv], [uv, u²]] with
    G = xᵀx/n = 14/3, eigenvalues 0 (the rescaling symmetry) and G(u² + v²) = 2Gβ* = 14/3."""
    X, y = np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 0.0, 2.0])
    for sign in (1.0, -1.0):
        u, v = sign * np.sqrt([0.5]), sign * np.sqrt([0.5])
        spec = saddle_spectrum(X, y, u, v)
        np.testing.assert_allclose(spec.eigenvalues, [0.0, 14 / 3], atol=1e-14)
        assert spec.classification is CriticalPointType.GLOBAL_MINIMUM
        assert (spec.morse_index, spec.n_zero, spec.n_symmetric) == (0, 1, 1)
        assert spec.gradient_norm < 1e-14  # round-off only: u² = v² = 0.5·(1 ± 2ε)


def test_two_coordinates_one_sample_analytic_equilibria():
    """n = 1, d = 2, X = [[a, b]], y = (c): L = (aβ₁ + bβ₂ − c)²/2, G = [[a², ab], [ab, b²]].

    Critical points (Prop. 1): the origin, (c/a, 0) and (0, c/b); both columns together are
    dependent (n = 1), a line of interpolators. Origin: g = −c(a, b), the pairs decouple,
    eigenvalues ±|ac|, ±|bc|, index 2. At (c/a, 0): r = 0 so g = 0; pair 1 has the block
    a²[[v₁², u₁v₁], [u₁v₁, u₁²]] (eigenvalues 0 and 2a²|c/a| = 2|ac|), pair 2 is zero: the
    spectrum is {0, 0, 0, 2|ac|}, a global minimum. On the line, β = (β₁, β₂) with both
    non-zero: H = JᵀGJ has rank one, eigenvalue 2(a²|β₁| + b²|β₂|).
    """
    a, b, c = 2.0, -1.5, 3.0
    X, y = np.array([[a, b]]), np.array([c])
    origin = saddle_spectrum(X, y, np.zeros(2), np.zeros(2))
    np.testing.assert_allclose(
        origin.eigenvalues, [-abs(a * c), -abs(b * c), abs(b * c), abs(a * c)]
    )
    assert origin.morse_index == 2 and origin.unstable_coordinates == (0, 1)
    single = saddle_spectrum(X, y, *limit_weights([c / a, 0.0]))
    np.testing.assert_allclose(single.eigenvalues, [0, 0, 0, 2 * abs(a * c)], atol=1e-13)
    assert single.classification is CriticalPointType.GLOBAL_MINIMUM
    beta = np.array([1.0, (c - a) / b])
    line = saddle_spectrum(X, y, *limit_weights(beta))
    expected = 2 * (a**2 * abs(beta[0]) + b**2 * abs(beta[1]))
    np.testing.assert_allclose(line.eigenvalues, [0, 0, 0, expected], atol=1e-13)
    assert line.n_symmetric == 2


def test_worked_example_origin_and_first_saddle():
    origin = saddle_spectrum(WORKED_X, WORKED_Y, np.zeros(4), np.zeros(4))
    np.testing.assert_allclose(origin.unstable_eigenvalues, [-0.5, -0.35, -0.25])
    assert origin.morse_index == 3  # x₃ᵀy = 0: a zero pair, not unstable
    first = saddle_spectrum(WORKED_X, WORKED_Y, *limit_weights([0.8, 0, 0, 0]))
    np.testing.assert_allclose(first.unstable_eigenvalues, [-0.15, -0.14, -0.05], atol=1e-14)
    assert first.top_eigen_coordinate == 1
    # the quadratic β-direction of the top eigenvector: −sign(∂₁L)·e₁ = −e₁
    np.testing.assert_allclose(first.unstable_beta_directions[0], [0, -1, 0, 0], atol=1e-12)


def test_local_minimum_and_degenerate_points():
    """Off critical points: β₀ = 0.9 below the fit (g₀ < 0) makes the pair-0 block positive
    definite: with pair 1 non-zero and g₁ ≠ 0 too it is LOCAL_MINIMUM; with pair 1 at zero and
    g₁ = 0 it has two zero eigenvalues beyond the symmetry: DEGENERATE."""
    X, y = np.eye(2), np.array([1.0, 0.0])
    u, v = limit_weights([0.9, 0.0])
    assert saddle_spectrum(X, y, u, v).classification is CriticalPointType.DEGENERATE
    X3, y3 = np.eye(2), np.array([1.0, 1.0])
    u, v = limit_weights([0.9, 0.8])
    spec = saddle_spectrum(X3, y3, u, v)
    assert spec.classification is CriticalPointType.LOCAL_MINIMUM and spec.morse_index == 0
    u, v = limit_weights([1.1, 0.8])  # above the fit: g₀ > 0, one negative eigenvalue
    assert saddle_spectrum(X3, y3, u, v).morse_index == 1


@given(st.integers(0, 10_000))
def test_exact_saddles_split_off_pairs_like_the_dense_eigensolver(seed):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((3, 5)), rng.standard_normal(3)
    beta = np.where(rng.random(5) < 0.5, rng.standard_normal(5), 0.0)
    u, v = limit_weights(beta)
    spec = saddle_spectrum(X, y, u, v)
    dense = np.linalg.eigvalsh(network_hessian(X, y, u, v))
    np.testing.assert_allclose(spec.eigenvalues, dense, atol=1e-10 * max(1, abs(dense).max()))
    H = network_hessian(X, y, u, v)
    residual = H @ spec.eigenvectors.T - spec.eigenvectors.T * spec.eigenvalues
    assert np.abs(residual).max() < 1e-9 * max(1, abs(dense).max())


@pytest.mark.parametrize("seed", range(3))
def test_tiny_weights_split_off_within_round_off_and_unstable_vectors_only(seed):
    """A finite-α-like point: O(1) weights on a support, 1e-30…1e-5 elsewhere. Pairs whose
    coupling is below round-off are solved as 2×2 blocks; eigenpairs must match the dense
    solver, and vectors="unstable" must return the same unstable eigenvectors."""
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((6, 12)), rng.standard_normal(6)
    scale = np.where(rng.random(12) < 0.3, 1.0, 10.0 ** rng.uniform(-30, -5, 12))
    u, v = scale * rng.standard_normal(12), scale * rng.standard_normal(12)
    H = network_hessian(X, y, u, v)
    full = saddle_spectrum(X, y, u, v)
    dense = np.linalg.eigvalsh(H)
    np.testing.assert_allclose(full.eigenvalues, dense, atol=1e-12 * abs(dense).max())
    resid = H @ full.eigenvectors.T - full.eigenvectors.T * full.eigenvalues
    assert np.abs(resid).max() < 1e-12 * abs(dense).max()
    part = saddle_spectrum(X, y, u, v, vectors="unstable")
    assert (
        part.eigenvectors.shape == (full.morse_index, 24)
        and part.morse_index == full.morse_index > 0
    )
    overlap = np.abs(np.sum(part.eigenvectors * full.eigenvectors[: full.morse_index], axis=1))
    np.testing.assert_allclose(overlap, 1.0, atol=1e-8)
    assert part.unstable_coordinates == full.unstable_coordinates


def test_spectrum_at_a_finite_alpha_point_matches_the_limit():
    """Weights of size α on the inactive pairs shift the eigenvalues by O(α) (0.63·α on
    this instance): at α = 1e-8 against the dense eigensolver, at α = 1e-12 against the
    limit's eigenvalues (exactly −0.15, −0.14, −0.05; the shift, 6e-13, is 150× below)."""
    u, v = limit_weights([0.8, 0, 0, 0])
    for alpha in (1e-8, 1e-12):
        u_alpha = u + alpha * np.sqrt(2)
        spec = saddle_spectrum(WORKED_X, WORKED_Y, u_alpha, v)
        dense = np.linalg.eigvalsh(network_hessian(WORKED_X, WORKED_Y, u_alpha, v))
        np.testing.assert_allclose(spec.unstable_eigenvalues, dense[:3], rtol=0, atol=1e-13)
        assert spec.top_eigen_coordinate == 1
    np.testing.assert_allclose(spec.unstable_eigenvalues, [-0.15, -0.14, -0.05], rtol=0, atol=1e-10)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"`u` parameter of saddle_spectrum must have shape"):
        saddle_spectrum(WORKED_X, WORKED_Y, np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"`vectors` parameter of saddle_spectrum"):
        saddle_spectrum(WORKED_X, WORKED_Y, np.zeros(4), np.zeros(4), vectors="some")
    with pytest.raises(ValueError, match=r"`rtol` parameter of saddle_spectrum"):
        saddle_spectrum(WORKED_X, WORKED_Y, np.zeros(4), np.zeros(4), rtol=2.0)
    with pytest.raises(TypeError, match=r"`v` must hold real numbers"):
        network_hessian(WORKED_X, WORKED_Y, np.zeros(4), ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"`u` contains NaN"):
        network_gradient(WORKED_X, WORKED_Y, [np.nan, 0, 0, 0], np.zeros(4))
