"""Column screening for the exact path: zero columns and parallel columns.

Two columns with ``x_j = ±x_i`` have duals ``s_j = ±s_i`` for all time, so they reach
the boundary ``|s| = 1`` together, and the gradient flow (symmetric in them) shares the
weight equally. A column parallel to a longer one, ``x_j = c·x_i`` with ``|c| < 1``,
never reaches the boundary. The path algorithm therefore runs on one *leader* per
direction and expands the result afterwards.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal._kernels_path_columns import norms_and_projections

__all__ = ["EXACT_PARALLEL", "ColumnGroups", "group_columns"]

EXACT_PARALLEL = 64 * np.finfo(float).eps
"""Unit columns closer than this differ by rounding only (``x_j = c·x_i`` in float64)."""


@dataclass(frozen=True)
class ColumnGroups:
    """Result of :func:`group_columns`.

    Attributes
    ----------
    norms : ndarray of shape (n_features,)
        Euclidean norms of the columns of ``X``.
    eligible : ndarray of bool, shape (n_features,)
        Leaders: the only columns that may enter the path.
    leader : ndarray of int, shape (n_features,)
        For each column sharing a leader's weight, that leader; ``-1`` for columns that
        never enter (zero columns, shorter parallel columns).
    orient : ndarray of shape (n_features,)
        ``±1`` with ``x_j = orient_j · x_{leader_j}``.
    share : ndarray of int, shape (n_features,)
        Size of the sharing group of each leader (1 when the column is alone).
    """

    norms: np.ndarray
    eligible: np.ndarray
    leader: np.ndarray
    orient: np.ndarray
    share: np.ndarray

    has_duplicates: bool = False
    """Whether some leader shares its weight with other columns."""

    near_parallel: tuple[int, ...] = ()
    """Columns grouped with a leader although not parallel to it to rounding
    (``‖x_i/‖x_i‖ ∓ x_j/‖x_j‖‖`` between ``EXACT_PARALLEL`` and ``parallel_tol``)."""

    def members(self, j: int) -> np.ndarray:
        """Columns that share leader ``j``'s weight (``j`` included)."""
        return np.flatnonzero(self.leader == j)


@functools.lru_cache(maxsize=8)
def _probe(n_samples: int) -> np.ndarray:
    """A fixed random direction (seeded, so results are reproducible)."""
    probe = np.random.default_rng(20230401).standard_normal(n_samples)
    probe.flags.writeable = False
    return probe


def _fingerprints(proj: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """``|zᵀx_i|/‖x_i‖`` for a fixed random ``z``: equal for columns equal up to sign."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(proj) / norms


def _parallel_blocks(keys: np.ndarray, alive: np.ndarray, tol: float) -> list[np.ndarray]:
    """Runs of (sorted) fingerprints that agree to ``tol``: candidate parallel groups."""
    idx = np.flatnonzero(alive)
    order = idx[np.argsort(keys[idx], kind="stable")]
    close = np.abs(np.diff(keys[order])) <= tol * np.maximum(keys[order][1:], 1.0)
    if not np.any(close):
        return []
    pairs = np.flatnonzero(close)
    breaks = np.flatnonzero(np.diff(pairs) > 1)
    starts = np.concatenate(([pairs[0]], pairs[breaks + 1]))
    ends = np.concatenate((pairs[breaks], [pairs[-1]]))
    blocks = [order[a : b + 2] for a, b in zip(starts, ends, strict=True)]
    return blocks


def _column_norms(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``‖x_i‖`` and ``zᵀx_i`` in one pass; columns whose squares underflow (norm below
    ~1e-154) are rescaled first."""
    norms, proj = np.empty(X.shape[1]), np.empty(X.shape[1])
    norms_and_projections(X, _probe(X.shape[0]), norms, proj)
    np.sqrt(norms, out=norms)
    for j in np.flatnonzero(norms < 1e-150):
        top = float(np.max(np.abs(X[:, j])))
        if top > 0:
            e = int(np.frexp(top)[1])
            norms[j] = np.ldexp(np.linalg.norm(np.ldexp(X[:, j], -e)), e)
    return norms, proj


def group_columns(X: np.ndarray, *, parallel_tol: float = 1e-10) -> ColumnGroups:
    """Find zero columns and groups of parallel columns of ``X``.

    Columns ``i`` and ``j`` are parallel when ``‖x_i/‖x_i‖ ∓ x_j/‖x_j‖‖ ≤ parallel_tol``;
    a column is zero only when it is exactly zero. A short column is not: the path is not
    invariant under column scaling, and a column ``10⁻¹²`` times shorter than the others
    still enters, only later (``τ ∝ 1/‖x_i‖``).
    Costs one compiled pass over ``X`` (norms and one random projection) plus a sort.
    """
    d = X.shape[1]
    norms, proj = _column_norms(X)
    alive = norms > 0  # a short column is a column: scale never decides eligibility
    leader = np.where(alive, np.arange(d), -1)
    orient = np.ones(d)
    near: list[int] = []
    if np.count_nonzero(alive) > 1:
        keys = _fingerprints(proj, norms)
        for block in _parallel_blocks(keys, alive, 10 * parallel_tol):
            near += _resolve_block(X, norms, block, leader, orient, parallel_tol)
    share = np.bincount(leader[leader >= 0], minlength=d)
    eligible = (leader == np.arange(d)) & alive
    return ColumnGroups(
        norms, eligible, leader, orient, share, bool(np.any(share > 1)), tuple(sorted(near))
    )


def _resolve_block(X, norms, cols, leader, orient, tol) -> list[int]:
    """Verify a block of fingerprint-equal columns and assign leaders within it.

    Returns the columns grouped although they differ by more than rounding.
    """
    near = []
    remaining = list(cols[np.argsort(-norms[cols], kind="stable")])
    while remaining:
        head = remaining.pop(0)
        unit = X[:, head] / norms[head]
        rest = []
        for j in remaining:
            other = X[:, j] / norms[j]
            sign = 1.0 if float(unit @ other) >= 0 else -1.0
            gap = float(np.linalg.norm(unit - sign * other))
            if gap > tol:
                rest.append(j)
                continue
            if gap > EXACT_PARALLEL:
                near.append(int(j))
            same_norm = abs(norms[j] - norms[head]) <= tol * norms[head]
            leader[j] = head if same_norm else -1
            orient[j] = sign
        remaining = rest
    return near
