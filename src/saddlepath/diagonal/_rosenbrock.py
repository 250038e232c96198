r"""One step of the Rosenbrock method RODAS4 with an active-set linear solve (private).

RODAS4 (Hairer & Wanner, *Solving ODEs II*, §IV.7; coefficients of their ``rodas.f``) is
a 6-stage, L-stable, stiffly accurate linearly implicit method of order 4 with an
embedded order-3 solution. For an autonomous ODE :math:`R' = F(R)` with Jacobian J each
stage solves

.. math::

    (I - h\gamma J)\,k_i = h\gamma\Big[F\big(R + \textstyle\sum_{j<i} a_{ij}k_j\big)
                           + \textstyle\sum_{j<i} \tfrac{c_{ij}}{h} k_j\Big],

:math:`R_{new} = R + \sum_i b_i k_i` and the local error estimate is :math:`k_6`.

Here the ODE is the flow written for the integrated residual
:math:`R(\tau) = \int (X\beta - y)\,d\tau \in \mathbb R^n` (so :math:`s = s_0 - X^\top
\Delta R/n`), whose Jacobian is :math:`J = -X_A\,\mathrm{diag}(\lambda\,d\beta_A/dS)\,
X_A^\top/n` on the coordinates A that are not negligible. With
:math:`U = X_A\,\mathrm{diag}(\sqrt{h\gamma\lambda\,d\beta_A/dS\,/n})` the matrix is
:math:`I + UU^\top`: it is factored as an :math:`|A|\times|A|` (Woodbury) or
:math:`n\times n` Cholesky factor, whichever is smaller — never :math:`d \times d`.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk
from scipy.linalg.lapack import dtrtri

__all__ = ["GAMMA", "ORDER_EMBEDDED", "ActiveSetSolve", "rodas4_step"]

GAMMA = 0.25
ORDER_EMBEDDED = 3
_A = np.zeros((6, 6))
_C = np.zeros((6, 6))
_A[1, 0] = 1.544
_A[2, :2] = [0.9466785280815826, 0.2557011698983284]
_A[3, :3] = [3.314825187068521, 2.896124015972201, 0.9986419139977817]
_A[4, :4] = [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895]
_A[5, :5] = [*_A[4, :4], 1.0]
_C[1, 0] = -5.6688
_C[2, :2] = [-2.430093356833875, -0.2063599157091915]
_C[3, :3] = [-0.1073529058151375, -9.594562251023355, -20.47028614809616]
_C[4, :4] = [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616]
_C[5, :5] = [
    8.083246795921522,
    -7.981132988064893,
    -31.52159432874371,
    16.31930543123136,
    -6.058818238834054,
]
_B = np.array([*_A[4, :4], 1.0, 1.0])


class ActiveSetSolve:
    r"""Solve :math:`(I + UU^\top)x = b` for :math:`U \in \mathbb R^{n\times m}`.

    Uses the Cholesky factor :math:`L` of :math:`I_m + U^\top U` (Woodbury,
    :math:`x = b - U(I_m + U^\top U)^{-1}U^\top b`) when :math:`m \le n`, else of
    :math:`I_n + UU^\top`. Both matrices are SPD with eigenvalues ≥ 1; :math:`L^{-1}` is
    formed once (it is small), so each solve is a few matrix-vector products.
    """

    def __init__(self, U: np.ndarray) -> None:
        self.U = U
        n, m = U.shape
        self.woodbury = m <= n
        if m == 0:
            self.inv_factor = None
            return
        # lower triangle of U^T U (Woodbury) or U U^T; cholesky reads only that triangle
        gram = dsyrk(1.0, U, trans=int(self.woodbury), lower=1)
        gram[np.diag_indices_from(gram)] += 1.0
        factor = np.linalg.cholesky(gram)
        self.inv_factor = dtrtri(factor, lower=1)[0]

    def __call__(self, b: np.ndarray) -> np.ndarray:
        inv = self.inv_factor
        if inv is None:
            return b
        if self.woodbury:
            return b - self.U @ ((inv @ (b @ self.U)) @ inv)
        return (inv @ b) @ inv


def rodas4_step(residual, r0: np.ndarray, solve: ActiveSetSolve, h: float):
    r"""Take one RODAS4 step of size ``h`` for :math:`R' = F(R)`, from :math:`R = 0`.

    Parameters
    ----------
    residual : callable
        ``residual(dR)`` returns :math:`F(R_0 + \Delta R)`, or None if it is not finite.
    r0 : ndarray of shape (n,)
        :math:`F(R_0)`.
    solve : ActiveSetSolve
        Solver of :math:`(I - h\gamma J)x = b` at the step's start.
    h : float

    Returns
    -------
    (dR, error) : tuple of ndarray, or None if a stage was not finite.
    """
    ks = np.empty((6, r0.shape[0]))
    hg = h * GAMMA
    ks[0] = solve(hg * r0)
    for i in range(1, 6):
        r = residual(_A[i, :i] @ ks[:i])
        if r is None:
            return None
        ks[i] = solve(hg * r + (GAMMA * _C[i, :i]) @ ks[:i])
    return _B @ ks, ks[5]
