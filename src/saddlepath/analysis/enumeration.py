"""Moved to :mod:`saddlepath.landscape` (issue 9): re-exports for the old import path.

Importers should use ``saddlepath.landscape.enumeration``; this module goes once none is left.
"""

from saddlepath.landscape.enumeration import (
    MAX_FEATURES,
    MAX_SUBSETS,
    SaddleCatalog,
    enumerate_saddles,
)

__all__ = ["MAX_FEATURES", "MAX_SUBSETS", "SaddleCatalog", "enumerate_saddles"]
