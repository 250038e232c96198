"""``saddlepath analyze``, ``saddles`` and ``init-scale``: tables, JSON, files and errors.

Every number shown or written is checked against the library on the same data.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import saddlepath
from helpers import WORKED_X, WORKED_Y, sparse_gaussian
from saddlepath import cli, gradient_descent, gradient_flow, io, saddle_path
from saddlepath.analysis import explain_jumps, plateau_resolution
from saddlepath.experiments import init_scale_study
from saddlepath.landscape import enumerate_saddles
from saddlepath.report.json import catalog_rows, init_scale_rows, jump_rows

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RANDOM_X, RANDOM_Y, _ = sparse_gaussian(5, 8, 3, seed=1)  # 7 saddles, 4 DUAL_RULE verdicts


def _csv(path, X, y):
    np.savetxt(path, np.column_stack([X, y]), delimiter=",")
    return path


@pytest.fixture
def worked_csv(tmp_path):
    return _csv(tmp_path / "worked.csv", WORKED_X, WORKED_Y)


@pytest.fixture
def random_csv(tmp_path):
    return _csv(tmp_path / "random.csv", RANDOM_X, RANDOM_Y)


@pytest.fixture
def wide_csv(tmp_path):
    X, y, _ = sparse_gaussian(6, 16, 2, seed=0)
    return _csv(tmp_path / "wide.csv", X, y)


def invoke(*args):
    """Run the CLI wide enough that every table row is one line."""
    return runner.invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "250"})


def table_rows(stdout: str) -> list[list[str]]:
    """The cells of the data rows of every table printed (headers use ┃, not │)."""
    rows = []
    for line in stdout.splitlines():
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            if cells[0]:  # a wrapped cell continues on a line with an empty first cell
                rows.append(cells)
    return rows


def as_json(obj):
    """What ``obj`` reads back as after the CLI's JSON writer."""
    return json.loads(io.to_json(obj))


def assert_one_line_error(result, fragment, code=2):
    assert result.exit_code == code, result.output
    err = result.stderr.strip()
    assert err.startswith("error:") and "\n" not in err, err
    assert fragment in err, err
    assert "Traceback" not in result.output


def worked_rows(alpha="1e-30"):
    path = saddle_path(WORKED_X, WORKED_Y)
    traj = gradient_flow(WORKED_X, WORKED_Y, alpha=alpha)
    return path, jump_rows(explain_jumps(WORKED_X, WORKED_Y, path, traj))


# --------------------------------------------------------------------------- analyze


def test_analyze_table_on_the_worked_example(worked_csv):
    result = invoke("analyze", worked_csv)  # default α = 1e-30 for the flow
    assert result.exit_code == 0, result.output
    assert "gradient flow at α = 1e-30" in result.stdout
    rows = table_rows(result.stdout)
    assert [r[0] for r in rows] == ["0", "1", "2", "3"]
    # k | β_k | type | idx | τ_k | τ run | top eigenvalues | eig | dual | entered | angle | verdict
    assert rows[1][1:5] == ["0: 0.8", "saddle", "3", "2"]
    # τ run: where the α = 1e-30 run's plateau starts, printed to 4 digits; the library's
    # value is the oracle (it depends on where the solver saved points, not on the CLI)
    _, expected = worked_rows()
    assert rows[1][5] == f"{expected[1]['observed_tau']:.4g}"
    assert abs(float(rows[1][5]) - 2.0) < 0.25  # jump delay ~ 1/λ past τ₁ = 2 (λ = 69)
    assert rows[1][6] == "-0.15, -0.14, -0.05"
    assert rows[1][7:] == ["1", "2", "2 (2)", "90.0", "dual*"]  # eigenvector says 1, 2 enters
    assert rows[2][7:] == ["1", "3", "3 (3)", "90.0", "dual*"]
    assert rows[0][7:] == ["0", "0", "0 (0)", "0.0", "both"]
    assert rows[3][1:4] == ["2: 1.43, 3: -0.204", "min", "0"]
    assert rows[3][-1] == "end"
    for row in expected:  # reasons printed exactly where the eigenvector rule failed
        assert (f"k = {row['k']}: {row['reason']}" in result.stdout) == (row["k"] in (1, 2))
    assert "the run reached all 4 saddles" in result.stdout
    assert "CONVERGED" in result.stdout


