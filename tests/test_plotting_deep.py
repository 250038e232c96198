"""Figures of deep escape directions and training: they build and hold the data given.

Everything is built from arrays (NumPy only: no JAX, no training), so the figures are
checked against the exact values put in.
"""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from saddlepath.deep import (
    EscapeResult,
    EscapeStatus,
    TrainingRun,
    TrainingStatus,
    layer_spectra,
)
from saddlepath.experiments import EscapeDepthStudy, EscapeWidthStudy, toy_escape_problem
from saddlepath.io import save_figure_atomic
from saddlepath.plotting import (
    plot_escape_depth,
    plot_escape_direction,
    plot_escape_widths,
    plot_training,
    plot_training_ratios,
)
from saddlepath.plotting.training import LEFTOVER_NOTE, escape_steps

TOY = np.sqrt(2.0) - 1.0


def escape_result(weights, speeds):
    return EscapeResult(
        speed=float(max(speeds)), speeds=np.asarray(speeds, dtype=float), weights=tuple(weights),
        residual=0.0, singular_values=tuple(np.linalg.svd(W, compute_uv=False) for W in weights),
        status=EscapeStatus.CONVERGED, stats={"n_restarts": len(speeds)}, activation="relu",
    )  # fmt: skip


@pytest.fixture
def width_study():
    X, G = toy_escape_problem()
    one = escape_result([np.array([[1.0, 0.0]]), np.ones((1, 1)), np.ones((1, 1))], [TOY, 0.3])
    units = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]]) / 2.0
    four = escape_result([units, np.full((4, 4), 0.25), np.full((1, 4), 0.5)], [0.5, TOY])
    speeds = np.array([[TOY, 0.3], [0.5, TOY]])
    return EscapeWidthStudy(
        widths=np.array([1, 4]), depth=3, speeds=speeds, threshold=TOY + 1e-4,
        success=np.array([0.0, 0.5]), best_speed=np.array([TOY, 0.5]),
        ranks=np.array([[1, 1, 1], [2, 1, 1]]), results=(one, four), X=X, G=G, seed=0,
        stats={"n_runs": 4, "wall_s": 0.0},
    )  # fmt: skip


def by_gid(ax, gid):
    return [ln for ln in ax.get_lines() if ln.get_gid() == gid]


def test_toy_figure_shows_data_units_runs_and_success(width_study, tmp_path):
    fig = plot_escape_widths(width_study)
    data, runs, success = fig.axes
    (plus,) = by_gid(data, "data+1")
    X, G = toy_escape_problem()
    np.testing.assert_array_equal(plus.get_xdata(), X[G[:, 0] > 0, 0])
    arrows = [t for t in data.texts if t.get_gid() == "unit"]
    assert len(arrows) == 4  # the four live units of the width-4 winner
    np.testing.assert_allclose(
        sorted(tuple(np.round(a.xy, 12)) for a in arrows),
        sorted(tuple(u) for u in [(1, 0), (-1, 0), (0, 1), (0, -1)]),
        atol=1e-12,
    )
    (won,) = by_gid(runs, "won-4")
    assert won.get_ydata().tolist() == [0.5]
    assert sorted(by_gid(runs, "lost-1")[0].get_ydata().tolist()) == [0.3, TOY]
    assert by_gid(runs, "threshold")[0].get_ydata()[0] == TOY + 1e-4
    (line,) = by_gid(success, "success")
    assert line.get_ydata().tolist() == [0.0, 0.5] and line.get_xdata().tolist() == [1, 4]
    save_figure_atomic(fig, tmp_path / "toy.png")
    assert (tmp_path / "toy.png").stat().st_size > 10_000


def test_toy_figure_refuses_data_it_cannot_draw(width_study):
    import dataclasses

    bad = dataclasses.replace(width_study, X=np.ones((8, 3)))
    with pytest.raises(ValueError, match="2-D inputs"):
        plot_escape_widths(bad)
    with pytest.raises(TypeError, match=r"`study`.*EscapeWidthStudy"):
        plot_escape_widths(width_study.results[0])


