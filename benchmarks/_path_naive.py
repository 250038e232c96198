"""The naive baseline of :mod:`path`: Algorithm 1 with every saddle solved from scratch.

Written here, independently of saddlepath (its own loop, ``scipy.optimize.nnls`` for each
saddle, its own loss ``‖r‖²/(2n)``), so that agreement with ``saddle_path`` is evidence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls


@dataclass
class NaiveResult:
    tau: list[float]
    coef: np.ndarray
    n_passes: int
    status: str  # "converged", "budget", "stagnated" or "jump_limit"


def naive_path(X, y, *, budget: float, grad_tol: float = 1e-9, tie_tol: float = 1e-9):
    """Algorithm 1 with every saddle solved from scratch by ``scipy.optimize.nnls``.

    The dual is accumulated, ``s ← s − Δ·g``, with one full pass ``g = Xᵀr/n`` per jump.
    A gradient entry counts as zero when ``|g_i| ≤ grad_tol·‖x_i‖·‖y‖/n`` (saddlepath's
    rule). Stops with status ``"budget"`` once ``budget`` seconds have passed.
    """
    start = time.perf_counter()
    n, d = X.shape
    norms = np.sqrt(np.einsum("ij,ij->j", X, X))  # no n×d temporary, unlike linalg.norm
    tol = grad_tol * norms * np.linalg.norm(y) / n
    s, sigma, coef = np.zeros(d), np.zeros(d), np.zeros(d)
    r, loss, t, tau, passes = -y, float(y @ y) / (2 * n), 0.0, [0.0], 1
    for _ in range(20 * min(n, d) + 100):
        g = X.T @ r / n
        passes += 1
        moving = np.abs(g) > tol
        if not moving.any():
            return NaiveResult(tau, coef, passes, "converged")
        if time.perf_counter() - start > budget:
            return NaiveResult(tau, coef, passes, "budget")
        sigma[moving & (sigma * g > 0)] = 0.0  # pushed inward: leaves the boundary
        free = np.flatnonzero(moving & (sigma == 0))
        hit = (1.0 + np.sign(g[free]) * s[free]) / np.abs(g[free])
        step = hit.min()
        entering = free[hit <= step * (1.0 + tie_tol)]
        t += step
        s -= step * g
        sigma[entering] = -np.sign(g[entering])
        boundary = np.flatnonzero(sigma)
        s[boundary] = sigma[boundary]
        w, _ = nnls(X[:, boundary] * sigma[boundary], y)
        coef = np.zeros(d)
        coef[boundary] = sigma[boundary] * w
        r = X[:, boundary] @ coef[boundary] - y
        new_loss = float(r @ r) / (2 * n)
        if not new_loss < loss:
            return NaiveResult(tau, coef, passes, "stagnated")
        loss = new_loss
        tau.append(t)
    return NaiveResult(tau, coef, passes, "jump_limit")
