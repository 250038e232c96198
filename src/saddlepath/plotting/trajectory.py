r"""Figures of finite-α runs against accelerated time (in the style of P&F's Figure 1).

* :func:`plot_loss_vs_tau` — the loss of runs at several α against accelerated time: the
  staircase of the limit emerges as α → 0;
* :func:`plot_beta_vs_tau` — every coordinate of one run, the exact path overlaid;
* :func:`plot_trajectory_3d` — three coordinates of runs at several α in 3-D, with the
  saddles and the limit's heteroclinic jumps.

:func:`trajectory_figures` bundles them (and the arc-length view) by file name for
``saddlepath flow --plot``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from saddlepath.analysis.arclength import arclength
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.trajectory import Trajectory
from saddlepath.plotting._style import (
    _axes,
    _check_limit,
    _check_path,
    _horizon,
    _run_colours,
    _runs,
    _shown_coordinates,
    _three_coordinates,
    _until,
    alpha_label,
    legend_outside,
)
from saddlepath.plotting.arclength import plot_arclength
from saddlepath.plotting.path import _COLOURS, LOSS_LABEL, TAU_LABEL

if TYPE_CHECKING:
    from saddlepath.analysis.arclength import LimitArcLength

__all__ = [
    "plot_beta_vs_tau",
    "plot_loss_vs_tau",
    "plot_trajectory_3d",
    "trajectory_figures",
]

_ZERO_LOSS = 1e-12  # losses below this fraction of L(0) are drawn on the floor


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
        x = np.append(path.tau, horizon)
        losses = np.maximum(path.loss, floor)
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


def plot_beta_vs_tau(
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
    >>> fig = plot_beta_vs_tau(gradient_flow(X, y, alpha="1e-50"), saddle_path(X, y))
    >>> sorted(ln.get_gid() for ln in fig.axes[0].get_lines())
    ['limit-coef-0', 'limit-coef-1', 'run-coef-0', 'run-coef-1', 'zero']
    """
    (run,) = _runs(trajectory, "plot_beta_vs_tau")
    path = _check_path(path, "plot_beta_vs_tau")
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
                np.append(path.tau, horizon),
                np.append(path.beta[:, i], path.beta[-1, i]),
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
    legend_outside(ax, "coordinate")
    ax.set_title(
        f"Coordinates of the run at {alpha_label(run.log_alpha)} against τ", fontsize=10, loc="left"
    )
    return fig


def plot_trajectory_3d(
    trajectories,
    path: SaddlePath | None = None,
    *,
    coordinates: Sequence[int] | None = None,
    limit: LimitArcLength | None = None,
) -> Figure:
    r"""Plot three coordinates of runs at several α as curves in 3-D.

    With a path, its saddles are black dots; with ``limit``, the limit's jumps (heteroclinic
    orbits) are a dashed black curve; the runs approach it as α → 0. The figure draws the
    curve it is given and integrates nothing.

    Parameters
    ----------
    trajectories : Trajectory or sequence of Trajectory
    path : SaddlePath, optional
    coordinates : three ints, optional
        Default: the three largest coordinates of the path (or of the runs).
    limit : LimitArcLength, optional
        The limit as a curve, ``arclength_of_path(path)``
        (:func:`~saddlepath.analysis.arclength.arclength_of_path`); needs ``path``.

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
    limit = _check_limit(limit, path, "plot_trajectory_3d")
    idx = _three_coordinates(runs, path, coordinates)
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
    if limit is not None:
        curve = limit.beta[:, idx]
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
    if path is not None:
        s = path.beta[:, idx]
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


def trajectory_figures(
    trajectory: Trajectory, path: SaddlePath, limit: LimitArcLength | None = None
) -> dict[str, Figure]:
    """The figures of one run, by file name (for ``saddlepath flow --plot``).

    Returns ``flow_loss.png``, ``flow_coefs.png``, ``flow_arclength.png`` and, with at
    least three features, ``flow_3d.png``. ``limit`` (``arclength_of_path(path)``) is drawn
    in the last two when given.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> from saddlepath.analysis import arclength_of_path
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.eye(3), np.array([1.0, 0.5, 0.2])
    >>> path = saddle_path(X, y)
    >>> run = gradient_flow(X, y, alpha="1e-30")
    >>> sorted(trajectory_figures(run, path, arclength_of_path(path)))
    ['flow_3d.png', 'flow_arclength.png', 'flow_coefs.png', 'flow_loss.png']
    """
    figures = {
        "flow_loss.png": plot_loss_vs_tau(trajectory, path),
        "flow_coefs.png": plot_beta_vs_tau(trajectory, path),
        "flow_arclength.png": plot_arclength(
            arclength(trajectory), path, labels=[alpha_label(trajectory.log_alpha)], limit=limit
        ),
    }
    if trajectory.beta.shape[1] >= 3:
        figures["flow_3d.png"] = plot_trajectory_3d(trajectory, path, limit=limit)
    return figures
