r"""One RODAS4 step of the flow on the active set: the step that runs, and the one tested.

RODAS4 (Hairer & Wanner, *Solving ODEs II*, §IV.7; coefficients of their ``rodas.f``) is
a 6-stage, L-stable, stiffly accurate linearly implicit method of order 4 with an
embedded order-3 solution. For an autonomous ODE :math:`R' = F(R)` with Jacobian J each
stage solves

.. math::

    (I - h\gamma J)\,k_i = h\gamma\,F\big(R + \textstyle\sum_{j<i} a_{ij}k_j\big)
                           + \textstyle\sum_{j<i} \gamma c_{ij}\, k_j,

:math:`R_{new} = R + \sum_i b_i k_i` and the local error estimate is :math:`k_6`.

Here the ODE is the flow written for the integrated residual
:math:`R(\tau) = \int (X\beta - y)\,d\tau \in \mathbb R^n` (so :math:`\sigma = \sigma_0 -
\lambda X^\top\Delta R/n`, see :mod:`.ode`), whose Jacobian is :math:`J = -X_A\,
\mathrm{diag}(\lambda\,d\beta_A/dS)\,X_A^\top/n` on the active (non-negligible)
coordinates A. With :math:`U = X_A\,\mathrm{diag}(\sqrt{h\gamma\lambda\,d\beta_A/dS\,/n})`
the matrix is :math:`I + UU^\top` (:class:`~.active_set.ActiveSetSolve`). The stages
evaluate :math:`X_A\beta_A - y` on arrays cached per active set
(:class:`~.active_set.ActiveArrays`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from saddlepath.diagonal.flow import _kernels_step
from saddlepath.diagonal.flow._kernels_step import JACOBIAN_SHARE, kept_mask, rodas_step
from saddlepath.diagonal.flow.active_set import ActiveArrays
from saddlepath.diagonal.flow.ode import DualODE

__all__ = ["JACOBIAN_SHARE", "RODAS4", "RosenbrockStep", "StepResult", "Tableau"]


@dataclass(frozen=True, eq=False)
class Tableau:
    """Coefficients of a stiffly accurate Rosenbrock method in Hairer's form.

    Stage i (0-based) solves ``(I - h γ J) k_i = h γ F(R + A[i]·k) + GC[i]·k`` with
    ``GC = γ C``; the step is ``B·k`` and the error estimate is the last stage ``k[-1]``,
    of order ``order_embedded``."""

    name: str
    gamma: float
    A: np.ndarray
    GC: np.ndarray
    B: np.ndarray
    order_embedded: int

    @property
    def stages(self) -> int:
        """Number of stages (linear solves per step)."""
        return self.B.shape[0]

    @classmethod
    def from_rows(cls, name, gamma, a_rows, c_rows, order_embedded) -> Tableau:
        """Build from the strictly lower rows of A and C (row i has i entries)."""
        stages = len(c_rows) + 1
        A, GC = np.zeros((stages, stages)), np.zeros((stages, stages))
        for i, row in enumerate(a_rows, start=1):
            A[i, : len(row)] = row
        for i, row in enumerate(c_rows, start=1):
            GC[i, : len(row)] = gamma * np.asarray(row)
        B = np.concatenate((A[-1, : stages - 1], [1.0]))
        return cls(name, gamma, A, GC, B, order_embedded)


_A4 = [
    [1.544],
    [0.9466785280815826, 0.2557011698983284],
    [3.314825187068521, 2.896124015972201, 0.9986419139977817],
    [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895],
]
_C4 = [
    [-5.6688],
    [-2.430093356833875, -0.2063599157091915],
    [-0.1073529058151375, -9.594562251023355, -20.47028614809616],
    [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616],
    [
        8.083246795921522,
        -7.981132988064893,
        -31.52159432874371,
        16.31930543123136,
        -6.058818238834054,
    ],
]
RODAS4 = Tableau.from_rows("RODAS4", 0.25, [*_A4, [*_A4[-1], 1.0]], _C4, 3)
"""RODAS4, not Rodas5P: at the same rtol Rodas5P takes ~40% fewer right-hand sides, but its
error estimate is less conservative, so its actual errors are ~10x larger and matching
RODAS4's accuracy costs as much (measured on the d = 1 closed form and the benchmark)."""


class StepResult(NamedTuple):
    """A step's candidate state: offsets σ, residual Xβ − y, increment Δσ = σ_old − σ and
    the error norm (≤ 1: within tolerance)."""

    sigma: np.ndarray
    r: np.ndarray
    dsigma: np.ndarray
    error: float


class RosenbrockStep:
    """One step of a stiffly accurate Rosenbrock method (default RODAS4) on the flow.

    ``rtol`` and ``atol`` are the dimensionless tolerances of ``gradient_flow``; the error
    norm measures the local error of each :math:`S_i` against the smaller of
    :math:`\\mathrm{rtol}\\max(|S_i|, |S_i^{new}|) + \\lambda(\\mathrm{atol} + \\varepsilon)`
    and (on A) ``BETA_SHARE`` times the β-part of :meth:`.DualODE.tolerance`, taken over
    both ends of the step."""

    def __init__(self, ode: DualODE, *, rtol: float, atol: float, tableau: Tableau = RODAS4):
        self.ode, self.rtol, self.atol, self.tableau = ode, rtol, atol, tableau

    @property
    def coefficients(self) -> tuple:
        """The tableau as the compiled step takes it: ``(A, GC, B, gamma)``."""
        tab = self.tableau
        return (tab.A, tab.GC, tab.B, float(tab.gamma))

    @property
    def parameters(self) -> np.ndarray:
        """``(λ, rtol, atol)`` as the compiled step takes them."""
        return np.array([self.ode.lam, self.rtol, self.atol], dtype=np.float64)

    def kept_columns(self, weight: np.ndarray) -> np.ndarray | None:
        """Columns of U kept in the Jacobian (None: all), see ``JACOBIAN_SHARE``."""
        weight = np.ascontiguousarray(weight, dtype=np.float64)
        keep = np.empty(weight.size, dtype=np.bool_)
        if kept_mask(weight, JACOBIAN_SHARE * self.rtol, keep) == weight.size:
            return None
        return np.flatnonzero(keep)

    def __call__(self, sigma, r, arr: ActiveArrays, h: float) -> StepResult | None:
        """Step from offsets ``sigma`` with residual ``r`` on the active set of ``arr``;
        None if the error norm is not finite (stages are not checked one by one: a
        non-finite stage propagates to the error norm). The compiled step loop runs the
        same kernel (:func:`._kernels_step.rodas_step`)."""
        ode = self.ode
        sigma = np.ascontiguousarray(sigma, dtype=np.float64)
        r = np.ascontiguousarray(r, dtype=np.float64)
        n, d = ode.X.shape
        sigma_new, r_new, dsig = np.empty(d), np.empty(n), np.empty(d)
        err = rodas_step(
            *(ode.geo, arr.idx, sigma, r, float(h), ode.base, self.coefficients),
            *(self.parameters, _kernels_step.BLAS_MIN, sigma_new, r_new, dsig),
        )
        return StepResult(sigma_new, r_new, dsig, err) if np.isfinite(err) else None
