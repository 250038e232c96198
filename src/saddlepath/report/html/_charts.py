"""Interactive charts of the report page, as data: one JSON spec per chart.

The page's script (``chart.js``) draws each spec as SVG: curves (``"line"``), staircases
(``"step"``: the value at ``x[i]`` holds until ``x[i+1]``) and points, with an optional
shaded ``band`` (``lo``/``hi``). Hovering names the nearest curve (a coordinate's index,
a saddle) and its value; dragging a rectangle zooms. Values are the records' own numbers,
thinned to at most :data:`MAX_POINTS` per curve; times are accelerated time
τ = t/ln(1/α) and losses L(β) = ‖Xβ − y‖²/(2n).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "MAX_CURVES",
    "MAX_POINTS",
    "VISIBLE",
    "Chart",
    "convergence_charts",
    "path_charts",
    "series",
    "trajectory_charts",
]

MAX_POINTS = 2000  # points kept per curve (evenly thinned, the last point always kept)
MAX_CURVES = 40  # coordinates drawn per chart: the largest by max |β_i|
# chart.js's palette: coordinate i is drawn in COLORS[i % 10] on every chart
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
VISIBLE = 1e-3  # coordinates whose max |β_i| is below this fraction of the largest are not drawn


@dataclass(frozen=True, eq=False)
class Chart:
    """One chart: its anchor ``key``, ``title``, a caption, and the spec ``chart.js`` draws."""

    key: str
    title: str
    caption: str
    spec: dict[str, Any] = field(repr=False)


def _thin(n: int) -> np.ndarray:
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.unique(np.r_[np.linspace(0, n - 1, MAX_POINTS).astype(int), n - 1])


def series(name: str, x, y, *, kind: str = "line", **extra: Any) -> dict[str, Any]:
    """One curve: ``x``, ``y`` as float lists (non-finite values become gaps)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = _thin(x.size) if kind != "points" else np.arange(x.size)
    spec = {"name": name, "kind": kind, "x": x[keep].tolist(), "y": y[keep].tolist()}
    if "labels" in extra:
        extra["labels"] = [extra["labels"][i] for i in keep]
    return spec | extra


def _axes(x: tuple[str, str], y: tuple[str, str], **y_options: Any) -> dict[str, Any]:
    return {"x": {"name": x[0], "label": x[1]}, "y": {"name": y[0], "label": y[1], **y_options}}


def coordinate_name(i: int, names: tuple[str, ...] | None) -> str:
    """``β_3`` or ``β[price]`` (the data's column name)."""
    return f"β_{i}" if names is None else f"β[{names[i]}] (coordinate {i})"


def _largest(beta: np.ndarray) -> tuple[np.ndarray, int]:
    """The coordinates to draw and how many are left out.

    Drawn: at most :data:`MAX_CURVES`, largest max |β_i| first, among those that reach
    :data:`VISIBLE` of the largest (smaller ones are flat at zero on the chart's scale).
    """
    peak = np.abs(beta).max(axis=0) if beta.size else np.zeros(beta.shape[1])
    order = np.argsort(-peak, kind="stable")
    visible = order[peak[order] > VISIBLE * peak.max(initial=0.0)]
    return np.sort(visible[:MAX_CURVES]), beta.shape[1] - min(visible.size, MAX_CURVES)


def _left_note(left: int) -> str:
    if not left:
        return ""
    return (f" {left} coordinate{'s' if left > 1 else ''} below 10⁻³ of the largest (or past "
            f"the first {MAX_CURVES}) {'are' if left > 1 else 'is'} not drawn.")  # fmt: skip


