r"""The initialisation-scale study: from the kernel regime to the rich (sparse) regime.

Runs the diagonal network from :math:`u(0) = \sqrt2\,\gamma\,\mathbf 1`,
:math:`v(0) = v_0\,\gamma\,\mathbf 1` for a range of scales γ and records the minimiser it
reaches: its ℓ1 norm and number of active coordinates, against the minimum-ℓ1 interpolator
(the α → 0 limit, the end of the exact saddle path) and the minimum-ℓ2 one (the kernel
limit of the P&F initialisation). ``v0 = 1`` is the thesis's study (non-zero
:math:`\beta(0) = \sqrt2\gamma^2`, §5.4); ``v0 = 0`` is P&F's initialisation, so the scan
over γ is the scan over α. Small γ gives sparse minimisers, large γ dense ones; gradient
descent with too large a γ or step diverges, which is detected and reported per run.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from saddlepath._summary import span, summary_repr
from saddlepath.diagonal.descent import gradient_descent
from saddlepath.diagonal.descent_result import DivergenceWarning
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.diagonal.saddle_path import saddle_path
from saddlepath.diagonal.trajectory import TrajectoryStatus
from saddlepath.experiments._init_scale_inputs import check_inputs
from saddlepath.experiments.convergence import StudyProgress
from saddlepath.loss import loss_of_residual

__all__ = ["InitScaleStudy", "init_scale_study"]


@dataclass(frozen=True, eq=False)
class InitScaleStudy:
    r"""Minimisers reached from scale γ (one row per γ, in the order given).

    Attributes
    ----------
    gammas : ndarray of shape (n_gammas,)
        The scales (0.0 where a string such as ``"1e-1000"`` underflows a float).
    log_gammas : ndarray of shape (n_gammas,)
        :math:`\ln\gamma`, exact.
    v0 : float
        :math:`v(0) = v_0\gamma\mathbf 1` (``u(0) = √2·γ·1``).
    method : str
        ``"flow"`` or ``"gd"``.
    step_size : float or None
    beta : ndarray of shape (n_gammas, n_features)
        Last β of each run (NaN for a diverged run).
    u, v : ndarray of shape (n_gammas, n_features)
        The weights at the end of each run, :math:`u\odot v = \beta` (NaN for a diverged
        run); the thesis's Table 11 lists them as ``[v_i, u_i]`` pairs.
    n_steps : int or None
        The exact number of GD steps of every run, when given (the thesis's T).
    loss, l1_norm : ndarray of shape (n_gammas,)
        Final loss and :math:`\|\beta\|_1` (NaN for a diverged run).
    n_active : ndarray of int, shape (n_gammas,)
        Coordinates with :math:`|\beta_i| > ` ``active_rtol`` :math:`\cdot\|\beta\|_\infty`
        (−1 for a diverged run).
    statuses : tuple of TrajectoryStatus
        How each run ended (the run's own status: converged, a limit reached, diverged).
    messages : tuple of str
        The runs' own status messages (the step and cause of a divergence, ...).
    min_l1_beta, min_l2_beta : ndarray of shape (n_features,)
        The minimum-ℓ1 interpolator (end of the exact path; least squares when ``y`` is not
        in the range of ``X``) and the minimum-ℓ2 least-squares solution.
    active_rtol : float
    """

    gammas: np.ndarray
    log_gammas: np.ndarray
    v0: float
    method: str
    step_size: float | None
    beta: np.ndarray = field(repr=False)
    u: np.ndarray = field(repr=False)
    v: np.ndarray = field(repr=False)
    n_steps: int | None
    loss: np.ndarray
    l1_norm: np.ndarray
    n_active: np.ndarray
    statuses: tuple[TrajectoryStatus, ...]
    messages: tuple[str, ...] = field(repr=False)
    min_l1_beta: np.ndarray = field(repr=False)
    min_l2_beta: np.ndarray = field(repr=False)
    active_rtol: float

    def __repr__(self) -> str:
        counts = {}
        for status in self.statuses:
            counts[status.name] = counts.get(status.name, 0) + 1
        return summary_repr(
            self,
            method=self.method,
            n_gammas=self.gammas.size,
            gamma=span(self.gammas),
            statuses=counts,
        )

    @property
    def min_l1_norm(self) -> float:
        """:math:`\\|\\beta\\|_1` of the minimum-ℓ1 interpolator."""
        return float(np.abs(self.min_l1_beta).sum())

    @property
    def min_l2_norm(self) -> float:
        """:math:`\\|\\beta\\|_1` of the minimum-ℓ2 solution (its ℓ1 norm, for comparison)."""
        return float(np.abs(self.min_l2_beta).sum())

    @property
    def l1_excess(self) -> np.ndarray:
        """:math:`\\|\\beta_\\gamma\\|_1/\\|\\beta_{\\ell_1}\\|_1 - 1` per γ (0 = minimum-ℓ1)."""
        return self.l1_norm / self.min_l1_norm - 1.0


def count_active(beta: np.ndarray, active_rtol: float) -> int:
    """Coordinates with ``|β_i| > active_rtol·‖β‖_∞``."""
    top = float(np.abs(beta).max(initial=0.0))
    return int(np.sum(np.abs(beta) > active_rtol * top)) if top > 0 else 0


def init_scale_study(
    X,
    y,
    gammas,
    *,
    v0: float = 1.0,
    step_size: float | None = None,
    max_steps: int = 1_000_000,
    gtol: float = 1e-8,
    active_rtol: float = 1e-3,
    n_steps: int | None = None,
    progress: StudyProgress | None = None,
) -> InitScaleStudy:
    r"""Run from :math:`u(0) = \sqrt2\gamma\mathbf 1`, :math:`v(0) = v_0\gamma\mathbf 1` for each γ.

    Each run is the exact gradient flow (:func:`~saddlepath.diagonal.flow.gradient_flow`,
    γ < 1) or, with ``step_size``, gradient descent
    (:func:`~saddlepath.diagonal.descent.gradient_descent`, any γ > 0), to convergence
    :math:`\|\nabla L\|_\infty \le` ``gtol`` :math:`\cdot\|\nabla L(0)\|_\infty`.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    gammas : sequence of float or str
        Initialisation scales γ > 0; strings such as ``"1e-1000"`` are parsed exactly.
    v0 : float, default 1.0
        :math:`v(0) = v_0\gamma`; 1 is the thesis's study, 0 P&F's initialisation (α = γ).
    step_size : float, optional
        Run gradient descent with this step instead of the flow.
    max_steps : int, default 1_000_000
        Step cap of gradient descent (``STEP_LIMIT`` when hit).
    gtol : float, default 1e-8
    active_rtol : float, default 1e-3
        A coordinate is active when :math:`|\beta_i| > ` ``active_rtol`` :math:`\|\beta\|_\infty`.
    n_steps : int, optional
        Run gradient descent exactly this many steps (no convergence test; the thesis's T),
        status ``STEP_LIMIT`` unless it diverges. Needs ``step_size``.
    progress : StudyProgress, optional
        Told about each run (``start(total)``, ``begin(index, gamma)``, ``done(index, row)``
        with ``row = {"gamma": …, "status": …}``); nothing is printed.

    Returns
    -------
    InitScaleStudy

    Examples
    --------
    >>> import warnings
    >>> from saddlepath.data import worked_example
    >>> from saddlepath.warnings import DivergenceWarning
    >>> ds = worked_example()
    >>> with warnings.catch_warnings(record=True) as caught:  # γ = 10 diverges, and says so
    ...     warnings.simplefilter("always")
    ...     study = init_scale_study(ds.X, ds.y, [1e-30, 1.0, 10.0], step_size=0.1)
    >>> [w.category is DivergenceWarning for w in caught]
    [True]
    >>> [o.name for o in study.statuses], study.n_active.tolist()
    (['CONVERGED', 'CONVERGED', 'DIVERGED'], [2, 4, -1])
    """
    X, y, values, logs, v0, step_size, active_rtol = check_inputs(
        X, y, gammas, v0, step_size, max_steps, active_rtol, n_steps
    )
    if progress is not None and not isinstance(progress, StudyProgress):
        raise TypeError(
            "The `progress` parameter of init_scale_study must have start(total), "
            f"begin(index, gamma) and done(index, row) methods. Got {type(progress).__name__}."
        )
    runs = _runs(X, y, values, v0, step_size, max_steps, gtol, n_steps, progress)
    coefs, u, v = (
        np.array([r[i] for r in runs]).reshape(len(values), X.shape[1]) for i in range(3)
    )
    diverged = np.array([r[3] is TrajectoryStatus.DIVERGED for r in runs])
    coefs[diverged], u[diverged], v[diverged] = np.nan, np.nan, np.nan
    residual = coefs @ X.T - y
    with np.errstate(under="ignore"):
        gammas = np.exp(logs)
    return InitScaleStudy(
        gammas=gammas,
        log_gammas=logs,
        v0=v0,
        method="flow" if step_size is None else "gd",
        step_size=step_size,
        beta=coefs,
        u=u,
        v=v,
        n_steps=n_steps,
        loss=loss_of_residual(residual, X.shape[0]),
        l1_norm=np.abs(coefs).sum(axis=1),
        n_active=np.array(
            [
                -1 if bad else count_active(b, active_rtol)
                for b, bad in zip(coefs, diverged, strict=True)
            ],
            dtype=int,
        ),
        statuses=tuple(r[3] for r in runs),
        messages=tuple(r[4] for r in runs),
        min_l1_beta=saddle_path(X, y).beta[-1],
        min_l2_beta=np.linalg.lstsq(X, y, rcond=None)[0],
        active_rtol=active_rtol,
    )


def _runs(X, y, values, v0, step_size, max_steps, gtol, n_steps, progress) -> list[tuple]:
    """Every run; their divergences are summed up in one warning."""
    if progress is not None:
        progress.start(len(values))
    runs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        for index, gamma in enumerate(values):
            if progress is not None:
                progress.begin(index, str(gamma))
            runs.append(_run(X, y, gamma, v0, step_size, max_steps, gtol, n_steps))
            if progress is not None:
                progress.done(index, {"gamma": str(gamma), "status": runs[-1][3].name})
    bad = [str(g) for g, r in zip(values, runs, strict=True) if r[3] is TrajectoryStatus.DIVERGED]
    if bad:
        warnings.warn(
            f"init_scale_study: gradient descent diverged for gamma = {', '.join(bad)} (the "
            "scale or the step size is too large); those rows are NaN.",
            DivergenceWarning,
            stacklevel=3,
        )
    return runs


def _run(X, y, gamma: float | str, v0, step_size, max_steps, gtol, n_steps):
    """One run: (final β, u, v, status, message)."""
    if step_size is None:
        traj = gradient_flow(X, y, alpha=gamma, v0=v0, gtol=gtol)
    else:
        exact = {} if n_steps is None else {"n_steps": n_steps, "gtol": 0.0}
        traj = gradient_descent(
            X, y, step_size=step_size, alpha=gamma, v0=v0, max_steps=max(max_steps, n_steps or 0),
            save_every=None if n_steps is None else n_steps, **({"gtol": gtol} | exact),
        )  # fmt: skip
    return traj.beta[-1], traj.u[-1], traj.v[-1], traj.status, traj.message
