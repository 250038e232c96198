r"""Benchmark: the saddle analysis of a finite-α run, and saddle enumeration at d = 15.

One command (run from the repository root)::

    .venv/bin/python benchmarks/analysis.py [--repeats 3] [--out benchmarks/results]

Cases (targets of issue 4):

* **analysis** of a gradient flow on P&F data ``make_sparse_regression(50, 100,
  n_nonzero=10, seed=0)`` at α = 1e-30: ``find_plateaus`` (speed dips, each snapped to its
  exact saddle) and the full ``explain_jumps(X, y, path, trajectory)`` (plateaus, matching,
  the Hessian spectrum at every exact saddle and at the run's own points, dual rule).
  Target: < 1 s. The flow and the exact path are computed once, outside the timing.
* **enumeration** of every critical point at d = 15: ``enumerate_saddles`` on
  ``make_sparse_regression(20, 15)`` (all 2^15 supports independent) and on
  ``make_sparse_regression(10, 15)`` (supports above 10 columns are dependent).

Each timing is the median (and minimum) of ``--repeats`` wall-clock runs
(``time.perf_counter``) after one untimed warm-up, once with the BLAS threads left as they
are and once limited to one thread with ``threadpoolctl`` (on a small shared machine,
OpenBLAS threading of the 200 × 200 eigendecompositions can cost 10× or more). Results
go to ``<out>/analysis.json`` (raw) and ``<out>/analysis.md``, each written to a temporary
file and moved into place with ``os.replace``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import saddlepath
from saddlepath import saddle_path
from saddlepath.analysis import explain_jumps, find_plateaus, match_saddles
from saddlepath.data import make_sparse_regression
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.landscape import enumerate_saddles

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _path_machine import write_atomic

TARGET_ANALYSIS_S = 1.0


def timed(func: Callable[[], object], repeats: int) -> tuple[dict, object]:
    """Median and minimum wall time of ``func`` over ``repeats`` runs after a warm-up."""
    result = func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "min_s": min(times), "runs": times}, result


def both_thread_settings(func: Callable[[], object], repeats: int) -> tuple[dict, object]:
    """``timed`` with the BLAS threads as they are, then limited to one."""
    default, result = timed(func, repeats)
    with threadpool_limits(limits=1):
        single, _ = timed(func, repeats)
    return {"default_threads": default, "one_thread": single}, result


def analysis_case(repeats: int) -> dict:
    ds = make_sparse_regression(50, 100, n_nonzero=10, seed=0)
    X, y = ds.X, ds.y
    start = time.perf_counter()
    traj = gradient_flow(X, y, alpha=1e-30)
    flow_s = time.perf_counter() - start
    path = saddle_path(X, y)
    plateau_timing, plateaus = both_thread_settings(lambda: find_plateaus(traj, X, y), repeats)
    explain_timing, records = both_thread_settings(lambda: explain_jumps(X, y, path, traj), repeats)
    matches = match_saddles(plateaus, path)
    best = min(t["median_s"] for t in explain_timing.values())
    return {
        "case": "analysis",
        "shape": [50, 100],
        "alpha": 1e-30,
        "flow_s": flow_s,
        "n_saved_points": len(traj.tau),
        "flow_status": traj.status.name,
        "n_path_saddles": path.n_saddles,
        "n_plateaus": len(plateaus),
        "n_matched": int(np.count_nonzero(matches >= 0)),
        "n_resolved_in_records": int(sum(np.isfinite(r.observed_tau) for r in records)),
        "eigenvector_rule_agrees": int(sum(r.agrees for r in records[:-1])),
        "n_jumps": path.n_jumps,
        "find_plateaus": plateau_timing,
        "explain_jumps": explain_timing,
        "target_s": TARGET_ANALYSIS_S,
        "meets_target": {k: t["median_s"] < TARGET_ANALYSIS_S for k, t in explain_timing.items()},
        "best_median_s": best,
    }


def enumeration_case(n: int, d: int, repeats: int) -> dict:
    ds = make_sparse_regression(n, d, n_nonzero=4, seed=0)
    path = saddle_path(ds.X, ds.y)
    timing, cat = both_thread_settings(lambda: enumerate_saddles(ds.X, ds.y, path=path), repeats)
    return {
        "case": "enumeration",
        "shape": [n, d],
        "n_supports": cat.stats["n_examined"],
        "n_critical_points": len(cat),
        "n_dependent": cat.stats["n_dependent"],
        "path_saddles_found": int(cat.visited.sum()),
        "n_path_saddles": path.n_saddles,
        "timing": timing,
    }


def environment() -> dict:
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "saddlepath": saddlepath.__version__,
    }


def _ms(timing: dict) -> str:
    """``median (min)`` in ms for both thread settings."""
    return " / ".join(
        f"{t['median_s'] * 1e3:.0f} ({t['min_s'] * 1e3:.0f})"
        for t in (timing["default_threads"], timing["one_thread"])
    )


def markdown(report: dict) -> str:
    env, a = report["environment"], report["analysis"]
    ok = a["meets_target"]
    verdict = " / ".join("PASS" if ok[k] else "MISS" for k in ("default_threads", "one_thread"))
    lines = [
        "# saddlepath benchmark: saddle analysis",
        "",
        f"{env['when']} · {env['platform']} · {env['cpus']} CPUs · numpy {env['numpy']} · "
        f"repeats {report['repeats']} after one warm-up",
        "",
        "Times in ms: median (min), with BLAS threads as they are / limited to one.",
        "",
        "| case | what is timed | ms: default / 1 thread | target | details |",
        "|---|---|---|---|---|",
        f"| flow (50, 100), α = 1e-30 | find_plateaus(traj, X, y) | "
        f"{_ms(a['find_plateaus'])} | | {a['n_saved_points']} saved points, "
        f"{a['n_plateaus']} plateaus, {a['n_matched']}/{a['n_path_saddles']} path saddles "
        "matched |",
        f"| flow (50, 100), α = 1e-30 | explain_jumps(X, y, path, traj) | "
        f"{_ms(a['explain_jumps'])} | < {a['target_s']:g} s: {verdict} | {a['n_jumps']} jumps,"
        f" top eigenvector right at {a['eigenvector_rule_agrees']} |",
    ]
    for e in report["enumeration"]:
        lines.append(
            f"| enumeration {tuple(e['shape'])} | enumerate_saddles(X, y) | {_ms(e['timing'])} |"
            f" report | {e['n_supports']} supports, {e['n_critical_points']} critical points, "
            f"{e['n_dependent']} dependent, {e['path_saddles_found']}/{e['n_path_saddles']} "
            "path saddles |"
        )
    lines += [
        "",
        f"Not timed: the flow itself took {a['flow_s']:.2f} s ({a['flow_status']}); the exact "
        "path is computed once and passed in. `explain_jumps` with a trajectory includes its "
        "own `find_plateaus` call, the matching, the Hessian spectrum at every exact saddle "
        "and at each plateau point of the run (pairs whose coupling is below round-off are "
        "split off as 2 × 2 blocks; only the unstable eigenvectors are computed).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    report = {
        "environment": environment(),
        "repeats": args.repeats,
        "analysis": analysis_case(args.repeats),
        "enumeration": [
            enumeration_case(20, 15, args.repeats),
            enumeration_case(10, 15, args.repeats),
        ],
    }
    write_atomic(args.out / "analysis.json", json.dumps(report, indent=2) + "\n")
    write_atomic(args.out / "analysis.md", markdown(report))
    print(markdown(report))
    return report


if __name__ == "__main__":
    main()
