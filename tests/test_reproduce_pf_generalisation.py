"""``pf-generalisation``: held-out losses against an LP, a direct residual and the flows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

import saddlepath
from saddlepath.data import make_sparse_regression
from saddlepath.experiments.reproductions import pf_generalisation as pfg
from saddlepath.plotting.reproductions import pf_generalisation_figures

CONFIG = pfg.Config.quick()


@pytest.fixture(scope="module")
def result():
    return pfg.run(CONFIG)


def test_the_grid_and_its_bookkeeping(result):
    shape = (len(CONFIG.sparsities), len(CONFIG.noises), len(CONFIG.seeds))
    assert result.end_test_loss.shape == shape
    assert result.run_test_loss.shape == (*shape, len(CONFIG.alphas))
    assert len(result.saddle_test_losses) == np.prod(shape)
    for i in range(shape[0]):
        for j in range(shape[1]):
            for s, curve in enumerate(result.saddle_curves(i, j)):
                assert curve.size == result.n_saddles[i, j, s]
                assert curve[-1] == result.end_test_loss[i, j, s]
                assert curve[result.best_saddle[i, j, s]] == result.best_test_loss[i, j, s]
    np.testing.assert_array_equal(result.bayes, 0.5 * np.array(CONFIG.noises) ** 2)


def test_noiseless_ends_are_the_lp_interpolator_and_generalise(result):
    i, j, s = 0, CONFIG.noises.index(0.0), 0
    k, seed = CONFIG.sparsities[i], CONFIG.seeds[s]
    train = make_sparse_regression(CONFIG.n_samples, CONFIG.n_features, n_nonzero=k, seed=seed)
    d = CONFIG.n_features
    lp = linprog(np.ones(2 * d), A_eq=np.hstack([train.X, -train.X]), b_eq=train.y,
                 bounds=(0, None), method="highs")  # fmt: skip
    beta_lp = lp.x[:d] - lp.x[d:]
    # the LP recovers β* here, so the path's end must too, and then generalises perfectly
    assert np.max(np.abs(beta_lp - train.beta_star)) < 1e-6
    assert result.recovery_error[i, j, s] < 1e-6
    test = make_sparse_regression(CONFIG.n_test, d, beta_star=train.beta_star, seed=10**6)
    direct = np.linalg.norm(test.X @ beta_lp - test.y) ** 2 / (2 * CONFIG.n_test)
    assert result.end_test_loss[i, j, s] == pytest.approx(direct, abs=1e-10)
    assert result.end_test_loss[i, j, s] < 1e-20


def test_small_alpha_flows_end_where_the_path_ends(result):
    # cross-method agreement: the flow at α = 1e-100 against the exact limit's end
    origin = np.array([c[0] for c in result.saddle_test_losses]).reshape(result.n_saddles.shape)
    gap = np.abs(result.run_test_loss[..., -1] - result.end_test_loss)
    assert (gap < 1e-3 * origin).all()  # relative to the test loss of β = 0
    quiet = CONFIG.noises.index(0.0)
    assert (
        result.run_test_loss[:, quiet, :, 0] > 1e3 * result.run_test_loss[:, quiet, :, -1]
    ).all()


def test_comparison_summary_figures_and_record(result, tmp_path):
    rows = pfg.comparison(result)
    assert rows[0].saddlepath == "k = 2: 2/2, k = 4: 2/2"
    assert any("early stopping" in r.quantity for r in rows)
    assert "Bayes floor" in pfg.summary(result)
    assert set(pf_generalisation_figures(result)) == {"generalisation_saddles",
                                                      "generalisation_alpha"}  # fmt: skip
    saddlepath.save(result, tmp_path / "gen")
    loaded = saddlepath.load(tmp_path / "gen")
    assert [r.saddlepath for r in pfg.comparison(loaded)] == [r.saddlepath for r in rows]
    np.testing.assert_array_equal(loaded.saddle_test_losses[-1], result.saddle_test_losses[-1])
