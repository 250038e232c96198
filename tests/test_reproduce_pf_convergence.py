"""``pf-convergence``: measured exponents against closed forms, the seam, the record."""

from __future__ import annotations

import math

import numpy as np
import pytest

import saddlepath
from saddlepath.experiments.reproductions import pf_convergence as pfc
from saddlepath.plotting.reproductions import pf_convergence_figures

SMALL = pfc.Config(seeds=(0, 2), alphas=("1e-10", "1e-50", "1e-300"))


@pytest.fixture(scope="module")
def result():
    return pfc.run(SMALL)


def test_mean_interval_is_the_student_t_interval():
    # two degrees of freedom: the t quantile has the closed form (2p − 1)/√(2p(1 − p))
    p = 0.975
    half = (2 * p - 1) / math.sqrt(2 * p * (1 - p)) * 1.0 / math.sqrt(3)
    np.testing.assert_allclose(pfc.mean_interval([1.0, 2.0, 3.0, np.nan]),
                               [2.0, 2.0 - half, 2.0 + half], rtol=1e-12)  # fmt: skip
    assert np.isnan(pfc.mean_interval([1.0])).all()


@pytest.mark.parametrize("exclude", [0.1, 0.2])
def test_the_origin_plateau_decays_as_alpha_to_two_epsilon(exclude):
    # closed form before the first jump: |β| ∝ α²·sinh(2λτ‖∇L(0)‖∞), so at the window's
    # end τ = (1 − ε)τ₁ the error is ∝ α^{2ε}
    config = pfc.Config(seeds=(2,), alphas=SMALL.alphas, exclude=exclude)
    (c0,) = pfc.run(config).saddle_exponents[:, 0]
    assert c0 == pytest.approx(2 * exclude, abs=1e-3)


def test_delays_decay_like_one_over_lambda_and_the_seam_is_pure(result):
    assert result.seeds.tolist() == [0, 2] and result.relative_errors.shape == (2, 3)
    np.testing.assert_allclose(result.slopes["delay_vs_lambda"], -1.0, atol=0.1)
    assert result.matched[:, -1].all()  # α = 1e-300 visits every saddle
    rows = [pfc.seed_study(SMALL, s) for s in reversed(SMALL.seeds)][::-1]  # any order
    again = pfc.collect(SMALL, rows)
    np.testing.assert_array_equal(again.relative_errors, result.relative_errors)
    np.testing.assert_array_equal(again.saddle_exponents, result.saddle_exponents)


def test_comparison_summary_figures_and_record(result, tmp_path):
    rows = {r.quantity: r for r in pfc.comparison(result)}
    assert rows["largest jump delay ∝ λ^p: p"].verdict == "agrees"
    assert rows["error on the first plateau (the origin) ∝ α^c₀: c₀"].verdict == "agrees"
    assert "O(1/ln(1/α))" in pfc.summary(result)
    figures = pf_convergence_figures(result)
    assert set(figures) == {"convergence_rates", "convergence_slopes"}
    saddlepath.save(result, tmp_path / "conv")
    loaded = saddlepath.load(tmp_path / "conv")
    np.testing.assert_array_equal(loaded.plateau_errors, result.plateau_errors)
    assert [r.saddlepath for r in pfc.comparison(loaded)] == [
        r.saddlepath for r in pfc.comparison(result)
    ]
