"""``saddlepath analyze --gd --margin``: the thesis's plateau rule from the command line."""

from __future__ import annotations

import json

from helpers import WORKED_X, WORKED_Y
from saddlepath import gradient_descent
from saddlepath.analysis import find_plateaus


def test_analyze_margin_reports_the_exact_entry_iterations(worked_csv, invoke):
    args = ("analyze", worked_csv, "--gd", "--step-size", "0.2", "--alpha", "1e-100")
    result = invoke(*args, "--margin", "1e-6", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    traj = gradient_descent(WORKED_X, WORKED_Y, step_size=0.2, alpha="1e-100", margin=1e-6)
    expected = traj.margin_crossings.start.tolist()  # checked at every step
    assert len(expected) == 4 and expected == sorted(expected)
    assert [row["observed_iteration"] for row in rows] == expected
    speed_rule = find_plateaus(gradient_descent(WORKED_X, WORKED_Y, step_size=0.2,
                               alpha="1e-100"), WORKED_X, WORKED_Y, step_size=0.2)  # fmt: skip
    assert speed_rule.iterations.tolist() != expected  # the option changes the rule


def test_analyze_margin_errors(worked_csv, invoke):
    result = invoke("analyze", worked_csv, "--margin", "1e-4")
    assert result.exit_code == 2 and "--margin needs --gd" in result.output
    result = invoke("analyze", worked_csv, "--gd", "--step-size", "0.2", "--margin", "0")
    assert result.exit_code == 2 and "a value > 0" in result.output
