"""Tests of saddlepath.plotting.arclength: the arc-length view draws the curves it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from plotting_cases import by_gid, limit_curve, worked_runs
from saddlepath.analysis.arclength import arclength, arclength_of_path
from saddlepath.plotting import alpha_label, plot_arclength


@pytest.fixture(scope="module")
def worked():
    return worked_runs()


@pytest.fixture(scope="module")
def limit():
    return limit_curve()


def test_arclength_view_has_the_limit_as_a_continuous_curve(worked, limit):
    _, _, path, runs = worked
    curves = [arclength(run) for run in runs]
    fig = plot_arclength(curves, path, labels=[alpha_label(r.log_alpha) for r in runs], limit=limit)
    top, bottom = fig.axes[:2]
    assert len(by_gid(top, "run-")) == 3
    (drawn,) = by_gid(top, "limit")
    curve = arclength_of_path(path)  # recomputed: the figure drew the limit of this path
    np.testing.assert_allclose(drawn.get_xdata(), curve.a)
    np.testing.assert_allclose(drawn.get_ydata(), curve.tau)
    (smallest,) = by_gid(top, "run-2")
    assert smallest.get_label() == "α = 1e-300"
    expected = arclength(runs[2])  # recomputed: the figure drew the curve it was given
    np.testing.assert_allclose(smallest.get_xdata()[-1], expected.a[-1])
    assert len(by_gid(bottom, "limit-coef-")) == 3
    assert len(by_gid(bottom, "run-")) == 3 * 3  # three coordinates for each run
    assert "arc length" in bottom.get_xlabel()


def test_arclength_view_labels_curves_and_rejects_bad_inputs(worked):
    _, _, path, runs = worked
    curve = arclength(runs[0])
    (only,) = by_gid(plot_arclength(curve, path).axes[0], "run-")
    assert only.get_label() == "run 0"  # no labels given
    with pytest.raises(TypeError, match="must be an ArcLength or a non-empty sequence"):
        plot_arclength(runs, path)  # runs, not their curves
    with pytest.raises(TypeError, match="must be an ArcLength or a non-empty sequence"):
        plot_arclength([], path)
    with pytest.raises(ValueError, match="one label per curve: got 2 labels for 1 curves"):
        plot_arclength([curve], path, labels=["a", "b"])
    with pytest.raises(TypeError, match="`limit` parameter of plot_arclength must be a LimitArc"):
        plot_arclength(curve, path, limit=curve)
