r"""The result of :func:`~saddlepath.deep.escape_direction`: :class:`EscapeResult` (NumPy only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import summary_repr

__all__ = ["EscapeResult", "EscapeStatus", "LayeredWeights"]


class LayeredWeights:
    """``depth`` and ``widths`` of a result that holds one set of weights
    :math:`W_1, \\dots, W_L` (``self.weights``, each of shape (fan_out, fan_in))."""

    @property
    def depth(self) -> int:
        """:math:`L`, the number of weight matrices."""
        return len(self.weights)

    @property
    def widths(self) -> tuple[int, ...]:
        """The hidden widths :math:`(w_1, \\dots, w_{L-1})`."""
        return tuple(int(W.shape[0]) for W in self.weights[:-1])


class EscapeStatus(Status):
    """How the search for the optimal escape direction ended."""

    CONVERGED = "the best speed changed by less than rtol over the last tenth of the steps"
    STEP_LIMIT = (
        "the steps ran out with the best speed still changing by more than rtol over the last "
        "tenth of the steps; increase n_steps"
    )
    NOT_FINITE = "the objective or the weights became NaN or infinite"

    @classmethod
    def failures(cls) -> frozenset[Status]:
        return frozenset({cls.NOT_FINITE})


@dataclass(frozen=True, eq=False)
class EscapeResult(LayeredWeights):
    r"""The best escape direction from the origin found on the sphere :math:`\|\theta\|^2 = L`.

    The direction minimises :math:`L_0(\theta) = \mathrm{Tr}[G^\top Y_\theta(X)]` (a sum over
    samples) over :math:`\|\theta\|^2 = \sum_\ell \|W_\ell\|_F^2 = L`, the depth; near the
    origin gradient flow on :math:`C` escapes along it with speed :math:`s = -\min L_0`.

    Attributes
    ----------
    speed : float
        :math:`s = -L_0(\theta^*)` of the best restart (units of :math:`G` times the output).
    speeds : ndarray of shape (n_restarts,)
        :math:`-L_0` at the end of every restart (a continuation warm start first), so the
        spread between competing optima is visible.
    weights : tuple of ndarray
        :math:`W_1, \dots, W_L` of the best restart, float64, with :math:`\|\theta\|^2 = L`.
    residual : float
        Stationarity on the live units, dimensionless in [0, 1]: the sine of the angle
        between :math:`\nabla L_0` and :math:`\theta`, both restricted to the weights into
        and out of hidden units active on at least one sample (and all input/output
        weights of live units). Dead units (zero gradient, non-zero weights) are left out;
        data points sitting on a ReLU kink still count with the side the code's
        :math:`\mathrm{relu}'(0) = 0` picks, so a residual of 1e-3 at a kink-pinned optimum
        does not mean the speed is 1e-3 off — ``status`` judges convergence.
    singular_values : tuple of ndarray
        The singular values of every :math:`W_\ell`, descending.
    status : EscapeStatus
        How the search ended.
    stats : mapping of str to int
        ``n_restarts`` (random starts plus the warm start, if any), ``n_warmup_steps``
        (projected Adam per random start) and ``n_descent_steps`` (projected GD per start).
    activation : str
        ``"relu"`` or ``"linear"``.
    """

    speed: float
    speeds: np.ndarray
    weights: tuple
    residual: float
    singular_values: tuple
    status: EscapeStatus
    stats: Mapping[str, int]
    activation: str

    def __repr__(self) -> str:
        return summary_repr(
            self, speed=f"{self.speed:.6g}", depth=self.depth, widths=self.widths,
            n_restarts=len(self.speeds), status=repr(self.status),
        )  # fmt: skip

    @property
    def ranks(self) -> tuple[int, ...]:
        """Numerical rank of every layer: singular values above 1e-3 of the largest.

        The speed is quadratic in a layer's small singular values near an optimum, so a
        speed found to ~1e-10 leaves them at ~1e-5: a tighter cut would count leftovers.
        """
        return tuple(int(np.count_nonzero(s > 1e-3 * s[0])) for s in self.singular_values)
