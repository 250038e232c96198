r"""Scale-free detection of the plateaus of a trajectory, and their exact saddles.

On a plateau of a small-α run the weights barely move; in a jump they move at a speed of
order :math:`\lambda = \ln(1/\alpha)` per unit of accelerated time. The speed

.. math::

    \Big\|\frac{d\beta}{d\tau}\Big\|_\infty
    = \lambda\,\max_i\,(w_{+,i}^2 + w_{-,i}^2)\,|\partial_i L(\beta)|

is evaluated in log-domain from the saved :math:`\log|w_\pm|` (no underflow at any α), and a
plateau is a local minimum of :math:`\log\|d\beta/d\tau\|_\infty` whose *prominence* — how
far the speed must rise on both sides before it can fall lower — is at least a factor
``min_drop``. No threshold on the loss, the gradient or β is used: a plateau on which the
loss barely drops, or one that is short, is found as long as the speed dips there; how
close a run at scale α comes to each saddle of the exact path is estimated by
:func:`~saddlepath.analysis.plateau_resolution` (plateaus with :math:`R_k \gtrsim 8` dip).
The interval of a plateau is where the log-speed stays below the half-prominence level.
With the data, each plateau is snapped to its exact saddle (:func:`refine_equilibrium`) and
neighbouring dips that snap to the same saddle are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import span, summary_repr
from saddlepath._validation import check_real
from saddlepath.analysis._checks import check_run, check_xy, require_model
from saddlepath.analysis._margin_plateaus import check_margin, margin_columns
from saddlepath.analysis._plateau_snapping import snap
from saddlepath.analysis._speed_dips import dips
from saddlepath.landscape.equilibrium import Equilibrium, refine_equilibrium

__all__ = ["PlateauStatus", "Plateaus", "find_plateaus", "log10_speed"]

_WHERE = "find_plateaus"


class PlateauStatus(Status):
    """Why a plateau was reported. The values are the meanings."""

    SPEED_DIP = "the speed dips by at least min_drop"
    PROXIMITY = (
        "the run passes within max_distance of this critical point without a speed dip of "
        "min_drop (a plateau too short to resolve at this α)"
    )
    MARGIN = "max|grad F(u, v)| fell to the margin after being above it (the thesis's rule)"


@dataclass(frozen=True, eq=False, repr=False)
class Plateaus:
    r"""Plateaus found in a run (time first: plateau ``j`` is row ``j``); the one detector's result.

    Attributes
    ----------
    tau_start, tau_end : ndarray of shape (n_plateaus,)
        Accelerated times where the log-speed crosses the half-prominence level.
    tau, t : ndarray of shape (n_plateaus,)
        Accelerated and raw time of the representative point (least speed).
    position : ndarray of int, shape (n_plateaus,)
        Position of the representative among the trajectory's saved points.
    iterations : ndarray of int or None
        GD iteration at which each plateau starts: ``round(λ·tau_start / step_size)`` when
        ``step_size`` is given; with the margin rule the exact iteration, always.
    beta : ndarray of shape (n_plateaus, n_features)
        The trajectory's β at the representative point.
    loss : ndarray of shape (n_plateaus,)
        The trajectory's loss there.
    depth : ndarray of shape (n_plateaus,)
        Prominence of the speed dip in decades (log10 of the factor); NaN for the margin rule.
    log10_speed : ndarray of shape (n_times,)
        :math:`\log_{10}\|d\beta/d\tau\|_\infty` at every saved point.
    equilibria : tuple of Equilibrium or None
        The exact saddle of each plateau, when the data were given.
    distance : ndarray of shape (n_plateaus,)
        Relative distance from the representative to its saddle (NaN without the data).
    statuses : tuple of PlateauStatus
    n_rejected : int
        Dips dropped because no critical point lies within ``max_distance`` of them.
    ends_on_plateau : bool
        Whether the run ends on the last plateau.
    """

    tau_start: np.ndarray
    tau_end: np.ndarray
    tau: np.ndarray
    t: np.ndarray
    position: np.ndarray
    iterations: np.ndarray | None
    beta: np.ndarray = field(repr=False)
    loss: np.ndarray
    depth: np.ndarray
    log10_speed: np.ndarray = field(repr=False)
    equilibria: tuple[Equilibrium, ...] | None = field(repr=False)
    distance: np.ndarray
    statuses: tuple[PlateauStatus, ...]
    n_rejected: int
    ends_on_plateau: bool

    def __len__(self) -> int:
        return int(self.tau.size)

    def __repr__(self) -> str:
        return summary_repr(
            self, n_plateaus=len(self), tau=span(self.tau), loss=span(self.loss),
            n_rejected=self.n_rejected, ends_on_plateau=self.ends_on_plateau,
            snapped=self.equilibria is not None,
        )  # fmt: skip

    @property
    def exact_beta(self) -> np.ndarray:
        """The exact saddles, shape ``(n_plateaus, n_features)`` (needs the data)."""
        if self.equilibria is None:
            raise ValueError(
                "These plateaus were not snapped to exact saddles; call "
                "find_plateaus(trajectory, X, y) with the data to get exact_beta."
            )
        return np.array([eq.beta for eq in self.equilibria]).reshape(len(self), self.beta.shape[1])


def log10_speed(trajectory) -> np.ndarray:
    r"""Return :math:`\log_{10}\|d\beta/d\tau\|_\infty` at the saved points of a run.

    The run's own speed (:meth:`saddlepath.run.Run.log10_speed`); for a diagonal network
    it is exact in log domain, :math:`\log\lambda + \max_i[\log(w_{+,i}^2 + w_{-,i}^2) +
    \log|\partial_iL|]`, with exact zeros floored 50 decades below the smallest non-zero
    speed.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> traj = gradient_flow(np.eye(2), np.array([1.0, 0.5]), alpha=1e-10, tau_max=3.0)
    >>> bool(log10_speed(traj)[0] < -15)
    True
    """
    check_run(trajectory, where="log10_speed", min_points=1)
    return np.asarray(trajectory.log10_speed(), dtype=float)


def find_plateaus(
    trajectory,
    X=None,
    y=None,
    *,
    min_drop: float | None = None,
    max_distance: float = 0.1,
    proximity: bool = False,
    step_size: float | None = None,
    margin: float | None = None,
) -> Plateaus:
    r"""Find the plateaus of a run (flow, GD or SGD; any α; any model of the run protocol).

    A plateau is a dip of the speed :math:`\|d\beta/d\tau\|_\infty` by at least a factor
    ``min_drop`` below the speed on both sides (see the module docstring). Every saved point
    is a candidate, so a plateau must hold at least one saved point: pass ``save_every`` to
    :func:`~saddlepath.diagonal.descent.gradient_descent` for short plateaus. A run with a
    single saved point (one that converged at its first iterate) has no measurable dip and
    no speed-dip plateau.

    With the data (diagonal networks only), every saved point is also compared with its
    nearest critical point (:func:`refine_equilibrium`): dips farther than ``max_distance``
    from every critical point are dropped, neighbouring dips at the same saddle are merged,
    and (``proximity``) a critical point the run passes within ``max_distance`` of without
    a dip is reported too, with status ``PROXIMITY``: at finite α a plateau of duration
    :math:`\Delta\tau` whose entering coordinate has gradient :math:`g` only dips by
    about :math:`e^{2\lambda|g|\Delta\tau}`, which can be less than any fixed factor.

    Parameters
    ----------
    trajectory : Run
        Any run of the run protocol (:class:`saddlepath.run.Run`): a Trajectory from
        :func:`~saddlepath.diagonal.flow.gradient_flow` or ``gradient_descent``, ...
    X : array_like of shape (n_samples, n_features), optional
    y : array_like of shape (n_samples,), optional
        The data of the run, to snap each plateau to its exact saddle (needs
        ``trajectory.model == "diagonal"``).
    min_drop : float, optional
        Minimal factor (> 1) by which the speed must dip. Default 2 with the data (the
        distance test rejects dips that are not plateaus), 10 without.
    max_distance : float, default 0.1
        Relative ∞-distance (see :class:`Equilibrium`) from a saved point to a critical point
        within which the run counts as being at it.
    proximity : bool, default False
        Also report critical points passed without a dip (with the data only). Off by
        default: mid-jump, a finite-α run also passes within a few per cent of critical
        points that the α → 0 path never visits.
    step_size : float, optional
        GD step η, to report the iteration at which each plateau starts.
    margin : float, optional
        Use the thesis's rule instead of speed dips: a plateau starts at the first iteration
        at which :math:`\max|\nabla F(u, v)| \le` ``margin`` after being above it (the run
        counts as above before its first iteration) and ends at the next one above it.
        Needs a run of ``gradient_descent(..., margin=margin)``, which checks every step,
        so the iterations (``iterations``, exact) do not depend on which iterates were
        saved; ``beta``, ``loss``, ``tau`` are the state at the entry and ``position`` the
        saved point nearest it. Default: the margin the run recorded, if any, else the
        speed-dip rule. With the data, entries farther than ``max_distance`` from every
        critical point are dropped (``n_rejected``); ``min_drop`` and ``proximity`` do
        not apply.

    Returns
    -------
    Plateaus
        Plateaus in time order.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> plateaus = find_plateaus(gradient_flow(X, y, alpha=1e-30), X, y)
    >>> len(plateaus), np.round(plateaus.exact_beta[2], 6).tolist()
    (4, [0.0, 0.0, 1.4, 0.0])
    """
    check_run(trajectory, where=_WHERE, min_points=1)
    with_data = X is not None or y is not None
    if with_data:
        require_model(trajectory, "diagonal", where=_WHERE, what="Snapping plateaus to saddles")
    min_drop, max_distance, step_size, margin = _check_options(
        min_drop, max_distance, step_size, margin, with_data
    )
    crossings = check_margin(trajectory, margin, _WHERE)
    speed = log10_speed(trajectory)
    data = _check_data(X, y, trajectory) if with_data else None
    if crossings is not None:
        columns = margin_columns(trajectory, crossings, data, max_distance)
        n_plateaus = columns["tau"].size
        return Plateaus(**columns, log10_speed=speed, statuses=(PlateauStatus.MARGIN,) * n_plateaus)
    rows = dips(speed, trajectory.tau, np.log10(min_drop))
    for row in rows:
        row["evidence"] = PlateauStatus.SPEED_DIP
    equilibria, n_rejected = None, 0
    if data is not None:
        rows, n_rejected = snap(
            rows, trajectory, *data, speed, max_distance, proximity, PlateauStatus.PROXIMITY
        )
        u, v = trajectory.u, trajectory.v
        equilibria = tuple(
            refine_equilibrium(*data, u=u[r["index"]], v=v[r["index"]], max_distance=max_distance)
            for r in rows
        )
    return _assemble(trajectory, rows, speed, equilibria, n_rejected, step_size)


def _check_options(min_drop, max_distance, step_size, margin, with_data):
    """Validated ``(min_drop, max_distance, step_size, margin)``, with min_drop's default."""
    if min_drop is None:
        min_drop = 2.0 if with_data else 10.0
    min_drop = check_real(min_drop, name="min_drop", low=1.0, low_open=True, where=_WHERE)
    max_distance = check_real(
        max_distance, name="max_distance", low=0.0, low_open=True, where=_WHERE
    )
    if step_size is not None:
        step_size = check_real(step_size, name="step_size", low=0.0, low_open=True, where=_WHERE)
    if margin is not None:
        margin = check_real(margin, name="margin", low=0.0, low_open=True, where=_WHERE)
    return min_drop, max_distance, step_size, margin


