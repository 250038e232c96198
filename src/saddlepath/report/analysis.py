"""The saddle analysis for people (``saddlepath analyze``): the jumps, explained.

Rendering only: every number comes from :mod:`saddlepath.analysis` (the explanations, as
rows by :func:`saddlepath.report.json.jump_rows`, and ``plateau_resolution``); a row is
one saddle β_k of the exact path, with τ_k in accelerated time τ = t/ln(1/α).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from saddlepath.data import Dataset
from saddlepath.report.cells import (
    beta_cell,
    coordinate_note,
    coordinates,
    name_cell,
    number_cell,
    type_cell,
)

__all__ = [
    "EIGENVECTOR_FAILED",
    "HESSIAN_EIGENVALUES",
    "jump_table",
    "print_analysis",
    "reason_lines",
    "unreached_table",
]

EIGENVECTOR_FAILED = ("DUAL_RULE", "NEITHER")  # verdicts whose reason is printed
_VERDICTS = {
    "BOTH": "both",
    "DUAL_RULE": "dual",
    "EIGENVECTOR": "eig",
    "NEITHER": "neither",
    "NO_JUMP": "end",
}
HESSIAN_EIGENVALUES = "eig. of Hessian ∇²F (< 0)"
_COORDINATE = re.compile(r"\bcoordinate (\d+)\b")


def jump_table(rows: list[dict], dataset: Dataset, *, method: str, alpha: str) -> Table:
    """One row per saddle of the exact path: spectrum, the two rules, the actual jump."""
    names = dataset.feature_names
    gd = method == "gd"
    run = "gradient descent" if gd else "gradient flow"
    table = Table(
        title=f"Jumps of the saddle path of {escape(dataset.name)} "
        f"({dataset.n_samples} × {dataset.n_features}) and a {run} at α = {escape(alpha)}",
        caption="idx: Morse index (negative eigenvalues of the Hessian ∇²F(u, v)); τ run: "
        "when the run reaches β_k"
        + (" (iter: GD step)" if gd else "")
        + f"; {HESSIAN_EIGENVALUES}: the most negative eigenvalues of the Hessian of F at the "
        "saddle (the Jacobian of −∇F, the flow's linearisation, has them with the opposite "
        "sign); eig / dual: next coordinate predicted by the top unstable eigenvector / by "
        "the first dual to reach ±1; entered: next coordinates on the path (in the run); "
        "angle: top eigenvector vs β_{k+1} − β_k; verdict: the rule that was right; "
        + coordinate_note(names),
    )
    headers = ["k", "β_k", "type", "idx", "τ_k", "τ run"] + (["iter"] if gd else [])
    headers += [HESSIAN_EIGENVALUES, "eig", "dual", "entered", "angle°", "verdict"]
    for header in headers:
        left = header in ("β_k", "type", HESSIAN_EIGENVALUES, "entered", "verdict")
        table.add_column(header, justify="left" if left else "right", overflow="fold")
    for row in rows:
        observed = row["observed_entered"]
        entered = coordinates(tuple(row["entered"]), names) or "–"
        if observed is not None:
            entered += f" ({coordinates(tuple(observed), names) or '–'})"
        verdict = _VERDICTS.get(row["status"], row["status"])
        if row["status"] in EIGENVECTOR_FAILED:
            verdict = f"[red]{verdict}*[/]"
        cells = [
            str(row["k"]),
            beta_cell(row["beta"], names),
            type_cell(row["type"]),
            str(row["morse_index"]),
            f"{row['tau']:.5g}",
            number_cell(row["observed_tau"], ".4g"),
        ]
        if gd:
            cells.append(number_cell(row["observed_iteration"], "d"))
        cells += [
            ", ".join(f"{v:.3g}" for v in row["top_eigenvalues"]) or "–",
            name_cell(row["top_eigen_coordinate"], names),
            name_cell(row["dual_rule_coordinate"], names),
            entered,
            number_cell(row["angle_deg"], ".1f"),
            verdict,
        ]
        table.add_row(*cells)
    return table


def _named(reason: str, names: tuple[str, ...] | None) -> str:
    """``coordinate 2`` → ``coordinate x3`` when the data name its columns (as the table)."""
    if names is None:
        return reason
    return _COORDINATE.sub(lambda m: f"coordinate {names[int(m[1])]}", reason)


def reason_lines(rows: list[dict], names: tuple[str, ...] | None = None) -> list[str]:
    """``* k = 1: <reason>`` for every saddle where the eigenvector rule failed."""
    return [
        f"[red]*[/] k = {row['k']}: {escape(_named(row['reason'], names))}"
        for row in rows
        if row["status"] in EIGENVECTOR_FAILED
    ]


def unreached_table(rows: list[dict], resolution: np.ndarray, dataset: Dataset) -> Table | None:
    """The saddles the run did not reach, with their resolution R_k; None when it reached all."""
    missed = [row for row in rows if row["observed_tau"] is None]
    if not missed:
        return None
    table = Table(
        title="Saddles the run did not reach",
        caption="R_k: the run passes within about e^(−R_k) of saddle k; R ≲ 3 is passed without "
        "slowing down, R ≳ 8 shows a plateau (smaller α resolves more). The last saddle has "
        "R = ∞, but a run can freeze a coordinate that leaves at the final jump and end at "
        "another minimiser",
    )
    for header in ("k", "τ_k", "β_k (support: value)", "resolution R_k"):
        table.add_column(header, justify="left" if header.startswith("β") else "right")
    for row in missed:
        r = float(resolution[row["k"]])
        table.add_row(
            str(row["k"]),
            f"{row['tau']:.6g}",
            beta_cell(row["beta"], dataset.feature_names),
            "∞" if not np.isfinite(r) else f"{r:.3g}",
        )
    return table


def print_analysis(console: Console, result: Any, dataset: Dataset, *, alpha: str) -> None:
    """The jump table, the reasons where the eigenvector rule failed, the unreached saddles."""
    rows = result.rows
    console.print(jump_table(rows, dataset, method=result.trajectory.method, alpha=alpha))
    for line in reason_lines(rows, dataset.feature_names):
        console.print(line)
    unreached = unreached_table(rows, result.resolution, dataset)
    if unreached is None:
        console.print(f"the run reached all {len(rows)} saddles of the exact path")
    else:
        console.print(unreached)
