r"""The arc-length view of runs and of the limit, where the limit is a continuous curve.

:func:`plot_arclength` draws τ and β against :math:`a = \tau + \int\|d\tilde\beta/d\sigma\|`:
on plateaus τ rises at unit slope, during jumps it stands still while β moves along the
heteroclinic orbit. Every curve is given: the runs' by
:func:`~saddlepath.analysis.arclength.arclength`, the limit's by
:func:`~saddlepath.analysis.arclength.arclength_of_path`; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from saddlepath.analysis.arclength import ArcLength, LimitArcLength
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.plotting._style import (
    _axes,
    _check_limit,
    _check_path,
    _horizon,
    _run_colours,
    _shown_coordinates,
    legend_outside,
    one_or_many,
)
from saddlepath.plotting.path import _COLOURS

__all__ = ["plot_arclength"]


def _curves(curves, labels, where: str) -> tuple[list[ArcLength], list[str]]:
    """The runs' curves as a list, and one label per curve (``"run <j>"`` by default)."""
    shown = one_or_many(
        curves, ArcLength, name="curves", where=where, source="saddlepath.analysis.arclength(run)"
    )
    labels = [f"run {j}" for j in range(len(shown))] if labels is None else list(labels)
    if len(labels) != len(shown):
        raise ValueError(
            f"The `labels` parameter of {where} must give one label per curve: got "
            f"{len(labels)} labels for {len(shown)} curves."
        )
    return list(shown), labels


def plot_arclength(
    curves: ArcLength | Sequence[ArcLength],
    path: SaddlePath | None = None,
    *,
    labels: Sequence[str] | None = None,
    n_labels: int = 6,
    limit: LimitArcLength | None = None,
) -> Figure:
    r"""Plot τ (top) and β (bottom) against the arc length :math:`a(\tau) = \tau +
    \int_0^\tau\|d\tilde\beta/d\sigma\|_2 d\sigma`.

    In arc length the limit (dashed) is continuous: τ rises at unit slope on plateaus and
    stands still during jumps, where β moves along the heteroclinic orbit.

    Parameters
    ----------
    curves : ArcLength or sequence of ArcLength
        The runs in arc length, ``arclength(run)`` each, drawn in the order given (the
        colour darkens along it: pass the largest α first). Drawn up to the path's
        comparison horizon when a path is given.
    path : SaddlePath, optional
    labels : sequence of str, optional
        One legend label per curve, e.g. ``alpha_label(run.log_alpha)``; ``"run <j>"``
        by default.
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
    >>> from saddlepath.analysis import arclength, arclength_of_path
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.eye(2), np.array([1.0, 0.5])
    >>> path = saddle_path(X, y)
    >>> run = gradient_flow(X, y, alpha="1e-50")
    >>> len(plot_arclength(arclength(run), path, limit=arclength_of_path(path)).axes)
    2
    """
    curves, labels = _curves(curves, labels, "plot_arclength")
    path = _check_path(path, "plot_arclength")
    limit = _check_limit(limit, path, "plot_arclength")
    horizon = _horizon(curves, path)
    shown = _shown_coordinates(curves, path, n_labels)
    fig, (top, bottom) = _axes(2, 1, size=(8.5, 6.5), sharex=True)
    colours = _run_colours(len(curves))
    for j, (curve, label, colour) in enumerate(zip(curves, labels, colours, strict=True)):
        keep = curve.tau <= horizon
        top.plot(curve.a[keep], curve.tau[keep], color=colour, lw=1.5, label=label, gid=f"run-{j}")
        for rank, i in enumerate(shown):
            bottom.plot(
                curve.a[keep],
                curve.beta[keep, i],
                color=_COLOURS[rank % len(_COLOURS)],
                lw=1.4,
                alpha=0.35 + 0.65 * (j + 1) / len(curves),
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
