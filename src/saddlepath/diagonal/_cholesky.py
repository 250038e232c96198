"""A Cholesky factor of the Gram matrix of a changing set of columns.

``G_PP = X_Pᵀ X_P = RᵀR`` with ``R`` upper triangular, kept up to date as columns enter
(one triangular solve, ``O(n·|P| + |P|²)``) and leave (Givens rotations, ``O(|P|²)``) —
the up/down-dates of LARS, so no factorisation is ever redone.

``R`` is stored column-packed in a growing buffer (BLAS ``tpsv`` layout), so appending a
column appends ``|P| + 1`` numbers and triangular solves read the buffer in place.
Alongside ``R`` the forward-substituted right-hand side ``q = R⁻ᵀ X_Pᵀ y`` is updated
too, so a least-squares solve is one back-substitution. The active columns are kept in a
contiguous buffer so that products with ``X_P`` never gather from ``X``.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas, qr_delete

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
        self.active: list[int] = []
        self.in_active = np.zeros(X.shape[1], dtype=bool)
        self.q = np.zeros(0)
        self._packed = np.zeros(136)  # order 16
        self._diag = np.zeros(0, dtype=int)  # packed positions of the diagonal
        self._min_ratio: float | None = np.inf  # min of pivot_ratios (None: recompute)
        self._weak_add: tuple | None = None  # worst (ratio, j, partners) added since checked
        self._cols = np.zeros((X.shape[0], 16), order="F")

    @property
    def size(self) -> int:
        return len(self.active)

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
        k = self.size
        if self._diag.size < k:
            self._diag = np.arange(2 * k) * (np.arange(2 * k) + 3) // 2
        return np.abs(self._packed[self._diag[:k]]) / self.norms[self.active]

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
        weak, self._weak_add = self._weak_add, None
        if weak is not None and weak[0] < limit:  # a transient member of this solve
            return weak
        if self._min_ratio is None:  # a column left: the trailing pivots changed
            self._min_ratio = float(self.pivot_ratios.min(initial=np.inf))
        if self._min_ratio >= limit:
            return None
        ratios = self.pivot_ratios
        p = int(np.argmin(ratios))
        R, active = self.R, np.asarray(self.active, dtype=int)
        c = np.linalg.solve(R[:p, :p], R[:p, p]) if p else np.zeros(0)
        weight = np.abs(c) * self.norms[active[:p]]
        partners = active[:p][weight >= 0.01 * self.norms[active[p]]]
        return float(ratios[p]), int(active[p]), sorted(int(i) for i in partners)

    def _partners(self, w: np.ndarray, norm: float) -> list[int]:
        """Active columns carrying ≥ 1% of ``X_P c ≈ x_j`` (``R c = w``), in units of ``‖x_j‖``."""
        if not self.active:
            return []
        c = self._tri_solve(w, trans=False)
        active = np.asarray(self.active, dtype=int)
        return sorted(int(i) for i in active[np.abs(c) * self.norms[active] >= 0.01 * norm])

    def _tri_solve(self, b: np.ndarray, *, trans: bool) -> np.ndarray:
        k = self.size
        return blas.dtpsv(
            k, self._packed[: k * (k + 1) // 2], np.array(b, dtype=float), trans=int(trans)
        )

    def add(self, j: int) -> bool:
        """Append column ``j``; return ``False`` (and change nothing) if it is dependent."""
        k = self.size
        xj = self.X[:, j]
        w = self._tri_solve(self.XP.T @ xj, trans=True) if k else np.zeros(0)
        rho = self._pivot(xj, w)
        if rho <= self.dependence_tol * self.norms[j]:
            return False
        start, stop = k * (k + 1) // 2, (k + 1) * (k + 2) // 2
        if stop > self._packed.size:
            self._packed = np.concatenate((self._packed, np.zeros(self._packed.size + stop)))
        self._packed[start : stop - 1] = w
        ratio = rho / float(self.norms[j])
        if ratio < 1e-3 and (self._weak_add is None or ratio < self._weak_add[0]):
            self._weak_add = (ratio, j, self._partners(w, float(self.norms[j])))
        self._packed[stop - 1] = rho
        if self._min_ratio is not None:
            self._min_ratio = min(self._min_ratio, ratio)
        self.q = np.concatenate((self.q, [(self.Xty[j] - w @ self.q) / rho]))
        if k + 1 > self._cols.shape[1]:
            grown = np.zeros((self.X.shape[0], 2 * self._cols.shape[1]), order="F")
            grown[:, :k] = self.XP
            self._cols = grown
        self._cols[:, k] = xj
        self.active.append(j)
        self.in_active[j] = True
        return True

    def _pivot(self, xj: np.ndarray, w: np.ndarray) -> float:
        """Distance of ``x_j`` to the span of the active columns, computed stably.

        ``‖x_j‖² − ‖w‖²`` (``w = R⁻ᵀX_Pᵀx_j``) loses everything below ``√ε·‖x_j‖`` to
        cancellation, so a column at angle 1e-12 from the span looked like one at 1e-8.
        When that difference is small the residual ``x_j − X_P c`` of the projection
        (``c = G⁻¹X_Pᵀx_j``, refined once) is measured directly instead.
        """
        pivot_sq = float(xj @ xj) - float(w @ w)
        if pivot_sq > 1e-4 * float(xj @ xj) or not self.active:
            return float(np.sqrt(max(pivot_sq, 0.0)))
        XP = self.XP
        c = self._tri_solve(w, trans=False)
        e = xj - XP @ c
        e -= XP @ self.solve(XP.T @ e)
        return float(np.linalg.norm(e))

    def remove(self, j: int) -> None:
        """Delete column ``j``; LAPACK Givens rotations restore the triangle.

        Only the trailing columns change: the first ``p`` columns of ``R`` (a prefix of
        the packed buffer) are kept, rows ``< p`` of the later columns just shift left,
        and the trailing ``(k−p) × (k−p−1)`` Hessenberg block is re-triangularised with
        ``q`` riding along as an extra column, so the same rotations update it.
        """
        p = self.active.index(j)
        k = self.size
        packed = self._packed
        block = np.zeros((k - p, k - p + 1), order="F")  # rows p.., columns p.. and q
        top = [packed[c * (c + 1) // 2 : c * (c + 1) // 2 + p].copy() for c in range(p + 1, k)]
        for col, c in enumerate(range(p, k)):
            start = c * (c + 1) // 2
            block[: c - p + 1, col] = packed[start + p : start + c + 1]
        block[:, -1] = self.q[p:]
        _, rotated = qr_delete(
            np.eye(k - p, order="F"), block, 0, which="col", overwrite_qr=True, check_finite=False
        )
        for col, c in enumerate(range(p, k - 1)):  # new column c = old column c + 1
            start = c * (c + 1) // 2
            packed[start : start + p] = top[col]
            packed[start + p : start + c + 1] = rotated[: c - p + 1, col]
        self.q = np.concatenate((self.q[:p], rotated[: k - 1 - p, -1]))
        self._cols[:, p : k - 1] = self._cols[:, p + 1 : k]
        del self.active[p]
        self.in_active[j] = False
        self._min_ratio = None

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Solve ``X_Pᵀ X_P z = rhs`` for the current active set."""
        if not self.active:
            return np.zeros(0)
        return self._tri_solve(self._tri_solve(rhs, trans=True), trans=False)

    def least_squares(self, y: np.ndarray, *, refine: bool) -> np.ndarray:
        """Least squares ``argmin ‖X_P z − y‖``: one back-substitution ``R z = q``.

        With ``refine`` one step of iterative refinement on the semi-normal equations
        (using ``X_P`` itself) recovers the accuracy lost by squaring the condition number.
        """
        if not self.active:
            return np.zeros(0)
        z = self._tri_solve(self.q, trans=False)
        if refine:
            XP = self.XP
            z = z + self.solve(XP.T @ (y - XP @ z))
        return z

    def fitted(self, z: np.ndarray) -> np.ndarray:
        """``X_P z``."""
        return self.XP @ z if self.active else np.zeros(self.X.shape[0])
