r"""The compiled step loop of the flow (private; numba, cached on disk).

The one implementation of the driver's RODAS4 steps (:mod:`.driver`): stopping rules,
active set, step (:mod:`._kernels_step`), rejection, redo when a dropped coordinate woke,
descent guard, acceptance with re-basing, saving, step-size control and the convergence
test. It runs many steps per call and comes back to the host only to try a plateau step,
to grow the saved states, after each accepted step when a progress report is asked for,
and when the run stops. State arrays (updated in place):

- ``fs``: τ, h, ‖r‖, max|∇L| (NaN: not below the threshold), the time unit,
  :math:`h_{acc}`, :math:`e_{acc}`, the growth cap, the last error, and the guard's verdict
  on a failed step (old, new, allowed) and the step size that was too small;
- ``ist``: try a plateau step (0/1), :math:`h_{acc}` known (0/1), outcome (``OUTCOME_*``),
  rows saved, re-basings, resume (skip the stop test once), then the eight counters of
  :class:`~.stats.FlowStats` in their order, the steps logged, and the method of the last
  accepted step (0: RODAS4, 1: DOPRI5);
- ``cf`` = (rtol, atol of the guard, max|∇L| threshold, :math:`\tau_{max}` or inf,
  controller exponents of RODAS4 and DOPRI5); ``ci`` = (max_steps, plateau steps on,
  progress on, ``blas_min``, explicit steps on);
- ``vec`` = (σ, r, rate ≈ −dσ/dτ, woken (bool), c, v: the power iteration's unit vector);
  ``saved`` = (τ, σ, c, r) rows;
- ``log``: the error norm of every step attempted (RODAS4 or DOPRI5, see
  :mod:`._kernels_explicit` for the switching rule), in order (length 0: not logged; else
  room for ``max_steps``), an independent record of what ran for the counters.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal.flow._kernels_blas import x_pass
from saddlepath.diagonal.flow._kernels_error import EPS
from saddlepath.diagonal.flow._kernels_explicit import EXPLICIT_LIMIT, dopri5_core, stiffness
from saddlepath.diagonal.flow._kernels_ode import active_into, is_awake, jit, rebase_inplace
from saddlepath.diagonal.flow._kernels_step import gather, rodas_core
from saddlepath.diagonal.flow.controller import FAC_MAX, accept_size, reject_size
from saddlepath.diagonal.flow.guard import loss_check

# fs
TAU, H, RES_NORM, GRAD_MAX, TAU_UNIT, H_ACC, E_ACC, FAC, ERR = range(9)
G_OLD, G_NEW, G_ALLOWED, H_SMALL = range(9, 13)
# ist
TRY_PLATEAU, HAS_ACC, OUTCOME, N_SAVED, VERSION, RESUME = range(6)
STATS = 6  # n_grad_evals, n_steps, n_accepted, n_rejected, n_redone, n_plateau_steps, ...
N_GRAD, N_STEPS, N_ACC, N_REJ, N_REDONE = range(STATS, STATS + 5)
N_PLATEAU, N_DISCARDED, N_EXPLICIT = STATS + 5, STATS + 6, STATS + 7
N_LOGGED, METHOD = STATS + 8, STATS + 9
# outcomes
OUTCOME_CONVERGED, OUTCOME_TAU_MAX, OUTCOME_STEP_LIMIT, OUTCOME_SMALL, OUTCOME_CLIMB = 1, 2, 3, 4, 5
# what run_loop returns
STOPPED, PLATEAU, GROW, PROGRESS = 0, 1, 2, 3
PLATEAU_ERROR = 0.05
"""An accepted RODAS4 step with a smaller error norm than this invites a plateau step."""


@jit
def grad_max(geo, r, idx, rate, use_rate, threshold, lam, blas_min):
    """``max|∇L|`` over live coordinates if it may be at or below ``threshold`` (one pass
    over X), else NaN. Cheap screens first: the gradient on the active set ``idx``, and (if
    ``use_rate``) the last step's mean slope of σ (= −λ·mean gradient) everywhere."""
    X, live = geo[0], geo[8]
    n, d = X.shape
    top = 0.0
    for a in range(idx.shape[0]):
        g = 0.0
        for i in range(n):
            g += r[i] * X[i, idx[a]]
        top = max(top, np.abs(g))
    if top > threshold * n:
        return np.nan
    if use_rate:
        top = 0.0
        for j in range(d):
            if live[j]:
                top = max(top, np.abs(rate[j]))
        if top > 4.0 * threshold * lam:
            return np.nan
    g = np.empty(d)
    x_pass(X, r, g, blas_min)
    top = 0.0
    for j in range(d):
        if live[j] and not np.abs(g[j]) <= top:
            top = np.abs(g[j])
    return top / n