def path_charts(path: Any, names: tuple[str, ...] | None, key: str) -> list[Chart]:
    """The loss staircase and the coordinates of the exact path against τ."""
    end = float(path.tau[-1]) * 1.1 + (1.0 if path.tau[-1] == 0 else 0.0)
    tau = np.r_[path.tau, end]
    labels = [f"saddle {k}" for k in range(path.n_saddles)] + [f"saddle {path.n_saddles - 1}"]
    loss = series("L(β_k)", tau, np.r_[path.loss, path.loss[-1]], kind="step", labels=labels)
    beta = np.asarray(path.beta)
    shown, left = _largest(beta)
    curves = [
        series(coordinate_name(i, names), tau, np.r_[beta[:, i], beta[-1, i]], kind="step",
               labels=labels, value_name=f"β_{i}", color=COLORS[i % len(COLORS)])
        for i in shown
    ]  # fmt: skip
    return [
        Chart(f"{key}-loss", "Loss staircase of the exact path", "L(β_k) held from τ_k to "
              "τ_{k+1}; drag to zoom, double-click to reset; the toolbar switches to a log "
              "scale.", {"title": "loss staircase", **_axes(("τ", "accelerated time τ"),
              ("L", "loss L(β)"), log_toggle=True), "series": [loss]}),
        Chart(f"{key}-beta", "Coordinates of the exact path", "β_k held from τ_k to "
              "τ_{k+1}; hover a curve for its coordinate and value." + _left_note(left),
              {"title": "coordinates", **_axes(("τ", "accelerated time τ"), ("β", "β_i")),
               "series": curves}),
    ]  # fmt: skip


def trajectory_charts(
    traj: Any, names: tuple[str, ...] | None, key: str, path: Any = None
) -> list[Chart]:
    """A finite-α run's loss (log scale) and coordinates against τ, the limit dashed."""
    lam = -float(traj.log_alpha)
    losses = [series(f"run, ln(1/α) = {lam:.4g}", traj.tau, traj.loss)]
    if path is not None:
        tau = np.r_[path.tau, max(float(path.tau[-1]), float(traj.tau[-1]))]
        losses.append(series("α → 0 limit", tau, np.r_[path.loss, path.loss[-1]],
                             kind="step", dash=True, color="#444"))  # fmt: skip
    beta = np.asarray(traj.beta)
    shown, left = _largest(beta)
    curves = [
        series(
            coordinate_name(i, names),
            traj.tau,
            beta[:, i],
            value_name=f"β_{i}",
            color=COLORS[i % len(COLORS)],
        )
        for i in shown
    ]
    return [
        Chart(f"{key}-loss", "Loss of the run", "Plateaus are the saddles; drag to zoom.",
              {"title": "loss", **_axes(("τ", "accelerated time τ"), ("L", "loss L(β)"),
               log=True, log_toggle=True), "series": losses}),
        Chart(f"{key}-beta", "Coordinates of the run", "Hover a curve for its coordinate "
              "and value." + _left_note(left), {"title": "coordinates", **_axes(
              ("τ", "accelerated time τ"), ("β", "β_i")), "series": curves}),
    ]  # fmt: skip


def convergence_charts(study: Any, key: str) -> list[Chart]:
    """Relative error and largest jump delay against λ = ln(1/α), both on log scales."""
    lam = np.asarray(study.lambdas, dtype=float)
    labels = [f"α = {a}" for a in study.alphas]
    error = series("relative error", lam, study.relative_errors, markers=True, labels=labels)
    delay = series("max delay", lam, study.max_delays, markers=True, labels=labels)
    spec = {"title": "convergence", **_axes(("λ", "λ = ln(1/α)"), ("value", "error, delay"),
            log=True, log_toggle=True), "series": [error, delay]}  # fmt: skip
    spec["x"]["log"] = True
    return [Chart(f"{key}-rates", "Convergence to the exact path", "Relative plateau error "
                  "and largest jump delay (τ units) against λ, log–log.", spec)]  # fmt: skip


def runs_loss_chart(runs: list[Any], path: Any, key: str) -> Chart:
    """The loss of several runs against τ (one curve per α), the exact staircase dashed."""
    curves = [series(f"ln(1/α) = {-float(r.log_alpha):.4g}", r.tau, r.loss) for r in runs]
    if path is not None:
        end = max([float(path.tau[-1]), *(float(r.tau[-1]) for r in runs)])
        curves.append(series("α → 0 limit", np.r_[path.tau, end], np.r_[path.loss, path.loss[-1]],
                             kind="step", dash=True, color="#444"))  # fmt: skip
    spec = {"title": "loss of the runs", **_axes(("τ", "accelerated time τ"),
            ("L", "loss L(β)"), log=True, log_toggle=True), "series": curves}  # fmt: skip
    return Chart(f"{key}-runs-loss", "Loss of every run", "One curve per initialisation "
                 "scale α; the staircase emerges as α → 0. Drag to zoom.", spec)  # fmt: skip
