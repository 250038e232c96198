"""Tests of enumerate_saddles: every isolated critical point of F (P&F Prop. 1)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.data import make_sparse_regression
from saddlepath.landscape import (
    CriticalPointType,
    enumerate_saddles,
    limit_weights,
    saddle_spectrum,
)
from saddlepath.report.json import catalog_rows

WORKED_X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
WORKED_Y = np.array([1.0, 0.0])
WORKED_PATH = saddle_path(WORKED_X, WORKED_Y)


def test_worked_example_catalog():
    """n = 2, d = 4: the origin, 3 one-column fits (x₃ᵀy = 0, so {3} gives the origin
    again), the 6 two-column interpolators; the 5 supports of size 3 and 4 are dependent."""
    cat = enumerate_saddles(WORKED_X, WORKED_Y, path=WORKED_PATH)
    assert len(cat) == 10 and cat.stats == {"n_examined": 16, "n_dependent": 5}
    assert sorted(cat.support_sizes.tolist()) == [0, 1, 1, 1, 2, 2, 2, 2, 2, 2]
    order = np.argsort(cat.path_position[cat.visited])
    visited = np.flatnonzero(cat.visited)[order]
    np.testing.assert_allclose(cat.beta[visited], saddle_path(WORKED_X, WORKED_Y).beta, atol=1e-12)
    assert cat.morse_index[visited].tolist() == [3, 3, 3, 0]
    assert cat.unmatched_path_saddles == ()
    assert np.all(np.diff(cat.loss) <= 1e-15)  # sorted by decreasing loss
    json.dumps(catalog_rows(cat))


def _brute_force(X, y):
    """Every support by lstsq, keeping fits with independent columns and no zero entry."""
    d = X.shape[1]
    points = []
    for k in range(d + 1):
        for S in itertools.combinations(range(d), k):
            S = list(S)
            if k and np.linalg.matrix_rank(X[:, S]) < k:
                continue
            beta = np.zeros(d)
            if k:
                beta[S] = np.linalg.lstsq(X[:, S], y, rcond=None)[0]
                if np.any(np.abs(beta[S]) < 1e-9):
                    continue
            points.append(beta)
    return np.array(points)


@pytest.mark.parametrize(("n", "d", "seed"), [(4, 6, 0), (7, 5, 1), (5, 5, 2)])
def test_matches_brute_force_and_every_point_is_critical(n, d, seed):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    cat = enumerate_saddles(X, y, path=saddle_path(X, y))
    brute = _brute_force(X, y)
    assert len(cat) == len(brute)
    for beta in brute:
        assert np.abs(cat.beta - beta).max(axis=1).min() < 1e-10
    gradients = (cat.beta @ X.T - y) @ X / n
    assert np.abs(cat.beta * gradients).max() < 1e-12  # β_i ∂_iL = 0 (Prop. 1)
    for j in range(0, len(cat), 3):  # the Morse index agrees with the Hessian's spectrum
        spec = saddle_spectrum(X, y, *limit_weights(cat.beta[j]))
        assert spec.morse_index == cat.morse_index[j]
        assert spec.classification is cat.classification[j]


@pytest.mark.parametrize(("n", "d", "seed"), [(5, 8, 0), (6, 10, 1), (12, 9, 2), (8, 15, 3)])
def test_every_saddle_of_the_path_is_in_the_catalog(n, d, seed):
    """Index ≥ 1 at every saddle of the path but the last, which has index 0."""
    ds = make_sparse_regression(n, d, n_nonzero=3, seed=seed)
    path = saddle_path(ds.X, ds.y)
    cat = enumerate_saddles(ds.X, ds.y, path=path)
    assert cat.unmatched_path_saddles == ()
    assert sorted(cat.path_position[cat.visited].tolist()) == list(range(path.n_saddles))
    by_position = {int(p): j for j, p in enumerate(cat.path_position) if p >= 0}
    indices = [cat.morse_index[by_position[k]] for k in range(path.n_saddles)]
    assert all(i >= 1 for i in indices[:-1]) and indices[-1] == 0
    assert cat.classification[by_position[path.n_saddles - 1]] is (CriticalPointType.GLOBAL_MINIMUM)
    # the path visits critical points of decreasing loss: a strictly decreasing subsequence
    losses = [cat.loss[by_position[k]] for k in range(path.n_saddles)]
    assert np.all(np.diff(losses) < 0)


def test_max_support_limits_the_search_and_reports_the_missing_path_saddles():
    ds = make_sparse_regression(10, 20, n_nonzero=4, seed=0)
    path = saddle_path(ds.X, ds.y)
    cat = enumerate_saddles(ds.X, ds.y, max_support=2, path=path)
    assert cat.max_support == 2 and cat.support_sizes.max() <= 2
    assert cat.stats["n_examined"] == 1 + 20 + 190
    big = [k for k, beta in enumerate(path.beta) if np.count_nonzero(beta) > 2]
    assert list(cat.unmatched_path_saddles) == big


def test_guard_refuses_large_d_and_names_the_fix():
    X = np.ones((3, 16))
    with pytest.raises(ValueError, match=r"n_features = 16 > 15\. Pass max_support=k"):
        enumerate_saddles(X, np.ones(3), path=None)  # the size guard comes first
    with pytest.raises(ValueError, match=r"`max_support` parameter of enumerate_saddles gives"):
        enumerate_saddles(np.ones((3, 60)), np.ones(3), max_support=6, path=None)
    with pytest.raises(ValueError, match=r"`max_support` parameter of enumerate_saddles must be"):
        enumerate_saddles(WORKED_X, WORKED_Y, max_support=5, path=WORKED_PATH)
    with pytest.raises(TypeError, match=r"`max_support` parameter of enumerate_saddles must be"):
        enumerate_saddles(WORKED_X, WORKED_Y, max_support=2.5, path=WORKED_PATH)
    with pytest.raises(TypeError, match=r"missing 1 required keyword-only argument: 'path'"):
        enumerate_saddles(WORKED_X, WORKED_Y)  # analysis runs no solver
    with pytest.raises(TypeError, match=r"`path` parameter of enumerate_saddles must be a"):
        enumerate_saddles(WORKED_X, WORKED_Y, path=None)
