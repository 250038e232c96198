r"""A finite-α run against the α → 0 saddle-to-saddle limit, plateau by plateau.

Pesme & Flammarion (2023) prove that the run in accelerated time,
:math:`\tilde\beta_\alpha(\tau) = \beta(\lambda\tau)` with :math:`\lambda = \ln(1/\alpha)`,
converges to the piecewise-constant limit :math:`\beta^\circ` uniformly on compact sets
avoiding the jump times, and leave the rate open. :func:`compare` measures the distance of
one run; :func:`~saddlepath.experiments.convergence_study` repeats it over α.

**Compared windows (the neighbourhood of a jump, relative in τ).** Plateau ``k`` of the
limit holds :math:`\beta_k` on :math:`[\tau_k, \tau_{k+1})`, of length
:math:`\ell_k = \tau_{k+1} - \tau_k`. With ``exclude`` :math:`=\varepsilon \in [0, 1/2)`
the run is compared with :math:`\beta_k` on the window

.. math::

    W_k = [\tau_k + \varepsilon\ell_k,\; \tau_{k+1} - \varepsilon\ell_k]
    \quad (W_0 \text{ starts at } 0),

so the excluded neighbourhood of jump ``k`` is
:math:`(\tau_k - \varepsilon\ell_{k-1},\, \tau_k + \varepsilon\ell_k)`: a fraction ε of
each adjacent plateau. The last plateau is unbounded; it is compared up to a horizon
``h`` (default :math:`\tau_K + \ell_{K-1}`, one more plateau of the last length; 1 when
there is no jump) as if it had length :math:`\ell_K = h - \tau_K`, on
:math:`[\tau_K + \varepsilon\ell_K, h]`. A run that converged before ``h`` is held at its
last state.

**Errors** are sup-distances :math:`e_k = \sup_{\tau\in W_k}\|\tilde\beta_\alpha(\tau) -
\beta_k\|_\infty` (units of β), evaluated with the run's dense output on its own saved
times inside :math:`W_k` plus a uniform grid.

**Jump delays.** The progress along jump ``k`` is the projection
:math:`p_k(\tau) = \langle\tilde\beta_\alpha(\tau) - \beta_{k-1}, \Delta_k\rangle /
\|\Delta_k\|^2`, :math:`\Delta_k = \beta_k - \beta_{k-1}` (0 on the old saddle, 1 on the
new). The crossing time :math:`\tau^\times_k` is the first τ after the middle of plateau
``k−1`` at which :math:`p_k` reaches ``jump_fraction`` (bisected on the dense output), and
the delay is :math:`\tau^\times_k - \tau_k` (positive: the run jumps late).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import summary_repr
from saddlepath._validation import check_real
from saddlepath.analysis import _run_sampling as sampling
from saddlepath.analysis._checks import check_run
from saddlepath.analysis.plateaus import Plateaus, find_plateaus
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.run import Run

__all__ = ["Comparison", "ComparisonStatus", "compare", "comparison_horizon"]


class ComparisonStatus(Status):
    """How a run compares with the limit. The values are the meanings."""

    MATCHED = "every saddle of the limit is visited and no other plateau appears"
    MISSING_PLATEAUS = "some saddles of the limit are not visited (the run cuts corners)"
    EXTRA_PLATEAUS = "the run has plateaus away from every saddle of the limit"
    TRUNCATED = "the run ends before the horizon: later windows are not compared"

    @classmethod
    def failures(cls) -> frozenset:
        return frozenset({cls.MISSING_PLATEAUS, cls.EXTRA_PLATEAUS})


@dataclass(frozen=True, eq=False, repr=False)
class Comparison:
    r"""A finite-α run against the exact limit :math:`\beta^\circ` (module docstring).

    Attributes
    ----------
    error : float
        :math:`\max_k e_k`, the sup-distance over all compared windows (units of β;
        NaN when no window is covered).
    relative_error : float
        ``error / scale``.
    scale : float
        :math:`\max_k\|\beta_k\|_\infty` (1 when every saddle is 0).
    plateau_errors : ndarray of shape (n_saddles,)
        :math:`e_k` per plateau (NaN where the run does not cover :math:`W_k`).
    mid_errors : ndarray of shape (n_saddles,)
        :math:`\|\tilde\beta_\alpha - \beta_k\|_\infty` at the middle of :math:`W_k`.
    closest : ndarray of shape (n_saddles,)
        Closest approach :math:`\min_\tau\|\tilde\beta_\alpha(\tau) - \beta_k\|_\infty` over
        the whole run.
    windows : ndarray of shape (n_saddles, 2)
        The compared windows :math:`W_k` (before clipping to the run).
    jump_times, jump_crossings, jump_delays : ndarray of shape (n_jumps,)
        :math:`\tau_k`, :math:`\tau^\times_k` and their difference (NaN where the run does
        not reach ``jump_fraction`` of the jump before the middle of plateau ``k``).
    missing : tuple of int
        Saddles ``k`` whose closest approach exceeds ``match_rtol · scale``.
    extra : tuple of int
        Positions in the run's plateaus (``find_plateaus(trajectory)``, or the ``plateaus``
        given) of those farther than ``match_rtol · scale`` from every saddle.
    status : ComparisonStatus
        The first that applies of TRUNCATED, MISSING_PLATEAUS, EXTRA_PLATEAUS, MATCHED.
    exclude, jump_fraction, match_rtol, horizon : float
        The settings used.
    log_alpha : float
        The run's :math:`\ln\alpha` (``-time_scale`` for a run without ``log_alpha``).
    """

    error: float
    relative_error: float
    scale: float
    plateau_errors: np.ndarray
    mid_errors: np.ndarray
    closest: np.ndarray
    windows: np.ndarray
    jump_times: np.ndarray
    jump_crossings: np.ndarray
    jump_delays: np.ndarray
    missing: tuple[int, ...]
    extra: tuple[int, ...]
    status: ComparisonStatus
    exclude: float
    jump_fraction: float
    match_rtol: float
    horizon: float
    log_alpha: float

    def __repr__(self) -> str:
        return summary_repr(
            self, status=self.status.name, n_saddles=self.plateau_errors.size,
            error=f"{self.error:.3g}", relative_error=f"{self.relative_error:.3g}",
            n_missing=len(self.missing), n_extra=len(self.extra),
            max_delay=f"{self.max_delay:.3g}", log_alpha=f"{self.log_alpha:.6g}",
        )  # fmt: skip

    @property
    def max_delay(self) -> float:
        """:math:`\\max_k|\\tau^\\times_k - \\tau_k|` (NaN if a jump is not crossed)."""
        d = self.jump_delays
        return float(np.max(np.abs(d))) if d.size else 0.0


def comparison_horizon(path: SaddlePath) -> float:
    r"""Return the horizon :math:`h = \tau_K + (\tau_K - \tau_{K-1})` of a comparison.

    The last plateau of the limit never ends; it is compared up to one more plateau of the
    last length (``1.0`` when the path has no jump).

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> round(comparison_horizon(saddle_path(X, y)), 4)  # 11.2653 + 3.2653
    14.5306
    """
    times = path.tau
    if times.size < 2:
        return 1.0
    return float(times[-1] + (times[-1] - times[-2]))


def _extra_plateaus(plateaus: Plateaus, path: SaddlePath, tol: float) -> tuple[int, ...]:
    states = plateaus.beta
    far = [
        j
        for j, state in enumerate(states)
        if np.min(np.max(np.abs(path.beta - state), axis=1)) > tol
    ]
    return tuple(far)


def _status(covered_all: bool, missing, extra) -> ComparisonStatus:
    if not covered_all:
        return ComparisonStatus.TRUNCATED
    if missing:
        return ComparisonStatus.MISSING_PLATEAUS
    if extra:
        return ComparisonStatus.EXTRA_PLATEAUS
    return ComparisonStatus.MATCHED


def compare(
    trajectory: Run,
    path: SaddlePath,
    *,
    exclude: float = 0.1,
    jump_fraction: float = 0.5,
    match_rtol: float = 0.05,
    horizon: float | None = None,
    plateaus: Plateaus | None = None,
) -> Comparison:
    r"""Compare a finite-α run with the exact α → 0 limit, plateau by plateau.

    Computes :math:`e_k = \sup_{\tau\in W_k}\|\tilde\beta_\alpha(\tau) - \beta_k\|_\infty` on
    each plateau window :math:`W_k = [\tau_k + \varepsilon\ell_k, \tau_{k+1} -
    \varepsilon\ell_k]` (jump neighbourhoods of relative size ε excluded; see the module
    docstring), the jump delays :math:`\tau^\times_k - \tau_k` and the saddles that are
    missed or extra. τ is accelerated time :math:`t/\ln(1/\alpha)`, β is in the units of
    ``y`` per unit of ``X``.

    Parameters
    ----------
    trajectory : Run
        A run (:class:`saddlepath.run.Run`) on the data of ``path`` whose snapshots are β,
        e.g. from :func:`~saddlepath.diagonal.flow.gradient_flow` or GD. A converged run is
        held at its last state after it stops. Its dense output ``at(tau)`` is used when it
        has one, else linear interpolation between its saved points.
    path : SaddlePath
        The exact limit, ``saddle_path(X, y)``.
    exclude : float, default 0.1
        ε in ``[0, 0.5)``: the fraction of each plateau excluded next to each jump.
    jump_fraction : float, default 0.5
        Fraction in ``(0, 1)`` of a jump that defines its crossing time.
    match_rtol : float, default 0.05
        A saddle is *missing* when the run never comes within ``match_rtol · scale`` of it
        (∞-norm); a detected plateau of the run is *extra* when it is that far from all.
    horizon : float, optional
        End of the last window; default :func:`comparison_horizon` of ``path``.
    plateaus : Plateaus, optional
        The run's plateaus, tested for *extra* ones; default ``find_plateaus(trajectory)``
        (speed dips, without snapping).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> path = saddle_path(X, y)
    >>> run = gradient_flow(X, y, alpha="1e-300", tau_max=15.0)
    >>> cmp = compare(run, path)
    >>> cmp.status.name, bool(cmp.relative_error < 1e-4)
    ('MATCHED', True)
    >>> lam = -run.log_alpha  # delays are O(1/λ), of either sign
    >>> np.round(cmp.jump_delays * lam, 1).tolist()
    [0.5, 10.1, -33.0]
    """
    where = "compare"
    if not isinstance(path, SaddlePath):
        raise TypeError(
            f"The `path` parameter of {where} must be a SaddlePath (from "
            f"saddlepath.saddle_path(X, y)). Got {type(path).__name__} instead."
        )
    check_run(trajectory, where=where, n_features=path.n_features)
    exclude, jump_fraction, match_rtol, horizon = _check_options(
        path, exclude, jump_fraction, match_rtol, horizon
    )
    if plateaus is None:
        plateaus = find_plateaus(trajectory)
    elif not isinstance(plateaus, Plateaus):
        raise TypeError(
            f"The `plateaus` parameter of {where} must be Plateaus (from find_plateaus) or "
            f"None. Got {type(plateaus).__name__} instead."
        )
    run = sampling.RunSampler(trajectory)
    windows = sampling.windows(path, exclude, horizon)
    sup, mid = sampling.window_errors(run, path, windows)
    crossings = sampling.jump_crossings(run, path, horizon, jump_fraction)
    closest = sampling.closest(run, path)
    peak = float(np.max(np.abs(path.beta)))
    scale = peak if peak > 0 else 1.0
    missing = tuple(int(k) for k in np.flatnonzero(closest > match_rtol * scale))
    extra = _extra_plateaus(plateaus, path, match_rtol * scale)
    error = float(np.nanmax(sup)) if np.any(np.isfinite(sup)) else np.nan
    return Comparison(
        error=error,
        relative_error=error / scale,
        scale=scale,
        plateau_errors=sup,
        mid_errors=mid,
        closest=closest,
        windows=windows,
        jump_times=path.tau[1:].copy(),
        jump_crossings=crossings,
        jump_delays=crossings - path.tau[1:],
        missing=missing,
        extra=extra,
        status=_status(run.covers(horizon), missing, extra),
        exclude=exclude,
        jump_fraction=jump_fraction,
        match_rtol=match_rtol,
        horizon=horizon,
        log_alpha=float(getattr(trajectory, "log_alpha", -trajectory.time_scale)),
    )


def _check_options(path, exclude, jump_fraction, match_rtol, horizon):
    """Validated ``(exclude, jump_fraction, match_rtol, horizon)`` of :func:`compare`."""
    where = "compare"
    exclude = check_real(exclude, name="exclude", low=0.0, high=0.5, high_open=True, where=where)
    jump_fraction = check_real(
        jump_fraction,
        name="jump_fraction",
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
        where=where,
    )
    match_rtol = check_real(match_rtol, name="match_rtol", low=0.0, low_open=True, where=where)
    last = float(path.tau[-1])
    if horizon is None:
        horizon = comparison_horizon(path)
    horizon = check_real(horizon, name="horizon", low=last, low_open=path.n_jumps > 0, where=where)
    return exclude, jump_fraction, match_rtol, horizon
