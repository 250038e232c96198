r"""refine_saddle against closed-form saddles of deep linear networks (and a ReLU one).

Oracle. With whitened inputs (:math:`X^\top X = nI`) and MSE, the cost of a deep linear
network is :math:`C = \tfrac12\|W - M\|_F^2 + c_0`, :math:`W = W_L\cdots W_1`,
:math:`M = T^\top X/n = \sum_i s_iu_iv_i^\top`, :math:`c_0 = \|T\|^2/(2n) - \tfrac12\|M\|^2`.
The balanced factorisation of the truncation to a set :math:`S` of singular triplets
(:math:`W_1 = \sum_{i\in S} s_i^{1/L}e_iv_i^\top`, middle layers
:math:`\sum_{i\in S} s_i^{1/L}e_ie_i^\top`, :math:`W_L = \sum_{i\in S}s_i^{1/L}u_ie_i^\top`)
is a critical point with :math:`C = \tfrac12\sum_{i\notin S}s_i^2 + c_0`: every gradient
:math:`W_{>\ell}^\top(W - M)W_{<\ell}^\top` vanishes because :math:`W - M` only holds the
triplets outside :math:`S`.

Hessian at depth 2, :math:`S` = the top :math:`k`, width :math:`h > k`. Perturb
:math:`W_1 + A`, :math:`W_2 + B`: the second-order change is
:math:`\tfrac12\|W_2A + BW_1\|^2 + \langle W - M, BA\rangle`. For a free unit
:math:`z \perp e_S`, :math:`A = a\,zv_j^\top`, :math:`B = b\,u_jz^\top` (:math:`j \notin S`)
gives :math:`W_2A = BW_1 = 0` and :math:`\langle W - M, BA\rangle = -ab\,s_j`, so
:math:`\lambda = -s_j` with eigenvector :math:`(zv_j^\top, u_jz^\top)/\sqrt2`, once per free
unit. Mixing a used unit :math:`i \in S` with :math:`j \notin S` gives
:math:`s_i - s_j \ge 0`. So the Morse index is :math:`(h - k)(\mathrm{rank}\,M - k)` and the
unstable eigenvalues are :math:`-s_{k+1}, \dots`. At depth 3 the same free-unit direction
changes :math:`W` only at third order and the mixed one gives
:math:`s_i^{1/3}(s_i - s_j) \ge 0`: no negative eigenvalue (a degenerate saddle).
"""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

from saddlepath.deep import DeepSaddle, SaddleStatus  # noqa: E402
from saddlepath.landscape import refine_saddle  # noqa: E402
from saddlepath.warnings import SaddlepathWarning  # noqa: E402

N, D, O = 40, 6, 5


@pytest.fixture(scope="module")
def problem():
    """Whitened inputs, random targets and the SVD of the target map M = TᵀX/n."""
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((N, D)))
    X = Q * np.sqrt(N)
    T = rng.standard_normal((N, O))
    U, s, Vt = np.linalg.svd(T.T @ X / N)
    return X, T, U, s, Vt


def balanced(U, s, Vt, k, width, depth):
    """The balanced factorisation of the rank-k truncation (units 0..k-1 used)."""
    c = s[:k] ** (1.0 / depth)
    W1 = np.zeros((width, Vt.shape[1]))
    W1[:k] = c[:, None] * Vt[:k]
    middle = [np.diag(np.r_[c, np.zeros(width - k)]) for _ in range(depth - 2)]
    WL = np.zeros((U.shape[0], width))
    WL[:, :k] = U[:, :k] * c
    return [W1, *middle, WL]


def closed_form_loss(T, s, k):
    return 0.5 * np.sum(T**2) / N - 0.5 * np.sum(s[:k] ** 2)


def product(weights):
    P = weights[0]
    for W in weights[1:]:
        P = W @ P
    return P


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_the_constructed_saddle_is_critical_with_its_closed_form_loss(problem, depth):
    X, T, U, s, Vt = problem
    res = refine_saddle(X, T, balanced(U, s, Vt, 2, 3, depth), activation="linear",
                        max_iter=0, k=2)  # fmt: skip
    assert isinstance(res, DeepSaddle) and res.status is SaddleStatus.CONVERGED
    assert res.gradient_norm <= 1e-14 * res.gradient_scale
    assert res.loss == pytest.approx(closed_form_loss(T, s, 2), abs=1e-13)
    assert res.bottleneck_rank == 2
    for sv, W in zip(res.singular_values[1:-1], res.weights[1:-1], strict=True):
        np.testing.assert_allclose(sv[:2], s[:2] ** (1 / depth), rtol=1e-13)
        assert np.all(sv[2:] == 0) and W.shape == (3, 3)


