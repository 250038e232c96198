"""Tests of ``hessian_extremes`` (Lanczos on JAX Hessian-vector products) against exact oracles.

Oracles: the dense Hessian of F(u, v) = L(u ⊙ v) (``network_hessian``, NumPy, written
independently of JAX) diagonalised by ``numpy.linalg.eigh``; quadratics whose Hessian is a
known matrix, with eigenvalues chosen beforehand. JAX x64 is enabled in conftest.py.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("jax")

import jax.numpy as jnp

from helpers import WORKED_X, WORKED_Y, sparse_gaussian
from saddlepath import saddle_path
from saddlepath.landscape import (
    HessianExtremes,
    LanczosStatus,
    hessian_extremes,
    limit_weights,
    network_hessian,
    saddle_spectrum,
)

RTOL = 1e-8  # eigenvalues: relative to ‖H‖₂; eigenvectors: 1 − |cos|


def network_loss(X, y):
    """F(u, v) = ‖X(u ⊙ v) − y‖²/(2n) as a JAX function of the pytree (u, v)."""
    X, y = jnp.asarray(X), jnp.asarray(y)
    return lambda p: 0.5 * jnp.sum((X @ (p[0] * p[1]) - y) ** 2) / X.shape[0]


def assert_matches_dense(res, values, vectors):
    """Computed pairs against the dense ones; vectors only where the eigenvalue is simple."""
    scale = np.abs(values).max()
    for lam, vec in zip(res.eigenvalues, res.eigenvectors, strict=True):
        j = int(np.argmin(np.abs(values - lam)))
        assert abs(lam - values[j]) <= RTOL * scale
        others = np.delete(values, j)
        if np.min(np.abs(others - values[j])) > 1e-3 * scale:  # simple: unique up to sign
            assert abs(vec @ vectors[:, j]) > 1 - RTOL
    assert np.all(res.residuals <= 1e-8 * scale)


def diagonal_saddles():
    """(X, y, u, v) at every saddle of the exact path of two problems."""
    X2, y2, _ = sparse_gaussian(12, 9, 3, seed=4)
    for X, y in ((WORKED_X, WORKED_Y), (X2, y2)):
        for beta in saddle_path(X, y).beta:
            yield (X, y, *limit_weights(beta))


@pytest.mark.parametrize("point", list(diagonal_saddles()), ids=lambda p: f"d{p[0].shape[1]}")
def test_diagonal_network_saddles_match_the_dense_hessian(point):
    X, y, u, v = point
    values, vectors = np.linalg.eigh(network_hessian(X, y, u, v))
    index = saddle_spectrum(X, y, u, v).morse_index
    k = min(index + 2, u.size * 2 - 1)
    res = hessian_extremes(network_loss(X, y), (jnp.asarray(u), jnp.asarray(v)), k=k)
    assert res.status is LanczosStatus.CONVERGED and res.status.success
    assert_matches_dense(res, values, vectors)
    np.testing.assert_allclose(res.eigenvalues, values[:k], rtol=0, atol=RTOL * res.scale)
    assert res.morse_index_estimate == index
    assert res.index_is_lower_bound == (index >= k)


def random_symmetric(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    return (A + A.T) / 2


def test_quadratic_in_a_pytree_of_two_arrays():
    A = random_symmetric(35, seed=1)
    Aj = jnp.asarray(A)

    def loss(p):  # p = {"w": (5, 4) matrix, "b": 15-vector}; flattening order: b, then w
        x = jnp.concatenate([p["b"].ravel(), p["w"].ravel()])
        return 0.5 * x @ Aj @ x + jnp.sum(jnp.sin(x))  # + sin: H = A − diag(sin x)

    params = {"w": jnp.zeros((5, 4)), "b": jnp.zeros(15)}  # sin'' = 0 at 0: H = A exactly
    res = hessian_extremes(loss, params, k=4, which="both", seed=3)
    values, vectors = np.linalg.eigh(A)
    assert res.status.success
    np.testing.assert_allclose(
        res.eigenvalues, np.r_[values[:4], values[-4:]], rtol=0, atol=RTOL * np.abs(values).max()
    )
    assert_matches_dense(res, values, vectors)
    assert res.morse_index_estimate == min(4, int(np.sum(values < 0)))
    tree = res.eigenvector_tree(0, params)
    assert set(tree) == {"w", "b"} and tree["w"].shape == (5, 4) and tree["b"].shape == (15,)
    flat = np.r_[np.ravel(tree["b"]), np.ravel(tree["w"])]
    np.testing.assert_array_equal(flat, res.eigenvectors[0])
    assert res.leaf_shapes == ((15,), (5, 4))


def test_hvp_count_is_far_below_the_dimension():
    n, rng = 2000, np.random.default_rng(7)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    spectrum = np.r_[[-5.0, -3.0, -2.0, -1.0], rng.uniform(0.5, 2.0, n - 4)]  # a Hessian's shape
    A = (Q * spectrum) @ Q.T
    Aj = jnp.asarray(A)
    params = (jnp.zeros((40, 25)), jnp.zeros(1000))
    loss = lambda p: 0.5 * (x := jnp.concatenate([p[0].ravel(), p[1]])) @ Aj @ x  # noqa: E731
    plain = hessian_extremes(loss, params, k=4, verify=False)
    assert plain.stats["n_hvp"] < 150, plain.stats  # measured 59; a dense H needs n = 2000
    np.testing.assert_allclose(plain.eigenvalues, [-5.0, -3.0, -2.0, -1.0], rtol=RTOL)
    res = hessian_extremes(loss, params, k=4)
    assert res.status.success
    np.testing.assert_allclose(res.eigenvalues, [-5.0, -3.0, -2.0, -1.0], rtol=RTOL)
    assert res.morse_index_estimate == 4 and res.index_is_lower_bound  # all k were negative
    for j in range(4):
        assert abs(res.eigenvectors[j] @ Q[:, j]) > 1 - RTOL
    # measured 282: the multiplicity check probes the dense bulk at 0.5 once
    assert res.stats["n_hvp"] < 500 and res.stats["n_deflations"] == 1, res.stats


def test_repeated_eigenvalues_of_a_two_layer_network_are_all_found():
    # F(W1, W2) = ‖X W1ᵀ W2ᵀ − Y‖²/(2n) at W = 0: F(sA, sB) = F(0) − s² Tr(B A M) + O(s⁴),
    # M = XᵀY/n, so H = [[0, −K], [−Kᵀ, 0]] has eigenvalues ±σ_i(M), each h times (one per
    # hidden unit): repeated eigenvalues, which one Lanczos run finds only once.
    rng = np.random.default_rng(0)
    n, p, q, h = 50, 6, 4, 5
    X, Y = rng.standard_normal((n, p)), rng.standard_normal((n, q))
    sigma = np.linalg.svd(X.T @ Y / n, compute_uv=False)
    Xj, Yj = jnp.asarray(X), jnp.asarray(Y)
    loss = lambda W: 0.5 * jnp.sum((Xj @ W[0].T @ W[1].T - Yj) ** 2) / n  # noqa: E731
    res = hessian_extremes(loss, (jnp.zeros((h, p)), jnp.zeros((q, h))), k=2 * h + 1)
    expected = np.repeat(-sigma, h)[: 2 * h + 1]
    np.testing.assert_allclose(res.eigenvalues, expected, rtol=0, atol=RTOL * sigma[0])
    assert res.status.success and res.morse_index_estimate == 2 * h + 1
    assert res.stats["n_deflations"] >= 1
    assert np.allclose(res.eigenvectors @ res.eigenvectors.T, np.eye(2 * h + 1), atol=1e-10)


def test_stopping_early_is_reported_not_hidden():
    A = random_symmetric(300, seed=2)
    Aj = jnp.asarray(A)
    res = hessian_extremes(lambda x: 0.5 * x @ Aj @ x, jnp.zeros(300), k=6, max_iter=1)
    assert res.status is LanczosStatus.NOT_CONVERGED and not res.status.success


def test_repr_is_short():
    res = hessian_extremes(lambda x: jnp.sum(x**2) - 3 * x[0] ** 2, jnp.ones(4), k=2)
    text = repr(res)
    assert isinstance(res, HessianExtremes)
    assert "CONVERGED" in text and "morse_index_estimate=1" in text and len(text) < 200


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"k": 4}, "`k`"), ({"k": 0}, "`k`"), ({"k": 2.0}, "`k`"), ({"k": 2, "which": "both"}, "`k`"),
     ({"which": "largest"}, "`which`"), ({"k": 1, "tol": 0.0}, "`tol`"),
     ({"k": 1, "rtol": 2.0}, "`rtol`")],
)  # fmt: skip
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        hessian_extremes(lambda x: jnp.sum(x**2), jnp.ones(4), **kwargs)


def test_non_scalar_loss_and_integer_params_are_named():
    with pytest.raises(ValueError, match=r"`loss`.*scalar"):
        hessian_extremes(lambda x: x**2, jnp.ones(4), k=1)
    with pytest.raises(ValueError, match="`params`"):
        hessian_extremes(lambda x: jnp.sum(x**2), jnp.ones(4, dtype=int), k=1)
    with pytest.raises(ValueError, match=r"`loss`.*non-finite"):  # √x at 0: H = -∞
        hessian_extremes(lambda x: jnp.sum(jnp.sqrt(x)), jnp.zeros(4), k=1)


def test_module_imports_without_jax():
    code = (
        "import sys; sys.modules['jax'] = None\n"  # every `import jax` now fails
        "import saddlepath.landscape as L\n"
        "try:\n"
        "    L.hessian_extremes(lambda x: x, [1.0, 2.0], k=1)\n"
        "except ImportError as e:\n"
        "    assert 'saddlepath[jax]' in str(e), e\n"
        "else:\n"
        "    raise AssertionError('no ImportError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
