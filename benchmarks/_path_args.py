"""Command line of :mod:`path` (its options; see ``benchmarks/README.md``)."""

from __future__ import annotations

import argparse
from pathlib import Path

DESCRIPTION = (
    "Benchmark: the exact saddle-to-saddle path against LARS, the floor and a naive baseline."
)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--sizes",
        choices=("small", "all"),
        default="all",
        help="'small': only (100, 1000, 10), a smoke test; 'all': the four sizes",
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="timed runs per method and size (≥ 5 for the reported medians)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("benchmarks/results"),
        help="folder for path.json and path.md",
    )
    p.add_argument(
        "--threads",
        default="1,default",
        help="comma-separated BLAS/OpenMP thread limits, each a full run through "
        "threadpoolctl; 'default' leaves the libraries' own setting (default: 1,default)",
    )
    p.add_argument(
        "--compile-time",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the first-call compile time in fresh processes (empty numba cache, "
        "then cache on disk)",
    )
    p.add_argument(
        "--naive",
        choices=("default", "all", "none"),
        default="default",
        help="sizes for the naive baseline: the two smaller ones, all, or none",
    )
    p.add_argument(
        "--naive-budget",
        type=float,
        default=120.0,
        help="seconds per naive run before it stops and extrapolates",
    )
    p.add_argument("--seed", type=int, default=0, help="data seed")
    args = p.parse_args(argv)
    try:
        args.thread_list = [None if t == "default" else int(t) for t in args.threads.split(",")]
    except ValueError:
        p.error(f"--threads takes integers or 'default', comma-separated; got {args.threads!r}")
    if args.repeats < 1 or any(t is not None and t < 1 for t in args.thread_list):
        p.error("--repeats and --threads must be positive integers")
    return args
