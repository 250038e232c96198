r"""Figures of the papers' reproductions, drawn from their saved results.

Each ``<module>_figures(result)`` returns ``{file stem: Figure}`` for the result of one
module of :mod:`saddlepath.experiments.reproductions`; :data:`REPRODUCTION_FIGURES` maps the
reproduction's command-line name to it. Nothing here recomputes a run: every curve comes
from the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from saddlepath.plotting._style import LAMBDA_LABEL, _axes, alpha_label, legend_outside
from saddlepath.plotting.arclength import plot_arclength
from saddlepath.plotting.bsj import BSJ_FIGURES
from saddlepath.plotting.thesis import THESIS_FIGURES
from saddlepath.plotting.trajectory import plot_beta_vs_tau, plot_loss_vs_tau, plot_trajectory_3d

if TYPE_CHECKING:
    from saddlepath.experiments.reproductions.pf_convergence import PfConvergenceResult
    from saddlepath.experiments.reproductions.pf_figure1 import PfFigure1Result
    from saddlepath.experiments.reproductions.pf_generalisation import PfGeneralisationResult

__all__ = [
    "REPRODUCTION_FIGURES",
    "pf_convergence_figures",
    "pf_figure1_figures",
    "pf_generalisation_figures",
]


def pf_figure1_figures(result: PfFigure1Result) -> dict[str, Figure]:
    """P&F Figure 1: ``figure1_loss``, ``figure1_coordinates`` (the smallest α but one,
    where the jumps are still visible as curves), ``figure1_3d``, ``figure1_arclength``."""
    runs, path = list(result.runs), result.path
    shown = runs[-2] if len(runs) > 1 else runs[-1]
    figures = {
        "figure1_loss": plot_loss_vs_tau(runs, path),
        "figure1_coordinates": plot_beta_vs_tau(shown, path),
        "figure1_arclength": plot_arclength(
            list(result.arclengths), path,
            labels=[alpha_label(r.log_alpha) for r in runs], limit=result.limit,
        ),
    }  # fmt: skip
    if path.X.shape[1] >= 3:
        figures["figure1_3d"] = plot_trajectory_3d(runs, path, limit=result.limit)
    return figures


def _mean_ci(ax, x, values, colour, label, gid) -> None:
    """Each seed's curve thin; the mean over seeds thick (NaNs left out)."""
    for row in values:
        ax.plot(x, row, "-", color=colour, lw=0.5, alpha=0.3)
    geo = np.array([np.exp(np.mean(np.log(c[np.isfinite(c) & (c > 0)])))
                    if (np.isfinite(c) & (c > 0)).any() else np.nan for c in values.T])  # fmt: skip
    if np.isfinite(geo).any():
        ax.plot(x, geo, "o-", color=colour, lw=2.0, label=label, gid=gid)


