r"""Snap an approximate point to an exact critical point of :math:`F(u, v) = L(u\odot v)`.

By Pesme & Flammarion (2023, Prop. 1) the critical points are the β that minimise
:math:`L` over the coordinate subspace of their own support: :math:`\beta_i\,\partial_iL(\beta)
= 0` for all ``i``. Given a nearby point, the support ``S`` is read off the sizes
:math:`|\beta_i|` (candidate cuts at every gap of at least ``gap`` between consecutive
sorted sizes), ``β_S`` is the least-squares fit on the columns ``S``, and the candidate
nearest the input wins.

The weights follow in closed form. Newton on :math:`\nabla F = 0` with the conserved
quantity :math:`c_i = u_i^2 - v_i^2` held fixed is the system :math:`g_S(u\odot v) = 0`,
:math:`u_S^2 - v_S^2 = c_S`: the first half is least squares on ``S``, the second gives
:math:`u_i^2 = (c_i + \sqrt{c_i^2 + 4\beta_i^2})/2`, :math:`v_i = \beta_i/u_i`, so it is
solved exactly instead of iterated. Inactive pairs are set to :math:`u_i = v_i = 0`: with
:math:`c_i \ne 0` no critical point has :math:`g_i \ne 0`, so the saddles exist only in the
α → 0 limit, which is what is returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import summary_repr
from saddlepath._validation import check_real
from saddlepath.landscape._checks import check_vector, check_xy, gradient_scale
from saddlepath.landscape.hessian import loss_and_gradient, weight_gradient
from saddlepath.landscape.supports import SupportFits

__all__ = ["Equilibrium", "RefinementStatus", "limit_weights", "refine_equilibrium"]

_WHERE = "refine_equilibrium"


class RefinementStatus(Status):
    """Outcome of :func:`refine_equilibrium`. The values are the meanings."""

    EXACT = "snapped to an exact critical point near the input"
    FAR = (
        "the nearest critical point is farther from the input than max_distance: the input "
        "is not on a plateau"
    )
    NOT_ISOLATED = (
        "the support's columns are linearly dependent: the critical point is not isolated; "
        "the minimum-norm least-squares fit is reported"
    )

    @classmethod
    def failures(cls) -> frozenset:
        return frozenset({cls.FAR})


@dataclass(frozen=True, eq=False, repr=False)
class Equilibrium:
    r"""An exact critical point of :math:`F` (α → 0 limit) and how far the input was.

    Attributes
    ----------
    beta : ndarray of shape (n_features,)
        The critical point: least squares on ``support``, zero elsewhere.
    u, v : ndarray of shape (n_features,)
        Its weights, :math:`u\odot v = \beta`, with the input's conserved quantity on the
        support (:math:`|u_i| = |v_i| = \sqrt{|\beta_i|}` when it is 0) and 0 off it.
    support : ndarray of int
        Coordinates with :math:`\beta_i \ne 0`, ascending.
    loss : float
        :math:`L(\beta)`.
    gradient : ndarray of shape (n_features,)
        :math:`\nabla L(\beta)`; zero on the support.
    residual : float
        :math:`\|\nabla F(u, v)\|_\infty` (loss per weight).
    relative_residual : float
        ``residual / (‖∇L(0)‖_∞ · max(‖u‖_∞, ‖v‖_∞))``, 0 at the origin.
    distance : float
        :math:`\|\beta - \beta_{\rm input}\|_\infty / \max(\|\beta_{\rm input}\|_\infty,
        b)`, :math:`b = \max_i|x_i^\top y|/\|x_i\|^2` the largest one-column fit (so
        that points near the origin are measured on the data's scale).
    status : RefinementStatus
    """

    beta: np.ndarray
    u: np.ndarray = field(repr=False)
    v: np.ndarray = field(repr=False)
    support: np.ndarray
    loss: float
    gradient: np.ndarray = field(repr=False)
    residual: float
    relative_residual: float
    distance: float
    status: RefinementStatus

    def __repr__(self) -> str:
        return summary_repr(
            self, status=self.status.name, n_features=self.beta.size,
            support_size=self.support.size, loss=f"{self.loss:.6g}",
            relative_residual=f"{self.relative_residual:.3g}", distance=f"{self.distance:.3g}",
        )  # fmt: skip


def limit_weights(beta, conserved=None, *, u_sign=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Return weights :math:`(u, v)` with :math:`u\odot v = \beta` and :math:`u^2 - v^2 = c`.

    :math:`u_i^2 = (c_i + \sqrt{c_i^2 + 4\beta_i^2})/2` and :math:`v_i = \beta_i/u_i`
    (computed without cancellation); with ``conserved=None`` (:math:`c = 0`, the α → 0
    limit) :math:`|u_i| = |v_i| = \sqrt{|\beta_i|}` and :math:`\mathrm{sign}(u_iv_i) =
    \mathrm{sign}\,\beta_i`. Where :math:`u_i = 0` (then :math:`c_i \le 0`),
    :math:`v_i^2 = -c_i`.

    Parameters
    ----------
    beta : array_like of shape (n_features,)
    conserved : array_like of shape (n_features,), optional
        :math:`c = u^2 - v^2`; default 0.
    u_sign : array_like of shape (n_features,), optional
        Signs for ``u`` (default +1).

    Returns
    -------
    u, v : ndarray of shape (n_features,)

    Examples
    --------
    >>> u, v = limit_weights([4.0, -1.0, 0.0])
    >>> u.tolist(), v.tolist()
    ([2.0, 1.0, 0.0], [2.0, -1.0, 0.0])
    """
    beta = np.asarray(beta, dtype=float)
    c = np.zeros_like(beta) if conserved is None else np.asarray(conserved, dtype=float)
    sign = np.ones_like(beta) if u_sign is None else np.where(np.asarray(u_sign) < 0, -1.0, 1.0)
    root = np.hypot(c, 2.0 * beta)
    big = np.sqrt(0.5 * (np.abs(c) + root))  # the larger of |u|, |v|: no cancellation
    safe = np.where(big > 0, big, 1.0)
    small = np.abs(beta) / safe  # |u||v| = |β|, without squaring β (no underflow)
    abs_u = np.where(c >= 0, big, small)
    abs_v = np.where(c >= 0, small, big)
    v_sign = np.where(beta < 0, -sign, sign)
    return sign * abs_u, v_sign * abs_v


def refine_equilibrium(
    X, y, beta=None, u=None, v=None, *, gap: float = 10.0, max_distance: float = 0.1
) -> Equilibrium:
    r"""Snap to the exact critical point of :math:`F` nearest a given point (P&F Prop. 1).

    Give ``beta``, or the weights ``u`` and ``v`` (then :math:`\beta = u\odot v` and the
    conserved quantity :math:`c = u^2 - v^2` is kept on the support, see the module
    docstring). The support is chosen among cuts of the sorted :math:`|\beta_i|`: at every
    gap of at least ``gap``, at the 8 largest gaps whatever their size, after the last
    non-zero entry, and the empty support; for each, β is the least-squares fit on those
    columns, and the one nearest the input (relative ∞-norm) is returned.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    beta : array_like of shape (n_features,), optional
    u, v : array_like of shape (n_features,), optional
        Weights, instead of ``beta`` (give both).
    gap : float, default 10.0
        Minimal ratio between consecutive sorted :math:`|\beta_i|` that may separate the
        support from the rest (> 1).
    max_distance : float, default 0.1
        Relative distance above which the status is ``FAR``.

    Returns
    -------
    Equilibrium

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> eq = refine_equilibrium(X, y, beta=[1e-4, 1e-30, 1.3999, -2e-3])
    >>> np.round(eq.beta, 12).tolist(), eq.status.name, eq.residual < 1e-15
    ([0.0, 0.0, 1.4, 0.0], 'EXACT', True)
    """
    X, y = check_xy(X, y)
    gap = check_real(gap, name="gap", low=1.0, low_open=True, where=_WHERE)
    max_distance = check_real(
        max_distance, name="max_distance", low=0.0, low_open=True, where=_WHERE
    )
    target, conserved, u_sign = _target(beta, u, v, X.shape[1])
    _, distance, coef, dependent = SupportFits(X, y).nearest(target, gap)
    u_new, v_new = limit_weights(
        coef, None if conserved is None else np.where(coef != 0, conserved, 0.0), u_sign=u_sign
    )
    kind = RefinementStatus
    status = kind.FAR if distance > max_distance else kind.NOT_ISOLATED if dependent else kind.EXACT
    return _equilibrium(X, y, coef, u_new, v_new, distance, status)


def _target(beta, u, v, d):
    """The point to refine, its conserved quantity (or None) and the signs of ``u``."""
    if beta is not None and (u is not None or v is not None):
        raise ValueError(
            "refine_equilibrium takes either `beta` or the weights `u` and `v`, not both; "
            "drop `beta` to keep the conserved quantity u² − v² of the weights."
        )
    if beta is not None:
        return check_vector(beta, name="beta", n_features=d, where=_WHERE), None, None
    if u is None or v is None:
        raise ValueError(
            "refine_equilibrium needs `beta`, or both `u` and `v`; got "
            f"u={'None' if u is None else 'array'}, v={'None' if v is None else 'array'}."
        )
    u = check_vector(u, name="u", n_features=d, where=_WHERE)
    v = check_vector(v, name="v", n_features=d, where=_WHERE)
    return u * v, (u - v) * (u + v), np.sign(u)


def _equilibrium(X, y, coef, u, v, distance, status) -> Equilibrium:
    loss, g = loss_and_gradient(X, y, coef)
    residual = float(np.abs(weight_gradient(g, u, v)).max())
    weight = max(float(np.abs(u).max()), float(np.abs(v).max()))
    relative = residual / (gradient_scale(X, y) * weight) if weight > 0 else 0.0
    return Equilibrium(
        beta=coef,
        u=u,
        v=v,
        support=np.flatnonzero(coef),
        loss=loss,
        gradient=g,
        residual=residual,
        relative_residual=relative,
        distance=distance,
        status=status,
    )
