"""Saddle analysis of training runs: detect, refine, classify and explain.

Every entry point takes a run through the run protocol (:class:`saddlepath.run.Run`: time
axis, loss, snapshots, model kind, speed), never one model's class; the steps that need a
diagonal network's exact saddles (``X``, ``y``; ``u``, ``v``) check ``run.model``.

* :func:`find_plateaus` — the plateau detector, scale-free, for any run;
* :func:`explain_jumps` — top unstable eigenvector against the dual rule, per saddle;
* :func:`explain_escapes` — the same question for a deep run's saddles after its first escape;
* :func:`plateau_resolution`, :func:`match_saddles` — a finite-α run against the α → 0 path;
* :func:`compare` — how far a run is from the limit (studies over α are in
  :mod:`saddlepath.experiments`);
* :func:`arclength` — the arc-length reparametrisation (plateaus and heteroclinic jumps).

Critical points and curvature (``refine_equilibrium``, ``saddle_spectrum``,
``enumerate_saddles``, …) are the layer below, :mod:`saddlepath.landscape`, and live only
there. Nothing here runs a study or draws: studies are in :mod:`saddlepath.experiments`,
figures in :mod:`saddlepath.plotting`.
"""

from saddlepath.analysis.arclength import ArcLength, LimitArcLength, arclength, arclength_of_path
from saddlepath.analysis.comparison import Comparison, compare
from saddlepath.analysis.escapes import EscapeExplanation, ExplainedEscapeStatus, explain_escapes
from saddlepath.analysis.heteroclinic import HeteroclinicOrbit, heteroclinic_orbits
from saddlepath.analysis.jumps import JumpExplanation, JumpStatus, explain_jumps
from saddlepath.analysis.plateaus import (
    Plateaus,
    PlateauStatus,
    find_plateaus,
    log10_speed,
)
from saddlepath.analysis.resolution import match_saddles, plateau_resolution

__all__ = [
    "ArcLength",
    "Comparison",
    "EscapeExplanation",
    "ExplainedEscapeStatus",
    "HeteroclinicOrbit",
    "JumpExplanation",
    "JumpStatus",
    "LimitArcLength",
    "PlateauStatus",
    "Plateaus",
    "arclength",
    "arclength_of_path",
    "compare",
    "explain_escapes",
    "explain_jumps",
    "find_plateaus",
    "heteroclinic_orbits",
    "log10_speed",
    "match_saddles",
    "plateau_resolution",
]