def _assemble(trajectory, rows, speed, equilibria, n_rejected, step_size) -> Plateaus:
    index = np.array([r["index"] for r in rows], dtype=int)
    column = lambda key: np.array([r[key] for r in rows], dtype=float)  # noqa: E731
    end = column("end")
    return Plateaus(
        tau_start=column("start"),
        tau_end=end,
        tau=trajectory.tau[index],
        t=trajectory.t[index],
        position=index,
        iterations=None
        if step_size is None
        else np.rint(trajectory.time_scale * column("start") / step_size).astype(int),
        beta=trajectory.beta[index].reshape(index.size, trajectory.beta.shape[1]),
        loss=trajectory.loss[index],
        depth=column("depth"),
        log10_speed=speed,
        equilibria=equilibria,
        distance=column("distance"),
        statuses=tuple(r["evidence"] for r in rows),
        n_rejected=n_rejected,
        ends_on_plateau=bool(index.size and end[-1] >= trajectory.tau[-1]),
    )


def _check_data(X, y, trajectory):
    if X is None or y is None:
        raise ValueError(
            "find_plateaus needs both `X` and `y` to snap plateaus to exact saddles (or "
            "neither); got only one."
        )
    X, y = check_xy(X, y)
    check_run(trajectory, where=_WHERE, n_features=X.shape[1], min_points=1)
    return X, y
