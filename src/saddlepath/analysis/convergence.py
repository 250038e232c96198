r"""Convergence of a finite-α run to the α → 0 limit: the comparison and the fitted rates.

The pure post-processing behind the convergence study, under one name:
:func:`~saddlepath.analysis.comparison.compare` (a run against the exact path: sup-errors
on plateau windows, jump delays in accelerated time) and
:func:`~saddlepath.analysis.rates.fit_rate` (least-squares decay in
:math:`\lambda = \ln(1/\alpha)`). The study that runs the flow over a grid of α is
:func:`saddlepath.experiments.convergence_study`.
"""

from saddlepath.analysis.comparison import (
    Comparison,
    ComparisonStatus,
    compare,
    comparison_horizon,
)
from saddlepath.analysis.rates import FitStatus, RateFit, fit_rate

__all__ = [
    "Comparison",
    "ComparisonStatus",
    "FitStatus",
    "RateFit",
    "compare",
    "comparison_horizon",
    "fit_rate",
]
