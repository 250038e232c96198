r"""The escape studies over width (the BSJ toy) and depth, against exact answers.

Oracles: on the toy, weights with a rank-one first layer reach at most :math:`\sqrt2 - 1`
and width 1 attains it (derived in ``tests/test_deep_toy.py``), so width 1 can never
succeed and any direction that does has :math:`\mathrm{rank}\,W_1 \ge 2`. For MSE on
non-negative data the optimum at every depth is a rank-one chain of speed
:math:`\sigma_1(G^\top X)` (Perron–Frobenius, derived in ``tests/test_deep_perron.py``),
with :func:`numpy.linalg.svd` of the data as the oracle.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")

from saddlepath.deep import mse_gradient
from saddlepath.experiments import (
    EscapeDepthStudy,
    EscapeWidthStudy,
    escape_depth_study,
    escape_width_study,
    toy_escape_problem,
)
from saddlepath.experiments.escape_widths import TOY_SPEED

QUICK = {"n_warmup_steps": 500, "n_steps": 1500}


class Recorder:
    def __init__(self):
        self.calls = []

    def start(self, total):
        self.calls.append(("start", total))

    def begin(self, index, label):
        self.calls.append(("begin", index, label))

    def done(self, index, row):
        self.calls.append(("done", index, row["status"]))


@pytest.fixture(scope="module")
def widths_study():
    recorder = Recorder()
    study = escape_width_study((1, 8), n_restarts=10, seed=0, progress=recorder, **QUICK)
    return study, recorder


def test_toy_data_are_the_eight_signed_points():
    X, G = toy_escape_problem()
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(X.T @ X, 4.0 * np.eye(2), atol=1e-14)  # evenly spread
    assert G[:, 0].tolist() == [1.0, -1.0] * 4


def test_width_one_never_beats_the_rank_one_bound(widths_study):
    study, _ = widths_study
    assert isinstance(study, EscapeWidthStudy)
    assert np.all(study.speeds[0] <= TOY_SPEED + 1e-9)
    assert study.success[0] == 0.0
    assert study.best_speed[0] == pytest.approx(TOY_SPEED, abs=1e-6)  # and attains it
    assert study.ranks[0].tolist() == [1, 1, 1]


def test_a_successful_direction_has_a_first_layer_of_rank_two(widths_study):
    study, _ = widths_study
    assert study.threshold == pytest.approx(TOY_SPEED + 1e-4, rel=1e-15)
    assert study.best_speed[1] > TOY_SPEED + 0.05
    assert study.ranks[1, 0] >= 2  # necessary for any speed above √2 − 1 (proved)
    np.testing.assert_array_equal(study.success, np.mean(study.speeds > study.threshold, axis=1))
    assert study.winner is study.results[1]
    assert study.stats["n_runs"] == 20 and study.speeds.shape == (2, 10)


def test_progress_hears_every_width_and_the_seed_reproduces(widths_study):
    study, recorder = widths_study
    assert recorder.calls[0] == ("start", 2)
    assert [c[2] for c in recorder.calls if c[0] == "begin"] == ["1", "8"]
    again = escape_width_study((1,), n_restarts=10, seed=0, **QUICK)
    np.testing.assert_array_equal(again.speeds[0], study.speeds[0])


@pytest.fixture(scope="module")
def nonnegative():
    rng = np.random.default_rng(4)
    X = rng.uniform(0.0, 1.0, size=(24, 5))
    G = mse_gradient(rng.uniform(0.0, 1.0, size=(24, 3)))
    assert np.all(-G.T @ X >= 0)
    return X, G, np.linalg.svd(G.T @ X, compute_uv=False)[0]


@pytest.mark.slow
def test_depth_study_hits_perron_frobenius_at_every_depth(nonnegative):
    X, G, sigma = nonnegative
    study = escape_depth_study(X, G, width=4, depths=[2, 3], n_restarts=2, seed=1, **QUICK)
    assert isinstance(study, EscapeDepthStudy)
    np.testing.assert_allclose(study.speed, sigma, rtol=1e-7)
    assert study.ranks.tolist() == [[1, 1, -1], [1, 1, 1]]
    assert np.all(study.weight_ratio[~np.isnan(study.weight_ratio)] > 1e3)
    assert np.isnan(study.weight_ratio[0, 2:]).all()
    np.testing.assert_allclose(study.bound, np.arange(1, 4) ** 0.25, rtol=1e-15)
    assert study.speeds.shape == (2, 3) and np.isnan(study.speeds[0, 2])  # no warm start at L=2
    assert [len(s.weight_ratio) for s in study.spectra] == [2, 3]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: escape_width_study([]), "at least one width"),
        (lambda: escape_width_study([0]), "widths"),
        (lambda: escape_width_study([1], n_restarts=0), "n_restarts"),
        (lambda: escape_width_study([1], X=np.eye(2)), "both `X` and `G`"),
        (lambda: escape_depth_study(np.eye(2), -np.eye(2), width=2, depths=[2, 4]), "consecutive"),
        (lambda: escape_depth_study(np.eye(2), -np.eye(2), width=0, depths=[2]), "width"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
