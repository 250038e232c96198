r"""The exact GD step on signed log-weights, and the test that the run blew up (private).

The state is :math:`(\ell_\pm, \sigma_\pm)` with :math:`w_\pm = \sigma_\pm e^{\ell_\pm}`.
One step multiplies :math:`w_+` by :math:`1 - \eta g` and :math:`w_-` by :math:`1 + \eta g`:

.. math::

    \ell_\pm \leftarrow \ell_\pm + \log|1 \mp \eta g|, \qquad
    \sigma_\pm \leftarrow \sigma_\pm\,\mathrm{sign}(1 \mp \eta g).

While :math:`\eta\|g\|_\infty < 1` no factor can change sign and the step is two ``log1p``
calls; otherwise :func:`log_abs_one_plus` handles factors below zero (the weight flips
sign, as plain GD does) and exactly zero (the weight is 0 from then on: ``-inf``, sign 0).
"""

from __future__ import annotations

import math

import numpy as np

from saddlepath.diagonal._log_weights import LOG_W_MAX, log_abs_one_plus
from saddlepath.diagonal.model import Initialisation


class SignedLogWeights:
    """The GD state :math:`(\\ell_+, \\ell_-, \\sigma_+, \\sigma_-, S)`, updated in place."""

    def __init__(self, initial: Initialisation) -> None:
        self.lp = initial.log_abs_w_plus.copy()
        self.lm = initial.log_abs_w_minus.copy()
        self.sp = initial.sign_w_plus.astype(np.int8)
        self.sm = initial.sign_w_minus.astype(np.int8)
        self.S = np.zeros(self.lp.shape)
        self.top = self._largest()  # an upper bound of max(ℓ+, ℓ−), raised every step

    def _largest(self) -> float:
        return float(max(self.lp.max(initial=-np.inf), self.lm.max(initial=-np.inf)))

    def snapshot(self) -> tuple:
        """``(ℓ+, ℓ−, σ+, σ−, S)`` now (the arrays are replaced by a step, never mutated)."""
        return self.lp, self.lm, self.sp, self.sm, self.S

    def step(self, eta_g: np.ndarray, eta_gmax: float) -> None:
        """Multiply :math:`w_\\pm` by :math:`1 \\mp \\eta g` (``eta_gmax`` = max|ηg|)."""
        if eta_gmax < 1.0:
            self.lp = self.lp + np.log1p(-eta_g)
            self.lm = self.lm + np.log1p(eta_g)
        else:
            log_f, sign_f = log_abs_one_plus(-eta_g)
            self.lp, self.sp = self.lp + log_f, self.sp * sign_f.astype(np.int8)
            log_f, sign_f = log_abs_one_plus(eta_g)
            self.lm, self.sm = self.lm + log_f, self.sm * sign_f.astype(np.int8)
        self.S = self.S - eta_g
        self.top += math.log1p(eta_gmax)  # |1 ± x| ≤ 1 + |x|

    def blow_up(self, loss: float, gmax: float) -> str | None:
        """Why the run has diverged at this iterate, or None (see ``gradient_descent``)."""
        if not (math.isfinite(loss) and math.isfinite(gmax)):
            return f"the loss ({loss:.3g}) or the gradient (max {gmax:.3g}) is not finite"
        return self.out_of_range()

    def out_of_range(self) -> str | None:
        """Why the weights are out of range (:math:`\\ell_\\pm >` ``LOG_W_MAX``), or None."""
        if self.top > LOG_W_MAX:
            self.top = self._largest()
            if self.top > LOG_W_MAX:
                return (
                    f"the weights left the float range (log|w| = {self.top:.4g} > "
                    f"{LOG_W_MAX:g}, |beta| up to 1e147)"
                )
        return None
