"""Tests of saddlepath.plotting.trajectory: runs against the limit, drawn as given."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import numpy as np
import pytest

from plotting_cases import by_gid, limit_curve, worked_runs
from saddlepath.analysis.arclength import arclength
from saddlepath.analysis.comparison import comparison_horizon
from saddlepath.io import save_figure_atomic
from saddlepath.plotting import (
    TAU_LABEL,
    alpha_label,
    plot_beta_vs_tau,
    plot_loss_vs_tau,
    plot_trajectory_3d,
    trajectory_figures,
)


@pytest.fixture(scope="module")
def worked():
    return worked_runs()


@pytest.fixture(scope="module")
def limit():
    return limit_curve()


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
    fig = plot_beta_vs_tau(runs[-1], path)
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


def test_trajectory_bundle_names_its_figures(worked, limit):
    _, _, path, runs = worked
    bundle = trajectory_figures(runs[-1], path, limit)
    assert sorted(bundle) == [
        "flow_3d.png", "flow_arclength.png", "flow_coefs.png", "flow_loss.png",
    ]  # fmt: skip
    assert by_gid(bundle["flow_3d.png"].axes[0], "limit")
    (drawn,) = by_gid(bundle["flow_arclength.png"].axes[0], "run-0")
    assert drawn.get_label() == "α = 1e-300"
    np.testing.assert_array_equal(drawn.get_ydata()[-1], arclength(runs[-1]).tau[-1])
    assert by_gid(bundle["flow_arclength.png"].axes[0], "limit")


def test_figures_reject_bad_inputs(worked, limit):
    _, _, path, runs = worked
    with pytest.raises(TypeError, match="must be a Trajectory or a non-empty sequence"):
        plot_loss_vs_tau([])
    with pytest.raises(TypeError, match="`path` parameter of plot_loss_vs_tau must be a Sad"):
        plot_loss_vs_tau(runs, path.beta)
    with pytest.raises(ValueError, match="pass the path too"):
        plot_trajectory_3d(runs, limit=limit)


@pytest.mark.parametrize("plot", [plot_loss_vs_tau, plot_beta_vs_tau, plot_trajectory_3d])
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
