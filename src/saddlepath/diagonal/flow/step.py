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

__all__ = [
    "GAMMA",
    "ORDER_EMBEDDED",
    "RODAS4",
    "RODAS5P",
    "ActiveSetSolve",
    "Tableau",
    "rodas4_step",
]

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
_GC = GAMMA * _C


class Tableau:
    """Coefficients of a stiffly accurate Rosenbrock method in Hairer's form.

    Stage i (0-based) solves ``(I - h γ J) k_i = h γ F(R + a_i·k) + (γ c_i)·k``; the step is
    ``b·k`` and the error estimate is the last stage ``k[-1]``."""

    def __init__(self, name, gamma, a_rows, c_rows, order_embedded):
        stages = len(c_rows) + 1
        self.name, self.gamma, self.stages = name, gamma, stages
        self.order_embedded = order_embedded
        self.A = np.zeros((stages, stages))
        self.GC = np.zeros((stages, stages))
        for i, row in enumerate(a_rows, start=1):
            self.A[i, : len(row)] = row
        for i, row in enumerate(c_rows, start=1):
            self.GC[i, : len(row)] = gamma * np.asarray(row)
        self.B = np.concatenate((self.A[-1, : stages - 1], [1.0]))


RODAS4 = Tableau(
    "RODAS4",
    GAMMA,
    [_A[i, :i] for i in range(1, 6)],
    [_C[i, :i] for i in range(1, 6)],
    ORDER_EMBEDDED,
)
_A5 = [
    [3.0],
    [2.849394379747939, 0.45842242204463923],
    [-6.954028509809101, 2.489845061869568, -10.358996098473584],
    [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
    [
        -7.502846399306121,
        2.561846144803919,
        -11.627539656261098,
        -0.18268767659942256,
        0.030198172008377946,
    ],
]
_A5 += [[*_A5[-1], 1.0], [*_A5[-1], 1.0, 1.0]]
_C5 = [
    [-14.155112264123755],
    [-17.97296035885952, -2.859693295451294],
    [147.12150275711716, -1.41221402718213, 71.68940251302358],
    [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
    [
        24.854864614690072,
        -3.0009227002832186,
        47.4931110020768,
        5.5814197821558125,
        -0.6610691825249471,
    ],
    [
        30.91273214028599,
        -3.1208243349937974,
        77.79954646070892,
        34.28646028294783,
        -19.097331116725623,
        -28.087943162872662,
    ],
    [
        37.80277123390563,
        -3.2571969029072276,
        112.26918849496327,
        66.9347231244047,
        -40.06618937091002,
        -54.66780262877968,
        -9.48861652309627,
    ],
]
RODAS5P = Tableau("Rodas5P", 0.21193756319429014, _A5, _C5, 4)
"""Steinebach's Rodas5P (2023): order 5, embedded order 4, 8 stages, L-stable."""


class ActiveSetSolve:
    r"""Solve :math:`(I + UU^\top)x = b` for :math:`U \in \mathbb R^{n\times m}`.

    With :math:`L` the Cholesky factor of :math:`I_m + U^\top U` and :math:`Z = UL^{-\top}`,
    Woodbury gives :math:`(I + UU^\top)^{-1} = I - ZZ^\top`: each solve is two
    matrix-vector products with the :math:`n\times m` matrix Z, or one with the explicit
    :math:`n\times n` inverse when that is cheaper (:math:`n \le 2m`; then the factor is of
    :math:`I_n + UU^\top` itself). Both matrices are SPD with eigenvalues ≥ 1.
    """

    __slots__ = ("Z", "dense", "inverse")

    def __init__(self, U: np.ndarray) -> None:
        n, m = U.shape
        self.Z = self.inverse = None
        self.dense = False
        if m == 0:
            return
        if n <= 2 * m:  # explicit n x n inverse: one gemv per solve
            gram = dsyrk(1.0, U, trans=0, lower=1)
            gram[np.diag_indices(n)] += 1.0
            inv_factor = dtrtri(np.linalg.cholesky(gram), lower=1)[0]
            self.inverse = inv_factor.T @ inv_factor
            self.dense = True
            return
        gram = dsyrk(1.0, U, trans=1, lower=1)
        gram[np.diag_indices(m)] += 1.0
        inv_factor = dtrtri(np.linalg.cholesky(gram), lower=1)[0]
        self.Z = U @ inv_factor.T

    def __call__(self, b: np.ndarray) -> np.ndarray:
        if self.dense:
            return self.inverse @ b
        Z = self.Z
        if Z is None:
            return b
        return b - Z @ (b @ Z)


def rosenbrock_step(tableau: Tableau, residual, r0: np.ndarray, solve, h: float):
    r"""Take one step of size ``h`` of a Rosenbrock method for :math:`R' = F(R)` from
    :math:`R = 0` (reference implementation; the flow loop inlines it).

    Parameters
    ----------
    tableau : Tableau
    residual : callable
        ``residual(dR)`` returns :math:`F(R_0 + \Delta R)`, or None if it is not finite.
    r0 : ndarray of shape (n,)
        :math:`F(R_0)`.
    solve : ActiveSetSolve
        Solver of :math:`(I - h\gamma J)x = b` at the step's start (γ of the tableau).
    h : float

    Returns
    -------
    (dR, error) : tuple of ndarray, or None if a stage was not finite.
    """
    ks = np.empty((tableau.stages, r0.shape[0]))
    hg = h * tableau.gamma
    ks[0] = solve(hg * r0)
    for i in range(1, tableau.stages):
        r = residual(tableau.A[i, :i] @ ks[:i])
        if r is None:
            return None
        ks[i] = solve(hg * r + tableau.GC[i, :i] @ ks[:i])
    return tableau.B @ ks, ks[-1]


def rodas4_step(residual, r0: np.ndarray, solve: ActiveSetSolve, h: float):
    """One RODAS4 step (see :func:`rosenbrock_step`)."""
    return rosenbrock_step(RODAS4, residual, r0, solve, h)
