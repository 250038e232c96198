"""Studies over a grid of scales for people: ``saddlepath init-scale`` and ``converge``.

Rendering only: the rows are the studies' (:func:`saddlepath.report.json.init_scale_rows`,
:func:`~saddlepath.report.json.convergence_rows`) and the fitted rates the convergence
study's (:func:`saddlepath.report.json.convergence_fits`); λ = ln(1/α), τ = t/ln(1/α).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from rich import box
from rich.markup import escape
from rich.table import Table

from saddlepath.data import Dataset
from saddlepath.report.cells import number_cell
from saddlepath.report.json import convergence_rows, init_scale_rows

__all__ = [
    "fit_lines",
    "init_scale_table",
    "minimiser_table",
    "reference_line",
    "study_table",
]

_OUTCOME_COLOURS = {"CONVERGED": "green", "REACHED_TAU_MAX": "yellow", "STEP_LIMIT": "yellow"}
_FIT_WORDS = {
    "error_vs_lambda": "error ∝ λ^p",
    "delay_vs_lambda": "delay ∝ λ^p",
    "error_vs_alpha": "error ∝ α^c",
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
    for text, row in zip(given, init_scale_rows(study), strict=True):
        colour = _OUTCOME_COLOURS.get(row["status"], "red")
        table.add_row(
            escape(text),
            f"[{colour}]{row['status']}[/]",
            number_cell(row["loss"], ".3e"),
            number_cell(row["l1_norm"]),
            "–" if row["n_active"] < 0 else str(row["n_active"]),
            escape(row["message"]),
        )
    return table


def reference_line(study: Any) -> str:
    """The two reference minimisers: minimum-ℓ1 (rich limit) and minimum-ℓ2 (kernel limit)."""
    return (
        f"reference: minimum-ℓ1 interpolator ‖β‖₁ = {study.min_l1_norm:.6g} "
        f"({np.count_nonzero(study.min_l1_beta)} active); minimum-ℓ2 solution "
        f"‖β‖₁ = {study.min_l2_norm:.6g} ({np.count_nonzero(study.min_l2_beta)} active)"
    )


def minimiser_table(study: Any, given: list[str], dataset: Dataset) -> Table:
    """Three rows per γ (β, u, v at the end of the run), one column per coordinate."""
    names = dataset.feature_names or tuple(str(i) for i in range(dataset.n_features))
    table = Table(
        box=box.SIMPLE_HEAD,
        title=escape("Minimiser reached: β = u⊙v (the thesis's Table 11 lists [v_i, u_i])"),
        caption="coordinates as in the data (0-based when the data have no names)",
    )
    table.add_column("γ", justify="right")
    table.add_column("", justify="left")
    for name in names:
        table.add_column(escape(name), justify="right", overflow="fold")
    for j, text in enumerate(given):
        for label, values in (("β", study.beta[j]), ("u", study.u[j]), ("v", study.v[j])):
            cells = ["–" if not np.isfinite(x) else f"{x:.4f}" for x in values]
            table.add_row(escape(text) if label == "β" else "", label, *cells)
        table.add_section()
    return table


# ---------------------------------------------------------------------- converge


def _fmt(value) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.3g}"


def study_table(study: Any, dataset: Dataset) -> Table:
    """One row per α of a convergence study: error, delays, the run's status and cost."""
    table = Table(
        title=f"Convergence of the flow to the exact path on {dataset.name}",
        caption="rel. error: sup |β̃_α(τ) − β°(τ)| on plateaus away from jumps, relative to ‖β°‖∞; "
        "delay: τ at half of each jump minus τ_k (max over jumps); λ = ln(1/α)",
    )
    for name in ("α", "λ", "rel. error", "max delay", "delay·λ", "status", "steps", "s"):
        table.add_column(name, justify="right" if name != "status" else "left")
    for row in convergence_rows(study):
        status = row["status"] + (f" (missing {row['missing']})" if row["missing"] else "")
        if row["run_status"] not in ("CONVERGED", "REACHED_TAU_MAX"):
            status += f"; run {row['run_status']}"
        table.add_row(
            row["alpha"],
            f"{row['lambda']:.4g}",
            _fmt(row["relative_error"]),
            _fmt(row["max_delay"]),
            _fmt(row["delay_times_lambda"]),
            status,
            str(row["n_steps"]),
            f"{row['seconds']:.2f}",
        )
    return table


def fit_lines(fits: dict) -> list[str]:
    """One line per fitted rate (``error ∝ λ^p: p = …``), or why it could not be fitted."""
    lines = []
    for key, fit in fits.items():
        slope = fit["slope"]
        if slope is None:
            lines.append(f"{_FIT_WORDS[key]}: not enough matched runs to fit ({fit['status']})")
            continue
        exponent = -slope if key == "error_vs_alpha" else slope
        lines.append(
            f"{_FIT_WORDS[key]}: {'c' if key == 'error_vs_alpha' else 'p'} = "
            f"{exponent:.3f} (rms residual {_fmt(fit['rms_residual'])}, "
            f"{fit['n_points']} points)"
        )
    return lines
