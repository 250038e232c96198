r"""Figures of the Bantzis–Simon–Jacot reproductions, drawn from their saved results.

``bsj_toy_figures``, ``bsj_escape_depth_figures`` and ``bsj_mnist_figures`` each return
``{file stem: Figure}`` for the result of the module of the same name in
:mod:`saddlepath.experiments.reproductions`; :data:`BSJ_FIGURES` maps the command-line name
to each. They reuse the deep figures (:mod:`saddlepath.plotting.escape`,
:mod:`saddlepath.plotting.training`); nothing here recomputes a run.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from saddlepath.plotting.escape import plot_escape_depth, plot_escape_widths
from saddlepath.plotting.training import plot_training, plot_training_ratios

__all__ = ["BSJ_FIGURES", "bsj_escape_depth_figures", "bsj_mnist_figures", "bsj_toy_figures"]


def bsj_toy_figures(result) -> dict[str, Figure]:
    """Fig. 2: ``toy_widths`` (data and winning units, every run's speed, success by width)."""
    return {"toy_widths": plot_escape_widths(result.study)}


def bsj_escape_depth_figures(result) -> dict[str, Figure]:
    """``escape_depth_<loss>``: speed against depth and σ₁/σ₂ per layer with ℓ^{1/4}."""
    return {f"escape_depth_{loss}": plot_escape_depth(study)
            for loss, study in zip(result.losses, result.studies, strict=True)}  # fmt: skip


def bsj_mnist_figures(result) -> dict[str, Figure]:
    """Figs. 1, 3, 4: ``mnist_singular_values`` (top σ of every layer and the loss over
    training) and ``mnist_ratios`` (σ_i/σ₁), the escapes (plateau ends) marked."""
    return {
        "mnist_singular_values": plot_training(result.run, result.plateaus),
        "mnist_ratios": plot_training_ratios(result.run, result.plateaus),
    }


BSJ_FIGURES: dict[str, Callable[..., dict[str, Figure]]] = {
    "bsj-toy": bsj_toy_figures,
    "bsj-escape-depth": bsj_escape_depth_figures,
    "bsj-mnist": bsj_mnist_figures,
}
