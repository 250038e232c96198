r"""Figures of an exact saddle path.

Three views of one :class:`~saddlepath.SaddlePath` (Pesme & Flammarion 2023, Fig. 1):

* :func:`plot_path_loss_vs_tau` — ``L(β°(τ))`` against accelerated time, a staircase;
* :func:`plot_path_beta_vs_tau` — every coordinate of ``β°(τ)``, piecewise constant;
* :func:`plot_path_beta_vs_saddle` — ``β_k`` against the saddle index ``k``, which
  stays readable when the jump times span orders of magnitude.

Figures are built with :class:`matplotlib.figure.Figure` directly, without ``pyplot``:
no GUI backend is touched, nothing is shown, and nothing is kept alive by a global
figure manager. Save them with :func:`saddlepath.io.save_figure_atomic`. Matplotlib is
imported only by :mod:`saddlepath.plotting`; numerical modules never import it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatterSciNotation, MaxNLocator

from saddlepath.plotting._style import legend_outside

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from saddlepath.diagonal.path_result import SaddlePath

__all__ = [
    "LOSS_LABEL",
    "TAU_LABEL",
    "plot_path_beta_vs_saddle",
    "plot_path_beta_vs_tau",
    "plot_path_loss_vs_tau",
]

TAU_LABEL = "accelerated time τ = t / ln(1/α)"
LOSS_LABEL = "loss L(β) = ‖Xβ − y‖² / (2n)"
_FIGSIZE = (8.5, 4.5)
_ZERO_LOSS = 1e-12  # losses below this fraction of L(0) are round-off zeros
_LOG_X_SPAN = 100.0  # use a log τ axis when τ_last / τ_1 exceeds this
_COLOURS = ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9")  # C7 is grey, kept for the rest
_MAX_MARKED = 40  # mark each saddle with a dot up to this many saddles
_MAX_JUMP_LINES = 30  # beyond this many jumps, mark them as a rug, not full-height lines


def _new_axes() -> tuple[Figure, Axes]:
    fig = Figure(figsize=_FIGSIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(True, which="major", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _time_axis(ax: Axes, times: np.ndarray) -> np.ndarray:
    """Set up the τ axis; return the step abscissae ``τ_0, …, τ_last, horizon``.

    The horizon lies past the last jump so the last plateau shows. When the jump times
    span more than ``_LOG_X_SPAN`` the axis is logarithmic and starts at ``τ_1/2``.
    """
    if times.size < 2:
        horizon = 1.0
    else:
        horizon = float(times[-1] + max(0.15 * times[-1], 0.5 * (times[-1] - times[-2])))
    x = np.append(times, horizon)
    log_x = times.size > 2 and times[-1] / times[1] > _LOG_X_SPAN
    if log_x:
        x[0] = times[1] / 2
        horizon = times[-1] * 1.5
        x[-1] = horizon
        ax.set_xscale("log")
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel(TAU_LABEL + ("  (log scale)" if log_x else ""))
    return x


def _title(ax: Axes, main: str, path: SaddlePath) -> None:
    """A bold one-line title, then the number of jumps and the status (wrapped)."""
    jumps = "1 jump" if path.n_jumps == 1 else f"{path.n_jumps} jumps"
    status = "\n".join(textwrap.wrap(f"{jumps} · {path.status.value}", 95))
    ax.set_title(f"{main}\n{status}", fontsize=10, loc="left")


def plot_path_loss_vs_tau(path: SaddlePath) -> Figure:
    """Plot the loss ``L(β°(τ))`` against accelerated time: a decreasing staircase.

    The loss is constant on each plateau ``[τ_k, τ_{k+1})`` and drops at every jump. The
    y axis is logarithmic when the losses are positive; a final loss that is zero up to
    round-off (``< 1e-12·L(0)``) is drawn at the bottom of the axis and labelled.

    Parameters
    ----------
    path : SaddlePath

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from saddlepath import saddle_path
    >>> from saddlepath.data import worked_example
    >>> ds = worked_example()
    >>> fig = plot_path_loss_vs_tau(saddle_path(ds.X, ds.y))
    >>> fig.axes[0].get_xlabel()
    'accelerated time τ = t / ln(1/α)'
    """
    fig, ax = _new_axes()
    times, losses = path.tau, path.loss
    shown, zero = _loss_for_display(losses)
    x = _time_axis(ax, times)
    ax.step(x, np.append(shown, shown[-1]), where="post", lw=2, color="C0", gid="loss")
    ax.plot(times[1:], shown[1:], "o", ms=4, color="C0", gid="saddles")
    if zero is not None:
        ax.set_yscale("log")
        ax.annotate(
            f"L ≈ 0: interpolates ({zero:.1e} is round-off)",
            xy=(1, shown[-1]),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 6),
            textcoords="offset points",
            ha="right",
            fontsize=9,
            color="C3",
        )
    elif losses[-1] > 0:
        ax.set_yscale("log")
    if ax.get_yscale() == "log":  # label 2·10ⁿ, 5·10ⁿ too when the range is short
        ax.yaxis.set_minor_formatter(LogFormatterSciNotation(minor_thresholds=(2, 0.5)))
    ax.set_ylabel(LOSS_LABEL)
    _title(ax, "Loss staircase: the loss is constant on each plateau, drops at each jump", path)
    return fig


def _loss_for_display(losses: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Losses with round-off zeros lifted to a floor for a log axis, and the last such."""
    scale = losses[0]
    negligible = losses <= _ZERO_LOSS * scale
    if scale <= 0 or not negligible.any() or negligible.all():
        return losses, None
    floor = losses[~negligible].min() / 10
    return np.where(negligible, floor, losses), float(losses[negligible][-1])


