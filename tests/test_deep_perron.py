r"""MSE on non-negative data: the optimal escape is a rank-one chain of speed σ₁(GᵀX).

With inputs :math:`X \ge 0` and targets :math:`T \ge 0` entrywise, :math:`G = -T/n` and
:math:`M = -G^\top X \ge 0`. **Upper bound** (any depth L, any widths): since
:math:`|\mathrm{relu}(z)| \le |z|` entrywise and :math:`x_k \ge 0`,
:math:`|Y(x_k)| \le |W_L|\cdots|W_1|\,x_k`, so with :math:`A = |W_L|\cdots|W_1|`
(entrywise absolute values) :math:`-L_0 = \sum_k (T_k/n)^\top Y(x_k) \le \mathrm{Tr}[A^\top
M] \le \|A\|_*\,\sigma_1(M) \le \prod_\ell\|W_\ell\|_F\,\sigma_1(M) \le \sigma_1(M)`
(Hölder; :math:`\|BC\|_* \le \|B\|_F\|C\|_F`; AM–GM on :math:`\sum\|W_\ell\|_F^2 = L`).
**Attained** by Perron–Frobenius: the top singular vectors :math:`v, u` of :math:`M` can be
taken non-negative; :math:`W_1 = e_1u^\top`, :math:`W_\ell = e_1e_1^\top`, :math:`W_L = ve_1^\top`
keeps every ReLU input non-negative and gives :math:`-L_0 = v^\top Mu = \sigma_1(M)`.
The oracle is :func:`numpy.linalg.svd`.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")
sklearn_datasets = pytest.importorskip("sklearn.datasets")

from saddlepath.deep import escape_direction, escape_directions_by_depth, mse_gradient  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    X, y = sklearn_datasets.load_digits(return_X_y=True)
    X, y = X[:400] / 16.0, y[:400]  # raw pixel intensities: non-negative
    G = mse_gradient(np.eye(10)[y])
    assert np.all(-G.T @ X >= 0)
    return X, G, np.linalg.svd(G.T @ X, compute_uv=False)


OPTIONS = {"n_warmup_steps": 500, "n_steps": 2000}


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_speed_is_sigma_one_at_every_depth(digits, depth):
    X, G, sigma = digits
    res = escape_direction(X, G, (8,) * (depth - 1), n_restarts=3, seed=depth, **OPTIONS)
    assert sigma[0] > 1.05 * sigma[1]  # a unique top direction, so the chain is unique
    assert res.speed == pytest.approx(sigma[0], rel=1e-6)
    assert np.all(res.speeds <= sigma[0] * (1 + 1e-12))  # the bound holds for every restart
    assert res.status.success
    for s in res.singular_values:  # the optimum is unique (σ₁ simple): a rank-one chain
        assert s[1] < 1e-4 * s[0]


@pytest.mark.slow
def test_continuation_keeps_the_speed(digits):
    X, G, sigma = digits
    results = escape_directions_by_depth(X, G, 8, [2, 3], n_restarts=1, seed=0, **OPTIONS)
    assert [r.depth for r in results] == [2, 3]
    assert results[1].speeds[0] == pytest.approx(sigma[0], rel=1e-6)  # the warm start alone
    assert results[1].speed >= results[0].speed * (1 - 1e-12)
