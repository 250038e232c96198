"""Shared helpers of the run figures: labels, run colours, τ range, shown coordinates.

Runs are coloured by λ, from dark (large α) to bright (small α); the limit is black and
dashed. Used by :mod:`saddlepath.plotting.trajectory`, :mod:`saddlepath.plotting.arclength`
and :mod:`saddlepath.plotting.convergence`; :func:`_axes` (a figure of gridded axes) also by
:mod:`saddlepath.plotting.init_scale` and :mod:`saddlepath.plotting.landscape`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from saddlepath.analysis.comparison import comparison_horizon
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.trajectory import Trajectory

__all__ = ["LAMBDA_LABEL", "alpha_label"]

LAMBDA_LABEL = "λ = ln(1/α)"
_ACTIVE = 1e-3  # without a path, a coordinate is shown when max|β_i| exceeds this · max|β|


def alpha_label(log_alpha: float) -> str:
    """``"α = 1e-100"`` when α is a power of ten, else ``"α = exp(-1e+05)"``.

    Examples
    --------
    >>> import math
    >>> alpha_label(-100 * math.log(10)), alpha_label(-1e5)
    ('α = 1e-100', 'α = exp(-1e+05)')
    """
    log10 = log_alpha / np.log(10.0)
    if abs(log10 - round(log10)) < 1e-9 * max(1.0, abs(log10)):
        return f"α = 1e{round(log10)}"
    return f"α = exp({log_alpha:.4g})"


def one_or_many(value, cls: type, *, name: str, where: str, source: str) -> list:
    """``value`` (one ``cls`` or a non-empty sequence of them) as a list, else a TypeError.

    ``source`` says where such objects come from, for the message.
    """
    items = [value] if isinstance(value, cls) else value
    if not isinstance(items, Sequence) or not items or not all(isinstance(v, cls) for v in items):
        article = "an" if cls.__name__[0] in "AEIOU" else "a"
        raise TypeError(
            f"The `{name}` parameter of {where} must be {article} {cls.__name__} or a non-empty "
            f"sequence of them (from {source}). Got {type(value).__name__}."
        )
    return list(items)


def _runs(trajectories, where: str) -> list[Trajectory]:
    runs = one_or_many(
        trajectories, Trajectory, name="trajectories", where=where, source="gradient_flow"
    )
    return sorted(runs, key=lambda r: -r.log_alpha)  # large α first


def _check_path(path, where: str) -> SaddlePath | None:
    if path is not None and not isinstance(path, SaddlePath):
        raise TypeError(
            f"The `path` parameter of {where} must be a SaddlePath or None. Got "
            f"{type(path).__name__} instead."
        )
    return path


def _check_limit(limit, path: SaddlePath | None, where: str):
    """``limit`` as given: a LimitArcLength of ``path`` (from ``arclength_of_path``), or None."""
    if limit is None:
        return None
    from saddlepath.analysis.arclength import LimitArcLength

    if not isinstance(limit, LimitArcLength):
        raise TypeError(
            f"The `limit` parameter of {where} must be a LimitArcLength (from "
            f"saddlepath.analysis.arclength_of_path(path)) or None. Got {type(limit).__name__}."
        )
    if path is None or limit.beta.shape[1] != path.n_features:
        raise ValueError(
            f"The `limit` parameter of {where} draws the limit of `path`: pass the path too, "
            "and the curve arclength_of_path(path) of that same path."
        )
    return limit


def _run_colours(n: int) -> list:
    cmap = colormaps["plasma"]
    return [cmap(x) for x in np.linspace(0.05, 0.8, n)] if n > 1 else [cmap(0.05)]


def _horizon(runs: list[Trajectory], path: SaddlePath | None) -> float:
    if path is not None:
        return comparison_horizon(path)
    return float(max(r.tau[-1] for r in runs))


def _until(tau: np.ndarray, horizon: float) -> np.ndarray:
    """Mask of the saved points up to ``horizon`` and the first one after it."""
    keep = tau <= horizon
    first_after = np.searchsorted(tau, horizon, side="right")
    keep[min(first_after, tau.size - 1)] = True
    return keep


def _shown_coordinates(runs, path: SaddlePath | None, n_max: int | None = None) -> np.ndarray:
    """Coordinates to draw, largest first: those of the path, else those the runs move."""
    if path is not None:
        size = np.abs(path.beta).max(axis=0)
        active = np.flatnonzero(size > 0)
    else:
        size = np.max([np.abs(r.beta).max(axis=0) for r in runs], axis=0)
        active = np.flatnonzero(size > _ACTIVE * size.max()) if size.max() > 0 else []
    active = np.asarray(active, dtype=int)
    active = active[np.argsort(-size[active], kind="stable")]
    return active if n_max is None else active[:n_max]


def _three_coordinates(runs, path, coordinates) -> np.ndarray:
    """The three feature indices of a 3-D view: as given, else the three largest."""
    d = runs[0].beta.shape[1]
    if coordinates is None:
        shown = list(_shown_coordinates(runs, path, 3))
        shown += [i for i in range(d) if i not in shown][: 3 - len(shown)]
        coordinates = shown
    idx = np.asarray(coordinates)
    if (
        idx.shape != (3,)
        or not np.issubdtype(idx.dtype, np.integer)
        or np.any(idx < 0)
        or np.any(idx >= d)
        or np.unique(idx).size != 3
    ):
        raise ValueError(
            f"`coordinates` must be three distinct feature indices in [0, {d}); got "
            f"{coordinates!r}. A 3-D view needs at least 3 features."
        )
    return idx


def _axes(nrows: int = 1, ncols: int = 1, size=(8.5, 4.5), **kw):
    """A constrained-layout figure of ``size`` inches and its axes, flat, each with a light grid.

    ``kw`` goes to :meth:`matplotlib.figure.Figure.subplots` (e.g. ``sharex=True``).
    """
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw).ravel()
    for ax in axes:
        ax.grid(True, which="major", color="0.9", lw=0.8)
        ax.set_axisbelow(True)
    return fig, axes


def legend_outside(ax, title: str) -> None:
    """A small legend to the right of ``ax`` (when it has labelled artists)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(
            title=title,
            fontsize=8,
            title_fontsize=8,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
