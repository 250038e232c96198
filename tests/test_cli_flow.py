"""``saddlepath flow``: table, JSON, files and errors, checked against the library."""

from __future__ import annotations

import json

import numpy as np
import pytest

import saddlepath
from helpers import WORKED_X, WORKED_Y
from saddlepath import gradient_descent, gradient_flow
from saddlepath.analysis import find_plateaus
from test_records import assert_same


def test_flow_table_lists_the_plateaus_close_to_the_exact_saddles(worked_csv, invoke):
    result = invoke("flow", worked_csv, "--alpha", "1e-300")
    assert result.exit_code == 0, result.output
    assert "Plateaus of gradient flow" in result.stdout
    assert "CONVERGED" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 4  # origin + three saddles, as the exact path
    distances = [float(row.split("│")[-2]) for row in rows]
    assert max(distances) < 1e-6


def test_flow_json_and_files_match_the_library(worked_csv, tmp_path, invoke):
    out = tmp_path / "run"
    result = invoke("flow", worked_csv, "--alpha", "1e-300", "--out", out)
    assert result.exit_code == 0, result.output
    traj = gradient_flow(WORKED_X, WORKED_Y, alpha="1e-300")
    saved = saddlepath.load(out / "trajectory")
    assert_same(saved, traj)  # every field, bit for bit: τ, β, status, log α, ...
    assert saved.status.name == "CONVERGED"
    assert saved.log_alpha == pytest.approx(-300 * np.log(10))
    printed = json.loads(invoke("flow", worked_csv, "--alpha", "1e-300", "--json").stdout)
    assert printed["stats"] == dict(traj.stats)
    plateaus = find_plateaus(traj)
    assert len(plateaus) == 4  # the worked example's four saddles, the origin included
    assert [p["tau_start"] for p in printed["plateaus"]] == plateaus.tau_start.tolist()
    assert [p["tau_end"] for p in printed["plateaus"]] == plateaus.tau_end.tolist()


def test_flow_gd_uses_the_step_size(worked_csv, invoke):
    result = invoke("flow", worked_csv, "--alpha", "1e-100", "--gd", "--step-size", "0.2", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    traj = gradient_descent(WORKED_X, WORKED_Y, step_size=0.2, alpha="1e-100")
    assert record["method"] == "gd"
    assert record["stats"] == dict(traj.stats)


def test_flow_divergence_exits_1(worked_csv, invoke):
    result = invoke("flow", worked_csv, "--alpha", "0.5", "--gd", "--step-size", "50")
    assert result.exit_code == 1
    assert "DIVERGED" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--alpha", "0"), "--alpha must be > 0"),
        (("--alpha", "abc"), "alpha"),
        (("--gd",), "--gd needs --step-size"),
        (("--plot",), "--plot needs --out DIR"),
    ],
)
def test_flow_errors_are_one_line(worked_csv, args, message, invoke):
    result = invoke("flow", worked_csv, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
