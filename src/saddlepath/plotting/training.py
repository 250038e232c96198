r"""Small-initialisation training of a deep network drawn (like BSJ 2025, Figs. 1, 3, 4).

From a :class:`~saddlepath.deep.TrainingRun`:

* :func:`plot_training` — the top singular values of every :math:`W_\ell` over training (one
  panel per layer, log scale) above the loss, the escape times marked on every panel;
* :func:`plot_training_ratios` — :math:`\sigma_i/\sigma_1` of every layer over training.

Escape times are the ends of the detected plateaus, passed in (a
:class:`~saddlepath.analysis.Plateaus` from ``find_plateaus(run)``, or times in the run's
gradient-flow time ``t``): the figures detect nothing themselves. After the first escape the
trained layers are near rank one, but :math:`\sigma_1/\sigma_2` there is set by what is
left of the initialisation (it scales like 1/init scale), not by the :math:`\ell^{1/4}` of
the optimal escape direction; :func:`plot_training_ratios` says so on the figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from saddlepath.plotting._style import _axes

if TYPE_CHECKING:
    from saddlepath.deep import TrainingRun

__all__ = ["LEFTOVER_NOTE", "escape_steps", "plot_training", "plot_training_ratios"]

LEFTOVER_NOTE = (
    "after an escape, σ₁/σ₂ is set by the leftover initialisation (∝ 1/init scale), "
    "not by the ℓ^{1/4} of the optimal escape direction"
)


def escape_steps(run: TrainingRun, escapes) -> np.ndarray:
    """The GD steps of the escapes: ``escapes`` (Plateaus or times ``t``) mapped through ``run``.

    A :class:`~saddlepath.analysis.Plateaus` gives its plateau ends ``tau_end`` (= ``t`` for
    deep runs), except the last when the run ends on it (``ends_on_plateau``: the end of the
    run is not an escape); times are interpolated on the recorded ``(t, step)`` pairs.
    ``None`` → none.
    """
    if escapes is None:
        return np.empty(0)
    times = getattr(escapes, "tau_end", escapes)
    if getattr(escapes, "ends_on_plateau", False):
        times = times[:-1]
    try:
        times = np.asarray(times, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(
            "`escapes` must be a Plateaus (from find_plateaus(run)) or a sequence of times t; "
            f"got {type(escapes).__name__}."
        ) from None
    times = times[np.isfinite(times)]
    return np.interp(times, run.t, run.step.astype(np.float64))


def _check_run(run, where: str) -> None:
    if type(run).__name__ != "TrainingRun":
        raise TypeError(
            f"The `run` parameter of {where} must be a TrainingRun (from "
            f"saddlepath.deep.train or saddlepath.load); got {type(run).__name__}."
        )


def _mark(ax, steps: np.ndarray) -> None:
    for k, step in enumerate(steps):
        ax.axvline(step, color="C3", ls=":", lw=1, gid="escape", label="escape" if k == 0 else None)


def _grid(depth: int) -> tuple[int, int]:
    ncols = min(depth, 3)
    return -(-depth // ncols), ncols


def plot_training(run: TrainingRun, escapes=None) -> Figure:
    r"""Top singular values of every layer over training, and the loss, escapes marked.

    Parameters
    ----------
    run : TrainingRun
    escapes : Plateaus or sequence of float, optional
        The escapes: ``find_plateaus(run)`` or their times in ``t`` (vertical dotted lines).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per layer ℓ with its top-10 singular values against the GD step (log
        scale), then the loss against the step.
    """
    _check_run(run, "plot_training")
    steps = escape_steps(run, escapes)
    rows, ncols = _grid(run.depth)
    fig = Figure(figsize=(4.0 * ncols, 2.6 * (rows + 1)), layout="constrained")
    grid = fig.add_gridspec(rows + 1, ncols)
    x = run.step
    for ell, s in enumerate(run.singular_values, start=1):
        ax = fig.add_subplot(grid[(ell - 1) // ncols, (ell - 1) % ncols])
        ax.grid(True, color="0.9", lw=0.8)
        for i in range(s.shape[1]):
            ax.plot(x, s[:, i], lw=1.2 if i == 0 else 0.8, gid=f"sv{ell}-{i + 1}")
        ax.set(yscale="log", title=f"layer {ell}: top {s.shape[1]} σ_i(W_{ell})")
        _mark(ax, steps)
    loss = fig.add_subplot(grid[rows, :])
    loss.grid(True, color="0.9", lw=0.8)
    loss.plot(x, run.loss, color="k", gid="loss")
    positive = run.loss[run.loss > 0]
    if positive.size and positive.max() / positive.min() > 100:
        loss.set_yscale("log")
    loss.set(xlabel="GD step", ylabel=f"training loss ({run.settings.get('loss', 'cost')})")
    _mark(loss, steps)
    if steps.size:
        loss.legend(fontsize=8)
    fig.suptitle(
        f"depth {run.depth}, widths {run.widths}; {steps.size} escape(s) marked", fontsize=10
    )
    return fig


def plot_training_ratios(run: TrainingRun, escapes=None) -> Figure:
    r""":math:`\sigma_i/\sigma_1` (i = 2…k) of every layer over training, escapes marked.

    The note :data:`LEFTOVER_NOTE` is printed on the figure: after an escape the ratios are
    set by the leftover initialisation, not by the :math:`\ell^{1/4}` of the theorem.
    """
    _check_run(run, "plot_training_ratios")
    steps = escape_steps(run, escapes)
    rows, ncols = _grid(run.depth)
    fig, axes = _axes(rows, ncols, size=(4.0 * ncols, 2.8 * rows + 0.6))
    for ell, s in enumerate(run.singular_values, start=1):
        ax = axes[ell - 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = s[:, 1:] / s[:, :1]
        for i in range(rel.shape[1]):
            ax.plot(run.step, rel[:, i], lw=0.9, gid=f"ratio{ell}-{i + 2}")
        ax.set(yscale="log", title=f"layer {ell}: σ_i/σ₁, i = 2…{s.shape[1]}")
        _mark(ax, steps)
    for ax in axes[run.depth :]:
        ax.set_visible(False)
    for ax in axes[max(0, run.depth - ncols) : run.depth]:  # the lowest panel of each column
        ax.set_xlabel("GD step")
    fig.suptitle(LEFTOVER_NOTE if steps.size else "σ_i/σ₁ over training", fontsize=9)
    return fig
