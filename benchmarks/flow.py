"""Benchmark: the exact finite-α flow against thesis-style GD and scipy's stiff solvers.

Same data, same run: Gaussian ``X`` of shape (n, d), a k-sparse noiseless target, and
for each α the *whole* path (until the gradient vanishes):

(a) fixed-step float64 GD on (u, v) with the largest stable step (estimated from the
    curvature at the path's saddles, halved on divergence) — gradient evaluations and
    time until ``max|β − β_final| ≤ 1e-4``;
(b) ``scipy.integrate.solve_ivp`` LSODA and Radau on ``ds/dτ = −∇L(β(λs))`` with the
    dense analytic Jacobian ``−(XᵀX/n)·diag(λ dβ/dS)``, same rtol/atol, to the same τ;
(c) ``saddlepath.diagonal.flow.gradient_flow``.

Every run has a wall-clock budget; a run that exceeds it is reported as "> budget".
Times are CPU times (``time.process_time``, single BLAS thread: the machine may be shared),
medians of ``--repeats`` runs for runs shorter than 5 s. Results are written
atomically to ``benchmarks/results/flow.json`` and ``flow.md``.

Run: ``.venv/bin/python benchmarks/flow.py [--budget 60] [--sizes 5x7,50x100]``

``--interleaved [--compile-time]`` runs issue 13's rows instead, round-robin against LSODA
and Radau under one and the default BLAS threads (:mod:`_flow_interleaved`).
"""

from __future__ import annotations

import os
import sys

if "--interleaved" not in sys.argv:  # before numpy: single-thread timings
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import math
import platform
import signal
import statistics
import time
from pathlib import Path

import numpy as np
import scipy
from scipy.integrate import solve_ivp

from _path_machine import write_atomic
from saddlepath.diagonal import saddle_path
from saddlepath.diagonal.flow import gradient_flow

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = {(5, 7): 2, (50, 100): 5, (200, 1000): 20, (500, 2000): 40}
ALPHAS = ("1e-10", "1e-100", "1e-1000")
RTOL, ATOL = 1e-8, 1e-10


class OverBudget(Exception):
    """Raised by the alarm when a run exceeds its budget."""


def _alarm(_signum, _frame):
    raise OverBudget


def run_with_budget(fn, budget, repeats):
    """Return (median seconds, last result) or (None, None) if over budget."""
    times, out = [], None
    for _ in range(repeats):
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, budget)
        start = time.process_time()
        try:
            out = fn()
        except OverBudget:
            return None, None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(time.process_time() - start)
        if times[-1] > 5.0:
            break
    return statistics.median(times), out


def make_data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta = np.zeros(d)
    beta[:k] = rng.choice([-1.0, 1.0], k) * (1.0 + rng.random(k))
    return X, X @ beta


def dual_ode(X, y, lam):
    """Right-hand side and dense Jacobian of ds/dτ for the P&F initialisation."""
    n = X.shape[0]
    G, c = X.T @ X / n, X.T @ y / n

    def weights(s):
        return np.exp(np.minimum(2 * lam * (s - 1), 700)), np.exp(
            np.minimum(-2 * lam * (s + 1), 700)
        )

    def rhs(_, s):
        a, b = weights(s)
        return c - G @ (0.5 * (a - b))

    def jac(_, s):
        a, b = weights(s)
        return -G * (lam * (a + b))

    return rhs, jac


def baseline_ivp(X, y, lam, tau_end, method):
    rhs, jac = dual_ode(X, y, lam)
    sol = solve_ivp(
        rhs, (0, tau_end), np.zeros(X.shape[1]), method=method, jac=jac, rtol=RTOL, atol=ATOL
    )
    return {"nfev": int(sol.nfev), "njev": int(sol.njev), "success": bool(sol.success)}


def baseline_gd(X, y, alpha, beta_final, saddles):
    """Thesis-style float64 GD on (u, v); returns the gradient evaluations to the target."""
    n = X.shape[0]
    curvature = np.linalg.eigvalsh(X.T @ X / n)[-1] * max(np.max(np.abs(saddles)), 1e-12)
    eta = 0.9 / curvature
    while True:
        u, v = math.sqrt(2) * alpha * np.ones(X.shape[1]), np.zeros(X.shape[1])
        for k in range(1, 10**9):
            g = (X @ (u * v) - y) @ X / n
            u, v = u - eta * g * v, v - eta * g * u
            if k % 50 == 0:
                err = float(np.max(np.abs(u * v - beta_final)))
                if not np.isfinite(err):
                    break
                if err <= 1e-4:
                    return {"grad_evals": k, "step_size": eta}
        eta /= 2  # diverged: halve the step


