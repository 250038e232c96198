"""Diagonal linear networks ``β = u ⊙ v``: the exact saddle path and finite-α dynamics."""

from saddlepath.diagonal.descent import gradient_descent
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.diagonal.jax_flow import BatchedTrajectories, batched_flow
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.path_status import PathStatus
from saddlepath.diagonal.saddle_path import saddle_path
from saddlepath.diagonal.trajectory import Trajectory, TrajectoryStatus

__all__ = [
    "BatchedTrajectories",
    "PathStatus",
    "SaddlePath",
    "Trajectory",
    "TrajectoryStatus",
    "batched_flow",
    "gradient_descent",
    "gradient_flow",
    "saddle_path",
]
