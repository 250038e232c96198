"""Moved to :mod:`saddlepath.landscape` (issue 9): re-exports for the old import path.

Importers should use ``saddlepath.landscape.equilibrium`` / ``saddlepath.landscape.supports``;
this module goes once none is left.
"""

from saddlepath.landscape.equilibrium import (
    Equilibrium,
    RefinementStatus,
    limit_weights,
    refine_equilibrium,
)
from saddlepath.landscape.supports import SupportFits, drop_roundoff

__all__ = [
    "Equilibrium",
    "RefinementStatus",
    "SupportFits",
    "drop_roundoff",
    "limit_weights",
    "refine_equilibrium",
]
