r"""Log-domain arithmetic on the weights :math:`w_\pm = (u \pm v)/\sqrt2`.

All functions take :math:`\ell_\pm = \log|w_\pm|` (``-inf`` for a zero weight) and never
form :math:`w_\pm` itself, so they are exact (to rounding) for any scale.

.. math::

    \beta = \tfrac12 (e^{2\ell_+} - e^{2\ell_-})
          = \tfrac12\,\mathrm{sign}(\ell_+ - \ell_-)\, e^{2m}\,(1 - e^{-2|\ell_+ - \ell_-|}),
    \qquad m = \max(\ell_+, \ell_-),

which has no cancellation (``expm1``) and no overflow as long as
:math:`m \le` ``LOG_W_MAX``.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_log import (
    LOG_FLOOR,
    LOG_W_MAX,
    beta_loop,
    log_abs_one_plus_loop,
)

__all__ = [
    "LOG_W_MAX",
    "beta_from_integrated_gradient",
    "beta_from_log_weights",
    "beta_kernel",
    "dbeta_dS_from_log_weights",
    "log_abs_one_plus",
    "log_abs_pair_sum",
    "weights_from_signed_logs",
]

_HALF_LOG2 = 0.5 * np.log(2.0)


def _flat(*arrays):
    """Broadcast ``arrays`` to one shape; return the shape and C-contiguous flat float64 copies."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in arrays))
    return arrays[0].shape, [np.ascontiguousarray(a).reshape(-1) for a in arrays]


def beta_kernel(lp: np.ndarray, lm: np.ndarray, diff: np.ndarray | None = None) -> np.ndarray:
    r"""``beta_from_log_weights`` for hot loops (compiled: :func:`_kernels_log.beta_one`).

    ``diff`` may give :math:`\ell_+ - \ell_-` computed without cancellation."""
    shape, flat = _flat(lp, lm, lm if diff is None else diff)
    out = np.empty(flat[0].size)
    beta_loop(*flat, diff is not None, out)
    return out.reshape(shape)


def beta_from_log_weights(log_abs_w_plus: np.ndarray, log_abs_w_minus: np.ndarray) -> np.ndarray:
    r"""Return :math:`\beta = \tfrac12(w_+^2 - w_-^2)` from :math:`\log|w_\pm|`.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(beta_from_log_weights(np.log(3.0), np.log(1.0))), 12)
    4.0
    """
    with np.errstate(under="ignore"):
        return beta_kernel(np.asarray(log_abs_w_plus), np.asarray(log_abs_w_minus))


def beta_from_integrated_gradient(
    log_abs_w_plus0: np.ndarray,
    log_abs_w_minus0: np.ndarray,
    log_ratio0: np.ndarray,
    S: np.ndarray,
) -> np.ndarray:
    r"""Return :math:`\beta(S) = \tfrac12(w_+(0)^2 e^{2S} - w_-(0)^2 e^{-2S})`: the map s ↦ β.

    The one NumPy implementation of the flow's map from the integrated gradient
    :math:`S = \lambda s` (raw-time units) to β, used by
    :meth:`~saddlepath.diagonal.model.Initialisation.beta` and the flow's ODE.
    :math:`\ell_\pm = \ell_\pm(0) \pm S` and :math:`\ell_+ - \ell_- =` ``log_ratio0``
    :math:`+ 2S` (formed without cancellation), ``log_ratio0`` being
    :math:`\ell_+(0) - \ell_-(0)` with ``-inf`` replaced by -1e300. The batched JAX flow
    has its own copy (``jax_flow._ode.beta_of_s``): it must be traced by JAX and carries a
    custom derivative, so it cannot call NumPy. The caller sets the floating-point-error
    context (underflow of a dormant coordinate is expected).
    """
    return beta_kernel(log_abs_w_plus0 + S, log_abs_w_minus0 - S, log_ratio0 + 2.0 * S)


def dbeta_dS_from_log_weights(
    log_abs_w_plus: np.ndarray, log_abs_w_minus: np.ndarray
) -> np.ndarray:
    r"""Return :math:`d\beta/dS = w_+^2 + w_-^2` (the diagonal of the map's Jacobian)."""
    lp = np.clip(np.asarray(log_abs_w_plus), LOG_FLOOR, LOG_W_MAX)
    lm = np.clip(np.asarray(log_abs_w_minus), LOG_FLOOR, LOG_W_MAX)
    with np.errstate(under="ignore"):
        return np.exp(2.0 * lp) + np.exp(2.0 * lm)


