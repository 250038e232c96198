"""Sweeps on real Dask clusters: results, resume, a killed worker, a killed driver, the lock.

Each test starts real processes (a ``LocalCluster`` of worker processes, or the CLI as a
driver subprocess), so they are marked slow. The oracle for every stored result is the
plain library call on the same data.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")

import pyarrow.parquet as pq

import saddlepath as sp
from saddlepath.data import make_sparse_regression
from saddlepath.sweep import StoreBusyError, load_config, run, status

pytestmark = pytest.mark.slow

DATA = {"kind": "sparse", "n": 8, "d": 14, "k": 3}
FLOW_TOML = """task = "flow"
[data]
kind = "sparse"
n = 8
d = 14
k = 3
[grid]
alpha = ["1e-5", "1e-10", "1e-30", "1e-100"]
seed = [0, 1, 2, 3, 4, 5]
"""


def _direct_flow(run_config):
    data = make_sparse_regression(8, 14, n_nonzero=3, seed=run_config["data"]["seed"])
    return sp.gradient_flow(data.X, data.y, **run_config["params"])


def _finished_times(out: Path) -> dict[str, str]:
    runs = (out / "runs").glob("*/run.json")  # not the hidden staging folders
    return {p.parent.name: p.read_text() for p in runs if not p.parent.name.startswith(".")}


def test_a_sweep_stores_what_the_library_computes_and_a_rerun_skips_it(tmp_path):
    config = load_config({"task": "path", "data": DATA, "grid": {"seed": list(range(6))}})
    summary = run(config, tmp_path, workers=2)
    assert (summary.n_done, summary.n_failed, summary.n_computed) == (6, 0, 6)
    assert summary.status.success and summary.stats["n_threads"] == 2
    for r in config.run_configs():
        data = make_sparse_regression(8, 14, n_nonzero=3, seed=r["point"]["seed"])
        direct = sp.saddle_path(data.X, data.y)  # the oracle
        stored = sp.load(tmp_path / "runs" / r["key"] / "result")
        assert np.array_equal(stored.beta, direct.beta) and np.array_equal(stored.tau, direct.tau)
    before = _finished_times(tmp_path)
    again = run(config, tmp_path, workers=2)
    assert (again.n_skipped, again.n_computed, again.n_done) == (6, 0, 6)
    assert _finished_times(tmp_path) == before  # nothing rewritten
    # a truncated record and a torn run.json are detected and recomputed, nothing else
    keys = [r["key"] for r in config.run_configs()]
    npz = tmp_path / "runs" / keys[1] / "result.npz"
    npz.write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])
    (tmp_path / "runs" / keys[4] / "run.json").write_text('{"key": "')
    fixed = run(config, tmp_path, workers=1)
    assert (fixed.n_skipped, fixed.n_computed, fixed.n_done) == (4, 2, 6)
    after = _finished_times(tmp_path)
    assert {k for k in keys if after[k] != before[k]} == {keys[1], keys[4]}
    assert sp.load(tmp_path / "runs" / keys[1] / "result").n_saddles >= 2
    # the HTML report reads the real store (not only the contract's fixtures)
    from saddlepath.report.html import build_page

    page = build_page(tmp_path)
    assert page.kind == "sweep" and not page.problems, page.problems
    assert keys[0][:12] in page.html
    # without records: the full store is reused as it is, and a new store gets the same
    # table from run.json files alone
    grid = {"task": "path", "data": DATA, "grid": {"seed": list(range(6))}, "records": False}
    assert run(load_config(grid), tmp_path, workers=1).n_skipped == 6
    lean = run(load_config(grid), tmp_path / "lean", workers=2)
    assert (lean.n_done, lean.n_computed) == (6, 6)
    assert {p.name for p in (tmp_path / "lean" / "runs").glob("*/*")} == {"run.json"}

    def rows(store: Path) -> list[dict]:
        table = pq.read_table(store / "results.parquet").drop_columns(["wall_s"])
        return table.to_pylist()

    assert rows(tmp_path / "lean") == rows(tmp_path)
    lean_page = build_page(tmp_path / "lean")
    assert lean_page.kind == "sweep" and not lean_page.problems, lean_page.problems


def test_local_workers_get_the_sweep_settings_and_allocator_thresholds():
    import dask

    from saddlepath.sweep.cluster import ALLOCATOR_ENV, DASK_SETTINGS, connect

    with connect(workers=1) as client:
        env = {k: client.run(os.getenv, k) for k in ALLOCATOR_ENV}
        settings = {k: client.run(dask.config.get, k) for k in DASK_SETTINGS}
    assert [list(v.values()) for v in env.values()] == [[v] for v in ALLOCATOR_ENV.values()]
    assert [list(v.values()) for v in settings.values()] == [[v] for v in DASK_SETTINGS.values()]
    assert DASK_SETTINGS["distributed.worker.profile.enabled"] is False


TWO_SWEEPS = """
import sys
from saddlepath.sweep import run

