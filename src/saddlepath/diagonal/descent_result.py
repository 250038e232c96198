r"""What gradient descent returns: a trajectory with the weights' signs and margin crossings.

Gradient descent multiplies :math:`w_\pm = (u \pm v)/\sqrt2` by :math:`1 \mp \eta g`; a
factor below zero flips the sign of the weight (the gradient flow never does). A
:class:`DescentTrajectory` is a :class:`~saddlepath.diagonal.trajectory.Trajectory` that also
holds the signs at every saved iterate, so ``u`` and ``v`` are right after a flip, and,
when asked for, the crossings of a gradient margin recorded at *every* step
(:class:`MarginCrossings`), so the thesis's plateau rule does not depend on how densely the
run was saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from saddlepath.diagonal._log_weights import LOG_W_MAX, log_abs_pair_sum
from saddlepath.diagonal.trajectory import Trajectory
from saddlepath.warnings import DivergenceWarning, RecordThinnedWarning

__all__ = ["DescentTrajectory", "DivergenceWarning", "MarginCrossings", "RecordThinnedWarning"]

_HALF_LOG2 = 0.5 * np.log(2.0)


@dataclass(frozen=True, eq=False)
class MarginCrossings:
    r"""Where :math:`G_k = \max|\nabla F(u_k, v_k)|` crosses a margin, checked at every step.

    :math:`\nabla F = (g\odot v, g\odot u)` with :math:`g = \nabla L(\beta)`, so
    :math:`G = \max_i |g_i|\,(|w_{+,i}| + |w_{-,i}|)/\sqrt2`. Iteration ``k`` is the
    iterate after ``k`` steps (the thesis numbers the same iterate ``k + 1``). Entry ``j``
    is the first iteration with :math:`G \le` ``margin`` after being above it (the run
    counts as above before iteration 0), ``leave[j]`` the first later one above it.

    Attributes
    ----------
    margin : float
        In units of :math:`\nabla F`, i.e. of ``X``·``y``/n times the weights.
    step_size : float
        The run's η (iteration ``k`` is at raw time ``k·η``).
    enter, leave : ndarray of int, shape (n_crossings,)
        Iterations; ``leave[j] = -1`` when the run ends below the margin.
    grad_max : ndarray of shape (n_crossings,)
        :math:`G` at each entry.
    beta, loss : ndarray of shape (n_crossings, n_features) and (n_crossings,)
        The state at each entry.
    log_abs_w_plus, log_abs_w_minus : ndarray of shape (n_crossings, n_features)
    sign_w_plus, sign_w_minus : ndarray of int8, shape (n_crossings, n_features)
    n_checked : int
        Iterations checked (every iterate of the run).
    """

    margin: float
    step_size: float
    enter: np.ndarray
    leave: np.ndarray
    grad_max: np.ndarray
    beta: np.ndarray = field(repr=False)
    loss: np.ndarray = field(repr=False)
    log_abs_w_plus: np.ndarray = field(repr=False)
    log_abs_w_minus: np.ndarray = field(repr=False)
    sign_w_plus: np.ndarray = field(repr=False)
    sign_w_minus: np.ndarray = field(repr=False)
    n_checked: int

    def __len__(self) -> int:
        return int(self.enter.size)


def weights_from_signed_logs(log_abs_w_plus, log_abs_w_minus, sign_w_plus, sign_w_minus):
    r"""Return ``(u, v, log|u|, log|v|)``, :math:`u, v = (w_+ \pm w_-)/\sqrt2`, from the
    magnitudes (log) and signs of :math:`w_\pm`, without forming :math:`w_\pm`."""
    log_u, sign_u = log_abs_pair_sum(log_abs_w_plus, sign_w_plus, log_abs_w_minus, sign_w_minus)
    log_v, sign_v = log_abs_pair_sum(log_abs_w_plus, sign_w_plus, log_abs_w_minus, -sign_w_minus)
    log_u, log_v = log_u - _HALF_LOG2, log_v - _HALF_LOG2
    u = sign_u * np.exp(np.minimum(log_u, LOG_W_MAX))
    v = sign_v * np.exp(np.minimum(log_v, LOG_W_MAX))
    return u, v, log_u, log_v


@dataclass(frozen=True)
class DescentTrajectory(Trajectory):
    r"""A GD/SGD :class:`~saddlepath.diagonal.trajectory.Trajectory`, exact through sign flips.

    Besides the attributes of ``Trajectory`` (whose ``u`` and ``v`` use the signs below):

    Attributes
    ----------
    sign_w_plus, sign_w_minus : ndarray of int8, shape (n_times, n_features)
        Signs of :math:`w_\pm` at the saved iterates (``log_abs_w_plus`` holds the
        magnitudes); 0 once a factor :math:`1 \mp \eta g` was exactly 0.
    margin_crossings : MarginCrossings or None
        With ``gradient_descent(..., margin=...)``: the crossings of the margin.
    save_stride : int
        1, or the factor by which the record was thinned to stay within ``max_saved``.
    """

    sign_w_plus: np.ndarray | None = field(default=None, repr=False)
    sign_w_minus: np.ndarray | None = field(default=None, repr=False)
    margin_crossings: MarginCrossings | None = field(default=None, repr=False)
    save_stride: int = 1

    @cached_property
    def _uv(self) -> tuple[np.ndarray, ...]:
        return weights_from_signed_logs(
            self.log_abs_w_plus, self.log_abs_w_minus, self.sign_w_plus, self.sign_w_minus
        )
