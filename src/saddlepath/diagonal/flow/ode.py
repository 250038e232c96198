r"""The flow's ODE on re-based log-weights, restricted to the non-negligible coordinates (private).

In accelerated time the flow is exactly :math:`ds/d\tau = -\nabla L(\beta(\lambda s))`,
:math:`\lambda = \ln(1/\alpha)`, with :math:`\log|w_\pm| = \log|w_\pm(0)| \pm S`,
:math:`S = \lambda s`. Writing :math:`R(\tau) = \int_0^\tau (X\beta - y)` gives
:math:`s = -X^\top R/n`: the solver steps :math:`R \in \mathbb R^n` and needs β only where it
is not negligible.

**Re-based state.** β depends on S through :math:`e^{\pm 2S}`, so an absolute error δS is a
relative error 2δS of :math:`w_\pm^2`. The state is therefore held as integers
:math:`c_i` and offsets :math:`\sigma_i = S_i - \lambda c_i` (e-folds), with the bases
:math:`\log|w_\pm(0)| \pm \lambda c` computed once per re-basing; an active coordinate of
the default initialisation has :math:`c_i = \pm1` and :math:`\sigma_i = O(1)`, so rounding
and error control act on the quantity that sets β, at any λ. A coordinate is re-based
(:math:`c_i \leftarrow c_i + \mathrm{round}(\sigma_i/\lambda)`) when :math:`|\sigma_i| >
\tfrac34\lambda`.

A coordinate is *negligible* while :math:`\max(w_+^2, w_-^2)\,\|x_i\|_\infty \le
10^{-18}\,\|y\|_\infty/d`: the sum of all such contributions to the residual
:math:`X\beta - y` is below the float64 rounding of ``y`` itself, so dropping them changes
nothing representable. Which coordinates are negligible is re-checked on the full state
after every step (a step that woke a dropped coordinate is redone).
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._log_weights import (
    beta_from_integrated_gradient,
    dbeta_dS_from_log_weights,
)
from saddlepath.diagonal.flow._kernels_error import BETA_SHARE, EPS
from saddlepath.diagonal.flow._kernels_ode import LOOKAHEAD, REBASE, awake_into, rebase_inplace
from saddlepath.diagonal.model import Initialisation

__all__ = ["BETA_SHARE", "EPS", "LOOKAHEAD", "NEGLIGIBLE", "REBASE", "DualODE"]

NEGLIGIBLE = 1e-18
"""Relative size (to ‖y‖∞, summed over all dropped coordinates) below which β_i is dropped."""
_FLOOR = -1e300  # log 0 inside differences


class DualODE:
    r""":math:`ds/d\tau = -\nabla L(\beta)` on the re-based state :math:`\sigma = S - \lambda c`."""

    def __init__(self, X: np.ndarray, y: np.ndarray, initial: Initialisation) -> None:
        X = np.ascontiguousarray(X, dtype=np.float64)
        y = np.ascontiguousarray(y, dtype=np.float64)
        self.X, self.y, self.initial = X, y, initial
        self.n_samples, n_features = X.shape
        self.lam = initial.time_scale
        self.base = np.zeros(n_features)  # c, as floats (re-based in place)
        self.log_ratio0 = np.maximum(initial.log_abs_w_plus, _FLOOR) - np.maximum(
            initial.log_abs_w_minus, _FLOOR
        )
        self.version = 0  # incremented by every re-basing (caches key on it)
        # coordinates with u_i = v_i = 0 stay there (w_+ = w_- = 0): they cannot move, and
        # their gradient does not enter the convergence test
        self.live = (initial.sign_w_plus != 0) | (initial.sign_w_minus != 0)
        self._set_bases()
        col_max = np.max(np.abs(X), axis=0)
        col_norm2 = np.einsum("ij,ij->j", X, X)
        self.col_norm = np.sqrt(col_norm2)  # ||x_i||_2
        self.y_scale = max(
            float(np.max(np.abs(y))),
            float(np.max(np.abs(X @ self.beta(np.zeros(n_features))))) if n_features else 0.0,
            np.finfo(float).tiny,
        )
        with np.errstate(divide="ignore"):
            self.log_negligible = np.log(NEGLIGIBLE * self.y_scale / n_features) - np.log(col_max)
            # log of beta_i's natural scale ||y||_inf / ||x_i||_inf (the unit of atol on beta)
            self.log_beta_ref = np.log(self.y_scale) - np.log(col_max)
        self.geo = (
            *(X, y, np.ascontiguousarray(initial.log_abs_w_plus, dtype=np.float64)),
            np.ascontiguousarray(initial.log_abs_w_minus, dtype=np.float64),
            *(self.log_ratio0, self.log_negligible, np.exp(self.log_beta_ref), col_norm2),
            np.ascontiguousarray(self.live, dtype=np.bool_),
        )
        """The problem as the compiled kernels take it (see :mod:`._kernels_ode`)."""

    def _set_bases(self) -> None:
        init = self.initial
        self.shift = shift = self.lam * self.base  # S at sigma = 0
        self.log_plus = init.log_abs_w_plus + shift  # log|w_+| at sigma = 0
        self.log_minus = init.log_abs_w_minus - shift
        self.log_ratio = self.log_ratio0 + 2.0 * shift  # log|w_+| - log|w_-| at sigma = 0
        self.log_w2_plus, self.log_w2_minus = 2.0 * self.log_plus, 2.0 * self.log_minus

    def rebase(self, sigma: np.ndarray) -> np.ndarray:
        r"""Return σ re-based where :math:`|\sigma_i| > \tfrac34\lambda` (S unchanged; the
        bases c change in place)."""
        sigma = np.array(sigma, dtype=np.float64)
        if rebase_inplace(sigma, self.base, self.lam):
            self.rebased()
        return sigma

    def rebased(self) -> None:
        """Refresh what depends on the bases c after they changed (in place)."""
        self.version += 1
        self._set_bases()

    def dual(self, sigma: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
        r"""Return :math:`s = c + \sigma/\lambda` (``base`` = c, default the current one)."""
        return (self.base if base is None else base) + sigma / self.lam

    def log_weights(self, sigma: np.ndarray, idx=slice(None)):
        r"""Return :math:`\log|w_\pm|` on coordinates ``idx`` at offsets ``sigma``."""
        return self.log_plus[idx] + sigma, self.log_minus[idx] - sigma

    def beta(self, sigma: np.ndarray, idx=slice(None)) -> np.ndarray:
        r"""Return β on coordinates ``idx`` (with :math:`\ell_+ - \ell_-` free of cancellation)."""
        return beta_from_integrated_gradient(
            self.log_plus[idx], self.log_minus[idx], self.log_ratio[idx], sigma
        )

    def dbeta(self, sigma: np.ndarray, idx=slice(None)) -> np.ndarray:
        r"""Return :math:`d\beta/dS` on coordinates ``idx``."""
        return dbeta_dS_from_log_weights(*self.log_weights(sigma, idx))

    def awake(self, sigma: np.ndarray, drift: np.ndarray | float = 0.0) -> np.ndarray:
        """Boolean mask of the coordinates that are (or, moving by ``drift`` in σ, may become)
        non-negligible; the look-ahead is capped at ``LOOKAHEAD`` e-folds."""
        sigma = np.asarray(sigma, dtype=np.float64)
        drift = np.broadcast_to(np.asarray(drift, dtype=np.float64), sigma.shape)
        out = np.empty(sigma.shape, dtype=np.bool_)
        awake_into(self.geo, sigma, drift, self.base, self.lam, out)
        return out

    def tolerance(self, sigma: np.ndarray, rtol: float, atol: float) -> np.ndarray:
        r"""Per-coordinate tolerance on the local error of :math:`S_i` (e-folds), the smaller of

        * :math:`\lambda(\mathrm{atol} + \varepsilon) + \mathrm{rtol}\,|S_i|`, i.e.
          :math:`\lambda(\mathrm{atol} + \varepsilon + \mathrm{rtol}|s_i|)` — when a sleeping
          coordinate wakes is accurate to about rtol in τ (s is resolved to ε at best);
        * ``BETA_SHARE`` :math:`\cdot(\mathrm{rtol}\,|\beta_i| + \mathrm{atol}\,
          \beta^{\rm ref}_i)/(d\beta_i/dS_i)` — β to about rtol relative, atol in units of
          :math:`\beta^{\rm ref}_i = \|y\|_\infty/\|x_i\|_\infty`, at any λ and any scaling
          of X and y (invariant under :math:`X \to aX`, :math:`y \to by`). Computed as
          :math:`\tfrac12\mathrm{rtol}|\tanh(\ell_+ - \ell_-)| + \ldots`, free of
          overflow and cancellation. The RODAS4 step (:mod:`.step`) applies this rule over
          both ends of the step.
        """
        lp, lm = self.log_weights(sigma)
        diff = self.log_ratio + 2.0 * sigma
        log_db = 2.0 * np.maximum(lp, lm) + np.log1p(np.exp(-2.0 * np.abs(diff)))
        beta_tol = BETA_SHARE * (
            0.5 * rtol * np.abs(np.tanh(diff))
            + atol * np.exp(np.minimum(self.log_beta_ref - log_db, 700.0))
        )
        return np.minimum(self.lam * (atol + EPS) + rtol * np.abs(self.shift + sigma), beta_tol)