def test_analyze_json_and_file_match_the_library(worked_csv, tmp_path):
    out = tmp_path / "run"
    result = invoke("analyze", worked_csv, "--alpha", "1e-30", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)  # --json: nothing but JSON on stdout
    path, expected = worked_rows()
    assert printed["rows"] == as_json(expected)
    saved = [saddlepath.load(out / f"jump_{k}") for k in range(path.n_saddles)]
    assert as_json(jump_rows(saved)) == printed["rows"]  # the records hold what is printed
    assert printed["rows"][1]["status"] == "DUAL_RULE"
    assert printed["rows"][1]["observed_entered"] == [2]
    assert printed["method"] == "flow" and printed["alpha"] == "1e-30"
    assert printed["trajectory"]["status"]["name"] == "CONVERGED"
    resolution = plateau_resolution(path, alpha="1e-30")
    assert printed["resolutions"][:-1] == pytest.approx(resolution[:-1].tolist())
    assert printed["resolutions"][-1] is None  # R = ∞ at the last saddle
    assert printed["unreached"] == []
    assert printed["metadata"]["data"]["n_features"] == 4


def test_analyze_lists_the_saddles_a_large_alpha_misses(worked_csv):
    result = invoke("analyze", worked_csv, "--alpha", "1e-3")
    assert result.exit_code == 0, result.output
    path, expected = worked_rows("1e-3")
    missed = [row["k"] for row in expected if row["observed_tau"] is None]
    assert missed == [2, 3]
    assert "Saddles the run did not reach" in result.stdout
    resolution = plateau_resolution(path, alpha="1e-3")
    unreached = [r for r in table_rows(result.stdout) if len(r) == 4]
    assert [r[0] for r in unreached] == ["2", "3"]
    assert float(unreached[0][3]) == pytest.approx(resolution[2], rel=1e-2)
    assert unreached[1][3] == "∞"
    record = json.loads(invoke("analyze", worked_csv, "--alpha", "1e-3", "--json").stdout)
    assert [u["k"] for u in record["unreached"]] == missed
    assert record["unreached"][0]["resolution"] == pytest.approx(resolution[2])


def test_analyze_gd_reports_iterations(worked_csv, tmp_path):
    out = tmp_path / "gd"
    result = invoke("analyze", worked_csv, "--gd", "--step-size", "0.2", "--out", out)
    assert result.exit_code == 0, result.output
    assert "gradient descent at α = 1e-100" in result.stdout  # the GD default
    path = saddle_path(WORKED_X, WORKED_Y)
    traj = gradient_descent(WORKED_X, WORKED_Y, step_size=0.2, alpha="1e-100")
    expected = jump_rows(explain_jumps(WORKED_X, WORKED_Y, path, traj, step_size=0.2))
    iterations = [row["observed_iteration"] for row in expected]
    assert all(isinstance(i, int) for i in iterations) and iterations[-1] > 1000
    rows = table_rows(result.stdout)
    assert [int(r[6]) for r in rows] == iterations  # the "iter" column
    assert saddlepath.load(out / "trajectory").method == "gd"
    saved = [saddlepath.load(out / f"jump_{k}") for k in range(path.n_saddles)]
    assert as_json(jump_rows(saved)) == as_json(expected)


