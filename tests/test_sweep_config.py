"""Sweep configs, keys, the store's files and lock, without a cluster (fast)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("distributed")

import saddlepath as sp
from saddlepath.data import make_sparse_regression
from saddlepath.sweep import SpecError, StoreBusyError, load_config, run_key, status
from saddlepath.sweep.batching import choose_batch_size
from saddlepath.sweep.execute import execute_run
from saddlepath.sweep.lock import store_lock
from saddlepath.sweep.store import finished_run, write_manifest
from saddlepath.sweep.table import rebuild_table
from saddlepath.sweep.tasks import get_task

BASE = {"task": "path", "data": {"kind": "sparse", "n": 6, "d": 9, "k": 2}}


def test_a_product_grid_places_task_parameters_and_data_keys():
    config = load_config(BASE | {"grid": {"max_jumps": [1, 2], "seed": [0, 1, 2]}})
    runs = config.run_configs()
    assert len(runs) == 6 and config.names == ("max_jumps", "seed")
    assert [r["params"]["max_jumps"] for r in runs] == [1, 1, 1, 2, 2, 2]
    assert [r["data"]["seed"] for r in runs] == [0, 1, 2, 0, 1, 2]
    assert len({r["key"] for r in runs}) == 6


def test_a_list_of_points_is_run_as_given():
    points = [{"max_jumps": 3, "data.noise": 0.1}, {"max_jumps": 1, "data.noise": 0.0}]
    runs = load_config(BASE | {"points": points}).run_configs()
    assert [(r["params"]["max_jumps"], r["data"]["noise"]) for r in runs] == [(3, 0.1), (1, 0.0)]


def test_the_key_hashes_the_full_config_and_nothing_else():
    run = load_config(BASE | {"grid": {"seed": [0]}}).run_configs()[0]
    canonical = {"task": "path", "params": {}, "data": run["data"], "schema_version": 1}
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    import hashlib

    assert run["key"] == hashlib.sha256(text.encode()).hexdigest() == run_key(run)
    other = dict(run, data=dict(run["data"], noise=1e-3))
    assert run_key(other) != run["key"]


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"grids": {}}, r"Unknown key 'grids' in the sweep config; allowed: task, data"),
        ({"params": {"alpha": 1}}, r"Unknown parameter 'alpha' in \[params\] for task 'path'"),
        (
            {"grid": {"alfa": [1]}},
            r"Unknown parameter 'alfa' for task 'path'; allowed: .*data\.seed",
        ),
        ({"grid": {"data.m": [1]}}, r"Unknown grid name 'data.m': data of kind 'sparse' has keys"),
        ({"grid": {"seed": 3}}, r"grid.seed must be a non-empty list"),
        ({"grid": {"seed": [1]}, "points": [{"seed": 1}]}, r"either \[grid\] .* or \[\[points\]\]"),
        ({"points": [{"seed": 1}, {"max_jumps": 1}]}, r"every point must set the same names"),
        ({"grid": {"seed": [1, 1]}}, r"Grid points 0 .* and 1 .* are the same run"),
        ({"batch_size": 0}, r'batch_size must be "auto" or an integer ≥ 1; got 0'),
        ({"records": "no"}, r"records must be true .* or false .*; got 'no'"),
        ({"task": "train2"}, r"unknown task 'train2'; registered: 'path', 'flow'"),
        ({"data": {"kind": "sparse", "n": 3}}, r"data of kind 'sparse' needs 'd'"),
        (
            {"data": {"kind": "sparse", "n": 3, "d": 4, "p": 1}},
            r"Unknown key 'p' in data .*allowed: kind, n, d, k, noise, seed",
        ),
        ({"data": {"kind": "blobs"}}, r"data.kind must be one of 'sparse'"),
    ],
)
def test_config_errors_name_the_key_and_the_allowed_ones(extra, match):
    with pytest.raises(SpecError, match=match):
        load_config(BASE | extra)


def test_a_required_parameter_is_asked_for_before_anything_runs():
    with pytest.raises(SpecError, match=r"Task 'descent' needs 'step_size'"):
        load_config(BASE | {"task": "descent"})
    with pytest.raises(SpecError, match=r"Task 'flow': .*needs the initialisation scale"):
        load_config(BASE | {"task": "flow"})  # neither alpha nor log_alpha: every run fails
    bad = {"task": "analyze", "grid": {"alpha": [1e-3, -1.0]}}
    with pytest.raises(SpecError, match=r"at grid point \{'alpha': -1.0\}: .*must be > 0"):
        load_config(BASE | bad)


def test_a_toml_file_is_read_and_a_bad_one_refused(tmp_path):
    good = tmp_path / "s.toml"
    good.write_text('task = "path"\n[data]\nkind = "worked_example"\n[grid]\nmax_jumps = [1, 2]\n')
    config = load_config(good)
    assert config.text == good.read_text() and len(config.run_configs()) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("task = \n")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_config(bad)


def test_a_data_file_is_keyed_by_its_sha256(tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,y\n1,0,1\n0,1,0.5\n")
    config = {"task": "path", "data": {"kind": "file", "path": "d.csv"}}
    toml = tmp_path / "s.toml"
    toml.write_text('task = "path"\n[data]\nkind = "file"\npath = "d.csv"\n')
    run = load_config(toml).run_configs()[0]
    import hashlib

    assert run["data"]["sha256"] == hashlib.sha256(csv.read_bytes()).hexdigest()
    moved = dict(run, data=dict(run["data"], path="/elsewhere.csv"))
    assert run_key(moved) == run["key"]
    config["data"] |= {"path": str(csv), "sha256": "0" * 64}
    with pytest.raises(SpecError, match=r"has sha256 .*the file changed"):
        load_config(config)


def test_a_run_in_process_equals_the_library_call(tmp_path):
    run = load_config(BASE | {"grid": {"seed": [4]}}).run_configs()[0]
    row = execute_run(tmp_path, get_task("path"), run)
    assert row["status"] == "done"
    stored = sp.load(tmp_path / "runs" / run["key"] / "result")
    data = make_sparse_regression(6, 9, n_nonzero=2, seed=4)
    direct = sp.saddle_path(data.X, data.y)  # the oracle: the plain library call
    assert np.array_equal(stored.beta, direct.beta) and np.array_equal(stored.tau, direct.tau)
    info = finished_run(tmp_path, run["key"])
    assert info["scalars"]["n_saddles"] == direct.n_saddles
    assert info["scalars"]["final_loss"] == float(direct.loss[-1])


def test_a_sweep_without_records_keeps_the_scalars_and_a_sweep_with_them_recomputes(tmp_path):
    config = load_config(BASE | {"grid": {"seed": [4]}, "records": False})
    assert not config.records and load_config(BASE).records
    run = config.run_configs()[0]
    assert execute_run(tmp_path, get_task("path"), run, record=False)["status"] == "done"
    folder = tmp_path / "runs" / run["key"]
    assert sorted(p.name for p in folder.iterdir()) == ["run.json"]
    info = finished_run(tmp_path, run["key"], record=False)
    data = make_sparse_regression(6, 9, n_nonzero=2, seed=4)
    direct = sp.saddle_path(data.X, data.y)  # the oracle: the plain library call
    assert info["record"] is False and info["scalars"]["n_saddles"] == direct.n_saddles
    assert finished_run(tmp_path, run["key"]) is None  # a sweep with records needs one
    assert execute_run(tmp_path, get_task("path"), run)["status"] == "done"  # recomputed
    assert sp.load(folder / "result").n_saddles == direct.n_saddles
    # a run stored with its record is finished for both kinds of sweep: skipped
    assert execute_run(tmp_path, get_task("path"), run, record=False)["status"] == "skipped"


def test_corrupt_runs_are_not_finished_and_a_failure_keeps_its_traceback(tmp_path):
    runs = load_config(BASE | {"grid": {"seed": [0, 1, 2]}}).run_configs()
    for run in runs:
        execute_run(tmp_path, get_task("path"), run)
    npz = tmp_path / "runs" / runs[0]["key"] / "result.npz"
    npz.write_bytes(npz.read_bytes()[:-10])  # truncated
    (tmp_path / "runs" / runs[1]["key"] / "run.json").write_text('{"key": ')  # torn
    assert [finished_run(tmp_path, r["key"]) is None for r in runs] == [True, True, False]
    bad = dict(runs[2], params={"max_jumps": -1}, key="f" * 64)
    assert execute_run(tmp_path, get_task("path"), bad)["status"] == "failed"
    failure = json.loads((tmp_path / "failures" / f"{'f' * 64}.json").read_text())
    assert "max_jumps" in failure["error"] and "Traceback" in failure["traceback"]
    assert failure["config"]["params"] == {"max_jumps": -1} and failure["attempts"] == 1


def test_the_table_has_the_contract_columns(tmp_path):
    import pyarrow.parquet as pq

    config = load_config(BASE | {"grid": {"seed": [0, 1]}})
    runs = config.run_configs()
    write_manifest(tmp_path, config, [r["key"] for r in runs])
    execute_run(tmp_path, get_task("path"), runs[0])
    execute_run(tmp_path, get_task("path"), dict(runs[1], params={"max_jumps": -1}))
    rebuild_table(tmp_path, [r["key"] for r in runs], [r["point"] for r in runs])
    table = pq.read_table(tmp_path / "results.parquet").to_pylist()
    assert [row["status"] for row in table] == ["done", "failed"]
    assert [row["param.seed"] for row in table] == [0, 1]
    assert table[0]["n_saddles"] >= 2 and table[1]["n_saddles"] is None
    manifest = json.loads((tmp_path / "sweep.json").read_text())
    assert set(manifest) == {"task", "grid", "n_runs", "keys", "saddlepath_version", "created"}
    state = status(tmp_path)
    assert (state.n_done, state.n_failed, state.n_pending, state.driver) == (1, 1, 0, None)


def test_a_second_driver_process_is_refused_while_the_first_holds_the_lock(tmp_path):
    holder = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from saddlepath.sweep.lock import store_lock
        with store_lock(Path({str(tmp_path)!r})):
            print("held", flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(
            StoreBusyError, match=rf"in use by another sweep driver \(pid {proc.pid}"
        ):
            with store_lock(tmp_path):
                pass
    finally:
        proc.kill()
        proc.wait()
    with store_lock(tmp_path):  # a killed holder leaves no stale lock
        pass


def test_the_batch_size_bounds_the_overhead_share_and_spreads_the_work():
    assert choose_batch_size(0.01, 0.1, 1000, 2) == 20  # 0.01·0.995/(0.005·0.1) = 19.9
    assert choose_batch_size(0.01, 1e-4, 1000, 2) == 125  # capped: 4 batches per thread
    assert choose_batch_size(0.01, 10.0, 3, 2) == 1


def test_the_run_time_comes_from_the_warm_runs_of_the_probes():
    from saddlepath.sweep.runner import _warm_run_s

    probes = [[{"key": "a"}, {"key": "b"}], [{"key": "c"}, {"key": "d"}], [{"key": "e"}]]
    walls = {"a": 0.23, "b": 0.02, "c": 0.25, "d": 0.04, "e": 0.03}
    rows = [{"key": k, "wall_s": w} for k, w in walls.items()]
    assert _warm_run_s(rows, probes) == pytest.approx(0.03)  # median of b, d, e
    assert _warm_run_s(rows[:1], [[{"key": "a"}]]) == pytest.approx(0.23)  # only cold runs


def test_a_mapping_is_kept_as_toml_that_reads_back_to_it(tmp_path):
    import tomllib

    mapping = BASE | {
        "params": {"grad_tol": 1e-10, "precision": "double"},
        "points": [{"data.seed": 0, "max_jumps": 2}, {"data.seed": 1, "max_jumps": 3}],
        "batch_size": 4,
        "description": 'quotes " and \\ and ✓',
    }
    config = load_config(mapping)
    assert tomllib.loads(config.text) == mapping
    (tmp_path / "again.toml").write_text(config.text)
    again = load_config(tmp_path / "again.toml")
    assert [r["key"] for r in again.run_configs()] == [r["key"] for r in config.run_configs()]
    with pytest.raises(TypeError, match="'max_jumps' cannot be written as TOML: None"):
        load_config(BASE | {"params": {"max_jumps": None}})
