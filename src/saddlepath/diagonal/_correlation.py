r"""The one pass over ``X`` per jump: gradients, duals and the time to the next jump.

Between jumps ``β`` is constant, so the gradient ``g = Xᵀr/n`` (``r = Xβ − y``) is
constant and the dual moves linearly, ``s(τ) = s_k − (τ − τ_k) g``. Coordinate ``i``
reaches the boundary after

.. math::

    \Delta_i = \frac{1 - \operatorname{sign}(-g_i)\, s_i}{|g_i|}

(``2/|g_i|`` for a boundary coordinate with ``β_i = 0`` moving inwards).

Each jump reads ``X`` once, for ``g`` (a matrix–vector product, in float32 or float64).
The dual is carried along, ``s ← s − Δ·g``, together with a rigorous bound on its
rounding error. Only the *candidates* — coordinates whose interval of possible ``Δ_i``
reaches below the smallest certain upper bound — are recomputed exactly in float64, with
``s = −XᵀR/n`` from the integrated residual ``R = ∫ r dτ``; those recomputations also
re-synchronise the carried dual, so it never drifts. The result is the exact jump.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DualScanner", "JumpEvent"]


@dataclass(frozen=True)
class JumpEvent:
    """Outcome of one scan: either convergence or the next jump."""

    converged: bool
    delta: float
    entering: np.ndarray  # coordinates reaching the boundary (ties included)
    entering_sign: np.ndarray  # the boundary they reach, ±1
    inward: np.ndarray  # boundary coordinates with β = 0 that leave the boundary
    stuck: bool = False  # gradient non-zero yet no coordinate can move


def _exact_delta(g, s, sigma, tol):
    """Exact time to the boundary for the given coordinates (``inf`` if never)."""
    out = np.full(g.shape, np.inf)
    moving = np.abs(g) > tol
    on_b = sigma != 0
    off = moving & ~on_b
    out[off] = np.maximum(1.0 + np.sign(g[off]) * s[off], 0.0) / np.abs(g[off])
    inward = moving & on_b & (sigma * g > 0)
    out[inward] = 2.0 / np.abs(g[inward])
    return out, inward


class DualScanner:
    """Carries the dual and finds each next jump with one pass over ``X``.

    Parameters
    ----------
    X, norms, eligible :
        Data, column norms, and the columns allowed to enter.
    grad_tol : ndarray
        Per-coordinate threshold below which a gradient entry counts as zero.
    tie_tol : float
        Relative tolerance under which jump times are equal.
    dtype : numpy dtype
        Precision of the pass (float32 halves memory traffic; the answer is the same).
    """

    def __init__(self, X, norms, eligible, grad_tol, tie_tol, *, dtype):
        n, d = X.shape
        self.X, self.norms, self.eligible = X, norms, eligible
        self.grad_tol, self.tie_tol = grad_tol, tie_tol
        self.Xlow = X if dtype == np.float64 else X.astype(dtype)
        unit = float(np.finfo(dtype).eps)
        self.kappa = (n + 4) * unit  # rigorous dot-product rounding bound, relative
        self.s = np.zeros(d)
        self.s_err = np.zeros(d)
        self.g = np.zeros(d)
        self.g_err = np.zeros(d)
        self.n_passes = 0
        self.n_exact_columns = 0

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
        low = r.astype(self.Xlow.dtype)
        self.g = (low @ self.Xlow).astype(np.float64) / n
        self.g_err = self.kappa * self.norms * (np.linalg.norm(r) / n)
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
        """Move the carried dual along the segment: ``s ← s − Δ·g`` (bound updated)."""
        self.s -= delta * self.g
        self.s_err += delta * self.g_err + 4e-16 * np.abs(self.s)

    def _candidates(self, sigma, in_support):
        """Coordinates whose possible ``Δ_i`` reaches below the smallest certain bound."""
        g, eg, s, es = self.g, self.g_err, self.s, self.s_err
        off = self.eligible & (sigma == 0)
        certain = off & (np.abs(g) > eg + self.grad_tol)
        if not np.any(certain):
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            upper = (1.0 + np.sign(g) * s + es) / (np.abs(g) - eg)
            cap = float(upper[certain].min()) * (1.0 + 2 * self.tie_tol)
            lower = np.maximum(1.0 - np.abs(s) - es, 0.0) / (np.abs(g) + eg)
        pick = (off & (lower <= cap)) | (self.eligible & (sigma != 0) & ~in_support)
        return np.flatnonzero(pick)

    def _decide(self, idx, sigma) -> JumpEvent:
        g, sig = self.g[idx], sigma[idx]
        s = np.where(sig != 0, sig, self.s[idx])
        tol = self.grad_tol[idx]
        delta, inward = _exact_delta(g, s, sig, tol)
        inward_idx = idx[inward]
        if not np.any(np.abs(g) > tol):
            return JumpEvent(True, np.inf, idx[:0], np.zeros(0), inward_idx)
        best = float(delta.min())
        if not np.isfinite(best):
            return JumpEvent(False, np.inf, idx[:0], np.zeros(0), inward_idx, stuck=True)
        hit = delta <= best * (1.0 + self.tie_tol)
        sign = np.where(sig[hit] != 0, -sig[hit], -np.sign(g[hit]))
        return JumpEvent(False, best, idx[hit], sign, inward_idx)


def make_scanner(X, norms, eligible, grad_tol, tie_tol, *, precision: str) -> DualScanner:
    """Choose the pass precision: ``"float64"``, ``"mixed"`` (float32) or ``"auto"``."""
    if precision == "auto":
        precision = "mixed" if X.size >= 2_000_000 else "float64"
    dtype = np.float32 if precision == "mixed" else np.float64
    return DualScanner(X, norms, eligible, grad_tol, tie_tol, dtype=dtype)
