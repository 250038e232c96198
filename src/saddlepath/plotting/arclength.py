r"""The arc-length view of runs and of the limit, where the limit is a continuous curve.

:func:`plot_arclength` draws τ and β against :math:`a = \tau + \int\|d\tilde\beta/d\sigma\|`:
on plateaus τ rises at unit slope, during jumps it stands still while β moves along the
heteroclinic orbit. The limit's curve is given, computed by
:func:`~saddlepath.analysis.arclength.arclength_of_path`; nothing is integrated here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from saddlepath.analysis.arclength import arclength
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.plotting._style import (
    _axes,
    _check_limit,
    _check_path,
    _horizon,
    _run_colours,
    _runs,
    _shown_coordinates,
    alpha_label,
    legend_outside,
)
from saddlepath.plotting.path import _COLOURS

if TYPE_CHECKING:
    from saddlepath.analysis.arclength import LimitArcLength

__all__ = ["plot_arclength"]


def plot_arclength(
    trajectories,
    path: SaddlePath | None = None,
    *,
    n_labels: int = 6,
    limit: LimitArcLength | None = None,
) -> Figure:
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
    limit : LimitArcLength, optional
        The limit in arc length up to the comparison horizon, ``arclength_of_path(path)``;
        drawn dashed when given (needs ``path``).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; top lines ``"run-<j>"``/``"limit"``, bottom ``"run-<j>-coef-<i>"`` and
        ``"limit-coef-<i>"``.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> from saddlepath.analysis import arclength_of_path
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.eye(2), np.array([1.0, 0.5])
    >>> path = saddle_path(X, y)
    >>> run = gradient_flow(X, y, alpha="1e-50")
    >>> len(plot_arclength(run, path, limit=arclength_of_path(path)).axes)
    2
    """
    runs = _runs(trajectories, "plot_arclength")
    path = _check_path(path, "plot_arclength")
    limit = _check_limit(limit, path, "plot_arclength")
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
    if limit is not None:
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
    legend_outside(bottom, "coordinate (dashed: limit)")
    top.set_title("Arc-length view: the limit is a continuous curve", fontsize=10, loc="left")
    return fig
