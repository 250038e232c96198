"""``saddlepath init-scale``: the minimiser reached is printed and saved (β, u, v)."""

from __future__ import annotations

import json

import numpy as np

import saddlepath
from saddlepath.experiments import init_scale_study
from test_records import assert_same


def thesis_csv(tmp_path):
    rs = np.random.RandomState(10)
    X = rs.randn(5, 7)
    y = X @ np.array([10.0, 20.0, 0, 0, 0, 0, 0])
    path = tmp_path / "thesis.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", fmt="%.17g")
    return path, X, y


def test_init_scale_prints_and_saves_the_minimiser(tmp_path, invoke):
    """Issue 8 §5: init-scale showed no minimiser, so Table 11 could not be compared."""
    path, X, y = thesis_csv(tmp_path)
    args = ("init-scale", path, "--gammas", "1,5", "--step-size", "0.01")
    result = invoke(*args, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    study = init_scale_study(X, y, ["1", "5"], step_size=0.01)
    printed = {}
    for line in result.stdout.splitlines():
        cells = line.split()
        if len(cells) >= 8 and cells[-8] in ("β", "u", "v"):
            printed.setdefault(cells[-8], []).append([float(c) for c in cells[-7:]])
    for label, values in (("β", study.beta), ("u", study.u), ("v", study.v)):
        np.testing.assert_allclose(printed[label], values, rtol=0, atol=5e-5)
    saved = saddlepath.load(tmp_path / "out" / "init_scale")
    for name in ("gammas", "log_gammas", "beta", "u", "v"):
        assert_same(getattr(saved, name), getattr(study, name), name)
    assert abs(study.beta[1][2] + 3.3005) < 1e-4  # γ = 5 converged (was DIVERGED)


def test_init_scale_n_steps(tmp_path, invoke):
    path = thesis_csv(tmp_path)[0]
    args = ("init-scale", path, "--gammas", "0.5", "--step-size", "0.01", "--json")
    record = json.loads(invoke(*args, "--n-steps", "300").stdout)
    assert record["rows"][0]["status"] == "STEP_LIMIT"
    assert "n_steps = 300" in record["rows"][0]["message"]
    result = invoke("init-scale", path, "--gammas", "0.5", "--n-steps", "300")
    assert result.exit_code == 2 and "--n-steps needs --step-size" in result.output


def test_init_scale_csv_and_npz_keys(tmp_path, invoke):
    """``--csv`` writes the study table; ``--x-key/--y-key`` read an .npz with other names."""
    _, X, y = thesis_csv(tmp_path)
    data = tmp_path / "thesis.npz"
    np.savez(data, A=X, b=y)
    csv = tmp_path / "study.csv"
    args = ("init-scale", data, "--gammas", "1,5", "--step-size", "0.01")
    result = invoke(*args, "--x-key", "A", "--y-key", "b", "--csv", csv)
    assert result.exit_code == 0, result.output
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("γ,outcome,loss")
    study = init_scale_study(X, y, ["1", "5"], step_size=0.01)
    for line, loss in zip(lines[1:], study.loss, strict=True):
        assert abs(float(line.split(",")[2]) - loss) <= 1e-3 * loss + 1e-300


def test_init_scale_study_reports_progress():
    """The study tells a progress object about every run, in order, with its outcome."""
    _, X, y = thesis_csv_arrays()
    events = []

    class Recorder:
        def start(self, total):
            events.append(("start", total))

        def begin(self, index, gamma):
            events.append(("begin", index, gamma))

        def done(self, index, row):
            events.append(("done", index, row["status"]))

    study = init_scale_study(X, y, ["1", "5"], step_size=0.01, progress=Recorder())
    outcomes = [o.name for o in study.statuses]
    assert events == [
        ("start", 2),
        ("begin", 0, "1"),
        ("done", 0, outcomes[0]),
        ("begin", 1, "5"),
        ("done", 1, outcomes[1]),
    ]


def thesis_csv_arrays():
    rs = np.random.RandomState(10)
    X = rs.randn(5, 7)
    return None, X, X @ np.array([10.0, 20.0, 0, 0, 0, 0, 0])
