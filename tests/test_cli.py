"""Tests of the ``saddlepath`` command line (Typer's CliRunner, in process)."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from typer.testing import CliRunner

import saddlepath
from saddlepath import cli, saddle_path
from saddlepath.data import demo_problem, worked_example
from saddlepath.diagonal import SaddlePath
from saddlepath.report.cells import coordinates
from test_records import assert_same

runner = CliRunner()
FIGURES = {"loss.png", "coefs_vs_tau.png", "coefs_vs_saddle.png"}


@pytest.fixture
def worked_csv(tmp_path):
    """The worked example as a CSV with a header; the target is the middle column."""
    ds = worked_example()
    rows = ["a,b,y,c,d"] + [
        f"{x[0]},{x[1]},{t},{x[2]},{x[3]}" for x, t in zip(ds.X, ds.y, strict=True)
    ]
    path = tmp_path / "worked.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


def assert_one_line_error(result, *fragments, code=2):
    assert result.exit_code == code, result.output
    err = result.stderr.strip()
    assert err.startswith("error:") and "\n" not in err, err
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in err, err


# ----------------------------------------------------------------------------- help


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"saddlepath {saddlepath.__version__}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ["path", "demo", "--version", "Examples", "accelerated time"]),
        (
            ("path",),
            [
                "DATA",
                "--target",
                "--out",
                "--json",
                "--plot",
                "--max-jumps",
                "--precision",
                "--check",
                "Examples",
            ],
        ),
        (("demo",), ["--out", "demo-output", "Example"]),
    ],
)
def test_help_lists_every_option_and_an_example(args, expected):
    result = invoke(*args, "--help")
    assert result.exit_code == 0
    for word in expected:
        assert word in result.stdout, word


def test_no_arguments_shows_help():
    result = invoke()
    assert result.exit_code == 2
    assert "Usage" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------------------ path


def test_path_prints_the_table_with_feature_names(worked_csv):
    result = invoke("path", worked_csv, "--target", "y")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Saddle path of worked (2 samples × 4 features)" in out
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 4  # one per saddle
    assert "11.2653" in rows[3] and "│ c" in rows[2] and "│ a" in rows[2]  # a leaves at jump 2
    assert "reached the minimum-ℓ1 interpolator" in out


def test_path_json_equals_the_library_result(worked_csv):
    result = invoke("path", worked_csv, "--target", "2", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)  # nothing but JSON on stdout
    ds = worked_example()
    expected = saddle_path(ds.X, ds.y)
    assert record["tau"] == expected.tau.tolist()
    assert record["loss"] == expected.loss.tolist()
    assert record["entered"] == [[], [0], [2], [3]] and record["left"] == [[], [], [0], []]
    assert record["status"]["name"] == "MIN_L1_INTERPOLATOR"
    assert record["metadata"]["data"]["feature_names"] == ["a", "b", "c", "d"]
    assert "check" not in record


def test_target_position_without_header(tmp_path):
    ds = demo_problem()
    path = tmp_path / "demo.csv"
    np.savetxt(path, np.column_stack([ds.y, ds.X]), delimiter=",")
    result = invoke("path", path, "--target", "0", "--json", "--precision", "float64")
    assert result.exit_code == 0, result.output
    expected = saddle_path(ds.X, ds.y, precision="float64")
    assert json.loads(result.stdout)["tau"] == pytest.approx(expected.tau.tolist(), rel=1e-12)


def test_max_jumps_stops_the_path(worked_csv):
    result = invoke("path", worked_csv, "-t", "y", "--max-jumps", "1", "--json")
    record = json.loads(result.stdout)
    assert (record["n_jumps"], record["status"]["name"]) == (1, "JUMP_LIMIT")


def test_out_and_plot_write_every_file(tmp_path, worked_csv):
    out = tmp_path / "results" / "run1"
    result = invoke("path", worked_csv, "--target", "y", "--out", out, "--plot")
    assert result.exit_code == 0, result.output
    records = {"path.json", "path.npz", "data.json", "data.npz"}
    assert {p.name for p in out.iterdir()} == records | FIGURES
    ds = worked_example()
    expected = saddle_path(ds.X, ds.y)
    assert_same(saddlepath.load(out / "path"), expected)  # every field, bit for bit
    assert saddlepath.load(out / "data").feature_names == ("a", "b", "c", "d")
    for name in FIGURES:
        assert (out / name).read_bytes()[:4] == b"\x89PNG" and (out / name).stat().st_size > 5000
    assert "wrote" in result.stdout and "path.json" in result.stdout


def test_check_prints_the_certificate(worked_csv):
    result = invoke("path", worked_csv, "-t", "y", "--check")
    assert result.exit_code == 0, result.output
    assert "path certificate: PASSED" in result.stdout
    record = json.loads(invoke("path", worked_csv, "-t", "y", "--check", "--json").stdout)
    assert record["check"]["passed"] is True and len(record["check"]["checks"]) > 3


def test_failed_check_exits_with_1(worked_csv, monkeypatch):
    class Failed:
        passed = False
        checks = ()

        def __str__(self):
            return "path certificate: FAILED\n  [FAIL] invented: for the test"

    monkeypatch.setattr(SaddlePath, "check", lambda self: Failed())
    result = invoke("path", worked_csv, "-t", "y", "--check")
    assert "[FAIL] invented" in result.stdout
    assert_one_line_error(result, "certificate", code=1)


def test_library_warnings_are_shown_on_stderr(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("1,1,0,1\n0,0,1,0\n1,1,1,2\n")  # columns 0 and 1 are identical
    result = invoke("path", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"]["name"] == "NON_UNIQUE"
    assert result.stderr.startswith("warning:") and "general position" in result.stderr


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("path", "missing.csv"), ["No such data file", "missing.csv"]),
        (("path", "{csv}", "--target", "nope"), ["'nope' is not in the header"]),
        (("path", "{csv}", "--target", "9"), ["out of range"]),
        (("path", "{csv}", "--precision", "double"), ["--precision", "'double'", "--help"]),
        (("path", "{csv}", "--max-jumps", "0"), ["--max-jumps"]),
        (("path", "{csv}", "--max-jumps", "two"), ["--max-jumps", "integer"]),
        (("path", "{csv}", "--plot"), ["--plot needs --out"]),
        (("path", "{csv}", "--out", "{csv}"), ["is an existing file"]),
        (("demo", "--out", "{csv}"), ["is an existing file"]),
        (("paht",), ["No such command", "path"]),
    ],
)
def test_errors_are_one_red_line_and_exit_2(worked_csv, args, fragments):
    result = invoke(*(a.format(csv=worked_csv) for a in args))
    assert_one_line_error(result, *fragments)
    assert result.stdout == ""


def test_bad_data_file_error_names_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("1,2,3\n4,x,6\n")
    assert_one_line_error(invoke("path", path), "line 2", "'x'")


@pytest.mark.parametrize("error", [ValueError, TypeError])
def test_library_errors_become_one_line(worked_csv, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error("`X` is\nnot what saddle_path wants")

    monkeypatch.setattr(cli.path, "saddle_path", fail)
    assert_one_line_error(invoke("path", worked_csv), "`X` is not what saddle_path wants")


def test_long_coordinate_lists_are_cut():
    assert coordinates(tuple(range(10)), None) == "0, 1, 2, 3, 4, 5 …+4"
    assert coordinates((1, 0), ("[a]", "b")) == "b, \\[a]"  # names are not markup
    assert coordinates((), None) == ""
