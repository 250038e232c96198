r"""Compiled rules of the GD/SGD loop: stopping, saving, the record of saved rows (private).

The one implementation of each rule (the host classes in ``_descent_rules`` and
``_recorder`` hold the parameters and format messages). The record is a tuple of arrays
``(vec, ts, cand, sgn, cnt)``: ``vec[0:5, i]`` = β, dual, gradient, log|w+|, log|w-| of row
``i``; ``ts[0:2, i]`` = raw time and loss; ``cand[i]`` its candidate number; ``sgn[0:2, i]``
the signs of w±; ``cnt`` = (rows held, candidates offered, stride, max_saved).
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._kernels_log import inline, jit

SAVE_LOSS_CHANGE = 1e-2
"""Default full-batch saving: save when the loss moved by this fraction since the last save."""
SAVE_MAX_GAP = 1000
"""Default full-batch saving: save at least every this many steps."""

# stop codes (0: go on)
CONVERGED, REACHED_TAU_MAX, N_STEPS_DONE, MAX_STEPS_DONE = 1, 2, 3, 4


@inline
def stop_code(k, t, gmax, grad_atol, t_max, n_steps, max_steps):
    """Why the loop stops at iterate ``k`` (raw time ``t``), or 0.

    ``gmax`` = max|∇L| of the full batch, NaN when unknown; ``t_max`` = inf and
    ``n_steps`` < 0 when not given.
    """
    if gmax <= grad_atol:
        return CONVERGED
    if t >= t_max * (1 - 1e-12):
        return REACHED_TAU_MAX
    if n_steps >= 0 and k >= n_steps:
        return N_STEPS_DONE
    if k >= max_steps:
        return MAX_STEPS_DONE
    return 0


@inline
def is_save(k, loss, save_every, last_step, last_loss):
    """Whether iterate ``k`` (full loss ``loss``) is saved; ``save_every`` < 0: by the loss."""
    if k == 0:
        return True
    if save_every > 0:
        return k % save_every == 0
    moved = np.abs(loss - last_loss) > SAVE_LOSS_CHANGE * np.abs(last_loss)
    return moved or k - last_step >= SAVE_MAX_GAP


@inline
def needs_growth(rec):
    """Whether the record is full but may still grow (the host reallocates it)."""
    cnt = rec[4]
    return cnt[0] == rec[2].shape[0] and cnt[0] < cnt[3]


@jit
def thin(rec):
    """Double the stride: keep the rows whose candidate number is a multiple of it."""
    vec, ts, cand, sgn, cnt = rec
    cnt[2] *= 2
    m = 0
    for i in range(cnt[0]):
        if cand[i] % cnt[2] == 0:
            for a in range(5):
                for j in range(vec.shape[2]):
                    vec[a, m, j] = vec[a, i, j]
            for j in range(vec.shape[2]):
                sgn[0, m, j], sgn[1, m, j] = sgn[0, i, j], sgn[1, i, j]
            ts[0, m], ts[1, m], cand[m] = ts[0, i], ts[1, i], cand[i]
            m += 1
    cnt[0] = m


@jit
def record(rec, t, loss, lam, W, sg, BG, b, forced):
    """Offer the iterate at raw time ``t`` (``W`` = log|w+|, log|w-|, S; ``sg`` its signs;
    β and g in rows ``b``, ``b + 1`` of ``BG``).

    Never the same time twice nor going back; a candidate that is not a multiple of the
    stride is dropped unless ``forced``; when the record holds ``max_saved`` rows, it is
    thinned first (the host grows it before it is full otherwise: ``needs_growth``).
    """
    vec, ts, cand, sgn, cnt = rec
    if cnt[0] and ts[0, cnt[0] - 1] >= t:
        return
    candidate = cnt[1]
    cnt[1] += 1
    if candidate % cnt[2] and not forced:
        return
    if cnt[0] == cand.shape[0]:
        thin(rec)
        if candidate % cnt[2] and not forced:
            return
    i = cnt[0]
    ts[0, i], ts[1, i], cand[i] = t, loss, candidate
    for j in range(W.shape[1]):
        vec[0, i, j] = BG[b, j]
        vec[1, i, j] = W[2, j] / lam
        vec[2, i, j] = BG[b + 1, j]
        vec[3, i, j] = W[0, j]
        vec[4, i, j] = W[1, j]
        sgn[0, i, j] = sg[0, j]
        sgn[1, i, j] = sg[1, j]
    cnt[0] = i + 1
