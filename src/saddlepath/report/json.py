"""JSON summaries for machines: what the commands print with ``--json``, one builder per result.

A summary renders a computed result for a pipe (``saddlepath path data.csv --json | jq``);
it is not a record and cannot be loaded back. The files a command writes with ``--out``
are records (:mod:`saddlepath.records`, loaded with :func:`saddlepath.load`).

Every summary carries its format name and version, the saddlepath version, the units
(accelerated time τ = t/ln(1/α), loss L(β) = ‖Xβ − y‖²/(2n), Pesme & Flammarion 2023) and
the data's :func:`metadata`. :func:`to_json` (from :mod:`saddlepath.io`) writes NaN and
±inf as ``null``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from saddlepath.io import to_json
from saddlepath.records._meta import _UNITS, version
from saddlepath.report._rows import (
    catalog_rows,
    convergence_rows,
    finite_or_none,
    init_scale_rows,
    jump_rows,
)

__all__ = [
    "analysis_summary",
    "catalog_rows",
    "check_summary",
    "convergence_fits",
    "convergence_rows",
    "convergence_summary",
    "finite_or_none",
    "init_scale_rows",
    "init_scale_summary",
    "jump_rows",
    "metadata",
    "path_summary",
    "saddles_summary",
    "to_json",
    "trajectory_summary",
]

_FORMAT_VERSION = 1


def _header(kind: str) -> dict[str, Any]:
    return {
        "format": f"saddlepath.{kind}",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": version(),
        "units": _UNITS,
    }


def _status(result: Any) -> dict[str, str]:
    return _named(result.status)


def _named(status: Any) -> dict[str, str]:
    return {"name": status.name, "message": status.value}


def metadata(dataset: Any, source: str) -> dict[str, Any]:
    """The ``data`` block of a summary: name, source, shape and feature names."""
    names = None if dataset.feature_names is None else list(dataset.feature_names)
    return {
        "data": {
            "name": dataset.name,
            "source": source,
            "n_samples": dataset.n_samples,
            "n_features": dataset.n_features,
            "feature_names": names,
        }
    }


def path_summary(path: Any, *, metadata: dict | None = None) -> dict[str, Any]:
    """``path --json``: a saddle path; saddles sparse, ``{"index": value}`` per saddle.

    The saddles come from the path's own sparse storage, so
    ``beta[k, int(i)] == saddles[k][i]`` exactly.
    """
    return {
        **_header("path"),
        "status": _status(path),
        "n_samples": int(path.X.shape[0]),
        "n_features": path.n_features,
        "n_saddles": path.n_saddles,
        "n_jumps": path.n_jumps,
        "stats": dict(path.stats),
        "tolerances": {key: float(value) for key, value in path.tolerances.items()},
        "tau": path.tau.tolist(),
        "loss": path.loss.tolist(),
        "l1_norm": path.l1_norm.tolist(),
        "entered": [list(map(int, c)) for c in path.entered],
        "left": [list(map(int, c)) for c in path.left],
        "saddles": [
            {str(int(i)): float(v) for i, v in zip(idx, val, strict=True)}
            for idx, val in zip(path.supports, path.values, strict=True)
        ],
        "metadata": dict(metadata or {}),
    }


def check_summary(report: Any) -> dict[str, Any]:
    """The ``check`` block of ``path --check --json``: ``passed`` and its named checks."""
    return {
        "passed": bool(report.passed),
        "certified_by": [str(name) for name in getattr(report, "certified_by", ())],
        "checks": [
            {
                "name": str(c.name),
                "passed": bool(c.passed),
                "detail": str(c.detail),
                "worst": finite_or_none(getattr(c, "worst", None)),
            }
            for c in report.checks
        ],
    }


def trajectory_summary(traj: Any, plateaus: Any, *, metadata: dict | None = None) -> dict[str, Any]:
    """``flow --json``: a finite-α run's status, cost, end point and its plateaus."""
    return {
        **_header("trajectory"),
        "method": traj.method,
        "status": _status(traj),
        "message": traj.message,
        "log_alpha": float(traj.log_alpha),
        "n_saved": int(traj.tau.size),
        "stats": dict(traj.stats),
        "final_tau": float(traj.tau[-1]),
        "final_loss": float(traj.loss[-1]),
        "plateaus": [
            {
                "tau_start": float(a),
                "tau_end": finite_or_none(b),
                "beta": {str(int(i)): float(v) for i, v in enumerate(beta) if v != 0.0},
            }
            for a, b, beta in zip(plateaus.tau_start, plateaus.tau_end, plateaus.beta, strict=True)
        ],
        "metadata": dict(metadata or {}),
    }


