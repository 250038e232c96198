r"""The one pass over ``X`` per jump: gradients, duals and the time to the next jump.

Between jumps ``β`` is constant, so the gradient ``g = Xᵀr/n`` (``r = Xβ − y``) is
constant and the dual moves linearly, ``s(τ) = s_k − (τ − τ_k) g``. Coordinate ``i``
reaches the boundary after

.. math::

    \Delta_i = \frac{1 - \operatorname{sign}(-g_i)\, s_i}{|g_i|}

(``2/|g_i|`` for a boundary coordinate with ``β_i = 0`` moving inwards — however small
``|g_i|``, even below ``grad_atol``, once its sign is certain beyond the coordinate's own
rounding bound ``(n+4)ε‖x_i‖‖r‖/n``: on a long column such a gradient still carries the
dual from ±1 to ∓1 and may set the next jump).

Tolerances. ``grad_atol`` is absolute, in the units of ``∂L`` (those of ``‖x_i‖·‖y‖/n``),
one entry per coordinate: ``grad_atol_i = grad_tol·‖x_i‖·‖y‖/n`` with the dimensionless
``grad_tol`` of :func:`~saddlepath.diagonal.saddle_path.saddle_path`. ``tie_tol`` is
relative to the jump time ``Δ``.

Two strategies give the same, exact jump:

* :class:`FullScan` (``precision="float64"``): one float64 matrix–vector product per
  jump, ``g = Xᵀr/n``, and every ``Δ_i`` evaluated. The raw dual is carried,
  ``s ← s − Δ·g`` (boundary values are snapped to ±1 only for the decision, never in
  the carried state, so rounding drift of support coordinates is not hidden), with a
  rigorous bound on its accumulated rounding error (``Σ Δ·(n+4)ε·max‖x_i‖·‖r‖/n``); it
  is re-synchronised exactly from the integrated residual ``R = ∫ r dτ``
  (``s = −XᵀR/n``) whenever that bound exceeds ``RESYNC_BOUND`` — rarely on
  well-scaled data, often when column norms span many orders of magnitude and jumps
  are long. Cheapest when ``X`` fits in cache.
* :class:`ScreenedScan` (``precision="mixed"``): one float32 product per jump, for ``g``;
  the dual is carried along, ``s ← s − Δ·g``, with a rigorous bound on its rounding
  error. Only the *candidates* — coordinates whose interval of possible ``Δ_i`` reaches
  below the smallest certain upper bound — are recomputed exactly in float64 (which also
  re-synchronises their carried dual). Half the memory traffic of a float64 pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FullScan", "JumpEvent", "ScreenedScan", "make_scanner"]


_EMPTY = np.zeros(0, dtype=int)
_LOOSE_CAP = 32  # candidates beyond which the cheap cap is replaced by the tightest one
MAX_DUAL_DRIFT = 1e-6
"""Largest outward drift ``Δ·|∂_iL|`` tolerated for a boundary coordinate whose KKT
violation was below ``grad_atol`` (it would push ``|s_i|`` past 1); beyond it the path
stops with status ``STAGNATED`` rather than report a jump that floating point cannot
resolve (this happens when column norms span many orders of magnitude)."""


def _drifts(delta, g, sigma):
    """Whether a boundary coordinate's dual would leave [−1, 1] by more than allowed."""
    outward = (sigma != 0) & (sigma * g < 0)
    return bool(outward.any()) and delta * float(np.abs(g[outward]).max()) > MAX_DUAL_DRIFT


def _g_error(kappa, r, norms):
    """Rounding bound of ``g_i = x_iᵀr/n``: ``κ‖x_i‖‖r‖/n`` plus ``n`` subnormal units."""
    n = r.size
    return (kappa * float(np.linalg.norm(r)) / n) * norms + n * _SUBNORMAL_UNIT


_SUBNORMAL_UNIT = float(np.nextafter(0.0, 1.0))


