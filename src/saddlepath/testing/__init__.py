"""Oracles for the tests: references independent of the solvers they check.

:func:`rational_saddle_path` runs Algorithm 1 of Pesme & Flammarion (2023) in exact
rational arithmetic (:class:`fractions.Fraction`), enumerating the candidate supports of
each sign-constrained least-squares step; it shares no code with
:func:`saddlepath.saddle_path`, so agreement between the two is evidence. Tiny problems
only (cost :math:`2^{|E|}` per jump). Nothing in the solver packages imports this one.
"""

from saddlepath.testing.rational_path import (
    MAX_BOUNDARY_SIZE,
    FloatPath,
    RationalPath,
    rational_saddle_path,
)

__all__ = ["MAX_BOUNDARY_SIZE", "FloatPath", "RationalPath", "rational_saddle_path"]