def log_abs_pair_sum(
    log_a: np.ndarray, sign_a: np.ndarray, log_b: np.ndarray, sign_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r"""Return :math:`(\log|x|, \mathrm{sign}\,x)` for :math:`x = \sigma_a e^{\ell_a} +
    \sigma_b e^{\ell_b}`, without forming the exponentials.

    Examples
    --------
    >>> import numpy as np
    >>> log_x, sign_x = log_abs_pair_sum(np.log(2.0), 1.0, np.log(5.0), -1.0)
    >>> round(float(np.exp(log_x) * sign_x), 12)
    -3.0
    """
    la = np.where(sign_a == 0, -np.inf, np.asarray(log_a, dtype=float))
    lb = np.where(sign_b == 0, -np.inf, np.asarray(log_b, dtype=float))
    a_big = la >= lb
    big = np.where(a_big, la, lb)
    small = np.where(a_big, lb, la)
    sign_big = np.where(a_big, sign_a, sign_b)
    sign_small = np.where(a_big, sign_b, sign_a)
    both_zero = np.isneginf(big)
    gap = np.where(both_zero, np.inf, big - np.where(both_zero, 0.0, small))
    with np.errstate(divide="ignore", under="ignore"):
        ratio = sign_big * sign_small * np.exp(-gap)
        log_x = np.where(both_zero, -np.inf, big + np.log1p(ratio))
    sign_x = np.where(np.isneginf(log_x), 0.0, sign_big)
    return log_x, sign_x


def log_abs_one_plus(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Return :math:`(\log|1 + x|, \mathrm{sign}(1 + x))` to full relative accuracy.

    ``log1p`` where :math:`|x| < 1/2`; elsewhere :math:`1 + x` is exact (Sterbenz) or
    rounded once relative to itself, so its log is accurate too. A factor exactly 0 gives
    ``(-inf, 0)`` (without a warning).

    Examples
    --------
    >>> import numpy as np
    >>> log_f, sign_f = log_abs_one_plus(np.array([-3.0, -1.0, 1e-20]))
    >>> np.exp(log_f).tolist(), sign_f.tolist()
    ([2.0, 0.0, 1.0], [-1.0, 0.0, 1.0])
    """
    shape, (flat,) = _flat(x)
    log_f, sign_f = np.empty(flat.size), np.empty(flat.size)
    with np.errstate(divide="ignore"):  # plain Python (NUMBA_DISABLE_JIT): log 0 = -inf
        log_abs_one_plus_loop(flat, log_f, sign_f)
    return log_f.reshape(shape), sign_f.reshape(shape)


def weights_from_signed_logs(log_abs_w_plus, log_abs_w_minus, sign_w_plus, sign_w_minus):
    r"""Return ``(u, v, log|u|, log|v|)``, :math:`u, v = (w_+ \pm w_-)/\sqrt2`.

    From the magnitudes (log) and signs of :math:`w_\pm`, without forming :math:`w_\pm`;
    the signs broadcast against the magnitudes (fixed signs of an initialisation, shape
    ``(n_features,)``, or one row per saved iterate). ``u`` and ``v`` underflow to 0 for
    tiny α, ``log|u|`` and ``log|v|`` do not.

    Examples
    --------
    >>> import numpy as np
    >>> u, v, _, _ = weights_from_signed_logs(np.log(3.0), np.log(1.0), 1.0, -1.0)
    >>> round(float(u * np.sqrt(2)), 12), round(float(v * np.sqrt(2)), 12)
    (2.0, 4.0)
    """
    log_u, sign_u = log_abs_pair_sum(log_abs_w_plus, sign_w_plus, log_abs_w_minus, sign_w_minus)
    log_v, sign_v = log_abs_pair_sum(log_abs_w_plus, sign_w_plus, log_abs_w_minus, -sign_w_minus)
    log_u, log_v = log_u - _HALF_LOG2, log_v - _HALF_LOG2
    u = sign_u * np.exp(np.minimum(log_u, LOG_W_MAX))
    v = sign_v * np.exp(np.minimum(log_v, LOG_W_MAX))
    return u, v, log_u, log_v
