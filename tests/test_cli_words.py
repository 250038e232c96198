"""The CLI speaks CLI: flags in errors, the API's options as flags, exit codes, help, checks.

Each test is built from a failure of issue 8 §5; numbers are checked against the library.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse
from typer.testing import CliRunner

import saddlepath
from helpers import WORKED_TIMES, WORKED_X, WORKED_Y
from saddlepath import cli, gradient_descent, gradient_flow, saddle_path
from saddlepath.warnings import PathStagnationWarning

COMMANDS = ("path", "demo", "flow", "converge", "analyze", "saddles", "init-scale", "sweep")


def run(*args, env=None):
    return CliRunner().invoke(cli.app, [str(a) for a in args], env=env)


def one_line_error(result, *fragments, code=2):
    assert result.exit_code == code, result.output
    err = result.stderr.strip().splitlines()[-1]
    assert err.startswith("error:"), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in err, err
    return err


@pytest.fixture
def npz_data(tmp_path):
    path = tmp_path / "data.npz"
    np.savez(path, A=WORKED_X, b=WORKED_Y)
    return path


# ------------------------------------------------------------------ smaller items


def test_step_size_without_gd_is_an_error_naming_both_flags(worked_csv):
    one_line_error(run("flow", worked_csv, "--step-size", "0.1"), "--step-size", "--gd")


@pytest.mark.parametrize("command", ["flow", "analyze"])
def test_step_size_must_be_positive_and_its_help_says_so(worked_csv, command):
    one_line_error(run(command, worked_csv, "--gd", "--step-size", "0"), "--step-size", "> 0")
    help_text = run(command, "--help", env={"COLUMNS": "200"}).stdout
    line = next(line for line in help_text.splitlines() if "--step-size " in line)
    assert "x>=0" not in line and "η > 0" in line


@pytest.mark.parametrize("command", ["path", "flow", "converge", "saddles"])
def test_empty_out_is_an_error_not_the_working_directory(
    worked_csv, command, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # where a regression would write
    one_line_error(run(command, worked_csv, "--out", ""), "--out", "needs a directory path")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["worked.csv"]


@pytest.mark.parametrize("alphas", ["1e-5,1e-10,1e-5", "1e-5,0.00001", "1e-5, 1E-5"])
def test_duplicate_alphas_are_an_error(worked_csv, alphas):
    one_line_error(run("converge", worked_csv, "--alphas", alphas), "--alphas", "twice")


@pytest.mark.parametrize(
    "args",
    [
        ("flow", "--alpha", "1e-5_0"),
        ("analyze", "--alpha", "1e-5_0"),
        ("converge", "--alphas", "1e-10,1e-5_0"),
        ("flow", "--alpha", "nan"),
        ("init-scale", "--gammas", "0.1,1e-5_0"),
    ],
)
def test_scales_with_underscores_or_words_are_refused(worked_csv, args):
    # float("1e-5_0") == 1e-50: the run went ahead at a scale nobody asked for
    err = one_line_error(run(args[0], worked_csv, *args[1:]), args[1])
    assert ("underscores" if "_" in args[2] else "plain decimal") in err


@pytest.mark.parametrize(
    "args",
    [
        ("flow", "--step-size", "0.1_0", "--gd"),
        ("flow", "--log-alpha=-1e3_0"),
        ("path", "--grad-tol", "1e-1_0"),
    ],
)
def test_no_float_flag_reads_underscores(worked_csv, args):
    flag = args[1].split("=")[0]
    one_line_error(run(args[0], worked_csv, *args[1:]), flag, "without underscores")


@pytest.mark.parametrize("command", (None, *COMMANDS))
def test_no_flag_shows_a_bool_metavar(command):
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout


def test_top_level_help_has_no_ragged_line_breaks():
    lines = [line.strip(" │") for line in run("--help").stdout.splitlines()]
    assert "2023," not in lines and "saddles" not in lines  # lines cut at the source's breaks
    assert any(line.startswith("Exit codes: 0 success") for line in lines)


def test_scipy_sparse_input_gets_a_clear_message(tmp_path):
    path = tmp_path / "sparse.npz"
    scipy.sparse.save_npz(path, scipy.sparse.csr_matrix(WORKED_X))
    err = one_line_error(run("path", path), "scipy.sparse", ".toarray()")
    assert "dtype" not in err and "x_key" not in err


# ------------------------------------------------------------------ exit codes


def test_step_limit_exits_1_like_divergence_and_writes_its_files(worked_csv, tmp_path):
    out = tmp_path / "run"
    result = run("flow", worked_csv, "--max-steps", "10", "--out", out)  # exited 0
    one_line_error(result, "STEP_LIMIT", code=1)
    assert saddlepath.load(out / "trajectory").status.name == "STEP_LIMIT"
    diverged = run("flow", worked_csv, "--alpha", "0.5", "--gd", "--step-size", "50")
    one_line_error(diverged, "DIVERGED", code=1)


def test_asked_number_of_steps_exits_0(worked_csv):
    result = run("flow", worked_csv, "--gd", "--step-size", "0.1", "--n-steps", "40", "--json")
    assert result.exit_code == 0, result.output
    lib = gradient_descent(WORKED_X, WORKED_Y, step_size=0.1, alpha="1e-100", n_steps=40)
    assert json.loads(result.stdout)["stats"] == dict(lib.stats)


def test_path_stopped_at_the_jump_limit_exits_1_with_its_files(worked_csv, tmp_path):
    result = run("path", worked_csv, "--max-jumps", "1", "--out", tmp_path / "p")
    one_line_error(result, "JUMP_LIMIT", code=1)
    assert saddlepath.load(tmp_path / "p" / "path").n_jumps == 1


# ------------------------------------------------------------ flags, not parameters


def test_log_alpha_errors_and_flag(worked_csv):
    err = one_line_error(run("flow", worked_csv, "--alpha", "2"), "--alpha", "--log-alpha")
    assert "log_alpha=" not in err and "parameter of" not in err
    lib = gradient_flow(WORKED_X, WORKED_Y, log_alpha=-1000.0)
    result = run("flow", worked_csv, "--log-alpha", "-1000", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["log_alpha"] == -1000.0 and record["stats"] == dict(lib.stats)
    one_line_error(run("flow", worked_csv, "--alpha", "1e-5", "--log-alpha", "-3"), "one of")


def test_npz_keys_are_flags(npz_data):
    err = one_line_error(run("path", npz_data), "--x-key/--y-key")
    assert "x_key" not in err
    result = run("path", npz_data, "--x-key", "A", "--y-key", "b", "--json")
    assert result.exit_code == 0, result.output
    assert np.allclose(json.loads(result.stdout)["tau"], [float(t) for t in WORKED_TIMES])


# ------------------------------------------------------ options the API had


def test_gd_options_match_the_library(worked_csv):
    args = ("--gd", "--step-size", "0.05", "--u0", "1", "--v0", "1,0,0,0.5")
    args += ("--n-steps", "300", "--save-every", "7", "--batch-size", "1", "--seed", "3")
    result = run("flow", worked_csv, "--alpha", "0.01", *args, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    lib = gradient_descent(
        WORKED_X, WORKED_Y, step_size=0.05, alpha=0.01, u0=1.0, v0=[1, 0, 0, 0.5],
        n_steps=300, save_every=7, batch_size=1, seed=3,
    )  # fmt: skip
    assert record["method"] == "sgd" and record["n_saved"] == lib.tau.size
    assert record["final_loss"] == float(lib.loss[-1])
    assert record["stats"] == {"n_grad_evals": lib.stats["n_grad_evals"], "n_steps": 300}


@pytest.mark.parametrize(
    ("args", "flags"),
    [
        (("--save-every", "5"), "--save-every"),
        (("--batch-size", "1"), "--batch-size"),
        (("--gd", "--step-size", "0.1", "--seed", "1"), "--seed"),
        (("--gd", "--step-size", "0.1", "--rtol", "1e-6"), "--rtol"),
        (("--u0", "1,x"), "--u0"),
    ],
)
def test_options_out_of_place_are_errors(worked_csv, args, flags):
    one_line_error(run("flow", worked_csv, *args), flags)


def test_grad_and_tie_tolerances_reach_the_path(worked_csv):
    result = run("path", worked_csv, "--grad-tol", "0.5", "--tie-tol", "1e-6", "--json")
    with pytest.warns(PathStagnationWarning):  # so coarse a grad_tol ends the path early
        lib = saddle_path(WORKED_X, WORKED_Y, grad_tol=0.5, tie_tol=1e-6)
    assert lib.status.name == "STAGNATED"
    record = json.loads(result.stdout)
    assert record["tolerances"]["grad_tol"] == 0.5 and record["n_jumps"] == lib.n_jumps
    one_line_error(run("path", worked_csv, "--grad-tol", "2"), "--grad-tol")


# ------------------------------------------------------------------ tables


def test_wide_tables_stay_readable_off_a_terminal(worked_csv):
    result = run("analyze", worked_csv, env={"COLUMNS": ""})  # 80 columns gave 3-char cells
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if line.startswith("┃"))
    assert "eig. of Hessian ∇²F (< 0)" in header and "verdict" in header


def _csv(path):
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("args", "column", "count"),
    [
        (("path",), "τ_k", 4),
        (("flow", "--alpha", "1e-30"), "τ start", 4),
        (("converge", "--alphas", "1e-10,1e-30"), "rel. error", 2),
        (("analyze",), "eig. of Hessian ∇²F (< 0)", 4),
        (("saddles",), "loss L(β)", 4),
    ],
)
def test_every_table_has_a_csv(worked_csv, tmp_path, args, column, count):
    target = tmp_path / "table.csv"
    result = run(args[0], worked_csv, *args[1:], "--csv", target)
    assert result.exit_code == 0, result.output
    rows = _csv(target)
    assert len(rows) == count and all(column in row for row in rows)
    if args[0] == "path":
        assert [float(r["τ_k"]) for r in rows] == pytest.approx(
            [float(t) for t in WORKED_TIMES], rel=1e-5
        )


def test_csv_lists_every_coordinate(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 30))
    y = X[:, :9] @ np.ones(9)
    data = tmp_path / "wide.npz"
    np.savez(data, X=X, y=y)
    target = tmp_path / "t.csv"
    assert run("path", data, "--csv", target).exit_code == 0
    entered = [c for r in _csv(target) for c in r["entering"].split(", ") if c]
    path = saddle_path(X, y)
    assert sorted(map(int, entered)) == sorted(int(i) for c in path.entered for i in c)


def test_analysis_json_says_which_matrix_the_eigenvalues_belong_to(worked_csv):
    record = json.loads(run("analyze", worked_csv, "--json").stdout)
    assert "Hessian of F(u, v)" in record["conventions"]["top_eigenvalues"]
    assert all(v < 0 for row in record["rows"] for v in row["top_eigenvalues"])  # unstable


def test_reasons_name_coordinates_like_the_table(tmp_path):
    data = tmp_path / "named.csv"
    rows = ["a,b,c,d,y"] + [
        ",".join(map(str, [*x, t])) for x, t in zip(WORKED_X, WORKED_Y, strict=True)
    ]
    data.write_text("\n".join(rows) + "\n")
    result = run("analyze", data, env={"COLUMNS": "250"})
    reasons = [line for line in result.stdout.splitlines() if line.startswith("* k = ")]
    assert reasons and all("coordinate b " in line for line in reasons)  # not "coordinate 1"
    assert "coordinates by the data's column names" in result.stdout


# ------------------------------------------------------------------ progress


def test_a_run_with_a_progress_hook_gets_a_bar_over_tau(monkeypatch):
    from saddlepath.cli import _progress

    seen = []

    def fake_run(X, y, *, progress, alpha):
        for tau in (1.0, 5.0, 11.0):
            progress(tau)
            seen.append(tau)
        return "done"

    class _Data:
        X, y = WORKED_X, WORKED_Y

    path = saddle_path(WORKED_X, WORKED_Y)
    assert _progress.run_with_progress(fake_run, _Data, "fake", path, alpha=1e-3) == "done"
    assert seen == [1.0, 5.0, 11.0]
