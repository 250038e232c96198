"""The floor of :mod:`path` (one pass over ``X`` per jump, float64 and float32) and the
first-call compile time of saddlepath's compiled path kernels."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import saddlepath

PASS_CALLS = 20  # passes per timed sample (one pass can be ~10 µs: too short to time alone)
TARGET_PER_JUMP_OVER_PASS, TARGET_OVER_FLOOR32 = 2.0, 1.2


def pass_operands(X: np.ndarray, seed: int) -> dict:
    """A residual-like vector and float32 copies, made once per size (not timed)."""
    r = np.random.default_rng(seed).standard_normal(X.shape[0])
    return {"X": X, "r": r, "X32": X.astype(np.float32), "r32": r.astype(np.float32)}


def time_passes(ops: dict) -> tuple[float, float]:
    """Seconds per pass ``g = Xᵀr`` in float64 and in float32 (mean of ``PASS_CALLS``)."""
    out = []
    for X, r in ((ops["X"], ops["r"]), (ops["X32"], ops["r32"])):
        g = np.empty(X.shape[1], dtype=X.dtype)
        t0 = time.perf_counter()
        for _ in range(PASS_CALLS):
            np.matmul(r, X, out=g)
        out.append((time.perf_counter() - t0) / PASS_CALLS)
    return out[0], out[1]


def time_one_jump(X, y) -> float:
    """Seconds for ``saddle_path`` stopped after its first jump (set-up, two scans, one
    solve, the result): with the full path's time it separates fixed and per-jump cost."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        saddlepath.saddle_path(X, y, max_jumps=1)
        return time.perf_counter() - t0


def floor_summary(rec: dict) -> None:
    """Per-jump cost against one pass, and the path against ``jumps × pass`` (in place).

    Per jump = (full path − path stopped after one jump) / (jumps − 1): the marginal cost
    of a jump; fixed = the one-jump path minus one such jump.
    """
    sp = rec["methods"]["saddlepath[auto]"]
    p64, p32 = float(np.median(rec["floor"]["pass64"])), float(np.median(rec["floor"]["pass32"]))
    jumps = max(sp["n_jumps"], 1)
    one = float(np.median(rec["floor"]["one_jump"]))
    per_jump = (sp["median"] - one) / max(jumps - 1, 1)
    small = (rec["n"], rec["d"], rec["k"]) == (100, 1000, 10)
    rec["floor"].update(
        one_jump_median=one,
        fixed=one - per_jump,
        pass64_median=p64,
        pass32_median=p32,
        per_jump=per_jump,
        per_jump_over_pass64=per_jump / p64,
        per_jump_over_pass32=per_jump / p32,
        over_floor64=sp["median"] / (jumps * p64),
        over_floor32=sp["median"] / (jumps * p32),
    )
    if small:  # the pass the default precision uses there is float64
        ok = per_jump / p64 <= TARGET_PER_JUMP_OVER_PASS
        rec["targets"]["per_jump_vs_pass"] = "PASS" if ok else "MISS"
    else:
        ok = sp["median"] / (jumps * p32) <= TARGET_OVER_FLOOR32
        rec["targets"]["vs_float32_floor"] = "PASS" if ok else "MISS"


_FIRST_CALL = """
import time
t0 = time.perf_counter()
import numpy as np
import saddlepath
t1 = time.perf_counter()
rng = np.random.default_rng(0)
X = rng.standard_normal((20, 60))
y = X[:, :3] @ np.array([1.0, -2.0, 0.5])
for precision in ("float64", "mixed"):
    saddlepath.saddle_path(X, y, precision=precision)
t2 = time.perf_counter()
saddlepath.saddle_path(X, y, precision="float64")
saddlepath.saddle_path(X, y, precision="mixed")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def compile_times(repeats: int = 3) -> dict:
    """Import time and the first calls (both precisions) in fresh processes: with an empty
    numba cache (``NUMBA_CACHE_DIR`` a new empty folder), then with that cache on disk."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    out: dict[str, list] = {"empty_cache": [], "cache_on_disk": []}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
            for key in ("empty_cache", "cache_on_disk"):
                res = subprocess.run(
                    [sys.executable, "-c", _FIRST_CALL],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=600,
                )
                imp, first, again = (float(v) for v in res.stdout.split())
                out[key].append({"import": imp, "first_calls": first, "next_calls": again})
    summary = {}
    for key, runs in out.items():
        summary[key] = {f: float(np.median([r[f] for r in runs])) for f in runs[0]}
    return {"runs": out, "median": summary}


def compile_table(info: dict) -> str:
    m = info["median"]
    rows = [
        "| numba cache | import saddlepath | first saddle_path calls (float64 + mixed) "
        "| the same calls again |",
        "|---|---|---|---|",
    ]
    for key, label in (("empty_cache", "empty"), ("cache_on_disk", "on disk")):
        rows.append(
            f"| {label} | {m[key]['import']:.2f} s | {m[key]['first_calls']:.2f} s "
            f"| {m[key]['next_calls'] * 1e3:.1f} ms |"
        )
    return "\n".join(rows) + "\n"
