r"""The exact path's set-up pass over ``X``, compiled (private; numba, cached on disk).

One pass, row by row, gives each column's squared norm and its projection on a fixed
random direction ``z`` (the fingerprint of :mod:`~saddlepath.diagonal._columns`):

.. math::

    \lVert x_j\rVert^2 = \sum_i X_{ij}^2, \qquad z^\top x_j = \sum_i z_i X_{ij},

instead of two NumPy passes (``einsum`` and a matrix–vector product).
"""

from __future__ import annotations

from saddlepath.diagonal._kernels_path_chol import jit

__all__ = ["norms_and_projections"]


@jit
def norms_and_projections(X, z, sq, proj):
    """``sq[j] = ‖x_j‖²`` and ``proj[j] = zᵀx_j``, summed over the rows in order (the
    loops follow the memory layout of ``X``; the sums are the same either way)."""
    sq[:] = 0.0
    proj[:] = 0.0
    if X.strides[0] >= X.strides[1]:  # rows contiguous
        for i in range(X.shape[0]):
            zi = z[i]
            for j in range(X.shape[1]):
                x = X[i, j]
                sq[j] += x * x
                proj[j] += zi * x
    else:
        for j in range(X.shape[1]):
            a, b = 0.0, 0.0
            for i in range(X.shape[0]):
                x = X[i, j]
                a += x * x
                b += z[i] * x
            sq[j], proj[j] = a, b
