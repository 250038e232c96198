"""Sampling a finite-α run against the exact limit, for :mod:`.comparison`.

The compared windows, the sup- and mid-window errors, the closest approach to each saddle
and the jump crossing times; the definitions are in the docstring of :mod:`.comparison`.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.run import Run

__all__ = ["RunSampler", "closest", "jump_crossings", "window_errors", "windows"]

_N_GRID = 64  # uniform points per window / search range, on top of the run's saved times
_BISECTIONS = 60


def windows(path: SaddlePath, exclude: float, horizon: float) -> np.ndarray:
    ends = np.append(path.tau[1:], horizon)
    lengths = ends - path.tau
    lo = path.tau + exclude * lengths
    lo[0] = path.tau[0]
    hi = ends - exclude * lengths
    hi[-1] = max(horizon, lo[-1])
    return np.column_stack([lo, hi])


class RunSampler:
    """The run's β at any τ: dense output inside its range, its last state after a
    converged end (the flow has stopped), nothing after an unfinished end.

    Dense output is the run's own ``at(tau)`` when it has one (a diagonal Trajectory:
    Hermite in the dual or in log|w±|); otherwise β is interpolated linearly between the
    saved snapshots, per coordinate."""

    def __init__(self, trajectory: Run):
        self.traj = trajectory
        self.end = float(trajectory.tau[-1])
        self.frozen = trajectory.status.name == "CONVERGED"
        self._at = getattr(trajectory, "at", None) or self._linear

    def covers(self, tau: float) -> bool:
        return self.frozen or tau <= self.end

    def grid(self, lo: float, hi: float) -> np.ndarray:
        """Saved times in ``[lo, hi]``, a uniform grid and both ends (clipped to coverage)."""
        hi = hi if self.frozen else min(hi, self.end)
        saved = self.traj.tau[(self.traj.tau > lo) & (self.traj.tau < hi)]
        return np.unique(np.concatenate([np.linspace(lo, hi, _N_GRID), saved]))

    def beta(self, tau) -> np.ndarray:
        tau = np.asarray(tau, dtype=float)
        inside = np.clip(tau, self.traj.tau[0], self.end)
        return self._at(inside)

    def _linear(self, tau: np.ndarray) -> np.ndarray:
        t, beta = self.traj.tau, self.traj.beta
        columns = [np.interp(tau, t, beta[:, i]) for i in range(beta.shape[1])]
        return np.stack(columns, axis=-1)


def window_errors(run: RunSampler, path: SaddlePath, windows: np.ndarray):
    """Sup and mid-window errors of every plateau (NaN where the run does not cover)."""
    n = path.n_saddles
    sup, mid = np.full(n, np.nan), np.full(n, np.nan)
    for k, (lo, hi) in enumerate(windows):
        if not run.covers(lo):
            continue
        grid = run.grid(lo, hi)
        dist = np.max(np.abs(run.beta(grid) - path.beta[k]), axis=1)
        sup[k] = float(dist.max())
        centre = 0.5 * (lo + hi)
        if run.covers(centre):
            mid[k] = float(np.max(np.abs(run.beta(centre) - path.beta[k])))
    return sup, mid


def closest(run: RunSampler, path: SaddlePath) -> np.ndarray:
    traj = run.traj
    taus = np.unique(np.concatenate([traj.tau, 0.5 * (traj.tau[1:] + traj.tau[:-1])]))
    betas = run.beta(taus)
    return np.array([np.max(np.abs(betas - c), axis=1).min() for c in path.beta])


def _progress(run: RunSampler, tau, start: np.ndarray, delta: np.ndarray) -> np.ndarray:
    return (run.beta(tau) - start) @ delta / (delta @ delta)


def _crossing(run: RunSampler, lo: float, hi: float, start, delta, fraction: float) -> float:
    """First τ in ``[lo, hi]`` where the progress along ``delta`` reaches ``fraction``."""
    if not run.covers(lo):
        return np.nan
    grid = run.grid(lo, hi)
    above = np.flatnonzero(_progress(run, grid, start, delta) >= fraction)
    if above.size == 0:
        return np.nan
    j = int(above[0])
    if j == 0:
        return float(grid[0])
    a, b = float(grid[j - 1]), float(grid[j])
    for _ in range(_BISECTIONS):
        m = 0.5 * (a + b)
        if m in (a, b):
            break
        if _progress(run, m, start, delta) >= fraction:
            b = m
        else:
            a = m
    return b


def jump_crossings(run: RunSampler, path: SaddlePath, horizon: float, fraction: float):
    times, coefs = path.tau, path.beta
    mids = 0.5 * (times + np.append(times[1:], horizon))
    out = np.full(path.n_jumps, np.nan)
    for k in range(1, path.n_saddles):
        delta = coefs[k] - coefs[k - 1]
        out[k - 1] = _crossing(run, mids[k - 1], mids[k], coefs[k - 1], delta, fraction)
    return out
