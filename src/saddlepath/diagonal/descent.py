r"""Gradient descent and mini-batch SGD of a diagonal network, exact at any α.

The network's own iterates on :math:`F(u, v) = L(u\odot v)` with step η,

.. math::

    u_{k+1} = u_k - \eta\, g_k \odot v_k, \qquad v_{k+1} = v_k - \eta\, g_k \odot u_k,
    \qquad g_k = \nabla L(\beta_k),

are, with :math:`w_\pm = (u \pm v)/\sqrt2`, the multiplicative updates
:math:`w_{+,k+1} = w_{+,k}(1 - \eta g_k)` and :math:`w_{-,k+1} = w_{-,k}(1 + \eta g_k)`.
They are computed on :math:`\log|w_\pm|` (``log1p``), so α = 1e-1000 costs the same as
α = 1e-3 and gives the same numbers as plain float GD wherever that is representable.
A factor :math:`1 \mp \eta g` reaching zero or below (the weight would cross zero: the
step is too large) is reported as divergence, as are a blown-up loss and weights beyond
the float range.
"""

from __future__ import annotations

import numpy as np

from saddlepath._validation import check_data, check_int, check_real
from saddlepath.diagonal._descent_rules import StopRule, batches, check_factors
from saddlepath.diagonal._log_weights import LOG_W_MAX, beta_kernel
from saddlepath.diagonal._recorder import Recorder
from saddlepath.diagonal.model import initialisation
from saddlepath.diagonal.trajectory import (
    Trajectory,
    TrajectoryStatus,
    build_trajectory,
    time_scale,
)

__all__ = ["gradient_descent"]

_WHERE = "gradient_descent"
BLOW_UP = 1e8
"""GD has diverged when the loss exceeds ``BLOW_UP`` times max(L(β₀), L(0))."""


def _full_state(X, y, lp, lm):
    beta = beta_kernel(lp, lm)
    residual = X @ beta - y
    gradient = residual @ X / X.shape[0]
    return beta, gradient, 0.5 * float(residual @ residual) / X.shape[0]


def _divergence(lp, lm, eta_g, init, loss, loss_ref) -> str | None:
    largest = float(np.max(np.abs(eta_g)))
    if not (np.isfinite(largest) and np.isfinite(loss)):
        return "the gradient or the loss is not finite"
    if loss > BLOW_UP * loss_ref:
        return f"the loss blew up to {loss:.3g} (> {BLOW_UP:.0e} x its initial scale)"
    if max(lp.max(), lm.max()) > LOG_W_MAX:
        return f"the weights left the float range (log|w| > {LOG_W_MAX:g})"
    return None if largest < 1.0 else check_factors(eta_g, init)


def _validate(X, y, step_size, n_steps, tau_max, batch_size, save_every, gtol, max_steps):
    X, y = check_data(X, y)
    eta = check_real(step_size, name="step_size", low=0.0, low_open=True, where=_WHERE)
    if n_steps is not None:
        check_int(n_steps, name="n_steps", low=0, where=_WHERE)
    if tau_max is not None:
        check_real(tau_max, name="tau_max", low=0.0, where=_WHERE)
    if batch_size is not None:
        check_int(batch_size, name="batch_size", low=1, high=X.shape[0], where=_WHERE)
    if save_every is not None:
        check_int(save_every, name="save_every", low=1, where=_WHERE)
    check_real(gtol, name="gtol", low=0.0, where=_WHERE)
    check_int(max_steps, name="max_steps", low=1, where=_WHERE)
    return X, y, eta


