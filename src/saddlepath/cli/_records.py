"""The JSON records the commands print (``--json``) and write (``--out``).

One function per command's record; each carries its format name and version, the
saddlepath version, the units (τ = t/ln(1/α), L(β) = ‖Xβ − y‖²/(2n)) and the data's
:func:`metadata`. The path and trajectory records are :func:`saddlepath.io.path_record`
and :func:`saddlepath.io.trajectory_record`. Every file goes through :mod:`saddlepath.io`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from saddlepath import __version__, io
from saddlepath.data import Dataset

__all__ = [
    "analysis_record",
    "convergence_fits",
    "convergence_record",
    "init_scale_record",
    "metadata",
    "saddles_record",
]

_FORMAT_VERSION = 1
_UNITS = "accelerated time τ = t/ln(1/α); loss L(β) = ‖Xβ − y‖²/(2n)"


def metadata(dataset: Dataset, source: str) -> dict[str, Any]:
    """The ``data`` block stored with a result: name, source, shape and feature names."""
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


def analysis_record(
    result: Any, *, alpha: str, step_size: float | None, metadata: dict
) -> dict[str, Any]:
    """The content of ``analysis.json`` (and of ``analyze --json``)."""
    traj, rows = result.trajectory, result.rows
    finite = [None if not np.isfinite(r) else float(r) for r in result.resolution]
    return {
        "format": "saddlepath.analysis",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": __version__,
        "units": _UNITS,
        "method": traj.method,
        "alpha": alpha,
        "step_size": step_size,
        "trajectory": {
            "status": {"name": traj.status.name, "message": traj.status.value},
            "message": traj.message,
            "stats": dict(traj.stats),
        },
        "conventions": {
            "top_eigenvalues": "most negative eigenvalues of the Hessian of F(u, v) at the "
            "saddle; the Jacobian of -grad F has them with the opposite sign",
            "coordinates": "0-based positions among the columns of X (names in metadata)",
        },
        "rows": rows,
        "resolutions": finite,
        "unreached": [
            {"k": row["k"], "tau": row["tau"], "resolution": finite[row["k"]]}
            for row in rows
            if row["observed_tau"] is None
        ],
        "metadata": metadata,
    }


def saddles_record(catalog: Any, *, metadata: dict) -> dict[str, Any]:
    """The content of ``saddles.json`` (and of ``saddles --json``)."""
    return {
        "format": "saddlepath.saddles",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": __version__,
        "units": _UNITS,
        "n_points": len(catalog),
        "n_examined": int(catalog.n_examined),
        "n_dependent": int(catalog.n_dependent),
        "max_support": int(catalog.max_support),
        "unmatched_path_saddles": list(catalog.unmatched_path_saddles),
        "points": catalog.rows(),
        "metadata": metadata,
    }


def init_scale_record(study: Any, given: list[str], *, metadata: dict) -> dict[str, Any]:
    """The content of ``init_scale.json`` (and of ``init-scale --json``)."""
    rows = [{"gamma_given": text, **row} for text, row in zip(given, study.rows(), strict=True)]
    return {
        "format": "saddlepath.init_scale",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": __version__,
        "units": _UNITS,
        "method": study.method,
        "v0": float(study.v0),
        "step_size": study.step_size,
        "active_rtol": float(study.active_rtol),
        "rows": rows,
        "reference": {
            "min_l1_norm": study.min_l1_norm,
            "min_l1_active": int(np.count_nonzero(study.min_l1_coef)),
            "min_l1_coef": study.min_l1_coef.tolist(),
            "min_l2_l1_norm": study.min_l2_norm,
            "min_l2_coef": study.min_l2_coef.tolist(),
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
            "slope": io._finite_or_none(fit.slope),
            "intercept": io._finite_or_none(fit.intercept),
            "rms_residual": io._finite_or_none(fit.rms_residual),
            "n_points": len(fit.values),
            "status": fit.status.name,
        }
    return out


def convergence_record(study: Any, *, metadata: dict | None = None) -> dict[str, Any]:
    """The content of ``convergence.json`` (with ``metadata``) and of ``converge --json``."""
    record = {"rows": study.rows(), "fits": convergence_fits(study)}
    if metadata is not None:
        record["metadata"] = metadata
    return record
