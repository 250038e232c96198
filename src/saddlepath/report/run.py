"""Finite-α runs (gradient flow, GD, SGD) for people: their plateaus and status in words."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.markup import escape
from rich.table import Table

from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath
from saddlepath.report.cells import coordinate_note, coordinates

__all__ = ["plateau_table", "trajectory_status_line"]

_METHODS = {"flow": "gradient flow", "gd": "gradient descent", "sgd": "SGD"}


def plateau_table(
    traj: Any, plateaus: Any, dataset: Dataset, path: SaddlePath | None = None
) -> Table:
    """A Rich table with one row per plateau of a trajectory (``find_plateaus(traj)``).

    Columns: plateau, τ entered and left (accelerated time τ = t/ln(1/α)), the loss
    L(β) = ‖Xβ − y‖²/(2n) at the plateau's representative point (``plateaus.loss``, as
    the run recorded it), the coordinates that are non-zero (|β_i| above 10⁻⁶ of
    the largest), and — when the exact path is given — the sup-distance to the limit
    saddle β°(τ) at the plateau's representative point.
    """
    kind = _METHODS.get(traj.method, traj.method)
    table = Table(
        title=f"Plateaus of {kind} on {escape(dataset.name)} (ln(1/α) = {-traj.log_alpha:.6g})",
        caption="τ = t/ln(1/α); ‖β − β°‖∞: distance to the exact α → 0 saddle; "
        + coordinate_note(dataset.feature_names),
    )
    for name in ("plateau", "τ start", "τ end", "loss", "non-zero coordinates"):
        table.add_column(name, justify="right" if name != "non-zero coordinates" else "left")
    if path is not None:
        table.add_column("‖β − β°‖∞", justify="right")
    rows = zip(plateaus.tau_start, plateaus.tau_end, plateaus.beta, plateaus.loss, strict=True)
    for k, (a, b, beta, loss) in enumerate(rows):
        big = np.abs(beta) > 1e-6 * max(float(np.abs(beta).max()), np.finfo(float).tiny)
        row = [
            str(k),
            f"{a:.6g}",
            "end" if not np.isfinite(b) else f"{b:.6g}",
            f"{loss:.4e}",
            coordinates(tuple(np.flatnonzero(big)), dataset.feature_names) or "–",
        ]
        if path is not None:
            mid = a if not np.isfinite(b) else 0.5 * (a + b)
            row.append(f"{float(np.abs(beta - path.at(mid)).max()):.2e}")
        table.add_row(*row)
    return table


def trajectory_status_line(traj: Any) -> str:
    """Status of a finite-α run in words, green when it succeeded."""
    colour = "green" if traj.status.success else "red"
    return (
        f"[{colour}]status:[/] {escape(traj.status.value)} ({traj.status.name}); "
        f"{escape(traj.message)}; {traj.tau.size} saved points, "
        f"{traj.stats['n_grad_evals']} gradient evaluations"
    )
