"""Every built-in sweep task, run as a sweep run would be, equals the plain library call."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("distributed")

import saddlepath as sp
from saddlepath.data import worked_example
from saddlepath.experiments import convergence_study, init_scale_study
from saddlepath.sweep import load_config, task_names
from saddlepath.sweep.execute import execute_run
from saddlepath.sweep.store import finished_run
from saddlepath.sweep.tasks import get_task

WORKED = {"kind": "worked_example"}


def _stored(tmp_path, task, params):
    run = load_config({"task": task, "data": WORKED, "params": params}).run_configs()[0]
    row = execute_run(tmp_path, get_task(task), run)
    assert row["status"] == "done", (tmp_path / "failures").iterdir()
    folder = tmp_path / "runs" / run["key"]
    return sp.load(folder / "result"), finished_run(tmp_path, run["key"])["scalars"]


def test_every_builtin_task_is_registered():
    expected = ("path", "flow", "descent", "analyze", "init_scale", "convergence", "escape")
    assert set(expected) <= set(task_names())


def test_flow_and_descent(tmp_path):
    d = worked_example()
    flow, scalars = _stored(tmp_path, "flow", {"alpha": "1e-20", "tau_max": 12.0})
    direct = sp.gradient_flow(d.X, d.y, alpha="1e-20", tau_max=12.0)  # the oracle
    assert np.array_equal(flow.beta, direct.beta) and np.array_equal(flow.tau, direct.tau)
    assert scalars["final_tau"] == direct.tau[-1] and scalars["n_steps"] == direct.stats["n_steps"]
    gd, scalars = _stored(tmp_path, "descent", {"step_size": 0.1, "alpha": 1e-3, "n_steps": 500})
    direct = sp.gradient_descent(d.X, d.y, step_size=0.1, alpha=1e-3, n_steps=500)
    assert np.array_equal(gd.beta, direct.beta) and scalars["final_loss"] == direct.loss[-1]
    assert scalars["result_status"] == direct.status.name


def test_analyze_compares_the_flow_with_the_exact_path(tmp_path):
    d = worked_example()
    cmp, scalars = _stored(tmp_path, "analyze", {"alpha": "1e-30", "match_rtol": 0.1})
    direct = sp.compare(
        sp.gradient_flow(d.X, d.y, alpha="1e-30"), sp.saddle_path(d.X, d.y), match_rtol=0.1
    )
    assert scalars["plateau_error"] == direct.error and cmp.error == direct.error
    assert np.array_equal(cmp.jump_delays, direct.jump_delays, equal_nan=True)
    assert scalars["n_missing"] == len(direct.missing) == 0


def test_the_studies(tmp_path):
    d = worked_example()
    study, scalars = _stored(tmp_path, "init_scale", {"gammas": [1e-6, 0.5]})
    direct = init_scale_study(d.X, d.y, [1e-6, 0.5])
    assert np.array_equal(study.beta, direct.beta)
    assert scalars["n_active_max"] == int(np.max(direct.n_active))
    study, scalars = _stored(tmp_path, "convergence", {"alphas": ["1e-10", "1e-30", "1e-100"]})
    direct = convergence_study(d.X, d.y, ["1e-10", "1e-30", "1e-100"])
    assert np.array_equal(study.errors, direct.errors)
    assert scalars["delay_rate"] == direct.delay_rate.slope


@pytest.mark.slow
def test_escape_runs_in_float64_in_a_process_without_x64(tmp_path):
    pytest.importorskip("jax")
    import json
    import os
    import subprocess
    import sys

    from saddlepath.deep import escape_direction, mse_gradient

    params = {"widths": [3], "n_restarts": 2, "seed": 0, "n_warmup_steps": 50, "n_steps": 100}
    run = load_config({"task": "escape", "data": WORKED, "params": params}).run_configs()[0]
    code = (
        "import json, sys, jax; from saddlepath.sweep.execute import execute_run; "
        "from saddlepath.sweep.tasks import get_task; "
        "assert not jax.config.jax_enable_x64; "
        "print(execute_run(sys.argv[1], get_task('escape'), json.loads(sys.argv[2]))['status'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), json.dumps(run)],
        capture_output=True,
        text=True,
        env=os.environ,
        check=True,
    )
    assert done.stdout.strip() == "done", done.stderr
    res = sp.load(tmp_path / "runs" / run["key"] / "result")
    scalars = finished_run(tmp_path, run["key"])["scalars"]
    d = worked_example()  # the oracle: the plain call in this process (x64 on, conftest)
    direct = escape_direction(
        d.X, mse_gradient(d.y[:, None]), (3,), n_restarts=2, seed=0, n_warmup_steps=50, n_steps=100
    )
    assert all(np.asarray(w).dtype == np.float64 for w in res.weights)
    assert scalars["speed"] == pytest.approx(direct.speed, rel=1e-12)
    np.testing.assert_allclose(res.speeds, direct.speeds, rtol=1e-12)