def _coordinate_labels(
    path: SaddlePath, feature_names: Sequence[str] | None, n_labels: int
) -> tuple[np.ndarray, list[str | None]]:
    """Coordinates ever active, largest ``max_k |β_k,i|`` first, and their legend labels."""
    coefs = path.beta
    active = np.flatnonzero(np.any(coefs != 0, axis=0))
    size = np.abs(coefs[:, active]).max(axis=0)
    active = active[np.argsort(-size, kind="stable")]
    if feature_names is not None and len(feature_names) != path.n_features:
        raise ValueError(
            f"`feature_names` must have one name per feature ({path.n_features}); got "
            f"{len(feature_names)}."
        )
    labels = [
        (str(i) if feature_names is None else str(feature_names[i])) if r < n_labels else None
        for r, i in enumerate(active)
    ]
    return active, labels


def _draw_coordinates(
    ax: Axes, x: np.ndarray, path: SaddlePath, feature_names, n_labels: int, step: bool
) -> int:
    """One line per active coordinate (colour and legend for the largest); returns count."""
    active, labels = _coordinate_labels(path, feature_names, n_labels)
    coefs = path.beta
    for rank, (i, label) in enumerate(zip(active, labels, strict=True)):
        y = np.append(coefs[:, i], coefs[-1, i]) if step else coefs[:, i]
        style = (
            dict(color=_COLOURS[rank % len(_COLOURS)], lw=1.8, label=label, zorder=3)
            if label is not None
            else dict(color="0.65", lw=0.8, label="_nolegend_", zorder=2)
        )
        marker = {} if step or x.size > _MAX_MARKED else dict(marker="o", ms=3.5)
        ax.plot(
            x, y, drawstyle="steps-post" if step else "default", gid=f"coef-{i}", **style, **marker
        )
    ax.axhline(0.0, color="0.3", lw=0.6, gid="zero")
    return int(active.size)


def _mark_jumps(ax: Axes, jump_times: np.ndarray) -> None:
    """Dotted full-height lines at the jump times, or a rug of ticks when there are many."""
    many = jump_times.size > _MAX_JUMP_LINES
    ax.vlines(
        jump_times,
        0,
        0.025 if many else 1,
        transform=ax.get_xaxis_transform(),
        colors="0.4" if many else "0.55",
        linestyles="-" if many else ":",
        lw=0.8,
        gid="jumps",
        zorder=1,
        label="jump times τ_k",
    )


def _legend(ax: Axes, n_active: int, n_labels: int) -> None:
    if n_active == 0:
        ax.text(
            0.5,
            0.5,
            "no coordinate ever becomes active",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="0.4",
        )
        return
    title = "coordinate" if n_active <= n_labels else f"largest {n_labels} of {n_active}"
    legend_outside(ax, title)


def plot_path_beta_vs_tau(
    path: SaddlePath, *, feature_names: Sequence[str] | None = None, n_labels: int = 8
) -> Figure:
    """Plot every coordinate of the limit process ``β°(τ)`` against accelerated time.

    ``β°`` is piecewise constant, equal to the saddle ``β_k`` on ``[τ_k, τ_{k+1})``. Jump
    times are marked by dotted vertical lines. When they span more than two orders of
    magnitude the τ axis is logarithmic (``β° = 0`` before the first jump ``τ_1``).

    Parameters
    ----------
    path : SaddlePath
    feature_names : sequence of str, optional
        Legend labels, one per feature; default the 0-based coordinate index.
    n_labels : int, default 8
        Only the ``n_labels`` coordinates with the largest ``max_k |β_k,i|`` are coloured
        and named in the legend; the others are drawn thin and grey.

    Returns
    -------
    matplotlib.figure.Figure
        One line per coordinate that is ever non-zero, with ``gid = "coef-<index>"``.
    """
    fig, ax = _new_axes()
    times = path.tau
    x = _time_axis(ax, times)
    n_active = _draw_coordinates(ax, x, path, feature_names, n_labels, step=True)
    if times.size > 1:
        _mark_jumps(ax, times[1:])
    _legend(ax, n_active, n_labels)
    ax.set_ylabel("coefficient β°ᵢ(τ)")
    _title(ax, "Coordinates of β°(τ) against accelerated time", path)
    return fig


def plot_path_beta_vs_saddle(
    path: SaddlePath, *, feature_names: Sequence[str] | None = None, n_labels: int = 8
) -> Figure:
    """Plot every coordinate of the saddles ``β_k`` against the saddle index ``k``.

    Equal spacing per saddle keeps every jump visible however unevenly the jump times
    ``τ_k`` are spread; when there are few saddles the top axis lists ``τ_k``.

    Parameters
    ----------
    path : SaddlePath
    feature_names : sequence of str, optional
        Legend labels, one per feature; default the 0-based coordinate index.
    n_labels : int, default 8
        Number of coordinates (largest first) coloured and named in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        One line per coordinate that is ever non-zero, with ``gid = "coef-<index>"``.
    """
    fig, ax = _new_axes()
    k = np.arange(path.n_saddles)
    n_active = _draw_coordinates(ax, k, path, feature_names, n_labels, step=False)
    _legend(ax, n_active, n_labels)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.3, k[-1] + 0.3 if k[-1] > 0 else 1)
    ax.set_xlabel("saddle index k (β_k is the saddle reached at the k-th jump; β_0 = 0)")
    ax.set_ylabel("coefficient of the saddle β_k,i")
    if path.n_saddles <= 12:
        top = ax.secondary_xaxis("top")
        top.set_ticks(k, labels=[f"{t:.3g}" for t in path.tau], fontsize=8)
        top.set_xlabel("jump time τ_k", fontsize=9)
    _title(ax, "Coordinates of the saddles β_k against the saddle index k", path)
    return fig