def test_depth_two_unstable_eigenvalues_are_the_next_singular_values(problem):
    X, T, U, s, Vt = problem
    weights = balanced(U, s, Vt, 2, 3, 2)
    res = refine_saddle(X, T, weights, activation="linear", max_iter=0, k=4)
    # one free unit (h − k = 1) and rank M − k = 3: Morse index 3, eigenvalues −s₃, −s₄, −s₅
    np.testing.assert_allclose(res.eigenvalues[:3], -s[[2, 3, 4]], atol=1e-11)
    assert abs(res.eigenvalues[3]) <= 1e-11  # the GL(2) symmetry of the used units
    assert res.morse_index_estimate == 3 and not res.index_is_lower_bound
    z = np.eye(3)[2]
    for j, eig in zip([2, 3, 4], range(3), strict=True):
        expected = np.r_[np.outer(z, Vt[j]).ravel(), np.outer(U[:, j], z).ravel()] / np.sqrt(2)
        assert abs(expected @ res.eigenvectors[eig]) == pytest.approx(1.0, abs=1e-9)
        A, B = res.eigenvector_weights(eig)
        assert A.shape == (3, D) and B.shape == (O, 3)


def test_depth_three_saddle_has_no_negative_eigenvalue(problem):
    X, T, U, s, Vt = problem
    res = refine_saddle(X, T, balanced(U, s, Vt, 1, 3, 3), activation="linear", max_iter=0, k=3)
    assert res.morse_index_estimate == 0
    assert res.eigenvalues[0] >= -1e-12 * res.eigen_tolerance / 1e-6
    assert abs(res.eigenvalues[0]) <= 1e-12


@pytest.mark.parametrize(("depth", "k"), [(2, 1), (2, 2), (3, 2), (4, 1)])
def test_refine_returns_a_perturbed_saddle_to_the_critical_set(problem, depth, k):
    X, T, U, s, Vt = problem
    rng = np.random.default_rng(depth + 10 * k)
    start = [W + 1e-3 * rng.standard_normal(W.shape) for W in balanced(U, s, Vt, k, 3, depth)]
    res = refine_saddle(X, T, start, activation="linear", k=2, tol=1e-11)
    assert res.status is SaddleStatus.CONVERGED and res.status.success
    assert res.gradient_norm <= 1e-11 * res.gradient_scale < res.initial_gradient_norm
    truncation = (U[:, :k] * s[:k]) @ Vt[:k]
    np.testing.assert_allclose(product(res.weights), truncation, atol=1e-8)
    assert res.loss == pytest.approx(closed_form_loss(T, s, k), abs=1e-12)
    assert res.bottleneck_rank == k
    assert res.stats["n_iter"] >= 1 and res.stats["n_hvp_lanczos"] > 0


def test_relu_saddle_on_positive_data_where_relu_acts_linearly():
    """Inputs with disjoint non-negative supports are whitened; M = TᵀX/n ≥ 0 has a positive
    Perron pair (u₁, v₁), so the rank-one balanced factorisation has positive pre-activations
    on every sample on its used unit: there the ReLU network is the linear one."""
    n, d, o, depth = 12, 4, 3, 3
    X = np.zeros((n, d))
    X[np.arange(n), np.arange(n) % d] = np.sqrt(d)  # XᵀX = nI
    T = np.random.default_rng(3).uniform(0.5, 2.0, (n, o))
    U, s, Vt = np.linalg.svd(T.T @ X / n)
    U, Vt = U * np.sign(U[0, 0]), Vt * np.sign(Vt[0, 0])
    assert np.all(U[:, 0] > 0) and np.all(Vt[0] > 0)
    weights = balanced(U, s, Vt, 1, 1, depth)
    exact = refine_saddle(X, T, weights, max_iter=0, k=2)
    assert exact.gradient_norm <= 1e-14 * exact.gradient_scale
    loss = 0.5 * np.sum(T**2) / n - 0.5 * s[0] ** 2
    assert exact.loss == pytest.approx(loss, abs=1e-13)
    rng = np.random.default_rng(4)
    start = [W + 1e-3 * rng.standard_normal(W.shape) for W in weights]
    res = refine_saddle(X, T, start, k=2)
    assert res.status is SaddleStatus.CONVERGED and res.bottleneck_rank == 1
    np.testing.assert_allclose(product(res.weights), s[0] * np.outer(U[:, 0], Vt[0]), atol=1e-8)
    assert res.loss == pytest.approx(loss, abs=1e-12)


