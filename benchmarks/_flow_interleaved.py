"""The interleaved flow benchmark of issue 13 (``benchmarks/flow.py --interleaved``).

For each row (n, d, k, α) the three solvers run round-robin in one process — saddlepath's
``gradient_flow``, scipy LSODA and Radau (dense analytic Jacobian, same rtol/atol, to the
same τ) — ``--repeats`` rounds, under one BLAS thread and under the default threads
(``threadpoolctl.threadpool_limits``). Times are wall-clock medians; the machine's load
average is recorded before and after (the machine is shared). ``--compile-time`` measures
the first call of ``gradient_flow`` in a fresh process with an empty numba cache and with
the cache on disk. Results: ``benchmarks/results/flow_interleaved.{json,md}``.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from _path_machine import machine_info, write_atomic
from saddlepath.diagonal.flow import gradient_flow

ROWS = [(5, 7, 2, "1e-100"), (5, 7, 2, "1e-1000"), (50, 100, 5, "1e-100"),
        (50, 100, 5, "1e-1000"), (200, 1000, 20, "1e-10")]  # fmt: skip
TARGETS = {"1e-10": 1.0}  # speed-up over LSODA wanted: >= 5x for alpha <= 1e-100, else >= 1x
SOLVERS = ("saddlepath", "LSODA", "Radau")


def _runners(X, y, alpha, baseline_ivp):
    lam = float(alpha.split("e-")[1]) * math.log(10)
    traj = gradient_flow(X, y, alpha=alpha)
    tau_end = float(traj.tau[-1])
    return traj, {
        "saddlepath": lambda: gradient_flow(X, y, alpha=alpha),
        "LSODA": lambda: baseline_ivp(X, y, lam, tau_end, "LSODA"),
        "Radau": lambda: baseline_ivp(X, y, lam, tau_end, "Radau"),
    }


def _one_row(n, d, k, alpha, repeats, threads, make_data, baseline_ivp, budget):
    X, y = make_data(n, d, k)
    with threadpool_limits(limits=threads):
        traj, run = _runners(X, y, alpha, baseline_ivp)
        times = {name: [] for name in SOLVERS}
        for _ in range(repeats):
            for name in SOLVERS:
                if times[name] and times[name][-1] is not None and times[name][-1] > budget:
                    continue  # too slow to repeat: one run is its median
                start = time.perf_counter()
                run[name]()
                times[name].append(time.perf_counter() - start)
    med = {name: statistics.median(v) for name, v in times.items()}
    return {
        "n": n, "d": d, "k": k, "alpha": alpha, "threads": threads or "default",
        "median_s": med, "runs": {name: len(v) for name, v in times.items()},
        "speedup_vs_LSODA": med["LSODA"] / med["saddlepath"],
        "speedup_vs_Radau": med["Radau"] / med["saddlepath"],
        "flow_stats": traj.stats, "flow_status": traj.status.name,
        "per_step_us": 1e6 * med["saddlepath"] / max(traj.stats["n_steps"], 1),
    }  # fmt: skip


def compile_time() -> dict:
    """First call in a fresh process: empty numba cache, then the cache on disk."""
    code = (
        "import time; t0 = time.perf_counter(); import numpy as np; "
        "from saddlepath.diagonal.flow import gradient_flow; t1 = time.perf_counter(); "
        "gradient_flow(np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([1.0, 0.0]), "
        "alpha='1e-30'); t2 = time.perf_counter(); "
        "gradient_flow(np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([1.0, 0.0]), "
        "alpha='1e-30'); t3 = time.perf_counter(); print(t1 - t0, t2 - t1, t3 - t2)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("empty_cache", "cache_on_disk"):
            res = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            imp, first, second = (float(v) for v in res.stdout.split())
            out[label] = {"import_s": imp, "first_call_s": first, "second_call_s": second}
    return out


def markdown(rows, comp) -> str:
    lines = [
        "| n | d | k | α | BLAS threads | saddlepath | LSODA | Radau | vs LSODA | vs Radau | "
        "steps | µs/step | target |",
        "|" + "---|" * 13,
    ]
    for r in rows:
        m = r["median_s"]
        target = TARGETS.get(r["alpha"], 5.0)
        met = "met" if r["speedup_vs_LSODA"] >= target else "missed"
        lines.append(
            f"| {r['n']} | {r['d']} | {r['k']} | {r['alpha']} | {r['threads']} | "
            f"{m['saddlepath'] * 1e3:.3g} ms | {m['LSODA'] * 1e3:.3g} ms | "
            f"{m['Radau'] * 1e3:.3g} ms | {r['speedup_vs_LSODA']:.3g}× | "
            f"{r['speedup_vs_Radau']:.3g}× | {r['flow_stats']['n_steps']} | "
            f"{r['per_step_us']:.3g} | ≥ {target:g}× LSODA: {met} |"
        )
    if comp:
        lines.append("")
        for label, v in comp.items():
            lines.append(
                f"- first call, {label.replace('_', ' ')}: import {v['import_s']:.2f} s, "
                f"first gradient_flow {v['first_call_s']:.2f} s, second {v['second_call_s']:.4f} s"
            )
    return "\n".join(lines) + "\n"


def main(args, make_data, baseline_ivp, results: Path) -> None:
    load = {"before": [round(v, 2) for v in os.getloadavg()]}
    rows = []
    for n, d, k, alpha in ROWS:
        for threads in (1, None):
            rows.append(_one_row(n, d, k, alpha, args.repeats, threads, make_data,
                                 baseline_ivp, args.budget))  # fmt: skip
            print(json.dumps(rows[-1]), flush=True)
    comp = compile_time() if args.compile_time else None
    load["after"] = [round(v, 2) for v in os.getloadavg()]
    meta = {"machine": machine_info(None), "load_average_1_5_15min": load,
            "timer": "time.perf_counter (wall), medians", "repeats": args.repeats}  # fmt: skip
    payload = {"meta": meta, "rows": rows, "compile_time": comp}
    write_atomic(results / "flow_interleaved.json", json.dumps(payload, indent=1, default=str))
    write_atomic(results / "flow_interleaved.md", markdown(rows, comp))
