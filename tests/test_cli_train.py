"""``saddlepath train``: records written as a set, resumable, JSON, errors as one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("sklearn")

import saddlepath as sp
from saddlepath.cli.train import CHECKPOINT, EscapeCounter

SMALL = ["--digits", "--n-samples", "150", "--depth", "3", "--width", "8", "--steps", "120",
         "--record-every", "10", "--restarts", "1", "--escape-steps", "60", "--init-scale",
         "0.05"]  # fmt: skip


def test_train_writes_records_and_resumes_to_the_same_run(invoke, tmp_path):
    out = tmp_path / "run"
    first = invoke("train", *SMALL, "--out", out)
    assert first.exit_code == 0, first.output
    assert {"training.json", "training.npz", "escape.json", "data.json", CHECKPOINT} <= {
        p.name for p in out.iterdir()
    }
    run = sp.load(out / "training")
    assert run.settings["widths"] == [8, 8] and run.step[-1] == 120
    assert np.isfinite(run.alignment).all() and run.escape_speed == sp.load(out / "escape").speed
    again = invoke("train", *SMALL, "--out", out, "--resume", "--plot")
    assert again.exit_code == 0, again.output
    assert {"training.png", "training_ratios.png"} <= {p.name for p in out.iterdir()}
    resumed = sp.load(out / "training")
    assert resumed.stats["n_resumes"] == 1
    for name in ("loss", "t", "norm", "gradient_norm", "alignment", "beta"):
        assert np.array_equal(getattr(resumed, name), getattr(run, name)), name


def test_train_json_summary(invoke, tmp_path):
    result = invoke("train", *SMALL, "--no-escape", "--loss", "cross-entropy", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["format"] == "saddlepath.training" and summary["status"]["name"] == "COMPLETED"
    assert summary["settings"]["loss"] == "cross_entropy" and summary["escape_speed"] is None
    assert summary["stats"]["n_steps"] == 120 and isinstance(summary["plateaus"], list)


def test_train_on_a_data_file(invoke, worked_csv):
    result = invoke("train", worked_csv, "--depth", "2", "--width", "3", "--steps", "30",
                    "--no-escape", "--init-scale", "0.1")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "TrainingRun(depth=2" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--digits", "--resume"], "--resume needs --out DIR"),
        (["--digits", "--plot"], "--plot needs --out"),
        (["--digits", "--loss", "hinge"], "--loss must be mse or cross-entropy"),
        (["--digits", "--depth", "1"], "--depth must be ≥ 2"),
        (["--digits", "--mnist5k"], "exactly one of DATA, --digits and --mnist5k"),
        (["--digits", "--n-samples", "50", "--no-escape", "--c", "-1"], "--c must be a float"),
    ],
)
def test_train_errors_are_one_line(invoke, args, message):
    result = invoke("train", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_cross_entropy_needs_integer_labels(invoke, tmp_path):
    data = tmp_path / "real.csv"
    np.savetxt(data, np.column_stack([np.eye(3), [0.5, 1.0, 2.0]]), delimiter=",")
    result = invoke("train", data, "--loss", "cross-entropy", "--no-escape")
    assert result.exit_code == 2 and "integer class labels" in result.output


def test_escape_counter_counts_speed_peaks():
    counter = EscapeCounter()
    norms = [1e-6, 9e-7, 1e-5, 1e-3, 1e-2, 1e-4, 1e-5, 1e-5, 5e-4, 1e-3, 9e-5, 1e-5]
    counts = [counter.update(g) for g in norms]
    assert counts == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2]
