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

The pass is one BLAS product into a buffer the scanner owns; everything after it — the
rounding bounds, the ``Δ_i``, the minimum and its ties, the screening and the update of
the carried dual — is compiled (:mod:`~saddlepath.diagonal._kernels_path_scan`) and
allocates nothing of length ``d`` per jump.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath.diagonal import _kernels_path_loop as kl
from saddlepath.diagonal import _kernels_path_scan as k

__all__ = ["FullScan", "JumpEvent", "ScreenedScan", "make_scanner"]


_EMPTY = np.zeros(0, dtype=int)
_LOOSE_CAP = 32  # candidates beyond which the cheap cap is replaced by the tightest one
MAX_DUAL_DRIFT = 1e-6
"""Largest outward drift ``Δ·|∂_iL|`` tolerated for a boundary coordinate whose KKT
violation was below ``grad_atol`` (it would push ``|s_i|`` past 1); beyond it the path
stops with status ``STAGNATED`` rather than report a jump that floating point cannot
resolve (this happens when column norms span many orders of magnitude)."""

_SUBNORMAL_UNIT = float(np.nextafter(0.0, 1.0))


@dataclass(frozen=True)
class JumpEvent:
    """Outcome of one scan: either convergence or the next jump."""

    converged: bool
    delta: float
    entering: np.ndarray  # coordinates reaching the boundary (ties included)
    entering_sign: np.ndarray  # the boundary they reach, ±1
    inward: np.ndarray  # boundary coordinates with β = 0 that leave the boundary
    stuck: bool = False  # gradient non-zero yet no coordinate can move


def _event(code, delta, hit, sign, inward) -> JumpEvent:
    """A :class:`JumpEvent` from a kernel's code and index lists (copied out of its buffers)."""
    if code != k.JUMP:
        stuck = code == k.STUCK
        return JumpEvent(not stuck, np.inf, _EMPTY, np.zeros(0), inward.copy(), stuck=stuck)
    return JumpEvent(False, float(delta), hit.copy(), sign.copy(), inward.copy())


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
        self._par = np.array([tie_tol, MAX_DUAL_DRIFT, n * _SUBNORMAL_UNIT, _LOOSE_CAP])
        self._work = np.zeros(d)  # Δ_i, or the lower bounds of the screening
        self._out = np.zeros(3 * d + 2, dtype=np.int64)  # index lists written by the kernels
        self._sign = np.zeros(d)  # the boundary each hit reaches


class ScreenedScan(_Scan):
    """Carries the dual and finds each next jump with one float32 pass over ``X``.

    ``dtype`` is the precision of the pass (float32 halves memory traffic; the
    candidates are re-checked in float64, so the answer is the same).
    """

    def __init__(self, X, norms, eligible, grad_atol, tie_tol, *, dtype=np.float32):
        super().__init__(X, norms, eligible, grad_atol, tie_tol, unit=float(np.finfo(dtype).eps))
        self.Xlow = X.astype(dtype)
        d = X.shape[1]
        self.s_err = np.zeros(d)
        self.g_err = np.zeros(d)
        self.n_exact_columns = 0
        self._kappas = np.array([self.kappa, (X.shape[0] + 4) * float(np.finfo(float).eps)])
        self._g64_err = np.zeros(d)
        self._low = np.zeros(d, dtype=dtype)
        self._r_low = np.zeros(X.shape[0], dtype=dtype)

    def _exact(self, idx, r, R):
        Xc = self.X[:, idx]
        n = self.X.shape[0]
        return (r @ Xc) / n, -(R @ Xc) / n

    def _full_exact(self, r, R):
        self.n_passes += 2
        n = self.X.shape[0]
        np.matmul(r, self.X, out=self.g)
        self.g /= n
        np.matmul(R, self.X, out=self.s)
        self.s /= -n
        self.g_err[:] = 0.0
        self.s_err[:] = 0.0

    def scan(self, r, R, sigma, in_support) -> JumpEvent:
        """Find the next jump from the current residual ``r`` and integrated residual ``R``."""
        n = self.X.shape[0]
        self.n_passes += 1
        if self._r_low.dtype == r.dtype:
            low = r
        else:
            low = self._r_low
            low[:] = r
        np.matmul(low, self.Xlow, out=self._low)
        m = k.screen(
            self._low,
            self.g,
            n,
            r,
            self._kappas,
            self.s,
            self.s_err,
            self.g_err,
            self._g64_err,
            sigma,
            self.eligible,
            in_support,
            self.grad_atol,
            self.norms,
            self._par,
            self._work,
            self._out,
        )
        if m < 0 or m > self.X.shape[1] // 4:
            self._full_exact(r, R)
            return self._decide(np.flatnonzero(self.eligible & ~in_support), sigma)
        cand = self._out[:m].copy()
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
        k.advance(self.s, self.g, delta, self.s_err, self.g_err)

    def _decide(self, idx, sigma) -> JumpEvent:
        m, out, sign = idx.size, self._out, self._sign  # 2m ≤ 2d entries of out
        code, best, n_hit, n_in = k.decide_some(
            idx, self.g, self.s, sigma, self.grad_atol, self._g64_err, self._par, self._work,
            out, sign,
        )  # fmt: skip
        return _event(code, best, out[:n_hit], sign[:n_hit], out[m : m + n_in])


RESYNC_BOUND = 1e-10


class FullScan(_Scan):
    """Float64 scan of every coordinate, carrying the dual (resynchronised when needed).

    Its state lives in the arrays of the compiled loop
    (:mod:`~saddlepath.diagonal._kernels_path_loop`), which runs the same scan:
    ``fs = [τ, L, drift bound, max g_err, condition limit, RESYNC_BOUND, κ]`` and
    ``ist = [passes, jumps, records, a bound on |E|]``.
    """

    def __init__(self, X, norms, eligible, grad_atol, tie_tol):
        self.ist = np.zeros(4, dtype=np.int64)
        super().__init__(X, norms, eligible, grad_atol, tie_tol, unit=float(np.finfo(float).eps))
        # the drift bound starts infinite: the first scan computes the dual exactly
        self.fs = np.array([0.0, 0.0, np.inf, 0.0, 0.0, RESYNC_BOUND, self.kappa])
        self.arrays = (X, self.s, self.g, eligible, grad_atol, norms, self._par, self._work,
                       self._out, self._sign)  # fmt: skip

    @property
    def n_passes(self) -> int:
        return int(self.ist[0])

    @n_passes.setter
    def n_passes(self, value: int) -> None:
        self.ist[0] = value

    def scan(self, r, R, sigma, in_support) -> JumpEvent:
        code, best, n_hit, n_in = kl.scan_full(
            self.arrays, r, R, sigma, in_support, self.fs, self.ist
        )
        out, sign, d = self._out, self._sign, self.g.size
        return _event(code, best, out[:n_hit], sign[:n_hit], out[d : d + n_in])

    def advance(self, delta: float) -> None:
        """Move the carried dual along the segment: ``s ← s − Δ·g`` (bound updated)."""
        k.advance(self.s, self.g, delta, self._work[:0], self._work[:0])
        self.fs[2] += delta * self.fs[3] + 4e-16


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
