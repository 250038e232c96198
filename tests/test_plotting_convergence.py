"""Tests of saddlepath.plotting.convergence: error rates against λ and the study's figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from plotting_cases import by_gid, limit_curve, worked_runs, worked_study
from saddlepath.experiments import convergence_study
from saddlepath.plotting import convergence_figures, plot_convergence


@pytest.fixture(scope="module")
def worked():
    return worked_runs()


@pytest.fixture(scope="module")
def limit():
    return limit_curve()


@pytest.fixture(scope="module")
def study():
    return worked_study()


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


def test_convergence_bundle_names_its_figures(worked, study, limit):
    path = worked[2]
    figures = convergence_figures(study, limit)
    assert sorted(figures) == [
        "arclength.png", "coefs_vs_tau.png", "convergence.png", "loss_vs_tau.png",
        "trajectory_3d.png",
    ]  # fmt: skip
    assert "1e-300" in figures["coefs_vs_tau.png"].axes[0].get_title(loc="left")
    assert by_gid(figures["trajectory_3d.png"].axes[0], "limit")
    arc = figures["arclength.png"].axes[0]
    labels = [ln.get_label() for ln in by_gid(arc, "run-")]
    assert labels == ["α = 1e-5", "α = 1e-30", "α = 1e-100", "α = 1e-300"]  # large α first
    bare = convergence_study(*worked[:2], ["1e-30"], path=path)
    assert list(convergence_figures(bare)) == ["convergence.png"]
