r"""The regression loss of a diagonal linear network and its gradient, in one place.

.. math::

    L(\beta) = \frac{1}{2n}\lVert X\beta - y\rVert^2, \qquad
    \nabla L(\beta) = \frac{1}{n} X^\top (X\beta - y)

with ``X`` of shape ``(n_samples, n_features)``. These are the units of Pesme &
Flammarion (2023): with the un-normalised loss ``½‖Xβ − y‖²`` every gradient is ``n``
times larger and every time ``n`` times smaller.

Most solvers already hold the residual ``r = Xβ − y``; :func:`loss_of_residual` is the
loss from it, and :func:`squared_loss` forms the residual first. One residual is reduced by
a BLAS dot product and several (a time axis first) by ``einsum``, so the value is
bitwise the one the solvers computed inline before this helper existed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["loss_of_residual", "squared_loss", "squared_loss_gradient"]


def loss_of_residual(residual: np.ndarray, n_samples: int) -> np.ndarray | float:
    r"""Return :math:`L = \lVert r\rVert^2 / (2n)` of a residual :math:`r = X\beta - y`.

    Parameters
    ----------
    residual : ndarray of shape (n_samples,) or (n_points, n_samples)
        One residual, or several (time first), in the units of ``y``.
    n_samples : int
        ``n``, the number of samples (the normalisation of the loss).

    Returns
    -------
    float or ndarray of shape (n_points,)
        In the units of ``y²``. A float for one residual.

    Examples
    --------
    >>> import numpy as np
    >>> loss_of_residual(np.array([1.0, -1.0]), 2)
    0.5
    >>> loss_of_residual(np.array([[1.0, -1.0], [0.0, 2.0]]), 2)
    array([0.5, 1. ])
    """
    if residual.ndim == 1:
        return float(residual @ residual) / (2 * n_samples)
    return np.einsum("...i,...i->...", residual, residual) / (2 * n_samples)


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
    return loss_of_residual(np.asarray(beta) @ X.T - y, X.shape[0])


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
