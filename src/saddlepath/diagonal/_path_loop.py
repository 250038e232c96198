"""Host side of the compiled jump loop (float64 full scan): buffers, the record, hand-backs.

:func:`run_compiled` calls :func:`~saddlepath.diagonal._kernels_path_loop.run_jumps`,
copies the saddles it recorded into the :class:`_Recorder`, and finishes on the host each
jump the kernel hands back (a face to explore, a conditioning check, a full buffer) with
the same code as the host loop of :mod:`~saddlepath.diagonal.saddle_path`.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal import _kernels_path_loop as kl
from saddlepath.diagonal._correlation import RESYNC_BOUND, JumpEvent
from saddlepath.diagonal._sign_constrained import _parameters, _solution, solve_after_jump
from saddlepath.diagonal.path_status import PathStatus

__all__ = ["run_compiled"]

CAP_JUMPS = 64
"""Saddles the kernel records before it hands back to the host to empty its buffers."""


class _Record:
    """The kernel's record buffers (see ``_kernels_path_loop``), left uninitialised: the
    kernel writes each entry before the host reads it."""

    def __init__(self, n: int, capacity: int) -> None:
        flat = 2 * CAP_JUMPS * capacity  # 64 saddles of |P| + |E| ≤ 2·capacity entries
        self.capacity = capacity
        self.arrays = (
            np.empty((3, CAP_JUMPS)),
            np.empty((CAP_JUMPS, n)),
            np.empty(flat, dtype=np.int64),
            np.empty(flat),
            np.empty(flat, dtype=np.int64),
            np.empty(flat),
            np.empty((CAP_JUMPS, 2), dtype=np.int64),
        )

    def flush(self, rec, m: int) -> None:
        """Saddles ``0..m−1`` into ``rec`` (copies: the buffers are reused)."""
        if m == 0:
            return
        rf, rR, sup, val, bnd, sgn, off = self.arrays
        taus, losses, steps = rf[:, :m].tolist()
        ends = off[:m].tolist()
        saddles = []
        s0 = b0 = 0
        for i, (s1, b1) in enumerate(ends):
            saddles.append((taus[i], losses[i], sup[s0:s1].copy(), val[s0:s1].copy(),
                            bnd[b0:b1].copy(), sgn[b0:b1].copy(), rR[i].copy()))  # fmt: skip
            s0, b0 = s1, b1
        rec.extend(saddles)
        rec.steps.extend(steps)


def run_compiled(scanner, chol, st, rec, y, grad_atol, max_jumps, after_solve, limit):
    """The jump loop on the compiled kernel; returns as the host loop does."""
    n = scanner.X.shape[0]
    record = None
    r_new = np.zeros(n)
    fs = np.array([st.tau, st.loss, scanner._drift_bound, scanner._g_bound, limit,
                   RESYNC_BOUND, scanner.kappa])  # fmt: skip
    ist = np.array([scanner.n_passes, 0, 0, 0], dtype=np.int64)
    sc = (scanner.X, scanner.s, scanner.g, scanner.eligible, scanner.grad_atol,
          scanner.norms, scanner._par, scanner._work, scanner._out, scanner._sign)  # fmt: skip
    data = (chol.X, chol.Xty, y, chol.norms, st.sigma, grad_atol)
    while True:
        chol.reserve(st.n_boundary + 17)
        if record is None or record.capacity < chol.capacity:
            record = _Record(n, chol.capacity)  # a saddle that does not fit goes to the host
        chol.values[: st.values.size] = st.values
        solve = (data, _parameters(chol), chol.state, chol.partners, chol.values, chol.wk,
                 chol.wn, chol.flags, chol.boundary)  # fmt: skip
        ist[2], ist[3] = 0, st.n_boundary
        out = kl.run_jumps(
            sc, (st.r, st.R, st.sigma, r_new), solve, record.arrays, fs, ist, max_jumps,
            chol.capacity,
        )  # fmt: skip
        code, n_hit, _, delta, conv, n_dep, n_tight, nb, loss = out
        record.flush(rec, int(ist[2]))
        scanner.n_passes, scanner._drift_bound, scanner._g_bound = int(ist[0]), fs[2], fs[3]
        st.tau, st.loss = float(fs[0]), float(fs[1])
        st.values = chol.values[: chol.size].copy()
        if code == kl.CONVERGED:
            return None, True
        if code == kl.STUCK:
            return PathStatus.STAGNATED, True
        if code == kl.LIMIT:
            return None, False
        if code == kl.GROW:  # the jump found, not taken: the host takes it
            ev = JumpEvent(False, float(delta), scanner._out[:n_hit].copy(),
                           scanner._sign[:n_hit].copy(), np.zeros(0, dtype=int))  # fmt: skip
            ist[1] += 1
            st.tau += ev.delta
            fs[0] = st.tau
            scanner.advance(ev.delta)
            fs[2] = scanner._drift_bound
            sol, boundary, r, loss = solve_after_jump(
                chol, st.values, ev, scanner.g, st.r, st.R, st.sigma, y, grad_atol,
                st.n_boundary,
            )  # fmt: skip
        else:  # HOST: taken and solved, not recorded
            sol = _solution(chol, conv, n_dep, n_tight)
            boundary, r, loss = chol.boundary[:nb].copy(), r_new.copy(), float(loss)
        st.n_boundary = boundary.size
        stop = after_solve(sol, boundary, r, loss, delta)
        if stop is not None:
            return stop, True
        fs[1] = st.loss
