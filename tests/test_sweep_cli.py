"""``saddlepath sweep`` and ``saddlepath sweep status``; the SLURM recipe's job script."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

pytest.importorskip("distributed")

import saddlepath as sp
from saddlepath import cli
from saddlepath.data import worked_example
from saddlepath.sweep import load_config
from saddlepath.sweep.execute import execute_run
from saddlepath.sweep.store import write_manifest
from saddlepath.sweep.tasks import get_task

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
TOML = 'task = "path"\n[data]\nkind = "worked_example"\n[grid]\nmax_jumps = [1, 2, 3]\n'


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


def one_line_error(result, *fragments, code=2):
    assert result.exit_code == code, result.output
    err = result.stderr.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in err, err


@pytest.fixture
def toml(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(TOML)
    return path


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (TOML + "seeds = [1]\n", ["Unknown parameter 'seeds'", "allowed:", "max_jumps"]),
        ('task = "path"\nworkers = 2\n', ["Unknown key 'workers'", "allowed: task, data"]),
        ('task = "flows"\n[data]\nkind = "demo"\n', ["unknown task 'flows'", "'flow'"]),
    ],
)
def test_a_bad_config_is_one_line_naming_the_key_and_nothing_is_written(tmp_path, text, fragments):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    one_line_error(invoke("sweep", path, "--out", tmp_path / "o"), str(path), *fragments)
    assert not (tmp_path / "o").exists()


def test_usage_errors(toml, tmp_path):
    one_line_error(invoke("sweep", toml), "--out DIR")
    one_line_error(invoke("sweep", "status"), "saddlepath sweep status DIR")
    one_line_error(invoke("sweep", "status", tmp_path), "not a sweep store", "--out")
    both = invoke("sweep", toml, "--out", tmp_path / "o", "--workers", "2", "--scheduler", "x")
    one_line_error(both, "--scheduler", "--workers", "not both")
    one_line_error(invoke("sweep", toml, tmp_path), "Unexpected argument", "--out DIR")
    assert "--workers" in invoke("sweep", "--help").stdout


def test_status_counts_done_failed_and_pending(toml, tmp_path):
    config = load_config(toml)
    runs = config.run_configs()
    write_manifest(tmp_path, config, [r["key"] for r in runs])
    execute_run(tmp_path, get_task("path"), runs[0])
    execute_run(tmp_path, get_task("path"), dict(runs[1], params={"max_jumps": "two"}))
    result = invoke("sweep", "status", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    state = json.loads(result.stdout)
    assert (state["n_done"], state["n_failed"], state["n_pending"]) == (1, 1, 1)
    assert state["driver"] is None and "max_jumps" in state["errors"][0]
    text = invoke("sweep", "status", tmp_path).stdout
    assert "1/3 done, 1 failed, 1 pending" in text and "no driver running" in text


def test_the_example_configs_are_valid():
    for path in sorted((ROOT / "examples").glob("sweep*.toml")):
        assert load_config(path).run_configs(), path


@pytest.mark.slow
def test_a_cli_sweep_end_to_end(toml, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "store"
    result = invoke("sweep", toml, "--out", out, "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["n_done"], summary["n_computed"], summary["status"]["name"]) == (
        3,
        3,
        "COMPLETE",
    )
    assert (out / "sweep.toml").read_text() == TOML  # verbatim
    table = pq.read_table(out / "results.parquet").to_pylist()
    data = worked_example()
    for row in table:
        direct = sp.saddle_path(data.X, data.y, max_jumps=row["param.max_jumps"])  # the oracle
        assert row["n_saddles"] == direct.n_saddles and row["final_tau"] == direct.tau[-1]
        stored = sp.load(out / "runs" / row["key"] / "result")
        assert np.array_equal(stored.beta, direct.beta)
    again = json.loads(invoke("sweep", toml, "--out", out, "--json").stdout)
    assert (again["n_skipped"], again["n_computed"]) == (3, 0)


def test_the_slurm_recipe_builds_the_job_script_it_documents():
    pytest.importorskip("dask_jobqueue")
    from saddlepath.sweep import slurm_cluster

    with slurm_cluster(
        cores=4,
        memory="8GB",
        walltime="02:00:00",
        queue="cpu",
        account="lab",
        job_script_prologue=["source ~/venv/bin/activate"],
        scheduler_options={"dashboard_address": None},
    ) as cluster:
        script = cluster.job_script()
        address = cluster.scheduler_address
    lines = script.splitlines()
    for directive in ("-p cpu", "-A lab", "--cpus-per-task=4", "--mem=8G", "-t 02:00:00"):
        assert f"#SBATCH {directive}" in lines, script
    worker = next(line for line in lines if "distributed.cli.dask_worker" in line)
    assert address in worker and "--nthreads 1" in worker and "--nworkers 4" in worker
    assert lines.index("source ~/venv/bin/activate") < lines.index(worker)
    from saddlepath.sweep.cluster import worker_environment

    env = next(line for line in lines if line.startswith("export "))
    assert lines.index(env) < lines.index(worker)
    assert set(env.split()[1:]) == {f"{k}={v}" for k, v in worker_environment().items()}
    assert "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False" in env.split()
