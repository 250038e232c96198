"""Benchmark: many flows at once with the JAX backend vs a loop of the NumPy flow.

Same data for both: Gaussian ``X`` of shape (n, d), a k-sparse noiseless target ``y``, and
``--batch`` flows that differ by their initialisation (``u0 = √2·exp(0.1·ξ)`` per
coordinate, ξ ~ N(0, 1), in units of α; ``v0 = 0``), all at the same α, integrated over
the whole path (τ from 0 to 1.2× the exact path's last jump time, 101 saved times).

(a) ``saddlepath.diagonal.jax_flow.batched_flow`` — all flows in one vmapped diffrax solve
    on the device JAX finds (CPU here; a GPU when one is present). Timed: first call
    (compile + run) and the median of ``--repeats`` further calls.
(b) ``saddlepath.diagonal.flow.gradient_flow`` (NumPy/SciPy, RODAS4) in a Python loop over
    ``--numpy-flows`` of the same flows; its median per flow is extrapolated to the batch.

Accuracy: max |β_a − β_b| / max |β_b| over the saved grid for the flows run by both.
Results are written atomically to ``benchmarks/results/batched_flow.json`` and ``.md``.

Run: ``.venv/bin/python benchmarks/batched_flow.py [--batch 1024 --n 200 --d 1000]``
(the default size takes tens of minutes on a 2-core CPU; ``--batch 64`` is a quick run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from _path_machine import write_atomic

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch", type=int, default=1024, help="number of flows (default 1024)")
    p.add_argument("--n", type=int, default=200, help="samples (default 200)")
    p.add_argument("--d", type=int, default=1000, help="features (default 1000)")
    p.add_argument("--k", type=int, default=20, help="non-zeros of the target (default 20)")
    p.add_argument("--alpha", default="1e-100", help="initialisation scale (default 1e-100)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--solver", default="auto", help="batched_flow solver (default auto)")
    p.add_argument("--rtol", type=float, default=1e-6, help="batched_flow rtol (default 1e-6)")
    p.add_argument("--repeats", type=int, default=3, help="timed batched runs (default 3)")
    p.add_argument("--numpy-flows", type=int, default=3, help="NumPy flows timed (default 3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=RESULTS)
    return p.parse_args(argv)


def make_problem(args):
    rng = np.random.default_rng(args.seed)
    X = rng.standard_normal((args.n, args.d))
    beta = np.zeros(args.d)
    beta[rng.choice(args.d, args.k, replace=False)] = rng.choice([-1.0, 1.0], args.k) * (
        1.0 + rng.random(args.k)
    )
    u0 = np.sqrt(2.0) * np.exp(0.1 * rng.standard_normal((args.batch, args.d)))
    return X, X @ beta, u0


def tau_grid_for(X, y):
    from saddlepath.diagonal import saddle_path

    path = saddle_path(X, y)
    return np.linspace(0.0, 1.2 * float(path.tau[-1]), 101), len(path.tau) - 1


def time_batched(X, y, u0, grid, args):
    from saddlepath.diagonal.jax_flow import batched_flow

    dtype = np.float64 if args.dtype == "float64" else np.float32

    def call():
        return batched_flow(
            X.astype(dtype),
            y.astype(dtype),
            alphas=args.alpha,
            tau_grid=grid,
            u0=u0,
            solver=args.solver,
            rtol=args.rtol,
            atol=args.rtol * 1e-3,
        )

    start = time.perf_counter()
    res = call()
    first = time.perf_counter() - start
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        res = call()
        times.append(time.perf_counter() - start)
    return res, first, times


def time_numpy(X, y, u0, grid, args):
    from saddlepath.diagonal.flow import gradient_flow

    times, trajs = [], []
    for b in range(min(args.numpy_flows, args.batch)):
        start = time.perf_counter()
        trajs.append(gradient_flow(X, y, alpha=args.alpha, u0=u0[b], tau_max=grid[-1]))
        times.append(time.perf_counter() - start)
    return trajs, times


def accuracy(res, trajs, grid):
    errors = []
    for b, traj in enumerate(trajs):
        ref = traj.at(np.minimum(grid, traj.tau[-1]))  # constant once converged
        errors.append(float(np.max(np.abs(res.beta[b] - ref)) / np.max(np.abs(ref))))
    return errors


def device_description():
    import jax

    dev = jax.devices()[0]
    return {
        "platform": dev.platform,
        "device_kind": getattr(dev, "device_kind", "unknown"),
        "n_devices": jax.device_count(),
        "cpu_count": os.cpu_count(),
    }


def versions():
    import diffrax
    import jax
    import scipy

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "jax": jax.__version__,
        "diffrax": diffrax.__version__,
    }


def markdown(report):
    c, b, npy = report["config"], report["batched"], report["numpy"]
    dev = report["device"]
    lines = [
        f"# batched_flow: {c['batch']} flows, (n, d, k) = ({c['n']}, {c['d']}, {c['k']}), "
        f"α = {c['alpha']}, {c['dtype']}",
        "",
        f"Device: {dev['platform']} ({dev['device_kind']}), {dev['cpu_count']} CPU cores. "
        f"Path: {report['n_jumps']} jumps, τ ∈ [0, {report['tau_end']:.4g}], 101 saved times.",
        "",
        "| method | flows timed | total | per flow | steps (max) |",
        "|---|---|---|---|---|",
        f"| batched_flow ({b['solver']}), first call incl. compile | {c['batch']} | "
        f"{b['first_call_s']:.3g} s | {b['first_call_s'] / c['batch'] * 1e3:.3g} ms | "
        f"{b['n_steps_max']} |",
        f"| batched_flow ({b['solver']}), median of {len(b['times_s'])} | {c['batch']} | "
        f"{b['median_s']:.3g} s | {b['per_flow_s'] * 1e3:.3g} ms | {b['n_steps_max']} |",
        f"| gradient_flow (NumPy) loop, median | {npy['flows']} | "
        f"{npy['extrapolated_batch_s']:.3g} s (extrapolated) | {npy['per_flow_s'] * 1e3:.3g} ms | "
        f"{npy['grad_evals_median']} grad evals |",
        "",
        f"Speed-up per flow (NumPy / batched, steady state): {report['speedup']:.3g}×. "
        f"Statuses: {b['status_counts']}. Max |Δβ| / max |β| against the NumPy flow: "
        f"{max(report['accuracy']):.2g}.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    if args.dtype == "float64":  # a benchmark script may set the flag; the library never does
        import jax

        jax.config.update("jax_enable_x64", True)
    X, y, u0 = make_problem(args)
    grid, n_jumps = tau_grid_for(X, y)
    res, first, times = time_batched(X, y, u0, grid, args)
    trajs, np_times = time_numpy(X, y, u0, grid, args)
    per_flow = statistics.median(times) / args.batch
    np_per_flow = statistics.median(np_times)
    statuses = [s.name for s in res.statuses]
    report = {
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "device": device_description(),
        "versions": versions(),
        "n_jumps": n_jumps,
        "tau_end": float(grid[-1]),
        "batched": {
            "solver": res.solver,
            "dtype": res.dtype,
            "first_call_s": first,
            "times_s": times,
            "median_s": statistics.median(times),
            "per_flow_s": per_flow,
            "n_steps_max": int(res.stats["n_accepted"].max()),  # accepted steps
            "n_rejected_max": int(res.stats["n_rejected"].max()),
            "status_counts": {s: statuses.count(s) for s in sorted(set(statuses))},
        },
        "numpy": {
            "flows": len(np_times),
            "times_s": np_times,
            "per_flow_s": np_per_flow,
            "extrapolated_batch_s": np_per_flow * args.batch,
            "grad_evals_median": int(statistics.median(t.stats["n_grad_evals"] for t in trajs)),
        },
        "speedup": np_per_flow / per_flow,
        "accuracy": accuracy(res, trajs, grid),
    }
    stem = args.out / "batched_flow"
    write_atomic(stem.with_suffix(".json"), json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    write_atomic(stem.with_suffix(".md"), text)
    print(text)


if __name__ == "__main__":
    main()
