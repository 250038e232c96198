r"""Figures of the thesis reproductions, drawn from their saved results (no solver runs here).

``thesis_small_cases_figures``, ``thesis_d7n5_figures``, ``thesis_init_scale_figures`` each
return ``{file stem: Figure}`` for the result of the module of the same name in
:mod:`saddlepath.experiments.reproductions`; :data:`THESIS_FIGURES` maps the command-line
name to each. Loss curves are against the GD iteration (the thesis's x-axis), with the
iterations at which the margin rule fired marked for saddlepath's exact log-domain GD
(solid) and for the thesis's own float64 GD (dashed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from saddlepath.plotting._style import _axes, legend_outside

if TYPE_CHECKING:
    from saddlepath.experiments.reproductions.thesis_d7n5 import ThesisD7N5Result
    from saddlepath.experiments.reproductions.thesis_init_scale import ThesisInitScaleResult
    from saddlepath.experiments.reproductions.thesis_small_cases import ThesisSmallCasesResult

__all__ = [
    "THESIS_FIGURES", "thesis_d7n5_figures", "thesis_init_scale_figures",
    "thesis_small_cases_figures",
]  # fmt: skip

LOSS_LABEL = "loss ‖Xβ − y‖²/(2n)"


def _loss_panel(ax, gd_iter, gd_loss, plain, gd_marks, title: str) -> None:
    """Loss of both GDs against the iteration, margin-rule iterations marked."""
    positive = lambda a: np.maximum(np.asarray(a, dtype=float), 1e-300)  # noqa: E731
    ax.semilogy(gd_iter, positive(gd_loss), color="C0", lw=1.5, label="exact log-domain GD")
    ax.semilogy(plain.curve_iterations, positive(plain.curve_loss), color="C3", lw=1, ls="--",
                label="thesis's float64 GD")  # fmt: skip
    for k in np.asarray(gd_marks):
        if k >= 0:
            ax.axvline(k, color="C0", lw=0.6, alpha=0.6)
    for k in plain.iterations:
        ax.axvline(k, color="C3", lw=0.6, ls="--", alpha=0.6)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("iteration")
    ax.set_ylabel(LOSS_LABEL)


def thesis_small_cases_figures(result: ThesisSmallCasesResult) -> dict[str, Figure]:
    """``small_cases_loss``: one panel per case (the thesis's Figures 3, 4, 5 and 9, left)."""
    n = len(result.cases)
    fig, axes = _axes(1, max(n, 1), size=(3.2 * max(n, 1) + 1.5, 3.4))
    for ax, case in zip(axes, result.cases, strict=False):
        _loss_panel(ax, case.gd_curve_iterations, case.gd_curve_loss, case.plain,
                    case.gd_iterations, case.name)  # fmt: skip
    legend_outside(axes[min(n, len(axes)) - 1], "run")
    return {"small_cases_loss": fig}


def _d7n5_coordinates(result: ThesisD7N5Result) -> Figure:
    fig, axes = _axes(1, 1, size=(8.5, 4.5))
    ax = axes[0]
    gd = result.gd
    iters = gd.t / result.config_step_size
    shown = np.flatnonzero(np.abs(result.path.beta).max(axis=0) > 0)
    for i in shown:
        ax.plot(iters, gd.beta[:, i], lw=1.2, color=f"C{i % 10}", label=f"β{i + 1}")
    for k in result.gd_iterations:
        if k > 0:
            ax.axvline(k, color="0.6", lw=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("iteration (exact log-domain GD)")
    ax.set_ylabel("β = u ⊙ v")
    ax.set_title("d = 7, n = 5: coordinates; lines at the margin-rule iterations", fontsize=9)
    legend_outside(ax, "coordinate")
    return fig


def thesis_d7n5_figures(result: ThesisD7N5Result) -> dict[str, Figure]:
    """``d7n5_loss`` (both GDs, the thesis's Figure 6 left) and ``d7n5_coordinates``."""
    fig, axes = _axes(1, 1, size=(8.5, 4.5))
    gd = result.gd
    _loss_panel(axes[0], gd.t / result.config_step_size, gd.loss, result.plain,
                result.gd_iterations, "d = 7, n = 5: loss against the iteration")  # fmt: skip
    axes[0].set_xscale("log")
    legend_outside(axes[0], "run")
    return {"d7n5_loss": fig, "d7n5_coordinates": _d7n5_coordinates(result)}


def thesis_init_scale_figures(result: ThesisInitScaleResult) -> dict[str, Figure]:
    """``init_scale_minimisers`` (‖β‖₁ and active coordinates against γ) and
    ``init_scale_oscillation`` (the loss over the first iterations for each scanned γ)."""
    study = result.study
    fig, axes = _axes(1, 2, size=(10, 4))
    gam = np.asarray(study.gammas, dtype=float)
    axes[0].semilogx(gam, study.l1_norm, "o-", label="exact GD")
    axes[0].axhline(study.min_l1_norm, color="k", ls=":", label="minimum ℓ1")
    axes[0].set_xlabel("γ (v₀ = γ·1, u₀ = √2γ·1)")
    axes[0].set_ylabel("‖β‖₁ at the end")
    axes[1].semilogx(gam, study.n_active, "s-", color="C1")
    axes[1].set_xlabel("γ")
    axes[1].set_ylabel("active coordinates")
    legend_outside(axes[0], "")
    scan, scan_axes = _axes(1, 1, size=(8.5, 4))
    steps = np.arange(result.scan_loss_curves.shape[1])
    for g, curve in zip(result.scan_gammas, result.scan_loss_curves, strict=True):
        scan_axes[0].semilogy(steps, np.maximum(curve, 1e-300), lw=1, label=f"γ = {g:g}")
    start = result.scan_loss_curves[:, 0]
    if np.isfinite(start).any():  # diverging runs leave through the top; the rest stay legible
        scan_axes[0].set_ylim(top=1e3 * float(np.nanmax(start)))
    scan_axes[0].set_xlabel("iteration")
    scan_axes[0].set_ylabel(LOSS_LABEL)
    scan_axes[0].set_title("first iterations (the thesis's Figure 8 is γ = 5)", fontsize=9)
    legend_outside(scan_axes[0], "γ")
    return {"init_scale_minimisers": fig, "init_scale_oscillation": scan}


THESIS_FIGURES: dict[str, Callable[..., dict[str, Figure]]] = {
    "thesis-small-cases": thesis_small_cases_figures,
    "thesis-d7n5": thesis_d7n5_figures,
    "thesis-init-scale": thesis_init_scale_figures,
}