def fmt_time(seconds):
    return "> budget" if seconds is None else f"{seconds:.3g} s"


def bench_one(n, d, k, alpha, budget, repeats):
    X, y = make_data(n, d, k)
    path = saddle_path(X, y)
    t_flow, traj = run_with_budget(lambda: gradient_flow(X, y, alpha=alpha), budget, repeats)
    row = {"n": n, "d": d, "k": k, "alpha": alpha, "n_jumps": len(path.tau) - 1, "flow_s": t_flow}
    lam = float(alpha.split("e-")[1]) * math.log(10)
    if traj is not None:
        row.update(
            flow_grad_evals=traj.stats["n_grad_evals"],
            flow_saved=len(traj.t),
            flow_status=traj.status.name,
            flow_steps=traj.stats["n_steps"],
            flow_rejected=traj.stats["n_rejected"],
            flow_plateau_steps=traj.stats["n_plateau_steps"],
            tau_end=float(traj.tau[-1]),
            flow_final_error=float(np.max(np.abs(traj.beta[-1] - path.beta[-1]))),
        )
    tau_end = row.get("tau_end", float(path.tau[-1]) * 1.5 + 1.0)
    for method in ("LSODA", "Radau"):
        t, out = run_with_budget(
            lambda m=method: baseline_ivp(X, y, lam, tau_end, m), budget, repeats
        )
        row[f"{method}_s"] = t
        row[f"{method}_nfev"] = None if out is None else out["nfev"]
    if alpha == "1e-1000":
        row["gd_s"], row["gd_note"] = None, "alpha underflows in float64"
    else:
        t, out = run_with_budget(
            lambda: baseline_gd(X, y, float(alpha), path.beta[-1], path.beta), budget, 1
        )
        row["gd_s"] = t
        row["gd_grad_evals"] = None if out is None else out["grad_evals"]
        row["gd_step_size"] = None if out is None else out["step_size"]
    return row


def markdown(rows, budget):
    head = (
        "| n | d | k | α | jumps | saddlepath | grad evals | LSODA | Radau | speed-up vs best "
        "(b) | GD (a) | GD grad evals | evals ratio (a)/(c) |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        best = min((r[m] for m in ("LSODA_s", "Radau_s") if r[m] is not None), default=None)
        flow = r["flow_s"]
        if flow is None:
            speed = "n/a"
        elif best is None:
            speed = f"> {budget / flow:.3g}x"
        else:
            speed = f"{best / flow:.3g}x"
        gd_evals = r.get("gd_grad_evals")
        ratio = (
            "n/a"
            if gd_evals is None or "flow_grad_evals" not in r
            else f"{gd_evals / r['flow_grad_evals']:.3g}"
        )
        gd = r.get("gd_note") or fmt_time(r["gd_s"])
        lines.append(
            f"| {r['n']} | {r['d']} | {r['k']} | {r['alpha']} | {r['n_jumps']} | "
            f"{fmt_time(flow)} | {r.get('flow_grad_evals', 'n/a')} | {fmt_time(r['LSODA_s'])} | "
            f"{fmt_time(r['Radau_s'])} | {speed} | {gd} | "
            f"{gd_evals if gd_evals is not None else 'n/a'} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default=",".join(f"{n}x{d}" for n, d in SIZES))
    parser.add_argument("--alphas", default=",".join(ALPHAS))
    parser.add_argument("--interleaved", action="store_true", help="issue 13's rows")
    parser.add_argument("--compile-time", action="store_true", help="with --interleaved")
    args = parser.parse_args()
    if args.interleaved:
        import _flow_interleaved

        _flow_interleaved.main(args, make_data, baseline_ivp, RESULTS)
        return
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    rows = []
    for n, d in sizes:
        for alpha in args.alphas.split(","):
            rows.append(bench_one(n, d, SIZES[(n, d)], alpha, args.budget, args.repeats))
            print(json.dumps(rows[-1]), flush=True)
            meta = {
                "budget_s": args.budget,
                "rtol": RTOL,
                "atol": ATOL,
                "numpy": np.__version__,
                "scipy": scipy.__version__,
                "machine": platform.platform(),
                "cpus": os.cpu_count(),
                "timer": "time.process_time (CPU seconds), OPENBLAS_NUM_THREADS="
                + os.environ.get("OPENBLAS_NUM_THREADS", "?"),
            }
            write_atomic(RESULTS / "flow.json", json.dumps({"meta": meta, "rows": rows}, indent=1))
            write_atomic(RESULTS / "flow.md", markdown(rows, args.budget))


if __name__ == "__main__":
    main()
