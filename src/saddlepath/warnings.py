"""Warning categories of saddlepath.

Numerical trouble is reported with these categories (and in the ``status`` of a
result), never with ``print``. Filter them with the standard :mod:`warnings` module,
e.g. ``warnings.simplefilter("error", NonUniqueSaddleWarning)``.
"""

from __future__ import annotations

__all__ = [
    "DivergenceWarning",
    "FlowSolverWarning",
    "NonUniqueSaddleWarning",
    "PathRangeWarning",
    "PathStagnationWarning",
    "RecordThinnedWarning",
    "SaddlepathWarning",
]


class SaddlepathWarning(UserWarning):
    """Base class of every warning emitted by saddlepath."""


class NonUniqueSaddleWarning(SaddlepathWarning):
    """The data are not in general position and a saddle was not unique.

    Raised when the sign-constrained least-squares problem of Algorithm 1 has several
    minimisers (duplicate, negated or linearly dependent active columns). The path then
    reports the minimiser that the gradient flow selects in the small-α limit where this
    is known (equal sharing between parallel columns), see :func:`saddlepath.saddle_path`.
    """


class PathStagnationWarning(SaddlepathWarning):
    """The exact path stopped early because floating point could not resolve a jump."""


class PathRangeWarning(SaddlepathWarning):
    """The exact path was computed, but some of it is not representable in float64.

    The path is computed on the data rescaled by powers of two and mapped back exactly;
    a jump time, saddle, loss or integrated residual that overflows (``±inf``) or falls
    below the smallest normal float64 in the units of the data is reported with this
    warning (and status ``OUT_OF_RANGE`` unless only the losses are affected).
    """


class DivergenceWarning(SaddlepathWarning):
    """Gradient descent blew up: the loss or the weights left the float range.

    The trajectory's status is ``DIVERGED``; its message names the step and the cause.
    """


class RecordThinnedWarning(SaddlepathWarning):
    """Gradient descent kept fewer iterates than asked, to stay within ``max_saved`` rows."""


class FlowSolverWarning(SaddlepathWarning):
    """The flow's integration failed (status ``SOLVER_FAILED``): its step size fell below
    the resolution of τ, or a step raised the loss. The trajectory ends at the last state
    that passed every check; the message says which."""
