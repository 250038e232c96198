r"""Eigen-decomposition of the Hessian of :math:`F(u, v)` by blocks (private to ``spectrum``).

A pair ``(u_i, v_i)`` whose coupling to the other pairs is below the round-off of a dense
eigensolver is solved on its own 2×2 block; the remaining pairs form one dense block. At an
α → 0 saddle every inactive pair (``u_i = v_i = 0``) is split off exactly, and at a point
of a small-α run most are.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from saddlepath.landscape.hessian import hessian_blocks

__all__ = ["Pieces"]


def _decoupled(G, g, u, v) -> np.ndarray:
    r"""Pairs whose coupling to the others is below the round-off of a dense eigensolver.

    The entries linking pair ``i`` to pair ``j`` are bounded by :math:`w_iw_j|G_{ij}|`,
    :math:`w = \max(|u|, |v|)`. Dropping all of them perturbs the Hessian by less than
    ``eps·scale/2`` in Frobenius norm when each is below ``eps·scale/(8d)``, with
    ``scale = max(|g_i|, G_ii w_i²) ≤ 2‖H‖``: the eigenvalues move by less than ``eps·‖H‖``,
    ``eigh``'s own backward error.
    Exact zeros (``u_i = v_i = 0``, the α → 0 saddles) always qualify.
    """
    w = np.maximum(np.abs(u), np.abs(v))
    off = np.abs(G) * w[None, :]
    np.fill_diagonal(off, 0.0)
    coupling = w * off.max(axis=1, initial=0.0)
    scale = max(float(np.abs(g).max(initial=0.0)), float((np.diag(G) * w**2).max(initial=0.0)))
    return coupling <= np.finfo(float).eps * scale / (8 * w.size)


class Pieces:
    """The Hessian split into one dense block (coupled pairs) and 2×2 blocks (the rest).

    ``values`` are all eigenvalues, ascending (``eigvalsh`` for the dense block); ``lowest(k)``
    returns the eigenvectors of the ``k`` smallest as rows, computing only those of the
    dense block that are needed.
    """

    def __init__(self, G, g, u, v) -> None:
        self.d = u.size
        free = _decoupled(G, g, u, v)
        self.coupled, self.alone = np.flatnonzero(~free), np.flatnonzero(free)
        c = self.coupled
        self.sub = hessian_blocks(G[np.ix_(c, c)], g[c], u[c], v[c]) if c.size else None
        dense = np.linalg.eigvalsh(self.sub) if c.size else np.zeros(0)
        Gii, ua, va = np.diag(G)[self.alone], u[self.alone], v[self.alone]
        off = va * ua * Gii + g[self.alone]
        blocks = np.stack(
            [np.stack([va * va * Gii, off], -1), np.stack([off, ua * ua * Gii], -1)], -2
        )
        self.small_values, self.small_vectors = np.linalg.eigh(blocks)  # (k, 2), (k, 2, 2)
        merged = np.concatenate((dense, self.small_values.ravel()))
        self.order = np.argsort(merged, kind="stable")
        self.n_dense = dense.size
        self.values = merged[self.order]

    def lowest(self, count: int) -> np.ndarray:
        d, take = self.d, self.order[:count]
        rows = np.zeros((count, 2 * d))
        k_dense = int(np.sum(take < self.n_dense))
        if k_dense:
            if k_dense == self.n_dense:
                vec = np.linalg.eigh(self.sub)[1]
            else:
                vec = scipy.linalg.eigh(self.sub, subset_by_index=[0, k_dense - 1])[1]
            at = np.flatnonzero(take < self.n_dense)
            m = self.coupled.size
            rows[np.ix_(at, self.coupled)] = vec[:m, take[at]].T
            rows[np.ix_(at, d + self.coupled)] = vec[m:, take[at]].T
        at = np.flatnonzero(take >= self.n_dense)
        pair, r = np.divmod(take[at] - self.n_dense, 2)
        rows[at, self.alone[pair]] = self.small_vectors[pair, 0, r]
        rows[at, d + self.alone[pair]] = self.small_vectors[pair, 1, r]
        return rows
