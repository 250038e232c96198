r"""The host side of the GD and SGD loops of :func:`~saddlepath.diagonal.descent.gradient_descent`.

The loops themselves are compiled (:mod:`~saddlepath.diagonal._kernels_descent`): they run
many steps per call, save the iterates into the record and check the margin at every step.
They come back here only to grow the record, to draw a new SGD epoch (a permutation from
``numpy.random.default_rng(seed)``), to hand over a margin crossing or report progress
(every 1024 steps), and at the end. Full-batch GD evaluates
:math:`g_k = \nabla L(\beta_k) = X^\top(X\beta_k - y)/n` every step; SGD a mini-batch
estimate, and the full gradient only at the iterates it saves. Both return
``(status, message, number of gradient evaluations, number of steps done)``.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_descent import (
    GROW,
    NEW_EPOCH,
    PAUSE,
    STOPPED,
    gd_loop,
    sgd_loop,
)
from saddlepath.diagonal.trajectory import TrajectoryStatus

__all__ = ["iterate_gd", "iterate_sgd"]

_PROGRESS_MASK = 1023  # report progress every 1024 steps
_EPOCH_BLOCK = 4096  # samples' worth of epochs handed to the compiled SGD loop at a time


def _diverged(k, t, lam, cause):
    where = f"at step {k} (t = {t:.6g}, tau = {t / lam:.6g})" if k else "at step 0"
    kept = "; the last iterate saved is the one before, the last in range" if k else ""
    return TrajectoryStatus.DIVERGED, (
        f"diverged {where}: {cause} — the step size is too large for this scale{kept}"
    )


def _outcome(code, rule, state, eta):
    """``(status, message)`` of the loop's last return ``code``."""
    k = state.k
    if code == STOPPED:
        return rule.message(int(state.ist[2]), k, k * eta, float(state.fst[3]))
    return _diverged(k, k * eta, rule.lam, state.cause(code))


def iterate_gd(X, y, eta, rule, rec, state, log, report):
    """Full-batch GD; returns (status, message, gradient evaluations, steps done)."""
    X, y = np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64)
    rows = np.arange(X.shape[0], dtype=np.int64)
    while True:
        with np.errstate(all="ignore"):  # the compiled code raises no FP warnings either
            code = gd_loop(X, y, rows, *state.arrays(), rec.rec, state.cross)
        if log is not None:
            log.take(state.ist, state.fst, state.cross)
        if code == GROW:
            rec.grow()
        elif code == PAUSE:
            _progress(report, state.k, eta, rule.lam)
        else:
            break
    k = state.k
    if log is not None:
        log.n_checked = k + 1 if code == STOPPED else k
    return (*_outcome(code, rule, state, eta), k + 1, k)


def iterate_sgd(X, y, eta, rule, rec, state, seed, report):
    """Mini-batch SGD; the full gradient is evaluated at saved iterates only.

    Returns (status, message, gradient evaluations, steps done): full gradients and
    mini-batch ones both count as evaluations, so they differ from the steps.
    """
    X, y = np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64)
    n = X.shape[0]
    rows, rng = np.arange(n, dtype=np.int64), np.random.default_rng(seed)
    order = rows.copy()
    state.ist[5] = n  # no epoch drawn yet
    while True:
        with np.errstate(all="ignore"):
            code = sgd_loop(X, y, rows, order, *state.arrays(), rec.rec)
        if code == GROW:
            rec.grow()
        elif code == NEW_EPOCH:  # the next epochs, drawn one after the other as documented
            epochs = [rng.permutation(n) for _ in range(max(1, _EPOCH_BLOCK // n))]
            order, state.ist[5] = np.concatenate(epochs).astype(np.int64), 0
        elif code == PAUSE:
            _progress(report, state.k, eta, rule.lam)
        else:
            break
    n_evals = int(state.ist[4]) + (code != STOPPED)
    return (*_outcome(code, rule, state, eta), n_evals, state.k)


def _progress(report, k, eta, lam) -> None:
    if report is not None and not k & _PROGRESS_MASK:
        report(k * eta / lam)
