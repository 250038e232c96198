"""Sweeps on Dask against a plain sequential loop, and an interrupted sweep resumed.

    .venv/bin/python benchmarks/sweep.py            # 1,000 flows of ~90 ms: ~4 minutes
    .venv/bin/python benchmarks/sweep.py --tiny     # 1,000 flows of ~2.6 ms: fixed costs
    .venv/bin/python benchmarks/sweep.py --quick    # 100 flows

One run of this benchmark measures, on the same 1,000 gradient flows (10 α × 100 data
seeds, ``make_sparse_regression(150, 600, k=12)``, or ``(5, 10, 2)`` with ``--tiny``, up
to τ = 5 at ``rtol = 1e-6``):

1. a plain sequential loop in this process (the baseline): build the data, call
   ``gradient_flow``, summarise; results kept in memory, nothing written;
2. ``saddlepath sweep`` on a ``LocalCluster`` of ``--workers`` (2) processes, as a
   subprocess from launch to exit (cluster start-up, every record written, the table);
3. the same sweep killed with SIGKILL once half the runs are in the store, then resumed
   (a second ``saddlepath sweep``): total time against 2., and whether a run finished
   before the kill was computed again (its ``run.json`` would change).

Reported: the throughput ratio (1. over 2.), the per-task overhead the sweep measured and
the batch size it chose, the sweep's fixed cost (launch to exit less the runs phase) and
the best ratio that fixed cost allows, the resumed total over the uninterrupted time, and
the load average of the machine before and after (the ratio depends on free cores).
Since the flow was compiled (issue 13) a (5, 10) flow takes ~2.6 ms: 1,000 of them are a
2.6 s job, shorter than a cluster's start-up, so the default workload is flows of ~90 ms
(a 90 s job), the size at which a sweep is worth starting. Results go to
``benchmarks/results/sweep.json`` and ``sweep.md`` (``sweep.tiny.*``, ``sweep.quick.*``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALPHAS = ["1e-3", "1e-5", "1e-8", "1e-10", "1e-15", "1e-20", "1e-30", "1e-50", "1e-100", "1e-200"]


SIZES = {"default": (150, 600, 12), "tiny": (5, 10, 2)}


def config_text(n_seeds: int, size: tuple[int, int, int] = SIZES["default"]) -> str:
    alphas = ", ".join(f'"{a}"' for a in ALPHAS)
    n, d, k = size
    return (
        f'task = "flow"\n[data]\nkind = "sparse"\nn = {n}\nd = {d}\nk = {k}\n'
        "[params]\ntau_max = 5.0\nrtol = 1e-6\n"
        f"[grid]\nalpha = [{alphas}]\nseed = {list(range(n_seeds))}\n"
    )


def sequential(config) -> tuple[float, float]:
    """The baseline: every run in a plain loop, in this process (wall and CPU seconds)."""
    from saddlepath.sweep.tasks import run_task

    start, cpu = time.perf_counter(), time.process_time()
    for run in config.run_configs():
        run_task(run)
    return time.perf_counter() - start, time.process_time() - cpu


def _command(toml: Path, out: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "saddlepath",
        "sweep",
        str(toml),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--json",
    ]


def sweep(toml: Path, out: Path, workers: int) -> tuple[float, dict]:
    """One ``saddlepath sweep`` subprocess, launch to exit: its wall time and JSON summary."""
    start = time.perf_counter()
    done = subprocess.run(_command(toml, out, workers), capture_output=True, text=True, check=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def _finished(out: Path) -> dict[str, str]:
    runs = (out / "runs").glob("*/run.json")
    return {p.parent.name: p.read_text() for p in runs if not p.parent.name.startswith(".")}


def interrupted(toml: Path, out: Path, workers: int, n_runs: int) -> dict:
    """Kill the driver (and its cluster) at half the runs, then resume; times and checks."""
    start = time.perf_counter()
    driver = subprocess.Popen(
        _command(toml, out, workers),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while len(_finished(out) if (out / "runs").is_dir() else {}) < n_runs // 2:
        if driver.poll() is not None:
            raise RuntimeError("the sweep ended before it could be interrupted")
        time.sleep(0.02)
    os.killpg(driver.pid, signal.SIGKILL)  # the driver and the cluster it started
    driver.wait()
    killed_after = time.perf_counter() - start
    before = _finished(out)
    resume_s, summary = sweep(toml, out, workers)
    after = _finished(out)
    recomputed = sum(after[k] != v for k, v in before.items())
    return {
        "killed_after_s": killed_after,
        "runs_at_kill": len(before),
        "resume_s": resume_s,
        "total_s": killed_after + resume_s,
        "resume_skipped": summary["n_skipped"],
        "resume_computed": summary["n_computed"],
        "finished_runs_recomputed": recomputed,
        "n_done": summary["n_done"],
    }


def measure(n_seeds: int, workers: int, size: tuple[int, int, int]) -> dict:
    from saddlepath.sweep import load_config

    text = config_text(n_seeds, size)
    config = load_config(tomllib.loads(text))
    n_runs = len(config.run_configs())
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        toml = Path(tmp) / "sweep.toml"
        toml.write_text(text)
        seq_s, seq_cpu = sequential(config)
        sweep_s, summary = sweep(toml, Path(tmp) / "full", workers)
        resumed = interrupted(toml, Path(tmp) / "cut", workers, n_runs)
    fixed_s = sweep_s - summary["stats"]["compute_s"]
    return {
        "n_runs": n_runs,
        "size": list(size),
        "workers": workers,
        "fixed_s": fixed_s,
        "best_ratio": seq_s / (seq_s / workers + fixed_s),
        "sequential_s": seq_s,
        "sweep_s": sweep_s,
        "throughput_ratio": seq_s / sweep_s,
        "steady_ratio": seq_s / summary["stats"]["compute_s"],
        "cpu_per_run_sequential_s": seq_cpu / n_runs,
        "cpu_per_run_worker_s": summary["stats"]["cpu_s"] / n_runs,
        "sweep_stats": summary["stats"],
        "sweep_inner_s": summary["wall_s"],
        "n_done": summary["n_done"],
        "interrupted": resumed,
        "resumed_over_uninterrupted": resumed["total_s"] / sweep_s,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def table(r: dict) -> str:
    s, i = r["sweep_stats"], r["interrupted"]
    rows = [
        (
            "runs: flows of make_sparse_regression(n, d, k) = {}".format(tuple(r["size"])),
            f"{r['n_runs']}",
        ),
        ("sequential loop, this process", f"{r['sequential_s']:.1f} s"),
        (f"sweep, LocalCluster of {r['workers']} (launch to exit)", f"{r['sweep_s']:.1f} s"),
        ("throughput ratio (sequential / sweep)", f"{r['throughput_ratio']:.2f}×"),
        (
            "sweep: setup (store check, cluster start) / runs",
            f"{s['setup_s']:.1f} s / {s['compute_s']:.1f} s",
        ),
        ("steady-state ratio (sequential / runs phase)", f"{r['steady_ratio']:.2f}×"),
        (
            "fixed cost (launch to exit − runs phase: start-up, imports, table, close)",
            f"{r['fixed_s']:.1f} s",
        ),
        (
            f"best ratio possible with that fixed cost (sequential / (sequential/{r['workers']}"
            " + fixed))",
            f"{r['best_ratio']:.2f}×",
        ),
        (
            "CPU per run: sequential / in a worker (its threads included)",
            f"{1e3 * r['cpu_per_run_sequential_s']:.1f} ms / "
            f"{1e3 * r['cpu_per_run_worker_s']:.1f} ms",
        ),
        ("per-task overhead (measured, no-op tasks)", f"{1e3 * s['task_overhead_s']:.1f} ms"),
        ("median run", f"{1e3 * s['run_s_median']:.1f} ms"),
        ("batch size chosen", f"{s['batch_size']} runs per task ({s['n_batches']} tasks)"),
        ("interrupted at", f"{i['runs_at_kill']} runs, {i['killed_after_s']:.1f} s"),
        (
            "resumed",
            f"{i['resume_s']:.1f} s ({i['resume_skipped']} skipped, "
            f"{i['resume_computed']} computed)",
        ),
        ("interrupted + resumed / uninterrupted", f"{r['resumed_over_uninterrupted']:.2f}×"),
        ("finished runs computed twice", f"{i['finished_runs_recomputed']}"),
        (
            "load average before → after (1, 5, 15 min)",
            f"{_load(r['load_before'])} → {_load(r['load_after'])} on {r['cpus']} CPUs",
        ),
    ]
    lines = ["| quantity | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    return "# Sweep benchmark\n\n" + "\n".join(lines) + "\n"


def _load(values) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 runs instead of 1,000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="flows at (5, 10, 2), ~2.6 ms each: the fixed costs dominate (results sweep.tiny.*)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    size = SIZES["tiny" if args.tiny else "default"]
    result = measure(10 if args.quick else 100, args.workers, size)
    result["quick"] = args.quick
    from saddlepath.io import to_json, write_text_atomic

    stem = "sweep" + (".tiny" if args.tiny else "") + (".quick" if args.quick else "")
    args.out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(args.out / f"{stem}.json", to_json(result))
    write_text_atomic(args.out / f"{stem}.md", table(result))
    print(table(result))


if __name__ == "__main__":
    main()
