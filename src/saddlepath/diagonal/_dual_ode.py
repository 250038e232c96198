r"""The flow's ODE in dual coordinates, restricted to the non-negligible coordinates (private).

In accelerated time the flow is exactly :math:`ds/d\tau = -\nabla L(\beta(\lambda s))`,
:math:`\lambda = \ln(1/\alpha)`, with :math:`\log|w_\pm| = \log|w_\pm(0)| \pm \lambda s`.
Writing :math:`R(\tau) = \int_0^\tau (X\beta - y)` gives :math:`s = -X^\top R/n`: the
solver steps :math:`R \in \mathbb R^n` and needs β only where it is not negligible.

A coordinate is *negligible* while :math:`\max(w_+^2, w_-^2)\,\|x_i\|_\infty \le
10^{-18}\,\|y\|_\infty/d`: the sum of all such contributions to the residual
:math:`X\beta - y` is below the float64 rounding of ``y`` itself, so dropping them changes
nothing representable. Which coordinates are negligible is re-checked on the full dual
after every step (a step that woke a dropped coordinate is redone).
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._log_weights import beta_kernel, dbeta_dS_from_log_weights
from saddlepath.diagonal.model import Initialisation

NEGLIGIBLE = 1e-18
"""Relative size (to ‖y‖∞, summed over all dropped coordinates) below which β_i is dropped."""
LOOKAHEAD = 20.0
"""Margin (in e-folds of β) by which a coordinate's predicted growth over the coming step may
bring it into the active set early; beyond that, waking is caught at the step's end."""


class DualODE:
    """:math:`ds/d\\tau = -\\nabla L(\\beta(\\lambda s))` with its negligibility bookkeeping."""

    def __init__(self, X: np.ndarray, y: np.ndarray, initial: Initialisation) -> None:
        self.X, self.y, self.initial = X, y, initial
        self.n_samples, n_features = X.shape
        self.lam = initial.time_scale
        floor = -1e300  # log 0 inside differences
        self.log_ratio0 = np.maximum(initial.log_abs_w_plus, floor) - np.maximum(
            initial.log_abs_w_minus, floor
        )
        self.log_w2_plus = 2.0 * initial.log_abs_w_plus  # log w_+(0)^2 (-inf for zero)
        self.log_w2_minus = 2.0 * initial.log_abs_w_minus
        col_max = np.max(np.abs(X), axis=0)
        y_scale = max(
            float(np.max(np.abs(y))),
            float(np.max(np.abs(X @ self.beta(np.zeros(n_features)))) if n_features else 0.0),
            np.finfo(float).tiny,
        )
        with np.errstate(divide="ignore"):
            self.log_negligible = np.log(NEGLIGIBLE * y_scale / n_features) - np.log(col_max)

    def log_weights(self, s: np.ndarray, idx=slice(None)):
        r"""Return :math:`\log|w_\pm| = \log|w_\pm(0)| \pm \lambda s` on coordinates ``idx``."""
        init = self.initial
        return init.log_abs_w_plus[idx] + self.lam * s, init.log_abs_w_minus[idx] - self.lam * s

    def beta(self, s: np.ndarray, idx=slice(None)) -> np.ndarray:
        r"""Return :math:`\beta(\lambda s)` on coordinates ``idx`` (with
        :math:`\ell_+ - \ell_- = \ell_+(0) - \ell_-(0) + 2\lambda s` free of cancellation)."""
        return beta_kernel(*self.log_weights(s, idx), self.log_ratio0[idx] + 2.0 * self.lam * s)

    def dbeta(self, s: np.ndarray, idx=slice(None)) -> np.ndarray:
        r"""Return :math:`d\beta/dS` on coordinates ``idx``."""
        return dbeta_dS_from_log_weights(*self.log_weights(s, idx))

    def residual(self, X_active: np.ndarray, s_active: np.ndarray, active) -> np.ndarray | None:
        """Return :math:`X_A\\beta_A - y`, or None if it is not finite."""
        r = X_active @ self.beta(s_active, active) - self.y
        return r if np.isfinite(r @ r) else None

    def awake(self, s: np.ndarray, drift: np.ndarray | float = 0.0) -> np.ndarray:
        """Boolean mask of the coordinates that are (or, moving by ``drift`` in s, may become)
        non-negligible; the look-ahead is capped at ``LOOKAHEAD`` e-folds."""
        lp, lm = self.log_weights(s)
        ahead = np.minimum(2.0 * self.lam * np.abs(drift), LOOKAHEAD)
        return 2.0 * np.maximum(lp, lm) + ahead > self.log_negligible
