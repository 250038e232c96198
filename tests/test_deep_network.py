r"""The deep MLP, :math:`L_0`, its gradients and the sphere, against independent oracles."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

pytest.importorskip("jax")


import jax

from saddlepath.deep import (
    cross_entropy_gradient,
    escape_direction,
    first_order_loss,
    mse_gradient,
    network_output,
)

RNG = np.random.default_rng(7)
X = RNG.standard_normal((9, 3))
G = RNG.standard_normal((9, 2))


def _weights(widths, n_in=3, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    dims = (n_in, *widths, n_out)
    return [rng.standard_normal((b, a)) for a, b in itertools.pairwise(dims)]


def test_output_matches_a_per_sample_loop():
    ws = _weights((4, 5))
    for k, x in enumerate(X):
        z = ws[0] @ x
        for W in ws[1:]:
            z = W @ np.maximum(z, 0.0)
        np.testing.assert_allclose(np.asarray(network_output(ws, X))[k], z, rtol=1e-13)
    lin = np.asarray(network_output(ws, X, activation="linear"))
    np.testing.assert_allclose(lin, X @ (ws[2] @ ws[1] @ ws[0]).T, rtol=1e-12)
    assert float(first_order_loss(ws, X, G)) == pytest.approx(
        sum(G[k] @ np.asarray(network_output(ws, X))[k] for k in range(9)), rel=1e-13
    )  # a sum over samples, not a mean


@pytest.mark.parametrize("widths", [(4,), (4, 5), (3, 3, 3)])
def test_homogeneous_of_degree_depth(widths):
    ws = _weights(widths)
    c = 1.7
    scaled = first_order_loss([c * W for W in ws], X, G)
    assert float(scaled) == pytest.approx(
        c ** len(ws) * float(first_order_loss(ws, X, G)), rel=1e-12
    )


def test_gradient_against_central_differences():
    ws = _weights((4, 5), seed=2)
    grads = jax.grad(first_order_loss)(ws, X, G)
    h = 1e-6
    for ell, W in enumerate(ws):
        for idx in np.ndindex(W.shape):
            plus = [V.copy() for V in ws]
            minus = [V.copy() for V in ws]
            plus[ell][idx] += h
            minus[ell][idx] -= h
            fd = (float(first_order_loss(plus, X, G)) - float(first_order_loss(minus, X, G))) / (
                2 * h
            )
            assert float(grads[ell][idx]) == pytest.approx(fd, abs=1e-7)


def test_gradient_helpers_are_the_cost_gradients_at_zero():
    T = RNG.standard_normal((6, 2))
    labels = np.array([0, 2, 1, 2, 0, 1])

    def mse(Y):
        return np.sum((Y - T) ** 2) / (2 * len(T))

    def ce(Y):
        shifted = Y - Y.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(6), labels])

    for cost, G0, shape in (
        (mse, mse_gradient(T), (6, 2)),
        (ce, cross_entropy_gradient(labels), (6, 3)),
    ):
        fd = np.zeros(shape)
        for idx in np.ndindex(shape):
            E = np.zeros(shape)
            E[idx] = 1e-6
            fd[idx] = (cost(E) - cost(-E)) / 2e-6
        np.testing.assert_allclose(G0, fd, atol=1e-9)


def test_the_sphere_is_kept_after_every_step():
    from saddlepath.deep._sphere import adam_on_sphere, descent_on_sphere

    starts = tuple(np.stack([W / np.linalg.norm(W)] * 2) for W in _weights((4, 4)))
    for n in (1, 3):
        ws = adam_on_sphere(starts, X, G, activation="relu", n_steps=n, lr=0.05)
        assert np.allclose(
            sum(np.sum(np.asarray(W) ** 2, axis=(1, 2)) for W in ws), 3.0, rtol=1e-13
        )
        ws = descent_on_sphere(starts, X, G, activation="relu", n_steps=n, lr=0.5, final_ratio=0.1)[
            0
        ]
        assert np.allclose(
            sum(np.sum(np.asarray(W) ** 2, axis=(1, 2)) for W in ws), 3.0, rtol=1e-13
        )


def test_linear_network_speed_is_the_top_singular_value():
    """Deep linear: max Tr[Gᵀ X W₁ᵀ…W_Lᵀ] on the sphere is σ₁(GᵀX) (nuclear-norm Hölder + AM–GM)."""
    res = escape_direction(X, G, (3, 3), activation="linear", n_restarts=3, seed=1,
                           n_warmup_steps=300, n_steps=1500)  # fmt: skip
    assert res.speed == pytest.approx(np.linalg.svd(G.T @ X, compute_uv=False)[0], rel=1e-8)
    assert res.ranks == (1, 1, 1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"X": np.ones(3)}, r"`X` must be 2-dimensional.*X.reshape\(-1, 1\)"),
        ({"G": np.ones((4, 2))}, r"`G` must have one row per sample of `X`.*mse_gradient"),
        ({"widths": ()}, r"`widths` must list at least one hidden width.*widths=\(16,\)"),
        ({"widths": (0,)}, r"The `widths` parameter of escape_direction must be an int in \[1"),
        ({"activation": "tanh"}, r"`activation` must be 'relu' or 'linear'"),
        ({"n_restarts": 0}, r"`n_restarts` parameter of escape_direction must be an int in \[1"),
        ({"G": np.full((9, 2), np.nan)}, r"`G` contains NaN"),
    ],
)
def test_bad_input_names_the_argument(kwargs, match):
    args = {"X": X, "G": G, "widths": (4,)} | kwargs
    X_, G_, widths = args.pop("X"), args.pop("G"), args.pop("widths")
    with pytest.raises(ValueError, match=match):
        escape_direction(X_, G_, widths, **args)


def test_bad_continuation_and_labels_name_the_fix():
    small = escape_direction(X, G, (4,), n_restarts=1, seed=0, n_warmup_steps=10, n_steps=20)
    with pytest.raises(
        ValueError, match=r"`from_shallower` must be a depth-2 result with widths \(5,\)"
    ):
        escape_direction(X, G, (5, 4), from_shallower=small, n_steps=20)
    with pytest.raises(TypeError, match=r"`widths` must be a sequence of ints, e.g. \(16, 16\)"):
        escape_direction(X, G, 8)
    with pytest.raises(ValueError, match="`labels` must be a non-empty 1-D array"):
        cross_entropy_gradient([0.5, 1.0])
