"""``saddlepath converge``: table, fitted rates, JSON and files against the library."""

from __future__ import annotations

import json

import numpy as np
import pytest

import saddlepath
from helpers import WORKED_X, WORKED_Y
from saddlepath import convergence_study
from saddlepath.report.json import convergence_rows

ALPHAS = "1e-30,1e-100,1e-300"


def test_converge_json_matches_the_library(worked_csv, invoke):
    result = invoke("converge", worked_csv, "--alphas", ALPHAS, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    study = convergence_study(WORKED_X, WORKED_Y, ALPHAS.split(","))
    assert [r["alpha"] for r in record["rows"]] == ALPHAS.split(",")
    errors = [r["relative_error"] for r in record["rows"]]
    np.testing.assert_allclose(errors, study.relative_errors, rtol=1e-6)
    assert errors[0] > errors[1] > errors[2]  # the flow converges to the limit
    delay_fit = record["fits"]["delay_vs_lambda"]
    assert delay_fit["slope"] == pytest.approx(-1.0, abs=0.05)  # delays decay like 1/λ
    assert delay_fit["status"] == {"name": "FITTED", "message": study.delay_rate.status.value}
    assert [r["n_steps"] for r in record["rows"]] == study.stats["n_steps"].tolist()
    assert record["format"] == "saddlepath.convergence" and "units" in record
    assert record["metadata"]["data"]["source"] == str(worked_csv)


def test_converge_table_files_and_figures(worked_csv, tmp_path, invoke):
    out = tmp_path / "conv"
    result = invoke("converge", worked_csv, "--alphas", ALPHAS, "--out", out, "--plot")
    assert result.exit_code == 0, result.output
    assert "Convergence of the flow" in result.stdout
    assert "delay ∝ λ^p: p = " in result.stdout
    study = saddlepath.load(out / "convergence")
    assert study.alphas == tuple(ALPHAS.split(",")) and len(convergence_rows(study)) == 3
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert "convergence.png" in pngs
    assert all((out / name).stat().st_size > 1000 for name in pngs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--alphas", ","), "--alphas needs at least one scale"),
        (("--alphas", "2"), "alpha"),
        (("--plot",), "--plot needs --out DIR"),
    ],
)
def test_converge_errors_are_one_line(worked_csv, args, message, invoke):
    result = invoke("converge", worked_csv, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
