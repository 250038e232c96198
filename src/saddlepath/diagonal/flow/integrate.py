r"""Gradient flow of a diagonal network, exact at any initialisation scale.

The flow :math:`\dot u = -\nabla L(\beta)\odot v`, :math:`\dot v = -\nabla L(\beta)\odot u`
is, in accelerated time :math:`\tau = t/\lambda` (:math:`\lambda = \ln(1/\alpha)`) and dual
coordinates :math:`s = S/\lambda`, the exact ODE (P&F §1.1–1.2)

.. math::

    \frac{ds}{d\tau} = -\nabla L(\beta), \qquad
    \beta_i = \tfrac12\big(a_i e^{2\lambda s_i} - b_i e^{-2\lambda s_i}\big),

with :math:`a = w_+(0)^2`, :math:`b = w_-(0)^2`, evaluated in log-domain. The state is held
as :math:`S - \lambda c` with integers c re-based as coordinates wake, and the local error
is controlled on it so that β itself is accurate to about ``rtol`` at any λ (not ``λ·rtol``)
and under any global scaling of X and y (:mod:`.ode`). It is stiff once
coordinates are active (Jacobian :math:`-\lambda (X^\top X/n)\,\mathrm{diag}(d\beta/dS)`),
so it is integrated by the L-stable Rosenbrock method RODAS4 with the analytic Jacobian,
stepped in the n-dimensional integrated residual, with linear solves of the size of the
active set (:mod:`.step`, :mod:`.active_set`); where it is not stiff at the step size the
controller proposes (:math:`h\hat\rho \le 1.5`, ρ̂ an estimate of the Jacobian's spectral
radius), by the explicit Dormand–Prince pair DOPRI5 instead, with no linear algebra
(:mod:`._kernels_explicit`). The step loop is compiled (numba, cached on disk:
:mod:`._kernels_loop`). Steps are long on plateaus and
short in jumps; the cost does not grow with λ. Where the non-negligible coordinates sit at
their restricted least-squares optimum and all others stay below rounding, the flow is
linear in τ up to a known transient, and one semi-analytic step crosses the plateau to the
time the next coordinate wakes (:mod:`.plateau`) — exact to the same tolerance. Step sizes
come from a predictive controller (:mod:`.controller`); :mod:`.driver` runs the loop.

**Global scaling.** For :math:`X \to aX`, :math:`y \to by` (a, b > 0) the flow from α is
the flow on (X, y) from :math:`\alpha' = \alpha\sqrt{a/b}` (same :math:`u_0, v_0`), with
:math:`S(t) = S'(ab\,t)` and :math:`\beta(t) = (b/a)\,\beta'(ab\,t)`; in accelerated time
:math:`\tau' = ab\,\tau\,\lambda/\lambda'`, :math:`\lambda' = \lambda - \tfrac12\ln(a/b)`.
Large a/b is therefore a *large* effective initialisation (the lazy regime, where
:math:`w_+^2 \approx w_-^2`); the solver handles it without cancellation.

**Descent guard.** The flow never raises the loss; a step that does (beyond the rounding
and tolerance allowance documented in :mod:`.guard`) stops the run with status
``SOLVER_FAILED`` and a :class:`FlowSolverWarning`; the states saved up to it are kept.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from saddlepath._threads import blas_threads_by_size
from saddlepath._validation import check_data, check_int, check_real
from saddlepath.diagonal.flow.driver import StopRules, flow_driver
from saddlepath.diagonal.flow.ode import DualODE
from saddlepath.diagonal.model import initialisation
from saddlepath.diagonal.trajectory import Trajectory, TrajectoryStatus, build_trajectory
from saddlepath.warnings import FlowSolverWarning

__all__ = ["FlowSolverWarning", "gradient_flow"]

_WHERE = "gradient_flow"


@blas_threads_by_size
def gradient_flow(
    X,
    y,
    *,
    alpha: float | str | None = None,
    log_alpha: float | None = None,
    tau_max: float | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    u0=None,
    v0=None,
    max_steps: int = 100_000,
    gtol: float = 1e-8,
    progress: Callable[[float], object] | None = None,
) -> Trajectory:
    r"""Integrate the gradient flow of a diagonal network from :math:`u(0) = \alpha u_0`,
    :math:`v(0) = \alpha v_0`, exactly (no small-α approximation).

    Solves :math:`ds/d\tau = -\nabla L(\beta(\lambda s))`, :math:`s(0) = 0`, with
    :math:`L(\beta) = \|X\beta - y\|^2/(2n)`, in accelerated time :math:`\tau = t/\lambda`,
    :math:`\lambda = \ln(1/\alpha)`; β is formed in log-domain, so any α in (0, 1) works
    (α = 1e-10000 or :math:`e^{-10^5}` cost the same as 1e-10).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float or str, optional
        Initialisation scale, 0 < α < 1; a string such as ``"1e-1000"`` is parsed exactly.
    log_alpha : float, optional
        :math:`\log\alpha` < 0 instead of ``alpha`` (e.g. ``-1e5``).
    tau_max : float, optional
        Final accelerated time. Default: run until the gradient vanishes.
    rtol, atol : float
        Local error tolerances (dimensionless). Per step, the error of each
        :math:`S_i = \lambda s_i` is at most the smaller of :math:`\lambda(\mathrm{atol} +
        \mathrm{rtol}|s_i|)` (when a coordinate wakes: jump times accurate to about
        ``rtol``·τ) and :math:`4(\mathrm{rtol}|\beta_i| + \mathrm{atol}\,\|y\|_\infty/
        \|x_i\|_\infty)/(d\beta_i/dS_i)` (β itself: relative error about ``rtol``, atol in
        units of the coordinate's natural scale). Measured: saved states and mid-plateau β
        within a few ``rtol``, dense output (``at``) within ~20·``rtol`` of a much tighter
        run, at any α from 1e-10 to :math:`e^{-10^6}` and any global scaling of X and y.
    u0, v0 : float or array-like of shape (n_features,), optional
        Initial weights in units of α (default :math:`\sqrt2` and 0, so β(0) = 0). Not both
        zero everywhere: u = v = 0 is a critical point of F, and the flow never leaves it.
    max_steps : int
        Cap on attempted steps (status ``STEP_LIMIT`` when hit).
    gtol : float
        Converged when :math:`\|\nabla L\|_\infty \le` ``gtol`` :math:`\cdot\|X^\top y\|_\infty/n`
        (over the coordinates that can move: not those with u0 = v0 = 0), i.e. ``gtol`` is
        relative to the gradient at β = 0 (absolute, in units of ∇L, if :math:`X^\top y = 0`).
    progress : callable, optional
        Called as ``progress(tau)`` with the accelerated time reached after each accepted
        step (for a progress display; its return value is ignored).

    Returns
    -------
    Trajectory
        One saved point per accepted step, ``method="flow"``; ``at(tau)`` interpolates.
        ``stats`` counts ``n_grad_evals`` (evaluations of :math:`X\beta - y`), ``n_steps``
        (attempted steps) = ``n_accepted`` + ``n_rejected`` (by error control) +
        ``n_redone`` (a coordinate woke outside the active set) + ``n_plateau_discarded``,
        ``n_plateau_steps`` (accepted semi-analytic plateau steps) and
        ``n_explicit_steps`` (accepted DOPRI5 steps; the other accepted steps are RODAS4
        steps). Every RODAS4 or DOPRI5 step costs six evaluations.

    Raises
    ------
    ValueError
        For invalid arguments, including ``u0 = v0 = 0`` everywhere.

    Warns
    -----
    FlowSolverWarning
        When the run ends with status ``SOLVER_FAILED``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    >>> traj = gradient_flow(X, np.array([1.0, 0.0]), alpha="1e-300")
    >>> traj.status.name, traj.stats["n_accepted"] == len(traj.tau) - 1
    ('CONVERGED', True)
    >>> (np.round(traj.at(5.0), 6) + 0.0).tolist()  # the first saddle (jumps at 2 and 8)
    [0.8, 0.0, 0.0, 0.0]
    """
    X, y = check_data(X, y)
    tau_max, rtol, atol, max_steps, gtol = _check_options(
        tau_max=tau_max, rtol=rtol, atol=atol, max_steps=max_steps, gtol=gtol, progress=progress
    )
    init = initialisation(
        X.shape[1], alpha=alpha, log_alpha=log_alpha, u0=u0, v0=v0, where=_WHERE, require_small=True
    )
    if not (np.any(init.sign_w_plus) or np.any(init.sign_w_minus)):
        raise ValueError(
            "`u0` and `v0` of gradient_flow are both zero in every coordinate: u = v = 0 is a "
            "critical point of F (every gradient vanishes there), so the flow would never move. "
            "Give a non-zero initialisation, e.g. the default u0 = sqrt(2), v0 = 0."
        )
    ode = DualODE(X, y, init)
    g_ref = float(np.max(np.abs(y @ X))) / X.shape[0]  # max|grad L| at beta = 0
    rules = StopRules(gtol * (g_ref if g_ref > 0 else 1.0), tau_max, max_steps)
    driver = flow_driver(ode, rtol=rtol, atol=atol, rules=rules)
    with np.errstate(under="ignore", over="ignore", divide="ignore", invalid="ignore"):
        solution = driver.run(progress)
        arrays = solution.saved.arrays()
    if solution.status is TrajectoryStatus.SOLVER_FAILED:
        warnings.warn(f"gradient_flow: {solution.message}", FlowSolverWarning, stacklevel=2)
    return build_trajectory(
        arrays,
        initial=init,
        status=solution.status,
        message=solution.message,
        stats=solution.stats._asdict(),
        method="flow",
    )


def _check_options(*, tau_max, rtol, atol, max_steps, gtol, progress):
    """The validated numeric options of gradient_flow (``progress`` is only checked)."""
    tau_max = (
        None if tau_max is None else check_real(tau_max, name="tau_max", low=0.0, where=_WHERE)
    )
    rtol = check_real(rtol, name="rtol", low=0.0, high=1.0, low_open=True, where=_WHERE)
    atol = check_real(atol, name="atol", low=0.0, where=_WHERE)
    max_steps = check_int(max_steps, name="max_steps", low=1, where=_WHERE)
    gtol = check_real(gtol, name="gtol", low=0.0, where=_WHERE)
    if progress is not None and not callable(progress):
        raise TypeError(
            "The `progress` parameter of gradient_flow must be a callable taking the "
            f"accelerated time reached, or None. Got {type(progress).__name__} instead."
        )
    return tau_max, rtol, atol, max_steps, gtol
