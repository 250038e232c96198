"""Tables of :mod:`fuzz_path`: per-class counts, their sum over two runs, and markdown."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

CLASSES = (
    "gaussian",
    "column_scales",
    "near_collinear",
    "duplicates",
    "integer_ties",
    "rank_deficient",
    "global_scale",
    "mixed",
)


def summarise(records: list[dict]) -> dict:
    """Per-class counts of verdicts, shapes, statuses and certificate agreement."""
    out = {}
    for cls in CLASSES:
        rows = [r for r in records if r["class"] == cls]
        verdicts = Counter(r["verdict"] for r in rows)
        cert = Counter(
            (r["verdict"], r.get("certificate"))
            for r in rows
            if r["verdict"] != "HONEST" and "certificate" in r
        )
        out[cls] = {
            "instances": len(rows),
            "wide": sum(r["n"] < r["d"] for r in rows),
            "tall": sum(r["n"] > r["d"] for r in rows),
            "PASS": verdicts["PASS"],
            "HONEST": verdicts["HONEST"],
            "WRONG": verdicts["WRONG"],
            "wrong_wide": sum(r["verdict"] == "WRONG" and r["n"] < r["d"] for r in rows),
            "statuses": dict(Counter(r["status"] for r in rows)),
            "certificate_false_alarms": cert[("PASS", False)],
            "certificate_misses": cert[("WRONG", True)],
            "wrong_reasons": dict(
                Counter(_short(r["reason"]) for r in rows if r["verdict"] == "WRONG")
            ),
        }
    return out


def _short(reason: str) -> str:
    return reason.split(" (")[0].split(" at saddle")[0].split(" of saddle")[0][:80]


def write_markdown(summary: dict, meta: dict, path: Path) -> None:
    lines = [
        "# Fuzzing the exact path",
        "",
        f"{meta['ran']} of {meta['requested']} instances (seed {meta['seed']}), "
        f"{meta['seconds']:.0f} s, saddlepath {meta['saddlepath']}, numpy {meta['numpy']}, "
        f"{meta['machine']}. Command: `{meta['command']}`.",
        "",
        "PASS: success claimed and the independent judge agrees. HONEST: a non-success status "
        "with a warning. WRONG: success claimed and the judge disagrees, a non-success status "
        "without a warning, or an exception. Last two columns: `path.check()` (default "
        "rtol 1e-7) against the judge (tolerances 1e-6, 10× looser): judge PASS but check() "
        "FAILED — check() is stricter or wrong; judge WRONG but check() PASSED — a miss.",
        "",
        "| class | instances | n<d / n>d | PASS | HONEST | WRONG (n<d) | statuses | "
        "judge PASS, check() FAILED | judge WRONG, check() PASSED |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for cls, s in summary.items():
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items()))
        lines.append(
            f"| {cls} | {s['instances']} | {s['wide']} / {s['tall']} | {s['PASS']} | "
            f"{s['HONEST']} | {s['WRONG']} ({s['wrong_wide']}) | {statuses} | "
            f"{s['certificate_false_alarms']} | {s['certificate_misses']} |"
        )
    total = {
        k: sum(s[k] for s in summary.values()) for k in ("instances", "PASS", "HONEST", "WRONG")
    }
    lines += [
        f"| **all** | {total['instances']} | | {total['PASS']} | {total['HONEST']} | "
        f"{total['WRONG']} | | | |",
        "",
        "## Why the WRONG runs are wrong",
        "",
    ]
    for cls, s in summary.items():
        for reason, count in sorted(s["wrong_reasons"].items(), key=lambda kv: -kv[1]):
            lines.append(f"- {cls}: {count} × {reason}")
    lines += ["", "Replay one instance: `benchmarks/fuzz_path.py --replay INDEX --seed SEED`."]
    path.write_text("\n".join(lines) + "\n")


def add_summaries(a: dict, b: dict) -> dict:
    """Per-class counts of two runs over disjoint instances, added."""
    out = {}
    for cls in CLASSES:
        out[cls] = {}
        for key, value in a[cls].items():
            if isinstance(value, dict):
                other = b[cls][key]
                out[cls][key] = {k: value.get(k, 0) + other.get(k, 0) for k in {*value, *other}}
            else:
                out[cls][key] = value + b[cls][key]
    return out
