r"""Compiled per-coordinate rules of the flow's re-based state (private; numba, cached on disk).

The one implementation of the rules of :mod:`.ode` that the compiled step loop
(:mod:`._kernels_loop`) and the host classes share. The problem is passed as the tuple
``geo = (X, y, lp0, lm0, ratio0, log_negligible, beta_ref, col_norm2, live)``: X (n, d)
C-contiguous, :math:`\ell_\pm(0) = \log|w_\pm(0)|`, :math:`\ell_+(0) - \ell_-(0)` with
-inf floored, the log threshold of negligible weights, :math:`\beta^{\rm ref}_i =
\|y\|_\infty/\|x_i\|_\infty`, :math:`\|x_i\|_2^2` and the coordinates that can move. The
bases c live in ``base`` (floats); with :math:`\mathrm{shift} = \lambda c`,
:math:`\ell_\pm = \ell_\pm(0) \pm \mathrm{shift} \pm \sigma`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from saddlepath.diagonal._kernels_log import beta_one

__all__ = ["LOOKAHEAD", "REBASE", "awake_into", "beta_at", "inline", "jit", "rebase_inplace"]

jit = njit(cache=True, nogil=True, error_model="numpy")
"""The flow kernels' numba decorator: as ``_kernels_log.jit`` (nopython, IEEE semantics, disk
cache) with NumPy's error model: x/0 is ±inf or NaN, as in the host code under
``np.errstate``, not an exception (trial stages may underflow a weight to 0)."""

inline = njit(cache=True, nogil=True, error_model="numpy", inline="always")
"""The same for small helpers of hot loops: inlined into their caller."""

LOOKAHEAD = 20.0
"""Margin (in e-folds of β) by which a coordinate's predicted growth over the coming step may
bring it into the active set early; beyond that, waking is caught at the step's end."""
REBASE = 0.75
"""A coordinate is re-based when its offset exceeds this many λ."""


@inline
def log_weights_at(geo, j, sigma_j, base, lam):
    r""":math:`(\ell_+, \ell_-)` of coordinate j at offset ``sigma_j``."""
    shift = lam * base[j]
    return (geo[2][j] + shift) + sigma_j, (geo[3][j] - shift) - sigma_j


@inline
def is_awake(geo, j, sigma_j, drift_j, base, lam):
    """Whether coordinate j is (or, moving by ``drift_j`` in σ, may become) non-negligible."""
    lp, lm = log_weights_at(geo, j, sigma_j, base, lam)
    ahead = min(2.0 * np.abs(drift_j), LOOKAHEAD)
    return 2.0 * max(lp, lm) + ahead > geo[5][j]


@jit
def awake_into(geo, sigma, drift, base, lam, out):
    """``out[j]`` = whether coordinate j is awake at ``sigma`` with look-ahead ``drift``."""
    for j in range(sigma.shape[0]):
        out[j] = is_awake(geo, j, sigma[j], drift[j], base, lam)


@jit
def active_into(geo, sigma, rate, h, woken, base, lam, idx):
    """The active set before a step of size h (awake with drift ``h·rate``, or ``woken``)
    into ``idx``; return its size."""
    m = 0
    for j in range(sigma.shape[0]):
        if woken[j] or is_awake(geo, j, sigma[j], h * rate[j], base, lam):
            idx[m] = j
            m += 1
    return m


@inline
def beta_at(geo, j, sigma_j, base, lam):
    r"""β of coordinate j at offset ``sigma_j`` (:math:`\ell_+ - \ell_-` free of cancellation)."""
    lp, lm = log_weights_at(geo, j, sigma_j, base, lam)
    diff = (geo[4][j] + 2.0 * (lam * base[j])) + 2.0 * sigma_j
    return beta_one(lp, lm, diff, True)


@jit
def rebase_inplace(sigma, base, lam):
    r"""Re-base where :math:`|\sigma_j| > \tfrac34\lambda`: :math:`c_j \leftarrow c_j + k`,
    :math:`\sigma_j \leftarrow \sigma_j - \lambda k`, :math:`k = \mathrm{round}(\sigma_j/\lambda)`
    (S unchanged); return how many coordinates moved."""
    moved = 0
    for j in range(sigma.shape[0]):
        if np.abs(sigma[j]) > REBASE * lam:
            k = np.rint(sigma[j] / lam)
            sigma[j] -= lam * k
            base[j] += k
            moved += 1
    return moved
