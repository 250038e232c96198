"""Saddle analysis of diagonal linear networks: detect, refine, classify and explain.

* :func:`find_plateaus` — scale-free plateau detection in any trajectory;
* :func:`refine_equilibrium` — snap to the exact critical point (P&F Prop. 1);
* :func:`saddle_spectrum` — Hessian of ``F(u, v)``, eigenpairs, classification;
* :func:`explain_jumps` — top unstable eigenvector against the dual rule, per saddle;
* :func:`enumerate_saddles` — every critical point for small ``d``;
* :func:`plateau_resolution`, :func:`match_saddles` — a finite-α run against the α → 0 path;
* :func:`compare` — how far a run is from the limit (studies over α are in
  :mod:`saddlepath.experiments`);
* :func:`arclength` — the arc-length reparametrisation (plateaus and heteroclinic jumps).

Nothing here runs a study or draws: studies are in :mod:`saddlepath.experiments`, figures
in :mod:`saddlepath.plotting`.
"""

from saddlepath.analysis.arclength import ArcLength, arclength, arclength_of_path
from saddlepath.analysis.comparison import Comparison, compare
from saddlepath.analysis.enumeration import SaddleCatalog, enumerate_saddles
from saddlepath.analysis.equilibrium import (
    Equilibrium,
    RefinementStatus,
    limit_weights,
    refine_equilibrium,
)
from saddlepath.analysis.jumps import JumpExplanation, JumpStatus, explain_jumps, jump_rows
from saddlepath.analysis.plateaus import (
    DetectedPlateaus,
    PlateauStatus,
    find_plateaus,
    log10_speed,
)
from saddlepath.analysis.resolution import match_saddles, plateau_resolution
from saddlepath.analysis.spectrum import (
    CriticalPointType,
    SaddleSpectrum,
    network_gradient,
    network_hessian,
    saddle_spectrum,
)

__all__ = [
    "ArcLength",
    "Comparison",
    "CriticalPointType",
    "DetectedPlateaus",
    "Equilibrium",
    "JumpExplanation",
    "JumpStatus",
    "PlateauStatus",
    "RefinementStatus",
    "SaddleCatalog",
    "SaddleSpectrum",
    "arclength",
    "arclength_of_path",
    "compare",
    "enumerate_saddles",
    "explain_jumps",
    "find_plateaus",
    "jump_rows",
    "limit_weights",
    "log10_speed",
    "match_saddles",
    "network_gradient",
    "network_hessian",
    "plateau_resolution",
    "refine_equilibrium",
    "saddle_spectrum",
]
