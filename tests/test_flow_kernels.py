"""The compiled step loop of gradient_flow: both sides of its BLAS size rule against a closed
form, and the same numbers as its own source run as plain Python (NUMBA_DISABLE_JIT=1).

Oracles: the flow on orthogonal columns, where each coordinate solves a logistic equation
in closed form (u0 = v0 = 1: w- = 0), and the kernels' source run as plain Python in a
subprocess (the suite's coverage mode).
"""

from __future__ import annotations

import dataclasses
import textwrap

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from helpers import jit_and_python
from saddlepath.diagonal.flow import _kernels_step, gradient_flow, integrate
from saddlepath.diagonal.flow._kernels_explicit import EXPLICIT_LIMIT, stiffness
from saddlepath.diagonal.flow.driver import flow_driver
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


@pytest.mark.slow
def test_compiled_loop_equals_the_same_code_run_as_plain_python(tmp_path):
    jitted, python = jit_and_python(_RUNS, tmp_path)
    assert jitted["deep_stats"][5] >= 1  # a plateau step ran between the loop's calls
    assert jitted["plain_stats"][7] >= 1  # and explicit (DOPRI5) steps ran
    assert len(jitted["plain_tau"]) > 20  # the loop ran many steps
    for key, value in jitted.items():
        if value.dtype.kind in "iu":  # the same steps, accepted and rejected alike
            np.testing.assert_array_equal(value, python[key], err_msg=key)
        else:  # libm exp/tanh against NumPy: rounding, grown by lambda over the run (~1e-9)
            scale = np.max(np.abs(value[np.isfinite(value)]), initial=1.0)
            np.testing.assert_allclose(value, python[key], rtol=0, atol=1e-8 * scale, err_msg=key)


def test_stiffness_estimate_bounds_and_converges_to_the_spectral_radius():
    """Oracle: eigvalsh of M = (lambda/n) X_A diag(dbeta/dS) X_A^T, and its trace."""
    rng = np.random.default_rng(5)
    n, m, lam = 12, 30, 50.0
    XT = rng.standard_normal((m, n))
    c = np.zeros((7, m))
    c[2] = 0.5 * rng.uniform(0.1, 2.0, m)  # (dbeta/dS)/2
    c[6] = np.einsum("ij,ij->i", XT, XT)
    M = (lam / n) * (XT.T * (2.0 * c[2])) @ XT
    rho, trace = np.linalg.eigvalsh(M)[-1], np.trace(M)
    v = np.full(n, 1.0 / np.sqrt(n))
    small = 0.5 * EXPLICIT_LIMIT / trace  # h * trace below the limit: the trace decides
    assert stiffness(XT, c, lam, small, v.copy(), 2**62) == pytest.approx(trace, rel=1e-12)
    h = 10.0 / rho  # the trace cannot decide: power iterations, warm-started
    estimates = [stiffness(XT, c, lam, h, v, blas) for blas in [2**62, 1] * 20]
    assert all(e <= rho * (1 + 1e-12) for e in estimates)  # never above rho (Rayleigh)
    assert estimates[-1] == pytest.approx(rho, rel=1e-6) and estimates[0] < trace


def _direct_flow(X, y, alpha, t_eval):
    """beta(t) of du/dt = -grad L * v, dv/dt = -grad L * u (u0 = sqrt2 alpha, v0 = 0),
    integrated directly by scipy's Radau at rtol 1e-12 with its exact Jacobian."""
    n, d = X.shape
    G, b = X.T @ X / n, X.T @ y / n

    def rhs(_, w):
        u, v = w[:d], w[d:]
        g = G @ (u * v) - b
        return np.concatenate([-g * v, -g * u])

    def jac(_, w):
        u, v = w[:d], w[d:]
        g = G @ (u * v) - b
        top = np.hstack(
            [
                -(G * v[:, None]) * v[None, :] * 0 - v[:, None] * G * v[None, :],
                -v[:, None] * G * u[None, :] - np.diag(g),
            ]
        )
        low = np.hstack([-u[:, None] * G * v[None, :] - np.diag(g), -u[:, None] * G * u[None, :]])
        return np.vstack([top, low])

    w0 = np.concatenate([np.full(d, np.sqrt(2.0) * alpha), np.zeros(d)])
    sol = solve_ivp(rhs, (0, t_eval[-1]), w0, method="Radau", jac=jac, t_eval=t_eval,
                    rtol=1e-12, atol=1e-14 * alpha)  # fmt: skip
    return sol.y[:d].T * sol.y[d:].T


def test_the_flow_switches_methods_and_matches_direct_integration():
    """At alpha = 1e-5 the flow is not stiff early and stiff once coordinates are large:
    both methods run, and beta(t) matches a direct integration 100x tighter than rtol."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 16))
    y = X[:, :3] @ np.array([1.0, -2.0, 1.5])
    runs = {}
    for explicit in (True, False):

        def driver(ode, explicit=explicit, **options):
            return dataclasses.replace(flow_driver(ode, **options), explicit=explicit)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(integrate, "flow_driver", driver)
            runs[explicit] = gradient_flow(X, y, alpha=1e-5, tau_max=4.0)
    s = runs[True].stats
    rodas = s["n_accepted"] - s["n_explicit_steps"] - s["n_plateau_steps"]
    assert s["n_explicit_steps"] >= 10 and rodas >= 10  # it switched: both methods ran
    assert runs[False].stats["n_explicit_steps"] == 0
    q = np.linspace(0.0, 4.0, 201)
    exact = _direct_flow(X, y, 1e-5, runs[True].time_scale * q)
    for traj in runs.values():
        err = np.max(np.abs(traj.at(q) - exact)) / np.max(np.abs(exact))
        assert err <= 20 * 1e-8  # beta to about rtol (dense output included)


@pytest.mark.parametrize(
    ("module", "kernel"),
    [("saddlepath.diagonal.flow._kernels_loop", "run_loop"),
     ("saddlepath.diagonal._kernels_path_loop", "run_jumps"),
     ("saddlepath.diagonal._kernels_descent", "gd_loop"),
     ("saddlepath.diagonal._kernels_log", "beta_one")],
)  # fmt: skip
def test_cached_kernels_are_keyed_on_every_source_they_are_compiled_from(module, kernel):
    """numba keys a cached function on its own file; a kernel must also go stale when a
    callee's file changes (here: every stamp names the error norm's, the path's factor's
    and the log maps' files)."""
    import importlib

    from saddlepath.diagonal import _kernels_cache

    locator = getattr(importlib.import_module(module), kernel)._cache._impl._locator
    assert type(locator).__name__ in {"KernelInTreeLocator", "KernelUserDirLocator"}
    names = [name for name, *_ in locator.get_source_stamp()]
    assert {"_kernels_error.py", "_kernels_path_chol.py", "_kernels_log.py"} <= set(names)
    assert len(names) == len(_kernels_cache.SOURCES)


@pytest.mark.parametrize("m", [0, 1, 2, 7, 64, 1001])
def test_stable_order_is_numpys_stable_argsort(m):
    """The Jacobian drops its smallest columns in this order (ties: by index)."""
    from saddlepath.diagonal.flow._kernels_step import stable_order

    w = np.random.default_rng(m).integers(0, 6, m).astype(float)  # many ties
    np.testing.assert_array_equal(stable_order(w), np.argsort(w, kind="stable"))
