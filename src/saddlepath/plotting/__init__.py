"""Figures (the only part of saddlepath that imports matplotlib).

* :mod:`saddlepath.plotting.path` — the exact saddle path: loss staircase, coordinates
  against τ and against the saddle index;
* :mod:`saddlepath.plotting.dynamics` — finite-α runs against the limit (P&F's Figure 1):
  loss and coordinates against τ for several α, 3-D trajectories, the arc-length view and
  the convergence plot.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot``; save
it with :func:`saddlepath.io.save_figure_atomic`.
"""

from saddlepath.plotting.dynamics import (
    alpha_label,
    convergence_figures,
    plot_arclength,
    plot_convergence,
    plot_coordinates_vs_tau,
    plot_loss_vs_tau,
    plot_trajectory_3d,
    trajectory_figures,
)
from saddlepath.plotting.path import (
    LOSS_LABEL,
    TAU_LABEL,
    plot_coefficients_vs_saddle,
    plot_coefficients_vs_time,
    plot_loss_staircase,
)

__all__ = [
    "LOSS_LABEL",
    "TAU_LABEL",
    "alpha_label",
    "convergence_figures",
    "plot_arclength",
    "plot_coefficients_vs_saddle",
    "plot_coefficients_vs_time",
    "plot_convergence",
    "plot_coordinates_vs_tau",
    "plot_loss_staircase",
    "plot_loss_vs_tau",
    "plot_trajectory_3d",
    "trajectory_figures",
]
