"""A Cholesky factor of the Gram matrix of a changing set of columns.

``G_PP = X_Pᵀ X_P = RᵀR`` with ``R`` upper triangular, kept up to date as columns enter
(one triangular solve, ``O(n·|P| + |P|²)``) and leave (Givens rotations, ``O(|P|²)``) —
the up/down-dates of LARS, so no factorisation is ever redone. Alongside ``R`` the
forward-substituted right-hand side ``q = R⁻ᵀ X_Pᵀ y`` is updated too, so a least-squares
solve is one back-substitution. The active columns are kept in a contiguous buffer so
that products with ``X_P`` never gather from ``X``.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas, qr_delete

__all__ = ["GramCholesky"]


def _back(R: np.ndarray, b: np.ndarray, *, trans: bool = False) -> np.ndarray:
    """Solve ``R z = b`` (or ``Rᵀ z = b``) with ``R`` upper triangular, F-ordered."""
    return blas.dtrsv(R, np.array(b, dtype=float), trans=int(trans))


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
        self.R = np.zeros((0, 0), order="F")
        self.q = np.zeros(0)
        self._cols = np.zeros((X.shape[0], 16), order="F")

    @property
    def size(self) -> int:
        return len(self.active)

    @property
    def XP(self) -> np.ndarray:
        """The active columns, shape ``(n_samples, |P|)`` (a contiguous view)."""
        return self._cols[:, : self.size]

    def add(self, j: int) -> bool:
        """Append column ``j``; return ``False`` (and change nothing) if it is dependent."""
        k = self.size
        xj = self.X[:, j]
        w = _back(self.R, self.XP.T @ xj, trans=True) if k else np.zeros(0)
        pivot_sq = float(xj @ xj) - float(w @ w)
        if pivot_sq <= (self.dependence_tol * self.norms[j]) ** 2:
            return False
        rho = np.sqrt(pivot_sq)
        R = np.zeros((k + 1, k + 1), order="F")
        R[:k, :k], R[:k, k], R[k, k] = self.R, w, rho
        self.R = R
        self.q = np.concatenate((self.q, [(self.Xty[j] - w @ self.q) / rho]))
        if k + 1 > self._cols.shape[1]:
            grown = np.zeros((self.X.shape[0], 2 * self._cols.shape[1]), order="F")
            grown[:, :k] = self.XP
            self._cols = grown
        self._cols[:, k] = xj
        self.active.append(j)
        self.in_active[j] = True
        return True

    def remove(self, j: int) -> None:
        """Delete column ``j``; LAPACK Givens rotations restore the triangle.

        ``q`` rides along as an extra column of ``R`` so the same rotations update it.
        """
        p = self.active.index(j)
        k = self.size
        augmented = np.column_stack((self.R, self.q))
        _, rotated = qr_delete(np.eye(k), augmented, p, which="col", check_finite=False)
        self.R = np.asfortranarray(rotated[: k - 1, : k - 1])
        self.q = rotated[: k - 1, k - 1].copy()
        self._cols[:, p : k - 1] = self._cols[:, p + 1 : k]
        del self.active[p]
        self.in_active[j] = False

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Solve ``X_Pᵀ X_P z = rhs`` for the current active set."""
        if not self.active:
            return np.zeros(0)
        return _back(self.R, _back(self.R, rhs, trans=True))

    def least_squares(self, y: np.ndarray, *, refine: bool) -> np.ndarray:
        """Least squares ``argmin ‖X_P z − y‖``: one back-substitution ``R z = q``.

        With ``refine`` one step of iterative refinement on the semi-normal equations
        (using ``X_P`` itself) recovers the accuracy lost by squaring the condition number.
        """
        if not self.active:
            return np.zeros(0)
        z = _back(self.R, self.q)
        if refine:
            XP = self.XP
            z = z + self.solve(XP.T @ (y - XP @ z))
        return z

    def fitted(self, z: np.ndarray) -> np.ndarray:
        """``X_P z``."""
        return self.XP @ z if self.active else np.zeros(self.X.shape[0])
