"""Command-line commands beyond ``path`` and ``demo``, one module per subject."""

from __future__ import annotations

import typer

from saddlepath.commands import analysis, convergence, dynamics, init_scale

__all__ = ["register_commands"]


def register_commands(app: typer.Typer) -> None:
    """Add every command of this package to ``app``."""
    dynamics.register(app)
    convergence.register(app)
    analysis.register(app)
    init_scale.register(app)
