r"""The thesis's margin rule for plateaus, from the crossings GD recorded at every step (private).

A plateau starts at the first iteration :math:`k` with
:math:`\max|\nabla F(u_k, v_k)| \le` ``margin`` after being above it, and ends at the next
iteration above it. :func:`~saddlepath.diagonal.descent.gradient_descent` checks this at
every step when given ``margin`` and records each entry with its exact state
(:class:`~saddlepath.diagonal.descent_result.MarginCrossings`), so the iterations do not
depend on which iterates were saved.
"""

from __future__ import annotations

import numpy as np

from saddlepath.diagonal._log_weights import weights_from_signed_logs
from saddlepath.landscape.equilibrium import refine_equilibrium


def check_margin(trajectory, margin, where: str):
    """The recorded crossings to use (None: use the speed rule); checks ``margin``."""
    crossings = getattr(trajectory, "margin_crossings", None)
    if margin is None:
        return crossings
    if crossings is None:
        raise ValueError(
            f"The margin rule of {where} needs the crossings recorded at every step: run "
            f"gradient_descent(..., margin={margin!r}) (CLI: analyze --gd --margin "
            f"{margin!r}); this trajectory has none (a flow, SGD, or GD run without margin)."
        )
    if not np.isclose(margin, crossings.margin, rtol=1e-12, atol=0.0):
        raise ValueError(
            f"The `margin` parameter of {where} is {margin!r} but the trajectory recorded "
            f"crossings of margin = {crossings.margin!r}; pass margin={crossings.margin!r} "
            f"or rerun gradient_descent(..., margin={margin!r})."
        )
    return crossings


def margin_rows(trajectory, crossings) -> list[dict]:
    """One row per entry below the margin, in the format of the speed-dip rows."""
    lam, eta = trajectory.time_scale, crossings.step_size
    last = trajectory.tau[-1]
    rows = []
    for j, (first, after) in enumerate(zip(crossings.start, crossings.end, strict=True)):
        start = first * eta / lam
        u, v, _, _ = weights_from_signed_logs(
            crossings.log_abs_w_plus[j],
            crossings.log_abs_w_minus[j],
            crossings.sign_w_plus[j],
            crossings.sign_w_minus[j],
        )
        rows.append(
            {
                "index": int(_nearest(trajectory.tau, start)),
                "start": float(start),
                "end": float(last if after < 0 else after * eta / lam),
                "depth": np.nan,
                "distance": np.nan,
                "iteration": int(first),
                "open": bool(after < 0),
                "tau": float(start),
                "t": float(first * eta),
                "beta": crossings.beta[j],
                "loss": float(crossings.loss[j]),
                "u": u,
                "v": v,
            }
        )
    return rows


def margin_columns(trajectory, crossings, data, max_distance) -> dict:
    """The fields of :class:`~saddlepath.analysis.Plateaus` by the margin rule (all but the
    speed and the statuses); with ``data = (X, y)`` entries are snapped to their critical
    point and those farther than ``max_distance`` dropped (``n_rejected``)."""
    rows, equilibria = margin_rows(trajectory, crossings), None
    n_found = len(rows)
    if data is not None:
        snapped = [
            (r, refine_equilibrium(*data, u=r["u"], v=r["v"], max_distance=max_distance))
            for r in rows
        ]
        snapped = [(r, eq) for r, eq in snapped if eq.distance <= max_distance]
        for r, eq in snapped:
            r["distance"] = eq.distance
        rows, equilibria = [r for r, _ in snapped], tuple(eq for _, eq in snapped)
    column = lambda key, dt=float: np.array([r[key] for r in rows], dtype=dt)  # noqa: E731
    return {
        "tau_start": column("start"),
        "tau_end": column("end"),
        "tau": column("tau"),
        "t": column("t"),
        "position": column("index", int),
        "iterations": column("iteration", int),
        "beta": np.array([r["beta"] for r in rows]).reshape(len(rows), trajectory.beta.shape[1]),
        "loss": column("loss"),
        "depth": column("depth"),
        "equilibria": equilibria,
        "distance": column("distance"),
        "n_rejected": n_found - len(rows),
        "ends_on_plateau": bool(rows and rows[-1]["open"]),
    }


def _nearest(tau: np.ndarray, value: float) -> int:
    """The saved point nearest ``value`` (the representative's position among saved points)."""
    i = int(np.clip(np.searchsorted(tau, value), 1, tau.size - 1))
    return i if abs(tau[i] - value) < abs(value - tau[i - 1]) else i - 1
