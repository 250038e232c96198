"""Tables and JSON records of ``saddlepath analyze``, ``saddles`` and ``init-scale``.

Rendering only: every number comes from :mod:`saddlepath.analysis` (``jump_rows``,
``SaddleCatalog.rows``, ``InitScaleStudy.rows``, ``plateau_resolution``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from saddlepath import __version__
from saddlepath.data import Dataset
from saddlepath.report import _coordinates, coordinate_note, listing_limit

__all__ = [
    "EIGENVECTOR_FAILED",
    "analysis_record",
    "catalog_table",
    "counts_line",
    "init_scale_record",
    "init_scale_table",
    "jump_table",
    "print_analysis",
    "reason_lines",
    "reference_line",
    "saddles_record",
    "unreached_table",
]

_FORMAT_VERSION = 1
_UNITS = "accelerated time τ = t/ln(1/α); loss L(β) = ‖Xβ − y‖²/(2n)"
EIGENVECTOR_FAILED = ("DUAL_RULE", "NEITHER")  # verdicts whose reason is printed
_VERDICTS = {
    "BOTH": "both",
    "DUAL_RULE": "dual",
    "EIGENVECTOR": "eig",
    "NEITHER": "neither",
    "NO_JUMP": "end",
}
_TYPES = {"STRICT_SADDLE": "saddle", "GLOBAL_MINIMUM": "min"}
HESSIAN_EIGENVALUES = "eig. of Hessian ∇²F (< 0)"
_COORDINATE = re.compile(r"\bcoordinate (\d+)\b")
_OUTCOME_COLOURS = {"CONVERGED": "green", "NOT_CONVERGED": "yellow"}


# ------------------------------------------------------------------------------ cells


def _name(i: int | None, names: tuple[str, ...] | None) -> str:
    if i is None:
        return "–"
    return escape(str(i) if names is None else names[i])


def _beta(beta: list[float], names: tuple[str, ...] | None) -> str:
    """``"2: 1.43, 3: −0.204"`` over the support, cut to ``MAX_LISTED`` entries; 0 at the origin."""
    support = [i for i, v in enumerate(beta) if v != 0.0]
    if not support:
        return "0"
    limit = listing_limit()
    text = ", ".join(f"{_name(i, names)}: {beta[i]:.3g}" for i in support[:limit])
    return text + (f" …+{len(support) - limit}" if len(support) > limit else "")


def _number(value: float | None, fmt: str = ".6g") -> str:
    return "–" if value is None else format(value, fmt)


def _type(name: str) -> str:
    return _TYPES.get(name, name.lower().replace("_", " "))


# ------------------------------------------------------------------------ analyze


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
        entered = _coordinates(tuple(row["entered"]), names) or "–"
        if observed is not None:
            entered += f" ({_coordinates(tuple(observed), names) or '–'})"
        verdict = _VERDICTS.get(row["status"], row["status"])
        if row["status"] in EIGENVECTOR_FAILED:
            verdict = f"[red]{verdict}*[/]"
        cells = [
            str(row["k"]),
            _beta(row["beta"], names),
            _type(row["type"]),
            str(row["morse_index"]),
            f"{row['tau']:.5g}",
            _number(row["observed_tau"], ".4g"),
        ]
        if gd:
            cells.append(_number(row["observed_iteration"], "d"))
        cells += [
            ", ".join(f"{v:.3g}" for v in row["top_eigenvalues"]) or "–",
            _name(row["top_eigen_coordinate"], names),
            _name(row["dual_rule_coordinate"], names),
            entered,
            _number(row["angle_deg"], ".1f"),
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
            _beta(row["beta"], dataset.feature_names),
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


def analysis_record(
    result: Any, *, alpha: str, step_size: float | None, metadata: dict
) -> dict[str, Any]:
    """The content of ``analysis.json`` (and of ``analyze --json``)."""
    traj, rows = result.trajectory, result.rows
    finite = [None if not np.isfinite(r) else float(r) for r in result.resolution]
    return {
        "format": "saddlepath.analysis",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": __version__,
        "units": _UNITS,
        "method": traj.method,
        "alpha": alpha,
        "step_size": step_size,
        "trajectory": {
            "status": {"name": traj.status.name, "message": traj.status.value},
            "message": traj.message,
            "stats": dict(traj.stats),
        },
        "conventions": {
            "top_eigenvalues": "most negative eigenvalues of the Hessian of F(u, v) at the "
            "saddle; the Jacobian of -grad F has them with the opposite sign",
            "coordinates": "0-based positions among the columns of X (names in metadata)",
        },
        "rows": rows,
        "resolutions": finite,
        "unreached": [
            {"k": row["k"], "tau": row["tau"], "resolution": finite[row["k"]]}
            for row in rows
            if row["observed_tau"] is None
        ],
        "metadata": metadata,
    }


# ------------------------------------------------------------------------ saddles


def catalog_table(catalog: Any, dataset: Dataset, *, show_all: bool) -> Table:
    """The critical points the exact path visits in path order, or all of them by loss."""
    rows = catalog.rows()
    if not show_all:
        rows = sorted((r for r in rows if r["visited"]), key=lambda r: r["path_position"])
    which = "All critical points" if show_all else "Critical points visited by the exact path"
    table = Table(
        title=f"{which} of {escape(dataset.name)} ({len(rows)} of {len(catalog)})",
        caption="k: position on the exact path; index: Morse index, the number of negative "
        "eigenvalues of the Hessian ∇²F(u, v); " + coordinate_note(dataset.feature_names),
    )
    for header in ("k", "|S|", "β (support: value)", "loss L(β)", "index", "type"):
        table.add_column(header, justify="left" if header.startswith(("β", "type")) else "right")
    for row in rows:
        k = row["path_position"]
        table.add_row(
            str(k) if k >= 0 else "–",
            str(len(row["support"])),
            _beta(row["beta"], dataset.feature_names),
            f"{row['loss']:.4e}",
            str(row["morse_index"]),
            _type(row["type"]),
        )
    return table


def counts_line(catalog: Any) -> str:
    """Critical points, supports examined, dependent supports, unmatched path saddles."""
    unmatched = catalog.unmatched_path_saddles
    missing = (
        "none"
        if not unmatched
        else f"k = {', '.join(map(str, unmatched))} (support above --max-support or not isolated)"
    )
    return (
        f"{len(catalog)} critical points; {catalog.n_examined:,} supports examined "
        f"(|S| ≤ {catalog.max_support}), {catalog.n_dependent:,} linearly dependent; "
        f"path saddles not in the catalog: {missing}"
    )


def saddles_record(catalog: Any, *, metadata: dict) -> dict[str, Any]:
    """The content of ``saddles.json`` (and of ``saddles --json``)."""
    return {
        "format": "saddlepath.saddles",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": __version__,
        "units": _UNITS,
        "n_points": len(catalog),
        "n_examined": int(catalog.n_examined),
        "n_dependent": int(catalog.n_dependent),
        "max_support": int(catalog.max_support),
        "unmatched_path_saddles": list(catalog.unmatched_path_saddles),
        "points": catalog.rows(),
        "metadata": metadata,
    }


# --------------------------------------------------------------------- init-scale


def init_scale_table(study: Any, given: list[str], dataset: Dataset) -> Table:
    """One row per γ: outcome, final loss, ‖β‖₁, active coordinates, the run's message."""
    run = "gradient flow" if study.method == "flow" else f"GD (η = {study.step_size:g})"
    table = Table(
        title=f"Initialisation scale on {escape(dataset.name)}: u₀ = √2·γ, "
        f"v₀ = {study.v0:g}·γ, {run}",
        caption=f"active: |β_i| > {study.active_rtol:g}·‖β‖∞; small γ: sparse (rich), "
        "large γ: dense (kernel)",
    )
    for header in ("γ", "outcome", "loss", "‖β‖₁", "active", "message"):
        table.add_column(header, justify="left" if header in ("outcome", "message") else "right")
    table.columns[-1].overflow = "fold"
    for text, row in zip(given, study.rows(), strict=True):
        colour = _OUTCOME_COLOURS.get(row["status"], "red")
        table.add_row(
            escape(text),
            f"[{colour}]{row['status']}[/]",
            _number(row["loss"], ".3e"),
            _number(row["l1_norm"]),
            "–" if row["n_active"] < 0 else str(row["n_active"]),
            escape(row["message"]),
        )
    return table


