"""A Cholesky factor of the Gram matrix of a changing set of columns.

``G_PP = X_Pᵀ X_P = RᵀR`` with ``R`` upper triangular, kept up to date as columns enter
(one triangular solve, ``O(n·|P| + |P|²)``) and leave (Givens rotations, ``O(|P|²)``) —
the up/down-dates of LARS, so no factorisation is ever redone.

``R`` is stored column-packed in a growing buffer (BLAS ``tpsv`` layout), so appending a
column appends ``|P| + 1`` numbers. Alongside ``R`` the forward-substituted right-hand
side ``q = R⁻ᵀ X_Pᵀ y`` is updated too, so a least-squares solve is one
back-substitution. The active columns are kept in a contiguous buffer so that products
with ``X_P`` never gather from ``X``. This class holds the buffers and reads them; the
arithmetic is compiled (:mod:`~saddlepath.diagonal._kernels_path_chol`).
"""

from __future__ import annotations

import math

import numpy as np

from saddlepath.diagonal import _kernels_path_chol as kc

__all__ = ["GramCholesky"]


def _packed_index(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each entry of a column-packed upper triangle of order ``k``."""
    cols, rows = np.tril_indices(k)
    return rows, cols


class GramCholesky:
    """Mutable upper-triangular factor ``R`` with ``X_Pᵀ X_P = RᵀR``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    norms : ndarray of shape (n_features,)
        Column norms of ``X``.
    Xty : ndarray of shape (n_features,)
        ``Xᵀy``, the right-hand side of every least-squares problem.
    y : ndarray of shape (n_samples,)
        The targets (used by the refinement step).
    dependence_tol : float
        A column whose distance to the span of the active columns is at most
        ``dependence_tol · ‖x_j‖`` is refused (it is linearly dependent).
    """

    def __init__(self, X, norms, Xty, y, *, dependence_tol: float) -> None:
        self.X, self.norms, self.Xty, self.y = X, norms, Xty, y
        self.dependence_tol = dependence_tol
        self.in_active = np.zeros(X.shape[1], dtype=bool)
        self.ist = np.zeros(3, dtype=np.int64)  # |P|, weakest column added, its partners
        self.fst = np.array([np.inf, np.inf])  # min pivot ratio (NaN: recompute), weakest
        self.wn = np.zeros(X.shape[0])
        self.solve_par: np.ndarray | None = None  # the solve's parameters, set on first use
        self.boundary = np.zeros(X.shape[1], dtype=np.int64)  # E = {i : σ_i ≠ 0}, as found
        self._grow(32)

    def _grow(self, capacity: int) -> None:
        """Room for ``capacity`` active columns (buffers copied, never shrunk)."""
        k, n = self.size, self.X.shape[0]
        packed = np.zeros(capacity * (capacity + 1) // 2)
        q, active = np.zeros(capacity), np.zeros(capacity, dtype=np.int64)
        partners = np.zeros(capacity, dtype=np.int64)
        cols = np.zeros((n, capacity), order="F")
        if k:
            packed[: k * (k + 1) // 2] = self._packed[: k * (k + 1) // 2]
            q[:k], active[:k], cols[:, :k] = self._q[:k], self._active[:k], self._cols[:, :k]
            partners[:k] = self.partners[:k]
        self._packed, self._q, self._active, self._cols = packed, q, active, cols
        self.partners = partners
        self.wk = np.zeros((5, capacity + 1))
        self.values = np.zeros(capacity + 1)  # the solve's iterate on the active set
        self.flags = np.zeros((2, capacity + 1), dtype=np.int64)  # its index lists
        self.state = (packed, q, cols, active, self.in_active, self.ist, self.fst)

    def reserve(self, capacity: int) -> None:
        """Make room for ``capacity`` active columns."""
        if capacity > self._q.size:
            self._grow(max(capacity, 2 * self._q.size))

    @property
    def capacity(self) -> int:
        """Active columns the buffers hold."""
        return self._q.size

    @property
    def size(self) -> int:
        return int(self.ist[0])

    @property
    def active(self) -> np.ndarray:
        """The active columns, in order (a view)."""
        return self._active[: self.size]

    @property
    def q(self) -> np.ndarray:
        return self._q[: self.size]

    @property
    def XP(self) -> np.ndarray:
        """The active columns, shape ``(n_samples, |P|)`` (a contiguous view)."""
        return self._cols[:, : self.size]

    @property
    def R(self) -> np.ndarray:
        """The factor as a dense upper-triangular array (a copy; for inspection)."""
        k = self.size
        out = np.zeros((k, k), order="F")
        out[_packed_index(k)] = self._packed[: k * (k + 1) // 2]
        return out

    @property
    def pivot_ratios(self) -> np.ndarray:
        """``R_jj/‖x_j‖`` for the active columns, in order.

        The distance of each (unit-normalised) active column to the span of the ones
        before it: invariant under column scaling, and ``1/min`` is a lower bound on the
        condition number of the column-normalised ``X_P``.
        """
        diag = np.arange(self.size) * (np.arange(self.size) + 3) // 2
        return np.abs(self._packed[diag]) / self.norms[self.active]

    def near_dependence(self, limit: float) -> tuple[float, int, list[int]] | None:
        """The worst-conditioned active column if its pivot ratio is below ``limit``.

        Columns added since the last call count too, even if they left again (a column
        that replaced a nearly parallel one: the jump itself was decided by a difference
        of nearly equal duals).

        Returns ``(ratio, j, partners)``: column ``j`` lies at distance ``ratio·‖x_j‖``
        from the span of ``partners`` (the earlier active columns that carry at least 1%
        of the combination, in units of ``‖x_j‖``), or ``None`` when every ratio is at
        least ``limit``.
        """
        min_ratio, weak = self.fst.tolist()
        if weak < math.inf:  # a column added at a small pivot ratio since the last call
            self.fst[1] = math.inf
            if weak < limit:
                partners = sorted(int(i) for i in self.partners[: self.ist[2]])
                return weak, int(self.ist[1]), partners
        if math.isnan(min_ratio):  # a column left: the trailing pivots changed
            min_ratio = self.fst[0] = float(self.pivot_ratios.min(initial=np.inf))
        if min_ratio >= limit:
            return None
        ratios = self.pivot_ratios
        p = int(np.argmin(ratios))
        R, active = self.R, self.active
        c = np.linalg.solve(R[:p, :p], R[:p, p]) if p else np.zeros(0)
        weight = np.abs(c) * self.norms[active[:p]]
        partners = active[:p][weight >= 0.01 * self.norms[active[p]]]
        return float(ratios[p]), int(active[p]), sorted(int(i) for i in partners)

    def add(self, j: int) -> bool:
        """Append column ``j``; return ``False`` (and change nothing) if it is dependent."""
        self.reserve(self.size + 1)
        return bool(
            kc.add_column(
                self.X, j, self.norms, self.Xty, self.dependence_tol, *self.state,
                self.partners, self.wk, self.wn,
            )
        )  # fmt: skip

    def remove(self, j: int) -> None:
        """Delete column ``j``; Givens rotations restore the triangle (only the trailing
        columns change) and update ``q`` alike."""
        p = int(np.flatnonzero(self.active == j)[0])
        kc.remove_column(p, *self.state, self.wk)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Solve ``X_Pᵀ X_P z = rhs`` for the current active set."""
        z = np.array(rhs, dtype=float)
        kc.solve_rt(self._packed, self.size, z)
        kc.solve_r(self._packed, self.size, z)
        return z

    def least_squares(self, y: np.ndarray, *, refine: bool) -> np.ndarray:
        """Least squares ``argmin ‖X_P z − y‖``: one back-substitution ``R z = q``.

        With ``refine`` one step of iterative refinement on the semi-normal equations
        (using ``X_P`` itself) recovers the accuracy lost by squaring the condition number.
        """
        z = np.zeros(self.size)
        kc.least_squares(
            self._packed, self._q, self._cols, self.size, y, refine, z, self.wk[0], self.wn
        )
        return z
