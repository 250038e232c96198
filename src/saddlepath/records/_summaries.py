"""JSON summaries of results for the CLI: the content of ``path.json``, ``trajectory.json``.

These are readable summaries, not records: they cannot be loaded back (use
:func:`saddlepath.records.save` for that).

Times are in accelerated time ``τ = t/ln(1/α)`` and losses use
``L(β) = ‖Xβ − y‖²/(2n)`` (Pesme & Flammarion 2023). Values that are not finite numbers
are written as ``null`` by :func:`saddlepath.io.to_json`.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from saddlepath.diagonal.path_result import SaddlePath
    from saddlepath.diagonal.trajectory import Trajectory

__all__ = ["path_record", "report_record", "to_json", "trajectory_record", "version"]

_FORMAT_VERSION = 1
_UNITS = "accelerated time τ = t/ln(1/α); loss L(β) = ‖Xβ − y‖²/(2n)"


def version() -> str:
    """The running saddlepath's version (read late: this module loads with the package)."""
    import saddlepath

    return saddlepath.__version__


def path_record(path: SaddlePath, *, metadata: dict | None = None) -> dict[str, Any]:
    """The JSON-ready description of a saddle path (the content of ``path.json``).

    Saddles are stored sparsely, ``{"index": value}`` per saddle, from the path's own
    sparse storage, so ``coefs[k, int(i)] == saddles[k][i]`` exactly.
    """
    return {
        "format": "saddlepath.path",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": version(),
        "units": _UNITS,
        "status": {"name": path.status.name, "message": path.status.value},
        "n_samples": int(path.X.shape[0]),
        "n_features": path.n_features,
        "n_saddles": path.n_saddles,
        "n_jumps": path.n_jumps,
        "stats": dict(path.stats),
        "tolerances": {key: float(value) for key, value in path.tolerances.items()},
        "times": path.tau.tolist(),
        "losses": path.loss.tolist(),
        "l1_norms": path.l1_norm.tolist(),
        "entered": [list(map(int, c)) for c in path.entered],
        "left": [list(map(int, c)) for c in path.left],
        "saddles": [
            {str(int(i)): float(v) for i, v in zip(idx, val, strict=True)}
            for idx, val in zip(path.supports, path.values, strict=True)
        ],
        "metadata": dict(metadata or {}),
    }


def _finite_or_none(value: Any) -> float | None:
    """``value`` as a float when it is a finite number, else ``None`` (JSON has no inf)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def report_record(report: Any) -> dict[str, Any]:
    """JSON-ready form of a certificate report (``passed`` and its named checks)."""
    return {
        "passed": bool(report.passed),
        "certified_by": [str(name) for name in getattr(report, "certified_by", ())],
        "checks": [
            {
                "name": str(c.name),
                "passed": bool(c.passed),
                "detail": str(c.detail),
                "worst": _finite_or_none(getattr(c, "worst", None)),
            }
            for c in report.checks
        ],
    }


def trajectory_record(traj: Trajectory, *, metadata: dict | None = None) -> dict[str, Any]:
    """JSON-ready summary of a finite-α run (the content of ``trajectory.json``)."""
    from saddlepath.analysis.plateaus import find_plateaus  # the one plateau detector

    plateaus = find_plateaus(traj)
    return {
        "format": "saddlepath.trajectory",
        "format_version": _FORMAT_VERSION,
        "saddlepath_version": version(),
        "units": _UNITS,
        "method": traj.method,
        "status": {"name": traj.status.name, "message": traj.status.value},
        "message": traj.message,
        "log_alpha": float(traj.log_alpha),
        "n_saved": int(traj.tau.size),
        "stats": dict(traj.stats),
        "tau_end": float(traj.tau[-1]),
        "loss_end": float(traj.loss[-1]),
        "plateaus": [
            {
                "tau_enter": float(a),
                "tau_leave": _finite_or_none(b),
                "beta": {str(int(i)): float(v) for i, v in enumerate(beta) if v != 0.0},
            }
            for a, b, beta in zip(plateaus.tau_start, plateaus.tau_end, plateaus.beta, strict=True)
        ],
        "metadata": dict(metadata or {}),
    }


def _jsonable(value: Any) -> Any:
    """``value`` with NumPy values as Python ones and every NaN/±inf float as ``None``."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _json_default(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serialisable.")


def to_json(obj: Any) -> str:
    """Serialise ``obj`` as strict, indented JSON (NumPy values allowed).

    A value that is not a finite number (NaN, ±inf: a jump a run missed, a delay that
    does not exist) is written as ``null``, so a computed result is never lost to it.
    """
    return json.dumps(
        _jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False, default=_json_default
    )
