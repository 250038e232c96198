"""The compiled step loop of gradient_flow: both sides of its BLAS size rule against a closed
form, and the same numbers as its own source run as plain Python (NUMBA_DISABLE_JIT=1).

Oracles: the flow on orthogonal columns, where each coordinate solves a logistic equation
in closed form (u0 = v0 = 1: w- = 0), and the kernels' source run as plain Python in a
subprocess (the suite's coverage mode).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from saddlepath.diagonal.flow import _kernels_step, gradient_flow
from saddlepath.diagonal.flow.ode import DualODE
from saddlepath.diagonal.model import initialisation
from saddlepath.diagonal.trajectory import TrajectoryStatus


def _orthogonal_problem(n=8, d=6):
    """X with X^T X / n = I and positive targets b of different sizes (jumps apart)."""
    q, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((n, d)))
    X = np.sqrt(n) * q
    b = np.array([3.0, 1.5, 0.8, 0.4, 2.2, 1.1])[:d]
    return X, X @ b, b


def _logistic(b, alpha, t):
    """Each coordinate on orthogonal columns (X^T X / n = I, w_- = 0, beta_0 = alpha^2):
    beta' = 2 beta (b - beta), in raw time t."""
    t = np.asarray(t)[:, None]
    log_ratio = np.log(b) - 2.0 * np.log(alpha)  # log(b / beta_0)
    return b / (1.0 + np.exp(log_ratio - 2.0 * b * t) - np.exp(-2.0 * b * t))


@pytest.mark.parametrize("blas_min", [2**62, 1])  # compiled loops only / BLAS everywhere
def test_both_sides_of_the_size_rule_match_the_closed_form(monkeypatch, blas_min):
    monkeypatch.setattr(_kernels_step, "BLAS_MIN", blas_min)
    X, y, b = _orthogonal_problem()
    traj = gradient_flow(X, y, alpha=1e-30, u0=1.0, v0=1.0)
    assert traj.status is TrajectoryStatus.CONVERGED
    exact = _logistic(b, 1e-30, traj.t)
    assert np.all(exact[-1] > 0.99 * b)  # every coordinate jumped: not the trivial answer
    np.testing.assert_allclose(traj.beta, exact, rtol=1e-6, atol=1e-12 * b.max())
    tau = np.linspace(0.0, traj.tau[-1], 501)  # dense output between saved points
    dense = _logistic(b, 1e-30, tau * traj.time_scale)
    np.testing.assert_allclose(traj.at(tau), dense, rtol=0, atol=1e-5 * b.max())


def test_both_sides_of_the_size_rule_agree_on_a_dense_active_set(monkeypatch):
    """(20, 60) at alpha = 1e-5: every coordinate is active (n <= 2|A|: the n x n solve)."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((20, 60))
    y = X[:, :3] @ np.array([1.0, -2.0, 1.5])
    runs = []
    for blas_min in (2**62, 1):
        monkeypatch.setattr(_kernels_step, "BLAS_MIN", blas_min)
        runs.append(gradient_flow(X, y, alpha=1e-5, tau_max=2.0))
    loops, blas = runs
    assert loops.status is blas.status is TrajectoryStatus.REACHED_TAU_MAX
    assert DualODE(X, y, initialisation(60, alpha=1e-5)).awake(np.zeros(60)).all()
    tau = np.linspace(0.0, 2.0, 401)
    scale = np.max(np.abs(loops.beta))
    # two runs of one method whose sums differ in order only: agree to the tolerance
    assert np.max(np.abs(loops.at(tau) - blas.at(tau))) <= 20 * 1e-8 * scale
    assert abs(loops.stats["n_steps"] - blas.stats["n_steps"]) <= 2


_RUNS = textwrap.dedent(
    """
    import sys
    import numpy as np
    from saddlepath.diagonal.flow import gradient_flow

    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    y = np.array([1.0, 0.0])
    out = {}
    for name, kwargs in {
        "plain": dict(alpha=1e-3, rtol=1e-5, atol=1e-7),
        "deep": dict(alpha="1e-50", rtol=1e-5, atol=1e-7, tau_max=9.0),
    }.items():
        traj = gradient_flow(X, y, **kwargs)
        out[name + "_tau"] = traj.tau
        out[name + "_beta"] = traj.beta
        out[name + "_dual"] = traj.dual
        out[name + "_stats"] = np.array(list(traj.stats.values()))
        out[name + "_status"] = np.array([list(type(traj.status)).index(traj.status)])
    np.savez(sys.argv[1], **out)
    """
)


def _run(tmp_path: Path, name: str, disable_jit: bool) -> dict:
    script, target = tmp_path / "runs.py", tmp_path / f"{name}.npz"
    script.write_text(_RUNS)
    env = dict(os.environ, NUMBA_DISABLE_JIT="1" if disable_jit else "0")
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    subprocess.run([sys.executable, str(script), str(target)], env=env, check=True, timeout=600)
    with np.load(target) as data:
        return dict(data)


@pytest.mark.slow
def test_compiled_loop_equals_the_same_code_run_as_plain_python(tmp_path):
    jitted = _run(tmp_path, "jit", disable_jit=False)
    python = _run(tmp_path, "python", disable_jit=True)
    assert jitted.keys() == python.keys()
    assert jitted["deep_stats"][5] >= 1  # a plateau step ran between the loop's calls
    assert len(jitted["plain_tau"]) > 20  # the loop ran many steps
    for key, value in jitted.items():
        if value.dtype.kind in "iu":  # the same steps, accepted and rejected alike
            np.testing.assert_array_equal(value, python[key], err_msg=key)
        else:  # libm exp/tanh against NumPy: rounding, grown by lambda over the run (~1e-9)
            scale = np.max(np.abs(value[np.isfinite(value)]), initial=1.0)
            np.testing.assert_allclose(value, python[key], rtol=0, atol=1e-8 * scale, err_msg=key)
