r"""The diagonal linear network at any initialisation scale, in log-domain.

A diagonal network predicts with :math:`\beta = u \odot v`. With
:math:`w_\pm = (u \pm v)/\sqrt2` the gradient flow of :math:`F(u, v) = L(u\odot v)`
decouples (Pesme & Flammarion 2023, arXiv:2304.00488; README, "Units"):

.. math::

    w_+(t) = w_+(0)\,e^{S(t)}, \qquad w_-(t) = w_-(0)\,e^{-S(t)}, \qquad
    \beta = \tfrac12\,(w_+^2 - w_-^2) = \tfrac12\,(a\,e^{2S} - b\,e^{-2S}),

with :math:`S(t) = -\int_0^t \nabla L(\beta)` the integrated gradient, :math:`a = w_+(0)^2`
and :math:`b = w_-(0)^2`. Everything here works on :math:`\log|w_\pm|` and the (fixed)
signs of :math:`w_\pm`, so an initialisation scale :math:`\alpha = 10^{-10000}` never
underflows.

Initial weights are given *in units of* α: :math:`u(0) = \alpha\,u_0`,
:math:`v(0) = \alpha\,v_0`. The default is P&F's :math:`u_0 = \sqrt2\,\mathbf 1`,
:math:`v_0 = 0` (so :math:`\beta(0) = 0` and :math:`\beta = \alpha^2\sinh 2S`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath._validation import as_float_array
from saddlepath.diagonal._log_weights import (
    LOG_W_MAX,
    beta_from_integrated_gradient,
    weights_from_signed_logs,
)
from saddlepath.diagonal._scale import resolve_log_alpha

__all__ = ["LOG_W_MAX", "Initialisation", "initialisation", "resolve_log_alpha"]

_HALF_LOG2 = 0.5 * np.log(2.0)


@dataclass(frozen=True, eq=False, repr=False)
class Initialisation:
    r"""The initial weights of a diagonal network, stored in log-domain.

    Attributes
    ----------
    log_alpha : float
        :math:`\log\alpha` (natural log). :math:`\lambda = \ln(1/\alpha) = -\log\alpha`.
    log_abs_w_plus, log_abs_w_minus : ndarray of shape (n_features,)
        :math:`\log|w_\pm(0)|`, ``-inf`` where the weight is exactly zero.
    sign_w_plus, sign_w_minus : ndarray of shape (n_features,)
        Signs of :math:`w_\pm(0)` in ``{-1, 0, 1}``.
    """

    log_alpha: float
    log_abs_w_plus: np.ndarray
    log_abs_w_minus: np.ndarray
    sign_w_plus: np.ndarray
    sign_w_minus: np.ndarray

    def __repr__(self) -> str:
        return summary_repr(
            self, log_alpha=f"{self.log_alpha:.6g}", n_features=self.log_abs_w_plus.size
        )

    @property
    def time_scale(self) -> float:
        r""":math:`\lambda = \ln(1/\alpha)`, the unit of accelerated time (``t = λ τ``)."""
        return -self.log_alpha

    def log_weights(self, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Return :math:`(\log|w_+|, \log|w_-|) = (\log|w_+(0)| + S, \log|w_-(0)| - S)`.

        ``S`` is the integrated gradient in raw time, shape ``(..., n_features)``.
        """
        S = np.asarray(S, dtype=float)
        return self.log_abs_w_plus + S, self.log_abs_w_minus - S

    def beta(self, S: np.ndarray) -> np.ndarray:
        r"""Return :math:`\beta(S) = \tfrac12(a e^{2S} - b e^{-2S})`, exactly in log-domain.

        Examples
        --------
        >>> import numpy as np
        >>> init = initialisation(2, alpha=1e-2)
        >>> S = np.array([0.5, -1.0])
        >>> bool(np.allclose(init.beta(S), 1e-4 * np.sinh(2 * S)))
        True
        """
        S = np.asarray(S, dtype=float)
        with np.errstate(under="ignore"):
            return beta_from_integrated_gradient(
                self.log_abs_w_plus, self.log_abs_w_minus, self.log_ratio0, S
            )

    @property
    def log_ratio0(self) -> np.ndarray:
        r""":math:`\log|w_+(0)| - \log|w_-(0)|`, with :math:`\log 0` taken as -1e300."""
        floor = -1e300  # log 0 inside the difference
        return np.maximum(self.log_abs_w_plus, floor) - np.maximum(self.log_abs_w_minus, floor)

    def weights(self, log_abs_w_plus: np.ndarray, log_abs_w_minus: np.ndarray):
        r"""Return ``(u, v, log|u|, log|v|)`` from :math:`\log|w_\pm|` and the fixed signs.

        :math:`u = (w_+ + w_-)/\sqrt2`, :math:`v = (w_+ - w_-)/\sqrt2`; ``u`` and ``v``
        underflow to 0 for tiny α, ``log|u|`` and ``log|v|`` do not.
        """
        return weights_from_signed_logs(
            log_abs_w_plus, log_abs_w_minus, self.sign_w_plus, self.sign_w_minus
        )