def reference_line(study: Any) -> str:
    """The two reference minimisers: minimum-ℓ1 (rich limit) and minimum-ℓ2 (kernel limit)."""
    return (
        f"reference: minimum-ℓ1 interpolator ‖β‖₁ = {study.min_l1_norm:.6g} "
        f"({np.count_nonzero(study.min_l1_coef)} active); minimum-ℓ2 solution "
        f"‖β‖₁ = {study.min_l2_norm:.6g} ({np.count_nonzero(study.min_l2_coef)} active)"
    )


def init_scale_record(study: Any, given: list[str], *, metadata: dict) -> dict[str, Any]:
    """The content of ``init_scale.json`` (and of ``init-scale --json``)."""
    rows = [{"gamma_given": text, **row} for text, row in zip(given, study.rows(), strict=True)]
    return {
        "format": "saddlepath.init_scale",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": __version__,
        "units": _UNITS,
        "method": study.method,
        "v0": float(study.v0),
        "step_size": study.step_size,
        "active_rtol": float(study.active_rtol),
        "rows": rows,
        "reference": {
            "min_l1_norm": study.min_l1_norm,
            "min_l1_active": int(np.count_nonzero(study.min_l1_coef)),
            "min_l1_coef": study.min_l1_coef.tolist(),
            "min_l2_l1_norm": study.min_l2_norm,
            "min_l2_coef": study.min_l2_coef.tolist(),
        },
        "metadata": metadata,
    }
