"""The BSJ reproductions (bsj-toy, bsj-escape-depth, bsj-mnist) against exact oracles.

Oracles: the toy's rank-one bound √2 − 1 by a dense grid over the first-layer direction
(independent of the closed form); the MSE optimum σ₁(GᵀX) on non-negative data by power
iteration and by evaluating the explicit rank-one chain through the Perron vectors; random
ReLU networks on the sphere never beat it (the bound's invariant); the recorded top singular
values against a direct SVD of the kept weights.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")

from saddlepath.experiments.escape_widths import toy_escape_problem
from saddlepath.experiments.reproductions import (
    bsj_escape_depth,
    bsj_mnist,
    bsj_toy,
)
from saddlepath.plotting.reproductions import REPRODUCTION_FIGURES

RANK_ONE = np.sqrt(2.0) - 1.0


@pytest.fixture(scope="module")
def toy():
    return bsj_toy.run(bsj_toy.Config.quick())


@pytest.fixture(scope="module")
def depth():
    return bsj_escape_depth.run(bsj_escape_depth.Config.quick())


@pytest.fixture(scope="module")
def mnist():
    return bsj_mnist.run(bsj_mnist.Config.quick())


def test_the_rank_one_bound_is_the_grid_maximum_over_single_paths():
    X, G = toy_escape_problem()
    angles = np.linspace(0.0, 2 * np.pi, 720_001)
    u = np.c_[np.cos(angles), np.sin(angles)]
    value = np.abs(np.maximum(u @ X.T, 0.0) @ G[:, 0]).max()
    assert value == pytest.approx(RANK_ONE, abs=1e-9)
    assert bsj_toy.RANK_ONE_BOUND == pytest.approx(RANK_ONE, abs=1e-15)


def test_toy_narrow_nets_stop_at_the_bound_and_wide_ones_beat_it(toy):
    s = toy.study
    narrow = s.best_speed[s.widths <= 2]
    assert narrow.size and np.all(np.abs(narrow - RANK_ONE) < 1e-5)
    assert s.success[-1] > 0 and np.max(s.best_speed) > RANK_ONE + 1e-4
    assert s.winner.ranks[0] >= 2
    rows = bsj_toy.comparison(toy)
    assert [r.verdict for r in rows[:5]] == ["agrees"] * 5 and rows[5].verdict == "n/a"
    assert "√2 − 1" in bsj_toy.summary(toy)


def _perron_by_power_iteration(M, n=5000):
    v = np.ones(M.shape[1])
    for _ in range(n):
        v = M.T @ (M @ v)
        v /= np.linalg.norm(v)
    return np.linalg.norm(M @ v), v


def _relu_speed(weights, X, G):
    h = X.T
    for W in weights[:-1]:
        h = np.maximum(W @ h, 0.0)
    return -np.sum(G.T * (weights[-1] @ h))


def test_the_mse_speed_is_the_perron_value_at_every_depth(depth):
    from saddlepath.deep import mse_gradient

    mse = depth.studies[depth.losses.index("mse")]
    X = depth.X
    G = mse_gradient(np.eye(int(depth.labels.max()) + 1)[depth.labels])
    M = -G.T @ X
    assert np.all(M >= 0) and depth.perron_applies
    sigma, v = _perron_by_power_iteration(M)
    assert depth.perron_speed == pytest.approx(sigma, rel=1e-10)
    u = M @ v / sigma  # both Perron vectors are non-negative: every ReLU is the identity
    e = np.eye(5)[0]
    chain = [np.outer(e, v), np.outer(e, e), np.outer(u, e)]
    assert _relu_speed(chain, X, G) == pytest.approx(sigma, rel=1e-10)
    assert np.all(np.abs(mse.speed - sigma) <= 1e-5 * sigma)
    rng = np.random.default_rng(0)
    for _ in range(200):  # the bound: no ReLU net on ‖θ‖² = 3 beats σ₁(GᵀX)
        ws = [rng.standard_normal(s) for s in ((6, X.shape[1]), (6, 6), (G.shape[1], 6))]
        ws = [W / np.linalg.norm(W) for W in ws]
        assert _relu_speed(ws, X, G) <= sigma * (1 + 1e-12)
    rows = bsj_escape_depth.comparison(depth)
    assert all(r.verdict == "agrees" for r in rows if r.quantity.startswith("mse: optimal"))
    assert all(r.reason for r in rows if r.verdict == "differs")


def test_mnist_quick_records_spectra_and_marks_the_escape(mnist):
    run = mnist.run
    steps = bsj_mnist.escape_steps(mnist)
    assert steps.size >= 1 and 0 < steps[0] < run.step[-1]
    for s, W in zip(run.singular_values, run.weights, strict=True):
        direct = np.linalg.svd(W[-1], compute_uv=False)[: s.shape[1]]
        np.testing.assert_allclose(s[-1], direct, rtol=1e-8)
    rows = bsj_mnist.comparison(mnist)
    assert rows[0].saddlepath == str(steps[0])
    assert all(r.reason for r in rows if r.verdict == "differs")
    assert bsj_mnist.Config.full_size().width == 1000 and bsj_mnist.Config.full_size().depth == 6
    with pytest.raises(ValueError, match=r"Config\.dataset"):
        bsj_mnist.Config(dataset="cifar")


def test_the_figures_are_drawn_from_the_results(toy, depth, mnist):
    import matplotlib.pyplot as plt

    for name, result, stems in (
        ("bsj-toy", toy, {"toy_widths"}),
        ("bsj-escape-depth", depth, {"escape_depth_mse", "escape_depth_cross_entropy"}),
        ("bsj-mnist", mnist, {"mnist_singular_values", "mnist_ratios"}),
    ):
        figures = REPRODUCTION_FIGURES[name](result)
        assert set(figures) == stems
        for fig in figures.values():
            plt.close(fig)
