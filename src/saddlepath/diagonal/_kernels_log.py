r"""Compiled scalar log-domain maps of the weights (private; numba, cached on disk).

The one implementation of the two elementwise maps that every diagonal-network solver uses,
on :math:`\ell_\pm = \log|w_\pm|`:

.. math::

    \beta = \tfrac12\,\mathrm{sign}(\ell_+ - \ell_-)\, e^{2m}\,(1 - e^{-2|\ell_+ - \ell_-|}),
    \qquad m = \max(\ell_+, \ell_-),

and :math:`(\log|1 + x|, \mathrm{sign}(1 + x))` to full relative accuracy. The array
versions in :mod:`saddlepath.diagonal._log_weights` and the GD/SGD kernel
(:mod:`~saddlepath.diagonal._kernels_descent`) call these. Everything is compiled lazily on
first use and cached on disk (``cache=True``); under ``NUMBA_DISABLE_JIT=1`` the same code
runs as plain Python on NumPy scalars (the caller's ``np.errstate`` then applies).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from saddlepath.diagonal import _kernels_cache  # noqa: F401  (before any kernel)

__all__ = [
    "LOG_W_MAX",
    "beta_loop",
    "beta_one",
    "inline",
    "jit",
    "log_abs_one_plus_loop",
    "log_one",
]

LOG_W_MAX = 170.0
"""Cap on :math:`\\log|w_\\pm|` used inside the maps: :math:`|\\beta| \\le e^{340}/2
\\approx 10^{147}`. Anything larger is divergence; capping keeps trial solver stages
finite and warning-free (they are rejected by the error control)."""

LOG_FLOOR = -1e300
"""Stands in for log 0 = -inf inside differences (avoids inf - inf)."""

jit = njit(cache=True, nogil=True)
"""The project's numba decorator: nopython, no fast-math (IEEE semantics kept), disk cache."""

inline = njit(cache=True, nogil=True, inline="always")
"""The same for small helpers of hot loops: inlined into their caller (no call overhead)."""


@inline
def _clean(log_abs_w):
    if log_abs_w < LOG_FLOOR:
        return LOG_FLOOR
    if log_abs_w > LOG_W_MAX:
        return LOG_W_MAX
    return log_abs_w


@inline
def beta_one(lp, lm, diff, has_diff):
    r"""β of one coordinate from :math:`\ell_\pm` (``diff``: :math:`\ell_+ - \ell_-` if
    ``has_diff``, formed by the caller without cancellation)."""
    a, b = _clean(lp), _clean(lm)
    if not has_diff:
        diff = a - b
    top = a if a > b else b
    return (0.5 * np.exp(2.0 * top)) * np.copysign(-np.expm1(-2.0 * np.abs(diff)), diff)


@jit
def beta_loop(lp, lm, diff, has_diff, out):
    """``out[i] = beta_one(lp[i], lm[i], diff[i])`` over flat arrays."""
    for i in range(out.shape[0]):
        out[i] = beta_one(lp[i], lm[i], diff[i], has_diff)


@inline
def log_one(x):
    r""":math:`(\log|1 + x|, \mathrm{sign}(1 + x))`: ``log1p`` where :math:`|x| < 1/2`,
    elsewhere :math:`1 + x` is exact or rounded once relative to itself; 0 gives (-inf, 0)."""
    factor = 1.0 + x
    if np.abs(x) < 0.5:
        log_f = np.log1p(x)
    else:
        log_f = np.log(np.abs(factor))
    sign = 1 if factor > 0 else (-1 if factor < 0 else 0)
    return log_f, sign


@jit
def log_abs_one_plus_loop(x, log_f, sign_f):
    """``(log_f[i], sign_f[i]) = log_one(x[i])`` over flat arrays."""
    for i in range(x.shape[0]):
        log_f[i], sign_f[i] = log_one(x[i])
