r"""Figures of the saddle analysis (the only analysis module that imports matplotlib).

* :func:`plot_saddle_landscape` — every critical point of :math:`F` (loss against support
  size, coloured by Morse index) with the exact path's saddles joined in order;
* :func:`plot_init_scale` — ℓ1 norm and number of active coordinates of the minimiser
  reached against the initialisation scale γ: the kernel-to-rich transition.

Figures are built with :class:`matplotlib.figure.Figure` directly (no ``pyplot``, no GUI
backend, nothing kept alive globally); save them with
:func:`saddlepath.io.save_figure_atomic`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

if TYPE_CHECKING:
    from saddlepath.analysis.init_scale import InitScaleStudy
    from saddlepath.landscape import SaddleCatalog

__all__ = ["plot_init_scale", "plot_saddle_landscape"]

LOSS_LABEL = "loss L(β) = ‖Xβ − y‖² / (2n)"
_ZERO_LOSS = 1e-12  # losses below this fraction of L(0) are drawn on the floor of the axis


def _spread(sizes: np.ndarray, losses: np.ndarray, width: float = 0.6) -> np.ndarray:
    """x positions: the support size, points of one size spread by loss rank (no overlap)."""
    x = sizes.astype(float)
    for k in np.unique(sizes):
        members = np.flatnonzero(sizes == k)
        if members.size > 1:
            rank = np.argsort(np.argsort(losses[members], kind="stable"), kind="stable")
            x[members] += width * (rank / (members.size - 1) - 0.5)
    return x


def _floor_losses(losses: np.ndarray) -> tuple[np.ndarray, bool, float | None]:
    """Losses with round-off zeros lifted to a floor, whether a log axis fits, the floor."""
    top = float(losses.max(initial=0.0))
    tiny = losses <= _ZERO_LOSS * top
    if top <= 0 or tiny.all():
        return losses, False, None
    floor = float(losses[~tiny].min()) / 10
    return np.where(tiny, floor, losses), top / floor > 100, floor if tiny.any() else None


def plot_saddle_landscape(catalog: SaddleCatalog) -> Figure:
    """Plot the saddle landscape: loss against support size, the visited path highlighted.

    Every isolated critical point is a dot coloured by its Morse index (number of unstable
    directions); the saddles of the exact path are ringed and joined in the order visited,
    with their position ``k`` on the path. Losses that are zero up to round-off are drawn
    at the bottom of a log axis.

    Parameters
    ----------
    catalog : SaddleCatalog
        From :func:`~saddlepath.analysis.enumerate_saddles`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.analysis import enumerate_saddles
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> fig = plot_saddle_landscape(enumerate_saddles(X, y))
    >>> fig.axes[0].get_xlabel()
    'support size |S|'
    """
    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.grid(True, color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    losses, log_axis, floor = _floor_losses(catalog.loss)
    x = _spread(catalog.support_sizes, catalog.loss)
    dots = ax.scatter(
        x, losses, c=catalog.morse_index, cmap="viridis", s=18, zorder=2, gid="critical-points"
    )
    fig.colorbar(dots, ax=ax, label="Morse index (unstable directions)")
    visited = np.flatnonzero(catalog.visited)
    order = visited[np.argsort(catalog.path_position[visited])]
    ax.plot(
        x[order],
        losses[order],
        "-o",
        color="C3",
        mfc="none",
        ms=10,
        lw=1.5,
        zorder=3,
        gid="path",
        label="exact saddle path",
    )
    for j in order:
        ax.annotate(
            f"k={catalog.path_position[j]}",
            (x[j], losses[j]),
            xytext=(6, 4),
            textcoords="offset points",
            fontsize=8,
            color="C3",
        )
    if log_axis:
        ax.set_yscale("log")
    if floor is not None:
        ax.annotate(
            "interpolators: L ≈ 0 (round-off), drawn on this floor",
            (0.01, floor),
            xycoords=("axes fraction", "data"),
            xytext=(0, 5),
            textcoords="offset points",
            fontsize=8,
            color="0.35",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("support size |S|")
    ax.set_ylabel(LOSS_LABEL)
    ax.legend(loc="upper right", fontsize=9)
    ax.set_title(
        f"Saddle landscape: {len(catalog)} critical points, {order.size} on the path "
        f"({catalog.n_dependent} dependent supports skipped)",
        fontsize=10,
        loc="left",
    )
    return fig


def plot_init_scale(study: InitScaleStudy) -> Figure:
    """Plot ℓ1 norm and active coordinates of the minimiser reached against γ.

    Top: :math:`\\|\\beta_\\gamma\\|_1` with the minimum-ℓ1 interpolator (rich limit) and the
    ℓ1 norm of the minimum-ℓ2 solution (kernel limit of the P&F initialisation) as
    reference lines. Bottom: number of active coordinates. Diverged runs are marked ×
    at the top of both panels; runs that did not converge are drawn hollow.

    Parameters
    ----------
    study : InitScaleStudy
        From :func:`~saddlepath.analysis.init_scale_study`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.analysis import init_scale_study
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> fig = plot_init_scale(init_scale_study(X, y, [1e-6, 0.5]))
    >>> [ax.get_xscale() for ax in fig.axes]
    ['log', 'log']
    """
    fig = Figure(figsize=(7.5, 6.0), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    log_axis = bool(np.all(study.gammas > 0))  # "1e-1000" underflows: plot log10 γ then
    x = study.gammas if log_axis else study.log_gammas / np.log(10.0)
    names = [o.name for o in study.statuses]
    ok = np.array([n == "CONVERGED" for n in names])
    bad = np.array([n == "DIVERGED" for n in names])
    for ax, values, label in (
        (top, study.l1_norm, "‖β‖₁ of the minimiser reached"),
        (bottom, study.n_active.astype(float), "active coordinates"),
    ):
        ax.grid(True, color="0.9", lw=0.8)
        ax.set_axisbelow(True)
        ax.set_xscale("log" if log_axis else "linear")
        ax.plot(x[~bad], values[~bad], "-", color="C0", lw=1, zorder=2)
        ax.plot(x[ok], values[ok], "o", color="C0", zorder=3, gid="converged")
        ax.plot(
            x[~ok & ~bad],
            values[~ok & ~bad],
            "o",
            mfc="none",
            color="C0",
            zorder=3,
            gid="not-converged",
        )
        if bad.any():
            ax.plot(
                x[bad],
                np.full(bad.sum(), 0.97),
                "x",
                color="C3",
                ms=9,
                transform=ax.get_xaxis_transform(),
                gid="diverged",
                label="diverged",
            )
        ax.set_ylabel(label)
    top.axhline(study.min_l1_norm, color="C2", ls="--", label="minimum-ℓ1 interpolator")
    top.axhline(study.min_l2_norm, color="C1", ls=":", label="minimum-ℓ2 solution")
    top.legend(fontsize=9)
    bottom.axhline(np.count_nonzero(study.min_l1_coef), color="C2", ls="--")
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    scale = "initialisation scale γ" if log_axis else "log10 of the initialisation scale γ"
    bottom.set_xlabel(
        f"{scale}   (u₀ = √2·γ, v₀ = {study.v0:g}·γ; "
        f"{'gradient flow' if study.method == 'flow' else 'GD'})"
    )
    top.set_title(
        "Kernel (large γ, dense) to rich (small γ, sparse) regime", fontsize=10, loc="left"
    )
    return fig
