"""The arrays of the flow's active set, and its stage residuals (private).

The RODAS4 stages of ``_flow_loop.py`` evaluate :math:`X_A\beta_A - y` on the active
(non-negligible) coordinates A only; the arrays they need are cached here while A and the
re-basing of ``_dual_ode.py`` do not change.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._log_weights import beta_kernel
from saddlepath.diagonal.flow.ode import DualODE

__all__ = ["ActiveArrays"]

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
