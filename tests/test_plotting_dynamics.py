"""Tests of saddlepath.plotting.dynamics: the figures show the runs and the limit given."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.analysis.arclength import arclength, arclength_of_path
from saddlepath.analysis.comparison import comparison_horizon
from saddlepath.data import worked_example
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.experiments import convergence_study
from saddlepath.io import save_figure_atomic
from saddlepath.plotting import (
    TAU_LABEL,
    alpha_label,
    convergence_figures,
    plot_arclength,
    plot_convergence,
    plot_coordinates_vs_tau,
    plot_loss_vs_tau,
    plot_trajectory_3d,
    trajectory_figures,
)

ALPHAS = ("1e-5", "1e-30", "1e-300")


@pytest.fixture(scope="module")
def worked():
    ds = worked_example()
    path = saddle_path(ds.X, ds.y)
    runs = [gradient_flow(ds.X, ds.y, alpha=a, tau_max=comparison_horizon(path)) for a in ALPHAS]
    return ds.X, ds.y, path, runs


@pytest.fixture(scope="module")
def limit(worked):
    """The limit's curve, computed by analysis and handed to the figures."""
    return arclength_of_path(worked[2])


@pytest.fixture(scope="module")
def study(worked):
    X, y, path, _ = worked
    return convergence_study(X, y, ["1e-5", "1e-30", "1e-100", "1e-300"], path=path,
                             keep_runs=True)  # fmt: skip


def by_gid(ax, prefix):
    """Lines whose gid starts with ``prefix`` (or equals it, without a trailing '-')."""
    if not prefix.endswith("-"):
        return [ln for ln in ax.get_lines() if ln.get_gid() == prefix]
    return [ln for ln in ax.get_lines() if str(ln.get_gid()).startswith(prefix)]


def test_alpha_labels():
    assert alpha_label(-1000 * np.log(10.0)) == "α = 1e-1000"
    assert alpha_label(np.log(1e-5)) == "α = 1e-5"
    assert alpha_label(-1e5) == "α = exp(-1e+05)"


def test_loss_vs_tau_draws_one_line_per_run_and_the_staircase(worked):
    _, _, path, runs = worked
    fig = plot_loss_vs_tau(list(reversed(runs)), path)  # the order given does not matter
    ax = fig.axes[0]
    lines = by_gid(ax, "run-")
    assert len(lines) == 3
    assert [ln.get_label() for ln in lines] == ["α = 1e-5", "α = 1e-30", "α = 1e-300"]
    np.testing.assert_allclose(lines[2].get_xdata(), runs[2].tau[runs[2].tau <= ax.get_xlim()[1]])
    (limit,) = by_gid(ax, "limit")
    np.testing.assert_allclose(limit.get_xdata()[:-1], path.tau)
    np.testing.assert_allclose(limit.get_ydata()[:3], path.loss[:3])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == TAU_LABEL
    assert ax.get_xlim() == pytest.approx((0.0, comparison_horizon(path)))
    assert min(ln.get_ydata().min() for ln in ax.get_lines()) > 0  # zeros lifted to a floor


def test_coordinates_vs_tau_overlays_the_exact_path(worked):
    _, _, path, runs = worked
    fig = plot_coordinates_vs_tau(runs[-1], path)
    ax = fig.axes[0]
    active = [0, 2, 3]  # the coordinates the path ever uses
    assert sorted(int(ln.get_gid().split("-")[-1]) for ln in by_gid(ax, "run-coef-")) == active
    for i in active:
        (limit,) = by_gid(ax, f"limit-coef-{i}")
        np.testing.assert_array_equal(limit.get_ydata()[:-1], path.beta[:, i])
        (run_line,) = by_gid(ax, f"run-coef-{i}")
        assert run_line.get_color() == limit.get_color()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["2", "0", "3"]  # largest max_k |β_k,i| first: 10/7, 0.8, 10/49
    assert "1e-300" in ax.get_title(loc="left")


def test_trajectory_3d_shows_runs_saddles_and_limit(worked, limit):
    _, _, path, runs = worked
    fig = plot_trajectory_3d(runs, path, limit=limit)
    ax = fig.axes[0]
    assert ax.name == "3d"
    assert len(by_gid(ax, "run-")) == 3
    (saddles,) = by_gid(ax, "saddles")
    x, y, z = saddles.get_data_3d()
    np.testing.assert_allclose(np.column_stack([x, y, z]), path.beta[:, [2, 0, 3]])
    (drawn,) = by_gid(ax, "limit")
    assert len(drawn.get_data_3d()[0]) > 10  # the curved heteroclinic orbits
    np.testing.assert_array_equal(np.column_stack(drawn.get_data_3d()), limit.beta[:, [2, 0, 3]])
    assert not by_gid(plot_trajectory_3d(runs, path).axes[0], "limit")  # not given: not drawn
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("β_2", "β_0", "β_3")
    chosen = plot_trajectory_3d(runs[0], coordinates=[1, 0, 3]).axes[0]
    assert chosen.get_xlabel() == "β_1" and not by_gid(chosen, "limit")
    with pytest.raises(ValueError, match="three distinct feature indices in \\[0, 4\\)"):
        plot_trajectory_3d(runs, path, coordinates=[0, 0, 1])


