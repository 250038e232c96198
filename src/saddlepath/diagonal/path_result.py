r"""The result of the exact saddle-to-saddle path: :class:`SaddlePath`.

Saddle ``k`` is held from accelerated time ``tau[k]`` until ``tau[k+1]``; the limit
process is the piecewise-constant ``β°(τ) = beta[k]`` there, and the dual moves
linearly, ``s(τ) = dual[k] − (τ − tau[k])·∇L(beta[k])`` (Pesme & Flammarion 2023,
Algorithm 1 and Theorem 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from saddlepath._summary import span, summary_repr
from saddlepath.diagonal.certificate import PathCertificate, certify_path
from saddlepath.diagonal.path_status import (
    INTERPOLATION_TOL,
    PathStatus,
    fits_exactly,
    stable_norm,
)

__all__ = ["SaddlePath"]


def _as_tau(tau) -> np.ndarray:
    tau = np.asarray(tau, dtype=float)
    if not np.all(np.isfinite(tau)) or np.any(tau < 0):
        raise ValueError(
            "`tau` must hold finite accelerated times ≥ 0; got values outside that range."
        )
    return tau


@dataclass(frozen=True, eq=False, repr=False)
class SaddlePath:
    """The exact α → 0 limit of gradient flow on a diagonal linear network.

    Attributes
    ----------
    tau : ndarray of shape (n_saddles,)
        Jump times ``τ_k`` in accelerated time ``τ = t/ln(1/α)``; ``tau[0] = 0``.
    loss : ndarray of shape (n_saddles,)
        ``L(β_k) = ‖Xβ_k − y‖²/(2n)``, strictly decreasing.
    entered, left : tuple of tuple of int
        Coordinates whose ``β_i`` becomes non-zero / becomes zero at jump ``k``
        (entry 0 is empty).
    status : PathStatus
        How the path ended.
    stats : mapping of str to int
        Cost counters: ``n_passes``, the passes over ``X`` made by the solver.
    supports, values : tuple of ndarray
        Sparse storage of the saddles: ``beta[k, supports[k]] = values[k]``.
    boundaries, boundary_signs : tuple of ndarray
        The sets ``E_k = {i : |s_i| = 1}`` right after jump ``k`` and their signs.
    integrated_residuals : ndarray of shape (n_saddles, n_samples)
        ``R_k = ∫₀^{τ_k} (Xβ° − y) dτ``, so that ``dual[k] = −XᵀR_k/n``.
    durations : ndarray of shape (n_saddles − 1,), optional
        The plateau durations ``τ_k − τ_{k−1}`` as the solver computed them. ``tau`` holds
        their rounded running sums, so a short segment late in the path (``τ ~ 1e6``,
        ``Δτ ~ 1e-8``) is known far better here than as a difference of ``tau``;
        ``dual`` uses them when they agree with ``tau``.
    X, y : ndarray
        The data, held by reference (not copied: ``X`` can be large). ``dual``,
        ``gradient``, ``dual_at`` and ``check`` read them, so do not modify them in place
        while the path is in use.

    Notes
    -----
    Storage is sparse (supports, values and the ``n``-vectors ``R_k``), so a path with
    many saddles costs far less than the dense ``(n_saddles, n_features)`` arrays;
    ``beta``, ``dual`` and ``gradient`` are built on first access and cached.
    """

    tau: np.ndarray
    loss: np.ndarray
    entered: tuple[tuple[int, ...], ...]
    left: tuple[tuple[int, ...], ...]
    status: PathStatus
    stats: Mapping[str, int]
    supports: tuple[np.ndarray, ...] = field(repr=False)
    values: tuple[np.ndarray, ...] = field(repr=False)
    boundaries: tuple[np.ndarray, ...] = field(repr=False)
    boundary_signs: tuple[np.ndarray, ...] = field(repr=False)
    integrated_residuals: np.ndarray = field(repr=False)
    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    tolerances: dict = field(default_factory=dict, repr=False)
    durations: np.ndarray | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return summary_repr(
            self, status=self.status.name, n_saddles=self.n_saddles,
            n_features=self.n_features, tau=span(self.tau), loss=span(self.loss),
            stats=dict(self.stats),
        )  # fmt: skip

    @property
    def n_saddles(self) -> int:
        """Number of saddles visited, the origin included."""
        return int(self.tau.size)

    @property
    def n_jumps(self) -> int:
        """Number of jumps, ``n_saddles − 1``."""
        return self.n_saddles - 1

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @cached_property
    def beta(self) -> np.ndarray:
        """Saddles ``β_k``, shape ``(n_saddles, n_features)``; ``beta[0] = 0``."""
        out = np.zeros((self.n_saddles, self.n_features))
        for k, (idx, val) in enumerate(zip(self.supports, self.values, strict=True)):
            out[k, idx] = val
        return out

    @cached_property
    def dual(self) -> np.ndarray:
        """Duals ``s_k`` right after jump ``k`` (``−XᵀR_k/n``, exactly ±1 on ``E_k``).

        Evaluated as ``s_k = s_{k−1} − (τ_k − τ_{k−1})∇L(β_{k−1})``, restarting from
        ``s_i = ±1`` whenever ``i ∈ E_k``. This equals ``−XᵀR_k/n`` but does not form the
        product of a long column with a large ``R_k``, whose rounding error
        ``ε‖x_i‖‖R_k‖/n`` can exceed 1e-6 when column norms span many orders of
        magnitude; what remains is the rounding of the segments since coordinate ``i``
        last touched the boundary.
        """
        grads = self.gradient
        out = np.zeros((self.n_saddles, self.n_features))
        with np.errstate(all="ignore"):  # inf/NaN only under status OUT_OF_RANGE
            steps = self._segment_lengths()[:, None] * grads[:-1]
        for k, (idx, sgn) in enumerate(zip(self.boundaries, self.boundary_signs, strict=True)):
            if k:
                out[k] = out[k - 1] - steps[k - 1]
            out[k, idx] = sgn
        return out

    def _segment_lengths(self) -> np.ndarray:
        """``τ_k − τ_{k−1}``: the solver's own ``durations`` when they match ``tau``."""
        diff = np.diff(self.tau)
        steps = self.durations
        if steps is None or steps.shape != diff.shape:
            return diff
        with np.errstate(all="ignore"):
            gap = np.abs(np.cumsum(steps) - (self.tau[1:] - self.tau[0]))
        ok = gap <= 1e-12 * np.maximum(np.abs(self.tau[1:]), np.finfo(float).tiny)
        return steps if bool(np.all(ok)) else diff

    @cached_property
    def gradient(self) -> np.ndarray:
        """``∇L(β_k)`` for every saddle, shape ``(n_saddles, n_features)``."""
        with np.errstate(all="ignore"):  # inf/NaN only when truly out of float64 range
            residuals = self.beta @ self.X.T - self.y
            return residuals @ self.X / self.X.shape[0]

    @property
    def l1_norm(self) -> np.ndarray:
        """``‖β_k‖₁`` of every saddle."""
        return np.array([np.abs(v).sum() for v in self.values])

    @property
    def interpolates(self) -> bool:
        """Whether the last saddle fits the data: ``‖Xβ − y‖ ≤ INTERPOLATION_TOL·‖y‖``."""
        loss = float(self.loss[-1])
        if np.isfinite(loss) and (loss == 0 or loss >= np.finfo(float).tiny):
            return fits_exactly(loss, self.y)
        with np.errstate(all="ignore"):  # the loss is out of float64 range: use the residual
            residual = stable_norm(self.X @ self.beta[-1] - self.y)
        return bool(residual <= INTERPOLATION_TOL * stable_norm(self.y))

    def _segment(self, tau: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.tau, tau, side="right") - 1

    def at(self, tau) -> np.ndarray:
        """The limit process ``β°(τ)``: the saddle held at accelerated time ``tau``.

        Parameters
        ----------
        tau : float or array_like of shape (n_times,)
            Accelerated times ``≥ 0``. At a jump time the new saddle is returned.

        Returns
        -------
        ndarray of shape (n_features,) or (n_times, n_features)
        """
        tau = _as_tau(tau)
        return self.beta[self._segment(tau)]

    def dual_at(self, tau) -> np.ndarray:
        """The limit dual ``s(τ) = s_k − (τ − τ_k)∇L(β_k)``, piecewise linear in ``τ``."""
        tau = _as_tau(tau)
        k = self._segment(tau)
        return self.dual[k] - (tau - self.tau[k])[..., None] * self.gradient[k]

    def check(
        self, *, rtol: float = 1e-7, endpoint: bool | None = None, raise_on_failure: bool = False
    ) -> PathCertificate:
        """Certify the path independently of the solver: ``certify_path(self, ...)``.

        See :func:`saddlepath.diagonal.certificate.certify_path` for the list of checks
        (KKT of every saddle, dual integration, ``|s| ≤ 1``, monotonicity, endpoint vs an
        LP). Returns a :class:`PathCertificate`; raises ``CertificationError`` when
        ``raise_on_failure`` and a check fails.
        """
        return certify_path(self, rtol=rtol, endpoint=endpoint, raise_on_failure=raise_on_failure)

    def summary_rows(self) -> list[dict]:
        """One plain dict per saddle: k, τ_k, entering, leaving, loss, ‖β‖₁."""
        l1 = self.l1_norm
        return [
            {
                "k": k,
                "tau": float(self.tau[k]),
                "entered": list(self.entered[k]),
                "left": list(self.left[k]),
                "loss": float(self.loss[k]),
                "l1_norm": float(l1[k]),
            }
            for k in range(self.n_saddles)
        ]
