r"""Critical points and curvature of :math:`F(u, v) = L(u\odot v)`: the loss landscape.

A layer below :mod:`saddlepath.analysis` (which may import it; never the reverse):

* :func:`network_gradient`, :func:`network_hessian` — :math:`\nabla F` and its Hessian;
* :func:`saddle_spectrum` — eigenpairs of the Hessian and the type of the point;
* :func:`refine_equilibrium` — snap to the exact critical point nearest a point (P&F Prop. 1);
* :func:`limit_weights` — the weights of a β at the α → 0 limit;
* :func:`enumerate_saddles` — every isolated critical point for small ``d``;
* :func:`hessian_extremes` — the extreme Hessian eigenpairs of any JAX loss, by Lanczos on
  Hessian-vector products (no dense Hessian; needs JAX);
* :func:`refine_saddle` — the critical point of a deep network's cost nearest a plateau
  point, its bottleneck rank and its most negative Hessian eigenpairs (needs JAX).
"""

from saddlepath.landscape.deep_saddle import refine_saddle
from saddlepath.landscape.enumeration import MAX_FEATURES, SaddleCatalog, enumerate_saddles
from saddlepath.landscape.equilibrium import (
    Equilibrium,
    RefinementStatus,
    limit_weights,
    refine_equilibrium,
)
from saddlepath.landscape.hessian import network_gradient, network_hessian
from saddlepath.landscape.lanczos import HessianExtremes, LanczosStatus, hessian_extremes
from saddlepath.landscape.spectrum import CriticalPointType, SaddleSpectrum, saddle_spectrum

__all__ = [
    "MAX_FEATURES",
    "CriticalPointType",
    "Equilibrium",
    "HessianExtremes",
    "LanczosStatus",
    "RefinementStatus",
    "SaddleCatalog",
    "SaddleSpectrum",
    "enumerate_saddles",
    "hessian_extremes",
    "limit_weights",
    "network_gradient",
    "network_hessian",
    "refine_equilibrium",
    "refine_saddle",
    "saddle_spectrum",
]