def _dense_cost(X, T, loss, activation):
    """The cost written independently of the library (for jax.hessian)."""

    def cost(flat, shapes):
        Ws, at = [], 0
        for shape in shapes:
            Ws.append(flat[at : at + shape[0] * shape[1]].reshape(shape))
            at += shape[0] * shape[1]
        Z = X @ Ws[0].T
        for W in Ws[1:]:
            Z = (jnp.maximum(Z, 0.0) if activation == "relu" else Z) @ W.T
        if loss == "mse":
            return jnp.sum((Z - T) ** 2) / (2 * X.shape[0])
        logp = Z - jax.scipy.special.logsumexp(Z, axis=1, keepdims=True)
        return -jnp.sum(T * logp) / X.shape[0]

    return cost


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_lanczos_eigenvalues_match_a_dense_hessian_on_a_tiny_relu_network(loss):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((7, 3))
    T = np.eye(2)[rng.integers(0, 2, 7)]
    weights = [
        rng.standard_normal((4, 3)),
        rng.standard_normal((3, 4)),
        rng.standard_normal((2, 3)),
    ]
    assert np.min(np.abs(X @ weights[0].T)) > 1e-3  # away from every kink
    res = refine_saddle(X, T, weights, loss=loss, max_iter=0, k=3)
    shapes = [W.shape for W in weights]
    flat = jnp.asarray(np.concatenate([W.ravel() for W in weights]))
    H = np.asarray(jax.hessian(lambda f: _dense_cost(X, T, loss, "relu")(f, shapes))(flat))
    dense = np.linalg.eigvalsh(H)
    np.testing.assert_allclose(res.eigenvalues, dense[:3], atol=1e-9 * np.abs(dense).max())
    for lam, v in zip(res.eigenvalues, res.eigenvectors, strict=True):
        assert np.linalg.norm(H @ v - lam * v) <= 1e-8 * np.abs(dense).max()
    assert res.morse_index_estimate == int(np.sum(dense[:3] < -res.eigen_tolerance))
    assert res.loss == pytest.approx(
        float(_dense_cost(X, T, loss, "relu")(flat, shapes)), rel=1e-14
    )


def test_a_stationary_point_of_the_gradient_norm_is_not_called_critical():
    """C = ½(ab − m)² with m = −3: at (a, b) = (1, −1), ∇C = (−2, 2) ≠ 0 but H∇C = 0, so
    ½‖∇C‖² is stationary there: (ab − m)[a(ab − m) + (a² + b²)b] = 2(2 − 2) = 0."""
    X, T = np.array([[1.0]]), np.array([[-3.0]])
    with pytest.warns(SaddlepathWarning, match="not a critical point"):
        res = refine_saddle(X, T, [np.array([[1.0]]), np.array([[-1.0]])],
                            activation="linear", k=1)  # fmt: skip
    assert res.status is SaddleStatus.NOT_CRITICAL and not res.status.success
    assert res.gradient_norm == pytest.approx(np.sqrt(8.0), rel=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"loss": "hinge"}, "`loss` parameter of refine_saddle"),
        ({"activation": "tanh"}, "`activation` parameter of refine_saddle"),
        ({"tol": 0.0}, "`tol` parameter of refine_saddle"),
        ({"max_iter": -1}, "`max_iter` parameter of refine_saddle"),
        ({"k": 0}, "`k` parameter of refine_saddle"),
        ({"rank_rtol": 1.5}, "`rank_rtol` parameter of refine_saddle"),
    ],
)
def test_bad_options_are_named(problem, kwargs, match):
    X, T, U, s, Vt = problem
    with pytest.raises(ValueError, match=match):
        refine_saddle(X, T, balanced(U, s, Vt, 1, 2, 2), **{"activation": "linear", **kwargs})


def test_weights_that_do_not_chain_are_refused(problem):
    X, T, U, s, Vt = problem
    W1, W2 = balanced(U, s, Vt, 1, 2, 2)
    with pytest.raises(ValueError, match=r"must chain from X's 6 inputs"):
        refine_saddle(X, T, [W1.T, W2], activation="linear")
    with pytest.raises(ValueError, match="at least two matrices"):
        refine_saddle(X, T, [W1], activation="linear")
    with pytest.raises(ValueError, match="one row per sample"):
        refine_saddle(X, T[:3], [W1, W2], activation="linear")
