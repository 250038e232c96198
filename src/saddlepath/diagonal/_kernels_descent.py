r"""The compiled GD and SGD loops of :func:`~saddlepath.diagonal.descent.gradient_descent`.

The one implementation of the exact log-domain step (private; numba, cached on disk). Each
step multiplies :math:`w_\pm = \sigma_\pm e^{\ell_\pm}` by :math:`1 \mp \eta g_k`:

.. math::

    \ell_\pm \leftarrow \ell_\pm + \log|1 \mp \eta g_k|, \qquad
    \sigma_\pm \leftarrow \sigma_\pm\,\mathrm{sign}(1 \mp \eta g_k), \qquad
    S \leftarrow S - \eta g_k,

two ``log1p`` per coordinate while :math:`\eta\|g_k\|_\infty < 1`, else
:func:`~saddlepath.diagonal._kernels_log.log_one` (sign flips, exact zeros). The loops run
many steps per call and save rows into the record themselves; they come back to the host
only to grow the record, for a new SGD epoch, for a margin crossing or a progress report
(every 1024 steps, when asked), and at the end. Arguments (all updated in place):

- ``W`` (3, d): :math:`\ell_+, \ell_-, S`; ``sg`` (2, d) int8: :math:`\sigma_\pm`;
- ``P``, ``psg``: the same for the previous iterate, and its β and g in ``P[3:5]``;
- ``fpar`` = (η, λ, gradient tolerance, :math:`t_{max}` or inf, margin or NaN);
- ``ipar`` = (n_steps or -1, max_steps, save_every or -1, progress 0/1, batch size);
- ``ist`` = (k, last saved step, stop code, crossing 0/1 start/2 end, evaluations,
  position in the epoch, above the margin 0/1, step of the crossing);
- ``fst`` = (top ≥ max ℓ±, last saved loss, loss, max|g|, G at a crossing, loss there,
  loss of the previous iterate);
- ``cross`` = (β, ℓ+, ℓ- at a crossing (3, d); its signs (2, d) int8);
- ``work`` (2, d): β and g.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_log import LOG_W_MAX, beta_one, inline, jit, log_one
from saddlepath.diagonal._kernels_record import is_save, needs_growth, record, stop_code

# what a loop returns
PAUSE, GROW, NEW_EPOCH, STOPPED, NOT_FINITE, OUT_OF_RANGE = 0, 1, 2, 3, 4, 5
_PROGRESS_MASK = 1023
_SQRT_HALF = float(np.sqrt(0.5))
BLAS_MIN = 2**16
"""Entries of X from which a full-batch gradient uses BLAS (matrix-vector products) instead
of the compiled loops: measured at 1 thread, the loops win up to (200, 1000) and lose by
~20 % at (1000, 5000) (their dot products cannot be vectorised without reordering sums)."""


@inline
def gradient_on_rows(X, y, rows, start, m, lp, lm, beta, g):
    r"""β from :math:`\ell_\pm` = ``lp, lm`` into ``beta``; the loss on the samples
    R = ``rows[start:start + m]``, :math:`\|X_R\beta - y_R\|^2/(2m)`, and its gradient
    :math:`g = X_R^\top(X_R\beta - y_R)/m` into ``g``.
    """
    d = X.shape[1]
    for j in range(d):
        beta[j] = beta_one(lp[j], lm[j], 0.0, False)
        g[j] = 0.0
    sq = 0.0
    for r in range(start, start + m):
        i = rows[r]
        acc = 0.0
        for j in range(d):
            acc += X[i, j] * beta[j]
        res = acc - y[i]
        sq += res * res
        for j in range(d):
            g[j] += res * X[i, j]
    for j in range(d):
        g[j] /= m
    return sq / (2 * m)


@jit
def full_gradient(X, y, rows, lp, lm, beta, g):
    """``gradient_on_rows`` on every sample; from ``BLAS_MIN`` entries of X on, the two
    matrix-vector products are BLAS calls."""
    if X.size < BLAS_MIN:
        return gradient_on_rows(X, y, rows, 0, X.shape[0], lp, lm, beta, g)
    for j in range(X.shape[1]):
        beta[j] = beta_one(lp[j], lm[j], 0.0, False)
    res = np.dot(X, beta) - y
    g[:] = np.dot(res, X) / X.shape[0]
    return np.dot(res, res) / (2 * X.shape[0])


@inline
def abs_max(g):
    """max|g| (NaN if any entry is NaN, as ``np.max``)."""
    top = 0.0
    for j in range(g.shape[0]):
        a = np.abs(g[j])
        if a > top or a != a:
            top = a
            if a != a:
                break
    return top


@inline
def step(lp, lm, S, sp, sm, g, eta, eta_gmax):
    """Multiply :math:`w_\\pm` by :math:`1 \\mp \\eta g`; return log1p(η max|g|)."""
    for j in range(lp.shape[0]):
        x = eta * g[j]
        if eta_gmax < 1.0:
            lp[j] += np.log1p(-x)
            lm[j] += np.log1p(x)
        else:
            log_f, sign_f = log_one(-x)
            lp[j] += log_f
            sp[j] = sp[j] * sign_f
            log_f, sign_f = log_one(x)
            lm[j] += log_f
            sm[j] = sm[j] * sign_f
        S[j] -= x
    return np.log1p(eta_gmax)


@jit
def blow_up(fst, W, loss, gmax):
    """NOT_FINITE, OUT_OF_RANGE (max ℓ± > ``LOG_W_MAX``; ``fst[0]`` refreshed) or 0."""
    if not (np.isfinite(loss) and np.isfinite(gmax)):
        return NOT_FINITE
    if fst[0] > LOG_W_MAX:
        top = -np.inf
        for j in range(W.shape[1]):
            top = max(top, W[0, j], W[1, j])
        fst[0] = top
        if top > LOG_W_MAX:
            return OUT_OF_RANGE
    return 0


@jit
def _check_margin(fpar, ist, fst, W, sg, work, loss, cross):
    """Record where G = max|∇F(u, v)| crosses the margin: ``ist[3]`` = 1 below, 2 above."""
    G = 0.0
    for j in range(W.shape[1]):
        G = max(G, np.abs(work[1, j]) * (np.exp(W[0, j]) + np.exp(W[1, j])))
    G *= _SQRT_HALF
    if G > fpar[4]:
        if not ist[6]:
            ist[3], ist[6], ist[7] = 2, 1, ist[0]
    elif ist[6]:
        ist[3], ist[6], ist[7] = 1, 0, ist[0]
        fst[4], fst[5] = G, loss
        f, s = cross
        for j in range(W.shape[1]):
            f[0, j], f[1, j], f[2, j] = work[0, j], W[0, j], W[1, j]
            s[0, j], s[1, j] = sg[0, j], sg[1, j]


@inline
def _remember(P, psg, W, sg, work, full):
    """Copy the iterate (and, if ``full``, its β and g) into ``P``, ``psg``."""
    for j in range(W.shape[1]):
        P[0, j], P[1, j], P[2, j] = W[0, j], W[1, j], W[2, j]
        psg[0, j], psg[1, j] = sg[0, j], sg[1, j]
        if full:
            P[3, j], P[4, j] = work[0, j], work[1, j]


@inline
def _stop_or_save(k, t, gmax, loss, fpar, ipar, ist, fst, W, sg, work, rec):
    """Save iterate ``k`` if due; return its stop code (``ist[2]``)."""
    stop = stop_code(k, t, gmax, fpar[2], fpar[3], ipar[0], ipar[1])
    fst[3] = gmax
    if stop or is_save(k, loss, ipar[2], ist[1], fst[1]):
        _save(k, t, loss, fpar, ist, fst, W, sg, work, rec, stop)
    return stop


@jit
def _save(k, t, loss, fpar, ist, fst, W, sg, work, rec, stop):
    record(rec, t, loss, fpar[1], W, sg, work, 0, stop != 0)
    ist[1], ist[2], fst[1] = k, stop, loss


@jit
def gd_loop(X, y, rows, W, sg, P, psg, fpar, ipar, ist, fst, work, rec, cross):
    """Full-batch GD from iterate ``ist[0]``; returns why it came back (see the module).

    The counters live in registers here and are written back to ``ist``, ``fst`` on return.
    """
    eta, n, lam, margin = fpar[0], X.shape[0], fpar[1], fpar[4]
    lp, lm, S, sp, sm, beta, g = W[0], W[1], W[2], sg[0], sg[1], work[0], work[1]
    k, top, last_step, last_loss, prev_loss = ist[0], fst[0], ist[1], fst[1], fst[6]
    loss, gmax = fst[2], fst[3]
    code, small = PAUSE, X.size < BLAS_MIN
    while code == PAUSE:
        if needs_growth(rec):
            code = GROW
            break
        t = k * eta
        loss = (
            gradient_on_rows(X, y, rows, 0, n, lp, lm, beta, g)
            if small
            else full_gradient(X, y, rows, lp, lm, beta, g)
        )
        gmax = abs_max(g)
        if not (np.isfinite(loss) and np.isfinite(gmax)) or top > LOG_W_MAX:
            fst[0], fst[2], fst[3] = top, loss, gmax
            code = blow_up(fst, W, loss, gmax)
            top = fst[0]
        if code:  # keep the last iterate in range (or the initial one)
            if k:
                record(rec, (k - 1) * eta, prev_loss, lam, P, psg, P, 3, True)
            else:
                record(rec, t, loss, lam, W, sg, work, 0, True)
            break
        if margin == margin:
            ist[0] = k
            _check_margin(fpar, ist, fst, W, sg, work, loss, cross)
        stop = stop_code(k, t, gmax, fpar[2], fpar[3], ipar[0], ipar[1])
        if stop or is_save(k, loss, ipar[2], last_step, last_loss):
            record(rec, t, loss, lam, W, sg, work, 0, stop != 0)
            last_step, last_loss, ist[2] = k, loss, stop
        if stop:
            code = STOPPED
            break
        _remember(P, psg, W, sg, work, True)
        prev_loss = loss
        top += step(lp, lm, S, sp, sm, g, eta, eta * gmax)
        k += 1
        if ist[3] or (ipar[3] and not k & _PROGRESS_MASK):
            break
    ist[0], ist[1], fst[0], fst[1], fst[6] = k, last_step, top, last_loss, prev_loss
    fst[2], fst[3] = loss, gmax
    return code


@jit
def _sgd_save(X, y, rows, t, k, fpar, ipar, ist, fst, W, sg, work, rec):
    """The full-gradient check and save of an SGD iterate that may be saved or stop there."""
    unknown = stop_code(k, t, np.nan, fpar[2], fpar[3], ipar[0], ipar[1])
    if not (unknown or is_save(k, np.nan, ipar[2], ist[1], fst[1])):
        return 0
    loss = full_gradient(X, y, rows, W[0], W[1], work[0], work[1])
    ist[4] += 1
    return _stop_or_save(k, t, abs_max(work[1]), loss, fpar, ipar, ist, fst, W, sg, work, rec)


@jit
def sgd_loop(X, y, rows, order, W, sg, P, psg, fpar, ipar, ist, fst, work, rec):
    """Mini-batch SGD from iterate ``ist[0]``: ``order`` holds whole epochs (permutations of
    the samples, one after the other), cut in consecutive batches within each epoch."""
    eta, n, size = fpar[0], X.shape[0], ipar[4]
    lp, lm, S, sp, sm, beta, g = W[0], W[1], W[2], sg[0], sg[1], work[0], work[1]
    while True:
        k = ist[0]
        if needs_growth(rec):
            return GROW
        if ist[5] >= order.shape[0]:
            return NEW_EPOCH
        t = k * eta
        cause = blow_up(fst, W, 0.0, 0.0)
        if not cause and _sgd_save(X, y, rows, t, k, fpar, ipar, ist, fst, W, sg, work, rec):
            return STOPPED
        if not cause:
            m = min(size, n - ist[5] % n)
            loss = gradient_on_rows(X, y, order, ist[5], m, lp, lm, beta, g)
            ist[5] += m
            ist[4] += 1
            gmax = abs_max(g)
            fst[2], fst[3] = loss, gmax
            cause = blow_up(fst, W, loss, gmax)
        if cause:  # keep the last iterate in range (ignored if saved already)
            good, good_sg, t_good = (P, psg, (k - 1) * eta) if k else (W, sg, t)
            loss = full_gradient(X, y, rows, good[0], good[1], beta, g)
            record(rec, t_good, loss, fpar[1], good, good_sg, work, 0, True)
            return cause
        _remember(P, psg, W, sg, work, False)
        fst[0] += step(lp, lm, S, sp, sm, g, eta, eta * gmax)
        ist[0] = k + 1
        if ipar[3] and not (k + 1) & _PROGRESS_MASK:
            return PAUSE
