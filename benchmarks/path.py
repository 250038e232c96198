r"""Benchmark: the exact saddle-to-saddle path against LARS and a naive baseline.

One command (run from the repository root)::

    .venv/bin/python benchmarks/path.py [--sizes small|all] [--repeats 3] [--threads N]
                                        [--out benchmarks/results]

On the same seeded data (Gaussian ``X`` with rows ``N(0, I)``, a ``k``-sparse ``β*`` with
``N(0, 1)`` non-zeros, noiseless ``y = Xβ*``) it times, side by side and interleaved:

* ``saddlepath.saddle_path`` with ``precision="auto"`` (the default) and ``"float64"``;
* scikit-learn ``lars_path(method="lasso")``, the closest peer (incremental Cholesky, about
  one pass over ``X`` per breakpoint), with ``max_iter`` raised so it reaches the end;
* a naive Algorithm 1 written here: every saddle is recomputed from scratch with
  ``scipy.optimize.nnls`` on the signed boundary columns, one full pass per jump. It runs
  on the two smaller sizes by default, under a per-run time budget.

It reports median and minimum wall time, jumps, passes over ``X``, the peak memory that
``tracemalloc`` sees during the call (a separate run) as a multiple of ``X``'s size, the
agreement checks (same final interpolator, ``τ₁ = 1/alphas[0]``) and PASS/MISS against
the targets of issue 2. Results go to ``<out>/path.json`` (raw) and ``<out>/path.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from contextlib import nullcontext, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.optimize import nnls
from sklearn.linear_model import lars_path

import saddlepath

# (n_samples, n_features, n_nonzero, run the naive baseline by default)
SIZES = [
    (100, 1000, 10, True),
    (500, 5000, 50, True),
    (1000, 20000, 100, False),
    (500, 5000, 150, False),
]
NAIVE_TARGET_SIZE = (500, 5000, 50)
TARGET_LARS_RATIO, AIM_LARS_RATIO, TARGET_NAIVE_SPEEDUP, TARGET_MEMORY = 0.8, 0.5, 50.0, 2.0
LARS_MAX_ITER_PER_SAMPLE = 20  # lars_path's default max_iter=500 stops early at (500, 5000, 150)
AGREE_RTOL = 1e-8  # final coefficients / first jump time agree to this, relative to scale


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


# --------------------------------------------------------------------------- naive baseline
@dataclass
class NaiveResult:
    tau: list[float]
    coef: np.ndarray
    n_passes: int
    status: str  # "converged", "budget", "stagnated" or "jump_limit"


def naive_path(X, y, *, budget: float, grad_tol: float = 1e-9, tie_tol: float = 1e-9):
    """Algorithm 1 with every saddle solved from scratch by ``scipy.optimize.nnls``.

    The dual is accumulated, ``s ← s − Δ·g``, with one full pass ``g = Xᵀr/n`` per jump.
    A gradient entry counts as zero when ``|g_i| ≤ grad_tol·‖x_i‖·‖y‖/n`` (saddlepath's
    rule). Stops with status ``"budget"`` once ``budget`` seconds have passed.
    """
    start = time.perf_counter()
    n, d = X.shape
    norms = np.sqrt(np.einsum("ij,ij->j", X, X))  # no n×d temporary, unlike linalg.norm
    tol = grad_tol * norms * np.linalg.norm(y) / n
    s, sigma, coef = np.zeros(d), np.zeros(d), np.zeros(d)
    r, loss, t, tau, passes = -y, float(y @ y) / (2 * n), 0.0, [0.0], 1
    for _ in range(20 * min(n, d) + 100):
        g = X.T @ r / n
        passes += 1
        moving = np.abs(g) > tol
        if not moving.any():
            return NaiveResult(tau, coef, passes, "converged")
        if time.perf_counter() - start > budget:
            return NaiveResult(tau, coef, passes, "budget")
        sigma[moving & (sigma * g > 0)] = 0.0  # pushed inward: leaves the boundary
        free = np.flatnonzero(moving & (sigma == 0))
        hit = (1.0 + np.sign(g[free]) * s[free]) / np.abs(g[free])
        step = hit.min()
        entering = free[hit <= step * (1.0 + tie_tol)]
        t += step
        s -= step * g
        sigma[entering] = -np.sign(g[entering])
        boundary = np.flatnonzero(sigma)
        s[boundary] = sigma[boundary]
        w, _ = nnls(X[:, boundary] * sigma[boundary], y)
        coef = np.zeros(d)
        coef[boundary] = sigma[boundary] * w
        r = X[:, boundary] @ coef[boundary] - y
        new_loss = float(r @ r) / (2 * n)
        if not new_loss < loss:
            return NaiveResult(tau, coef, passes, "stagnated")
        loss = new_loss
        tau.append(t)
    return NaiveResult(tau, coef, passes, "jump_limit")


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
    rec = {
        "n": n,
        "d": d,
        "k": k,
        "X_bytes": int(X.nbytes),
        "load_before": os.getloadavg(),
        "methods": {},
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
        print(
            f"  repeat {rep + 1}/{args.repeats}: "
            + ", ".join(
                f"{m.name} {fmt_time(rec['methods'][m.name]['times'][-1])}" for m in methods
            )
        )
    for m in methods:
        rec["methods"][m.name]["peak_bytes"] = peak_memory(m, X, y)
    summarise(rec, outcomes, beta_star)
    rec["load_after"] = os.getloadavg()
    return rec


# --------------------------------------------------------------------------- summaries
def summarise(rec: dict, outcomes: dict[str, Outcome], beta_star: np.ndarray) -> None:
    """Add medians, outcomes, extrapolations and agreement checks to ``rec`` in place."""
    for name, mrec in rec["methods"].items():
        o = outcomes[name]
        t = np.array(mrec["times"])
        mrec.update(
            median=float(np.median(t)),
            min=float(t.min()),
            n_jumps=o.n_jumps,
            n_passes=o.n_passes,
            status=o.status,
            first_jump=o.first_jump,
            peak_over_X=mrec["peak_bytes"] / rec["X_bytes"],
            **o.extra,
        )
    sp = outcomes["saddlepath[auto]"]
    naive = rec["methods"].get("naive-nnls")
    if naive and naive["over_budget"]:
        done = max(naive["n_jumps"], 1)
        naive["extrapolated"] = naive["median"] * max(sp.n_jumps, done) / done
    scale = max(float(np.abs(sp.coef).max()), np.finfo(float).tiny)
    checks = {
        "max_abs_beta_star": float(np.abs(beta_star).max()),
        "sp_vs_beta_star": float(np.abs(sp.coef - beta_star).max()),
    }
    for name, o in outcomes.items():
        if name != "saddlepath[auto]" and o.status != "budget":  # a cut-off run has no end
            diff = float(np.abs(o.coef - sp.coef).max())
            checks[f"final_coef_diff[{name}]"] = diff
            checks[f"final_coef_agree[{name}]"] = diff <= AGREE_RTOL * scale
            if name != "lars_path[lasso]":  # the lasso path is another path: only the ends
                checks[f"same_jumps[{name}]"] = o.n_jumps == sp.n_jumps  # must agree
    lars = outcomes["lars_path[lasso]"]
    checks["tau1_saddlepath"] = sp.first_jump
    checks["tau1_lars_1_over_alpha0"] = lars.first_jump
    checks["tau1_rel_diff"] = abs(sp.first_jump - lars.first_jump) / sp.first_jump
    checks["tau1_agree"] = checks["tau1_rel_diff"] <= AGREE_RTOL
    checks["lars_max_iter"] = lars.extra["max_iter"]
    checks["lars_reached_end"] = lars.status == "reached_end"
    rec["checks"] = checks
    rec["targets"] = targets(rec)


def targets(rec: dict) -> dict:
    m = rec["methods"]
    sp = m["saddlepath[auto]"]
    ratio = sp["median"] / m["lars_path[lasso]"]["median"]
    out = {
        "sp_over_lars": ratio,
        "time_vs_lars": "PASS" if ratio <= TARGET_LARS_RATIO else "MISS",
        "aim_vs_lars": "PASS" if ratio <= AIM_LARS_RATIO else "MISS",
        "memory": "PASS" if sp["peak_over_X"] <= TARGET_MEMORY else "MISS",
    }
    if "naive-nnls" in m:
        naive = m["naive-nnls"]
        speedup = naive.get("extrapolated", naive["median"]) / sp["median"]
        out["naive_over_sp"] = speedup
        out["naive_over_sp_is_lower_bound"] = bool(naive["over_budget"])
        if (rec["n"], rec["d"], rec["k"]) == NAIVE_TARGET_SIZE:
            out["speedup_vs_naive"] = "PASS" if speedup >= TARGET_NAIVE_SPEEDUP else "MISS"
    return out


NOTES = """\
Notes. Time: wall clock (`time.perf_counter`) of the call alone; median and min over the runs;
methods interleaved on the same data, order rotated every repeat, after one untimed warm-up
each (none for the naive baseline). Passes over X: saddlepath's own `n_passes`; lars_path
counted as n_iter + 1 (about one product with X per iteration, plus Xᵀy); naive: one Xᵀr per
jump, plus the column norms and the final gradient. Peak memory: `tracemalloc` peak during a
separate call, above what was live before it, ÷ `X.nbytes`; it sees NumPy's allocations, not
BLAS's internal buffers. lars_path copies X (`copy_X=True`) and preallocates a
(min(max_iter, d) + 1) × d coefficient array with `np.zeros`; tracemalloc counts all of it,
although untouched zero pages cost no resident memory. A naive run over its budget is shown as
"> budget", extrapolated as elapsed × (saddlepath's jumps) / (jumps completed).
"""


def fmt_time(t: float) -> str:
    return f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


def table(results: list[dict], budget: float) -> str:
    """Markdown: one row per (size, method), then checks and targets per size."""
    lines = [
        "| (n, d, k) | method | median | min | runs | jumps | passes | peak mem (× X) "
        "| time ÷ saddlepath[auto] |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for rec in results:
        ref = rec["methods"]["saddlepath[auto]"]["median"]
        for name, m in rec["methods"].items():
            med = fmt_time(m["median"])
            if m.get("over_budget"):
                med = f"> {fmt_time(budget)} (≈ {fmt_time(m['extrapolated'])} extrapolated)"
            jumps = f"{m['n_jumps']}" + (" (budget hit)" if m.get("over_budget") else "")
            lines.append(
                f"| ({rec['n']}, {rec['d']}, {rec['k']}) | {name} | {med} | {fmt_time(m['min'])} "
                f"| {len(m['times'])} | {jumps} | {m['n_passes']} | {m['peak_over_X']:.2f} "
                f"| {m.get('extrapolated', m['median']) / ref:.2f}× |"
            )
    lines += [
        "",
        "| (n, d, k) | saddlepath/lars | ≤ 0.8× lars | aim ≤ 0.5× | naive/saddlepath "
        "| ≥ 50× naive | mem ≤ 2× X | final coef Δ vs lars | τ₁ rel. Δ | lars n_iter "
        "| all agree |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rec in results:
        t, c = rec["targets"], rec["checks"]
        naive = (
            "—"
            if "naive_over_sp" not in t
            else ((">" if t["naive_over_sp_is_lower_bound"] else "") + f"{t['naive_over_sp']:.1f}×")
        )
        lars = rec["methods"]["lars_path[lasso]"]
        off = [
            key.split("[", 1)[1][:-1]
            for key, ok in c.items()
            if key.startswith(("final_coef_agree[", "same_jumps[")) and not ok
        ]
        agree = "yes" if not off and c["tau1_agree"] else "NO: " + ", ".join(off or ["τ₁"])
        lines.append(
            f"| ({rec['n']}, {rec['d']}, {rec['k']}) | {t['sp_over_lars']:.2f}× "
            f"| {t['time_vs_lars']} | {t['aim_vs_lars']} | {naive} "
            f"| {t.get('speedup_vs_naive', 'n/a')} | {t['memory']} "
            f"| {c['final_coef_diff[lars_path[lasso]]']:.1e} | {c['tau1_rel_diff']:.1e} "
            f"| {lars['n_iter']} (max_iter {c['lars_max_iter']}) | {agree} |"
        )
    return "\n".join(lines) + "\n\n" + NOTES


# --------------------------------------------------------------------------- environment
def machine_info(threads: int | None) -> dict:
    info = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version,
        "platform": platform.platform(),
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "threads_requested": threads,
        "versions": {
            "saddlepath": saddlepath.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "env": {
            v: os.environ.get(v)
            for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
        },
    }
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = threadpool_info()
    except ImportError:
        info["threadpools"] = None
    try:
        info["numpy_config"] = np.show_config(mode="dicts")
    except TypeError:  # NumPy < 1.26 only prints
        buf = io.StringIO()
        with redirect_stdout(buf):
            np.show_config()
        info["numpy_config"] = buf.getvalue()
    info["git"] = {
        "commit": _git(["rev-parse", "HEAD"]),
        "dirty": bool(_git(["status", "--porcelain"])),
    }
    return info


def _git(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(
            ["git", *cmd],
            capture_output=True,
            text=True,
            timeout=10,
            cwd=Path(__file__).resolve().parent,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def thread_limit(threads: int | None):
    if threads is None:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        print(
            "threadpoolctl is not installed: --threads is ignored; set "
            "OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS before starting."
        )
        return nullcontext()
    return threadpool_limits(limits=threads)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path``, then ``os.replace`` it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- command line
def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
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
        default=3,
        help="timed runs per method and size (≥ 3 for a meaningful median)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("benchmarks/results"),
        help="folder for path.json and path.md",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="BLAS/OpenMP threads, set through threadpoolctl (default: leave as is)",
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
    if args.repeats < 1 or (args.threads is not None and args.threads < 1):
        p.error("--repeats and --threads must be positive integers")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    sizes = SIZES[:1] if args.sizes == "small" else SIZES
    if args.repeats < 3:
        print(f"note: --repeats {args.repeats} < 3; medians are not meaningful (smoke test).")
    results = []
    with thread_limit(args.threads):
        info = machine_info(args.threads)
        for n, d, k, naive_default in sizes:
            methods = [_saddlepath("auto"), _saddlepath("float64"), _lars()]
            if args.naive == "all" or (args.naive == "default" and naive_default):
                methods.append(_naive(args.naive_budget))
            print(f"(n, d, k) = ({n}, {d}, {k}): {', '.join(m.name for m in methods)}")
            results.append(bench_size((n, d, k), methods, args))
            save_json(args, info, results, complete=len(results) == len(sizes))
    md = table(results, args.naive_budget)
    header = (
        f"# saddlepath benchmark: exact path\n\n{info['date']} · {info['platform']} · "
        f"{info['cpus_usable']} CPUs · threads {args.threads or 'default'} · "
        f"repeats {args.repeats} · numpy {np.__version__} · scipy {scipy.__version__} "
        f"· scikit-learn {sklearn.__version__}\n\n"
    )
    write_atomic(args.out / "path.md", header + md)
    print()
    print(md)
    print(f"saved {args.out / 'path.json'} and {args.out / 'path.md'}")
    return 0


def save_json(args, info: dict, results: list[dict], *, complete: bool) -> None:
    """Raw results so far (rewritten after every size, so a crash loses at most one size)."""
    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    payload = {
        "benchmark": "path",
        "complete": complete,
        "config": config,
        "machine": info,
        "results": results,
    }
    write_atomic(args.out / "path.json", json.dumps(payload, indent=2, default=_jsonable))


def _jsonable(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


if __name__ == "__main__":
    sys.exit(main())
