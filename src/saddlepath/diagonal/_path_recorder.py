"""Bookkeeping of the exact path: the saddles as visited, their map to data units, the result."""

from __future__ import annotations

import warnings

import numpy as np

from saddlepath.diagonal._columns import ColumnGroups
from saddlepath.diagonal._magnitude import DataScaling, map_back
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.path_status import INTERPOLATION_TOL, PathStatus, fits_exactly
from saddlepath.warnings import NonUniqueSaddleWarning, PathRangeWarning, PathStagnationWarning

__all__ = ["_Recorder", "finish_path"]


class _Recorder:
    """Collects the saddles as the loop visits them (leader space → full space)."""

    def __init__(self, groups: ColumnGroups) -> None:
        self.groups = groups
        self.tau: list[float] = []
        self.steps: list[float] = []  # τ_k − τ_{k−1} as computed, before rounding into τ_k
        self.loss: list[float] = []
        self.supports: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.boundaries: list[np.ndarray] = []
        self.signs: list[np.ndarray] = []
        self.R: list[np.ndarray] = []
        self.shared = False

    def expand(self, idx: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Spread each leader's value equally over the columns that share it."""
        g = self.groups
        if not g.has_duplicates or idx.size == 0:
            return idx, val
        out_idx, out_val = [], []
        for j, v in zip(idx, val, strict=True):
            members = g.members(int(j)) if g.share[j] > 1 else np.array([j])
            self.shared |= members.size > 1
            out_idx.append(members)
            out_val.append(g.orient[members] * v / members.size)
        order = np.argsort(np.concatenate(out_idx))
        return np.concatenate(out_idx)[order], np.concatenate(out_val)[order]

    def add(self, tau, loss, support, values, sigma, R, boundary=None, signs=None) -> None:
        """Saddle ``β`` (``support``, ``values``) held from ``tau``; its boundary set and
        signs (``σ`` on ``boundary``, or ``signs`` given) and integrated residual ``R``."""
        idx, val = self.expand(np.asarray(support, dtype=int), np.asarray(values, dtype=float))
        b = np.flatnonzero(sigma) if boundary is None else boundary
        sgn = sigma[b] if signs is None else signs
        b_idx, b_sgn = self.expand(b, sgn) if b.size else (b, sgn)
        if self.groups.has_duplicates and b.size:
            b_sgn = np.sign(b_sgn)
        self.tau.append(float(tau))
        self.loss.append(float(loss))
        self.supports.append(idx)
        self.values.append(val)
        self.boundaries.append(b_idx)
        self.signs.append(b_sgn)
        self.R.append(R.copy())

    def extend(self, saddles) -> None:
        """Append saddles ``(τ, L, support, values, boundary, signs, R)`` held by the caller
        only (no copies are made): ``add`` without its checks, for the common case of no
        shared columns."""
        if self.groups.has_duplicates:
            for tau, loss, sup, val, b, sgn, R in saddles:
                self.add(tau, loss, sup, val, None, R, b, sgn)
            return
        for tau, loss, sup, val, b, sgn, R in saddles:
            self.tau.append(tau)
            self.loss.append(loss)
            self.supports.append(sup)
            self.values.append(val)
            self.boundaries.append(b)
            self.signs.append(sgn)
            self.R.append(R)

    def changes(self) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
        entered, left = [()], [()]
        for prev, cur in zip(self.supports[:-1], self.supports[1:], strict=True):
            before, after = set(prev.tolist()), set(cur.tolist())
            entered.append(tuple(sorted(after - before)))
            left.append(tuple(sorted(before - after)))
        return tuple(entered), tuple(left)


def _map_back(rec: _Recorder, scaling: DataScaling, status: PathStatus):
    """Times, saddles, losses and ``R`` in the units of the data (see ``_magnitude``)."""
    times, ok_t = map_back(rec.tau, scaling.time_exp)
    R, ok_r = map_back(np.array(rec.R), scaling.residual_exp)
    losses, ok_l = map_back(rec.loss, scaling.loss_exp)
    if scaling.coef_exp == 0:  # the common case: nothing to map
        values, ok_v = tuple(rec.values), True
    else:
        flat, ok_v = map_back(np.concatenate(rec.values), scaling.coef_exp)
        values = tuple(np.split(flat, np.cumsum([v.size for v in rec.values])[:-1]))
    checks = (("jump times", ok_t), ("saddles", ok_v), ("∫r dτ", ok_r))
    bad = [name for name, ok in checks if not ok]
    if bad:
        status = PathStatus.OUT_OF_RANGE
    if bad or not ok_l:
        what = bad + ([] if ok_l else ["losses"])
        warnings.warn(
            f"saddle_path computed the path on the data rescaled by powers of two (X·2^"
            f"{-scaling.p}, y·2^{-scaling.q}), but its {', '.join(what)} overflow to ±inf or "
            "fall below 2.2e-308 in the units of the data: the true values are not "
            "representable in float64. Rescale X and y (the path is equivariant: "
            "X→cX, y→by maps τ→τ/(cb), β→(b/c)β)."
            + (" Status is OUT_OF_RANGE." if bad else " Only the losses are affected."),
            PathRangeWarning,
            stacklevel=3,
        )
    steps, _ = map_back(rec.steps, scaling.time_exp)
    mapped = {"times": times, "R": R, "losses": losses, "steps": steps}
    mapped["values"] = values
    return mapped, status


def finish_path(data, scaling, rec, ended, dependent, n_passes, tolerances) -> SaddlePath:
    """The :class:`SaddlePath` in the units of the data, with its status and warnings."""
    X, y, y_scaled = data
    status, reason = ended
    interpolates = fits_exactly(rec.loss[-1], y_scaled)
    tolerances["interpolation_tol"] = INTERPOLATION_TOL
    non_unique = bool(dependent) or rec.shared
    if status is None:
        status = PathStatus.MIN_L1_INTERPOLATOR if interpolates else PathStatus.LEAST_SQUARES
        if non_unique:
            status = PathStatus.NON_UNIQUE
    if non_unique:
        _warn_non_unique(rec, dependent)
    if status is PathStatus.STAGNATED:
        reason = reason or (
            "the loss stopped decreasing, or a gradient below grad_tol would push a dual past "
            "±1 by more than 1e-6 (possible when column norms span many orders of magnitude); "
            "try a smaller grad_tol"
        )
        warnings.warn(
            f"saddle_path stopped after {len(rec.tau) - 1} jumps: the next jump could not "
            f"be resolved in floating point: {reason}. The saddles reported up to there are "
            "exact to working precision.",
            PathStagnationWarning,
            stacklevel=3,
        )
    entered, left = rec.changes()
    mapped, status = _map_back(rec, scaling, status)
    return SaddlePath(
        tau=mapped["times"],
        loss=mapped["losses"],
        entered=entered,
        left=left,
        status=status,
        stats={"n_passes": int(n_passes)},
        supports=tuple(rec.supports),
        values=mapped["values"],
        boundaries=tuple(rec.boundaries),
        boundary_signs=tuple(rec.signs),
        integrated_residuals=mapped["R"],
        X=X,
        y=y,
        tolerances=tolerances,
        durations=mapped["steps"],
    )


def _warn_non_unique(rec: _Recorder, dependent: set[int]) -> None:
    parts = []
    if rec.shared:
        parts.append(
            "columns equal up to sign entered together; their weight is shared equally, "
            "as the gradient flow does"
        )
        near = [j for j in rec.groups.near_parallel if rec.groups.leader[j] >= 0]
        if near:
            parts.append(
                f"columns {near} are equal up to sign only within 1e-10 (not to rounding): "
                "they were treated as exact duplicates, and the exact path of these data "
                "would not share their weight"
            )
    if dependent:
        parts.append(
            f"columns {sorted(dependent)} are linearly dependent on the other active columns "
            "(within dependence_tol of their span; if only nearly so, the exact path differs "
            "from here on); "
            "the saddle reported is the maximum-entropy point of the set of minimisers, the "
            "flow's choice when the tied coordinates arrive at equal rates"
        )
    warnings.warn(
        "The data are not in general position: " + "; ".join(parts) + ". Losses, jump "
        "times and ℓ1 norms are unaffected; status is NON_UNIQUE.",
        NonUniqueSaddleWarning,
        stacklevel=3,
    )
