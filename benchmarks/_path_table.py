"""Summaries of :mod:`path`: medians, agreement checks, targets and the Markdown table."""

from __future__ import annotations

import numpy as np

NAIVE_TARGET_SIZE = (500, 5000, 50)
TARGET_LARS_RATIO, AIM_LARS_RATIO, TARGET_NAIVE_SPEEDUP, TARGET_MEMORY = 0.8, 0.5, 50.0, 2.0
AGREE_RTOL = 1e-8  # final coefficients / first jump time agree to this, relative to scale


def summarise(rec: dict, outcomes: dict, beta_star: np.ndarray) -> None:
    """Add medians, outcomes, extrapolations and agreement checks to ``rec`` in place.

    ``outcomes`` maps each method's name to its ``Outcome`` (see ``path.py``).
    """
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


def floor_table(results: list[dict]) -> str:
    """Markdown: the path against LARS and against the floor (jumps × one pass over X)."""
    lines = [
        "| (n, d, k) | saddlepath[auto] | lars_path | ÷ lars (≤ 0.5×) | jumps | fixed | per jump "
        "| pass f64 | pass f32 | per jump ÷ pass f64 / f32 | ÷ (jumps × pass f32) | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rec in results:
        sp, f, t = rec["methods"]["saddlepath[auto]"], rec["floor"], rec["targets"]
        lars = rec["methods"]["lars_path[lasso]"]["median"]
        aim = t["aim_vs_lars"]
        goal = (
            f"per jump ≤ 2× pass f64: {t['per_jump_vs_pass']}"
            if "per_jump_vs_pass" in t
            else f"≤ 1.2× f32 floor: {t['vs_float32_floor']}"
        )
        lines.append(
            f"| ({rec['n']}, {rec['d']}, {rec['k']}) | {fmt_time(sp['median'])} "
            f"| {fmt_time(lars)} | {t['sp_over_lars']:.2f}× {aim} | {sp['n_jumps']} "
            f"| {fmt_time(f['fixed'])} | {f['per_jump'] * 1e6:.0f} µs "
            f"| {f['pass64_median'] * 1e6:.1f} µs "
            f"| {f['pass32_median'] * 1e6:.1f} µs | {f['per_jump_over_pass64']:.2f}× / "
            f"{f['per_jump_over_pass32']:.2f}× | {f['over_floor32']:.2f}× | {goal} |"
        )
    note = (
        "\nFixed: the path stopped after one jump, less one jump. Per jump: (full path − "
        "that) ÷ (jumps − 1). Passes: `Xᵀr` into a preallocated buffer, mean of 20 calls, "
        "median over the repeats, timed in the same rotation as the methods.\n"
    )
    return "\n".join(lines) + "\n" + note
