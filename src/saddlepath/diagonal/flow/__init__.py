"""The exact finite-α gradient flow of a diagonal network (see :mod:`.integrate`)."""

from saddlepath.diagonal.flow.integrate import gradient_flow
from saddlepath.warnings import FlowSolverWarning

__all__ = ["FlowSolverWarning", "gradient_flow"]
