r"""Bias-free deep MLPs and their first-order loss :math:`L_0 = \mathrm{Tr}[G^\top Y_\theta(X)]`.

The network of depth :math:`L \ge 2` with hidden widths :math:`w_1, \dots, w_{L-1}` maps a
sample :math:`x \in \mathbb{R}^{d}` through

.. math:: Z_1 = W_1 x, \qquad Z_\ell = W_\ell\,\sigma(Z_{\ell-1}), \qquad Y_\theta(x) = Z_L,

with :math:`\sigma` = ReLU (or the identity, ``activation="linear"``) and no biases;
``W_ℓ`` has shape ``(w_ℓ, w_{ℓ-1})``. Samples are rows: ``X`` has shape
``(n_samples, n_inputs)`` and the output ``(n_samples, n_outputs)``. The parameter norm is
:math:`\|\theta\|^2 = \sum_\ell \|W_\ell\|_F^2` and the network is positively homogeneous
of degree :math:`L`: :math:`Y_{c\theta} = c^L Y_\theta` for :math:`c > 0`.

Near :math:`\theta = 0` a cost :math:`C(Y)` is :math:`C(0) + L_0(\theta) + O(\|\theta\|^{2L})`
with :math:`L_0(\theta) = \mathrm{Tr}[G^\top Y_\theta(X)]
= \sum_k \langle G_k, Y_\theta(x_k)\rangle`,
:math:`G = \nabla_Y C(0)`: a **sum** over samples, the normalisation of Bantzis, Simon &
Jacot (2025) under which their toy's optimal rank-one speed is :math:`\sqrt2 - 1`. Any
:math:`1/n` of a mean cost is carried by ``G`` (see :func:`mse_gradient`). These
functions are written in JAX and follow the input dtype (float64 needs ``jax_enable_x64``,
which the library never sets).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "cross_entropy_gradient",
    "first_order_loss",
    "mse_gradient",
    "network_output",
    "squared_norm",
]

ACTIVATIONS = ("relu", "linear")


def _sigma(z, activation: str):
    return jax.nn.relu(z) if activation == "relu" else z


def network_output(weights, X, *, activation: str = "relu"):
    r"""The output :math:`Y_\theta(X)` of the bias-free MLP, shape ``(n_samples, n_outputs)``.

    Parameters
    ----------
    weights : sequence of arrays
        ``W_1, …, W_L``; ``W_ℓ`` of shape ``(w_ℓ, w_{ℓ-1})`` with ``w_0 = n_inputs``.
    X : array of shape (n_samples, n_inputs)
        The inputs, one sample per row.
    activation : {"relu", "linear"}
        :math:`\sigma` between layers (never after the last).

    Returns
    -------
    jax.Array of shape (n_samples, n_outputs)
        :math:`Z_L` for every sample (rows), in the dtype of the inputs.

    Examples
    --------
    >>> import numpy as np
    >>> W = [np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([[1.0, 1.0]])]
    >>> np.asarray(network_output(W, np.array([[2.0, 5.0], [-3.0, 1.0]]))).ravel().tolist()
    [2.0, 3.0]
    """
    z = jnp.asarray(X) @ jnp.asarray(weights[0]).T
    for W in weights[1:]:
        z = _sigma(z, activation) @ jnp.asarray(W).T
    return z


def first_order_loss(weights, X, G, *, activation: str = "relu"):
    r""":math:`L_0(\theta) = \mathrm{Tr}[G^\top Y_\theta(X)]`, a sum over the samples.

    A sum over the samples (no :math:`1/n`); ``G`` of shape ``(n_samples, n_outputs)``.
    Homogeneous of degree :math:`L`: :math:`L_0(c\theta) = c^L L_0(\theta)`, :math:`c > 0`.

    Examples
    --------
    >>> import numpy as np
    >>> W = [np.array([[1.0, 0.0]]), np.array([[2.0]])]
    >>> float(first_order_loss(W, np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([[1.0], [1.0]])))
    2.0
    """
    return jnp.sum(jnp.asarray(G) * network_output(weights, X, activation=activation))


def squared_norm(weights):
    r""":math:`\|\theta\|^2 = \sum_\ell \|W_\ell\|_F^2`."""
    return sum(jnp.sum(jnp.square(jnp.asarray(W))) for W in weights)


def mse_gradient(targets) -> np.ndarray:
    r"""``G = ∇C(0) = -T/n`` for the mean squared error :math:`C(Y) = \|Y - T\|_F^2/(2n)`.

    With this ``G``, :math:`L_0 = \mathrm{Tr}[G^\top Y]` is exactly the first-order change of
    :math:`C` (a sum over samples of ``G``'s rows, each already carrying the :math:`1/n`).

    Parameters
    ----------
    targets : array of shape (n_samples, n_outputs) or (n_samples,)
        The targets ``T`` (a 1-D array is one output).

    Returns
    -------
    ndarray of shape (n_samples, n_outputs), float64

    Examples
    --------
    >>> mse_gradient([1.0, -2.0]).ravel().tolist()
    [-0.5, 1.0]
    """
    from saddlepath._validation import as_float_array

    T = np.asarray(targets)
    T = as_float_array(T.reshape(-1, 1) if T.ndim == 1 else T, name="targets", ndim=2)
    return -T / T.shape[0]


def cross_entropy_gradient(labels, n_classes: int | None = None) -> np.ndarray:
    r"""``G = ∇C(0) = (1/K − onehot)/n`` for the mean softmax cross-entropy.

    :math:`C(Y) = -\frac1n\sum_k \log\mathrm{softmax}(Y_k)_{y_k}`; at :math:`Y = 0` the
    softmax is uniform over the :math:`K` classes.

    Parameters
    ----------
    labels : array of int, shape (n_samples,)
        Class labels in ``0, …, K − 1``.
    n_classes : int, optional
        :math:`K`; ``max(labels) + 1`` by default.

    Returns
    -------
    ndarray of shape (n_samples, n_classes), float64

    Examples
    --------
    >>> cross_entropy_gradient([0, 1]).tolist()
    [[-0.25, 0.25], [0.25, -0.25]]
    """
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            "`labels` must be a non-empty 1-D array of non-negative integer class labels; got "
            f"shape {y.shape} and dtype {y.dtype}. Use np.asarray(labels, dtype=int)."
        )
    K = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if K <= int(y.max()):
        raise ValueError(f"`n_classes` ({K}) must exceed the largest label ({int(y.max())}).")
    onehot = np.eye(K)[y]
    return (1.0 / K - onehot) / y.size
