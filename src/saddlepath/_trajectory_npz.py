r"""The compact layout of ``trajectory.npz`` (format 2) and its reader.

A finite-α run saves ``n_times × n_features`` arrays, but its support is sparse: away from
the coordinates that ever enter, :math:`|\beta_i| = |u_i v_i|` stays many orders of
magnitude below :math:`\max|\beta|`. Format 2 (written with ``np.savez_compressed``) keeps

- ``log_alpha`` (ln α, also in ``trajectory.json``: a reader can check the pair);
- ``t``, ``tau``, ``loss``, ``dual`` (:math:`s = S/\lambda`) dense, as before;
- ``beta_values``: β on the columns ``beta_columns`` whose :math:`|\beta_i|` ever exceeds
  ``beta_floor`` :math:`= 10^{-12}\max|\beta|` (bit-exact there);
- ``log_abs_u`` dense, ``log_abs_v`` only where it differs from ``log_abs_u`` (the bitmask
  ``v_equals_u``, packed; the two agree bit for bit on most dormant coordinates);
- ``beta_sign`` (int8): with these, the other columns of β are
  :math:`\operatorname{sign}\beta\cdot e^{\log|u| + \log|v|}`, within a relative
  :math:`10^{-13}` of the run's own β and absolutely below ``beta_floor``.

:func:`read_arrays` returns the dense arrays of format 1 (the plain, uncompressed
archive of version 0.x) and format 2 alike.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

__all__ = ["BETA_FLOOR", "FORMAT", "encode", "load_arrays", "read_arrays"]

FORMAT = 2
BETA_FLOOR = 1e-12  # columns with max|β_i| ≤ BETA_FLOOR·max|β| are rebuilt from log|u|, log|v|
_PLATEAUS = ("plateau_tau_enter", "plateau_tau_leave", "plateau_beta")


def encode(traj: Any) -> dict[str, np.ndarray]:
    """The arrays of ``trajectory.npz`` (format 2) for a :class:`~saddlepath.Trajectory`."""
    beta = np.asarray(traj.beta, dtype=float)
    log_u = np.asarray(traj.log_abs_u, dtype=float)
    log_v = np.asarray(traj.log_abs_v, dtype=float)
    finite = np.isfinite(beta)  # a diverged run: its non-finite columns are kept as they are
    size = np.where(finite, np.abs(beta), 0.0)
    floor = BETA_FLOOR * float(np.max(size, initial=0.0))
    columns = np.flatnonzero((np.max(size, axis=0, initial=0.0) > floor) | ~finite.all(axis=0))
    same = log_v == log_u
    from saddlepath.analysis.plateaus import find_plateaus  # the one plateau detector

    plateaus = find_plateaus(traj)
    return {
        "format_version": np.int64(FORMAT),
        "log_alpha": np.float64(traj.log_alpha),
        "t": np.asarray(traj.t, dtype=float),
        "tau": np.asarray(traj.tau, dtype=float),
        "loss": np.asarray(traj.loss, dtype=float),
        "dual": np.asarray(traj.dual, dtype=float),
        "beta_shape": np.asarray(beta.shape, dtype=np.int64),
        "beta_floor": np.float64(floor),
        "beta_columns": columns.astype(np.int64),
        "beta_values": beta[:, columns],
        "beta_sign": np.sign(beta).astype(np.int8),
        "log_abs_u": log_u,
        "log_abs_v": np.where(same, 0.0, log_v),
        "v_equals_u": np.packbits(same.ravel()),
        "plateau_tau_enter": np.asarray(plateaus.tau_start, dtype=float),
        "plateau_tau_leave": np.asarray(plateaus.tau_end, dtype=float),
        "plateau_beta": np.asarray(plateaus.beta, dtype=float),
    }


def _decode(archive: Any) -> dict[str, np.ndarray]:
    shape = tuple(int(n) for n in archive["beta_shape"])
    log_u = archive["log_abs_u"]
    same = np.unpackbits(archive["v_equals_u"], count=int(np.prod(shape))).reshape(shape)
    log_v = np.where(same.astype(bool), log_u, archive["log_abs_v"])
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        beta = archive["beta_sign"] * np.exp(log_u + log_v)
    beta = np.where(archive["beta_sign"] == 0, 0.0, beta)
    beta[:, archive["beta_columns"]] = archive["beta_values"]
    arrays = {key: archive[key] for key in ("t", "tau", "loss", "dual", "log_alpha", *_PLATEAUS)}
    arrays.update(beta=beta, log_abs_u=log_u, log_abs_v=log_v)
    return arrays


def read_arrays(archive: Any) -> dict[str, np.ndarray]:
    """Dense ``t, tau, beta, dual, loss, log_abs_u, log_abs_v`` and the plateau arrays.

    ``archive`` is an open ``np.load`` archive of format 1 or 2.
    """
    version = int(archive["format_version"]) if "format_version" in archive.files else 1
    if version == 1:
        return {key: archive[key] for key in archive.files}
    if version == FORMAT:
        return _decode(archive)
    raise ValueError(
        f"trajectory.npz has format_version {version}; this saddlepath reads 1 and {FORMAT}. "
        "Upgrade saddlepath to read it."
    )


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The dense arrays of a ``trajectory.npz`` written by :func:`saddlepath.io.save_trajectory`.

    Reads the compact format 2 and the dense format 1 of older versions alike; β off its
    support is rebuilt from ``log_abs_u``, ``log_abs_v`` (see the module docstring).
    Exported as :func:`saddlepath.io.load_trajectory_arrays`.
    """
    with np.load(path, allow_pickle=False) as archive:
        return read_arrays(archive)
