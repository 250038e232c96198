"""Host side of the compiled jump loop (float64 full scan): buffers, the record, hand-backs.

:func:`run_compiled` calls :func:`~saddlepath.diagonal._kernels_path_loop.run_jumps`,
copies the saddles it recorded into the :class:`_Recorder`, and finishes on the host each
jump the kernel hands back (a face to explore, a conditioning check, a full buffer) with
the same code as the host loop of :mod:`~saddlepath.diagonal.saddle_path`.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal import _kernels_path_loop as kl
from saddlepath.diagonal._correlation import JumpEvent
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
    """The jump loop on the compiled kernel; returns ``(status, ended)`` (``ended`` False
    after ``max_jumps``: the host makes the final scan)."""
    n = scanner.X.shape[0]
    record, r_new, fs, ist = None, np.zeros(n), scanner.fs, scanner.ist
    fs[0], fs[1], fs[4], ist[1] = st.tau, st.loss, limit, 0
    data = (chol.X, chol.Xty, y, chol.norms, st.sigma, grad_atol)
    while True:
        chol.reserve(st.n_boundary + 17)
        if record is None or record.capacity < chol.capacity:
            record = _Record(n, chol.capacity)  # a saddle that does not fit goes to the host
        chol.values[: st.values.size] = st.values
        solve = (data, _parameters(chol), chol.state, chol.partners, chol.values, chol.wk,
                 chol.wn, chol.flags, chol.boundary)  # fmt: skip
        ist[2], ist[3] = 0, st.n_boundary
        out = kl.run_jumps(scanner.arrays, (st.r, st.R, st.sigma, r_new), solve,
                           record.arrays, fs, ist, max_jumps, chol.capacity)  # fmt: skip
        record.flush(rec, int(ist[2]))
        st.tau, st.loss = float(fs[0]), float(fs[1])
        st.values = chol.values[: chol.size].copy()
        code = out[0]
        if code == kl.CONVERGED:
            return None, True
        if code == kl.STUCK:
            return PathStatus.STAGNATED, True
        if code == kl.LIMIT:
            return None, False
        sol, boundary, r, loss = _on_host(out, scanner, chol, st, y, grad_atol, r_new)
        st.n_boundary = boundary.size
        stop = after_solve(sol, boundary, r, loss, out[3])
        if stop is not None:
            return stop, True
        fs[0], fs[1] = st.tau, st.loss


def _on_host(out, scanner, chol, st, y, grad_atol, r_new):
    """The jump the kernel handed back: ``GROW`` (found, not taken: taken here, with room
    for the factor) or ``HOST`` (taken and solved). Returns the solve's results."""
    code, n_hit, _, delta, conv, n_dep, n_tight, nb, loss = out
    if code == kl.HOST:
        sol = _solution(chol, conv, n_dep, n_tight)
        return sol, chol.boundary[:nb].copy(), r_new.copy(), float(loss)
    ev = JumpEvent(False, float(delta), scanner._out[:n_hit].copy(),
                   scanner._sign[:n_hit].copy(), np.zeros(0, dtype=int))  # fmt: skip
    scanner.ist[1] += 1
    st.tau += ev.delta
    scanner.advance(ev.delta)
    return solve_after_jump(chol, st.values, ev, scanner.g, st.r, st.R, st.sigma, y,
                            grad_atol, st.n_boundary)  # fmt: skip
