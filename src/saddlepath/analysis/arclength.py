r"""Arc-length reparametrisation of a run and of the α → 0 limit (P&F, proof of Thm. 2).

For a run in accelerated time :math:`\tau = t/\lambda`, the arc-length parameter is

.. math::

    a(\tau) = \tau + \int_0^\tau \Big\|\frac{d\tilde\beta_\alpha}{d\sigma}\Big\|_2\,d\sigma ,

in units of τ plus units of β (both dimensionless for standardised data). It grows on
plateaus (time runs, β still) and during jumps (β moves, time nearly stands still), so the
limit becomes a *continuous* curve :math:`a \mapsto (\tau(a), \beta(a))`: plateaus where τ
runs at unit speed, joined by jumps where τ stands still at :math:`\tau_k`.

The limit's jumps are heteroclinic orbits, not chords
(:mod:`~saddlepath.analysis.heteroclinic`); the flow's arc length matches the orbits' to
2·10⁻⁷ at α = 1e-100, and to 2·10⁻⁹ at α = 1e-1000 with ``rtol=1e-11``.
``jumps="straight"`` uses the chords :math:`\|\beta_k - \beta_{k-1}\|_2` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath._summary import span, summary_repr
from saddlepath._validation import check_int, check_real
from saddlepath.analysis._checks import check_trajectory
from saddlepath.analysis._polyline import polyline_lengths, step_grid
from saddlepath.analysis.comparison import comparison_horizon
from saddlepath.analysis.heteroclinic import heteroclinic_orbits
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.trajectory import Trajectory

__all__ = ["ArcLength", "LimitArcLength", "arclength", "arclength_of_path"]


@dataclass(frozen=True, eq=False)
class ArcLength:
    r"""A curve in arc length: :math:`a \mapsto (\tau(a), \beta(a))` on a grid.

    Attributes
    ----------
    a : ndarray of shape (n_points,)
        Arc-length parameter, non-decreasing, ``a[0] = tau[0]``.
    tau : ndarray of shape (n_points,)
        Accelerated time at each ``a`` (constant along a jump of the limit).
    beta : ndarray of shape (n_points, n_features)
        β at each ``a``. ``tau_at`` and ``beta_at`` interpolate linearly in ``a``.
    method : str
        How the curve was obtained.
    """

    a: np.ndarray
    tau: np.ndarray
    beta: np.ndarray = field(repr=False)
    method: str

    def __repr__(self) -> str:
        return summary_repr(
            self, method=self.method, n_points=self.a.size, a=span(self.a), tau=span(self.tau)
        )

    @property
    def length(self) -> float:
        r"""Length of the β-path, :math:`a_{\text{end}} - \tau_{\text{end}}` (units of β)."""
        return float(self.a[-1] - self.a[0] - (self.tau[-1] - self.tau[0]))

    def _check(self, a) -> np.ndarray:
        a = np.asarray(a, dtype=float)
        lo, hi = float(self.a[0]), float(self.a[-1])
        if a.size and (not np.all(np.isfinite(a)) or a.min() < lo or a.max() > hi):
            raise ValueError(
                f"`a` must lie in the curve's range [{lo:.6g}, {hi:.6g}]; got values in "
                f"[{np.nanmin(a):.6g}, {np.nanmax(a):.6g}]."
            )
        return a

    def tau_at(self, a) -> np.ndarray:
        """Accelerated time :math:`\\tau(a)` (linear interpolation on the grid)."""
        return np.interp(self._check(a), self.a, self.tau)

    def beta_at(self, a) -> np.ndarray:
        """:math:`\\beta(a)`, shape ``a.shape + (n_features,)`` (linear interpolation)."""
        a = self._check(a)
        flat = np.atleast_1d(a).ravel()
        out = np.column_stack([np.interp(flat, self.a, col) for col in self.beta.T])
        return out.reshape(*a.shape, self.beta.shape[1])

    def a_at(self, tau) -> np.ndarray:
        r""":math:`a(\tau)`; at a jump time of the limit, the value after the jump."""
        tau = np.asarray(tau, dtype=float)
        idx = np.clip(np.searchsorted(self.tau, tau, side="right") - 1, 0, self.tau.size - 2)
        width = self.tau[idx + 1] - self.tau[idx]
        frac = np.where(width > 0, (tau - self.tau[idx]) / np.where(width > 0, width, 1.0), 1.0)
        return self.a[idx] + np.clip(frac, 0.0, 1.0) * (self.a[idx + 1] - self.a[idx])


@dataclass(frozen=True, eq=False, repr=False)  # ArcLength's short repr
class LimitArcLength(ArcLength):
    r"""The limit :math:`\beta^\circ` in arc length, with the length of every jump.

    Attributes
    ----------
    jump_lengths : ndarray of shape (n_jumps,)
        Length of the path taken by each jump (heteroclinic orbit or chord).
    chord_lengths : ndarray of shape (n_jumps,)
        :math:`\|\beta_k - \beta_{k-1}\|_2`.
    jump_starts : ndarray of shape (n_jumps,)
        ``a`` at which each jump starts (it ends ``jump_lengths`` later).
    reached : ndarray of bool, shape (n_jumps,)
        Whether each orbit reached the next saddle (otherwise it is closed by a chord);
        all true for ``jumps="straight"``.
    """

    jump_lengths: np.ndarray = field(default_factory=lambda: np.empty(0))
    chord_lengths: np.ndarray = field(default_factory=lambda: np.empty(0))
    jump_starts: np.ndarray = field(default_factory=lambda: np.empty(0))
    reached: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))


def arclength(trajectory: Trajectory, *, n_sub: int = 8) -> ArcLength:
    r"""Reparametrise a run by arc length, :math:`a(\tau) = \tau + \int_0^\tau
    \|d\tilde\beta_\alpha/d\sigma\|_2\,d\sigma`.

    The integral is the length of the curve :math:`\tau \mapsto \tilde\beta_\alpha(\tau)`
    traced by the run's dense output (exact map from the interpolated dual): every saved
    step is cut into ``n_sub`` pieces and the polyline length is Richardson-extrapolated
    against ``n_sub/2`` pieces, step by step (error :math:`O(h^4)` for a smooth curve). The
    solver steps are short in jumps and long on plateaus, so the grid follows the curve.

    Parameters
    ----------
    trajectory : Trajectory
        From :func:`~saddlepath.diagonal.flow.gradient_flow` or ``gradient_descent``.
    n_sub : int, default 8
        Even number ≥ 2 of pieces per saved step; the grid has ``n_sub·(n_times−1)+1``
        points (memory ``8·n_features`` bytes each).

    Returns
    -------
    ArcLength

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> run = gradient_flow(np.eye(2), np.array([1.0, 0.5]), alpha="1e-100")
    >>> curve = arclength(run)  # β goes straight from 0 to (1, 0), then to (1, 0.5)
    >>> round(curve.length, 5), bool(curve.a[-1] == curve.length + run.tau[-1])
    (1.5, True)
    """
    check_trajectory(trajectory, where="arclength")
    n_sub = check_int(n_sub, name="n_sub", low=2, where="arclength")
    if n_sub % 2:
        raise ValueError(f"The `n_sub` parameter of arclength must be even. Got {n_sub} instead.")
    tau = step_grid(np.asarray(trajectory.tau, dtype=float), n_sub)
    beta = trajectory.at(tau)
    a = tau + polyline_lengths(beta, n_sub)
    return ArcLength(a=a, tau=tau, beta=beta, method=f"dense output, {n_sub} pieces per step")


def _chords(path: SaddlePath) -> list:
    """Every jump as a straight segment: (points, lengths, reached)."""
    out = []
    for k in range(1, path.n_saddles):
        pts = path.beta[k - 1 : k + 1]
        out.append((pts, np.array([0.0, float(np.linalg.norm(pts[1] - pts[0]))]), True))
    return out


def _check_limit_args(path, tau_max, jumps: str) -> float:
    """Validate :func:`arclength_of_path`'s arguments; return ``tau_max``."""
    if not isinstance(path, SaddlePath):
        raise TypeError(
            "The `path` parameter of arclength_of_path must be a SaddlePath (from "
            f"saddlepath.saddle_path(X, y)). Got {type(path).__name__} instead."
        )
    if jumps not in ("heteroclinic", "straight"):
        raise ValueError(
            "The `jumps` parameter of arclength_of_path must be 'heteroclinic' or "
            f"'straight'. Got {jumps!r} instead."
        )
    return (
        comparison_horizon(path)
        if tau_max is None
        else check_real(tau_max, name="tau_max", low=float(path.tau[-1]), where="arclength_of_path")
    )


