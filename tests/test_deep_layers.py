r"""Layer spectra against matrices whose spectra are known by construction.

Oracles: :math:`P_1\,\mathrm{diag}(s)\,P_2` with signed permutations :math:`P_i` has singular
values exactly :math:`|s|` (sorted), so its energy outside the top one is the rational
:math:`1 - s_1^2/\sum s_i^2` (computed with :class:`fractions.Fraction`); a rank-one chain
:math:`W_\ell = b_\ell c_\ell^\top` with non-negative vectors keeps every ReLU input
non-negative, so each activation is the outer product of known vectors with the single
singular value the product of their norms, and energy 0.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from saddlepath.deep import LayerSpectra, layer_spectra


def signed_permutation(n, rng):
    P = np.eye(n)[rng.permutation(n)]
    return P * rng.choice([-1.0, 1.0], size=n)


def known_spectrum(s, shape, rng):
    """A matrix of the given shape with singular values exactly |s| (and zeros)."""
    D = np.zeros(shape)
    D[np.arange(len(s)), np.arange(len(s))] = s
    return signed_permutation(shape[0], rng) @ D @ signed_permutation(shape[1], rng)


def exact_energy(s):
    squares = sorted((Fraction(v) ** 2 for v in s), reverse=True)
    return float(1 - squares[0] / sum(squares))


def test_weights_of_known_spectra():
    rng = np.random.default_rng(0)
    spectra = [(4.0, 2.0, 1.0), (3.0, 0.5), (2.0, 2.0, 1.0, 0.25)]
    shapes = [(5, 3), (4, 5), (6, 4)]
    ws = [known_spectrum(s, shape, rng) for s, shape in zip(spectra, shapes, strict=True)]
    res = layer_spectra(ws, rng.standard_normal((7, 3)))
    for got, s in zip(res.weight_singular_values, spectra, strict=True):
        expected = np.zeros(len(got))
        expected[: len(s)] = sorted(s, reverse=True)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(res.weight_energy, [exact_energy(s) for s in spectra], rtol=1e-14)
    np.testing.assert_allclose(res.weight_ratio, [2.0, 6.0, 1.0], rtol=1e-14)
    np.testing.assert_allclose(res.bound, [1.0, 2.0**0.25, 3.0**0.25], rtol=1e-15)
    assert res.depth == 3 and res.layer.tolist() == [1, 2, 3]


def test_rank_one_chain_has_no_energy_outside_the_top_value():
    rng = np.random.default_rng(1)
    X = rng.uniform(0.0, 1.0, size=(9, 4))  # non-negative inputs
    widths = (4, 6, 5, 3, 2)
    vecs = [rng.uniform(0.1, 1.0, size=w) for w in widths]
    ws = [np.outer(vecs[i + 1], vecs[i]) for i in range(len(widths) - 1)]
    res = layer_spectra(ws, X)
    norms = [np.linalg.norm(v) for v in vecs]
    # Z_ℓ = (X v_0) · Π_{j<ℓ}(v_jᵀ v_j) · v_ℓᵀ: rank one, σ₁ = ‖X v_0‖ · Π_{j<ℓ}‖v_j‖² · ‖v_ℓ‖
    scale = np.linalg.norm(X @ vecs[0])
    for ell, (s_w, s_a) in enumerate(
        zip(res.weight_singular_values, res.activation_singular_values, strict=True)
    ):
        assert s_w[0] == pytest.approx(norms[ell] * norms[ell + 1], rel=1e-14)
        assert s_a[0] == pytest.approx(scale * norms[ell + 1], rel=1e-13)
        assert np.all(s_w[1:] <= 1e-14 * s_w[0]) and np.all(s_a[1:] <= 1e-14 * s_a[0])
        scale *= norms[ell + 1] ** 2
    assert np.all(res.weight_energy <= 1e-28) and np.all(res.activation_energy <= 1e-28)
    assert np.all(res.weight_ratio >= 1e13) and np.all(res.activation_ratio >= 1e13)


def test_activations_are_post_relu_and_the_last_is_the_output():
    X = np.eye(2)
    W1 = np.array([[3.0, 0.0], [0.0, -2.0], [0.0, 1.0]])
    W2 = np.array([[1.0, 1.0, 1.0]])
    relu = layer_spectra([W1, W2], X)
    # relu(X W1ᵀ) = [[3, 0, 0], [0, 0, 1]]: singular values 3 and 1; output (3, 1)ᵀ
    np.testing.assert_allclose(relu.activation_singular_values[0], [3.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(relu.activation_singular_values[1], [np.sqrt(10.0)], rtol=1e-15)
    assert relu.activation_ratio.tolist() == [3.0, np.inf]
    linear = layer_spectra([W1, W2], X, activation="linear")
    # X W1ᵀ = [[3, 0, 0], [0, −2, 1]]: orthogonal rows of norms 3 and √5
    np.testing.assert_allclose(
        linear.activation_singular_values[0], [3.0, np.sqrt(5.0)], rtol=1e-15
    )
    assert linear.activation_energy[0] == pytest.approx(5.0 / 14.0, rel=1e-14)


def test_invariant_under_rescaling_and_nan_for_a_dead_layer():
    rng = np.random.default_rng(2)
    ws = [rng.standard_normal((4, 3)), rng.standard_normal((4, 4)), rng.standard_normal((2, 4))]
    X = rng.standard_normal((10, 3))
    a, b = layer_spectra(ws, X), layer_spectra([2.0**7 * W for W in ws], X)
    np.testing.assert_allclose(b.weight_energy, a.weight_energy, rtol=1e-13)
    np.testing.assert_allclose(b.activation_ratio, a.activation_ratio, rtol=1e-12)
    dead = layer_spectra([-np.abs(ws[0]), ws[1], ws[2]], np.abs(X))  # every unit dead
    assert np.isnan(dead.activation_energy[0]) and np.isnan(dead.activation_ratio[-1])
    assert np.isfinite(dead.weight_energy).all()
    assert isinstance(dead, LayerSpectra) and repr(dead).startswith("LayerSpectra(")


@pytest.mark.parametrize(
    ("weights", "kwargs", "error", "match"),
    [
        ([np.ones((2, 3))], {}, ValueError, r"weights\[0\].*3 columns.*2"),
        ([np.ones((2, 2)), np.ones((1, 3))], {}, ValueError, r"weights\[1\].*3 columns"),
        (np.ones((2, 2)), {}, TypeError, "sequence of 2-D arrays"),
        ([], {}, TypeError, "non-empty"),
        ([np.ones((2, 2))], {"activation": "tanh"}, ValueError, "activation"),
        ([np.ones(2)], {}, ValueError, r"weights\[0\]"),
    ],
)
def test_bad_input_names_the_argument(weights, kwargs, error, match):
    with pytest.raises(error, match=match):
        layer_spectra(weights, np.ones((4, 2)), **kwargs)
