"""Reproductions of the papers' experiments, one module each (see ``_contract``).

The registry below names every reproduction with its paper and one-line description, and
the module that computes it; modules are imported only when one is run
(:func:`reproduction_module`), so ``saddlepath reproduce --list`` imports none of them.

Examples
--------
>>> [entry.name for entry in REPRODUCTIONS][:3]
['pf-figure1', 'pf-convergence', 'pf-generalisation']
>>> find_reproduction("pf-figure1").paper
'pf'
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from saddlepath.experiments.reproductions._contract import Choice, ComparisonRow

__all__ = [
    "PAPERS",
    "REPRODUCTIONS",
    "Choice",
    "ComparisonRow",
    "Reproduction",
    "ReproductionUnavailableError",
    "find_reproduction",
    "reproduction_module",
]

PAPERS = {
    "pf": "Pesme & Flammarion 2023",
    "thesis": "BSc thesis, Twente 2024",
    "bsj": "Bantzis, Simon & Jacot 2025",
}


@dataclass(frozen=True)
class Reproduction:
    """One entry of the registry: the command-line name, its paper, a line, its module."""

    name: str
    paper: str
    description: str
    module: str  # dotted path, imported on first use

    @property
    def paper_title(self) -> str:
        """The paper's short citation (``PAPERS[paper]``)."""
        return PAPERS[self.paper]


_PACKAGE = __name__

REPRODUCTIONS: tuple[Reproduction, ...] = (
    Reproduction(
        "pf-figure1", "pf",
        "Figure 1: loss staircase, coordinates against τ, 3-D trajectory; flows at "
        "several α against the certified exact path",
        f"{_PACKAGE}.pf_figure1",
    ),
    Reproduction(
        "pf-convergence", "pf",
        "open question: plateau error and jump delay against ln(1/α) over seeds, "
        "fitted rates with confidence intervals",
        f"{_PACKAGE}.pf_convergence",
    ),
    Reproduction(
        "pf-generalisation", "pf",
        "open question: held-out test error of every saddle and of finite-α runs on "
        "sparse recovery, against sparsity and noise",
        f"{_PACKAGE}.pf_generalisation",
    ),
    Reproduction(
        "thesis-small-cases", "thesis",
        "d = 1 and d = 2 examples: equilibria, Jacobians, eigenvalues, jump directions "
        "and plateau iterations beside their analytic values",
        f"{_PACKAGE}.thesis_small_cases",
    ),
    Reproduction(
        "thesis-d7n5", "thesis",
        "d = 7, n = 5: every saddle of the exact path, its type, the GD iteration that "
        "reaches it and the jump taken, beside the thesis's table",
        f"{_PACKAGE}.thesis_d7n5",
    ),
    Reproduction(
        "thesis-init-scale", "thesis",
        "v₀ = γ·1 for the thesis's γ: the minimiser reached (sparse → dense), where GD "
        "oscillates and where it truly diverges",
        f"{_PACKAGE}.thesis_init_scale",
    ),
    Reproduction("bsj-toy", "bsj", "Fig. 2: fraction of random starts that find a rank-two "
                 "escape beating √2 − 1, against width; best speed, the winner's ranks",
                 f"{_PACKAGE}.bsj_toy"),
    Reproduction("bsj-escape-depth", "bsj", "speed and σ₁/σ₂ per layer of the optimal escape "
                 "against depth and ℓ^{1/4}, on digits (MSE: exact Perron speed; cross-entropy)",
                 f"{_PACKAGE}.bsj_escape_depth"),
    Reproduction("bsj-mnist", "bsj", "Figs. 1, 3, 4: small-init training on MNIST-5k, singular "
                 "values per layer over training with escapes marked (--full: width 1000)",
                 f"{_PACKAGE}.bsj_mnist"),
)  # fmt: skip

_BY_NAME = {entry.name: entry for entry in REPRODUCTIONS}


class ReproductionUnavailableError(ImportError):
    """A registered reproduction whose module is not part of this installation."""


def find_reproduction(name: str) -> Reproduction:
    """The registry entry called ``name``.

    Raises
    ------
    ValueError
        ``name`` is not registered; the message lists the registered names.
    """
    if name not in _BY_NAME:
        known = ", ".join(_BY_NAME)
        raise ValueError(
            f"No reproduction is called {name!r}. Known reproductions: {known} "
            "(`saddlepath reproduce --list` describes them)."
        )
    return _BY_NAME[name]


def reproduction_module(name: str) -> ModuleType:
    """Import and return the module of reproduction ``name`` (see ``_contract``).

    Raises
    ------
    ValueError
        ``name`` is not registered.
    ReproductionUnavailableError
        The module is registered but not installed (e.g. not yet merged).
    """
    entry = find_reproduction(name)
    try:
        module = importlib.import_module(entry.module)
    except ModuleNotFoundError as error:
        if error.name != entry.module:
            raise  # a dependency of the module is missing: show the real error
        raise ReproductionUnavailableError(
            f"The reproduction {name!r} is registered but its module {entry.module} is not "
            "part of this installation; update saddlepath, or pick another name from "
            "`saddlepath reproduce --list`."
        ) from None
    if getattr(module, "NAME", None) != name:
        raise ImportError(f"{entry.module} defines NAME = {getattr(module, 'NAME', None)!r}, "
                          f"not {name!r}: fix the registry entry.")  # fmt: skip
    return module
