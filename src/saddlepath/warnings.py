"""Warning categories of saddlepath.

Numerical trouble is reported with these categories (and in the ``status`` of a
result), never with ``print``. Filter them with the standard :mod:`warnings` module,
e.g. ``warnings.simplefilter("error", NonUniqueSaddleWarning)``.
"""

from __future__ import annotations

__all__ = ["NonUniqueSaddleWarning", "PathStagnationWarning", "SaddlepathWarning"]


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