def _weak_inward(g, g_err, sigma, mask):
    """Boundary coordinates (``β_i = 0``) whose gradient below ``grad_atol`` surely points inwards.

    ``grad_atol_i = grad_tol·‖x_i‖·‖y‖/n``; on a long column a gradient far below that
    (yet far above its own rounding bound ``g_err_i``) still carries the dual from ±1
    to ∓1 in ``Δ = 2/|g_i|``, which may be the next jump. Only its sign must be certain.
    """
    return mask & (sigma != 0) & (sigma * g > g_err)


@dataclass(frozen=True)
class JumpEvent:
    """Outcome of one scan: either convergence or the next jump."""

    converged: bool
    delta: float
    entering: np.ndarray  # coordinates reaching the boundary (ties included)
    entering_sign: np.ndarray  # the boundary they reach, ±1
    inward: np.ndarray  # boundary coordinates with β = 0 that leave the boundary
    stuck: bool = False  # gradient non-zero yet no coordinate can move


def _exact_delta(g, s, sigma, tol, g_err):
    """Exact time to the boundary for the given coordinates (``inf`` if never)."""
    out = np.full(g.shape, np.inf)
    moving = np.abs(g) > tol
    on_b = sigma != 0
    off = (g != 0) & ~on_b  # a gradient below tolerance still moves the dual over a long Δ
    inward = (moving & on_b & (sigma * g > 0)) | _weak_inward(g, g_err, sigma, ~moving)
    with np.errstate(over="ignore"):  # a subnormal gradient: Δ = inf, never
        out[off] = np.maximum(1.0 + np.sign(g[off]) * s[off], 0.0) / np.abs(g[off])
        out[inward] = 2.0 / np.abs(g[inward])
    return out, inward


class _Scan:
    """State shared by the scans: data, tolerances, the dual and the gradient.

    Parameters
    ----------
    X, norms, eligible :
        Data, column norms, and the columns allowed to enter.
    grad_atol : ndarray of shape (n_features,)
        Absolute gradient tolerance per coordinate, in the units of ``∂L``
        (``grad_tol·‖x_i‖·‖y‖/n``): the path may end (converge) when every ``|g_i|`` is
        below it.
    tie_tol : float
        Relative tolerance under which jump times are equal.
    unit : float
        Unit roundoff of the pass; ``kappa = (n + 4)·unit`` bounds a dot product's
        relative rounding error rigorously.
    """

    def __init__(self, X, norms, eligible, grad_atol, tie_tol, *, unit: float):
        n, d = X.shape
        self.X, self.norms, self.eligible = X, norms, eligible
        self.grad_atol, self.tie_tol = grad_atol, tie_tol
        self.kappa = (n + 4) * unit
        self.s = np.zeros(d)
        self.g = np.zeros(d)
        self.n_passes = 0