def test_depth_figure_holds_the_ratios_and_the_bound():
    X = np.eye(3)
    results, spectra = [], []
    for depth in (2, 3):
        ws = [np.diag([3.0, 1.0, 0.0])] * (depth - 1) + [np.array([[1.0, 1.0, 0.0]])]
        results.append(escape_result(ws, [1.0]))
        spectra.append(layer_spectra(ws, X))
    ratio = np.full((2, 3), np.nan)
    ratio[0, :2], ratio[1, :3] = spectra[0].weight_ratio, spectra[1].weight_ratio
    study = EscapeDepthStudy(
        depths=np.array([2, 3]), width=3, speed=np.array([1.0, 1.0]),
        speeds=np.array([[1.0, np.nan], [1.0, 0.9]]), weight_ratio=ratio,
        activation_ratio=ratio, weight_energy=ratio, ranks=np.array([[2, 1, -1], [2, 2, 1]]),
        bound=np.arange(1, 4) ** 0.25, results=tuple(results), spectra=tuple(spectra), seed=0,
        stats={"n_runs": 3, "wall_s": 0.0},
    )  # fmt: skip
    fig = plot_escape_depth(study)
    speed, ratios = fig.axes
    assert by_gid(speed, "speed")[0].get_ydata().tolist() == [1.0, 1.0]
    (three,) = by_gid(ratios, "ratio-L3")
    np.testing.assert_array_equal(three.get_ydata()[:2], [3.0, 3.0])  # diag(3, 1, 0): σ₁/σ₂ = 3
    assert three.get_ydata()[2] > 3.0  # the last layer is a row (rank one, inf): at the cap
    np.testing.assert_allclose(by_gid(ratios, "bound")[0].get_ydata(), [1, 2**0.25, 3**0.25])
    assert any("rank one" in t.get_text() for t in ratios.texts)


def test_direction_figure_holds_spread_and_relative_singular_values():
    ws = [np.diag([2.0, 1.0]), np.array([[1.0, 0.0]])]
    result = escape_result(ws, [0.7, 0.9, 0.8])
    fig = plot_escape_direction(result, layer_spectra(ws, np.eye(2)))
    runs, svs = fig.axes
    assert by_gid(runs, "speeds")[0].get_ydata().tolist() == [0.9, 0.8, 0.7]
    assert by_gid(svs, "sv-1")[0].get_ydata().tolist() == [1.0, 0.5]
    assert by_gid(svs, "sv-2")[0].get_ydata().tolist() == [1.0]


def training_run(depth=3, n=40, k=4):
    step = np.arange(n) * 10
    sv = tuple(np.outer(np.linspace(1.0, 2.0, n), np.arange(k, 0, -1)) * (ell + 1)
               for ell in range(depth))  # fmt: skip
    return TrainingRun(
        step=step, t=0.5 * step, loss=np.linspace(1.0, 0.1, n), norm=np.ones(n),
        gradient_norm=np.ones(n), singular_values=sv, alignment=np.full(n, np.nan),
        speed_ratio=np.full(n, np.nan), beta=np.zeros((n, 2)), probe=np.arange(2),
        weight_step=np.array([0]), weights=tuple(np.zeros((1, 5, 5)) for _ in range(depth)),
        escape_speed=np.nan, settings={"loss": "mse"}, status=TrainingStatus.COMPLETED,
        stats={"n_steps": float(step[-1])},
    )  # fmt: skip


def test_training_figure_holds_singular_values_loss_and_escapes():
    run = training_run()
    fig = plot_training(run, [50.0, 125.0])  # t = step / 2
    panels, loss = fig.axes[:-1], fig.axes[-1]
    assert len(panels) == 3
    for ell, ax in enumerate(panels, start=1):
        assert ax.get_yscale() == "log"
        for i in range(4):
            (line,) = by_gid(ax, f"sv{ell}-{i + 1}")
            np.testing.assert_array_equal(line.get_ydata(), run.singular_values[ell - 1][:, i])
        assert [ln.get_xdata()[0] for ln in by_gid(ax, "escape")] == [100.0, 250.0]
    np.testing.assert_array_equal(by_gid(loss, "loss")[0].get_ydata(), run.loss)


def test_ratio_figure_prints_the_leftover_note_only_with_escapes():
    run = training_run(depth=4)
    plateaus = SimpleNamespace(tau_end=np.array([60.0]))  # duck-typed like Plateaus
    fig = plot_training_ratios(run, plateaus)
    assert fig.get_suptitle() == LEFTOVER_NOTE
    (line,) = by_gid(fig.axes[3], "ratio4-2")
    np.testing.assert_allclose(line.get_ydata(), 3.0 / 4.0, rtol=1e-15)  # σ₂/σ₁ = 3/4
    assert [ln.get_xdata()[0] for ln in by_gid(fig.axes[0], "escape")] == [120.0]
    assert plot_training_ratios(run).get_suptitle() != LEFTOVER_NOTE
    assert escape_steps(run, None).size == 0
    # a run that ends on a plateau: that plateau's end is the run's end, not an escape
    ending = SimpleNamespace(tau_end=np.array([60.0, run.t[-1]]), ends_on_plateau=True)
    np.testing.assert_array_equal(escape_steps(run, ending), [120.0])
    with pytest.raises(TypeError, match="`escapes`"):
        escape_steps(run, object())
    with pytest.raises(TypeError, match=r"`run`.*TrainingRun"):
        plot_training(run.loss)