def arclength_of_path(
    path: SaddlePath, *, tau_max: float | None = None, jumps: str = "heteroclinic"
) -> LimitArcLength:
    r"""The α → 0 limit as a continuous curve in arc length.

    Plateau ``k`` adds :math:`\tau_{k+1} - \tau_k` to ``a`` with β fixed at
    :math:`\beta_k`; jump ``k`` adds its length with τ fixed at :math:`\tau_k`, so
    :math:`a(\tau_{\max}) = \tau_{\max} + \sum_k \text{jump\_lengths}_k`. With
    ``jumps="straight"`` the jumps are chords and the sum is
    :math:`\sum_k\|\beta_k - \beta_{k-1}\|_2`; with ``"heteroclinic"`` they are the orbits
    of :func:`~saddlepath.analysis.heteroclinic_orbits` (what a run at small α follows).

    Parameters
    ----------
    path : SaddlePath
    tau_max : float, optional
        End of the last plateau, ``≥ τ_K``; default the comparison horizon
        :math:`\tau_K + (\tau_K - \tau_{K-1})`.
    jumps : {"heteroclinic", "straight"}

    Returns
    -------
    LimitArcLength

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> path = saddle_path(X, y)
    >>> chords = arclength_of_path(path, tau_max=path.tau[-1], jumps="straight")
    >>> orbits = arclength_of_path(path, tau_max=path.tau[-1])
    >>> np.round(chords.jump_lengths, 6).tolist(), np.round(orbits.jump_lengths, 6).tolist()
    ([0.8, 1.612452, 0.206072], [0.8, 1.612639, 0.206084])
    """
    tau_max = _check_limit_args(path, tau_max, jumps)
    if jumps == "straight":
        segments = _chords(path)
    else:
        segments = [(o.beta, o.length, o.reached) for o in heteroclinic_orbits(path)]
    return _limit_curve(path, segments, tau_max, f"exact limit, {jumps} jumps")


