r"""Critical points by support: the least-squares fit on a coordinate subset (P&F Prop. 1).

The critical points of :math:`F(u, v) = L(u\odot v)` are the β that minimise :math:`L` over
the coordinate subspace of their own support ``S``: the least-squares fit on the columns
``S``, with :math:`\beta_i \ne 0` on ``S``. An entry whose contribution
:math:`|\beta_i|\,\|x_i\|` is at most :data:`ROUNDOFF` :math:`\cdot\|y\|` is a round-off zero
(the point then has a smaller support); the rule is shared by
:func:`~saddlepath.landscape.refine_equilibrium` and
:func:`~saddlepath.landscape.enumerate_saddles`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ROUNDOFF", "SupportFits", "candidate_supports", "drop_roundoff", "same_point"]

ROUNDOFF = 1e-10
"""``|β_i|·‖x_i‖`` at most this fraction of ``‖y‖`` is a round-off zero."""
_N_CUTS = 8  # the largest ratios between sorted |β_i| are always tried as support cuts
_TIE = 1e-9  # candidates this close (relatively) in distance tie; the smaller support wins


def candidate_supports(target: np.ndarray, gap: float) -> list[tuple[int, ...]]:
    """Supports to try: the empty one, every cut of the sorted |β_i| at a ratio ≥ ``gap``, at
    the ``_N_CUTS`` largest ratios whatever their size, and at the last non-zero entry."""
    size = np.abs(target)
    order = np.argsort(-size, kind="stable")
    ranked = size[order]
    nonzero = int(np.count_nonzero(ranked))
    if nonzero == 0:
        return [()]
    with np.errstate(divide="ignore"):
        ratio = ranked[: nonzero - 1] / ranked[1:nonzero]
    cuts = set((np.flatnonzero(ratio >= gap) + 1).tolist())
    cuts |= set((np.argsort(-ratio, kind="stable")[:_N_CUTS] + 1).tolist())
    cuts.add(nonzero)
    return [()] + [tuple(sorted(order[:k].tolist())) for k in sorted(cuts)]


class SupportFits:
    r"""Least-squares fits on coordinate subsets of one data set, cached by support.

    ``fit(S)`` returns the critical point of support ``S`` (P&F Prop. 1): the least-squares
    fit on the columns ``S``, with entries whose contribution :math:`|\beta_i|\,\|x_i\|`
    at most ``ROUNDOFF·‖y‖`` treated as round-off zeros (dropped, and the fit repeated: the
    critical point then has a smaller support). Distances are relative to
    ``max(‖β‖_∞, unit)``, ``unit`` the largest one-column least-squares coefficient
    :math:`\max_i |x_i^\top y|/\|x_i\|^2`, so that points near the origin are compared on
    the data's scale.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.X, self.y = X, y
        self.norms = np.linalg.norm(X, axis=0)
        self.y_norm = float(np.linalg.norm(y))
        usable = self.norms > 0
        unit = np.abs(y @ X[:, usable]) / self.norms[usable] ** 2 if usable.any() else [0.0]
        self.unit = float(np.max(unit)) if np.max(unit) > 0 else 1.0
        self.cache: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, bool]] = {}

    def fit(self, support: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, bool]:
        """(support of the fit, full coefficient vector, columns dependent?)."""
        if support not in self.cache:
            self.cache[support] = self._solve(np.array(support, dtype=int))
        return self.cache[support]

    def _solve(self, support: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
        coef = np.zeros(self.X.shape[1])
        dependent = False
        for attempt in range(3):
            if not support.size:
                break
            sol, _, rank, _ = np.linalg.lstsq(self.X[:, support], self.y, rcond=None)
            keep = np.abs(sol) * self.norms[support] > ROUNDOFF * self.y_norm
            if keep.all() or attempt == 2:
                coef[support], dependent = sol, bool(rank < support.size)
                break
            support = support[keep]
        return np.flatnonzero(coef), coef, dependent

    def distance(self, coef: np.ndarray, target: np.ndarray) -> float:
        """Relative ∞-distance between a critical point and a target point."""
        scale = max(float(np.abs(target).max()), self.unit)
        return float(np.abs(coef - target).max()) / scale

    def nearest(self, target: np.ndarray, gap: float):
        """(support, distance, β, dependent) of the candidate nearest ``target``."""
        fits = [self.fit(S) for S in candidate_supports(target, gap)]
        dist = [self.distance(fit[1], target) for fit in fits]
        best = min(dist)
        j = min(
            (j for j in range(len(fits)) if dist[j] <= best * (1 + _TIE) + _TIE),
            key=lambda j: fits[j][0].size,
        )
        return fits[j][0], dist[j], fits[j][1], fits[j][2]


def drop_roundoff(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Zero the entries of a critical point that are round-off: :math:`|\beta_i|\,\|x_i\|
    \le 10^{-10}\|y\|` (the same rule as :class:`SupportFits`)."""
    beta = np.asarray(beta, dtype=float)
    tiny = np.abs(beta) * np.linalg.norm(X, axis=0) <= ROUNDOFF * np.linalg.norm(y)
    return np.where(tiny, 0.0, beta)


def same_point(a: np.ndarray, b: np.ndarray, rtol: float = 1e-8) -> bool:
    """Equal to ``rtol`` relative to the larger ∞-norm (0 equals only 0)."""
    scale = max(float(np.abs(a).max(initial=0.0)), float(np.abs(b).max(initial=0.0)))
    return bool(np.abs(a - b).max(initial=0.0) <= rtol * scale)