def pf_convergence_figures(result: PfConvergenceResult) -> dict[str, Figure]:
    """``convergence_rates``: plateau error and jump delay against λ over seeds (log-log)
    and each plateau's α-exponent :math:`c_k`; ``convergence_slopes``: each seed's fitted
    exponents with their 95 % interval."""
    lam = result.lambdas
    fig, (ax_err, ax_del, ax_k) = _axes(1, 3, size=(13.0, 4.2))
    _mean_ci(ax_err, lam, result.relative_errors, "C0", "geometric mean", "errors")
    delays = np.abs(result.max_delays)
    _mean_ci(ax_del, lam, delays, "C3", "geometric mean", "delays")
    first = delays[:, 0][np.isfinite(delays[:, 0]) & (delays[:, 0] > 0)]
    if first.size:
        ref = np.exp(np.mean(np.log(first))) * lam[0] / lam
        ax_del.plot(lam, ref, "k--", lw=1.0, label="slope −1", gid="reference")
    for ax, title in ((ax_err, "relative sup-error on plateaus"),
                      (ax_del, "largest jump delay |τ× − τ_k|")):  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(LAMBDA_LABEL)
        ax.set_title(f"{title}, {result.seeds.size} seeds", fontsize=10)
        ax.legend(fontsize=8)
    exps = result.saddle_exponents
    for k in range(exps.shape[1]):
        ax_k.plot(np.full(exps.shape[0], k), exps[:, k], ".", color="0.5", gid=f"c_{k}")
    ax_k.axhline(2 * result.config["exclude"], color="k", ls=":", lw=1.0,
                 label="2ε (origin, closed form)")  # fmt: skip
    ax_k.set_xlabel("plateau k (0 = origin)")
    ax_k.set_ylabel("c_k of error ∝ α^c_k")
    ax_k.set_title("exponent plateau by plateau", fontsize=10)
    ax_k.legend(fontsize=8)
    slopes, names = _slopes(result)
    fig2, (ax,) = _axes(1, 1, size=(7.0, 4.0))
    for i, (name, values) in enumerate(zip(names, slopes, strict=True)):
        ax.plot(np.full(values.size, i) + np.linspace(-0.15, 0.15, values.size), values, ".",
                color="0.5", gid=f"slopes_{i}")  # fmt: skip
        ci = result.intervals[name]
        if np.isfinite(ci).all():
            ax.errorbar([i], [ci[0]], yerr=[[ci[0] - ci[1]], [ci[2] - ci[0]]], fmt="o",
                        color="k", capsize=6, gid=f"interval_{i}")  # fmt: skip
    ax.set_xticks(range(len(names)), [n.replace("_", " ") for n in names], fontsize=8)
    ax.set_ylabel("fitted exponent per seed")
    ax.set_title("exponents with 95 % confidence intervals (t, over seeds)", fontsize=10)
    return {"convergence_rates": fig, "convergence_slopes": fig2}


def _slopes(result: PfConvergenceResult) -> tuple[list[np.ndarray], list[str]]:
    names = list(result.intervals)
    return [result.slopes[n][np.isfinite(result.slopes[n])] for n in names], names


def pf_generalisation_figures(result: PfGeneralisationResult) -> dict[str, Figure]:
    """``generalisation_saddles``: test error of every saddle of the path against its index,
    one panel per noise level; ``generalisation_alpha``: mean test loss of the finite-α
    ends from large to small α, then of the limit's end and of its best saddle."""
    noises, sparsities = result.noises, result.sparsities
    fig, axes = _axes(1, len(noises), size=(4.2 * len(noises), 4.0))
    for j, (ax, noise) in enumerate(zip(axes, noises, strict=True)):
        for i, k in enumerate(sparsities):
            for curve in result.saddle_curves(i, j):
                ax.plot(np.arange(curve.size), curve, "-", color=f"C{i}", lw=0.8, alpha=0.6)
            ax.plot([], [], "-", color=f"C{i}", label=f"k = {k}", gid=f"k{k}_noise{j}")
        if noise > 0:
            ax.axhline(noise**2 / 2, color="k", ls=":", lw=1.0, label="noise floor σ²/2")
        ax.set_yscale("log")
        ax.set_xlabel("saddle index")
        ax.set_title(f"noise σ = {noise:g}", fontsize=10)
    for ax in axes:
        ax.set_ylabel("held-out test loss")
    legend_outside(axes[-1], "sparsity")
    fig2, (ax,) = _axes(1, 1, size=(7.5, 4.0))
    labels = [f"α = {a}" for a in result.alphas] + ["limit (end)", "best saddle"]
    table = result.mean_test_losses()
    table = np.concatenate([table[..., 2:], table[..., :2]], axis=-1)  # α large → small
    for i, k in enumerate(sparsities):
        for j, noise in enumerate(noises):
            ax.plot(range(len(labels)), table[i, j], marker="o", color=f"C{i}",
                    ls=("-", "--", ":", "-.")[j % 4], label=f"k = {k}, σ = {noise:g}",
                    gid=f"mean_k{k}_noise{j}")  # fmt: skip
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("mean held-out test loss")
    legend_outside(ax, "problem")
    return {"generalisation_saddles": fig, "generalisation_alpha": fig2}


REPRODUCTION_FIGURES: dict[str, Callable[..., dict[str, Figure]]] = {
    "pf-figure1": pf_figure1_figures,
    "pf-convergence": pf_convergence_figures,
    "pf-generalisation": pf_generalisation_figures,
    **THESIS_FIGURES,
    **BSJ_FIGURES,
}