def _limit_curve(path: SaddlePath, segments: list, tau_max: float, method: str) -> LimitArcLength:
    """Plateaus and jumps laid end to end in ``a`` (plateau ``k`` adds τ, jump ``k`` length)."""
    taus, pts, arcs, starts, lens, reached = [[0.0]], [path.beta[:1]], [[0.0]], [], [], []
    a = 0.0
    for k, (seg, seg_len, ok) in enumerate(segments, start=1):
        a += float(path.tau[k] - path.tau[k - 1])  # the plateau k−1
        starts.append(a)
        taus.append(np.full(len(seg), path.tau[k]))
        pts.append(seg)
        arcs.append(a + seg_len)
        a += float(seg_len[-1])
        lens.append(float(seg_len[-1]))
        reached.append(ok)
    taus.append([tau_max])
    pts.append(path.beta[-1:])
    arcs.append([a + tau_max - float(path.tau[-1])])
    return LimitArcLength(
        a=np.concatenate(arcs),
        tau=np.concatenate(taus).astype(float),
        beta=np.concatenate(pts),
        method=method,
        jump_lengths=np.array(lens),
        chord_lengths=np.linalg.norm(np.diff(path.beta, axis=0), axis=1),
        jump_starts=np.array(starts),
        reached=np.array(reached, dtype=bool),
    )
