r"""Benchmark: the exact saddle-to-saddle path against LARS, the floor and a naive baseline.

One command (run from the repository root)::

    .venv/bin/python benchmarks/path.py [--sizes small|all] [--repeats 5]
                                        [--threads 1,default] [--out benchmarks/results]

On the same seeded data (Gaussian ``X`` with rows ``N(0, I)``, a ``k``-sparse ``β*`` with
``N(0, 1)`` non-zeros, noiseless ``y = Xβ*``) it times, side by side and interleaved:

* ``saddlepath.saddle_path`` with ``precision="auto"`` (the default) and ``"float64"``;
* scikit-learn ``lars_path(method="lasso")``, the closest peer (incremental Cholesky, about
  one pass over ``X`` per breakpoint), with ``max_iter`` raised so it reaches the end;
* a naive Algorithm 1 written here: every saddle is recomputed from scratch with
  ``scipy.optimize.nnls`` on the signed boundary columns, one full pass per jump. It runs
  on the two smaller sizes by default, under a per-run time budget;
* the floor: one pass ``Xᵀr`` in float64 and in float32, and the path stopped after one
  jump (which separates the fixed cost from the cost per jump).

Each thread setting of ``--threads`` (through threadpoolctl) is a full run. It reports
median and minimum wall time, jumps, passes over ``X``, the per-jump and fixed costs
against one pass, the peak memory that ``tracemalloc`` sees during the call (a separate
run) as a multiple of ``X``'s size, the agreement checks (same final interpolator,
``τ₁ = 1/alphas[0]``), PASS/MISS against the targets of issues 2 and 13, the load
average, and the first-call compile time of the kernels (fresh processes, empty numba
cache and cache on disk). Results go to ``<out>/path.json`` (raw) and ``<out>/path.md``.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numba
import numpy as np
import scipy
import sklearn
from sklearn.linear_model import lars_path

import saddlepath

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _path_args import parse_args
from _path_floor import (
    compile_table,
    compile_times,
    floor_summary,
    pass_operands,
    time_one_jump,
    time_passes,
)
from _path_machine import jsonable, machine_info, thread_limit, write_atomic
from _path_naive import NaiveResult, naive_path
from _path_table import floor_table, fmt_time, summarise, table

# (n_samples, n_features, n_nonzero, run the naive baseline by default)
SIZES = [
    (100, 1000, 10, True),
    (500, 5000, 50, True),
    (1000, 20000, 100, False),
    (500, 5000, 150, False),
]
LARS_MAX_ITER_PER_SAMPLE = 20  # lars_path's default max_iter=500 stops early at (500, 5000, 150)


# --------------------------------------------------------------------------- data
def make_problem(n: int, d: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gaussian ``X`` (rows ``N(0, I)``), ``k``-sparse ``β*`` with ``N(0, 1)`` entries, ``y = Xβ*``.

    The stream depends on ``(seed, n, d, k)`` only, so a size gets the same data whatever
    other sizes are selected.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, n, d, k]))
    X = rng.standard_normal((n, d))
    beta = np.zeros(d)
    beta[rng.choice(d, size=k, replace=False)] = rng.standard_normal(k)
    return X, X @ beta, beta


# --------------------------------------------------------------------------- methods
@dataclass
class Outcome:
    """What one call produced, read after the timed region."""

    n_jumps: int
    n_passes: int
    coef: np.ndarray = field(repr=False)
    first_jump: float
    status: str
    extra: dict = field(default_factory=dict)


@dataclass
class Method:
    name: str
    run: Callable  # (X, y) -> raw result; this call is what is timed
    describe: Callable  # raw result -> Outcome
    passes_note: str


def _saddlepath(precision: str) -> Method:
    def describe(p) -> Outcome:
        first = float(p.tau[1]) if p.n_jumps else float("nan")
        passes = int(p.stats["n_passes"])
        return Outcome(p.n_jumps, passes, p.beta[-1].copy(), first, p.status.name)

    return Method(
        f"saddlepath[{precision}]",
        lambda X, y: saddlepath.saddle_path(X, y, precision=precision),
        describe,
        "SaddlePath.n_passes",
    )


def _lars() -> Method:
    def run(X, y):
        max_iter = LARS_MAX_ITER_PER_SAMPLE * X.shape[0]
        return lars_path(X, y, method="lasso", max_iter=max_iter, return_n_iter=True), max_iter

    def describe(raw) -> Outcome:
        (alphas, _active, coefs, n_iter), max_iter = raw
        status = "reached_end" if n_iter < max_iter else "stopped_at_max_iter"
        return Outcome(
            int(n_iter),
            int(n_iter) + 1,
            coefs[:, -1].copy(),
            1.0 / alphas[0],
            status,
            {
                "n_iter": int(n_iter),
                "alphas_0": float(alphas[0]),
                "max_iter": max_iter,
                "coefs_shape": list(coefs.shape),
            },
        )

    return Method(
        "lars_path[lasso]", run, describe, "n_iter + 1 (≈1 pass Xᵀv per iteration, plus Xᵀy)"
    )


def _naive(budget: float) -> Method:
    def describe(raw: NaiveResult) -> Outcome:
        first = raw.tau[1] if len(raw.tau) > 1 else float("nan")
        return Outcome(len(raw.tau) - 1, raw.n_passes, raw.coef, first, raw.status)

    return Method(
        "naive-nnls",
        lambda X, y: naive_path(X, y, budget=budget),
        describe,
        "1 per jump + 2 (column norms, final gradient)",
    )


# --------------------------------------------------------------------------- measuring
def call(method: Method, X, y) -> tuple[float, object, list[str]]:
    """Time one call; warnings are caught and returned, never printed mid-run."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        raw = method.run(X, y)
        elapsed = time.perf_counter() - t0
    return elapsed, raw, sorted({f"{w.category.__name__}: {w.message}" for w in caught})


