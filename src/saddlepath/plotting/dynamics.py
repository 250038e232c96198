"""Figures of finite-α runs against the α → 0 limit (re-exports, kept for compatibility).

The figures live by concept in :mod:`saddlepath.plotting.trajectory` (loss and coordinates
against τ, 3-D trajectories), :mod:`saddlepath.plotting.arclength` (the arc-length view)
and :mod:`saddlepath.plotting.convergence` (the convergence plot); this module re-exports
them under their old names.
"""

from saddlepath.plotting._style import LAMBDA_LABEL, alpha_label
from saddlepath.plotting.arclength import plot_arclength
from saddlepath.plotting.convergence import convergence_figures, plot_convergence
from saddlepath.plotting.trajectory import (
    plot_coordinates_vs_tau,
    plot_loss_vs_tau,
    plot_trajectory_3d,
    trajectory_figures,
)

__all__ = [
    "LAMBDA_LABEL",
    "alpha_label",
    "convergence_figures",
    "plot_arclength",
    "plot_convergence",
    "plot_coordinates_vs_tau",
    "plot_loss_vs_tau",
    "plot_trajectory_3d",
    "trajectory_figures",
]
