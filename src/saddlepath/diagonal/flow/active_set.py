r"""The flow's active set: its cached arrays, stage residuals and linear solve.

The RODAS4 stages of :mod:`.step` evaluate :math:`X_A\beta_A - y` on the active
(non-negligible) coordinates A only; the arrays they need are cached here while A and the
re-basing of :mod:`.ode` do not change, and :class:`ActiveSetSolve` solves with
:math:`I + UU^\top`, :math:`U \in \mathbb R^{n\times |A|}`, without a :math:`d\times d`
matrix.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk
from scipy.linalg.lapack import dtrtri

from saddlepath.diagonal._log_weights import beta_kernel
from saddlepath.diagonal.flow.ode import DualODE

__all__ = ["ActiveArrays", "ActiveSetSolve", "arrays_for"]

_DOUBLED_MAX = 2**14
"""Largest n·|A| for which the stage residuals use the doubled active matrices."""
_CANCEL = 0.5
"""Below this |log|w_+| - log|w_-||, stage residuals form β with expm1 (no cancellation)."""
_LOG_HALF = float(np.log(0.5))


class ActiveArrays:
    r"""Arrays of one active set, cached while the set and the re-basing do not change.

    With :math:`z = 2\sigma_A`, :math:`\beta_A = e^{c_+ + z} - e^{c_- - z}`, so the
    residual of a stage is ``X_A @ (e[:m] - e[m:]) - y`` with ``e = exp(C2 + [z, -z])``,
    and z moves by ``dR @ W``, ``W = -2λ X_A / n``. Small active sets use the doubled
    ``[X_A, -X_A]`` and ``[W, -W]`` instead (two NumPy calls per stage rather than six; for
    large ones the doubled matrices cost more memory traffic than the calls they save).
    Where :math:`w_+^2` and :math:`w_-^2` are comparable (:math:`|\ell_+ - \ell_-| <`
    ``_CANCEL``, e.g. a large initialisation relative to the data) that difference would
    cancel, and the stages form β with ``expm1`` instead (``beta_kernel``).
    """

    __slots__ = (
        *("C2", "W", "W2", "XA", "XA2", "beta_ref", "col_norm2", "idx", "key", "m"),
        *("log_plus", "log_minus", "ratio"),
    )

    def __init__(self, ode: DualODE, idx: np.ndarray) -> None:
        self.idx = idx
        self.key = (ode.version, idx.tobytes())
        self.m = idx.size
        n = ode.n_samples
        self.XA = np.ascontiguousarray(ode.X[:, idx])
        self.W = self.XA * (-2.0 * ode.lam / n)
        self.XA2 = self.W2 = None
        if n * self.m <= _DOUBLED_MAX:
            self.XA2 = np.hstack((self.XA, -self.XA))
            self.W2 = np.hstack((self.W, -self.W))
        self.C2 = np.concatenate((ode.log_w2_plus[idx], ode.log_w2_minus[idx])) + _LOG_HALF
        self.col_norm2 = np.einsum("ij,ij->j", self.XA, self.XA)
        self.beta_ref = np.exp(ode.log_beta_ref[idx])
        self.log_plus, self.log_minus = ode.log_plus[idx], ode.log_minus[idx]
        self.ratio = ode.log_ratio[idx]

    def residual_at(self, zc0: np.ndarray, z0: np.ndarray, diff: np.ndarray, y: np.ndarray):
        r"""Return ``dR -> X_A beta_A - y`` at :math:`R + \Delta R`, from ``zc0 = C2 + [z, -z]``
        (``diff`` = :math:`\ell_+ - \ell_-` at the start)."""
        XA, W, m = self.XA, self.W, self.m
        if m and float(np.min(np.abs(diff))) < _CANCEL:
            lp, lm = self.log_plus + 0.5 * z0, self.log_minus - 0.5 * z0

            def exact(dR):
                dz = dR @ W
                return XA @ beta_kernel(lp + 0.5 * dz, lm - 0.5 * dz, diff + dz) - y

            return exact
        if self.XA2 is not None:
            XA2, W2 = self.XA2, self.W2
            return lambda dR: XA2 @ np.exp(zc0 + dR @ W2) - y

        def residual(dR):
            dz = dR @ W
            half_w2 = np.exp(zc0 + np.concatenate((dz, -dz)))
            return XA @ (half_w2[:m] - half_w2[m:]) - y

        return residual


def arrays_for(ode: DualODE, idx: np.ndarray, cached: ActiveArrays | None) -> ActiveArrays:
    """The arrays of active set ``idx``: ``cached`` if it is of the same set and re-basing."""
    if (
        cached is None
        or cached.idx.shape != idx.shape
        or cached.key != (ode.version, idx.tobytes())
    ):
        return ActiveArrays(ode, idx)
    return cached


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