if __name__ == "__main__":
    config = {"task": "path", "data": {"kind": "sparse", "n": 6, "d": 9, "k": 2},
              "grid": {"seed": [0, 1]}}
    for i in range(2):
        print(run(config, f"{sys.argv[1]}/{i}", workers=1).n_done)
"""


def test_a_second_sweep_in_the_same_process_runs(tmp_path):
    # a fresh interpreter: distributed not imported before the first sweep (the config of a
    # local cluster, set and unset around it, once took distributed's defaults with it)
    script = tmp_path / "two.py"
    script.write_text(TWO_SWEEPS)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.split() == ["2", "2"], done.stderr[-2000:]


def test_a_worker_killed_mid_run_loses_nothing(tmp_path):
    from distributed import Client, LocalCluster

    toml = tmp_path / "s.toml"
    toml.write_text(FLOW_TOML.replace('task = "flow"', 'task = "flow"\nbatch_size = 2'))
    out = tmp_path / "store"
    killed = []
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        pids = client.run(os.getpid)

        def kill_a_busy_worker():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                busy = [a for a, keys in client.processing().items() if keys]
                done = len(list((out / "runs").glob("[0-9a-f]*"))) if out.exists() else 0
                if busy and done >= 3:
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    killed.append(busy[0])
                time.sleep(0.05)

        killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
        killer.start()
        summary = run(toml, out, scheduler=client)
        killer.join()
    assert killed, "no worker was busy long enough to be killed"
    assert (summary.n_done, summary.n_failed, summary.n_runs) == (24, 0, 24)
    for r in load_config(toml).run_configs()[::5]:
        stored = sp.load(out / "runs" / r["key"] / "result")
        direct = _direct_flow(r)  # the oracle
        assert np.array_equal(stored.beta, direct.beta) and stored.status is direct.status


def _driver(toml: Path, out: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "saddlepath",
        "sweep",
        str(toml),
        "--out",
        str(out),
        "--workers",
        "1",
    ]
    return subprocess.Popen(
        cmd,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ,
    )


# enough runs that the first driver is still busy while the second one starts (the CLI's own
# start-up takes seconds; 24 small flows can finish before it on a quiet machine)
LONG_FLOW_TOML = FLOW_TOML.replace("seed = [0, 1, 2, 3, 4, 5]", f"seed = {list(range(100))}")
N_LONG = 4 * 100


def test_a_killed_driver_resumes_and_a_second_driver_is_refused(tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text(LONG_FLOW_TOML)
    out = tmp_path / "store"
    driver = _driver(toml, out)
    try:
        deadline = time.monotonic() + 180
        while len(_finished_times(out) if out.exists() else {}) < 3:
            assert driver.poll() is None, driver.stderr.read().decode()
            assert time.monotonic() < deadline, "the driver made no progress"
            time.sleep(0.05)
        assert status(out).driver.startswith(f"pid {driver.pid} ")
        with pytest.raises(StoreBusyError, match="in use by another sweep driver"):
            run(toml, out, workers=1)
        cli = subprocess.run(
            [sys.executable, "-m", "saddlepath", "sweep", str(toml), "--out", str(out)],
            capture_output=True,
            text=True,
            env=os.environ,
        )
        assert cli.returncode == 2 and "in use by another sweep driver" in cli.stderr
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait()
    finally:
        try:  # the driver's cluster: processes this test started, in the driver's session
            os.killpg(driver.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    before = _finished_times(out)
    assert 3 <= len(before) < N_LONG
    summary = run(toml, out, workers=2)
    assert (summary.n_done, summary.n_failed) == (N_LONG, 0)
    assert summary.n_skipped >= len(before) and summary.n_computed == N_LONG - summary.n_skipped
    after = _finished_times(out)
    assert all(after[k] == v for k, v in before.items())  # nothing recomputed twice
    manifest = json.loads((out / "sweep.json").read_text())
    assert sorted(manifest["keys"]) == sorted(after)
    r = load_config(toml).run_configs()[-1]
    assert np.array_equal(sp.load(out / "runs" / r["key"] / "result").beta, _direct_flow(r).beta)
