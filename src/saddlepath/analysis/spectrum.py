"""Moved to :mod:`saddlepath.landscape` (issue 9): re-exports for the old import path.

Importers should use ``saddlepath.landscape.spectrum`` / ``saddlepath.landscape.hessian``;
this module goes once none is left.
"""

from saddlepath.landscape.hessian import network_gradient, network_hessian
from saddlepath.landscape.spectrum import (
    CriticalPointType,
    SaddleSpectrum,
    saddle_spectrum,
    spectrum_from_gram,
)

__all__ = [
    "CriticalPointType",
    "SaddleSpectrum",
    "network_gradient",
    "network_hessian",
    "saddle_spectrum",
    "spectrum_from_gram",
]
