r"""The regression loss of a diagonal linear network and its gradient.

.. math::

    L(\beta) = \frac{1}{2n}\lVert X\beta - y\rVert^2, \qquad
    \nabla L(\beta) = \frac{1}{n} X^\top (X\beta - y)

with ``X`` of shape ``(n_samples, n_features)``. These are the units of Pesme &
Flammarion (2023): with the un-normalised loss ``½‖Xβ − y‖²`` every gradient is ``n``
times larger and every time ``n`` times smaller.
"""

from __future__ import annotations

import numpy as np

__all__ = ["squared_loss", "squared_loss_gradient"]


def squared_loss(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> np.ndarray | float:
    r"""Return :math:`L(\beta) = \lVert X\beta - y\rVert^2 / (2n)`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    beta : ndarray of shape (n_features,) or (n_points, n_features)
        One point, or several (time first).

    Returns
    -------
    float or ndarray of shape (n_points,)

    Examples
    --------
    >>> import numpy as np
    >>> squared_loss(np.eye(2), np.array([1.0, 0.0]), np.zeros(2))
    0.25
    """
    residual = np.asarray(beta) @ X.T - y
    value = 0.5 * np.einsum("...i,...i->...", residual, residual) / X.shape[0]
    return float(value) if np.ndim(value) == 0 else value


def squared_loss_gradient(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> np.ndarray:
    r"""Return :math:`\nabla L(\beta) = X^\top(X\beta - y)/n`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    beta : ndarray of shape (n_features,) or (n_points, n_features)

    Returns
    -------
    ndarray of the same shape as ``beta``

    Examples
    --------
    >>> import numpy as np
    >>> squared_loss_gradient(np.eye(2), np.array([1.0, 0.0]), np.zeros(2))
    array([-0.5,  0. ])
    """
    residual = np.asarray(beta) @ X.T - y
    return residual @ X / X.shape[0]