@jit
def save_row(saved, ist, tau, sigma, base, r):
    """Save a state (skipped if τ is not beyond the last saved one)."""
    taus, sig, bases, res = saved
    k = ist[N_SAVED]
    if k and not tau > taus[k - 1]:
        return
    taus[k] = tau
    sig[k, :] = sigma
    bases[k, :] = base
    res[k, :] = r
    ist[N_SAVED] = k + 1


@jit
def stopped(fs, ist, cf, ci):
    """Set the outcome if a stopping rule holds; return whether one does."""
    if fs[GRAD_MAX] <= cf[2]:
        ist[OUTCOME] = OUTCOME_CONVERGED
    elif fs[TAU] >= cf[3] * (1 - 4 * EPS):
        ist[OUTCOME] = OUTCOME_TAU_MAX
    elif ist[N_STEPS] >= ci[0]:
        ist[OUTCOME] = OUTCOME_STEP_LIMIT
    return ist[OUTCOME] != 0


@jit
def accept(geo, prm, cf, ci, fs, ist, vec, saved, idx, h, err, explicit, sig_new, r_new, dsig):
    """Take an accepted step of size h: rate, τ, re-basing, saving, next h, convergence."""
    sigma, r, rate, woken, base = vec[:5]
    lam = prm[0]
    for j in range(sigma.shape[0]):
        rate[j] = dsig[j] / h
    fs[TAU] += h
    if rebase_inplace(sig_new, base, lam):
        ist[VERSION] += 1
    save_row(saved, ist, fs[TAU], sig_new, base, r_new)
    if ist[METHOD] != explicit:  # no prediction across a change of method
        ist[HAS_ACC], ist[METHOD] = 0, explicit
    exponent = cf[5] if explicit else cf[4]
    h_next, e_acc = accept_size(h, err, fs[H_ACC], fs[E_ACC], ist[HAS_ACC] != 0, fs[FAC], exponent)
    fs[H], fs[H_ACC], fs[E_ACC], fs[FAC], ist[HAS_ACC] = h_next, h, e_acc, FAC_MAX, 1
    fs[GRAD_MAX] = grad_max(geo, r_new, idx, rate, True, cf[2], lam, ci[3])
    ist[TRY_PLATEAU] = err <= PLATEAU_ERROR
    woken[:] = False
    sigma[:] = sig_new
    r[:] = r_new
    ist[N_ACC] += 1
    ist[N_EXPLICIT] += explicit


@jit
def take_step(geo, tab, erk, prm, ci, vec, idx, h, sig_new, r_new, dsig):
    """One step of size h on active set ``idx``, explicit (DOPRI5) where the switching rule
    of :mod:`._kernels_explicit` allows (and ``ci[4]``), else RODAS4; return its error norm
    and whether it was explicit."""
    sigma, r, base, v = vec[0], vec[1], vec[4], vec[5]
    lam, blas_min = prm[0], ci[3]
    XT, c = gather(geo, idx, sigma, base, lam)
    explicit = ci[4] != 0 and h * stiffness(XT, c, lam, h, v, blas_min) <= EXPLICIT_LIMIT
    if explicit:
        err = dopri5_core(
            geo, idx, XT, c, r, h, base, erk, prm, blas_min, sigma, sig_new, r_new, dsig
        )
    else:
        err = rodas_core(
            geo, idx, XT, c, sigma, r, h, base, tab, prm, blas_min, sig_new, r_new, dsig
        )
    return err, explicit


