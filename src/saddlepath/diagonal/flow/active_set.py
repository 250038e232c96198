r"""The flow's active set and its linear solve (host side of :mod:`._kernels_step`).

The RODAS4 stages of :mod:`.step` evaluate :math:`X_A\beta_A - y` on the active
(non-negligible) coordinates A only, and solve with :math:`I + UU^\top`,
:math:`U \in \mathbb R^{n\times |A|}`, without a :math:`d\times d` matrix
(:class:`ActiveSetSolve`). Both are compiled (:mod:`._kernels_step`); the step loop gathers
the active columns once per step.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal.flow import _kernels_step
from saddlepath.diagonal.flow._kernels_step import factor, solve
from saddlepath.diagonal.flow.ode import DualODE

__all__ = ["ActiveArrays", "ActiveSetSolve"]


class ActiveArrays:
    """One active set: the indices ``idx`` (sorted) of the non-negligible coordinates and
    their number ``m`` (what the host calls of the step and the guard take)."""

    __slots__ = ("idx", "m")

    def __init__(self, ode: DualODE, idx: np.ndarray) -> None:
        del ode  # the kernels read the problem from ``ode.geo``
        self.idx = np.ascontiguousarray(idx, dtype=np.int64)
        self.m = self.idx.size


class ActiveSetSolve:
    r"""Solve :math:`(I + UU^\top)x = b` for :math:`U \in \mathbb R^{n\times m}`.

    With :math:`L` the Cholesky factor of :math:`G = I_m + U^\top U`, Woodbury gives
    :math:`x = b - U G^{-1} U^\top b`: two matrix-vector products with U and two triangular
    solves of size m; when that is not cheaper (:math:`n \le 2m`) the factor is of
    :math:`I_n + UU^\top` itself. Both matrices are SPD with eigenvalues ≥ 1.
    """

    __slots__ = ("G", "UT", "mode")

    def __init__(self, U: np.ndarray) -> None:
        self.UT = np.ascontiguousarray(np.asarray(U, dtype=np.float64).T)
        self.mode, self.G = factor(self.UT, _kernels_step.BLAS_MIN)
        if self.mode < 0:
            raise np.linalg.LinAlgError("I + U U^T is not positive definite (not finite?)")

    def __call__(self, b: np.ndarray) -> np.ndarray:
        b = np.ascontiguousarray(b, dtype=np.float64)
        out = np.empty_like(b)
        solve(
            self.mode, self.UT, self.G, b, out, np.empty(self.UT.shape[0]), _kernels_step.BLAS_MIN
        )
        return out
