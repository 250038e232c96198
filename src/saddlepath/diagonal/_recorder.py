"""The saved iterates of the GD/SGD loop, in preallocated float64 blocks (private).

A row costs its bytes only, :math:`8(5d + 2) + 2d` (β, dual, gradient, log|w±|, t, loss,
signs as int8) — about 310 B at d = 7 — instead of ~1.7 kB as Python lists of arrays. At most
``max_saved`` rows are kept: when that many are held, every other one is dropped and only
every other later candidate is kept (the stride doubles), and the caller warns.
"""

from __future__ import annotations

import numpy as np

_VECTORS = ("beta", "dual", "gradient", "log_abs_w_plus", "log_abs_w_minus")
_SIGNS = ("sign_w_plus", "sign_w_minus")
_FIRST_CAPACITY = 1024


class Recorder:
    """Collects one row per saved iterate; ``arrays()`` returns them (time first).

    ``expected``: the number of rows the run will offer, when known (no regrowth then).
    """

    def __init__(
        self, n_features: int, time_scale: float, max_saved: int, expected: int | None = None
    ) -> None:
        self.time_scale = time_scale
        self.max_saved = max_saved
        self.stride = 1
        self.n = 0
        self._n_candidates = 0
        self._data: dict[str, np.ndarray] = {}
        self._allocate(min(max_saved, expected or _FIRST_CAPACITY), n_features)

    def __len__(self) -> int:
        return self.n

    def _allocate(self, capacity: int, d: int) -> None:
        old, n = self._data, self.n
        new = {"t": np.empty(capacity), "loss": np.empty(capacity)}
        new["candidate"] = np.empty(capacity, dtype=np.int64)
        new.update({key: np.empty((capacity, d)) for key in _VECTORS})
        new.update({key: np.empty((capacity, d), dtype=np.int8) for key in _SIGNS})
        for key, val in old.items():
            new[key][:n] = val[:n]
        self._data = new

    def add(self, t, dual, lp, lm, sp, sm, beta, gradient, loss, *, forced=False) -> None:
        """Offer the iterate at raw time ``t`` (``dual`` is s = S/λ); ``forced``: always keep."""
        data = self._data
        if self.n and data["t"][self.n - 1] >= t:  # never the same time twice, nor go back
            return
        candidate = self._n_candidates
        self._n_candidates += 1
        if candidate % self.stride and not forced:
            return
        if self.n == data["t"].shape[0]:
            self._make_room()
            data = self._data
            if candidate % self.stride and not forced:
                return
        i = self.n
        data["t"][i], data["loss"][i], data["candidate"][i] = t, loss, candidate
        for key, val in zip(_VECTORS, (beta, dual, gradient, lp, lm), strict=True):
            data[key][i] = val
        data["sign_w_plus"][i], data["sign_w_minus"][i] = sp, sm
        self.n = i + 1

    def _make_room(self) -> None:
        capacity, d = self._data["beta"].shape
        if capacity < self.max_saved:
            self._allocate(min(2 * capacity, self.max_saved), d)
            return
        self.stride *= 2  # thin: keep the candidates that are multiples of the new stride
        keep = np.flatnonzero(self._data["candidate"][: self.n] % self.stride == 0)
        for val in self._data.values():
            val[: keep.size] = val[keep]
        self.n = keep.size

    def arrays(self) -> dict[str, np.ndarray]:
        """The saved rows: ``t``, ``tau``, ``loss`` and the vectors (views, time first)."""
        n, data = self.n, self._data
        out = {key: data[key][:n] for key in ("t", "loss", *_VECTORS)}
        out["tau"] = out["t"] / self.time_scale
        return out

    def signs(self) -> tuple[np.ndarray, np.ndarray]:
        """Signs of :math:`w_\\pm` at the saved rows (int8)."""
        return self._data["sign_w_plus"][: self.n], self._data["sign_w_minus"][: self.n]