def test_arclength_view_has_the_limit_as_a_continuous_curve(worked, limit):
    _, _, path, runs = worked
    fig = plot_arclength(runs, path, limit=limit)
    top, bottom = fig.axes[:2]
    assert len(by_gid(top, "run-")) == 3
    (drawn,) = by_gid(top, "limit")
    curve = arclength_of_path(path)  # recomputed: the figure drew the limit of this path
    np.testing.assert_allclose(drawn.get_xdata(), curve.a)
    np.testing.assert_allclose(drawn.get_ydata(), curve.tau)
    (smallest,) = by_gid(top, "run-2")
    expected = arclength(runs[2])
    np.testing.assert_allclose(smallest.get_xdata()[-1], expected.a[-1])
    assert len(by_gid(bottom, "limit-coef-")) == 3
    assert len(by_gid(bottom, "run-")) == 3 * 3  # three coordinates for each run
    assert "arc length" in bottom.get_xlabel()


def test_convergence_plot_shows_points_and_fits(study):
    fig = plot_convergence(study)
    left, right = fig.axes[:2]
    assert left.get_xscale() == right.get_xscale() == "log" == left.get_yscale()
    (points,) = by_gid(left, "errors")
    (hollow,) = by_gid(left, "errors-unresolved")  # α = 1e-5 misses saddles
    np.testing.assert_allclose(points.get_xdata(), study.lambdas[1:])
    np.testing.assert_allclose(points.get_ydata(), study.relative_errors[1:])
    np.testing.assert_allclose(hollow.get_xdata(), study.lambdas[:1])
    (fit,) = by_gid(left, "error-fit")
    assert f"λ^{study.error_rate.slope:.2f}" in fit.get_label()
    (delay_fit,) = by_gid(right, "delay-fit")
    assert "λ^-1.00" in delay_fit.get_label()
    np.testing.assert_allclose(by_gid(right, "delays")[0].get_ydata(), study.max_delays[1:])
    assert len(by_gid(right, "jump-delays")[0].get_xdata()) == np.isfinite(study.jump_delays).sum()
    with pytest.raises(TypeError, match="must be a ConvergenceStudy"):
        plot_convergence(study.comparisons[0])


def test_bundles_name_their_figures(worked, study, limit):
    _, _, path, runs = worked
    bundle = trajectory_figures(runs[-1], path, limit)
    assert sorted(bundle) == [
        "flow_3d.png", "flow_arclength.png", "flow_coefs.png", "flow_loss.png",
    ]  # fmt: skip
    assert by_gid(bundle["flow_3d.png"].axes[0], "limit")
    assert by_gid(bundle["flow_arclength.png"].axes[0], "limit")
    figures = convergence_figures(study, limit)
    assert sorted(figures) == [
        "arclength.png", "coefs_vs_tau.png", "convergence.png", "loss_vs_tau.png",
        "trajectory_3d.png",
    ]  # fmt: skip
    assert "1e-300" in figures["coefs_vs_tau.png"].axes[0].get_title(loc="left")
    assert by_gid(figures["trajectory_3d.png"].axes[0], "limit")
    bare = convergence_study(*worked[:2], ["1e-30"], path=path)
    assert list(convergence_figures(bare)) == ["convergence.png"]


def test_figures_reject_bad_inputs(worked, limit):
    _, _, path, runs = worked
    with pytest.raises(TypeError, match="must be a Trajectory or a non-empty sequence"):
        plot_loss_vs_tau([])
    with pytest.raises(TypeError, match="must be a Trajectory or a non-empty sequence"):
        plot_arclength(path)
    with pytest.raises(TypeError, match="`path` parameter of plot_loss_vs_tau must be a Sad"):
        plot_loss_vs_tau(runs, path.beta)
    with pytest.raises(TypeError, match="`limit` parameter of plot_arclength must be a LimitArc"):
        plot_arclength(runs, path, limit=arclength(runs[0]))
    with pytest.raises(ValueError, match="pass the path too"):
        plot_trajectory_3d(runs, limit=limit)


@pytest.mark.parametrize("plot", [plot_loss_vs_tau, plot_coordinates_vs_tau, plot_trajectory_3d])
def test_figures_save_as_non_empty_png(tmp_path, worked, plot):
    _, _, path, runs = worked
    target = save_figure_atomic(plot(runs[-1], path), tmp_path / "fig.png", dpi=50)
    image = matplotlib.image.imread(target)
    assert image.shape[0] > 100 and image[..., :3].std() > 0.05


def test_analysis_and_experiments_do_not_import_matplotlib():
    code = (
        "import sys, saddlepath.analysis, saddlepath.experiments; "
        "print([m for m in sys.modules if m.startswith('matplotlib')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
