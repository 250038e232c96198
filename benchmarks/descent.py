"""Benchmark: exact log-domain GD/SGD (compiled) against a plain NumPy loop and the floor.

Same data, same run, interleaved (one round = every method once; medians over the rounds):
the thesis's d = 7 example (``RandomState(10)``, n = 5, ``y = X (10, 20, 0, …)``),
η = 0.01, α = 1e-3.

- ``saddlepath``: :func:`saddlepath.gradient_descent` for ``--steps`` steps (default
  saving: when the loss moved by 1 %, at least every 1000 steps), full batch; and SGD with
  batches of 2 (saving once per epoch, as the library does by default);
- ``numpy-loop``: the thesis's plain float64 loop on (u, v) in NumPy, ``--numpy-steps`` steps
  (it cannot run at α = 1e-1000; here α = 1e-3 is representable);
- ``floor``: the same exact log-domain update compiled with numba, nothing else (no saving,
  no stopping or divergence checks): what the loop costs without the library around it.

Per-step times (CPU µs, ``time.process_time``; wall-clock too), with BLAS limited to one
thread and at its default (threadpoolctl; GD at d = 7 does not call BLAS, the column shows
it). First-call compile times are measured in fresh processes: with an empty numba cache
(``NUMBA_CACHE_DIR`` in a temporary folder) and with the cache filled. The machine's load
average is recorded before and after. Results are written atomically to
``benchmarks/results/descent.json`` and ``descent.md``.

Run: ``.venv/bin/python benchmarks/descent.py [--rounds 5] [--steps 1000000]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
from threadpoolctl import threadpool_limits

from _path_machine import write_atomic
from saddlepath.diagonal.descent import gradient_descent

RESULTS = Path(__file__).resolve().parent / "results"
ETA, ALPHA = 0.01, 1e-3


def thesis_data():
    rs = np.random.RandomState(10)
    X = rs.randn(5, 7)
    return X, X @ np.array([10.0, 20.0, 0, 0, 0, 0, 0])


def numpy_loop(X, y, n_steps, rows=None):
    u, v = ALPHA * np.sqrt(2.0) * np.ones(X.shape[1]), np.zeros(X.shape[1])
    for k in range(n_steps):
        r = slice(None) if rows is None else rows[k]
        g = (X[r] @ (u * v) - y[r]) @ X[r] / len(y[r])
        u, v = u - ETA * g * v, v - ETA * g * u
    return u * v


@numba.njit(cache=True)
def floor_loop(X, y, lp, lm, n_steps):  # pragma: no cover - timed, not tested
    n, d = X.shape
    beta, g = np.empty(d), np.empty(d)
    for _ in range(n_steps):
        for j in range(d):
            a, b = lp[j], lm[j]
            top = a if a > b else b
            beta[j] = 0.5 * np.exp(2 * top) * np.copysign(-np.expm1(-2 * abs(a - b)), a - b)
            g[j] = 0.0
        for i in range(n):
            acc = 0.0
            for j in range(d):
                acc += X[i, j] * beta[j]
            for j in range(d):
                g[j] += (acc - y[i]) * X[i, j]
        for j in range(d):
            x = ETA * g[j] / n
            lp[j] += np.log1p(-x)
            lm[j] += np.log1p(x)
    return beta


def methods(X, y, steps, numpy_steps):
    lp0 = np.full(X.shape[1], np.log(ALPHA))  # w± = (u ± v)/√2 = α at u = √2α, v = 0
    rows = [np.array([0, 1]), np.array([2, 3]), np.array([4])] * (numpy_steps // 3 + 1)
    sgd_args = {"n_steps": steps // 10, "gtol": 0.0, "batch_size": 2, "seed": 0}
    return {
        "saddlepath GD": (
            lambda: gradient_descent(X, y, step_size=ETA, alpha=ALPHA, n_steps=steps, gtol=0.0),
            steps,
        ),
        "saddlepath SGD (batch 2)": (
            lambda: gradient_descent(X, y, step_size=ETA, alpha=ALPHA, **sgd_args),
            steps // 10,
        ),
        "numpy-loop GD": (lambda: numpy_loop(X, y, numpy_steps), numpy_steps),
        "numpy-loop SGD (batch 2)": (lambda: numpy_loop(X, y, numpy_steps, rows), numpy_steps),
        "floor GD (numba, update only)": (
            lambda: floor_loop(X, y, lp0.copy(), lp0.copy(), steps),
            steps,
        ),
    }


def first_call_seconds(cold: bool) -> dict:
    """Seconds of the first gradient_descent call in a fresh process (imports excluded)."""
    code = (
        "import time, numpy as np\n"
        "from saddlepath.diagonal.descent import gradient_descent\n"
        "X = np.random.RandomState(10).randn(5, 7); y = X[:, 0]\n"
        "t, c = time.perf_counter(), time.process_time()\n"
        "gradient_descent(X, y, step_size=0.01, alpha=1e-3, n_steps=10)\n"
        "gradient_descent(X, y, step_size=0.01, alpha=1e-3, n_steps=10, batch_size=2)\n"
        "print(time.perf_counter() - t, time.process_time() - c)\n"
    )
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as cache:
        if cold:
            env["NUMBA_CACHE_DIR"] = cache
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
    wall, cpu = out.stdout.decode().split()[-2:]
    return {"wall_s": float(wall), "cpu_s": float(cpu)}


def run(rounds, steps, numpy_steps, threads):
    X, y = thesis_data()
    table = methods(X, y, steps, numpy_steps)
    for fn, _ in table.values():  # compile / warm caches outside the timings
        fn()
    cpu = {name: [] for name in table}
    wall = {name: [] for name in table}
    with threadpool_limits(limits=threads):
        for _ in range(rounds):
            for name, (fn, n) in table.items():
                c, w = time.process_time(), time.perf_counter()
                fn()
                cpu[name].append((time.process_time() - c) / n * 1e6)
                wall[name].append((time.perf_counter() - w) / n * 1e6)
    return {
        name: {"cpu_us_per_step": statistics.median(cpu[name]),
               "wall_us_per_step": statistics.median(wall[name]), "steps": table[name][1]}
        for name in table
    }  # fmt: skip


def markdown(result):
    lines = [
        f"Load average before/after: {result['load_before']} / {result['load_after']} "
        f"({result['cpus']} CPUs; the machine was shared). Medians of {result['rounds']} "
        "interleaved rounds, µs per step.",
        "",
        "| method | steps | CPU, 1 BLAS thread | wall, 1 thread | CPU, default threads | "
        "wall, default | × floor (CPU, 1 thread) |",
        "|---|---|---|---|---|---|---|",
    ]
    one, default = result["one_thread"], result["default_threads"]
    cold, warm = result["compile_cold_s"], result["compile_warm_s"]
    floor = one["floor GD (numba, update only)"]["cpu_us_per_step"]
    for name, r in one.items():
        dflt = default[name]
        lines.append(
            f"| {name} | {r['steps']} | {r['cpu_us_per_step']:.3g} | {r['wall_us_per_step']:.3g} "
            f"| {dflt['cpu_us_per_step']:.3g} | {dflt['wall_us_per_step']:.3g} "
            f"| {r['cpu_us_per_step'] / floor:.3g} |"
        )
    lines += [
        "",
        "First call (GD + SGD, fresh process): "
        f"{cold['wall_s']:.3g} s wall / {cold['cpu_s']:.3g} s CPU with an empty numba cache "
        f"(compiling), {warm['wall_s']:.3g} s / {warm['cpu_s']:.3g} s with the cache on disk.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--numpy-steps", type=int, default=30_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = {"load_before": [round(v, 2) for v in os.getloadavg()], "rounds": args.rounds}
    result["compile_cold_s"] = first_call_seconds(cold=True)
    result["compile_warm_s"] = first_call_seconds(cold=False)
    result["one_thread"] = run(args.rounds, args.steps, args.numpy_steps, 1)
    result["default_threads"] = run(args.rounds, args.steps, args.numpy_steps, None)
    result.update(
        load_after=[round(v, 2) for v in os.getloadavg()],
        cpus=os.cpu_count(),
        numba=numba.__version__,
        numpy=np.__version__,
        machine=platform.platform(),
    )
    write_atomic(args.out / "descent.json", json.dumps(result, indent=1))
    write_atomic(args.out / "descent.md", markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
