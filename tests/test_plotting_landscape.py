"""Smoke and content tests of the saddle-landscape and initialisation-scale figures."""

from __future__ import annotations

import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.diagonal.descent_result import DivergenceWarning
from saddlepath.experiments import init_scale_study
from saddlepath.landscape import enumerate_saddles
from saddlepath.plotting import plot_init_scale, plot_saddle_landscape

WORKED_X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
WORKED_Y = np.array([1.0, 0.0])


def _by_gid(ax, gid):
    return [artist for artist in ax.get_children() if artist.get_gid() == gid]


def test_saddle_landscape_draws_every_point_and_the_path_in_order():
    cat = enumerate_saddles(WORKED_X, WORKED_Y, path=saddle_path(WORKED_X, WORKED_Y))
    fig = plot_saddle_landscape(cat)
    ax = fig.axes[0]
    (dots,) = _by_gid(ax, "critical-points")
    assert dots.get_offsets().shape == (len(cat), 2)
    np.testing.assert_array_equal(dots.get_array(), cat.morse_index)
    (line,) = _by_gid(ax, "path")
    x, y = line.get_data()
    # four saddles, support sizes 0, 1, 1, 2 (up to the spread), losses decreasing
    np.testing.assert_allclose(np.rint(x), [0, 1, 1, 2])
    assert np.all(np.diff(y) < 0)
    assert ax.get_yscale() == "log"  # the interpolators' round-off losses sit on the floor
    assert ax.get_ylabel().startswith("loss")


def test_init_scale_figure_marks_divergence():
    with pytest.warns(DivergenceWarning, match="diverged for gamma = 10"):
        study = init_scale_study(WORKED_X, WORKED_Y, [1e-6, 1.0, 10.0], step_size=0.1)
    fig = plot_init_scale(study)
    top, bottom = fig.axes[:2]
    assert len(_by_gid(top, "diverged")) == 1 and len(_by_gid(bottom, "diverged")) == 1
    (conv,) = _by_gid(top, "converged")
    np.testing.assert_allclose(conv.get_data()[1], study.l1_norm[:2])
    assert bottom.get_xscale() == "log" and "γ" in bottom.get_xlabel()
    levels = sorted(
        line.get_ydata()[0] for line in top.get_lines() if line.get_linestyle() in ("--", ":")
    )
    assert levels == pytest.approx(sorted([study.min_l1_norm, study.min_l2_norm]))
