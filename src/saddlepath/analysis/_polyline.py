r"""Length of a curve sampled on a grid of solver steps, Richardson-corrected (private).

Shared by the arc length of a run (:mod:`~saddlepath.analysis.arclength`) and of the limit's
heteroclinic orbits (:mod:`~saddlepath.analysis.heteroclinic`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["polyline_lengths", "step_grid", "thin"]


def step_grid(tau: np.ndarray, n_sub: int) -> np.ndarray:
    """Every saved step of ``tau`` cut into ``n_sub`` equal pieces (endpoints shared)."""
    frac = np.arange(n_sub) / n_sub
    inner = (tau[:-1, None] + frac * np.diff(tau)[:, None]).ravel()
    return np.append(inner, tau[-1])


def polyline_lengths(points: np.ndarray, n_sub: int) -> np.ndarray:
    """Cumulative length along ``points`` (``n_sub`` pieces per step), Richardson-corrected.

    Per step, the polyline length :math:`L_h` over ``n_sub`` pieces and :math:`L_{2h}` over
    ``n_sub/2`` give :math:`L_h + (L_h - L_{2h})/3` (the :math:`O(h^2)` term removed);
    the correction is spread over the step's pieces in proportion to their lengths.
    """
    fine = np.linalg.norm(np.diff(points, axis=0), axis=1).reshape(-1, n_sub)
    coarse = np.linalg.norm(points[2::2] - points[:-2:2], axis=1).reshape(-1, n_sub // 2)
    f_len, c_len = fine.sum(axis=1), coarse.sum(axis=1)
    extrapolated = f_len + np.maximum(f_len - c_len, 0.0) / 3.0
    ratio = np.divide(extrapolated, f_len, out=np.ones_like(f_len), where=f_len > 0)
    return np.concatenate([[0.0], np.cumsum((fine * ratio[:, None]).ravel())])


def thin(lengths: np.ndarray, n_keep: int) -> np.ndarray:
    """Indices of about ``n_keep`` points evenly spread in length (first and last kept)."""
    targets = np.linspace(0.0, lengths[-1], n_keep)
    idx = np.searchsorted(lengths, targets).clip(0, lengths.size - 1)
    return np.unique(np.concatenate([[0], idx, [lengths.size - 1]]))
