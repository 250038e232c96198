r"""The gradient and Hessian of :math:`F(u, v) = L(u\odot v)`, written once.

With :math:`G = X^\top X/n`, :math:`r = X\beta - y` and :math:`g = \nabla L(\beta) = X^\top r/n`,
the chain rule gives :math:`\partial F/\partial u_i = g_i v_i`, :math:`\partial F/\partial v_i
= g_i u_i` and, since :math:`\partial g_i/\partial u_j = G_{ij}v_j`,
:math:`\partial g_i/\partial v_j = G_{ij}u_j`,

.. math::

    H_{uu} = \operatorname{diag}(v)\,G\,\operatorname{diag}(v), \quad
    H_{vv} = \operatorname{diag}(u)\,G\,\operatorname{diag}(u), \quad
    H_{uv} = \operatorname{diag}(v)\,G\,\operatorname{diag}(u) + \operatorname{diag}(g)

(the saddles of this :math:`F` are those of Pesme & Flammarion 2023; see the README,
"Saddle analysis"; the Jacobian of the flow :math:`-\nabla F` is :math:`-H`).
Units: :math:`L` in loss, :math:`\nabla F` in loss per weight, :math:`H` in loss per squared
weight (= loss per unit of β).
"""

from __future__ import annotations

import numpy as np

from saddlepath.landscape._checks import check_vector, check_xy
from saddlepath.loss import loss_of_residual

__all__ = [
    "gram",
    "hessian_blocks",
    "loss_and_gradient",
    "network_gradient",
    "network_hessian",
    "validate_point",
    "weight_gradient",
]


def gram(X: np.ndarray) -> np.ndarray:
    r""":math:`G = X^\top X/n`, exactly symmetric."""
    G = X.T @ X / X.shape[0]
    return 0.5 * (G + G.T)


def loss_and_gradient(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> tuple[float, np.ndarray]:
    r""":math:`L(\beta) = \|r\|^2/(2n)` and :math:`\nabla L(\beta) = X^\top r/n`, with
    :math:`r = X\beta - y` (the same arithmetic everywhere in the landscape)."""
    r = X @ beta - y
    return loss_of_residual(r, X.shape[0]), r @ X / X.shape[0]


def weight_gradient(g: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    r""":math:`\nabla F(u, v) = (g\odot v,\ g\odot u)` from :math:`g = \nabla L(u\odot v)`."""
    return np.concatenate((g * v, g * u))


def hessian_blocks(G: np.ndarray, g: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``[[H_uu, H_uv], [H_uvᵀ, H_vv]]`` from ``G``, ``g = ∇L(u ⊙ v)`` and the weights."""
    H_uv = v[:, None] * G * u[None, :] + np.diag(g)
    H = np.block([[v[:, None] * G * v[None, :], H_uv], [H_uv.T, u[:, None] * G * u[None, :]]])
    return 0.5 * (H + H.T)  # exactly symmetric (the products round differently)


def validate_point(X, y, u, v, where: str):
    """The data and a point ``(u, v)`` of matching size, validated."""
    X, y = check_xy(X, y)
    d = X.shape[1]
    return (
        X,
        y,
        check_vector(u, name="u", n_features=d, where=where),
        check_vector(v, name="v", n_features=d, where=where),
    )


def _gradient_at(X, y, u, v, where: str):
    r"""Validated ``X``, ``u``, ``v`` and :math:`g = \nabla L(u\odot v)` at the point."""
    X, y, u, v = validate_point(X, y, u, v, where)
    return X, u, v, loss_and_gradient(X, y, u * v)[1]


def network_gradient(X, y, u, v) -> np.ndarray:
    r"""Return :math:`\nabla F(u, v) = (g\odot v,\ g\odot u)`, :math:`g = \nabla L(u\odot v)`.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    u, v : array_like of shape (n_features,)

    Returns
    -------
    ndarray of shape (2 n_features,)
        ``u`` part first; units of loss per weight.

    Examples
    --------
    >>> import numpy as np
    >>> network_gradient(np.eye(2), np.array([1.0, 0.0]), np.ones(2), np.zeros(2))
    array([-0. ,  0. , -0.5,  0. ])
    """
    _, u, v, g = _gradient_at(X, y, u, v, "network_gradient")
    return weight_gradient(g, u, v)


def network_hessian(X, y, u, v) -> np.ndarray:
    r"""Return the Hessian of :math:`F(u, v) = L(u\odot v)`, blocks as in the module docstring.

    Parameters
    ----------
    X, y, u, v : array_like
        As in :func:`network_gradient`.

    Returns
    -------
    ndarray of shape (2 n_features, 2 n_features)
        ``[[H_uu, H_uv], [H_uvᵀ, H_vv]]``, symmetric; loss per squared weight.

    Examples
    --------
    >>> import numpy as np
    >>> network_hessian(np.array([[1.0], [2.0]]), np.array([1.0, 1.0]), [0.0], [0.0])
    array([[ 0. , -1.5],
           [-1.5,  0. ]])
    """
    X, u, v, g = _gradient_at(X, y, u, v, "network_hessian")
    return hessian_blocks(gram(X), g, u, v)
