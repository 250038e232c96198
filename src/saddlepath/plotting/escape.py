r"""Escape directions of deep ReLU networks drawn: the BSJ toy, depth, one direction.

* :func:`plot_escape_widths` — the toy of Bantzis, Simon & Jacot (2025, Fig. 2) from an
  :class:`~saddlepath.experiments.EscapeWidthStudy`: the eight data points with their sign
  of :math:`G`, the first-layer ReLU units of the fastest direction found (arrows, and their
  kink lines :math:`u_j\cdot x = 0`), every restart's speed per width with
  :math:`\sqrt2 - 1` marked, and the fraction of restarts that beat it;
* :func:`plot_escape_depth` — speed and :math:`\sigma_1/\sigma_2` of every layer against
  depth, with the :math:`\ell^{1/4}` reference (from an
  :class:`~saddlepath.experiments.EscapeDepthStudy`);
* :func:`plot_escape_direction` — one :class:`~saddlepath.deep.EscapeResult`: the spread of
  the restarts' speeds and :math:`\sigma_i/\sigma_1` of every layer.

Built with :class:`matplotlib.figure.Figure` (no ``pyplot``); save with
:func:`saddlepath.io.save_figure_atomic`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from saddlepath.plotting._style import _axes

if TYPE_CHECKING:
    from saddlepath.deep import EscapeResult, LayerSpectra
    from saddlepath.experiments import EscapeDepthStudy, EscapeWidthStudy

__all__ = ["plot_escape_depth", "plot_escape_direction", "plot_escape_widths"]

RANK_ONE_NOTE = "rank one: σ₂ = 0 up to rounding (drawn at the top)"


def _check(value, name: str, cls_name: str, source: str, where: str) -> None:
    if type(value).__name__ != cls_name:
        raise TypeError(
            f"The `{name}` parameter of {where} must be {cls_name} (from {source}); got "
            f"{type(value).__name__}."
        )


def _draw_toy_data(ax, study: EscapeWidthStudy) -> None:
    X, g = study.X, study.G[:, 0]
    best = study.winner.weights
    strength = np.linalg.norm(best[0], axis=1) * np.linalg.norm(best[1], axis=0)
    live = strength > 1e-3 * strength.max()
    for j in np.flatnonzero(live):
        u = best[0][j] / np.linalg.norm(best[0][j])
        ax.annotate(
            "", xy=tuple(u), xytext=(0, 0), gid="unit",
            arrowprops={"arrowstyle": "->", "color": "0.25", "lw": 0.8 + 2 * strength[j]},
        )  # fmt: skip
        ax.plot(*np.c_[-1.4 * u[::-1] * [-1, 1], 1.4 * u[::-1] * [-1, 1]], ":", color="0.6")
    for sign, colour, label in ((1, "C3", "G = +1"), (-1, "C0", "G = −1")):
        pick = g * sign > 0
        ax.plot(*X[pick].T, "o", color=colour, ms=8, label=label, gid=f"data{sign:+d}")
    ax.set(xlim=(-1.45, 1.45), ylim=(-1.45, 1.45), aspect="equal", xlabel="x₁", ylabel="x₂")
    w = int(study.widths[int(np.argmax(study.best_speed))])
    ax.set_title(
        f"data; first-layer units of the best direction\n(width {w}, speed "
        f"{study.winner.speed:.4f}, ranks {tuple(study.winner.ranks)})",
        fontsize=9, loc="left",
    )  # fmt: skip
    ax.legend(fontsize=8, loc="lower left")


def plot_escape_widths(study: EscapeWidthStudy) -> Figure:
    r"""The toy figure: data and winning units, every run's speed, success against width.

    Parameters
    ----------
    study : EscapeWidthStudy
        From :func:`~saddlepath.experiments.escape_width_study` (the toy: 2-D inputs, one
        output).

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: the data (red :math:`G = +1`, blue :math:`G = -1`) with the first-layer
        units of the fastest direction as arrows (thickness ∝ the unit's weight) and their
        kink lines dotted; every restart's speed against width (successes blue) with the
        threshold dashed; the fraction of successful restarts against width.
    """
    _check(study, "study", "EscapeWidthStudy", "escape_width_study", "plot_escape_widths")
    if study.X.shape[1] != 2 or study.G.shape[1] != 1:
        raise ValueError(
            "plot_escape_widths draws 2-D inputs with one output (the toy); got X of shape "
            f"{study.X.shape} and G of shape {study.G.shape}. Print the study's table instead."
        )
    fig, (data, runs, success) = _axes(1, 3, size=(14.0, 4.6))
    _draw_toy_data(data, study)
    rng = np.random.default_rng(0)  # horizontal jitter only, for visibility
    for i, w in enumerate(study.widths):
        s = study.speeds[i]
        x = w * 2.0 ** (0.15 * rng.uniform(-1, 1, s.size))
        won = s > study.threshold
        runs.plot(x[won], s[won], "o", ms=4, color="C0", alpha=0.7, gid=f"won-{w}")
        runs.plot(x[~won], s[~won], "o", ms=4, mfc="none", color="0.5", gid=f"lost-{w}")
    threshold = "threshold (√2 − 1: rank-one best)"
    runs.axhline(study.threshold, color="C3", ls="--", lw=1, label=threshold, gid="threshold")
    runs.plot(study.widths, study.best_speed, "_", ms=14, color="k", label="best", gid="best")
    runs.set(xscale="log", xlabel="hidden width", ylabel="speed s = −L₀ per restart")
    runs.set_xticks(study.widths, [str(w) for w in study.widths])
    runs.legend(fontsize=8, loc="lower right")
    runs.set_title(f"{study.speeds.shape[1]} restarts per width", fontsize=9, loc="left")
    success.plot(study.widths, study.success, "o-", color="C0", gid="success")
    success.set(xscale="log", xlabel="hidden width", ylim=(-0.03, 1.03))
    success.set_ylabel(f"fraction of runs with s > {study.threshold:.6f}")
    success.set_xticks(study.widths, [str(w) for w in study.widths])
    success.set_title(f"depth {study.depth}", fontsize=9, loc="left")
    return fig


def _finite_for_log(values: np.ndarray) -> tuple[np.ndarray, float]:
    """``values`` with ``inf`` replaced by a cap above every finite value (for a log axis)."""
    finite = values[np.isfinite(values)]
    cap = 2.0 * float(finite.max()) if finite.size else 10.0
    return np.where(np.isinf(values), cap, values), cap


def plot_escape_depth(study: EscapeDepthStudy) -> Figure:
    r"""Speed against depth and :math:`\sigma_1/\sigma_2` of every layer with :math:`\ell^{1/4}`.

    Left: the best speed (line) and every start's speed (dots) against depth :math:`L`.
    Right: :math:`\sigma_1/\sigma_2` of each :math:`W_\ell` against ℓ, one line per depth, on
    a log scale; exactly rank-one layers (``inf``) are drawn at a cap above the others; the
    dashed curve :math:`\ell^{1/4}` is the theorem's scaling (its constant is not 1).
    """
    _check(study, "study", "EscapeDepthStudy", "escape_depth_study", "plot_escape_depth")
    fig, (speed, ratio) = _axes(1, 2, size=(11.0, 4.4))
    for i, depth in enumerate(study.depths):
        s = study.speeds[i][np.isfinite(study.speeds[i])]
        speed.plot(np.full(s.size, depth), s, "o", ms=4, mfc="none", color="0.5")
    speed.plot(study.depths, study.speed, "o-", color="C0", label="best", gid="speed")
    speed.set(xlabel="depth L", ylabel="escape speed s = −min L₀")
    speed.ticklabel_format(axis="y", useOffset=False)
    spread = float(np.ptp(study.speed))
    speed.set_title(f"best speeds span {spread:.2e} over the depths", fontsize=9, loc="left")
    speed.set_xticks(study.depths)
    speed.legend(fontsize=8)
    values, cap = _finite_for_log(study.weight_ratio)
    colours = [f"C{i % 10}" for i in range(len(study.depths))]
    for i, depth in enumerate(study.depths):
        ell = np.arange(1, depth + 1)
        ratio.plot(ell, values[i, :depth], "o-", color=colours[i], label=f"L = {depth}",
                   gid=f"ratio-L{depth}")  # fmt: skip
    ell = np.arange(1, study.bound.size + 1)
    ratio.plot(ell, study.bound, "k--", lw=1, label="$\\ell^{1/4}$ (scaling)", gid="bound")
    ratio.axhline(1e3, color="C7", ls=":", lw=1, label="rank cut of EscapeResult.ranks")
    ratio.set(yscale="log", xlabel="layer ℓ", ylabel="σ₁/σ₂ of W_ℓ")
    ratio.set_xticks(ell)
    if np.isinf(study.weight_ratio).any():
        ratio.axhline(cap, color="0.7", lw=0.8)
        ratio.text(1, cap, RANK_ONE_NOTE, fontsize=7, va="bottom", color="0.4")
    ratio.legend(fontsize=8, loc="center right")
    ratio.set_title(f"width {study.width}", fontsize=9, loc="left")
    return fig


def plot_escape_direction(result: EscapeResult, spectra: LayerSpectra) -> Figure:
    r"""One escape direction: the restarts' speeds, and :math:`\sigma_i/\sigma_1` per layer.

    Left: every restart's speed, sorted (the spread between competing optima). Right: the
    singular values of every :math:`W_\ell` divided by the largest, log scale (a rank-one
    layer has one point at 1 and the rest at rounding level).
    """
    _check(result, "result", "EscapeResult", "escape_direction", "plot_escape_direction")
    _check(spectra, "spectra", "LayerSpectra", "layer_spectra", "plot_escape_direction")
    fig, (runs, svs) = _axes(1, 2, size=(11.0, 4.2))
    order = np.sort(result.speeds)[::-1]
    runs.plot(np.arange(1, order.size + 1), order, "o-", color="C0", gid="speeds")
    runs.set(xlabel="restart (sorted)", ylabel="speed s = −L₀")
    runs.ticklabel_format(axis="y", useOffset=False)
    runs.xaxis.set_major_locator(MaxNLocator(integer=True))
    runs.set_title(f"best {result.speed:.6g}, status {result.status.name}", fontsize=9, loc="left")
    floor = 1e-12
    for ell, s in enumerate(spectra.weight_singular_values, start=1):
        rel = np.maximum(s[:10] / s[0], floor) if s[0] > 0 else np.full(min(10, s.size), floor)
        svs.plot(np.arange(1, rel.size + 1), rel, "o-", label=f"W_{ell}", gid=f"sv-{ell}")
    svs.set(yscale="log", xlabel="i", ylabel=f"σ_i/σ₁ (floored at {floor:.0e})")
    svs.legend(fontsize=8, ncols=2)
    svs.set_title(f"ranks {tuple(result.ranks)}", fontsize=9, loc="left")
    return fig
