r"""The toy of Bantzis, Simon & Jacot (2025, Fig. 2): exact answers for its escape speeds.

Data: eight unit vectors :math:`x_k = (\cos k\pi/4, \sin k\pi/4)`, scalar :math:`G_k = (-1)^k`,
depth 3, :math:`L_0 = \sum_k G_k Y(x_k)` on :math:`\|\theta\|^2 = 3`.

**Rank-one first layer ⇒ speed ≤ √2 − 1 (derived here, at any width of W₂, W₃).** With
:math:`W_1 = a u^\top`, :math:`\|u\| = 1`, write :math:`t = u\cdot x`. Then
:math:`\mathrm{relu}(W_1x) = a_+\mathrm{relu}(t) + a_-\mathrm{relu}(-t)` with :math:`a_\pm`
the positive/negative parts of :math:`a` (disjoint supports). Since
:math:`\mathrm{relu}(t)\mathrm{relu}(-t) = 0`, the output is
:math:`Y = \alpha\,\mathrm{relu}(t) + \beta\,\mathrm{relu}(-t)` with
:math:`\alpha = W_3\mathrm{relu}(W_2a_+)`, :math:`\beta = W_3\mathrm{relu}(W_2a_-)`, and
:math:`|\alpha| + |\beta| \le \|W_3\|(\|W_2a_+\| + \|W_2a_-\|) \le
\|W_3\|_F\|W_2\|_F\|a\| \le 1` (Cauchy–Schwarz over the disjoint supports, then AM–GM with
:math:`\|a\|^2 + \|W_2\|^2 + \|W_3\|^2 = 3`). Hence
:math:`-L_0 \le (|\alpha| + |\beta|)\max_{\|u\|=1}|f(u)|` with
:math:`f(u) = \sum_k G_k\mathrm{relu}(u\cdot x_k)`. At :math:`u = e_1`:
:math:`f = 1 - 2\cos(\pi/4) = 1 - \sqrt2`; :math:`f` is piecewise a combination of
:math:`\cos` and :math:`\sin` between the kinks :math:`u \perp x_k`, and the grid test below
(which contains every kink angle) shows :math:`\max|f| = \sqrt2 - 1`. Rank-one weights
(width 1) therefore cannot beat :math:`\sqrt2 - 1`, and attain it (``a = b = c = 1``).

**Depth 2 (one hidden layer), any width: exactly √2 − 1.** There
:math:`-L_0 = -\sum_j c_j f(w_j) \le \sum_j |c_j|\,\|w_j\|(\sqrt2 - 1) \le (\sqrt2 - 1)
\sum_j (c_j^2 + \|w_j\|^2)/2 = \sqrt2 - 1` (``f`` is 1-homogeneous; AM–GM; the sphere is
:math:`\|\theta\|^2 = 2`): one neuron is optimal.

**Structure of anything better.** By the bound, a direction with speed > √2 − 1 has
``rank W₁ ≥ 2`` (so width ≥ 2). Every KKT point with :math:`L_0 \ne 0` is balanced: each layer
is degree-1 homogeneous in :math:`L_0`, so :math:`\langle\nabla_{W_\ell}L_0, W_\ell\rangle = L_0`
and the multiplier condition :math:`\nabla L_0 = -\lambda\theta` gives
:math:`\|W_\ell\|_F^2 = -L_0/\lambda` for every ℓ, i.e. 1 on the sphere; the same
argument per hidden unit (positive homogeneity of ReLU) gives equal norms of its incoming
and outgoing weights.

Measured (not proved): the best speed found at widths ≥ 8 is 0.5 (to 1e-9), with W₁ on the
four axis directions ±e₁, ±e₂ (rank 2) and W₂, W₃ rank one.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")

from saddlepath.deep import escape_direction, first_order_loss

TOY_SPEED = np.sqrt(2.0) - 1.0
ANGLES = np.arange(8) * np.pi / 4
X = np.c_[np.cos(ANGLES), np.sin(ANGLES)]
G = ((-1.0) ** np.arange(8))[:, None]


def test_rank_one_bound_on_a_grid_that_holds_every_kink():
    phi = np.arange(80_000) * (2 * np.pi / 80_000)  # a multiple of 8: k·π/4 are grid points
    u = np.c_[np.cos(phi), np.sin(phi)]
    f = np.maximum(u @ X.T, 0.0) @ G[:, 0]
    assert np.max(np.abs(f)) == pytest.approx(TOY_SPEED, abs=1e-12)
    assert np.abs(f[0]) == pytest.approx(TOY_SPEED, abs=1e-12)  # attained at u = e1


def test_random_nets_with_rank_one_first_layer_never_beat_the_bound():
    rng = np.random.default_rng(3)
    best = 0.0
    for _ in range(300):
        W1 = np.outer(rng.standard_normal(6), rng.standard_normal(2))
        ws = [W1, rng.standard_normal((5, 6)), rng.standard_normal((1, 5))]
        ws = [W * np.sqrt(3.0 / sum(np.sum(V**2) for V in ws)) for W in ws]
        best = max(best, -float(first_order_loss(ws, X, G)))
    assert 0.05 < best <= TOY_SPEED + 1e-12


def test_width_one_reaches_the_closed_form_and_never_exceeds_it():
    res = escape_direction(X, G, (1, 1), n_restarts=16, seed=0)
    assert res.speed == pytest.approx(TOY_SPEED, abs=1e-6)
    assert np.all(res.speeds <= TOY_SPEED + 1e-9)
    assert res.status.success and res.ranks == (1, 1, 1)
    assert sum(np.sum(W**2) for W in res.weights) == pytest.approx(3.0, rel=1e-12)


def test_width_eight_beats_rank_one_with_a_balanced_rank_two_first_layer():
    res = escape_direction(X, G, (8, 8), n_restarts=20, seed=0)
    assert res.speed > TOY_SPEED + 0.05
    assert res.ranks[0] >= 2  # proved necessary in the module docstring
    W1, W2, W3 = res.weights
    for W in res.weights:  # KKT: every layer has Frobenius norm 1 on the sphere ‖θ‖² = 3
        assert np.sum(W**2) == pytest.approx(1.0, abs=1e-6)
    for W_in, W_out in ((W1, W2), (W2, W3)):  # and every hidden unit is balanced
        np.testing.assert_allclose(
            np.linalg.norm(W_in, axis=1), np.linalg.norm(W_out, axis=0), atol=1e-6
        )
    assert np.count_nonzero(res.speeds > TOY_SPEED + 1e-4) >= 2


def test_depth_two_is_one_neuron_at_any_width():
    res = escape_direction(X, G, (8,), n_restarts=8, seed=1)
    assert res.speed == pytest.approx(TOY_SPEED, abs=1e-6)
    assert np.all(res.speeds <= TOY_SPEED + 1e-9)


@pytest.mark.slow
def test_depth_continuation_keeps_the_wide_optimum():
    from saddlepath.deep import escape_directions_by_depth

    d3, d4 = escape_directions_by_depth(X, G, 8, [3, 4], n_restarts=8, seed=0)
    assert d3.speed > TOY_SPEED + 0.05
    assert d4.speeds[0] >= d3.speed - 1e-9  # the warm start alone, then refined
    assert d4.speed >= d3.speed - 1e-9
