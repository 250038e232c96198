r"""Escape speed and the low-rank bias of the optimal escape direction against depth.

For each depth :math:`L` in a consecutive range, the optimal escape direction of
:math:`L_0 = \mathrm{Tr}[G^\top Y_\theta(X)]` on :math:`\|\theta\|^2 = L` with every hidden
width ``width``, warm-started from depth :math:`L-1` with a rank-one layer inserted (as in
:func:`saddlepath.deep.escape_directions_by_depth`), and its layer spectra
(:func:`saddlepath.deep.layer_spectra`): :math:`\sigma_1/\sigma_2` of every layer against
the :math:`\ell^{1/4}` scaling of Bantzis, Simon & Jacot (2025). The speed cannot fall
with depth when the inserted layer is exact (rank-one last activations).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath._validation import check_int
from saddlepath.deep.layers import layer_spectra
from saddlepath.experiments.convergence import StudyProgress

__all__ = ["EscapeDepthStudy", "escape_depth_study"]

WHERE = "escape_depth_study"


@dataclass(frozen=True, eq=False)
class EscapeDepthStudy:
    r"""Optimal escape directions at consecutive depths, with their layer spectra.

    Rows are depths, columns layers ℓ = 1…max(depths); entries beyond a row's depth are NaN
    (``ranks``: −1).

    Attributes
    ----------
    depths : ndarray of int, shape (n_depths,)
    width : int
        Every hidden layer's width.
    speed : ndarray of shape (n_depths,)
        The best speed :math:`s = -\min L_0` at each depth (units of ``G`` times outputs).
    speeds : ndarray of shape (n_depths, n_starts)
        Every start's speed (the warm start first from the second depth on; NaN-padded).
    weight_ratio, activation_ratio : ndarray of shape (n_depths, max_depth)
        :math:`\sigma_1/\sigma_2` of :math:`W_\ell` and of the activations of layer ℓ
        (``inf`` when :math:`\sigma_2 = 0`).
    weight_energy : ndarray of shape (n_depths, max_depth)
        :math:`1 - \sigma_1^2/\sum\sigma_i^2` of :math:`W_\ell`.
    ranks : ndarray of int, shape (n_depths, max_depth)
        ``EscapeResult.ranks`` of each depth's best direction.
    bound : ndarray of shape (max_depth,)
        :math:`\ell^{1/4}`, the reference scaling of :math:`\sigma_1/\sigma_2`.
    results : tuple of EscapeResult
    spectra : tuple of LayerSpectra
    seed : int
    stats : mapping of str to float
        ``n_runs`` (starts in all) and ``wall_s``.
    """

    depths: np.ndarray
    width: int
    speed: np.ndarray
    speeds: np.ndarray
    weight_ratio: np.ndarray
    activation_ratio: np.ndarray
    weight_energy: np.ndarray
    ranks: np.ndarray
    bound: np.ndarray
    results: tuple
    spectra: tuple
    seed: int
    stats: Mapping[str, float]

    def __repr__(self) -> str:
        return summary_repr(
            self, depths=self.depths.tolist(), width=self.width,
            speed=np.round(self.speed, 6).tolist(),
        )  # fmt: skip


def _padded(rows, width, fill=np.nan, dtype=np.float64):
    out = np.full((len(rows), width), fill, dtype=dtype)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def _check(width, depths, seed):
    width = check_int(width, name="width", low=1, where=WHERE)
    depths = [check_int(d, name="depths", low=2, where=WHERE) for d in np.atleast_1d(depths)]
    if not depths or any(b != a + 1 for a, b in itertools.pairwise(depths)):
        raise ValueError(
            f"`depths` must be consecutive increasing depths ≥ 2, e.g. range(2, 6); got {depths}."
        )
    return width, np.array(depths), check_int(seed, name="seed", low=0, where=WHERE)


def escape_depth_study(
    X,
    G,
    *,
    width: int,
    depths,
    n_restarts: int = 4,
    seed: int = 0,
    activation: str = "relu",
    progress: StudyProgress | None = None,
    **options,
) -> EscapeDepthStudy:
    r"""Escape directions at ``depths`` (consecutive), each warm-started from the one before.

    Parameters
    ----------
    X : array of shape (n_samples, n_inputs)
    G : array of shape (n_samples, n_outputs)
        :math:`\nabla_Y C(0)` (e.g. :func:`saddlepath.deep.mse_gradient`).
    width : int
        Every hidden width.
    depths : sequence of int
        Consecutive increasing depths ≥ 2.
    n_restarts : int
        Random starts per depth (plus the warm start from the second depth on).
    seed : int
        Depth ``i`` uses seed ``seed + i``.
    activation : {"relu", "linear"}
    progress : StudyProgress, optional
        Told of every depth (``begin(index, "4")``, ``done(index, row)``).
    **options
        Passed to :func:`saddlepath.deep.escape_direction`.

    Returns
    -------
    EscapeDepthStudy
        Computed in float64 (a local ``jax.enable_x64`` context).
    """
    import jax

    from saddlepath.deep.escape import escape_direction

    width, depths, seed = _check(width, depths, seed)
    start, results, previous = time.perf_counter(), [], None
    if progress is not None:
        progress.start(len(depths))
    with jax.enable_x64(True):
        for i, depth in enumerate(depths):
            if progress is not None:
                progress.begin(i, str(depth))
            previous = escape_direction(
                X, G, (width,) * (int(depth) - 1), activation=activation,
                n_restarts=n_restarts, seed=seed + i, from_shallower=previous, **options,
            )  # fmt: skip
            results.append(previous)
            if progress is not None:
                row = {"depth": int(depth), "speed": previous.speed}
                progress.done(i, {**row, "status": previous.status.name})
    spectra = [layer_spectra(r.weights, X, activation=activation) for r in results]
    top = int(depths[-1])
    return EscapeDepthStudy(
        depths=depths,
        width=width,
        speed=np.array([r.speed for r in results]),
        speeds=_padded([r.speeds for r in results], max(len(r.speeds) for r in results)),
        weight_ratio=_padded([s.weight_ratio for s in spectra], top),
        activation_ratio=_padded([s.activation_ratio for s in spectra], top),
        weight_energy=_padded([s.weight_energy for s in spectra], top),
        ranks=_padded([r.ranks for r in results], top, fill=-1, dtype=np.int64),
        bound=np.arange(1, top + 1, dtype=np.float64) ** 0.25,
        results=tuple(results),
        spectra=tuple(spectra),
        seed=seed,
        stats={
            "n_runs": sum(len(r.speeds) for r in results),
            "wall_s": time.perf_counter() - start,
        },
    )
