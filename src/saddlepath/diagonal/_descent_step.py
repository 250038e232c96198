r"""The state of the compiled GD/SGD loop, and why a run blew up (private).

The state is :math:`(\ell_\pm, \sigma_\pm, S)` with :math:`w_\pm = \sigma_\pm e^{\ell_\pm}`,
packed in the arrays the compiled loop (:mod:`~saddlepath.diagonal._kernels_descent`)
updates in place: one step multiplies :math:`w_+` by :math:`1 - \eta g` and :math:`w_-` by
:math:`1 + \eta g`, exactly through sign changes and zeros.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_descent import NOT_FINITE
from saddlepath.diagonal._log_weights import LOG_W_MAX
from saddlepath.diagonal.model import Initialisation


class LoopState:
    """The arrays of the compiled loop (see ``_kernels_descent`` for their layout)."""

    def __init__(self, initial: Initialisation, rule, eta: float, margin, batch, progress):
        lp, lm = initial.log_abs_w_plus, initial.log_abs_w_minus
        d = lp.shape[0]
        self.W = np.stack([lp, lm, np.zeros(d)]).astype(np.float64)
        self.sg = np.stack([initial.sign_w_plus, initial.sign_w_minus]).astype(np.int8)
        self.P, self.psg = np.zeros((5, d)), np.zeros((2, d), dtype=np.int8)
        floats, ints = rule.parameters()
        nan = np.nan if margin is None else margin
        self.fpar = np.array([eta, rule.lam, *floats, nan], dtype=np.float64)
        self.ipar = np.array([*ints, progress is not None, batch or 0], dtype=np.int64)
        self.ist = np.array([0, -1, 0, 0, 0, 0, 1, 0], dtype=np.int64)
        top = float(max(lp.max(initial=-np.inf), lm.max(initial=-np.inf)))
        self.fst = np.array([top, np.inf, 0.0, 0.0, 0.0, 0.0, 0.0])
        self.work = np.zeros((2, d))
        self.cross = (np.zeros((3, d)), np.zeros((2, d), dtype=np.int8))

    @property
    def k(self) -> int:
        """The iterate the loop is at."""
        return int(self.ist[0])

    def arrays(self) -> tuple:
        """``W, sg, P, psg, fpar, ipar, ist, fst, work`` for the compiled loops."""
        return (
            self.W,
            self.sg,
            self.P,
            self.psg,
            self.fpar,
            self.ipar,
            self.ist,
            self.fst,
            self.work,
        )

    def cause(self, code: int) -> str:
        """Why the run has diverged (``code``: NOT_FINITE or OUT_OF_RANGE)."""
        top, loss, gmax = self.fst[0], self.fst[2], self.fst[3]
        if code == NOT_FINITE:
            return f"the loss ({loss:.3g}) or the gradient (max {gmax:.3g}) is not finite"
        return (
            f"the weights left the float range (log|w| = {top:.4g} > "
            f"{LOG_W_MAX:g}, |beta| up to 1e147)"
        )
