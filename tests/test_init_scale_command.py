"""``saddlepath init-scale``: the minimiser reached is printed and saved (β, u, v)."""

from __future__ import annotations

import json

import numpy as np

from saddlepath.analysis import init_scale_study


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
    for label, values in (("β", study.coefs), ("u", study.u), ("v", study.v)):
        np.testing.assert_allclose(printed[label], values, rtol=0, atol=5e-5)
    rows = json.loads((tmp_path / "out" / "init_scale.json").read_text())["rows"]
    for j, row in enumerate(rows):
        assert row["beta"] == study.coefs[j].tolist() and row["u"] == study.u[j].tolist()
        assert row["v"] == study.v[j].tolist()
    assert abs(study.coefs[1][2] + 3.3005) < 1e-4  # γ = 5 converged (was DIVERGED)


def test_init_scale_n_steps(tmp_path, invoke):
    path = thesis_csv(tmp_path)[0]
    args = ("init-scale", path, "--gammas", "0.5", "--step-size", "0.01", "--json")
    record = json.loads(invoke(*args, "--n-steps", "300").stdout)
    assert record["rows"][0]["outcome"] == "NOT_CONVERGED"
    assert "n_steps = 300" in record["rows"][0]["message"]
    result = invoke("init-scale", path, "--gammas", "0.5", "--n-steps", "300")
    assert result.exit_code == 2 and "--n-steps needs --step-size" in result.output
