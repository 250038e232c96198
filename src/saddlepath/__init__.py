"""saddlepath: saddle-to-saddle dynamics of neural-network training from small init.

Public names are re-exported here; see the README for a tour.
"""

from saddlepath.analysis import Plateaus, arclength, compare, explain_jumps, find_plateaus
from saddlepath.diagonal import (
    BatchedTrajectories,
    PathStatus,
    SaddlePath,
    Trajectory,
    TrajectoryStatus,
    batched_flow,
    gradient_descent,
    gradient_flow,
    saddle_path,
)
from saddlepath.experiments import convergence_study
from saddlepath.landscape import enumerate_saddles, refine_equilibrium, saddle_spectrum
from saddlepath.loss import squared_loss, squared_loss_gradient
from saddlepath.records import load, save
from saddlepath.warnings import (
    DivergenceWarning,
    FlowSolverWarning,
    NonUniqueSaddleWarning,
    PathRangeWarning,
    PathStagnationWarning,
    RecordThinnedWarning,
    SaddlepathWarning,
)

__all__ = [
    "BatchedTrajectories",
    "DivergenceWarning",
    "FlowSolverWarning",
    "NonUniqueSaddleWarning",
    "PathRangeWarning",
    "PathStagnationWarning",
    "PathStatus",
    "Plateaus",
    "RecordThinnedWarning",
    "SaddlePath",
    "SaddlepathWarning",
    "Trajectory",
    "TrajectoryStatus",
    "arclength",
    "batched_flow",
    "compare",
    "convergence_study",
    "enumerate_saddles",
    "explain_jumps",
    "find_plateaus",
    "gradient_descent",
    "gradient_flow",
    "load",
    "refine_equilibrium",
    "saddle_path",
    "saddle_spectrum",
    "save",
    "squared_loss",
    "squared_loss_gradient",
]
__version__ = "0.1.0"


def __getattr__(name: str):  # SaddlePathRegressor needs scikit-learn: import it lazily
    if name == "SaddlePathRegressor":
        from saddlepath.estimator import SaddlePathRegressor

        return SaddlePathRegressor
    raise AttributeError(f"module 'saddlepath' has no attribute {name!r}")
