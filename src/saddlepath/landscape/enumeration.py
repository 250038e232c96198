r"""Every critical point of :math:`F(u, v) = L(u\odot v)` for small ``d``, by support.

By Pesme & Flammarion (2023, Prop. 1) the critical points are the β that minimise :math:`L`
over the coordinate subspace of their own support ``S`` with :math:`\beta_i \ne 0` on ``S``:
the least-squares fit on the columns ``S`` when those are linearly independent (isolated
critical points). Linearly dependent supports (always when :math:`|S| > n`) carry an affine
family of fits, not isolated points; they are counted, not listed.

Each support is solved on the reduced problem :math:`X = QR` (one QR of ``X``): the fit on
``S`` minimises :math:`\|R_S\beta - Q^\top y\|` with a batched QR of the
:math:`\min(n, d)\times|S|` blocks, and :math:`\nabla L = R^\top(R\beta - Q^\top y)/n`. The
Morse index is the number of inactive coordinates with :math:`\partial_iL \ne 0`
(:mod:`~saddlepath.landscape.spectrum`: the active block of the Hessian is
:math:`J^\top G J \succeq 0` at a critical point).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath._validation import check_int
from saddlepath.landscape._checks import check_path, check_rtol, check_xy, gradient_scale
from saddlepath.landscape.spectrum import CriticalPointType
from saddlepath.landscape.supports import ROUNDOFF, drop_roundoff, same_point
from saddlepath.loss import loss_of_residual

__all__ = ["MAX_FEATURES", "MAX_SUBSETS", "SaddleCatalog", "enumerate_saddles"]

_WHERE = "enumerate_saddles"
MAX_FEATURES = 15
"""Without ``max_support``, ``enumerate_saddles`` refuses ``d`` above this (2^15 supports)."""
MAX_SUBSETS = 2**20
"""With ``max_support``, the number of supports examined may not exceed this."""
_CHUNK = 4096  # supports solved per batch
_DEPENDENCE = 1e-10  # |R_jj| ≤ this·‖column j‖: column j depends on the previous ones


@dataclass(frozen=True, eq=False)
class SaddleCatalog:
    r"""All isolated critical points of :math:`F`, sorted by decreasing loss.

    Attributes
    ----------
    beta : ndarray of shape (n_points, n_features)
    supports : tuple of ndarray of int
    loss : ndarray of shape (n_points,)
        :math:`L(\beta) = \|X\beta - y\|^2/(2n)`.
    morse_index : ndarray of int, shape (n_points,)
        Morse index (number of negative Hessian eigenvalues).
    classification : tuple of CriticalPointType
    visited : ndarray of bool, shape (n_points,)
        Whether the exact saddle path goes through the point.
    path_position : ndarray of int, shape (n_points,)
        Its position ``k`` on the path, −1 if not visited.
    unmatched_path_saddles : tuple of int
        Positions of path saddles missing from the catalog (support above ``max_support``
        or not isolated).
    stats : dict of str to int
        Cost counters: ``n_examined``, the supports examined (the empty one included), and
        ``n_dependent``, those skipped because their columns are linearly dependent.
    max_support : int
    """

    beta: np.ndarray = field(repr=False)
    supports: tuple[np.ndarray, ...] = field(repr=False)
    loss: np.ndarray
    morse_index: np.ndarray
    classification: tuple[CriticalPointType, ...] = field(repr=False)
    visited: np.ndarray
    path_position: np.ndarray
    unmatched_path_saddles: tuple[int, ...]
    stats: dict[str, int]
    max_support: int

    def __repr__(self) -> str:
        return summary_repr(
            self,
            n_points=len(self.loss),
            n_visited=int(np.count_nonzero(self.visited)),
            max_support=self.max_support,
            stats=dict(self.stats),
        )

    def __len__(self) -> int:
        return int(self.loss.size)

    @property
    def support_sizes(self) -> np.ndarray:
        """``|S|`` of every point."""
        return np.array([s.size for s in self.supports], dtype=int)


def _n_subsets(d: int, k: int) -> int:
    return sum(math.comb(d, j) for j in range(k + 1))


def _check_size(d: int, max_support) -> int:
    if max_support is None:
        if d > MAX_FEATURES:
            raise ValueError(
                f"enumerate_saddles examines every support: 2^{d} = {2**d:.3g} subsets for "
                f"n_features = {d} > {MAX_FEATURES}. Pass max_support=k to examine supports of "
                f"at most k coordinates (e.g. max_support=3: {_n_subsets(d, 3):,} subsets)."
            )
        return d
    k = check_int(max_support, name="max_support", low=0, high=d, where=_WHERE)
    if _n_subsets(d, k) > MAX_SUBSETS:
        raise ValueError(
            f"The `max_support` parameter of enumerate_saddles gives {_n_subsets(d, k):,} "
            f"supports for n_features = {d}, more than {MAX_SUBSETS:,}. Got {k}; pass a "
            "smaller max_support."
        )
    return k


def enumerate_saddles(X, y, max_support=None, *, path, rtol: float = 1e-9) -> SaddleCatalog:
    r"""List every isolated critical point of :math:`F` (P&F Prop. 1) with loss and index.

    Every support ``S`` with :math:`|S| \le` ``max_support`` is examined; the fit on ``S``
    is a critical point when the columns are independent and no entry vanishes.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    max_support : int, optional
        Largest support examined. Default: all of them, allowed for ``n_features ≤ 15``.
    path : SaddlePath
        The exact path of ``(X, y)`` (:func:`~saddlepath.diagonal.saddle_path.saddle_path`),
        to mark the visited points.
    rtol : float, default 1e-9
        Gradient entries below ``rtol·‖∇L(0)‖_∞`` count as zero (Morse index).

    Returns
    -------
    SaddleCatalog

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> from saddlepath import saddle_path
    >>> cat = enumerate_saddles(X, y, path=saddle_path(X, y))
    >>> len(cat), cat.path_position[cat.visited].tolist(), cat.morse_index[cat.visited].tolist()
    (10, [0, 1, 2, 3], [3, 3, 3, 0])
    """
    X, y = check_xy(X, y)
    rtol = check_rtol(rtol, name="rtol", where=_WHERE)
    k_max = _check_size(X.shape[1], max_support)
    path = check_path(path, X, y, where=_WHERE)
    Q, R = np.linalg.qr(X)
    c = Q.T @ y
    found, n_examined, n_dependent = _fit_supports(R, c, y, Q, k_max)
    return _catalog(X, y, R, c, found, path, rtol, n_examined, n_dependent, k_max)


def _fit_supports(R, c, y, Q, k_max: int):
    """Fits on every support of size ≤ ``k_max``: ((supports, β, losses), examined, dependent)."""
    n, d = Q.shape[0], R.shape[1]
    outside = y - Q @ c  # the part of y no fit can reach
    base = float(outside @ outside)
    supports: list[np.ndarray] = [np.zeros(0, dtype=int)]
    coefs, losses = [np.zeros((1, d))], [np.array([loss_of_residual(-y, n)])]
    n_examined, n_dependent = 1, 0
    for k in range(1, k_max + 1):
        if k > R.shape[0]:
            n_dependent += math.comb(d, k)
            n_examined += math.comb(d, k)
            continue
        combos = itertools.combinations(range(d), k)
        while chunk := list(itertools.islice(combos, _CHUNK)):
            S, beta, rr, dependent = _solve(R, c, np.array(chunk), np.linalg.norm(y))
            n_examined += len(chunk)
            n_dependent += dependent
            supports += list(S)
            coefs.append(beta)
            losses.append(0.5 * (base + rr) / n)
    found = (supports, np.concatenate(coefs), np.concatenate(losses))
    return found, n_examined, n_dependent


def _solve(R, c, combos: np.ndarray, y_norm: float):
    """Fits on a batch of equal-size supports: (supports, β, ‖Rβ − c‖², number dependent)."""
    m = combos.shape[0]
    A = np.moveaxis(R[:, combos], 0, 1)  # (m, r, k)
    q, r = np.linalg.qr(A)
    col_norm = np.linalg.norm(A, axis=1)
    diag = np.abs(np.diagonal(r, axis1=1, axis2=2))
    independent = np.all(diag > _DEPENDENCE * np.where(col_norm > 0, col_norm, np.inf), axis=1)
    rhs = np.einsum("mrk,r->mk", q[independent], c)
    sol = np.linalg.solve(r[independent], rhs[..., None])[..., 0]
    keep = np.all(np.abs(sol) * col_norm[independent] > ROUNDOFF * y_norm, axis=1)
    S, sol = combos[independent][keep], sol[keep]
    beta = np.zeros((S.shape[0], R.shape[1]))
    np.put_along_axis(beta, S, sol, axis=1)
    resid = np.einsum("mrk,mk->mr", A[independent][keep], sol) - c
    return S, beta, np.einsum("mr,mr->m", resid, resid), int(m - independent.sum())


def _catalog(X, y, R, c, found, path, rtol, n_examined, n_dependent, k_max) -> SaddleCatalog:
    all_supports, all_coefs, all_losses = found
    sizes = np.array([S.size for S in all_supports])
    order = np.lexsort((sizes, -all_losses))  # decreasing loss, then increasing size
    coefs, losses = all_coefs[order], all_losses[order]
    supports = tuple(all_supports[j] for j in order)
    gradients = (coefs @ R.T - c) @ R / X.shape[0]
    tol = rtol * gradient_scale(X, y)
    indices = np.sum((coefs == 0) & (np.abs(gradients) > tol), axis=1)
    kinds = tuple(
        CriticalPointType.STRICT_SADDLE if i > 0 else CriticalPointType.GLOBAL_MINIMUM
        for i in indices
    )
    lookup = {tuple(S.tolist()): j for j, S in enumerate(supports)}
    position = np.full(order.size, -1, dtype=int)
    unmatched = []
    for k, ref in enumerate(path.beta):
        j = lookup.get(tuple(np.flatnonzero(drop_roundoff(ref, X, y)).tolist()))
        if j is not None and same_point(ref, coefs[j], 1e-6):
            position[j] = k
        else:
            unmatched.append(k)
    return SaddleCatalog(
        beta=coefs,
        supports=supports,
        loss=losses,
        morse_index=indices.astype(int),
        classification=kinds,
        visited=position >= 0,
        path_position=position,
        unmatched_path_saddles=tuple(unmatched),
        stats={"n_examined": int(n_examined), "n_dependent": int(n_dependent)},
        max_support=k_max,
    )
