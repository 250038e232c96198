"""The tables and JSON summaries of ``saddlepath escape`` (one direction, widths, depths).

Rendering only: every number comes from a computed result (an
:class:`~saddlepath.deep.EscapeResult` with its :class:`~saddlepath.deep.LayerSpectra`, an
:class:`~saddlepath.experiments.EscapeWidthStudy` or an
:class:`~saddlepath.experiments.EscapeDepthStudy`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.table import Table

from saddlepath.report.json import finite_or_none

__all__ = [
    "depth_summary",
    "depth_table",
    "direction_summary",
    "direction_table",
    "widths_summary",
    "widths_table",
]


def _ratio(value: float) -> str:
    return "∞ (rank one)" if np.isinf(value) else ("–" if np.isnan(value) else f"{value:.3g}")


def _spread(speeds: np.ndarray) -> str:
    s = speeds[np.isfinite(speeds)] + 0.0  # no "-0"
    return f"{s.min():.6g} / {np.median(s):.6g} / {s.max():.6g}" if s.size else "–"


def direction_table(result: Any, spectra: Any, title: str) -> Table:
    """Per layer: shape, rank, σ₁/σ₂ and energy outside σ₁ of W_ℓ and of the activations."""
    table = Table(title=title, caption=_direction_caption(result))
    for name in ("layer ℓ", "W_ℓ shape", "rank", "σ₁/σ₂ (W_ℓ)", "energy (W_ℓ)",
                 "σ₁/σ₂ (act.)", "energy (act.)", "ℓ^¼"):  # fmt: skip
        table.add_column(name, justify="right")
    for i, W in enumerate(result.weights):
        table.add_row(
            str(i + 1), "×".join(map(str, W.shape)), str(result.ranks[i]),
            _ratio(spectra.weight_ratio[i]), f"{spectra.weight_energy[i]:.2e}",
            _ratio(spectra.activation_ratio[i]), f"{spectra.activation_energy[i]:.2e}",
            f"{spectra.bound[i]:.3f}",
        )  # fmt: skip
    return table


def _direction_caption(result: Any) -> str:
    return (
        f"speed s = {result.speed:.8g} (min / median / max over {len(result.speeds)} "
        f"restarts: {_spread(result.speeds)}); residual {result.residual:.1e}; status "
        f"{result.status.name}: {result.status.value}"
    )


def direction_summary(result: Any, spectra: Any) -> dict[str, Any]:
    """The ``--json`` summary of one escape direction."""
    return {
        "format": "saddlepath.escape",
        "speed": result.speed,
        "speeds": [finite_or_none(s) for s in result.speeds],
        "depth": result.depth,
        "widths": list(result.widths),
        "ranks": list(result.ranks),
        "weight_ratio": [finite_or_none(v) for v in spectra.weight_ratio],
        "weight_energy": [finite_or_none(v) for v in spectra.weight_energy],
        "activation_ratio": [finite_or_none(v) for v in spectra.activation_ratio],
        "bound": spectra.bound.tolist(),
        "residual": result.residual,
        "status": {"name": result.status.name, "message": result.status.value},
    }


def widths_table(study: Any) -> Table:
    """One row per width: success fraction, best speed, ranks of the winner."""
    table = Table(
        title=f"Escape directions against width (depth {study.depth}, "
        f"{study.speeds.shape[1]} restarts each)",
        caption=f"success: speed > {study.threshold:.6f} (√2 − 1 + margin on the toy)",
    )
    for name in ("width", "success", "best speed", "min / median / max", "ranks of the best"):
        table.add_column(name, justify="right")
    for i, w in enumerate(study.widths):
        table.add_row(
            str(w), f"{study.success[i]:.2f}", f"{study.best_speed[i]:.6f}",
            _spread(study.speeds[i]), str(tuple(int(r) for r in study.ranks[i])),
        )  # fmt: skip
    return table


def widths_summary(study: Any) -> dict[str, Any]:
    """The ``--json`` summary of a width study."""
    return {
        "format": "saddlepath.escape_widths",
        "depth": study.depth,
        "threshold": study.threshold,
        "widths": study.widths.tolist(),
        "success": study.success.tolist(),
        "best_speed": study.best_speed.tolist(),
        "ranks": study.ranks.tolist(),
        "speeds": [[finite_or_none(s) for s in row] for row in study.speeds],
    }


def depth_table(study: Any) -> Table:
    """One row per depth: speed, spread, ranks and σ₁/σ₂ of every layer."""
    table = Table(
        title=f"Escape directions against depth (width {study.width})",
        caption="σ₁/σ₂ of W_ℓ for ℓ = 1…L against ℓ^¼ = "
        + ", ".join(f"{b:.3f}" for b in study.bound)
        + " (the theorem's scaling; its constant is not 1)",
    )
    for name in ("depth L", "speed", "min / median / max", "ranks", "σ₁/σ₂ per layer", "status"):
        table.add_column(name, justify="right")
    for i, depth in enumerate(study.depths):
        ratios = ", ".join(_ratio(v) for v in study.weight_ratio[i, :depth])
        table.add_row(
            str(depth), f"{study.speed[i]:.8g}", _spread(study.speeds[i]),
            str(tuple(int(r) for r in study.ranks[i, :depth])), ratios,
            study.results[i].status.name,
        )  # fmt: skip
    return table


def depth_summary(study: Any) -> dict[str, Any]:
    """The ``--json`` summary of a depth study."""
    return {
        "format": "saddlepath.escape_depth",
        "width": study.width,
        "depths": study.depths.tolist(),
        "speed": study.speed.tolist(),
        "ranks": [row[row >= 0].tolist() for row in study.ranks],
        "weight_ratio": [
            [finite_or_none(v) for v in row[:d]]
            for row, d in zip(study.weight_ratio, study.depths, strict=True)
        ],
        "bound": study.bound.tolist(),
        "statuses": [r.status.name for r in study.results],
    }
