"""Sweeps on Dask against a plain sequential loop, and an interrupted sweep resumed.

    .venv/bin/python benchmarks/sweep.py            # 1,000 flows of ~90 ms: ~22 minutes
    .venv/bin/python benchmarks/sweep.py --tiny     # 1,000 flows of ~2.6 ms: fixed costs
    .venv/bin/python benchmarks/sweep.py --quick    # 100 flows

One run of this benchmark measures, on the same 1,000 gradient flows (10 α × 100 data
seeds, ``make_sparse_regression(150, 600, k=12)``, or ``(5, 10, 2)`` with ``--tiny``, up
to τ = 5 at ``rtol = 1e-6``), for each of the two kinds of store:

- **scalars** (``records = false``): each run keeps its ``run.json`` (config, scalar
  summary, timing) and the results table; the baseline is a plain loop in one process
  that builds the data, calls ``gradient_flow`` and summarises, writing nothing;
- **records** (the default): each run also keeps its result record (a ~10 MB trajectory
  at (150, 600): 10 GB in all); the baseline loop writes the same record files
  (``saddlepath.records.files``, written without fsync as the sweep does);

1. the baseline loop, in a fresh process with the allocator settings the sweep gives its
   workers (``saddlepath.sweep.cluster.ALLOCATOR_ENV``), so that the ratio measures the
   parallel run and not glibc's settings; for the scalars store also with glibc's
   defaults (what a plain script gets: ~10 % slower at this size, measured alone);
2. ``saddlepath sweep`` on a ``LocalCluster`` of ``--workers`` (2) processes, as a
   subprocess from launch to exit (cluster start-up, every run written, the table);
   1. and 2. are repeated ``--repeats`` (3) times, interleaved, and the median ratio is
   reported with every ratio (the loop's time alone varied by 8 % between runs of this
   benchmark on the 2-core machine);
3. the same sweep killed with SIGKILL once half the runs are in the store, then resumed
   (a second ``saddlepath sweep``): total time against 2., and whether a run finished
   before the kill was computed again (its ``run.json`` would change).

Reported per store: the throughput ratio (1. over 2.), the per-task overhead the sweep
measured and the batch size it chose, the sweep's fixed cost (launch to exit less the runs
phase) and the best ratio that fixed cost allows, the CPU time per run in the loop and in
a worker, the resumed total over the uninterrupted time, and the load average of the
machine before and after (the ratio depends on free cores). Since the flow was compiled
(issue 13) a (5, 10) flow takes ~2.6 ms: 1,000 of them are a 2.6 s job, shorter than a
cluster's start-up, so the default workload is flows of ~90 ms (a 90 s job), the size at
which a sweep is worth starting. Results go to ``benchmarks/results/sweep.json`` and
``sweep.md`` (``sweep.tiny.*``, ``sweep.quick.*``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALPHAS = ["1e-3", "1e-5", "1e-8", "1e-10", "1e-15", "1e-20", "1e-30", "1e-50", "1e-100", "1e-200"]


SIZES = {"default": (150, 600, 12), "tiny": (5, 10, 2)}


STORES = {"scalars": False, "records": True}  # store kind → records = ...


def config_text(
    n_seeds: int, size: tuple[int, int, int] = SIZES["default"], records: bool = True
) -> str:
    alphas = ", ".join(f'"{a}"' for a in ALPHAS)
    n, d, k = size
    return (
        f'task = "flow"\nrecords = {str(records).lower()}\n'
        f'[data]\nkind = "sparse"\nn = {n}\nd = {d}\nk = {k}\n'
        "[params]\ntau_max = 5.0\nrtol = 1e-6\n"
        f"[grid]\nalpha = [{alphas}]\nseed = {list(range(n_seeds))}\n"
    )


def sequential(config, out: Path | None = None) -> tuple[float, float]:
    """The baseline: every run in a plain loop, in this process (wall and CPU seconds).

    With ``out``, each result's record files are written there as the sweep writes them
    (the same bytes, no fsync); without, nothing is written.
    """
    from saddlepath.records import files
    from saddlepath.sweep.tasks import run_task

    start, cpu = time.perf_counter(), time.process_time()
    for run in config.run_configs():
        result, _ = run_task(run)
        if out is not None:
            for name, data in files(result, run["key"]).items():
                (out / name).write_bytes(data)
    return time.perf_counter() - start, time.process_time() - cpu


def baseline(toml: Path, out: Path | None, env: dict[str, str]) -> tuple[float, float]:
    """:func:`sequential` in a fresh process with ``env`` added (glibc reads its allocator
    settings at start-up): wall and CPU seconds of the loop, imports excluded."""
    command = [sys.executable, __file__, "--baseline", str(toml)]
    command += ["--write", str(out)] if out is not None else []
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ | env)
    times = json.loads(done.stdout.splitlines()[-1])
    return times["wall_s"], times["cpu_s"]


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


def _n_run_folders(out: Path) -> int:
    """Finished runs (renamed into place, so complete), counted without reading them."""
    try:
        with os.scandir(out / "runs") as entries:
            return sum(not e.name.startswith(".") for e in entries)
    except FileNotFoundError:
        return 0


def interrupted(toml: Path, out: Path, workers: int, n_runs: int) -> dict:
    """Kill the driver (and its cluster) at half the runs, then resume; times and checks."""
    start = time.perf_counter()
    driver = subprocess.Popen(
        _command(toml, out, workers),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while _n_run_folders(out) < n_runs // 2:  # a cheap count: this loop shares the CPUs
        if driver.poll() is not None:
            raise RuntimeError("the sweep ended before it could be interrupted")
        time.sleep(0.05)
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


def measure(n_seeds: int, workers: int, size: tuple[int, int, int], repeats: int) -> dict:
    """Both kinds of store, one after the other (see the module docstring)."""
    return {
        "n_runs": 10 * n_seeds,
        "size": list(size),
        "workers": workers,
        "repeats": repeats,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "stores": {
            kind: _measure_store(n_seeds, workers, size, rec, repeats)
            for kind, rec in STORES.items()
        },
    }


def _pair(toml: Path, tmp: Path, workers: int, records: bool, i: int) -> dict:
    """The baseline loop then the sweep, once; their files are deleted after (10 GB each
    with records)."""
    from saddlepath.sweep.cluster import ALLOCATOR_ENV

    loop_out = tmp / f"loop{i}" if records else None
    if loop_out is not None:
        loop_out.mkdir()
    seq_s, seq_cpu = baseline(toml, loop_out, ALLOCATOR_ENV)
    if loop_out is not None:
        shutil.rmtree(loop_out)
    default_s = None if records else baseline(toml, None, {})[0]
    sweep_s, summary = sweep(toml, tmp / f"sweep{i}", workers)
    shutil.rmtree(tmp / f"sweep{i}")
    return {"sequential_s": seq_s, "sequential_cpu_s": seq_cpu, "sweep_s": sweep_s} | {
        "summary": summary,
        "sequential_default_s": default_s,
    }


def _measure_store(
    n_seeds: int, workers: int, size: tuple[int, int, int], records: bool, repeats: int
) -> dict:
    """``repeats`` pairs (loop, sweep), interleaved so that a slow spell of the machine hits
    both; the pair of median ratio is reported, with every ratio. Then one interrupted and
    resumed sweep, against the median uninterrupted time."""
    from saddlepath.sweep import load_config

    text = config_text(n_seeds, size, records)
    config = load_config(tomllib.loads(text))
    n_runs = len(config.run_configs())
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        toml = Path(tmp) / "sweep.toml"
        toml.write_text(text)
        pairs = [_pair(toml, Path(tmp), workers, records, i) for i in range(repeats)]
        resumed = interrupted(toml, Path(tmp) / "cut", workers, n_runs)
    ratios = [p["sequential_s"] / p["sweep_s"] for p in pairs]
    mid = pairs[sorted(range(repeats), key=ratios.__getitem__)[repeats // 2]]
    seq_s, sweep_s, summary = mid["sequential_s"], mid["sweep_s"], mid["summary"]
    median_sweep_s = statistics.median(p["sweep_s"] for p in pairs)
    default_ratios = [p["sequential_default_s"] / p["sweep_s"] for p in pairs if not records]
    fixed_s = sweep_s - summary["stats"]["compute_s"]
    return {
        "records": records,
        "ratios": ratios,
        "sequential_times_s": [p["sequential_s"] for p in pairs],
        "sweep_times_s": [p["sweep_s"] for p in pairs],
        "sequential_glibc_default_times_s": [p["sequential_default_s"] for p in pairs],
        "ratios_to_glibc_default": default_ratios,
        "ratio_to_glibc_default": statistics.median(default_ratios) if default_ratios else None,
        "fixed_s": fixed_s,
        "best_ratio": seq_s / (seq_s / workers + fixed_s),
        "sequential_s": seq_s,
        "sweep_s": sweep_s,
        "throughput_ratio": statistics.median(ratios),
        "steady_ratio": seq_s / summary["stats"]["compute_s"],
        "cpu_per_run_sequential_s": mid["sequential_cpu_s"] / n_runs,
        "cpu_per_run_worker_s": summary["stats"]["cpu_s"] / n_runs,
        "sweep_stats": summary["stats"],
        "sweep_inner_s": summary["wall_s"],
        "n_done": summary["n_done"],
        "interrupted": resumed,
        "median_sweep_s": median_sweep_s,
        "resumed_over_uninterrupted": resumed["total_s"] / median_sweep_s,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


_BASELINE = {
    False: "sequential loop in one process, nothing written",
    True: "sequential loop in one process, writing the same record files",
}


def _cells(w: int) -> list[tuple[str, object]]:
    """The table's rows: a label and how to read each store's cell."""

    def stats(x: dict) -> dict:
        return x["sweep_stats"]

    def cut(x: dict) -> dict:
        return x["interrupted"]

    return [
        ("records written per run", lambda x: _WRITTEN[x["records"]]),
        ("baseline", lambda x: _BASELINE[x["records"]]),
        (
            "**throughput ratio (baseline / sweep), median of the repeats**",
            lambda x: f"**{x['throughput_ratio']:.2f}×**",
        ),
        ("each repeat's ratio", lambda x: ", ".join(f"{r:.2f}×" for r in x["ratios"])),
        (
            "each repeat: baseline / sweep time",
            lambda x: ", ".join(
                f"{a:.1f} / {b:.1f} s"
                for a, b in zip(x["sequential_times_s"], x["sweep_times_s"], strict=True)
            ),
        ),
        (
            "the median repeat: baseline time (the workers' allocator settings)",
            lambda x: f"{x['sequential_s']:.1f} s",
        ),
        (
            f"the median repeat: sweep, LocalCluster of {w} (launch to exit)",
            lambda x: f"{x['sweep_s']:.1f} s",
        ),
        (
            "sweep: setup (store check, cluster start) / runs phase",
            lambda x: f"{stats(x)['setup_s']:.1f} s / {stats(x)['compute_s']:.1f} s",
        ),
        (
            "baseline with glibc's default allocator: each repeat's time and ratio (median)",
            lambda x: (
                "—"
                if x["ratio_to_glibc_default"] is None
                else ", ".join(
                    f"{a:.1f} s {r:.2f}×"
                    for a, r in zip(
                        x["sequential_glibc_default_times_s"],
                        x["ratios_to_glibc_default"],
                        strict=True,
                    )
                )
                + f" (**{x['ratio_to_glibc_default']:.2f}×**)"
            ),
        ),
        ("steady-state ratio (baseline / runs phase)", lambda x: f"{x['steady_ratio']:.2f}×"),
        ("fixed cost (launch to exit − runs phase)", lambda x: f"{x['fixed_s']:.1f} s"),
        (
            f"best ratio that fixed cost allows (baseline / (baseline/{w} + fixed))",
            lambda x: f"{x['best_ratio']:.2f}×",
        ),
        (
            "CPU per run: baseline / in a worker (its threads included)",
            lambda x: (
                f"{1e3 * x['cpu_per_run_sequential_s']:.1f} ms / "
                f"{1e3 * x['cpu_per_run_worker_s']:.1f} ms"
            ),
        ),
        (
            "per-task overhead (measured, no-op tasks)",
            lambda x: f"{1e3 * stats(x)['task_overhead_s']:.1f} ms",
        ),
        ("median run (in a worker)", lambda x: f"{1e3 * stats(x)['run_s_median']:.1f} ms"),
        (
            "batch size chosen",
            lambda x: f"{stats(x)['batch_size']} runs per task ({stats(x)['n_batches']} tasks)",
        ),
        (
            "interrupted at",
            lambda x: f"{cut(x)['runs_at_kill']} runs, {cut(x)['killed_after_s']:.1f} s",
        ),
        (
            "resumed",
            lambda x: (
                f"{cut(x)['resume_s']:.1f} s ({cut(x)['resume_skipped']} skipped, "
                f"{cut(x)['resume_computed']} computed)"
            ),
        ),
        (
            "**interrupted + resumed / uninterrupted (median)**",
            lambda x: f"**{x['resumed_over_uninterrupted']:.2f}×**",
        ),
        ("finished runs computed twice", lambda x: f"{cut(x)['finished_runs_recomputed']}"),
        (
            "load average before → after (1, 5, 15 min)",
            lambda x: f"{_load(x['load_before'])} → {_load(x['load_after'])}",
        ),
    ]


_WRITTEN = {False: "run.json only", True: "result record + run.json"}
_BASELINE = {
    False: "sequential loop in one process, nothing written",
    True: "sequential loop in one process, writing the same record files",
}


def table(r: dict) -> str:
    kinds = list(r["stores"])
    stores = [r["stores"][k] for k in kinds]
    lines = [
        "| quantity | " + " | ".join(f"store: {k}" for k in kinds) + " |",
        "|---|" + "---|" * len(kinds),
    ]
    for label, cell in _cells(r["workers"]):
        lines.append(f"| {label} | " + " | ".join(cell(x) for x in stores) + " |")
    n, d, k = r["size"]
    head = (
        f"# Sweep benchmark\n\n{r['n_runs']} gradient flows of make_sparse_regression"
        f"({n}, {d}, k={k}), 10 α × {r['n_runs'] // 10} seeds, on {r['cpus']} CPUs "
        f"(Python {r['python']}).\n\n"
    )
    return head + "\n".join(lines) + "\n"


def _load(values) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 runs instead of 1,000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="pairs (loop, sweep) per store")
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="flows at (5, 10, 2), ~2.6 ms each: the fixed costs dominate (results sweep.tiny.*)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--baseline", type=Path, help=argparse.SUPPRESS)  # a sweep TOML
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline is not None:  # the loop, in the process benchmark() started
        from saddlepath.sweep import load_config

        wall_s, cpu_s = sequential(load_config(args.baseline), args.write)
        print(json.dumps({"wall_s": wall_s, "cpu_s": cpu_s}))
        return
    size = SIZES["tiny" if args.tiny else "default"]
    result = measure(10 if args.quick else 100, args.workers, size, args.repeats)
    result["quick"] = args.quick
    from saddlepath.io import to_json, write_text_atomic

    stem = "sweep" + (".tiny" if args.tiny else "") + (".quick" if args.quick else "")
    args.out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(args.out / f"{stem}.json", to_json(result))
    write_text_atomic(args.out / f"{stem}.md", table(result))
    print(table(result))


if __name__ == "__main__":
    main()
