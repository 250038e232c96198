"""The rows of a result as JSON-ready dicts: the tables of the CLI and its ``--json`` rows.

Rendering only (re-exported by :mod:`saddlepath.report.json`): each function takes a
computed result and returns one plain dict per item, with NaN and ±inf as ``None`` where a
value may be missing; the console tables and the summaries are built from these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["catalog_rows", "convergence_rows", "finite_or_none", "init_scale_rows", "jump_rows"]


def finite_or_none(value: Any) -> float | None:
    """``value`` as a float when it is a finite number, else ``None`` (JSON has no inf)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _vector(x: np.ndarray) -> list[float] | None:
    """``x`` as a list, or ``None`` when any entry is not finite (a diverged run)."""
    return None if not np.all(np.isfinite(x)) else [float(value) for value in x]


def _degrees(angle: float) -> float | None:
    return None if np.isnan(angle) else float(np.degrees(angle))


def catalog_rows(catalog: Any) -> list[dict]:
    """One dict per critical point of a ``SaddleCatalog`` (``saddles`` table and JSON)."""
    columns = (catalog.supports, catalog.beta, catalog.loss, catalog.morse_index)
    more = (catalog.classification, catalog.visited, catalog.path_position)
    return [
        {
            "support": s.tolist(),
            "beta": b.tolist(),
            "loss": float(loss),
            "morse_index": int(i),
            "type": c.name,
            "visited": bool(v),
            "path_position": int(p),
        }
        for s, b, loss, i, c, v, p in zip(*columns, *more, strict=True)
    ]


def init_scale_rows(study: Any) -> list[dict]:
    """One dict per γ of an ``InitScaleStudy`` (``beta``, ``u``, ``v``: None if diverged)."""
    return [
        {
            "gamma": float(study.gammas[j]),
            "log_gamma": float(study.log_gammas[j]),
            "status": study.statuses[j].name,
            "loss": finite_or_none(study.loss[j]),
            "l1_norm": finite_or_none(study.l1_norm[j]),
            "n_active": int(study.n_active[j]),
            "message": study.messages[j],
            "beta": _vector(study.beta[j]),
            "u": _vector(study.u[j]),
            "v": _vector(study.v[j]),
        }
        for j in range(study.gammas.size)
    ]


def convergence_rows(study: Any) -> list[dict]:
    """One dict per α of a ``ConvergenceStudy``: the table of ``saddlepath converge``."""
    rows = []
    for i, (alpha, cmp) in enumerate(zip(study.alphas, study.comparisons, strict=True)):
        lam = float(study.lambdas[i])
        rows.append(
            {
                "alpha": alpha,
                "lambda": lam,
                "error": cmp.error,
                "relative_error": cmp.relative_error,
                "max_delay": cmp.max_delay,
                "delay_times_lambda": cmp.max_delay * lam,
                "missing": list(cmp.missing),
                "extra": list(cmp.extra),
                "status": cmp.status.name,
                "run_status": study.statuses[i].name,
                "n_steps": int(study.stats["n_steps"][i]),
                "seconds": float(study.stats["seconds"][i]),
            }
        )
    return rows


def jump_rows(explanations: list[Any]) -> list[dict]:
    """One dict per ``JumpExplanation`` (the thesis-style table of ``saddlepath analyze``).

    Angles in degrees; a value the run did not observe is ``None``.
    """
    return [
        {
            "k": r.saddle_index,
            "tau": r.tau,
            "support": np.flatnonzero(r.beta).tolist(),
            "beta": r.beta.tolist(),
            "loss": r.loss,
            "type": r.classification.name,
            "morse_index": r.morse_index,
            "top_eigenvalues": r.unstable_eigenvalues[:3].tolist(),
            "top_eigen_coordinate": r.top_eigen_coordinate,
            "dual_rule_coordinate": r.dual_rule_coordinate,
            "entered": list(r.entered),
            "left": list(r.left),
            "angle_deg": _degrees(r.angle),
            "status": r.status.name,
            "reason": r.reason,
            "observed_tau": None if np.isnan(r.observed_tau) else r.observed_tau,
            "observed_iteration": r.observed_iteration,
            "observed_entered": None if r.observed_entered is None else list(r.observed_entered),
            "observed_top_eigen_coordinate": r.observed_top_eigen_coordinate,
            "observed_angle_deg": _degrees(r.observed_angle),
        }
        for r in explanations
    ]
