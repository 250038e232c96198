"""Experiments: studies that loop over solver runs and post-process each with analysis.

* :func:`convergence_study` — runs at a grid of α against the exact α → 0 limit, with the
  fitted decay rates in :math:`\\lambda = \\ln(1/\\alpha)` (:class:`ConvergenceStudy`);
* :func:`init_scale_study` — the minimiser reached from initialisation scale γ, kernel to
  rich regime (:class:`InitScaleStudy`, each run's own ``TrajectoryStatus``).

Both report to an optional :class:`StudyProgress`. This layer sits above
:mod:`saddlepath.analysis` (which post-processes one run and runs nothing) and below
:mod:`saddlepath.plotting` (which draws the studies' results).
"""

from saddlepath.experiments.convergence import ConvergenceStudy, StudyProgress, convergence_study
from saddlepath.experiments.escape_depth import EscapeDepthStudy, escape_depth_study
from saddlepath.experiments.escape_widths import (
    EscapeWidthStudy,
    escape_width_study,
    toy_escape_problem,
)
from saddlepath.experiments.init_scale import InitScaleStudy, init_scale_study

__all__ = [
    "ConvergenceStudy",
    "EscapeDepthStudy",
    "EscapeWidthStudy",
    "InitScaleStudy",
    "StudyProgress",
    "convergence_study",
    "escape_depth_study",
    "escape_width_study",
    "init_scale_study",
    "toy_escape_problem",
]
