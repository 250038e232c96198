"""The saved iterates of the GD/SGD loop, in preallocated float64 blocks (private).

A row costs its bytes only, :math:`8(5d + 2) + 2d` (β, dual, gradient, log|w±|, t, loss,
signs as int8) — about 310 B at d = 7. The compiled loop writes the rows itself
(:func:`~saddlepath.diagonal._kernels_record.record`); at most ``max_saved`` are kept: when
that many are held, every other one is dropped and only every other later candidate is kept
(the stride doubles), and the caller warns. Below ``max_saved`` the host grows the block.
"""

from __future__ import annotations

import numpy as np

_VECTORS = ("beta", "dual", "gradient", "log_abs_w_plus", "log_abs_w_minus")
_FIRST_CAPACITY = 1024


class Recorder:
    """The record ``(vec, ts, cand, sgn, cnt)`` of ``_kernels_record``; ``arrays()`` reads it.

    ``expected``: the number of rows the run will offer, when known (no regrowth then).
    """

    def __init__(
        self, n_features: int, time_scale: float, max_saved: int, expected: int | None = None
    ) -> None:
        self.time_scale = time_scale
        self.max_saved = max_saved
        counters = np.array([0, 0, 1, max_saved], dtype=np.int64)
        self.rec = self._allocate(min(max_saved, expected or _FIRST_CAPACITY), n_features)
        self.rec = (*self.rec, counters)

    @staticmethod
    def _allocate(capacity: int, d: int) -> tuple:
        vec, ts = np.empty((5, capacity, d)), np.empty((2, capacity))
        return vec, ts, np.empty(capacity, dtype=np.int64), np.empty((2, capacity, d), np.int8)

    @property
    def n(self) -> int:
        """Rows held."""
        return int(self.rec[4][0])

    @property
    def stride(self) -> int:
        """Every how many candidates a row is kept (1 until the record was thinned)."""
        return int(self.rec[4][2])

    def __len__(self) -> int:
        return self.n

    def grow(self) -> None:
        """Double the capacity (at most ``max_saved``), keeping the rows held."""
        vec, ts, cand, sgn, counters = self.rec
        n = self.n
        new = self._allocate(min(2 * cand.shape[0], self.max_saved), vec.shape[2])
        new[0][:, :n], new[1][:, :n] = vec[:, :n], ts[:, :n]
        new[2][:n], new[3][:, :n] = cand[:n], sgn[:, :n]
        self.rec = (*new, counters)

    def arrays(self) -> dict[str, np.ndarray]:
        """The saved rows: ``t``, ``tau``, ``loss`` and the vectors (views, time first)."""
        n, (vec, ts, *_) = self.n, self.rec
        out = {"t": ts[0, :n], "loss": ts[1, :n]}
        out.update({key: vec[i, :n] for i, key in enumerate(_VECTORS)})
        out["tau"] = out["t"] / self.time_scale
        return out

    def signs(self) -> tuple[np.ndarray, np.ndarray]:
        """Signs of :math:`w_\\pm` at the saved rows (int8)."""
        return self.rec[3][0, : self.n], self.rec[3][1, : self.n]
