r"""The dual-coordinate ODE in JAX, for one flow (vmapped by the caller) (private).

In accelerated time :math:`\tau = t/\lambda` and dual coordinates :math:`s = S/\lambda`
(:math:`\lambda = \ln(1/\alpha)`) the gradient flow of a diagonal network is exactly

.. math::

    \frac{ds}{d\tau} = -\nabla L(\beta) = -\frac1n X^\top (X\beta - y), \qquad
    \beta_i = \tfrac12\big(e^{2\ell_{+,i}} - e^{2\ell_{-,i}}\big),

with :math:`\ell_\pm = \log|w_\pm|` written as
:math:`\ell_+ = \lambda(s - 1) + c_+`, :math:`\ell_- = -\lambda(s + 1) + c_-`, where
:math:`c_\pm = \log|u_0 \pm v_0| - \tfrac12\log 2` do not depend on α. α itself is never
formed, so α = 1e-1000 is as cheap as α = 1e-2. β is evaluated as
:math:`\tfrac12 e^{2m}\,\mathrm{sign}(\delta)(1 - e^{-2|\delta|})`,
:math:`m = \max(\ell_+, \ell_-)`, :math:`\delta = \ell_+ - \ell_- = 2\lambda s + c_+ - c_-`
(no cancellation), with the exact derivative :math:`d\beta_i/ds_i = \lambda(e^{2\ell_+} +
e^{2\ell_-})` supplied as a custom JVP for the implicit solvers' Jacobians.

This is the JAX copy of the map s ↦ β, kept apart by necessity: it is traced by JAX (jit,
vmap, autodiff) and carries a custom derivative, so it cannot call the NumPy one,
:func:`saddlepath.diagonal._log_weights.beta_from_integrated_gradient`, which the NumPy
flow and :meth:`~saddlepath.diagonal.model.Initialisation.beta` share.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["beta_of_s", "log_floor", "log_w_cap", "saved_values", "vector_field"]


def log_w_cap(dtype) -> float:
    r"""Cap on :math:`\ell_\pm` inside the map: :math:`|\beta| \le e^{2\,\mathrm{cap}}/2` stays
    far from overflow (170 in float64 as in the NumPy backend, 20 in float32). Larger weights
    mean divergence; capping keeps rejected trial stages finite."""
    return 170.0 if np.dtype(dtype) == np.float64 else 20.0


def log_floor(dtype) -> float:
    """A finite stand-in for :math:`\\log 0` (keeps differences free of ``inf - inf``)."""
    return -float(np.finfo(dtype).max) / 8.0


@jax.custom_jvp
def beta_of_s(s, lam, c_plus, c_minus):
    r"""Return :math:`\beta(s)` for one flow (see the module docstring); shape ``(d,)``."""
    cap = log_w_cap(s.dtype)
    lp = jnp.minimum(lam * (s - 1.0) + c_plus, cap)
    lm = jnp.minimum(-lam * (s + 1.0) + c_minus, cap)
    delta = 2.0 * lam * s + (c_plus - c_minus)
    return (0.5 * jnp.exp(2.0 * jnp.maximum(lp, lm))) * jnp.copysign(
        -jnp.expm1(-2.0 * jnp.abs(delta)), delta
    )


@beta_of_s.defjvp
def _beta_jvp(primals, tangents):
    s, lam, c_plus, c_minus = primals
    ds, dlam, dcp, dcm = tangents
    cap = log_w_cap(s.dtype)
    raw_p = lam * (s - 1.0) + c_plus
    raw_m = -lam * (s + 1.0) + c_minus
    # d beta = e^{2 l+} d l+ - e^{2 l-} d l-, zero where a weight is capped
    gp = jnp.where(raw_p < cap, jnp.exp(2.0 * jnp.minimum(raw_p, cap)), 0.0)
    gm = jnp.where(raw_m < cap, jnp.exp(2.0 * jnp.minimum(raw_m, cap)), 0.0)
    dlp = lam * ds + (s - 1.0) * dlam + dcp
    dlm = -lam * ds - (s + 1.0) * dlam + dcm
    return beta_of_s(s, lam, c_plus, c_minus), gp * dlp - gm * dlm


def vector_field(tau, s, args):
    r"""Return :math:`ds/d\tau = -X^\top(X\beta(s) - y)/n` for one flow."""
    del tau
    X, y, lam, c_plus, c_minus = args
    residual = X @ beta_of_s(s, lam, c_plus, c_minus) - y
    return -(residual @ X) / X.shape[0]


def saved_values(tau, s, args):
    r"""Return ``(s, beta, loss)`` at a saved time, :math:`L = \|X\beta - y\|^2/(2n)`."""
    del tau
    X, y, lam, c_plus, c_minus = args
    beta = beta_of_s(s, lam, c_plus, c_minus)
    residual = X @ beta - y
    return s, beta, 0.5 * (residual @ residual) / X.shape[0]
