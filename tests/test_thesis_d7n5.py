"""thesis-d7n5: the exact path in rational arithmetic, the quick run, the table's diagnosis.

Oracles: ``saddlepath.testing.rational_saddle_path`` (Algorithm 1 in exact rational
arithmetic on the same float data, sharing no code with the solver) for every saddle and
its entering coordinates; the exact float64 invariant ``u₇ = −v₇`` of the thesis's GD once
its ``w₊`` is lost.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from saddlepath.experiments.reproductions import thesis_d7n5 as d7
from saddlepath.experiments.reproductions._contract import VERDICTS
from saddlepath.experiments.reproductions._thesis_data import thesis_data
from saddlepath.testing import rational_saddle_path


@pytest.fixture(scope="module")
def quick():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return d7.run(d7.Config.quick())


def test_path_equals_the_rational_path(quick):
    X, y, _ = thesis_data(5, 7, d7.Config().p_star)
    exact = rational_saddle_path(X, y)
    rational = np.array([[float(b) for b in row] for row in exact.beta])
    taus = np.array([float(t) for t in exact.tau])
    assert exact.converged and quick.path.n_saddles == 6
    np.testing.assert_allclose(quick.path.beta, rational[:6], rtol=0, atol=1e-12)
    np.testing.assert_allclose(quick.path.tau, taus[:6], rtol=1e-12)
    assert tuple(exact.entered[:6]) == quick.path.entered
    # In exact arithmetic the float y = X p* is off p*'s image by rounding, so the rational
    # path goes on with jumps after τ > 1e15 that move β by ~1e-15: the float path's end.
    assert taus[6] > 1e15 and np.abs(rational[5:] - [10, 20, 0, 0, 0, 0, 0]).max() < 1e-12
    assert quick.certificate.passed


def test_quick_run_finds_what_the_thesis_missed(quick):
    # exact GD fires at saddles 1, 2 and 4 (the origin too); the thesis's GD at 1, 2, 3, 5
    assert (quick.gd_iterations[[0, 1, 2, 4]] > 0).all()
    assert quick.plain_iterations[4] == -1 and quick.plain_iterations[3] > 0
    assert quick.path.entered[4] == (6,) and quick.path.beta[4][6] > 0  # e7 enters, β₇ > 0
    plain = quick.plain
    assert plain.lost_sign[6] == 1 and 0 < plain.lost_iteration[6] < quick.gd_iterations[4]
    assert plain.final_u[6] == -plain.final_v[6] != 0.0  # w₊ of e7 is exactly 0 for ever
    # the top unstable eigenvector at saddle 3 points at e7, which is what enters next
    assert quick.jumps[3].top_eigen_coordinate == 6


def test_comparison_rows(quick):
    rows = d7.comparison(quick)
    assert all(r.verdict in VERDICTS for r in rows)
    by = {r.quantity: r for r in rows}
    assert by["saddle 4: β"].verdict == "differs" and "u7 = −v7" in by["saddle 4: β"].reason
    assert by["saddle 3: β"].verdict == "differs" and "16.57" in by["saddle 3: β"].reason
    assert by["saddle 2: top unstable eigenvector"].verdict == "agrees"
    assert by["jump 3→4 follows the top eigenvector"].saddlepath == "yes"
    assert by["y = X p* (Table 8)"].verdict == "agrees"
    # the quick set-up is not the thesis's: its iterations are flagged as such
    assert "not the thesis's" in by["saddle 1: iteration (exact log-domain GD)"].reason
    assert "saddle 4" in d7.summary(quick)


def test_config_and_choices():
    assert d7.NAME == "thesis-d7n5" and d7.PAPER == "thesis"
    cfg = d7.Config()
    assert (cfg.step_size, cfg.gamma, cfg.n_steps) == (0.001, "1e-100", 1_000_000)
    assert any("13798" in c.why for c in d7.Config.choices())
