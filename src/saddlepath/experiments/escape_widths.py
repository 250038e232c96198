r"""The toy of Bantzis, Simon & Jacot (2025, Fig. 2): rank-two escapes need width.

Eight unit vectors :math:`x_k = (\cos k\pi/4, \sin k\pi/4)` with loss gradients
:math:`G_k = (-1)^k` (:func:`toy_escape_problem`), a depth-3 bias-free ReLU MLP, and
:math:`L_0 = \sum_k G_k Y_\theta(x_k)` on :math:`\|\theta\|^2 = 3`. Weights whose first
layer is rank one reach at most :math:`\sqrt2 - 1` (derived in ``tests/test_deep_toy.py``),
so a direction faster than that has :math:`\mathrm{rank}\,W_1 \ge 2`; wider networks find
such directions from more random starts. :func:`escape_width_study` solves the problem at
every width from ``n_restarts`` random starts and reports the fraction that beat
:math:`\sqrt2 - 1` (by more than ``margin``), the best speed and the ranks of its layers.
JAX is imported by the study only; the result is NumPy.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath._validation import check_int, check_real
from saddlepath.experiments.convergence import StudyProgress

__all__ = ["TOY_SPEED", "EscapeWidthStudy", "escape_width_study", "toy_escape_problem"]

TOY_SPEED = float(np.sqrt(2.0) - 1.0)  # the best speed of rank-one weights on the toy
WIDTHS = (1, 2, 4, 8, 16, 32, 64)  # the widths of the paper's figure
WHERE = "escape_width_study"


def toy_escape_problem() -> tuple[np.ndarray, np.ndarray]:
    r"""The toy's data: ``X`` (8 × 2, :math:`x_k` at angle :math:`k\pi/4`), ``G`` (8 × 1, ±1).

    Examples
    --------
    >>> X, G = toy_escape_problem()
    >>> X.shape, G[:3, 0].tolist()
    ((8, 2), [1.0, -1.0, 1.0])
    """
    angles = np.arange(8) * np.pi / 4
    return np.c_[np.cos(angles), np.sin(angles)], ((-1.0) ** np.arange(8))[:, None]


@dataclass(frozen=True, eq=False)
class EscapeWidthStudy:
    r"""Escape directions of the toy (or any data) at several hidden widths.

    Attributes
    ----------
    widths : ndarray of int, shape (n_widths,)
        Every hidden layer has this width; the depth is ``depth``.
    depth : int
    speeds : ndarray of shape (n_widths, n_restarts)
        :math:`-L_0` at the end of every restart (same units as ``G`` times the output).
    threshold : float
        A restart succeeds when its speed exceeds ``threshold`` (:math:`\sqrt2 - 1` plus
        the margin, on the toy).
    success : ndarray of shape (n_widths,)
        Fraction of the restarts that succeed.
    best_speed : ndarray of shape (n_widths,)
    ranks : ndarray of int, shape (n_widths, depth)
        Numerical rank of every layer of the best direction (``EscapeResult.ranks``).
    results : tuple of EscapeResult
        The search at each width (best weights, statuses, residuals).
    X, G : ndarray
        The data (``(n_samples, n_inputs)``, ``(n_samples, n_outputs)``).
    seed : int
    stats : mapping of str to float
        ``n_runs`` (restarts in all) and ``wall_s``.
    """

    widths: np.ndarray
    depth: int
    speeds: np.ndarray
    threshold: float
    success: np.ndarray
    best_speed: np.ndarray
    ranks: np.ndarray
    results: tuple
    X: np.ndarray
    G: np.ndarray
    seed: int
    stats: Mapping[str, float]

    def __repr__(self) -> str:
        return summary_repr(
            self, widths=self.widths.tolist(), depth=self.depth,
            n_restarts=self.speeds.shape[1], success=np.round(self.success, 3).tolist(),
            best_speed=f"{np.max(self.best_speed):.6g}",
        )  # fmt: skip

    @property
    def winner(self):
        """The :class:`~saddlepath.deep.EscapeResult` of the fastest direction found."""
        return self.results[int(np.argmax(self.best_speed))]


def _check(widths, depth, n_restarts, margin, seed):
    widths = [check_int(w, name="widths", low=1, where=WHERE) for w in np.atleast_1d(widths)]
    if not widths:
        raise ValueError(f"`widths` must list at least one width, e.g. {WIDTHS}; got none.")
    depth = check_int(depth, name="depth", low=2, where=WHERE)
    n_restarts = check_int(n_restarts, name="n_restarts", low=1, where=WHERE)
    check_real(margin, name="margin", low=0, where=WHERE)
    seed = check_int(seed, name="seed", low=0, where=WHERE)
    return np.array(widths), depth, n_restarts, seed


def escape_width_study(
    widths=WIDTHS,
    *,
    X=None,
    G=None,
    depth: int = 3,
    n_restarts: int = 20,
    seed: int = 0,
    margin: float = 1e-4,
    threshold: float = TOY_SPEED,
    progress: StudyProgress | None = None,
    **options,
) -> EscapeWidthStudy:
    r"""Optimal escape directions at every width; the fraction that beat ``threshold``.

    Parameters
    ----------
    widths : sequence of int
        Hidden widths (every hidden layer of one network has the same width).
    X, G : array, optional
        The data and :math:`\nabla_Y C(0)`; the toy (:func:`toy_escape_problem`) by default.
    depth : int
        :math:`L \ge 2`; 3 in the paper.
    n_restarts : int
        Random starts per width.
    seed : int
        Width ``i`` uses seed ``seed + i``: the study is reproducible.
    margin, threshold : float
        A restart succeeds when its speed exceeds ``threshold + margin``; ``threshold`` is
        the rank-one bound :math:`\sqrt2 - 1` of the toy.
    progress : StudyProgress, optional
        Told of every width (``begin(index, "8")``, ``done(index, row)``).
    **options
        Passed to :func:`saddlepath.deep.escape_direction` (``n_warmup_steps``,
        ``n_steps``, ...).

    Returns
    -------
    EscapeWidthStudy
        Computed in float64 (a local ``jax.enable_x64`` context).
    """
    import jax

    from saddlepath.deep.escape import escape_direction

    widths, depth, n_restarts, seed = _check(widths, depth, n_restarts, margin, seed)
    if X is None and G is None:
        X, G = toy_escape_problem()
    elif X is None or G is None:
        raise ValueError("Pass both `X` and `G`, or neither (the toy problem).")
    start, results = time.perf_counter(), []
    if progress is not None:
        progress.start(len(widths))
    with jax.enable_x64(True):
        for i, w in enumerate(widths):
            if progress is not None:
                progress.begin(i, str(w))
            res = escape_direction(
                X, G, (int(w),) * (depth - 1), n_restarts=n_restarts, seed=seed + i, **options
            )
            results.append(res)
            if progress is not None:
                progress.done(i, {"width": int(w), "speed": res.speed, "status": res.status.name})
    speeds = np.stack([r.speeds for r in results])
    cut = float(threshold) + float(margin)
    return EscapeWidthStudy(
        widths=widths,
        depth=depth,
        speeds=speeds,
        threshold=cut,
        success=np.mean(speeds > cut, axis=1),
        best_speed=np.array([r.speed for r in results]),
        ranks=np.array([r.ranks for r in results], dtype=np.int64),
        results=tuple(results),
        X=np.asarray(X, dtype=np.float64),
        G=np.asarray(G, dtype=np.float64),
        seed=seed,
        stats={"n_runs": int(speeds.size), "wall_s": time.perf_counter() - start},
    )
