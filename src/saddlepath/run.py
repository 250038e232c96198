r"""The run protocol: what analysis needs from any training run, whatever the model.

A *run* is the saved history of one training run — a gradient flow or GD/SGD of a
diagonal network today (:class:`saddlepath.diagonal.Trajectory`), a training run of a deep
network next. Analysis (:mod:`saddlepath.analysis`) accepts any object with these members
and never a concrete class of one model; the steps that only make sense for one model
(snapping a plateau to an exact saddle of a diagonal network) check :attr:`Run.model`.

Time-indexed arrays put time first: ``beta[k]`` is the state at ``tau[k]``. Raw time ``t``
and accelerated time :math:`\tau = t/\lambda` are both kept, :math:`\lambda` being
``time_scale`` (:math:`\ln(1/\alpha)` for an initialisation of scale α < 1, else 1).

This is a base-layer module: it imports nothing from the solvers or from analysis.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Run", "snapshot_log10_speed"]


@runtime_checkable
class Run(Protocol):
    r"""What analysis reads from a run (a structural type: no inheritance needed).

    Attributes
    ----------
    model : str
        The model kind: ``"diagonal"`` (:math:`\beta = u\odot v`), the only one so far.
    t, tau : ndarray of shape (n_times,)
        Raw time and accelerated time :math:`\tau = t/\lambda`, increasing.
    time_scale : float
        :math:`\lambda`, the unit of accelerated time (``t = λ τ``).
    loss : ndarray of shape (n_times,)
        The training loss at the saved times.
    beta : ndarray of shape (n_times, n_params)
        The state snapshots analysis works on: :math:`\beta = u\odot v` for a diagonal
        network (in units of ``y`` per unit of ``X``); a model whose predictor is not
        linear says in its docstring which snapshot it stores.
    status : Status
        Why the run stopped (a :class:`saddlepath._status.Status`, with ``.success``).

    Methods
    -------
    log10_speed()
        :math:`\log_{10}\|d\beta/d\tau\|_\infty` at every saved point, shape (n_times,),
        finite (exact zeros floored). The diagonal run computes it exactly in log domain
        from :math:`\log|w_\pm|` and the gradient; a model without such a formula may use
        :func:`snapshot_log10_speed`.
    """

    model: str
    t: np.ndarray
    tau: np.ndarray
    loss: np.ndarray
    beta: np.ndarray
    status: object

    @property
    def time_scale(self) -> float: ...

    def log10_speed(self) -> np.ndarray: ...


def floor_log10(speed: np.ndarray) -> np.ndarray:
    """``speed`` (log10) with non-finite entries floored 50 decades below the finite minimum."""
    finite = np.isfinite(speed)
    floor = speed[finite].min() - 50.0 if finite.any() else 0.0
    return np.where(finite, speed, floor)


def snapshot_log10_speed(tau: np.ndarray, beta: np.ndarray) -> np.ndarray:
    r"""Return :math:`\log_{10}\|d\beta/d\tau\|_\infty` from snapshots alone (a fallback).

    One-sided differences at the ends, centred (second order on a non-uniform grid,
    ``numpy.gradient``) inside. A difference quotient cannot resolve speeds below the
    rounding of the snapshots, about :math:`\varepsilon\max|\beta| / h` (:math:`h` the
    spacing in τ, ε the float64 epsilon): the speed is floored at
    :math:`4\varepsilon\max|\beta| / \min_k h_k`, one constant, so a run at rest shows
    one flat dip instead of rounding noise. Accurate only where the saved points resolve
    the motion: a model with an exact speed (the diagonal network's, from
    :math:`\log|w_\pm|` and :math:`\nabla L`) should use that instead.

    Parameters
    ----------
    tau : ndarray of shape (n_times,)
        Increasing accelerated times, at least 2.
    beta : ndarray of shape (n_times, n_params)

    Returns
    -------
    ndarray of shape (n_times,)

    Examples
    --------
    >>> import numpy as np
    >>> tau = np.linspace(0.0, 1.0, 5)
    >>> np.round(snapshot_log10_speed(tau, np.outer(tau, [3.0, -100.0])), 12).tolist()
    [2.0, 2.0, 2.0, 2.0, 2.0]
    """
    tau = np.asarray(tau, dtype=float)
    beta = np.asarray(beta, dtype=float).reshape(tau.size, -1)
    if tau.size < 2:
        raise ValueError(f"snapshot_log10_speed needs at least 2 saved points; got {tau.size}.")
    rate = np.abs(np.gradient(beta, tau, axis=0)).max(axis=1, initial=0.0)
    scale = float(np.max(np.abs(beta), initial=0.0))
    resolution = 4.0 * np.finfo(float).eps * scale / float(np.min(np.diff(tau)))
    with np.errstate(divide="ignore"):
        return floor_log10(np.log10(np.maximum(rate, resolution)))
