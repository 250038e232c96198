r"""The convergence study: a finite-α run against the α → 0 saddle-to-saddle limit, over α.

Pesme & Flammarion (2023) prove that the run in accelerated time,
:math:`\tilde\beta_\alpha(\tau) = \beta(\lambda\tau)` with :math:`\lambda = \ln(1/\alpha)`,
converges to the piecewise-constant limit :math:`\beta^\circ` uniformly on compact sets
avoiding the jump times, and leave the rate open. This module measures it.

:func:`convergence_study` runs the flow for a grid of α, compares each run with the limit
(:func:`~saddlepath.analysis.comparison.compare`: sup-errors on plateau windows, jump
delays) and fits the decay with λ by least squares
(:func:`~saddlepath.analysis.rates.fit_rate`), both as a power law
:math:`e \approx C\lambda^{p}` and as a power of α, :math:`e \approx C\alpha^{c}`.
It is an experiment (it loops over solver runs); the comparison and the fits it uses are
the pure post-processing of :mod:`saddlepath.analysis`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath._validation import check_real
from saddlepath.analysis._checks import check_path, check_xy
from saddlepath.analysis.comparison import (
    Comparison,
    ComparisonStatus,
    compare,
    comparison_horizon,
)
from saddlepath.analysis.rates import RateFit, fit_rate
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.diagonal.model import resolve_log_alpha
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.saddle_path import saddle_path
from saddlepath.diagonal.trajectory import Trajectory, TrajectoryStatus

__all__ = ["ConvergenceStudy", "StudyProgress", "convergence_study"]

_WHERE = "convergence_study"


@runtime_checkable
class StudyProgress(Protocol):
    """What :func:`convergence_study` reports to (a Rich progress bar, a logger, ...)."""

    def start(self, total: int) -> None:
        """Called once with the number of runs."""

    def begin(self, index: int, alpha: str) -> None:
        """Called before run ``index`` (0-based) at scale ``alpha``."""

    def done(self, index: int, row: dict) -> None:
        """Called after run ``index`` with ``{"alpha", "status", "run_status"}`` (names)."""


@dataclass(frozen=True, eq=False)
class ConvergenceStudy:
    r"""Runs at a grid of α against the exact limit, and the fitted decay rates.

    Attributes
    ----------
    alphas : tuple of str
        The scales as given (floats written with ``repr``).
    lambdas : ndarray of shape (n_alphas,)
        :math:`\lambda = \ln(1/\alpha)`.
    errors, relative_errors : ndarray of shape (n_alphas,)
        :attr:`Comparison.error` and its ratio to :math:`\max_k\|\beta_k\|_\infty`.
    plateau_errors : ndarray of shape (n_alphas, n_saddles)
    jump_delays : ndarray of shape (n_alphas, n_jumps)
        :math:`\tau^\times_k - \tau_k` (accelerated time).
    max_delays : ndarray of shape (n_alphas,)
        :math:`\max_k|\tau^\times_k - \tau_k|`.
    comparisons : tuple of Comparison
    statuses : tuple of TrajectoryStatus
    stats : dict of str to ndarray of shape (n_alphas,)
        Cost of each run: ``n_steps`` (int), its saved points (accepted steps), and
        ``seconds``, its wall-clock time (flow and comparison).
    error_rate, delay_rate : RateFit
        Power laws :math:`e \approx C\lambda^p` of ``relative_errors`` and ``max_delays``
        (the delays of P&F's limit scale like :math:`1/\lambda`, ``p ≈ −1``).
    error_alpha_rate : RateFit
        ``relative_errors`` as a power of α: :math:`e \approx C\alpha^{c}`,
        ``c = −slope`` (exponential decay in λ, seen on plateaus left by no coordinate).
    fit_floor : float
        Relative errors at or below it are at the solver's resolution and not fitted.
    path : SaddlePath
    runs : tuple of Trajectory
        The runs themselves when ``keep_runs=True`` (for figures), else empty.
    """

    alphas: tuple[str, ...]
    lambdas: np.ndarray
    errors: np.ndarray
    relative_errors: np.ndarray
    plateau_errors: np.ndarray
    jump_delays: np.ndarray
    max_delays: np.ndarray
    comparisons: tuple[Comparison, ...] = field(repr=False)
    statuses: tuple[TrajectoryStatus, ...]
    stats: dict[str, np.ndarray]
    error_rate: RateFit
    delay_rate: RateFit
    error_alpha_rate: RateFit
    fit_floor: float
    path: SaddlePath = field(repr=False)
    runs: tuple[Trajectory, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        failed = sum(not s.success for s in self.statuses)
        return summary_repr(
            self, n_alphas=len(self.alphas), alphas=f"[{self.alphas[0]}, {self.alphas[-1]}]"
            if self.alphas else "[]", failed=failed, error_rate=self.error_rate.status.name,
            delay_rate=self.delay_rate.status.name, n_saddles=self.path.n_saddles,
        )  # fmt: skip


def _progress_row(alpha: str, cmp: Comparison, run: TrajectoryStatus) -> dict:
    """What a progress display is told after a run: its α and how it ended."""
    return {"alpha": alpha, "status": cmp.status.name, "run_status": run.name}


def _alpha_labels(alphas, where: str) -> tuple[tuple[str, ...], np.ndarray]:
    if isinstance(alphas, str | bytes) or not isinstance(alphas, Sequence | np.ndarray):
        raise TypeError(
            f"The `alphas` parameter of {where} must be a sequence of floats or strings such "
            f"as ['1e-5', '1e-100']. Got {alphas!r} instead; split a comma-separated string."
        )
    if len(alphas) == 0:
        raise ValueError(f"The `alphas` parameter of {where} is empty; give at least one scale.")
    labels = tuple(a if isinstance(a, str) else repr(a) for a in alphas)
    lams = np.array([-resolve_log_alpha(a, None, where=where, require_small=True) for a in alphas])
    return labels, lams


def _fits(lams, cmps: Sequence[Comparison], floor: float):
    usable = np.array([c.status is ComparisonStatus.MATCHED for c in cmps])
    rel = np.array([c.relative_error for c in cmps])
    delays = np.array([c.max_delay for c in cmps])
    lam = np.where(usable, lams, np.nan)
    return (
        fit_rate(lam, rel, kind="power", floor=floor),
        fit_rate(lam, delays, kind="power"),
        fit_rate(lam, rel, kind="alpha", floor=floor),
    )


def convergence_study(
    X,
    y,
    alphas: Sequence[float | str],
    *,
    path: SaddlePath | None = None,
    exclude: float = 0.1,
    jump_fraction: float = 0.5,
    match_rtol: float = 0.05,
    fit_floor: float | None = None,
    progress: StudyProgress | None = None,
    keep_runs: bool = False,
    **flow_options,
) -> ConvergenceStudy:
    r"""Run the flow at every α, compare each run with the limit, fit the decay in λ.

    For each scale, :func:`~saddlepath.diagonal.flow.gradient_flow` runs up to the
    comparison horizon and :func:`compare` measures its sup-error and jump delays. The
    rates are least-squares fits over the runs whose comparison is ``MATCHED`` (every saddle
    visited; earlier ones are pre-asymptotic): :math:`\ln e` and :math:`\ln\max_k|\delta_k|`
    against :math:`\ln\lambda`, and :math:`\ln e` against λ, with
    :math:`\lambda = \ln(1/\alpha)`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alphas : sequence of float or str
        Scales in (0, 1); strings such as ``"1e-1000"`` are parsed exactly.
    path : SaddlePath, optional
        ``saddle_path(X, y)``, computed when omitted.
    exclude, jump_fraction, match_rtol : float
        Passed to :func:`compare`.
    fit_floor : float, optional
        Relative errors at or below it are not fitted; default ``100 · rtol`` of the flow
        (the solver's resolution of β on a plateau).
    progress : StudyProgress, optional
        Told about each run (:class:`StudyProgress`); nothing is printed.
    keep_runs : bool, default False
        Keep the trajectories in ``ConvergenceStudy.runs`` (memory: one run each).
    **flow_options
        Passed to ``gradient_flow`` (``rtol``, ``atol``, ``u0``, ``v0``, ``max_steps``,
        ...; ``tau_max`` defaults to the comparison horizon).

    Returns
    -------
    ConvergenceStudy

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> study = convergence_study(X, y, ["1e-100", "1e-300", "1e-1000"])
    >>> round(study.delay_rate.slope, 2)  # jump delays decay like 1/λ
    -1.0
    >>> bool(study.relative_errors[0] > study.relative_errors[-1])
    True
    """
    X, y = check_xy(X, y)
    path = saddle_path(X, y) if path is None else check_path(path, X, y, where=_WHERE)
    labels, lams = _alpha_labels(alphas, _WHERE)
    floor = _check_options(flow_options, progress, fit_floor)
    flow_options.setdefault("tau_max", comparison_horizon(path))
    cmps, statuses, steps, secs, kept = _run_all(
        X, y, path, labels, lams, progress, keep_runs, flow_options,
        {"exclude": exclude, "jump_fraction": jump_fraction, "match_rtol": match_rtol},
    )  # fmt: skip
    error_rate, delay_rate, alpha_rate = _fits(lams, cmps, floor)
    return ConvergenceStudy(
        alphas=labels,
        lambdas=lams,
        errors=np.array([c.error for c in cmps]),
        relative_errors=np.array([c.relative_error for c in cmps]),
        plateau_errors=np.array([c.plateau_errors for c in cmps]),
        jump_delays=np.array([c.jump_delays for c in cmps]).reshape(len(cmps), path.n_jumps),
        max_delays=np.array([c.max_delay for c in cmps]),
        comparisons=tuple(cmps),
        statuses=tuple(statuses),
        stats={"n_steps": np.array(steps, dtype=int), "seconds": np.array(secs)},
        error_rate=error_rate,
        delay_rate=delay_rate,
        error_alpha_rate=alpha_rate,
        fit_floor=floor,
        path=path,
        runs=tuple(kept),
    )


def _check_options(flow_options: dict, progress, fit_floor) -> float:
    """Refuse a scale among the flow options and a bad ``progress``; the fit floor."""
    clash = sorted({"alpha", "log_alpha"} & set(flow_options))
    if clash:
        raise TypeError(
            f"{_WHERE} sets the scale of each run from `alphas`; do not pass {clash[0]}= "
            "among the flow options."
        )
    if progress is not None and not isinstance(progress, StudyProgress):
        raise TypeError(
            f"The `progress` parameter of {_WHERE} must have start(total), begin(index, "
            f"alpha) and done(index, row) methods. Got {type(progress).__name__} instead."
        )
    rtol = float(flow_options.get("rtol", 1e-8))
    if fit_floor is None:
        return 100.0 * rtol
    return check_real(fit_floor, name="fit_floor", low=0.0, where=_WHERE)


def _run_all(X, y, path, labels, lams, progress, keep_runs, flow_options, compare_options):
    """One flow per α, each compared with the limit: comparisons, statuses, steps, seconds."""
    if progress is not None:
        progress.start(len(labels))
    cmps, statuses, steps, secs, kept = [], [], [], [], []
    for i in range(len(labels)):
        if progress is not None:
            progress.begin(i, labels[i])
        start = time.perf_counter()
        run = gradient_flow(X, y, log_alpha=-float(lams[i]), **flow_options)
        cmp = compare(run, path, **compare_options)
        cmps.append(cmp)
        statuses.append(run.status)
        steps.append(len(run.tau))
        secs.append(time.perf_counter() - start)
        if keep_runs:
            kept.append(run)
        if progress is not None:
            progress.done(i, _progress_row(labels[i], cmp, run.status))
    return cmps, statuses, steps, secs, kept