_CONVENTIONS = {
    "top_eigenvalues": "most negative eigenvalues of the Hessian of F(u, v) at the "
    "saddle; the Jacobian of -grad F has them with the opposite sign",
    "coordinates": "0-based positions among the columns of X (names in metadata)",
}


def analysis_summary(
    traj: Any,
    rows: list[dict],
    resolution: np.ndarray,
    *,
    alpha: str,
    step_size: float | None,
    metadata: dict,
) -> dict[str, Any]:
    """``analyze --json``: one row per jump (:func:`jump_rows`)."""
    finite = [finite_or_none(r) for r in resolution]
    return {
        **_header("analysis"),
        "method": traj.method,
        "alpha": alpha,
        "step_size": step_size,
        "trajectory": {"status": _status(traj), "message": traj.message, "stats": dict(traj.stats)},
        "conventions": dict(_CONVENTIONS),
        "rows": rows,
        "resolutions": finite,
        "unreached": [
            {"k": row["k"], "tau": row["tau"], "resolution": finite[row["k"]]}
            for row in rows
            if row["observed_tau"] is None
        ],
        "metadata": metadata,
    }


def saddles_summary(catalog: Any, *, metadata: dict) -> dict[str, Any]:
    """``saddles --json``: every critical point found, with loss and Morse index."""
    return {
        **_header("saddles"),
        "n_points": len(catalog),
        "stats": {key: int(value) for key, value in catalog.stats.items()},
        "max_support": int(catalog.max_support),
        "unmatched_path_saddles": list(catalog.unmatched_path_saddles),
        "points": catalog_rows(catalog),
        "metadata": metadata,
    }


def init_scale_summary(study: Any, given: list[str], *, metadata: dict) -> dict[str, Any]:
    """``init-scale --json``: the minimiser reached from each scale γ (as given)."""
    rows = init_scale_rows(study)
    rows = [{"gamma_given": text, **row} for text, row in zip(given, rows, strict=True)]
    return {
        **_header("init_scale"),
        "method": study.method,
        "v0": float(study.v0),
        "step_size": study.step_size,
        "active_rtol": float(study.active_rtol),
        "rows": rows,
        "reference": {
            "min_l1_norm": study.min_l1_norm,
            "min_l1_active": int(np.count_nonzero(study.min_l1_beta)),
            "min_l1_beta": study.min_l1_beta.tolist(),
            "min_l2_l1_norm": study.min_l2_norm,
            "min_l2_beta": study.min_l2_beta.tolist(),
        },
        "metadata": metadata,
    }


def convergence_fits(study: Any) -> dict[str, dict[str, Any]]:
    """The three fitted rates of a convergence study (error and delay vs λ, error vs α)."""
    out = {}
    for name, fit in (
        ("error_vs_lambda", study.error_rate),
        ("delay_vs_lambda", study.delay_rate),
        ("error_vs_alpha", study.error_alpha_rate),
    ):
        out[name] = {
            "kind": fit.kind,
            "slope": finite_or_none(fit.slope),
            "intercept": finite_or_none(fit.intercept),
            "rms_residual": finite_or_none(fit.rms_residual),
            "n_points": len(fit.values),
            "status": _named(fit.status),
        }
    return out


def convergence_summary(study: Any, *, metadata: dict | None = None) -> dict[str, Any]:
    """``converge --json``: a row per α (:func:`convergence_rows`) and the fitted rates."""
    return {
        **_header("convergence"),
        "rows": convergence_rows(study),
        "fits": convergence_fits(study),
        "metadata": dict(metadata or {}),
    }
