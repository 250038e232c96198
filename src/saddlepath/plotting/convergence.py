r"""The convergence plot of a study: sup-error and jump delay against λ = ln(1/α).

* :func:`plot_convergence` — log-log, with the fitted rates;
* :func:`convergence_figures` — it and, when the study kept its runs, the Figure-1
  analogue, by file name for ``saddlepath converge``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from saddlepath.analysis.arclength import arclength
from saddlepath.analysis.comparison import ComparisonStatus
from saddlepath.plotting._style import LAMBDA_LABEL, _axes, alpha_label
from saddlepath.plotting.arclength import plot_arclength
from saddlepath.plotting.trajectory import (
    plot_beta_vs_tau,
    plot_loss_vs_tau,
    plot_trajectory_3d,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from saddlepath.analysis.arclength import LimitArcLength
    from saddlepath.analysis.rates import RateFit
    from saddlepath.experiments.convergence import ConvergenceStudy

__all__ = ["convergence_figures", "plot_convergence"]


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


def _draw_delays(ax: Axes, study: ConvergenceStudy, matched: np.ndarray) -> None:
    """The largest delay per run, every jump's delay as small dots, and the fit."""
    lam = study.lambdas
    _draw_points(ax, lam, study.max_delays, matched, "delays", "C1")
    delays = np.abs(study.jump_delays)
    lam_rep = np.repeat(lam, delays.shape[1])
    pos = np.isfinite(delays.ravel()) & (delays.ravel() > 0)
    ax.plot(
        lam_rep[pos],
        delays.ravel()[pos],
        ".",
        color="0.5",
        ms=3,
        gid="jump-delays",
        label="each jump",
    )
    dr = study.delay_rate
    _draw_fit(ax, dr, "delay-fit", f"fit ∝ λ^{dr.slope:.2f}", "-")
    ax.set_ylabel("jump delay |τ× − τ_k| (accelerated time)")


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
        From :func:`~saddlepath.experiments.convergence_study`.

    Returns
    -------
    matplotlib.figure.Figure
        Lines ``"errors"``, ``"error-fit"``, ``"error-alpha-fit"``, ``"floor"`` (left) and
        ``"delays"``, ``"jump-delays"``, ``"delay-fit"`` (right).

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.experiments import convergence_study
    >>> X, y = np.eye(2), np.array([1.0, 0.5])
    >>> study = convergence_study(X, y, ["1e-10", "1e-100", "1e-1000"])
    >>> [ax.get_xscale() for ax in plot_convergence(study).axes]
    ['log', 'log']
    """
    from saddlepath.experiments.convergence import ConvergenceStudy

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
    _draw_delays(right, study, matched)
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


def convergence_figures(
    study: ConvergenceStudy, limit: LimitArcLength | None = None
) -> dict[str, Figure]:
    """The figures of a convergence study, by file name (for ``saddlepath converge``).

    ``convergence.png`` always; when the study kept its runs (``keep_runs=True``) also the
    Figure-1 analogue: ``loss_vs_tau.png``, ``coefs_vs_tau.png`` (smallest α),
    ``arclength.png`` and, with at least three features, ``trajectory_3d.png``; the last
    two draw ``limit`` (``arclength_of_path(study.path)``) when given.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.experiments import convergence_study
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
        figures["coefs_vs_tau.png"] = plot_beta_vs_tau(smallest, path)
        ordered = sorted(runs, key=lambda r: -r.log_alpha)  # large α first
        figures["arclength.png"] = plot_arclength(
            [arclength(r) for r in ordered],
            path,
            labels=[alpha_label(r.log_alpha) for r in ordered],
            limit=limit,
        )
        if path.n_features >= 3:
            figures["trajectory_3d.png"] = plot_trajectory_3d(runs, path, limit=limit)
    return figures
