r"""Figures of finite-α runs against the α → 0 limit (in the style of P&F's Figure 1).

* :func:`plot_loss_vs_tau` — the loss of runs at several α against accelerated time: the
  staircase of the limit emerges as α → 0;
* :func:`plot_coordinates_vs_tau` — every coordinate of one run, the exact path overlaid;
* :func:`plot_trajectory_3d` — three coordinates of runs at several α in 3-D, with the
  saddles and the limit's heteroclinic jumps;
* :func:`plot_arclength` — τ and β against the arc length
  :math:`a = \tau + \int\|d\tilde\beta/d\sigma\|`, where the limit is a continuous curve;
* :func:`plot_convergence` — sup-error and jump delay against :math:`\lambda = \ln(1/\alpha)`,
  log-log, with the fitted rates.

:func:`trajectory_figures` and :func:`convergence_figures` bundle them by file name for the
CLI. Figures are :class:`matplotlib.figure.Figure` objects (no ``pyplot``); runs are
coloured by λ, from dark (large α) to bright (small α); the limit is black and dashed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from saddlepath.analysis.arclength import arclength, arclength_of_path
from saddlepath.analysis.convergence import ComparisonStatus, comparison_horizon
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.trajectory import Trajectory
from saddlepath.plotting.path import _COLOURS, LOSS_LABEL, TAU_LABEL

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from saddlepath.analysis.convergence import ConvergenceStudy, RateFit

__all__ = [
    "alpha_label",
    "convergence_figures",
    "plot_arclength",
    "plot_convergence",
    "plot_coordinates_vs_tau",
    "plot_loss_vs_tau",
    "plot_trajectory_3d",
    "trajectory_figures",
]

LAMBDA_LABEL = "λ = ln(1/α)"
_ZERO_LOSS = 1e-12  # losses below this fraction of L(0) are drawn on the floor
_ACTIVE = 1e-3  # without a path, a coordinate is shown when max|β_i| exceeds this · max|β|


def alpha_label(log_alpha: float) -> str:
    """``"α = 1e-100"`` when α is a power of ten, else ``"α = exp(-1e+05)"``.

    Examples
    --------
    >>> import math
    >>> alpha_label(-100 * math.log(10)), alpha_label(-1e5)
    ('α = 1e-100', 'α = exp(-1e+05)')
    """
    log10 = log_alpha / np.log(10.0)
    if abs(log10 - round(log10)) < 1e-9 * max(1.0, abs(log10)):
        return f"α = 1e{round(log10)}"
    return f"α = exp({log_alpha:.4g})"


def _runs(trajectories, where: str) -> list[Trajectory]:
    runs = [trajectories] if isinstance(trajectories, Trajectory) else trajectories
    if (
        not isinstance(runs, Sequence)
        or not runs
        or not all(isinstance(r, Trajectory) for r in runs)
    ):
        raise TypeError(
            f"The `trajectories` parameter of {where} must be a Trajectory or a non-empty "
            f"sequence of them (from gradient_flow). Got {type(trajectories).__name__}."
        )
    return sorted(runs, key=lambda r: -r.log_alpha)  # large α first


def _check_path(path, where: str) -> SaddlePath | None:
    if path is not None and not isinstance(path, SaddlePath):
        raise TypeError(
            f"The `path` parameter of {where} must be a SaddlePath or None. Got "
            f"{type(path).__name__} instead."
        )
    return path


def _run_colours(n: int) -> list:
    cmap = colormaps["plasma"]
    return [cmap(x) for x in np.linspace(0.05, 0.8, n)] if n > 1 else [cmap(0.05)]


def _horizon(runs: list[Trajectory], path: SaddlePath | None) -> float:
    if path is not None:
        return comparison_horizon(path)
    return float(max(r.tau[-1] for r in runs))


def _until(tau: np.ndarray, horizon: float) -> np.ndarray:
    """Mask of the saved points up to ``horizon`` and the first one after it."""
    keep = tau <= horizon
    first_after = np.searchsorted(tau, horizon, side="right")
    keep[min(first_after, tau.size - 1)] = True
    return keep


def _shown_coordinates(runs, path: SaddlePath | None, n_max: int | None = None) -> np.ndarray:
    """Coordinates to draw, largest first: those of the path, else those the runs move."""
    if path is not None:
        size = np.abs(path.coefs).max(axis=0)
        active = np.flatnonzero(size > 0)
    else:
        size = np.max([np.abs(r.beta).max(axis=0) for r in runs], axis=0)
        active = np.flatnonzero(size > _ACTIVE * size.max()) if size.max() > 0 else []
    active = np.asarray(active, dtype=int)
    active = active[np.argsort(-size[active], kind="stable")]
    return active if n_max is None else active[:n_max]


def _axes(nrows: int = 1, ncols: int = 1, size=(8.5, 4.5), **kw):
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw).ravel()
    for ax in axes:
        ax.grid(True, which="major", color="0.9", lw=0.8)
        ax.set_axisbelow(True)
    return fig, axes


def plot_loss_vs_tau(trajectories, path: SaddlePath | None = None) -> Figure:
    r"""Plot the loss of runs at several α against accelerated time :math:`\tau = t/\lambda`.

    As α → 0 the curves approach the limit's staircase :math:`L(\beta^\circ(\tau))` (black,
    dashed): plateaus at the saddles' losses, drops at the jump times. Losses below
    ``1e-12·L(0)`` are drawn at that floor of the log axis.

    Parameters
    ----------
    trajectories : Trajectory or sequence of Trajectory
    path : SaddlePath, optional
        The exact limit; also sets the τ range to its comparison horizon.

    Returns
    -------
    matplotlib.figure.Figure
        Lines with ``gid`` ``"run-<j>"`` (runs sorted by decreasing α) and ``"limit"``.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.eye(2), np.array([1.0, 0.5])
    >>> runs = [gradient_flow(X, y, alpha=a, tau_max=5.0) for a in ("1e-5", "1e-50")]
    >>> len(plot_loss_vs_tau(runs).axes[0].get_lines())
    2
    """
    runs = _runs(trajectories, "plot_loss_vs_tau")
    path = _check_path(path, "plot_loss_vs_tau")
    horizon = _horizon(runs, path)
    fig, (ax,) = _axes()
    top = max(float(r.loss[0]) for r in runs)
    floor = _ZERO_LOSS * top if top > 0 else _ZERO_LOSS
    for j, (run, colour) in enumerate(zip(runs, _run_colours(len(runs)), strict=True)):
        keep = _until(run.tau, horizon)
        ax.plot(
            run.tau[keep],
            np.maximum(run.loss[keep], floor),
            color=colour,
            lw=1.6,
            label=alpha_label(run.log_alpha),
            gid=f"run-{j}",
        )
    if path is not None:
        x = np.append(path.times, horizon)
        losses = np.maximum(path.losses, floor)
        ax.step(
            x,
            np.append(losses, losses[-1]),
            where="post",
            color="k",
            ls="--",
            lw=1.2,
            label="limit α → 0",
            gid="limit",
        )
    ax.set_yscale("log")
    ax.set_xlim(0.0, horizon)
    ax.set_xlabel(TAU_LABEL)
    ax.set_ylabel(LOSS_LABEL)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(
        "Loss against accelerated time: the staircase emerges as α → 0", fontsize=10, loc="left"
    )
    return fig


def plot_coordinates_vs_tau(
    trajectory: Trajectory, path: SaddlePath | None = None, *, n_labels: int = 8
) -> Figure:
    r"""Plot every coordinate of a run against τ, the exact path's steps overlaid (dashed).

    Parameters
    ----------
    trajectory : Trajectory
    path : SaddlePath, optional
        The exact limit :math:`\beta^\circ(\tau)`, drawn as dashed steps of the same colour.
    n_labels : int, default 8
        The ``n_labels`` largest coordinates are coloured and named; others are thin grey.

    Returns
    -------
    matplotlib.figure.Figure
        Lines with ``gid`` ``"run-coef-<i>"`` and ``"limit-coef-<i>"`` for coordinate ``i``.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.eye(2), np.array([1.0, 0.5])
    >>> fig = plot_coordinates_vs_tau(gradient_flow(X, y, alpha="1e-50"), saddle_path(X, y))
    >>> sorted(ln.get_gid() for ln in fig.axes[0].get_lines())
    ['limit-coef-0', 'limit-coef-1', 'run-coef-0', 'run-coef-1', 'zero']
    """
    (run,) = _runs(trajectory, "plot_coordinates_vs_tau")
    path = _check_path(path, "plot_coordinates_vs_tau")
    horizon = _horizon([run], path)
    fig, (ax,) = _axes()
    keep = _until(run.tau, horizon)
    for rank, i in enumerate(_shown_coordinates([run], path)):
        named = rank < n_labels
        colour = _COLOURS[rank % len(_COLOURS)] if named else "0.65"
        ax.plot(
            run.tau[keep],
            run.beta[keep, i],
            color=colour,
            lw=1.8 if named else 0.8,
            label=str(i) if named else "_nolegend_",
            gid=f"run-coef-{i}",
        )
        if path is not None:
            ax.step(
                np.append(path.times, horizon),
                np.append(path.coefs[:, i], path.coefs[-1, i]),
                where="post",
                color=colour,
                ls="--",
                lw=1.0,
                gid=f"limit-coef-{i}",
            )
    ax.axhline(0.0, color="0.3", lw=0.6, gid="zero")
    ax.set_xlim(0.0, horizon)
    ax.set_xlabel(TAU_LABEL)
    ax.set_ylabel("coefficient β̃ᵢ(τ)  (dashed: limit β°ᵢ)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(
            title="coordinate",
            fontsize=8,
            title_fontsize=8,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
    ax.set_title(
        f"Coordinates of the run at {alpha_label(run.log_alpha)} against τ", fontsize=10, loc="left"
    )
    return fig


def _three(runs, path, coordinates) -> np.ndarray:
    d = runs[0].beta.shape[1]
    if coordinates is None:
        shown = list(_shown_coordinates(runs, path, 3))
        shown += [i for i in range(d) if i not in shown][: 3 - len(shown)]
        coordinates = shown
    idx = np.asarray(coordinates)
    if (
        idx.shape != (3,)
        or not np.issubdtype(idx.dtype, np.integer)
        or np.any(idx < 0)
        or np.any(idx >= d)
        or np.unique(idx).size != 3
    ):
        raise ValueError(
            f"`coordinates` must be three distinct feature indices in [0, {d}); got "
            f"{coordinates!r}. A 3-D view needs at least 3 features."
        )
    return idx


def plot_trajectory_3d(
    trajectories, path: SaddlePath | None = None, *, coordinates: Sequence[int] | None = None
) -> Figure:
    r"""Plot three coordinates of runs at several α as curves in 3-D.

    With a path, its saddles are black dots and the limit's jumps (heteroclinic orbits, see
    :func:`~saddlepath.analysis.arclength.arclength_of_path`) a dashed black curve; the runs
    approach it as α → 0.

    Parameters
    ----------
    trajectories : Trajectory or sequence of Trajectory
    path : SaddlePath, optional
    coordinates : three ints, optional
        Default: the three largest coordinates of the path (or of the runs).

    Returns
    -------
    matplotlib.figure.Figure
        A 3-D axes with lines ``"run-<j>"``, ``"limit"`` and the ``"saddles"`` markers.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> run = gradient_flow(np.eye(3), np.array([1.0, 0.5, 0.2]), alpha="1e-20")
    >>> plot_trajectory_3d(run).axes[0].name
    '3d'
    """
    runs = _runs(trajectories, "plot_trajectory_3d")
    path = _check_path(path, "plot_trajectory_3d")
    idx = _three(runs, path, coordinates)
    horizon = _horizon(runs, path)
    fig = Figure(figsize=(7.0, 6.0), layout="constrained")
    ax = fig.add_subplot(projection="3d")
    for j, (run, colour) in enumerate(zip(runs, _run_colours(len(runs)), strict=True)):
        b = run.beta[_until(run.tau, horizon)][:, idx]
        ax.plot(
            b[:, 0],
            b[:, 1],
            b[:, 2],
            color=colour,
            lw=1.5,
            label=alpha_label(run.log_alpha),
            gid=f"run-{j}",
        )
    if path is not None:
        curve = arclength_of_path(path).beta[:, idx]
        ax.plot(
            curve[:, 0],
            curve[:, 1],
            curve[:, 2],
            color="k",
            ls="--",
            lw=1.0,
            label="limit α → 0",
            gid="limit",
        )
        s = path.coefs[:, idx]
        ax.plot(
            s[:, 0],
            s[:, 1],
            s[:, 2],
            "o",
            color="k",
            ms=4,
            ls="none",
            gid="saddles",
            label="saddles β_k",
        )
    for setter, i in zip((ax.set_xlabel, ax.set_ylabel, ax.set_zlabel), idx, strict=True):
        setter(f"β_{i}")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("Three coordinates of the runs: saddle to saddle", fontsize=10, loc="left")
    return fig


def plot_arclength(trajectories, path: SaddlePath | None = None, *, n_labels: int = 6) -> Figure:
    r"""Plot τ (top) and β (bottom) against the arc length :math:`a(\tau) = \tau +
    \int_0^\tau\|d\tilde\beta/d\sigma\|_2 d\sigma`.

    In arc length the limit (dashed) is continuous: τ rises at unit slope on plateaus and
    stands still during jumps, where β moves along the heteroclinic orbit.

    Parameters
    ----------
    trajectories : Trajectory or sequence of Trajectory
        Drawn up to the path's comparison horizon when a path is given.
    path : SaddlePath, optional
    n_labels : int, default 6
        Number of coordinates drawn in the bottom panel (largest first).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; top lines ``"run-<j>"``/``"limit"``, bottom ``"run-<j>-coef-<i>"`` and
        ``"limit-coef-<i>"``.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.eye(2), np.array([1.0, 0.5])
    >>> fig = plot_arclength(gradient_flow(X, y, alpha="1e-50"), saddle_path(X, y))
    >>> len(fig.axes)
    2
    """
    runs = _runs(trajectories, "plot_arclength")
    path = _check_path(path, "plot_arclength")
    horizon = _horizon(runs, path)
    shown = _shown_coordinates(runs, path, n_labels)
    fig, (top, bottom) = _axes(2, 1, size=(8.5, 6.5), sharex=True)
    for j, (run, colour) in enumerate(zip(runs, _run_colours(len(runs)), strict=True)):
        curve = arclength(run)
        keep = curve.tau <= horizon
        top.plot(
            curve.a[keep],
            curve.tau[keep],
            color=colour,
            lw=1.5,
            label=alpha_label(run.log_alpha),
            gid=f"run-{j}",
        )
        for rank, i in enumerate(shown):
            bottom.plot(
                curve.a[keep],
                curve.beta[keep, i],
                color=_COLOURS[rank % len(_COLOURS)],
                lw=1.4,
                alpha=0.35 + 0.65 * (j + 1) / len(runs),
                gid=f"run-{j}-coef-{i}",
            )
    if path is not None:
        limit = arclength_of_path(path, tau_max=horizon)
        top.plot(limit.a, limit.tau, color="k", ls="--", lw=1.0, label="limit α → 0", gid="limit")
        for rank, i in enumerate(shown):
            bottom.plot(
                limit.a,
                limit.beta[:, i],
                color=_COLOURS[rank % len(_COLOURS)],
                ls="--",
                lw=1.0,
                label=str(i),
                gid=f"limit-coef-{i}",
            )
    top.set_ylabel("τ (stands still in jumps)")
    top.legend(fontsize=8, loc="upper left")
    bottom.set_ylabel("coefficient βᵢ")
    bottom.set_xlabel("arc length a = τ + ∫‖dβ̃/dσ‖ dσ")
    if bottom.get_legend_handles_labels()[0]:
        bottom.legend(
            title="coordinate (dashed: limit)",
            fontsize=8,
            title_fontsize=8,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
    top.set_title("Arc-length view: the limit is a continuous curve", fontsize=10, loc="left")
    return fig


def _draw_fit(ax: Axes, fit: RateFit, gid: str, label: str, style: str) -> None:
    if fit.status.name != "FITTED":
        return
    lam = np.geomspace(fit.lambdas.min() / 1.3, fit.lambdas.max() * 1.3, 50)
    ax.plot(lam, fit.predict(lam), style, color="k", lw=1.0, gid=gid, label=label)


def _draw_points(ax: Axes, lam, values, matched, gid: str, colour: str) -> None:
    ok = matched & np.isfinite(values) & (values > 0)
    bad = ~matched & np.isfinite(values) & (values > 0)
    ax.plot(lam[ok], values[ok], "o", color=colour, ms=6, gid=gid, label="runs (all saddles)")
    if bad.any():
        ax.plot(
            lam[bad],
            values[bad],
            "o",
            mfc="none",
            color=colour,
            ms=6,
            gid=f"{gid}-unresolved",
            label="runs missing saddles (not fitted)",
        )


def plot_convergence(study: ConvergenceStudy) -> Figure:
    r"""Plot the sup-error and the jump delay against :math:`\lambda = \ln(1/\alpha)`, log-log.

    Left: relative sup-error on the plateau windows with the power-law fit
    :math:`C\lambda^p` (solid) and the fit :math:`C\alpha^c` (dotted), the fit floor dotted
    grey. Right: the largest jump delay :math:`\max_k|\tau^\times_k - \tau_k|` with its
    power-law fit (the limit predicts slope −1), and every jump's delay as small dots.
    Filled markers are the fitted runs (every saddle visited); hollow ones are not fitted.

    Parameters
    ----------
    study : ConvergenceStudy
        From :func:`~saddlepath.analysis.convergence.convergence_study`.

    Returns
    -------
    matplotlib.figure.Figure
        Lines ``"errors"``, ``"error-fit"``, ``"error-alpha-fit"``, ``"floor"`` (left) and
        ``"delays"``, ``"jump-delays"``, ``"delay-fit"`` (right).

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.analysis.convergence import convergence_study
    >>> X, y = np.eye(2), np.array([1.0, 0.5])
    >>> study = convergence_study(X, y, ["1e-10", "1e-100", "1e-1000"])
    >>> [ax.get_xscale() for ax in plot_convergence(study).axes]
    ['log', 'log']
    """
    from saddlepath.analysis.convergence import ConvergenceStudy

    if not isinstance(study, ConvergenceStudy):
        raise TypeError(
            "The `study` parameter of plot_convergence must be a ConvergenceStudy (from "
            f"convergence_study). Got {type(study).__name__} instead."
        )
    lam = study.lambdas
    matched = np.array([c.status is ComparisonStatus.MATCHED for c in study.comparisons])
    fig, (left, right) = _axes(1, 2, size=(11.0, 4.5))
    _draw_points(left, lam, study.relative_errors, matched, "errors", "C0")
    er, ea = study.error_rate, study.error_alpha_rate
    _draw_fit(left, er, "error-fit", f"fit ∝ λ^{er.slope:.2f}", "-")
    _draw_fit(left, ea, "error-alpha-fit", f"fit ∝ α^{-ea.slope:.3g}", ":")
    left.axhline(
        study.fit_floor,
        color="0.5",
        ls=":",
        lw=1.0,
        gid="floor",
        label="fit floor (solver resolution)",
    )
    left.set_ylabel("sup-error on plateaus / max‖β_k‖∞")
    _draw_points(right, lam, study.max_delays, matched, "delays", "C1")
    delays = np.abs(study.jump_delays)
    lam_rep = np.repeat(lam, delays.shape[1])
    pos = np.isfinite(delays.ravel()) & (delays.ravel() > 0)
    right.plot(
        lam_rep[pos],
        delays.ravel()[pos],
        ".",
        color="0.5",
        ms=3,
        gid="jump-delays",
        label="each jump",
    )
    dr = study.delay_rate
    _draw_fit(right, dr, "delay-fit", f"fit ∝ λ^{dr.slope:.2f}", "-")
    right.set_ylabel("jump delay |τ× − τ_k| (accelerated time)")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(LAMBDA_LABEL)
        ax.legend(fontsize=8)
    fig.suptitle(
        f"Convergence to the limit as α → 0 ({study.path.n_jumps} jumps)",
        fontsize=10,
        x=0.01,
        ha="left",
    )
    return fig


def trajectory_figures(trajectory: Trajectory, path: SaddlePath) -> dict[str, Figure]:
    """The figures of one run, by file name (for ``saddlepath flow --plot``).

    Returns ``flow_loss.png``, ``flow_coefs.png``, ``flow_arclength.png`` and, with at
    least three features, ``flow_3d.png``.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.eye(3), np.array([1.0, 0.5, 0.2])
    >>> sorted(trajectory_figures(gradient_flow(X, y, alpha="1e-30"), saddle_path(X, y)))
    ['flow_3d.png', 'flow_arclength.png', 'flow_coefs.png', 'flow_loss.png']
    """
    figures = {
        "flow_loss.png": plot_loss_vs_tau(trajectory, path),
        "flow_coefs.png": plot_coordinates_vs_tau(trajectory, path),
        "flow_arclength.png": plot_arclength(trajectory, path),
    }
    if trajectory.beta.shape[1] >= 3:
        figures["flow_3d.png"] = plot_trajectory_3d(trajectory, path)
    return figures


def convergence_figures(study: ConvergenceStudy) -> dict[str, Figure]:
    """The figures of a convergence study, by file name (for ``saddlepath converge``).

    ``convergence.png`` always; when the study kept its runs (``keep_runs=True``) also the
    Figure-1 analogue: ``loss_vs_tau.png``, ``coefs_vs_tau.png`` (smallest α),
    ``arclength.png`` and, with at least three features, ``trajectory_3d.png``.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.analysis.convergence import convergence_study
    >>> X, y = np.eye(3), np.array([1.0, 0.5, 0.2])
    >>> study = convergence_study(X, y, ["1e-10", "1e-100"], keep_runs=True)
    >>> sorted(convergence_figures(study))[:2]
    ['arclength.png', 'coefs_vs_tau.png']
    """
    figures = {"convergence.png": plot_convergence(study)}
    runs, path = list(study.runs), study.path
    if runs:
        smallest = min(runs, key=lambda r: r.log_alpha)
        figures["loss_vs_tau.png"] = plot_loss_vs_tau(runs, path)
        figures["coefs_vs_tau.png"] = plot_coordinates_vs_tau(smallest, path)
        figures["arclength.png"] = plot_arclength(runs, path)
        if path.n_features >= 3:
            figures["trajectory_3d.png"] = plot_trajectory_3d(runs, path)
    return figures
