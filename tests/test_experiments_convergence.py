"""Tests of saddlepath.experiments.convergence: convergence_study() runs flows over α."""

from __future__ import annotations

import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.analysis.comparison import ComparisonStatus
from saddlepath.analysis.rates import FitStatus
from saddlepath.data import worked_example
from saddlepath.experiments import convergence_study
from saddlepath.report.json import convergence_rows


@pytest.fixture(scope="module")
def worked():
    ds = worked_example()
    return ds.X, ds.y, saddle_path(ds.X, ds.y)


class Recorder:
    def __init__(self):
        self.calls = []

    def start(self, total):
        self.calls.append(("start", total))

    def begin(self, index, alpha):
        self.calls.append(("begin", index, alpha))

    def done(self, index, row):
        self.calls.append(("done", index, row["alpha"], row["status"]))


@pytest.fixture(scope="module")
def study(worked):
    X, y, path = worked
    recorder = Recorder()
    result = convergence_study(
        X, y, ["1e-10", "1e-30", 1e-100, "1e-300"], path=path, progress=recorder
    )
    return result, recorder


def test_study_errors_decrease_with_lambda(study):
    result, _ = study
    np.testing.assert_allclose(result.lambdas, np.log(10.0) * np.array([10, 30, 100, 300]))
    matched = [c.status is ComparisonStatus.MATCHED for c in result.comparisons]
    assert matched == [False, True, True, True]  # α = 1e-10 misses saddles
    errors = result.relative_errors[1:]
    assert np.all(np.diff(errors) < 0) and errors[-1] < 1e-4 < errors[0]
    assert result.error_rate.status is FitStatus.FITTED
    assert result.error_rate.slope < -1.0  # faster than 1/λ on this instance
    assert result.error_alpha_rate.slope < 0  # and ∝ α^c with c > 0
    np.testing.assert_array_equal(result.error_rate.lambdas, result.lambdas[1:])


def test_study_delays_decay_like_one_over_lambda(study):
    result, _ = study
    assert result.delay_rate.slope == pytest.approx(-1.0, abs=0.02)
    assert result.jump_delays.shape == (4, 3)
    np.testing.assert_allclose(result.max_delays, np.nanmax(np.abs(result.jump_delays), axis=1))


def test_study_table_and_progress(study):
    result, recorder = study
    rows = convergence_rows(result)
    assert [r["alpha"] for r in rows] == ["1e-10", "1e-30", "1e-100", "1e-300"]
    assert rows[0]["status"] == "MISSING_PLATEAUS" and rows[-1]["status"] == "MATCHED"
    assert rows[-1]["delay_times_lambda"] == pytest.approx(
        rows[-1]["max_delay"] * rows[-1]["lambda"]
    )
    assert recorder.calls[0] == ("start", 4)
    assert [c[0] for c in recorder.calls[1:]] == ["begin", "done"] * 4
    assert recorder.calls[-1] == ("done", 3, "1e-300", "MATCHED")
    assert result.runs == ()  # not kept by default
    assert result.plateau_errors.shape == (4, 4)


def test_study_keeps_runs_and_passes_flow_options(worked):
    X, y, path = worked
    result = convergence_study(X, y, ["1e-50"], path=path, keep_runs=True, tau_max=9.0)
    (run,) = result.runs
    assert run.tau[-1] == pytest.approx(9.0)
    assert result.comparisons[0].status is ComparisonStatus.TRUNCATED
    assert result.error_rate.status is FitStatus.TOO_FEW_POINTS


def test_study_validates_its_arguments(worked):
    X, y, path = worked
    with pytest.raises(TypeError, match="sequence of floats or strings"):
        convergence_study(X, y, "1e-5,1e-10")
    with pytest.raises(ValueError, match="`alphas` parameter of convergence_study is empty"):
        convergence_study(X, y, [])
    with pytest.raises(ValueError, match="must describe alpha < 1"):
        convergence_study(X, y, ["2"])
    with pytest.raises(ValueError, match="computed on other data"):
        convergence_study(X[:, :3], y, ["1e-5"], path=path)
    with pytest.raises(TypeError, match="start\\(total\\), begin\\(index, alpha\\)"):
        convergence_study(X, y, ["1e-5"], path=path, progress=print)
    with pytest.raises(TypeError, match="do not pass log_alpha= among the flow options"):
        convergence_study(X, y, ["1e-5"], path=path, log_alpha=-3.0)
    with pytest.raises(ValueError, match="`fit_floor` parameter of convergence_study"):
        convergence_study(X, y, ["1e-5"], path=path, fit_floor=-1.0)