def peak_memory(method: Method, X, y) -> int:
    """Peak bytes traced by ``tracemalloc`` during one call, above what was live before."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = method.run(X, y)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del raw
    return int(peak)


def bench_size(size, methods: list[Method], args) -> dict:
    """Warm up, time the methods interleaved over the repeats, then measure memory."""
    n, d, k = size
    X, y, beta_star = make_problem(n, d, k, args.seed)
    ops = pass_operands(X, args.seed)
    rec = {
        "n": n,
        "d": d,
        "k": k,
        "X_bytes": int(X.nbytes),
        "load_before": os.getloadavg(),
        "methods": {},
        "floor": {"pass64": [], "pass32": [], "one_jump": []},
    }
    for m in methods:
        rec["methods"][m.name] = {"times": [], "order": [], "passes_note": m.passes_note}
    outcomes: dict[str, Outcome] = {}
    for m in methods:  # warm-up (untimed) and the results used for the checks
        if m.name != "naive-nnls":
            _, raw, caught = call(m, X, y)
            outcomes[m.name] = m.describe(raw)
            rec["methods"][m.name]["warnings"] = caught
    for rep in range(args.repeats):
        shift = rep % len(methods)
        for pos, m in enumerate(methods[shift:] + methods[:shift]):
            mrec = rec["methods"][m.name]
            if mrec.get("over_budget"):
                continue  # one over-budget run is enough; it would only repeat
            elapsed, raw, caught = call(m, X, y)
            mrec["times"].append(elapsed)
            mrec["order"].append([rep, pos])
            if m.name == "naive-nnls":
                outcomes[m.name] = m.describe(raw)
                mrec["warnings"] = caught
                mrec["over_budget"] = raw.status == "budget"
            del raw
        t64, t32 = time_passes(ops)  # the floor, in the same rotation of the same repeat
        rec["floor"]["pass64"].append(t64)
        rec["floor"]["pass32"].append(t32)
        rec["floor"]["one_jump"].append(time_one_jump(X, y))
        print(
            f"  repeat {rep + 1}/{args.repeats}: "
            + ", ".join(
                f"{m.name} {fmt_time(rec['methods'][m.name]['times'][-1])}" for m in methods
            )
        )
    for m in methods:
        rec["methods"][m.name]["peak_bytes"] = peak_memory(m, X, y)
    summarise(rec, outcomes, beta_star)
    floor_summary(rec)
    rec["load_after"] = os.getloadavg()
    return rec


# --------------------------------------------------------------------------- command line
def main(argv=None) -> int:
    args = parse_args(argv)
    sizes = SIZES[:1] if args.sizes == "small" else SIZES
    if args.repeats < 5:
        print(f"note: --repeats {args.repeats} < 5; medians are not the reported ones.")
    results, info = [], machine_info(None)
    info["load_start"] = os.getloadavg()
    for threads in args.thread_list:
        with thread_limit(threads):
            info.setdefault("threadpools_by_setting", {})[str(threads)] = machine_info(threads).get(
                "threadpools"
            )
            for n, d, k, naive_default in sizes:
                methods = [_saddlepath("auto"), _saddlepath("float64"), _lars()]
                if args.naive == "all" or (args.naive == "default" and naive_default):
                    methods.append(_naive(args.naive_budget))
                print(f"threads {threads or 'default'}, (n, d, k) = ({n}, {d}, {k})")
                results.append({"threads": threads, **bench_size((n, d, k), methods, args)})
                save_json(args, info, results, None, complete=False)
    compiled = compile_times() if args.compile_time else None
    save_json(args, info, results, compiled, complete=True)
    md = f"# saddlepath benchmark: exact path\n\n{_header(info, args)}\n\n"
    for threads in args.thread_list:
        part = [r for r in results if r["threads"] == threads]
        md += f"## BLAS threads: {threads or 'default'}\n\n{floor_table(part)}\n"
        md += table(part, args.naive_budget) + "\n"
    if compiled:
        md += "## First call: compile time (fresh processes, medians of 3)\n\n"
        md += compile_table(compiled)
    write_atomic(args.out / "path.md", md)
    print()
    print(md)
    print(f"saved {args.out / 'path.json'} and {args.out / 'path.md'}")
    return 0


def _header(info: dict, args) -> str:
    return (
        f"{info['date']} · {info['platform']} · {info['cpus_usable']} CPUs · threads "
        f"{args.threads} · repeats {args.repeats} · numpy {np.__version__} · scipy "
        f"{scipy.__version__} · scikit-learn {sklearn.__version__} · numba "
        f"{numba.__version__} · load average (1 min) {info['load_start'][0]:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end (each size's in path.json)"
    )


def save_json(args, info: dict, results: list[dict], compiled, *, complete: bool) -> None:
    """Raw results so far (rewritten after every size, so a crash loses at most one size)."""
    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    payload = {
        "benchmark": "path",
        "complete": complete,
        "config": config,
        "machine": info,
        "results": results,
        "compile_time": compiled,
    }
    write_atomic(args.out / "path.json", json.dumps(payload, indent=2, default=jsonable))


if __name__ == "__main__":
    sys.exit(main())
