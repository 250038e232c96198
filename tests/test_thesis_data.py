"""The thesis's data generator and its own float64 GD (``_thesis_data``).

Oracles: the thesis's printed tables (Tables 1, 2, 4, 8), which the generator must
reproduce to their 4 decimals; saddlepath's exact log-domain GD, which equals plain float GD
wherever no weight component is lost to cancellation; the thesis's printed iterations of
Table 9, which its own algorithm re-run must hit exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

import saddlepath as sp
from saddlepath.analysis import find_plateaus
from saddlepath.experiments.reproductions._thesis_data import thesis_data, thesis_plain_gd

P7 = (10.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_small_data_match_tables_1_2_4():
    X, y, p = thesis_data(1, 1)
    assert np.round([X[0, 0], y[0], p[0]], 4).tolist() == [1.3316, 0.9525, 0.7153]
    X, y, p = thesis_data(4, 1)
    assert np.round(X[:, 0], 4).tolist() == [1.3316, 0.7153, -1.5454, -0.0084]
    assert np.round(p, 4).tolist() == [0.6213]
    # Table 2 prints +0.0052 for the last target: a sign typo, since x₄ < 0 < p*.
    assert np.round(y, 4).tolist() == [0.8274, 0.4444, -0.9602, -0.0052]
    X, y, p = thesis_data(2, 2)
    assert np.round(X, 4).tolist() == [[1.3316, 0.7153], [-1.5454, -0.0084]]
    assert np.round(y, 4).tolist() == [0.3123, -0.9542]
    assert np.round(p, 4).tolist() == [0.6213, -0.7201]


def test_d7_data_match_table_8():
    X, y, p = thesis_data(5, 7, P7)
    assert np.round(y, 4).tolist() == [27.6214, 1.1713, 11.1891, -12.1123, 9.5516]
    assert np.round(X[1], 4).tolist() == [0.1085, 0.0043, -0.1746, 0.4330, 1.2030, -0.9651, 1.0283]
    assert np.round(X[3, :3], 4).tolist() == [-1.7434, 0.2661, 2.3850]
    assert p.tolist() == list(P7)
    # the fixed p* replaces the drawn one after it is drawn: X is the same as without it
    assert np.array_equal(X, thesis_data(5, 7)[0])


def test_plain_gd_equals_exact_gd_without_cancellation():
    """At γ = 0.1 no component is lost: the float64 run equals exact GD to rounding."""
    X, y, _ = thesis_data(2, 2)
    plain = thesis_plain_gd(X, y, step_size=0.01, gamma=0.1, n_steps=400)
    gd = sp.gradient_descent(X, y, step_size=0.01, alpha=0.1, n_steps=400, save_every=1)
    assert gd.beta.shape[0] == 401  # iterates 0..400
    np.testing.assert_allclose(plain.final_beta, gd.beta[-1], rtol=1e-12, atol=1e-15)
    assert np.abs(plain.final_beta).max() > 0.1  # it moved: not the trivial answer
    assert (plain.lost_iteration == -1).all()


def test_margin_rule_fires_at_the_origin_first():
    X, y, _ = thesis_data(1, 1)
    plain = thesis_plain_gd(X, y, step_size=0.01, gamma=1e-8, n_steps=2500)
    assert plain.iterations[0] == 1  # v₀ = 0: max|∇F| is 0 at iteration 1
    assert plain.iterations.size == 2
    assert plain.u.shape == (2, 1) and plain.beta[1, 0] == pytest.approx(0.7153, abs=2e-4)


def test_divergence_is_reported_not_recorded_as_a_plateau():
    X, y, _ = thesis_data(5, 7, P7)
    plain = thesis_plain_gd(X, y, step_size=0.01, gamma=7.0, v0_scale=1.0, n_steps=500)
    assert plain.diverged_at == 8 and plain.n_steps == 8
    assert plain.iterations.size == 0


@pytest.mark.slow
def test_plain_gd_reproduces_table_9_and_exact_gd_does_not():
    """η = 0.001, γ = 1e-100 (Table 7 is empty): the printed 13798, 50388, 82615."""
    X, y, _ = thesis_data(5, 7, P7)
    plain = thesis_plain_gd(X, y, step_size=0.001, gamma=1e-100, n_steps=83_000)
    assert plain.iterations.tolist() == [1, 13798, 50388, 82615]
    # e7's w₊ is gone: u₇ = −v₇ exactly, so β₇ can never turn positive
    assert plain.lost_sign[6] == 1 and plain.final_u[6] == -plain.final_v[6] != 0
    gd = sp.gradient_descent(X, y, step_size=0.001, alpha="1e-100", n_steps=83_000,
                             margin=1e-4, save_every=100)  # fmt: skip
    fired = find_plateaus(gd, X, y, margin=1e-4).iterations + 1
    assert fired.tolist() == [1, 13798, 50388]  # saddle 3 passes without firing
