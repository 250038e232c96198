r"""The result of small-initialisation training of a deep network: :class:`TrainingRun`.

NumPy only (no JAX), so that saved runs load, print and plot without JAX installed. The
run implements :class:`saddlepath.run.Run`, so :func:`saddlepath.analysis.find_plateaus`
detects its plateaus and escapes like those of a diagonal network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import span, summary_repr

__all__ = ["TrainingRun", "TrainingStatus"]


class TrainingStatus(Status):
    """How a training run of a deep network ended."""

    COMPLETED = "all n_steps steps ran"
    CONVERGED = "the loss fell below loss_tol"
    NOT_FINITE = (
        "the loss or the weights became NaN or infinite; lower the step constant c, the "
        "plateau constant or the relative step cap"
    )

    @classmethod
    def failures(cls) -> frozenset[Status]:
        return frozenset({cls.NOT_FINITE})


@dataclass(frozen=True, eq=False)
class TrainingRun:
    r"""The recorded history of GD from small initialisation on a bias-free MLP.

    Training minimises :math:`C(Y_\theta(X))` (MSE :math:`\frac{1}{2n}\|Y - T\|_F^2` or
    mean cross-entropy) by (mini-batch) GD with the norm-adaptive step
    :math:`\eta_k = c/\|\theta_k\|^{L-2}` (dimensionless step constant :math:`c`). The time
    of gradient flow is :math:`t_k = \sum_{j<k}\eta_j`; there is no separate accelerated
    time (``tau = t``, ``time_scale = 1``). Every ``record_every`` steps the jitted loop
    records the quantities below without a host round-trip per step.

    Attributes
    ----------
    step : ndarray of int, shape (n_records,)
        The GD step of each record (0 is the initialisation).
    t : ndarray of shape (n_records,)
        Gradient-flow time :math:`t = \sum \eta` at each record (units of :math:`\eta`).
    loss : ndarray of shape (n_records,)
        The training cost :math:`C` on the whole training set.
    norm : ndarray of shape (n_records,)
        :math:`\|\theta\| = (\sum_\ell \|W_\ell\|_F^2)^{1/2}`.
    gradient_norm : ndarray of shape (n_records,)
        :math:`\|\nabla C(\theta)\|` on the whole training set: the speed
        :math:`\|d\theta/dt\|` of gradient flow, whose dips are the plateaus.
    singular_values : tuple of ndarray
        Per layer :math:`\ell`, shape (n_records, k): the top :math:`k = \min(10, \text{rank
        bound})` singular values of :math:`W_\ell`, descending.
    alignment : ndarray of shape (n_records,)
        Function-space cosine :math:`\langle Y_\theta(X), Y_{\rho^*}(X)\rangle /
        (\|Y_\theta(X)\|\|Y_{\rho^*}(X)\|)` with the optimal escape direction
        :math:`\rho^*`; NaN when no escape direction was given.
    speed_ratio : ndarray of shape (n_records,)
        :math:`-L_0(\sqrt{L}\,\theta/\|\theta\|)/s^*`: the speed of the current direction
        relative to the optimal speed :math:`s^*`; NaN when no escape direction was given.
    beta : ndarray of shape (n_records, n_probe * n_outputs)
        The snapshot analysis works on: the network's outputs :math:`Y_\theta` on a fixed
        probe subset of the training samples (``probe`` below), flattened row-major.
    probe : ndarray of int, shape (n_probe,)
        Indices of the training samples whose outputs ``beta`` holds.
    weight_step : ndarray of int, shape (n_kept,)
        The GD steps at which whole weights were kept (every ``keep_weights_every`` steps,
        and the last step), for refining the saddles afterwards.
    weights : tuple of ndarray
        Per layer, shape (n_kept, fan_out, fan_in): :math:`W_\ell` at ``weight_step``.
    escape_speed : float
        :math:`s^*` of the escape direction used for ``alignment`` (NaN when none).
    settings : mapping of str to object
        Everything that defines the run (widths, activation, loss, init_scale, c,
        plateau_c, step_cap, batch_size, seed, n_steps, record_every, ...), JSON-safe.
    status : TrainingStatus
        How the run ended.
    stats : mapping of str to float
        Cost counters: ``n_steps`` run, ``n_resumes`` (restarts from a checkpoint) and
        ``wall_s``.
    """

    step: np.ndarray
    t: np.ndarray
    loss: np.ndarray
    norm: np.ndarray
    gradient_norm: np.ndarray
    singular_values: tuple
    alignment: np.ndarray
    speed_ratio: np.ndarray
    beta: np.ndarray
    probe: np.ndarray
    weight_step: np.ndarray
    weights: tuple
    escape_speed: float
    settings: Mapping[str, object]
    status: TrainingStatus
    stats: Mapping[str, float]

    model = "deep"

    def __repr__(self) -> str:
        return summary_repr(
            self, depth=self.depth, widths=self.widths, n_steps=int(self.step[-1]),
            loss=span(self.loss), status=repr(self.status),
        )  # fmt: skip

    @property
    def tau(self) -> np.ndarray:
        """Accelerated time: the same as ``t`` (``time_scale`` is 1)."""
        return self.t

    @property
    def time_scale(self) -> float:
        """1: deep runs are not rescaled in time."""
        return 1.0

    @property
    def depth(self) -> int:
        """:math:`L`, the number of weight matrices."""
        return len(self.weights)

    @property
    def widths(self) -> tuple[int, ...]:
        """The hidden widths :math:`(w_1, \\dots, w_{L-1})`."""
        return tuple(int(W.shape[1]) for W in self.weights[:-1])

    def log10_speed(self) -> np.ndarray:
        r""":math:`\log_{10}\|\nabla C\|` at every record (exact zeros floored)."""
        from saddlepath.run import floor_log10

        with np.errstate(divide="ignore"):
            return floor_log10(np.log10(self.gradient_norm))
