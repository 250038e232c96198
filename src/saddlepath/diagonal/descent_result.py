r"""What gradient descent records besides the trajectory: the crossings of a gradient margin.

Gradient descent returns a :class:`~saddlepath.diagonal.trajectory.Trajectory` whose
optional GD fields hold the signs of :math:`w_\pm` at every saved iterate (a factor
:math:`1 \mp \eta g < 0` flips a weight; the flow never does) and, when asked for, the
crossings of a gradient margin recorded at *every* step (:class:`MarginCrossings`), so the
thesis's plateau rule does not depend on how densely the run was saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath.warnings import DivergenceWarning, RecordThinnedWarning

__all__ = ["DivergenceWarning", "MarginCrossings", "RecordThinnedWarning"]


@dataclass(frozen=True, eq=False)
class MarginCrossings:
    r"""Where :math:`G_k = \max|\nabla F(u_k, v_k)|` crosses a margin, checked at every step.

    :math:`\nabla F = (g\odot v, g\odot u)` with :math:`g = \nabla L(\beta)`, so
    :math:`G = \max_i |g_i|\,(|w_{+,i}| + |w_{-,i}|)/\sqrt2`. Iteration ``k`` is the
    iterate after ``k`` steps (the thesis numbers the same iterate ``k + 1``). Entry ``j``
    is the first iteration with :math:`G \le` ``margin`` after being above it (the run
    counts as above before iteration 0), ``end[j]`` the first later one above it.

    Attributes
    ----------
    margin : float
        In units of :math:`\nabla F`, i.e. of ``X``·``y``/n times the weights.
    step_size : float
        The run's η (iteration ``k`` is at raw time ``k·η``).
    start, end : ndarray of int, shape (n_crossings,)
        Iterations: the first below the margin and the first above it again (``end[j] =
        -1`` when the run ends below the margin).
    grad_max : ndarray of shape (n_crossings,)
        :math:`G` at each entry.
    beta, loss : ndarray of shape (n_crossings, n_features) and (n_crossings,)
        The state at each entry.
    log_abs_w_plus, log_abs_w_minus : ndarray of shape (n_crossings, n_features)
    sign_w_plus, sign_w_minus : ndarray of int8, shape (n_crossings, n_features)
    stats : dict of str to int
        ``n_checked``: iterations checked (every iterate of the run).
    """

    margin: float
    step_size: float
    start: np.ndarray
    end: np.ndarray
    grad_max: np.ndarray
    beta: np.ndarray = field(repr=False)
    loss: np.ndarray = field(repr=False)
    log_abs_w_plus: np.ndarray = field(repr=False)
    log_abs_w_minus: np.ndarray = field(repr=False)
    sign_w_plus: np.ndarray = field(repr=False)
    sign_w_minus: np.ndarray = field(repr=False)
    stats: dict[str, int]

    def __len__(self) -> int:
        return int(self.start.size)