class ScreenedScan(_Scan):
    """Carries the dual and finds each next jump with one float32 pass over ``X``.

    ``dtype`` is the precision of the pass (float32 halves memory traffic; the
    candidates are re-checked in float64, so the answer is the same).
    """

    def __init__(self, X, norms, eligible, grad_atol, tie_tol, *, dtype=np.float32):
        super().__init__(X, norms, eligible, grad_atol, tie_tol, unit=float(np.finfo(dtype).eps))
        self.Xlow = X.astype(dtype)
        self.s_err = np.zeros(X.shape[1])
        self.g_err = np.zeros(X.shape[1])
        self.n_exact_columns = 0
        self.kappa64 = (X.shape[0] + 4) * float(np.finfo(float).eps)
        self._g64_err = np.zeros(X.shape[1])

    def _exact(self, idx, r, R):
        Xc = self.X[:, idx]
        n = self.X.shape[0]
        return (r @ Xc) / n, -(R @ Xc) / n

    def _full_exact(self, r, R):
        self.n_passes += 2
        n = self.X.shape[0]
        self.g, self.s = (r @ self.X) / n, -(R @ self.X) / n
        self.g_err[:] = 0.0
        self.s_err[:] = 0.0

    def scan(self, r, R, sigma, in_support) -> JumpEvent:
        """Find the next jump from the current residual ``r`` and integrated residual ``R``."""
        n = self.X.shape[0]
        self.n_passes += 1
        low = r if self.Xlow.dtype == r.dtype else r.astype(self.Xlow.dtype)
        self.g = np.asarray(low @ self.Xlow, dtype=np.float64) / n
        self.g_err = _g_error(self.kappa, r, self.norms)
        self._g64_err = _g_error(self.kappa64, r, self.norms)  # of the exact re-checks
        cand = self._candidates(sigma, in_support)
        if cand is None or cand.size > self.X.shape[1] // 4:
            self._full_exact(r, R)
            return self._decide(np.flatnonzero(self.eligible & ~in_support), sigma)
        self.n_exact_columns += cand.size
        g, s = self._exact(cand, r, R)
        self.g[cand], self.s[cand] = g, s
        self.g_err[cand], self.s_err[cand] = 0.0, 0.0
        event = self._decide(cand, sigma)
        if event.converged or event.stuck:  # only certain with every coordinate exact
            self._full_exact(r, R)
            return self._decide(np.flatnonzero(self.eligible & ~in_support), sigma)
        return event

    def advance(self, delta: float) -> None:
        """Move the carried dual along the segment: ``s ← s − Δ·g`` (bound updated).

        The update itself rounds by at most ``ε·|s|`` with ``|s_i| ≤ 1`` for every column.
        """
        self.s -= delta * self.g
        self.s_err += delta * self.g_err + 4e-16

    def _candidates(self, sigma, in_support):
        """Coordinates whose possible ``Δ_i`` reaches below a certain upper bound.

        ``Δ_i ≥ lower_i`` for every coordinate, and any coordinate ``j`` whose sign of
        ``g`` is certain gives ``Δ* ≤ upper_j``; ``cap = upper_j`` at the certain
        coordinate of smallest ``lower_j`` is valid and usually tight.
        """
        g, eg, s, es = self.g, self.g_err, self.s, self.s_err
        off = self.eligible & (sigma == 0)
        ag = np.abs(g)
        lower = np.maximum(1.0 - np.abs(s) - es, 0.0) / (ag + eg)
        lower[~off] = np.inf
        certain = off & (ag > eg + self.grad_atol)
        j = int(np.argmin(np.where(certain, lower, np.inf)))
        if not certain[j]:
            return None
        cap = (1.0 + np.sign(g[j]) * s[j] + es[j]) / (ag[j] - eg[j])
        pick = lower <= cap * (1.0 + 2 * self.tie_tol)
        if np.count_nonzero(pick) > _LOOSE_CAP:  # that bound was loose: take the best one
            with np.errstate(divide="ignore", invalid="ignore"):
                upper = (1.0 + np.sign(g) * s + es) / (ag - eg)
            pick = lower <= float(upper[certain].min()) * (1.0 + 2 * self.tie_tol)
        pick |= self.eligible & (sigma != 0) & ~in_support
        return np.flatnonzero(pick)

    def _decide(self, idx, sigma) -> JumpEvent:
        g, sig = self.g[idx], sigma[idx]
        s = np.where(sig != 0, sig, self.s[idx])
        tol = self.grad_atol[idx]
        delta, inward = _exact_delta(g, s, sig, tol, self._g64_err[idx])
        inward_idx = idx[inward]
        if not np.any(np.abs(g) > tol):
            return JumpEvent(True, np.inf, idx[:0], np.zeros(0), inward_idx)
        best = float(delta.min())
        if not np.isfinite(best) or _drifts(best, g, sig):
            return JumpEvent(False, np.inf, idx[:0], np.zeros(0), inward_idx, stuck=True)
        hit = delta <= best * (1.0 + self.tie_tol)
        sign = np.where(sig[hit] != 0, -sig[hit], -np.sign(g[hit]))
        return JumpEvent(False, best, idx[hit], sign, inward_idx)


