"""Tests of saddlepath.plotting: the three figures show the path they are given."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.data import make_sparse_regression, worked_example
from saddlepath.io import save_figure_atomic
from saddlepath.plotting import (
    TAU_LABEL,
    plot_path_beta_vs_saddle,
    plot_path_beta_vs_tau,
    plot_path_loss_vs_tau,
)

PLOTS = [plot_path_loss_vs_tau, plot_path_beta_vs_tau, plot_path_beta_vs_saddle]


@pytest.fixture(scope="module")
def worked_path():
    ds = worked_example()
    return saddle_path(ds.X, ds.y)


@pytest.fixture(scope="module")
def least_squares_path():
    rng = np.random.default_rng(1)
    return saddle_path(rng.standard_normal((8, 3)), rng.standard_normal(8))


def lines(fig, prefix):
    return [ln for ln in fig.axes[0].get_lines() if str(ln.get_gid()).startswith(prefix)]


def test_loss_staircase_of_an_interpolating_path(worked_path):
    fig = plot_path_loss_vs_tau(worked_path)
    ax = fig.axes[0]
    assert ax.get_xlabel() == TAU_LABEL
    assert "(2n)" in ax.get_ylabel()
    (step,) = lines(fig, "loss")
    assert step.get_drawstyle() == "steps-post"
    times, losses = worked_path.tau, worked_path.loss
    np.testing.assert_array_equal(step.get_xdata()[:-1], times)
    assert step.get_xdata()[-1] > times[-1]  # the last plateau is visible
    # the final loss is 0 up to round-off: drawn at a floor below the others, and labelled
    np.testing.assert_array_equal(step.get_ydata()[:-2], losses[:-1])
    assert 0 < step.get_ydata()[-1] < losses[-2]
    assert ax.get_yscale() == "log"
    assert any("interpolates" in t.get_text() for t in ax.texts)


def test_loss_staircase_of_a_least_squares_path(least_squares_path):
    fig = plot_path_loss_vs_tau(least_squares_path)
    (step,) = lines(fig, "loss")
    np.testing.assert_array_equal(step.get_ydata()[:-1], least_squares_path.loss)
    assert fig.axes[0].get_yscale() == "log"
    assert not fig.axes[0].texts
    assert "least-squares" in fig.axes[0].get_title(loc="left")


def test_coefficients_vs_time_one_step_line_per_active_coordinate(worked_path):
    fig = plot_path_beta_vs_tau(worked_path, feature_names=["a", "b", "c", "d"])
    ax = fig.axes[0]
    coef_lines = lines(fig, "coef-")
    assert sorted(ln.get_gid() for ln in coef_lines) == ["coef-0", "coef-2", "coef-3"]
    for ln in coef_lines:
        i = int(ln.get_gid().split("-")[1])
        assert ln.get_drawstyle() == "steps-post"
        np.testing.assert_array_equal(ln.get_xdata()[:-1], worked_path.tau)
        np.testing.assert_array_equal(ln.get_ydata()[:-1], worked_path.beta[:, i])
    (jumps,) = [c for c in ax.collections if c.get_gid() == "jumps"]
    xs = sorted(seg[0, 0] for seg in jumps.get_segments())
    np.testing.assert_allclose(xs, worked_path.tau[1:])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["c", "a", "d", "jump times τ_k"]  # largest max|β_i| first
    assert ax.get_xlabel() == TAU_LABEL and ax.get_xscale() == "linear"


def test_only_the_largest_coordinates_are_named(worked_path):
    fig = plot_path_beta_vs_tau(worked_path, n_labels=1)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["2", "jump times τ_k"]
    assert legend.get_title().get_text() == "largest 1 of 3"
    assert len(lines(fig, "coef-")) == 3


def test_time_axis_turns_logarithmic_when_jump_times_spread():
    path = saddle_path(np.eye(3), np.array([3.0, 3e-2, 3e-4]))
    np.testing.assert_allclose(path.tau, [0, 1, 100, 10_000])
    fig = plot_path_beta_vs_tau(path)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_xlim()[0] > 0
    assert len(lines(fig, "coef-")) == 3


def test_long_paths_stay_readable():
    ds = make_sparse_regression(60, 300, n_nonzero=30, noise=0.1, seed=3)
    path = saddle_path(ds.X, ds.y)
    n_active = int(np.count_nonzero(np.any(path.beta != 0, axis=0)))
    assert path.n_jumps > 50 and n_active > 50
    fig = plot_path_beta_vs_tau(path)
    ax = fig.axes[0]
    assert len(lines(fig, "coef-")) == n_active
    assert len(ax.get_legend().get_texts()) == 8 + 1  # 8 named coordinates + the jump marks
    (jumps,) = [c for c in ax.collections if c.get_gid() == "jumps"]
    segments = jumps.get_segments()
    assert len(segments) == path.n_jumps
    assert all(seg[1, 1] - seg[0, 1] < 0.05 for seg in segments)  # a rug, not full lines
    assert ax.get_xscale() == "log" == plot_path_loss_vs_tau(path).axes[0].get_xscale()
    saddle_fig = plot_path_beta_vs_saddle(path)
    assert all(ln.get_marker() in ("None", "", None) for ln in lines(saddle_fig, "coef-"))


def test_coefficients_vs_saddle_index(worked_path):
    fig = plot_path_beta_vs_saddle(worked_path)
    ax = fig.axes[0]
    coef_lines = lines(fig, "coef-")
    assert len(coef_lines) == 3
    for ln in coef_lines:
        i = int(ln.get_gid().split("-")[1])
        np.testing.assert_array_equal(ln.get_xdata(), np.arange(worked_path.n_saddles))
        np.testing.assert_array_equal(ln.get_ydata(), worked_path.beta[:, i])
    assert "saddle index k" in ax.get_xlabel()
    top = [child for child in ax.child_axes if "τ_k" in child.get_xlabel()]
    assert len(top) == 1
    assert [t.get_text() for t in top[0].get_xticklabels()] == ["0", "2", "8", "11.3"]


def test_a_path_with_no_jump_still_plots():
    path = saddle_path(np.eye(3)[:, :2], np.zeros(3))
    assert path.n_jumps == 0
    for plot in PLOTS:
        fig = plot(path)
        assert not lines(fig, "coef-")
    assert "no coordinate" in plot_path_beta_vs_tau(path).axes[0].texts[0].get_text()


def test_feature_names_must_match_the_features(worked_path):
    with pytest.raises(ValueError, match="one name per feature \\(4\\); got 2"):
        plot_path_beta_vs_saddle(worked_path, feature_names=["a", "b"])


@pytest.mark.parametrize("plot", PLOTS)
def test_figures_save_as_non_empty_png(tmp_path, worked_path, plot):
    target = save_figure_atomic(plot(worked_path), tmp_path / "fig.png", dpi=60)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(target)
    assert image.shape[0] > 100 and image.shape[1] > 100
    assert image[..., :3].std() > 0.05  # not a blank canvas


def test_numerical_modules_and_cli_do_not_import_matplotlib():
    code = (
        "import sys, saddlepath, saddlepath.io, saddlepath.cli; "
        "print([m for m in sys.modules if m.startswith('matplotlib')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