def gradient_descent(
    X,
    y,
    *,
    step_size: float,
    n_steps: int | None = None,
    tau_max: float | None = None,
    alpha: float | str | None = None,
    log_alpha: float | None = None,
    u0=None,
    v0=None,
    batch_size: int | None = None,
    seed: int | None = None,
    save_every: int | None = None,
    gtol: float = 1e-8,
    max_steps: int = 1_000_000,
    plateau_threshold: float = 1e-2,
) -> Trajectory:
    r"""Run (mini-batch) gradient descent on a diagonal network, exactly in log-domain.

    Iterates :math:`w_{\pm,k+1} = w_{\pm,k}(1 \mp \eta\, g_k)` with
    :math:`g_k = \nabla L(\beta_k)` (or its mini-batch estimate), :math:`L(\beta) =
    \|X\beta - y\|^2/(2n)`, from :math:`u(0) = \alpha u_0`, :math:`v(0) = \alpha v_0`.
    Raw time is :math:`t_k = k\eta`; accelerated time :math:`\tau = t/\ln(1/\alpha)`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    step_size : float
        η > 0.
    n_steps : int, optional
        Stop after this many steps (status ``STEP_LIMIT``).
    tau_max : float, optional
        Stop at the first step with :math:`\tau \ge` ``tau_max`` (status ``REACHED_TAU_MAX``).
    alpha, log_alpha : float or str, optional
        Initialisation scale (exactly one); see :func:`~saddlepath.diagonal.model.initialisation`.
        α ≥ 1 is allowed here; then τ is just ``t``.
    u0, v0 : float or array-like of shape (n_features,), optional
        Initial weights in units of α (default :math:`\sqrt2` and 0).
    batch_size : int, optional
        Mini-batch size for SGD (``None``: full batch). Each epoch reshuffles the samples.
    seed : int, optional
        Seed of the SGD sampler.
    save_every : int, optional
        Save every k-th iterate. Default: full batch saves whenever the loss moved by 1 %
        since the last saved iterate, and at least every 1000 steps; SGD saves once per epoch.
        The first and the last iterate are always saved.
    gtol : float
        Converged when :math:`\|\nabla L\|_\infty \le` ``gtol`` :math:`\cdot\|\nabla L(0)\|_\infty`
        (checked every step for GD, at saved iterates for SGD).
    max_steps : int
        Hard cap on the number of steps when neither ``n_steps`` nor ``tau_max`` stops first.
    plateau_threshold : float
        Relative speed threshold of plateau detection (see ``find_plateaus``).

    Returns
    -------
    Trajectory
        ``method`` is ``"gd"`` or ``"sgd"``; divergence is reported in ``status``/``message``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    >>> traj = gradient_descent(X, np.array([1.0, 0.0]), step_size=0.2, alpha="1e-1000")
    >>> traj.status.name, (np.round(traj.beta[-1], 4) + 0.0).tolist()
    ('CONVERGED', [0.0, 0.0, 1.4286, -0.2041])
    """
    X, y, eta = _validate(
        X, y, step_size, n_steps, tau_max, batch_size, save_every, gtol, max_steps
    )
    init = initialisation(X.shape[1], alpha=alpha, log_alpha=log_alpha, u0=u0, v0=v0, where=_WHERE)
    lam = time_scale(init.log_alpha)
    sgd = batch_size is not None and batch_size < X.shape[0]
    rule = StopRule.create(
        X,
        y,
        eta=eta,
        lam=lam,
        n_steps=n_steps,
        tau_max=tau_max,
        max_steps=max_steps,
        gtol=gtol,
        save_every=save_every,
        epoch=(-(-X.shape[0] // batch_size) if sgd else None),
    )
    rec = Recorder(init, lam)
    with np.errstate(under="ignore", divide="ignore"):
        status, message, n_evals = _iterate(
            X, y, init, eta, rule, rec, batch_size if sgd else None, seed
        )
    return build_trajectory(
        rec.arrays(),
        initial=init,
        status=status,
        message=message,
        n_grad_evals=n_evals,
        method="sgd" if sgd else "gd",
        plateau_threshold=plateau_threshold,
    )


def _iterate(X, y, init, eta, rule, rec, batch_size, seed):
    """The GD/SGD loop; returns (status, message, number of gradient evaluations)."""
    lp, lm = init.log_abs_w_plus.copy(), init.log_abs_w_minus.copy()
    S = np.zeros(X.shape[1])
    sampler = batches(X.shape[0], batch_size, seed) if batch_size else None
    beta, g_full, loss = _full_state(X, y, lp, lm)
    loss_ref = max(loss, 0.5 * float(y @ y) / X.shape[0], np.finfo(float).tiny)
    n_evals, k = 1, 0
    while True:
        t = k * eta
        known = sampler is None or rule.is_save(k, None)
        if sampler is not None and known and k > 0:
            beta, g_full, loss = _full_state(X, y, lp, lm)
            n_evals += 1
        stop = rule.stop(k, t, g_full if known else None)
        if stop is not None and not known:  # SGD: final state needs the full gradient
            beta, g_full, loss = _full_state(X, y, lp, lm)
            n_evals, known = n_evals + 1, True
            stop = rule.stop(k, t, g_full)
        if stop is not None or (known and rule.is_save(k, loss)):
            rec.add(t, S / rec.time_scale, lp, lm, beta, g_full, loss)
            rule.saved(k, loss)
        if stop is not None:
            return stop[0], stop[1], n_evals
        g, loss_k = _step_gradient(X, y, lp, lm, sampler, g_full, loss)
        n_evals += sampler is not None
        cause = _divergence(lp, lm, eta * g, init, loss_k, loss_ref)
        if cause is not None:
            if not known:
                beta, g_full, loss = _full_state(X, y, lp, lm)
            rec.add(t, S / rec.time_scale, lp, lm, beta, g_full, loss)
            return (
                TrajectoryStatus.DIVERGED,
                (f"diverged at step {k} (t = {t:.6g}, tau = {t / rec.time_scale:.6g}): {cause}"),
                n_evals,
            )
        eta_g = eta * g
        lp = lp + np.log1p(np.maximum(-eta_g, -1.0))
        lm = lm + np.log1p(np.maximum(eta_g, -1.0))
        S = S - eta_g
        k += 1
        if sampler is None:
            beta, g_full, loss = _full_state(X, y, lp, lm)
            n_evals += 1


def _step_gradient(X, y, lp, lm, sampler, g_full, loss):
    """Gradient (and loss) used for the update: full batch, or a fresh mini-batch."""
    if sampler is None:
        return g_full, loss
    rows = next(sampler)
    beta = beta_kernel(lp, lm)
    residual = X[rows] @ beta - y[rows]
    return residual @ X[rows] / len(rows), 0.5 * float(residual @ residual) / len(rows)
