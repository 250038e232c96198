"""A growing buffer of saved states shared by the GD and flow loops (private)."""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal.model import Initialisation

_KEYS = (
    "t",
    "tau",
    "beta",
    "dual",
    "gradient",
    "loss",
    "log_abs_w_plus",
    "log_abs_w_minus",
)


class Recorder:
    """Collects one row per saved time; ``arrays()`` stacks them (time first)."""

    def __init__(self, initial: Initialisation, time_scale: float) -> None:
        self.initial = initial
        self.time_scale = time_scale
        self.rows: dict[str, list] = {key: [] for key in _KEYS}
        self.last_t = -np.inf

    def __len__(self) -> int:
        return len(self.rows["t"])

    def add(self, t, dual, lp, lm, beta, gradient, loss) -> None:
        """Save the state at raw time ``t`` (``dual`` is s = S/λ)."""
        if t == self.last_t:  # never save the same time twice
            return
        rows = self.rows
        rows["t"].append(float(t))
        rows["tau"].append(float(t) / self.time_scale)
        rows["beta"].append(np.array(beta, dtype=float))
        rows["dual"].append(np.array(dual, dtype=float))
        rows["gradient"].append(np.array(gradient, dtype=float))
        rows["loss"].append(float(loss))
        rows["log_abs_w_plus"].append(np.array(lp, dtype=float))
        rows["log_abs_w_minus"].append(np.array(lm, dtype=float))
        self.last_t = t

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the saved rows stacked into arrays."""
        return {key: np.asarray(val, dtype=float) for key, val in self.rows.items()}
