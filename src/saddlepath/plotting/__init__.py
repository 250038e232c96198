"""Figures (the only part of saddlepath that imports matplotlib).

* :mod:`saddlepath.plotting.path` — the exact saddle path: loss staircase, coordinates
  against τ and against the saddle index;
* :mod:`saddlepath.plotting.trajectory` — finite-α runs against the limit (P&F's Figure 1):
  loss and coordinates against τ for several α, 3-D trajectories;
* :mod:`saddlepath.plotting.arclength` — the arc-length view, where the limit is continuous;
* :mod:`saddlepath.plotting.convergence` — sup-error and jump delays against λ = ln(1/α);
* :mod:`saddlepath.plotting.landscape` — every critical point, the path's saddles joined;
* :mod:`saddlepath.plotting.init_scale` — the kernel-to-rich transition over the scale γ;
* :mod:`saddlepath.plotting.escape` — deep escape directions: the BSJ toy over widths,
  speed and σ₁/σ₂ against depth, one direction's spread and spectra;
* :mod:`saddlepath.plotting.training` — a deep training run: singular values of every
  layer and the loss over training with the escapes marked, σ_i/σ₁.

Names follow one pattern: ``plot_<quantity>_vs_<axis>`` for a quantity of the vocabulary
(``loss``, ``beta``) against an axis (``tau``, ``saddle``), with ``path_`` in front when the
figure draws the exact path alone (``plot_path_beta_vs_tau``) and without it when it draws
runs against the limit (``plot_beta_vs_tau``); the other figures are named for what they
show (``plot_arclength``, ``plot_trajectory_3d``, ``plot_convergence``, …).

Every function receives computed objects (paths, runs, studies, curves in arc length from
:func:`~saddlepath.analysis.arclength` and :func:`~saddlepath.analysis.arclength_of_path`),
runs no solver, and returns a
:class:`matplotlib.figure.Figure` built without ``pyplot``; save it with
:func:`saddlepath.io.save_figure_atomic`.
"""

from saddlepath.plotting._style import alpha_label
from saddlepath.plotting.arclength import plot_arclength
from saddlepath.plotting.convergence import convergence_figures, plot_convergence
from saddlepath.plotting.escape import (
    plot_escape_depth,
    plot_escape_direction,
    plot_escape_widths,
)
from saddlepath.plotting.init_scale import plot_init_scale
from saddlepath.plotting.landscape import plot_saddle_landscape
from saddlepath.plotting.path import (
    LOSS_LABEL,
    TAU_LABEL,
    plot_path_beta_vs_saddle,
    plot_path_beta_vs_tau,
    plot_path_loss_vs_tau,
)
from saddlepath.plotting.training import plot_training, plot_training_ratios
from saddlepath.plotting.trajectory import (
    plot_beta_vs_tau,
    plot_loss_vs_tau,
    plot_trajectory_3d,
    trajectory_figures,
)

__all__ = [
    "LOSS_LABEL",
    "TAU_LABEL",
    "alpha_label",
    "convergence_figures",
    "plot_arclength",
    "plot_beta_vs_tau",
    "plot_convergence",
    "plot_escape_depth",
    "plot_escape_direction",
    "plot_escape_widths",
    "plot_init_scale",
    "plot_loss_vs_tau",
    "plot_path_beta_vs_saddle",
    "plot_path_beta_vs_tau",
    "plot_path_loss_vs_tau",
    "plot_saddle_landscape",
    "plot_training",
    "plot_training_ratios",
    "plot_trajectory_3d",
    "trajectory_figures",
]