def _init_vector(value: object, *, name: str, default: float, n_features: int) -> np.ndarray:
    if value is None:
        return np.full(n_features, default)
    if np.ndim(value) == 0:
        arr = as_float_array(np.reshape(value, (1,)), name=name, ndim=1)
        return np.full(n_features, arr[0])
    arr = as_float_array(value, name=name, ndim=1)
    if arr.shape[0] != n_features:
        raise ValueError(
            f"`{name}` must be a scalar or have shape (n_features,) = ({n_features},); got "
            f"shape {arr.shape}. It is given in units of alpha: u(0) = alpha * u0."
        )
    return arr


def initialisation(
    n_features: int,
    *,
    alpha: float | str | None = None,
    log_alpha: float | None = None,
    u0: object = None,
    v0: object = None,
    where: str = "initialisation",
    require_small: bool = False,
) -> Initialisation:
    r"""Build the initialisation :math:`u(0) = \alpha u_0`, :math:`v(0) = \alpha v_0`.

    Parameters
    ----------
    n_features : int
        Number of coordinates ``d``.
    alpha : float or str, optional
        Initialisation scale α > 0. A string such as ``"1e-1000"`` is parsed exactly into
        :math:`\log\alpha` (no float underflow). Give exactly one of ``alpha``/``log_alpha``.
    log_alpha : float, optional
        :math:`\log\alpha` directly (natural log), e.g. ``-1e5``.
    u0, v0 : float or array-like of shape (n_features,), optional
        Initial weights in units of α. Defaults: :math:`u_0 = \sqrt2`, :math:`v_0 = 0`
        (Pesme & Flammarion). Zeros and mixed signs are allowed.
    where : str
        Name of the calling function, used in error messages.
    require_small : bool
        If true, require α < 1 so that accelerated time :math:`\tau = t/\ln(1/\alpha)` exists.

    Returns
    -------
    Initialisation

    Examples
    --------
    >>> init = initialisation(3, alpha="1e-1000")
    >>> round(init.time_scale, 3)
    2302.585
    """
    log_a = resolve_log_alpha(alpha, log_alpha, where=where, require_small=require_small)
    u = _init_vector(u0, name="u0", default=np.sqrt(2.0), n_features=n_features)
    v = _init_vector(v0, name="v0", default=0.0, n_features=n_features)
    plus, minus = u + v, u - v
    with np.errstate(divide="ignore"):
        log_p = log_a + np.log(np.abs(plus)) - _HALF_LOG2
        log_m = log_a + np.log(np.abs(minus)) - _HALF_LOG2
    return Initialisation(
        log_alpha=log_a,
        log_abs_w_plus=log_p,
        log_abs_w_minus=log_m,
        sign_w_plus=np.sign(plus),
        sign_w_minus=np.sign(minus),
    )
