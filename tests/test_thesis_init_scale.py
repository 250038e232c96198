"""thesis-init-scale: the u² − v² invariant, sparse → dense, divergence; and the figures.

Oracles: the exact per-step identity (u − ηgv)² − (v − ηgu)² = (u² − v²)(1 − η²g²), checked
on a hand-rolled step; the minimum-ℓ1 interpolator of the certified exact path; the
thesis's printed Table 11, whose u² − v² take both signs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from saddlepath.experiments.reproductions import thesis_d7n5, thesis_small_cases
from saddlepath.experiments.reproductions import thesis_init_scale as init
from saddlepath.experiments.reproductions._contract import VERDICTS
from saddlepath.experiments.reproductions._thesis_init_rows import PAPER_TABLE
from saddlepath.plotting.thesis import THESIS_FIGURES


@pytest.fixture(scope="module")
def quick():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return init.run(init.Config.quick())


def test_step_identity_behind_the_invariant():
    rng = np.random.default_rng(0)
    u, v, g, eta = rng.normal(size=(4, 50))
    lhs = (u - eta * g * v) ** 2 - (v - eta * g * u) ** 2
    np.testing.assert_allclose(lhs, (u**2 - v**2) * (1 - eta**2 * g**2), rtol=1e-10, atol=1e-12)


def test_runs_keep_the_invariant_and_the_table_breaks_it(quick):
    study = quick.study
    c = study.u**2 - study.v**2
    gammas = np.asarray(study.gammas)
    # γ = 1e-50: γ² ≈ 1e-100 and weights that shrank further round u² − v² to 0
    assert (c >= 0).all() and (c[1:] > 0).all()
    assert (c <= gammas[:, None] ** 2 * (1 + 1e-12)).all()
    v, u = (np.array(a) for a in PAPER_TABLE["1"])
    assert (u**2 - v**2).min() < -3.7  # e6: the printed minimiser is not from v₀ = γ·1
    rows = {r.quantity: r for r in init.comparison(quick)}
    assert "u_i² − v_i²" in init.summary(quick)
    assert rows["γ = 1: minimiser (exact log-domain GD)"].verdict == "differs"


def test_sparse_to_dense_and_divergence(quick):
    study = quick.study
    assert study.n_active[0] < study.n_active[-1] == 7
    assert np.all(np.diff(study.n_active) >= 0)
    assert study.min_l1_norm == pytest.approx(30.0, rel=1e-12)  # β = (10, 20, 0, …)
    assert list(quick.scan_gammas) == [5.0, 6.0, 7.0]
    assert quick.scan_statuses[0].name == "CONVERGED" and quick.scan_sign_changes[0] > 0
    assert quick.scan_diverged_at[0] == -1 and quick.scan_diverged_at[2] == 7  # as the README
    for k, message in zip(quick.scan_diverged_at[1:], quick.scan_messages[1:], strict=True):
        assert f"diverged at step {k} " in message  # the run's own account of the step
    rows = init.comparison(quick)
    assert all(r.verdict in VERDICTS for r in rows)
    verdicts = {r.quantity: r.verdict for r in rows}
    assert verdicts["γ = 5.0: GD with η = 0.01"] == "agrees"
    assert verdicts["γ = 7.0: GD with η = 0.01"] == "agrees"
    assert verdicts["sparse → dense as γ grows"] == "agrees"


def test_figures_of_all_three(quick, tmp_path):
    tiny_small = thesis_small_cases.run(
        thesis_small_cases.Config(cases=(("d=1, n=1", 1, 1, 0.01, "1e-8", 2500),))
    )
    tiny_d7 = thesis_d7n5.run(thesis_d7n5.Config(step_size=0.01, gamma="1e-5", n_steps=800))
    for name, result, stems in [
        ("thesis-small-cases", tiny_small, {"small_cases_loss"}),
        ("thesis-d7n5", tiny_d7, {"d7n5_loss", "d7n5_coordinates"}),
        ("thesis-init-scale", quick, {"init_scale_minimisers", "init_scale_oscillation"}),
    ]:
        figures = THESIS_FIGURES[name](result)
        assert set(figures) == stems
        for stem, fig in figures.items():
            assert isinstance(fig, Figure) and fig.axes[0].lines
            fig.savefig(tmp_path / f"{stem}.png")
            assert (tmp_path / f"{stem}.png").stat().st_size > 1000
