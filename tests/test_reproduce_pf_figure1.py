"""``pf-figure1``: the exact path against independent oracles, the flows against the limit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

import saddlepath
from saddlepath.experiments.reproductions import pf_figure1
from saddlepath.experiments.reproductions._contract import VERDICTS, ComparisonRow


@pytest.fixture(scope="module")
def result():
    return pf_figure1.run(pf_figure1.Config.quick())


def min_l1_interpolator(X, y):
    """argmin ‖β‖₁ s.t. Xβ = y by an LP over (β⁺, β⁻) ≥ 0 (HiGHS), independent of the path."""
    d = X.shape[1]
    lp = linprog(np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=y, bounds=(0, None),
                 method="highs")  # fmt: skip
    assert lp.status == 0
    return lp.x[:d] - lp.x[d:]


def test_the_limit_matches_closed_forms_and_an_lp(result):
    X, y = result.dataset.X, result.dataset.y
    n = X.shape[0]
    # first jump: s(τ) = τ·Xᵀy/n reaches ±1 first at τ₁ = n / max|Xᵀy| (closed form)
    assert result.path.tau[1] == pytest.approx(n / np.abs(X.T @ y).max(), rel=1e-12)
    np.testing.assert_allclose(result.path.beta[-1], min_l1_interpolator(X, y), atol=1e-6)
    assert np.abs(result.path.beta[-1]).max() > 0.1  # not the trivial answer
    assert result.certificate.passed


def test_flows_approach_the_limit_as_alpha_vanishes(result):
    errors = [c.relative_error for c in result.comparisons]
    assert errors[0] > 0.1  # α = 1e-2 cuts corners: the test can tell a bad run
    assert errors[0] > errors[1] > errors[2]
    smallest = result.runs[-1]
    ends = [*result.path.tau[2:], smallest.tau[-1]]
    for k in range(1, result.path.n_saddles):  # mid-plateau state against the saddle
        tau_mid = 0.5 * (result.path.tau[k] + ends[k - 1])
        np.testing.assert_allclose(smallest.at(tau_mid), result.path.beta[k], atol=1e-3)


def test_the_comparison_rows_say_what_was_measured(result):
    rows = pf_figure1.comparison(result)
    assert all(isinstance(r, ComparisonRow) and r.verdict in VERDICTS for r in rows)
    assert not [r for r in rows if r.verdict == "differs"]
    jump_row = next(r for r in rows if r.quantity.startswith("jump times"))
    assert jump_row.exact == ", ".join(f"{t:.4g}" for t in result.path.tau[1:])
    assert "MIN_L1_INTERPOLATOR" in pf_figure1.summary(result)
    assert {c.setting for c in pf_figure1.Config().choices()} >= {"data", "alphas"}


def test_the_result_is_a_record(result, tmp_path):
    saddlepath.save(result, tmp_path / "fig1")
    loaded = saddlepath.load(tmp_path / "fig1")
    assert type(loaded) is pf_figure1.PfFigure1Result
    assert loaded.config == result.config and len(loaded.runs) == len(result.runs)
    np.testing.assert_array_equal(loaded.runs[-1].beta, result.runs[-1].beta)
    assert [r.verdict for r in pf_figure1.comparison(loaded)] == [
        r.verdict for r in pf_figure1.comparison(result)
    ]
    assert repr(loaded).startswith("PfFigure1Result(") and len(repr(loaded)) < 300
