r"""Fuzz the exact path: seeded instances over every degeneracy class, judged independently.

One command (from the repository root)::

    .venv/bin/python benchmarks/fuzz_path.py [--n 10000] [--seed 0] [--budget 3600]
                                             [--out benchmarks/results] [--no-certificate]
                                             [--resume benchmarks/results/fuzz_path.json]

Instance ``i`` belongs to class ``CLASSES[i % 8]`` and is drawn from
``numpy.random.default_rng([seed, i])``, so any instance can be replayed alone
(``--replay i``). Shapes are ``n ∈ [2, 40]``, ``d ∈ [2, 60]``, half with ``n < d`` and half
with ``n > d``. Each run is classified:

* **PASS** — the status claims success (``MIN_L1_INTERPOLATOR``, ``LEAST_SQUARES``) and the
  independent judge of :mod:`_fuzz_judge` agrees (least-squares loss, KKT of every saddle,
  duals in ``[−1, 1]``, minimum ℓ1 by an LP or the dual certificate);
* **HONEST** — any other status (``STAGNATED``, ``NON_UNIQUE``, ``JUMP_LIMIT``) *with* a
  saddlepath warning;
* **WRONG** — success claimed and the judge disagrees, a non-success status without a
  warning, or an exception.

``SaddlePath.check()`` runs as a second opinion (unless ``--no-certificate``); its
agreement with the judge is tabulated, which measures its false alarms and misses.
Results: ``<out>/fuzz_path.json`` (counts, every non-PASS run) and ``<out>/fuzz_path.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import saddlepath
from _fuzz_judge import judge
from _fuzz_report import CLASSES, add_summaries, summarise, write_markdown
from saddlepath.warnings import PathRangeWarning, SaddlepathWarning

_SUCCESS = ("MIN_L1_INTERPOLATOR", "LEAST_SQUARES")


# ----------------------------------------------------------------- instance generators


def _shape(rng) -> tuple[int, int]:
    if rng.random() < 0.5:  # wide: n < d
        d = int(rng.integers(3, 61))
        return int(rng.integers(2, min(d, 40 + 1))), d
    n = int(rng.integers(3, 41))  # tall: n > d
    return n, int(rng.integers(2, n))


def _target(rng, X) -> np.ndarray:
    n, d = X.shape
    kind = rng.integers(3)
    if kind == 0:
        return rng.standard_normal(n) * np.linalg.norm(X) / np.sqrt(X.size)
    beta = np.zeros(d)
    k = int(rng.integers(1, max(2, min(n, d) // 2 + 1)))
    beta[rng.choice(d, size=k, replace=False)] = rng.standard_normal(k)
    noise = 0.0 if kind == 1 else 1e-3 * np.linalg.norm(X @ beta) / np.sqrt(n)
    return X @ beta + noise * rng.standard_normal(n)


def _column_scales(rng, X):
    span = rng.choice([4.0, 6.0, 8.0])
    return X * 10.0 ** rng.uniform(-span, span, size=X.shape[1])


def _near_collinear(rng, X):
    X = X.copy()
    d = X.shape[1]
    for _ in range(int(rng.integers(1, max(2, d // 3)))):
        i, j = rng.choice(d, size=2, replace=False)
        eps = 10.0 ** rng.uniform(-12, -7)
        X[:, j] = rng.choice([-1.0, 1.0]) * X[:, i] + eps * rng.standard_normal(X.shape[0])
    return X


def _duplicates(rng, X):
    X = X.copy()
    d = X.shape[1]
    for _ in range(int(rng.integers(1, max(2, d // 3)))):
        i, j = rng.choice(d, size=2, replace=False)
        X[:, j] = rng.choice([-1.0, 1.0]) * X[:, i]
    return X


def _rank_deficient(rng, X):
    n, d = X.shape
    r = int(rng.integers(1, max(2, min(n, d))))
    return rng.standard_normal((n, r)) @ rng.standard_normal((r, d))


def _global_scale(rng, X, y):
    while True:  # keep the answer representable: β·10^(b−a) and τ·10^−(a+b)
        a, b = rng.uniform(-250, 250, size=2)
        if abs(a - b) <= 250 and abs(a + b) <= 250 and max(abs(a), abs(b)) >= 100:
            return X * 10.0**a, y * 10.0**b


def make_instance(index: int, seed: int = 0) -> tuple[str, np.ndarray, np.ndarray]:
    """Instance ``index`` of the stream ``seed``: ``(class, X, y)``."""
    cls = CLASSES[index % len(CLASSES)]
    rng = np.random.default_rng([seed, index])
    n, d = _shape(rng)
    X = rng.standard_normal((n, d))
    if cls == "integer_ties":
        X = rng.integers(-3, 4, size=(n, d)).astype(float)
        return cls, X, rng.integers(-3, 4, size=n).astype(float)
    if cls == "column_scales":
        X = _column_scales(rng, X)
    elif cls == "near_collinear":
        X = _near_collinear(rng, X)
    elif cls == "duplicates":
        X = _duplicates(rng, X)
    elif cls == "rank_deficient":
        X = _rank_deficient(rng, X)
    elif cls == "mixed":
        for step in (_near_collinear, _duplicates, _column_scales):
            if rng.random() < 0.6:
                X = step(rng, X)
    y = _target(rng, X)
    if cls == "global_scale" or (cls == "mixed" and rng.random() < 0.4):
        X, y = _global_scale(rng, X, y)
    return cls, X, y


# ------------------------------------------------------------------------- one run


def run_instance(index: int, seed: int = 0, *, certificate: bool = True) -> dict:
    """Solve, classify (PASS / HONEST / WRONG) and, optionally, certify one instance."""
    cls, X, y = make_instance(index, seed)
    rec = {"index": index, "class": cls, "n": X.shape[0], "d": X.shape[1]}
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            path = saddlepath.saddle_path(X, y)
        except Exception as exc:
            rec.update(status="EXCEPTION", verdict="WRONG", reason=f"{type(exc).__name__}: {exc}")
            return rec
    rec["seconds"] = time.perf_counter() - start
    rec["status"] = path.status.name
    rec["warned"] = any(issubclass(w.category, SaddlepathWarning) for w in caught)
    range_warned = any(issubclass(w.category, PathRangeWarning) for w in caught)
    if path.status.name not in _SUCCESS:
        rec["verdict"] = "HONEST" if rec["warned"] else "WRONG"
        rec["reason"] = "warned" if rec["warned"] else "non-success status without a warning"
    else:
        try:
            with np.errstate(all="ignore"):
                ok, reason = judge(path, X, y, range_warned=range_warned)
        except Exception as exc:
            ok, reason = False, f"judge raised {type(exc).__name__}: {exc}"
        rec["verdict"], rec["reason"] = ("PASS" if ok else "WRONG"), reason
    if certificate:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                report = path.check()
                rec["certificate"] = bool(report.passed)
                rec["certified_by"] = list(report.certified_by)
            except Exception as exc:
                rec["certificate"] = None
                rec["certificate_error"] = f"{type(exc).__name__}: {exc}"
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="instances (default 10000)")
    ap.add_argument("--seed", type=int, default=0, help="stream seed (default 0)")
    ap.add_argument("--budget", type=float, default=3600.0, help="seconds before stopping")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    ap.add_argument("--no-certificate", action="store_true", help="skip path.check()")
    ap.add_argument("--replay", type=int, default=None, help="run one instance and print it")
    ap.add_argument(
        "--resume", type=Path, default=None, help="a fuzz_path.json cut short: run the rest"
    )
    args = ap.parse_args(argv)
    if args.replay is not None:
        print(json.dumps(run_instance(args.replay, args.seed), indent=1))
        return 0
    before = json.loads(args.resume.read_text()) if args.resume else None
    first = before["meta"]["ran"] if before else 0
    if before and before["meta"]["seed"] != args.seed:
        ap.error(f"--resume: {args.resume} used seed {before['meta']['seed']}, not {args.seed}")
    start, records = time.perf_counter(), []
    for i in range(first, args.n):
        if time.perf_counter() - start > args.budget:
            break
        records.append(run_instance(i, args.seed, certificate=not args.no_certificate))
        if (i + 1) % 500 == 0:
            wrong = sum(r["verdict"] == "WRONG" for r in records)
            elapsed = time.perf_counter() - start
            print(f"{i + 1} instances, {wrong} WRONG, {elapsed:.0f} s", file=sys.stderr)
    meta = {
        "requested": args.n,
        "ran": first + len(records),
        "seed": args.seed,
        "seconds": time.perf_counter() - start + (before["meta"]["seconds"] if before else 0),
        "saddlepath": saddlepath.__version__,
        "numpy": np.__version__,
        "machine": platform.machine(),
        "command": "benchmarks/fuzz_path.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    summary = summarise(records)
    findings = [r for r in records if r["verdict"] != "PASS" or r.get("certificate") is False]
    if before:  # counts add up; keep every finding of both parts
        summary = add_summaries(before["summary"], summary)
        findings = before["not_pass"] + findings
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fuzz_path.json").write_text(
        json.dumps({"meta": meta, "summary": summary, "not_pass": findings}, indent=1)
    )
    write_markdown(summary, meta, args.out / "fuzz_path.md")
    print((args.out / "fuzz_path.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