@jit
def attempt(geo, tab, erk, prm, cf, ci, fs, ist, vec, saved, log):
    """One step: accepted, rejected (smaller h), to be redone (a coordinate woke), or
    failed (h below the resolution of τ, or the loss rose); return whether accepted."""
    sigma, rate, woken, base = vec[0], vec[2], vec[3], vec[4]
    lam = prm[0]
    n, d = geo[0].shape
    h, tau = fs[H], fs[TAU]
    h = min(h, cf[3] - tau)
    if h < 8 * EPS * max(tau, fs[TAU_UNIT]):
        fs[H_SMALL], ist[OUTCOME] = h, OUTCOME_SMALL
        return False
    idx = np.empty(d, dtype=np.int64)
    idx = idx[: active_into(geo, sigma, rate, h, woken, base, lam, idx)]
    sig_new, r_new, dsig = np.empty(d), np.empty(n), np.empty(d)
    err, explicit = take_step(geo, tab, erk, prm, ci, vec, idx, h, sig_new, r_new, dsig)
    ist[N_STEPS] += 1
    ist[N_GRAD] += tab[2].shape[0]  # six evaluations of X beta - y for either method
    if log.shape[0]:
        log[ist[N_LOGGED]] = err
        ist[N_LOGGED] += 1
    if not err <= 1.0:
        fs[H] = reject_size(h, err if np.isfinite(err) else np.inf, cf[5] if explicit else cf[4])
        fs[FAC], ist[TRY_PLATEAU] = 1.0, 0
        ist[N_REJ] += 1
        return False
    if woke(geo, idx, sig_new, woken, base, lam):
        fs[H], ist[TRY_PLATEAU] = h, 0
        ist[N_REDONE] += 1
        return False
    passed, new, allowed = loss_check(
        geo, fs[RES_NORM], sig_new, r_new, idx, base, lam, cf[0], cf[1]
    )
    if not passed:
        fs[G_OLD], fs[G_NEW], fs[G_ALLOWED] = fs[RES_NORM], new, allowed
        ist[OUTCOME] = OUTCOME_CLIMB
        ist[N_REJ] += 1
        return False
    fs[RES_NORM] = new
    accept(geo, prm, cf, ci, fs, ist, vec, saved, idx, h, err, explicit, sig_new, r_new, dsig)
    return True


@jit
def woke(geo, idx, sig_new, woken, base, lam):
    """Mark in ``woken`` the coordinates outside ``idx`` that are awake at ``sig_new``;
    return whether there are any."""
    d = sig_new.shape[0]
    active = np.zeros(d, dtype=np.bool_)
    for a in range(idx.shape[0]):
        active[idx[a]] = True
    late = False
    for j in range(d):
        if not active[j] and is_awake(geo, j, sig_new[j], 0.0, base, lam):
            woken[j] = True
            late = True
    return late


@jit
def run_loop(geo, tab, erk, prm, cf, ci, fs, ist, vec, saved, log):
    """Run steps until the run stops, a plateau step is to be tried, the saved rows are
    full, or (with progress on) a step was accepted; return which (``STOPPED``, ...)."""
    while True:
        if ist[N_SAVED] >= saved[0].shape[0]:
            return GROW
        if ist[RESUME]:
            ist[RESUME] = 0
        else:
            if stopped(fs, ist, cf, ci):
                return STOPPED
            if ist[TRY_PLATEAU] and ci[1]:
                return PLATEAU
        accepted = attempt(geo, tab, erk, prm, cf, ci, fs, ist, vec, saved, log)
        if ist[OUTCOME]:
            return STOPPED
        if accepted and ci[2]:
            return PROGRESS
