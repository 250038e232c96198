r"""The initialisation-scale study drawn: from the kernel regime to the rich (sparse) regime.

:func:`plot_init_scale` draws the ℓ1 norm and the number of active coordinates of the
minimiser reached against the initialisation scale γ, from a computed
:class:`~saddlepath.experiments.init_scale.InitScaleStudy`. The figure is built with
:class:`matplotlib.figure.Figure` directly (no ``pyplot``); save it with
:func:`saddlepath.io.save_figure_atomic`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from saddlepath.plotting._style import _axes

if TYPE_CHECKING:
    from saddlepath.experiments.init_scale import InitScaleStudy

__all__ = ["plot_init_scale"]


def _draw_runs(ax, x: np.ndarray, values: np.ndarray, ok: np.ndarray, bad: np.ndarray) -> None:
    """One value per run: converged filled, not converged hollow, diverged × at the top."""
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


def plot_init_scale(study: InitScaleStudy) -> Figure:
    """Plot ℓ1 norm and active coordinates of the minimiser reached against γ.

    Top: :math:`\\|\\beta_\\gamma\\|_1` with the minimum-ℓ1 interpolator (rich limit) and the
    ℓ1 norm of the minimum-ℓ2 solution (kernel limit of the P&F initialisation) as
    reference lines. Bottom: number of active coordinates. Diverged runs are marked ×
    at the top of both panels; runs that did not converge are drawn hollow.

    Parameters
    ----------
    study : InitScaleStudy
        From :func:`~saddlepath.experiments.init_scale_study`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from saddlepath.data import worked_example
    >>> from saddlepath.experiments import init_scale_study
    >>> ds = worked_example()
    >>> fig = plot_init_scale(init_scale_study(ds.X, ds.y, [1e-6, 0.5]))
    >>> [ax.get_xscale() for ax in fig.axes]
    ['log', 'log']
    """
    fig, (top, bottom) = _axes(2, 1, size=(7.5, 6.0), sharex=True)
    log_axis = bool(np.all(study.gammas > 0))  # "1e-1000" underflows: plot log10 γ then
    x = study.gammas if log_axis else study.log_gammas / np.log(10.0)
    names = [o.name for o in study.statuses]
    ok = np.array([n == "CONVERGED" for n in names])
    bad = np.array([n == "DIVERGED" for n in names])
    for ax, values, label in (
        (top, study.l1_norm, "‖β‖₁ of the minimiser reached"),
        (bottom, study.n_active.astype(float), "active coordinates"),
    ):
        ax.set_xscale("log" if log_axis else "linear")
        _draw_runs(ax, x, values, ok, bad)
        ax.set_ylabel(label)
    top.axhline(study.min_l1_norm, color="C2", ls="--", label="minimum-ℓ1 interpolator")
    top.axhline(study.min_l2_norm, color="C1", ls=":", label="minimum-ℓ2 solution")
    top.legend(fontsize=9)
    bottom.axhline(np.count_nonzero(study.min_l1_beta), color="C2", ls="--")
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