RESYNC_BOUND = 1e-10


class FullScan(_Scan):
    """Float64 scan of every coordinate, carrying the dual (resynchronised when needed)."""

    def __init__(self, X, norms, eligible, grad_atol, tie_tol):
        super().__init__(X, norms, eligible, grad_atol, tie_tol, unit=float(np.finfo(float).eps))
        self._drift_bound = np.inf  # forces an exact dual at the first scan
        self._g_bound = 0.0

    def scan(self, r, R, sigma, in_support) -> JumpEvent:
        n = self.X.shape[0]
        self.n_passes += 1
        if self._drift_bound > RESYNC_BOUND:
            self.n_passes += 1
            self.s = (R @ self.X) / -n
            self._drift_bound = 0.0
        g = (r @ self.X) / n
        g_err = _g_error(self.kappa, r, self.norms)  # |ĝ_i − g_i| ≤ g_err_i
        self._g_bound = float(g_err.max(initial=0.0))
        on_b = sigma != 0
        s = np.where(on_b, sigma, self.s)  # snapped for the decision; the carried s stays raw
        self.g = g
        ag = np.abs(g)
        sg = sigma * g
        free = self.eligible & ~in_support & (ag > self.grad_atol)
        inward = free & (sg > 0)  # boundary columns with β = 0 moving inwards
        valid = free & ~(on_b & (sg <= 0))
        if not valid.any():  # converged, unless a boundary gradient points outwards
            stuck = bool(free.any())
            return JumpEvent(
                not stuck, np.inf, _EMPTY, np.zeros(0), np.flatnonzero(inward), stuck=stuck
            )
        # below-tolerance gradients do not stop the path, but still move their duals
        weak_in = _weak_inward(g, g_err, sigma, self.eligible & ~in_support & ~free)
        inward |= weak_in
        valid |= weak_in | (self.eligible & ~in_support & ~on_b & (g != 0))
        delta = np.full(g.size, np.inf)
        with np.errstate(over="ignore"):  # a subnormal |g|: its jump lies beyond float range
            np.divide(1.0 + np.sign(g) * s, ag, out=delta, where=valid)  # = 2/|g| inward
        best = float(delta.min())
        off_support = self.eligible & ~in_support
        # every remaining jump beyond float range (subnormal gradients), or a drifting dual
        if best == np.inf or _drifts(best, g[off_support], sigma[off_support]):
            return JumpEvent(False, np.inf, _EMPTY, np.zeros(0), np.flatnonzero(inward), stuck=True)
        hit = np.flatnonzero(delta <= best * (1.0 + self.tie_tol))
        sign = np.where(on_b[hit], -sigma[hit], -np.sign(g[hit]))
        return JumpEvent(False, best, hit, sign, np.flatnonzero(inward))

    def advance(self, delta: float) -> None:
        """Move the carried dual along the segment: ``s ← s − Δ·g`` (bound updated)."""
        self.s -= delta * self.g
        self._drift_bound += delta * self._g_bound + 4e-16


def make_scanner(X, norms, eligible, grad_atol, tie_tol, *, precision: str):
    """Choose the scan: ``"float64"`` (exact full scan), ``"mixed"`` (float32) or ``"auto"``.

    ``"auto"`` takes the float32 screened scan when ``X`` has at least 2·10⁶ entries
    (16 MB in float64, beyond the cache), the exact full scan otherwise.
    """
    if precision == "auto":
        precision = "mixed" if X.size >= 2_000_000 else "float64"
    if precision == "mixed":
        return ScreenedScan(X, norms, eligible, grad_atol, tie_tol)
    return FullScan(X, norms, eligible, grad_atol, tie_tol)
