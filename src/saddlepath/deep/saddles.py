r"""A critical point of a deep network's cost: :class:`DeepSaddle` (NumPy only).

Computed by :func:`saddlepath.landscape.refine_saddle` from a point of a training run (a
plateau): the refined weights, their cost and gradient, the bottleneck rank, and the most
negative Hessian eigenpairs (Lanczos on Hessian-vector products). NumPy only, so that saved
saddles load and print without JAX.

The *bottleneck rank* is the number of significant singular values of the deep layers
:math:`W_2, \dots, W_{L-1}` (the narrowest of them, since the function passes through each):
:math:`\#\{i : \sigma_i(W_\ell) > r\,\sigma_1(W_\ell)\}` minimised over those layers, with
the relative threshold :math:`r` = ``rank_rtol``. A depth-2 network has no deep layer; there
the minimum is over :math:`W_1, W_2`. Small-init training leaves the initialisation behind
in every layer at about (init scale)/(learned scale) of :math:`\sigma_1` (σ₁/σ₂ ≈ 25–47 after
the first escape on digits and MNIST), so the default threshold, 0.1, sits above the
leftovers and below the singular values a saddle has learned; every singular value is kept
in :attr:`DeepSaddle.singular_values` to count with another threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import summary_repr
from saddlepath.deep.result import LayeredWeights

__all__ = ["RANK_RTOL", "DeepSaddle", "SaddleStatus", "bottleneck_rank"]

# Singular values above this fraction of the largest one, per layer, count towards the rank.
RANK_RTOL = 0.1


class SaddleStatus(Status):
    """How the refinement of a critical point of a deep network ended."""

    CONVERGED = "converged: ‖∇C‖ fell below tol times the gradient scale"
    STEP_LIMIT = (
        "max_iter Levenberg–Marquardt steps ended with ‖∇C‖ above tol times the "
        "gradient scale; the weights returned are the best found: raise max_iter or tol"
    )
    NOT_CRITICAL = (
        "not a critical point: ½‖∇C‖² is stationary (∇C lies in the Hessian's null space) but "
        "∇C is not small; start from a point nearer the plateau"
    )
    NOT_FINITE = "the cost or its gradient became NaN or infinite"

    @classmethod
    def failures(cls) -> frozenset[Status]:
        return frozenset({cls.NOT_CRITICAL, cls.NOT_FINITE})


def bottleneck_rank(singular_values, rank_rtol: float = RANK_RTOL) -> int:
    r"""The bottleneck rank from every layer's singular values (descending, one array each).

    :math:`\min_\ell \#\{i : \sigma_i(W_\ell) > r\,\sigma_1(W_\ell)\}` over the deep layers
    :math:`\ell = 2, \dots, L-1` (over both layers when :math:`L = 2`); a zero layer has rank 0.

    Examples
    --------
    >>> bottleneck_rank([np.array([3.0, 2.0]), np.array([1.0, 0.5, 0.01]), np.array([2.0])])
    2
    """
    layers = list(singular_values)
    deep = layers[1:-1] if len(layers) > 2 else layers
    ranks = [
        int(np.count_nonzero(s > rank_rtol * s[0])) if s.size and s[0] > 0 else 0
        for s in (np.asarray(v, dtype=np.float64) for v in deep)
    ]
    return min(ranks)


@dataclass(frozen=True, eq=False)
class DeepSaddle(LayeredWeights):
    r"""A refined critical point :math:`\theta^*` of :math:`C(\theta)`, with its curvature.

    Attributes
    ----------
    weights : tuple of ndarray
        :math:`W_1, \dots, W_L` at the refined point, float64.
    loss : float
        :math:`C(\theta^*)` (MSE :math:`\|Y - T\|_F^2/(2n)` or mean cross-entropy).
    initial_loss : float
        :math:`C` at the starting point.
    gradient_norm, initial_gradient_norm : float
        :math:`\|\nabla C\|` after and before the refinement (cost per parameter unit).
    gradient_scale : float
        :math:`\|\nabla_Y C\|_F\,\|X\|_2\max_\ell\prod_{m\ne\ell}\|W_m\|_2` at the refined
        point, which bounds :math:`\|\nabla_{W_\ell}C\|`; ``tol`` is relative to it.
    singular_values : tuple of ndarray
        Every singular value of every :math:`W_\ell`, descending.
    bottleneck_rank : int
        See the module docstring (threshold ``rank_rtol``).
    rank_rtol : float
        The relative threshold of :attr:`bottleneck_rank`.
    eigenvalues : ndarray of shape (k,)
        The ``k`` smallest Hessian eigenvalues, ascending (cost per squared parameter unit).
    eigenvectors : ndarray of shape (k, n_params)
        Unit eigenvectors, flat: the layers' entries in order, each row-major.
    eigen_residuals : ndarray of shape (k,)
        :math:`\|Hv - \lambda v\|` of each pair.
    morse_index_estimate : int
        Eigenvalues below ``-eigen_tolerance`` among the ``k`` computed: a lower bound of
        the Morse index when all ``k`` are negative (:attr:`index_is_lower_bound`).
    eigen_tolerance : float
        ``rtol`` × :math:`\|H\|_2`: eigenvalues within it count as zero.
    lanczos_status : LanczosStatus
        How the Lanczos search ended.
    loss_name, activation : str
        ``"mse"`` or ``"cross_entropy"``; ``"relu"`` or ``"linear"``.
    status : SaddleStatus
        How the refinement ended.
    stats : mapping of str to number
        ``n_iter`` (Levenberg–Marquardt steps), ``n_grad`` (gradients), ``n_hvp`` (Hessian-vector
        products of the refinement), ``n_hvp_lanczos`` and ``wall_s`` (seconds).
    """

    weights: tuple
    loss: float
    initial_loss: float
    gradient_norm: float
    initial_gradient_norm: float
    gradient_scale: float
    singular_values: tuple = field(repr=False)
    bottleneck_rank: int
    rank_rtol: float
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray = field(repr=False)
    eigen_residuals: np.ndarray = field(repr=False)
    morse_index_estimate: int
    eigen_tolerance: float
    lanczos_status: object
    loss_name: str
    activation: str
    status: SaddleStatus
    stats: Mapping[str, int]

    def __repr__(self) -> str:
        return summary_repr(
            self, depth=self.depth, widths=self.widths, loss=f"{self.loss:.6g}",
            relative_gradient=f"{self.relative_gradient:.3g}",
            bottleneck_rank=self.bottleneck_rank,
            morse_index_estimate=self.morse_index_estimate,
            lowest=f"{self.eigenvalues[0]:.6g}" if self.eigenvalues.size else "none",
            status=repr(self.status),
        )  # fmt: skip

    @property
    def relative_gradient(self) -> float:
        """``gradient_norm / gradient_scale`` (dimensionless, at most √L)."""
        return self.gradient_norm / self.gradient_scale if self.gradient_scale > 0 else 0.0

    @property
    def index_is_lower_bound(self) -> bool:
        """Whether every computed eigenvalue is negative (the Morse index may be larger)."""
        return self.morse_index_estimate >= self.eigenvalues.size

    def eigenvector_weights(self, j: int) -> tuple[np.ndarray, ...]:
        """Eigenvector ``j`` split into arrays of the weights' shapes."""
        sizes = [W.size for W in self.weights]
        parts = np.split(self.eigenvectors[j], np.cumsum(sizes)[:-1])
        return tuple(p.reshape(W.shape) for p, W in zip(parts, self.weights, strict=True))
