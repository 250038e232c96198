r"""The GD and SGD loops of :func:`~saddlepath.diagonal.descent.gradient_descent` (private).

Each step multiplies :math:`w_\pm` by :math:`1 \mp \eta g_k` on signed log-weights
(:class:`~saddlepath.diagonal._descent_step.SignedLogWeights`); :class:`StopRule` says when
to stop and which iterates to save, the :class:`Recorder` keeps them, and a
:class:`MarginLog` (full batch only) checks the margin at every step. Full-batch GD
evaluates :math:`g_k = \nabla L(\beta_k) = X^\top(X\beta_k - y)/n` every step; SGD a
mini-batch estimate, and the full gradient only at the iterates it saves. Both return
``(status, message, number of gradient evaluations, number of steps done)``.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._log_weights import beta_kernel
from saddlepath.diagonal.trajectory import TrajectoryStatus
from saddlepath.loss import loss_of_residual

__all__ = ["iterate_gd", "iterate_sgd"]

_PROGRESS_MASK = 1023  # report progress every 1024 steps


def _full_state(X, y, lp, lm):
    beta = beta_kernel(lp, lm)
    residual = X @ beta - y
    gradient = residual @ X / X.shape[0]
    return beta, gradient, loss_of_residual(residual, X.shape[0])


def _save(rec, t, snap, beta, g, loss, lam, forced=False) -> None:
    lp, lm, sp, sm, S = snap
    rec.add(t, S / lam, lp, lm, sp, sm, beta, g, loss, forced=forced)


def _diverged(k, t, lam, cause):
    where = f"at step {k} (t = {t:.6g}, tau = {t / lam:.6g})" if k else "at step 0"
    kept = "; the last iterate saved is the one before, the last in range" if k else ""
    return TrajectoryStatus.DIVERGED, (
        f"diverged {where}: {cause} — the step size is too large for this scale{kept}"
    )


def iterate_gd(X, y, eta, rule, rec, state, log, report):
    """Full-batch GD; returns (status, message, gradient evaluations, steps done)."""
    lam = rec.time_scale
    beta, g, loss = _full_state(X, y, state.lp, state.lm)
    k, last = 0, None
    while True:
        t = k * eta
        gmax = float(np.max(np.abs(g)))
        cause = state.blow_up(loss, gmax)
        if cause is not None:  # keep the last iterate in range (or the initial one)
            _save(rec, *(last or (t, state.snapshot(), beta, g, loss)), lam, forced=True)
            return (*_diverged(k, t, lam, cause), k + 1, k)
        if log is not None:
            log.check(k, g, state, beta, loss)
        stop = rule.stop(k, t, gmax)
        if stop is not None or rule.is_save(k, loss):
            _save(rec, t, state.snapshot(), beta, g, loss, lam, forced=stop is not None)
            rule.saved(k, loss)
        if stop is not None:
            return (*stop, k + 1, k)
        last = (t, state.snapshot(), beta, g, loss)
        state.step(eta * g, eta * gmax)
        k += 1
        if report is not None and not k & _PROGRESS_MASK:
            report(k * eta / lam)
        beta, g, loss = _full_state(X, y, state.lp, state.lm)


def iterate_sgd(X, y, eta, rule, rec, state, sampler, report):
    """Mini-batch SGD; the full gradient is evaluated at saved iterates only.

    Returns (status, message, gradient evaluations, steps done): full gradients and
    mini-batch ones both count as evaluations, so they differ from the steps.
    """
    lam = rec.time_scale
    n_evals, k, last = 0, 0, None
    while True:
        t = k * eta
        cause = state.out_of_range()
        if cause is None and (rule.is_save(k, None) or rule.stop(k, t, None) is not None):
            beta, g_full, loss = _full_state(X, y, state.lp, state.lm)
            n_evals += 1
            stop = rule.stop(k, t, float(np.max(np.abs(g_full))))
            _save(rec, t, state.snapshot(), beta, g_full, loss, lam, forced=stop is not None)
            rule.saved(k, loss)
            if stop is not None:
                return (*stop, n_evals, k)
        if cause is None:
            rows = next(sampler)
            residual = X[rows] @ beta_kernel(state.lp, state.lm) - y[rows]
            g = residual @ X[rows] / len(rows)
            gmax, n_evals = float(np.max(np.abs(g))), n_evals + 1
            cause = state.blow_up(loss_of_residual(residual, len(rows)), gmax)
        if cause is not None:  # keep the last iterate in range (ignored if saved already)
            t_good, snap = last or (t, state.snapshot())
            _save(rec, t_good, snap, *_full_state(X, y, snap[0], snap[1]), lam, forced=True)
            return (*_diverged(k, t, lam, cause), n_evals + 1, k)
        last = (t, state.snapshot())
        state.step(eta * g, eta * gmax)
        k += 1
        if report is not None and not k & _PROGRESS_MASK:
            report(k * eta / lam)