def test_analyze_random_problem_matches_the_library(random_csv):
    result = invoke("analyze", random_csv, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    path = saddle_path(RANDOM_X, RANDOM_Y)
    traj = gradient_flow(RANDOM_X, RANDOM_Y, alpha="1e-30")
    assert record["rows"] == as_json(jump_rows(explain_jumps(RANDOM_X, RANDOM_Y, path, traj)))
    assert len(record["rows"]) == path.n_saddles == 7
    for k in range(path.n_saddles - 1):  # the table's "entered" is the path's next jump
        assert record["rows"][k]["entered"] == sorted(map(int, path.entered[k + 1]))
    table = invoke("analyze", random_csv).stdout
    failed = [row["k"] for row in record["rows"] if row["status"] == "DUAL_RULE"]
    assert len(failed) == 4
    assert table.count("dual*") == 4
    assert all(f"k = {k}: coordinate" in table for k in failed)


def test_analyze_plot_writes_the_landscape(worked_csv, tmp_path):
    out = tmp_path / "plots"
    result = invoke("analyze", worked_csv, "--out", out, "--plot")
    assert result.exit_code == 0, result.output
    assert (out / "saddle_landscape.png").read_bytes().startswith(PNG_MAGIC)
    assert "wrote path.json, path.npz, trajectory.json" in result.stdout
    assert "data.npz, saddle_landscape.png to" in result.stdout
    # a re-run without --plot replaces the set: no stale figure beside the new results
    again = invoke("analyze", worked_csv, "--out", out)
    assert again.exit_code == 0, again.output
    assert not (out / "saddle_landscape.png").exists() and (out / "path.json").exists()


def test_analyze_plot_skips_the_landscape_above_15_features(wide_csv, tmp_path):
    out = tmp_path / "wide"
    result = invoke("analyze", wide_csv, "--alpha", "1e-10", "--out", out, "--plot")
    assert result.exit_code == 0, result.output
    assert "note: saddle_landscape.png not drawn" in result.stderr
    assert "d = 16 > 15" in result.stderr
    names = {p.name for p in out.iterdir()}
    assert not any(name.endswith(".png") for name in names)
    assert {"path.json", "trajectory.json", "jump_0.json", "data.json"} <= names


def test_analyze_divergence_is_reported_and_exits_1(worked_csv):
    result = invoke("analyze", worked_csv, "--alpha", "0.5", "--gd", "--step-size", "50")
    assert result.exit_code == 1
    assert "DIVERGED" in result.stdout
    assert "the run did not succeed (DIVERGED): diverged" in result.stderr
    rows = [r for r in table_rows(result.stdout) if len(r) == 13]
    assert len(rows) == 4 and all(r[5] == "–" for r in rows)  # nothing observed


# --------------------------------------------------------------------------- saddles


def test_saddles_table_counts_and_json(worked_csv, tmp_path):
    result = invoke("saddles", worked_csv)
    assert result.exit_code == 0, result.output
    catalog = enumerate_saddles(WORKED_X, WORKED_Y, path=saddle_path(WORKED_X, WORKED_Y))
    assert (len(catalog), catalog.stats) == (10, {"n_examined": 16, "n_dependent": 5})
    assert "10 critical points; 16 supports examined (|S| ≤ 4), 5 linearly dependent" in (
        result.stdout
    )
    assert "path saddles not in the catalog: none" in result.stdout
    rows = table_rows(result.stdout)
    assert [r[0] for r in rows] == ["0", "1", "2", "3"]  # visited points, in path order
    assert [r[4] for r in rows] == ["3", "3", "3", "0"]  # Morse indices
    assert rows[2][2] == "2: 1.4"
    everything = table_rows(invoke("saddles", worked_csv, "--all").stdout)
    assert len(everything) == 10 and sum(r[0] == "–" for r in everything) == 6
    out = tmp_path / "cat"
    printed = invoke("saddles", worked_csv, "--json", "--out", out, "--plot")
    assert printed.exit_code == 0, printed.output
    record = json.loads(printed.stdout)
    assert record["points"] == as_json(catalog_rows(catalog))
    assert as_json(catalog_rows(saddlepath.load(out / "saddles"))) == record["points"]
    assert (record["n_points"], record["stats"]) == (10, {"n_examined": 16, "n_dependent": 5})
    assert record["format"] == "saddlepath.saddles" and "n_examined" not in record
    assert (out / "saddle_landscape.png").read_bytes().startswith(PNG_MAGIC)


def test_saddles_max_support_reports_unmatched_path_saddles(worked_csv):
    result = invoke("saddles", worked_csv, "--max-support", "1", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["unmatched_path_saddles"] == [3] and record["max_support"] == 1
    text = invoke("saddles", worked_csv, "--max-support", "1").stdout
    assert "path saddles not in the catalog: k = 3" in text


def test_saddles_random_problem_visits_every_path_saddle(random_csv):
    result = invoke("saddles", random_csv, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    path = saddle_path(RANDOM_X, RANDOM_Y)
    catalog = enumerate_saddles(RANDOM_X, RANDOM_Y, path=path)
    assert record["points"] == as_json(catalog_rows(catalog))
    visited = sorted(p["path_position"] for p in record["points"] if p["visited"])
    assert visited == list(range(path.n_saddles))
    rows = table_rows(invoke("saddles", random_csv).stdout)
    assert [int(r[0]) for r in rows] == visited
    assert [r[4] for r in rows][-1] == "0" and all(int(r[4]) >= 1 for r in rows[:-1])


def test_saddles_max_support_allows_wide_data(wide_csv):
    result = invoke("saddles", wide_csv, "--max-support", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stats"]["n_examined"] == 17


# ------------------------------------------------------------------------ init-scale


def test_init_scale_flow_table_and_json(worked_csv, tmp_path):
    gammas = ["1e-1000", "1e-30", "0.5"]
    result = invoke("init-scale", worked_csv, "--gammas", ",".join(gammas))
    assert result.exit_code == 0, result.output
    study = init_scale_study(WORKED_X, WORKED_Y, gammas)
    rows = table_rows(result.stdout)
    assert [r[0] for r in rows] == gammas  # shown as given: 1e-1000 stays exact
    assert [r[1] for r in rows] == ["CONVERGED"] * 3
    assert [int(r[4]) for r in rows] == study.n_active.tolist() == [2, 2, 4]
    assert [float(r[3]) for r in rows] == pytest.approx(study.l1_norm, rel=1e-5)
    assert f"minimum-ℓ1 interpolator ‖β‖₁ = {study.min_l1_norm:.6g} (2 active)" in result.stdout
    assert f"minimum-ℓ2 solution ‖β‖₁ = {study.min_l2_norm:.6g}" in result.stdout
    out = tmp_path / "study"
    printed = invoke(
        "init-scale", worked_csv, "--gammas", "1e-1000,1e-30,0.5", "--out", out, "--plot", "--json"
    )
    assert printed.exit_code == 0, printed.output
    record = json.loads(printed.stdout)
    saved = init_scale_rows(saddlepath.load(out / "init_scale"))
    assert as_json(saved) == [
        {k: v for k, v in r.items() if k != "gamma_given"} for r in record["rows"]
    ]
    assert record["rows"] == as_json(
        [{"gamma_given": g, **row} for g, row in zip(gammas, init_scale_rows(study), strict=True)]
    )
    assert record["rows"][0]["log_gamma"] == pytest.approx(-1000 * np.log(10))
    assert record["reference"]["min_l1_active"] == 2
    assert record["reference"]["min_l1_norm"] == pytest.approx(80 / 49)  # 10/7 + 10/49
    assert record["reference"]["min_l1_beta"] == pytest.approx([0, 0, 10 / 7, -10 / 49])
    assert "min_l1_coef" not in record["reference"]
    assert (out / "init_scale.png").read_bytes().startswith(PNG_MAGIC)


def test_init_scale_divergence_is_a_row_not_a_crash(worked_csv):
    args = ("init-scale", worked_csv, "--gammas", "1e-30,1,10", "--step-size", "0.1", "--v0", "1")
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert [r[1] for r in rows] == ["CONVERGED", "CONVERGED", "DIVERGED"]
    assert rows[2][2:5] == ["–", "–", "–"]
    assert "step size is too large" in rows[2][5]
    record = json.loads(invoke(*args, "--json").stdout)
    assert record["method"] == "gd" and record["step_size"] == 0.1
    assert record["rows"][2]["loss"] is None and record["rows"][2]["n_active"] == -1
    assert record["rows"][1]["n_active"] == 4


# ---------------------------------------------------------------------- help, errors


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("analyze", ["--alpha", "--gd", "--step-size", "--out", "--plot", "--json", "--target"]),
        ("saddles", ["--max-support", "--all", "--out", "--plot", "--json"]),
        ("init-scale", ["--gammas", "--v0", "--step-size", "--out", "--plot", "--json"]),
    ],
)
def test_help_documents_options_and_examples(command, options):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and f"saddlepath {command} data.csv" in result.stdout
    for option in options:
        assert option in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("analyze", "--gd"), "--gd needs --step-size η"),
        (("analyze", "--step-size", "0.1"), "add --gd to run it"),
        (("analyze", "--alpha", "2"), "--alpha must describe alpha < 1"),
        (
            ("analyze", "--alpha", "abc"),
            "--alpha takes plain decimal numbers such as 1e-10, 1e-1000 or 0.01; got 'a",
        ),
        (("analyze", "--gd", "--step-size", "0"), "--step-size must be a finite number > 0"),
        (("analyze", "--plot"), "--plot needs --out DIR"),
        (("saddles", "--plot"), "--plot needs --out DIR"),
        (("saddles", "--max-support", "9"), "--max-support must be an int in [0, 4]. Got 9"),
        (("saddles", "--max-support", "-1"), "Invalid value for '--max-support'"),
        (("init-scale", "--gammas", "abc"), "--gammas must be a comma-separated list"),
        (("init-scale", "--gammas", "1e-3,,0.1"), "got '' in '1e-3,,0.1'"),
        (("init-scale", "--gammas", "0"), "scales > 0"),
        (("init-scale", "--gammas", "nan"), "scales > 0"),
        (("init-scale", "--gammas", "2"), "The gradient flow needs every gamma < 1"),
        (("init-scale",), "Missing option '--gammas'"),
        (
            ("init-scale", "--gammas", "0.1", "--step-size", "-1"),
            "--step-size must be a float in (0",
        ),
        (("init-scale", "--gammas", "0.1", "--plot"), "--plot needs --out DIR"),
        (("analyze", "--target", "9"), "--target 9 is out of range"),
    ],
)
def test_bad_input_is_one_red_line(worked_csv, args, message):
    command, *rest = args
    assert_one_line_error(invoke(command, worked_csv, *rest), message)


@pytest.mark.parametrize("args", [("analyze",), ("saddles",), ("init-scale", "--gammas", "0.1")])
def test_missing_data_file(tmp_path, args):
    command, *rest = args
    assert_one_line_error(invoke(command, tmp_path / "nope.csv", *rest), "No such data file")


def test_saddles_refuses_wide_data_without_max_support(wide_csv):
    assert_one_line_error(invoke("saddles", wide_csv), "pass --max-support K")


def test_output_directory_that_is_a_file(worked_csv):
    result = invoke("saddles", worked_csv, "--out", worked_csv)
    assert_one_line_error(result, "is an existing file")
