r"""The saddle landscape: every critical point of :math:`F`, the exact path's saddles joined.

:func:`plot_saddle_landscape` draws loss against support size, coloured by Morse index,
from a computed :class:`~saddlepath.landscape.SaddleCatalog`.

Figures are built with :class:`matplotlib.figure.Figure` directly (no ``pyplot``, no GUI
backend, nothing kept alive globally); save them with
:func:`saddlepath.io.save_figure_atomic`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from saddlepath.plotting._style import _axes
from saddlepath.plotting.path import LOSS_LABEL

if TYPE_CHECKING:
    from saddlepath.landscape import SaddleCatalog

__all__ = ["plot_saddle_landscape"]

_ZERO_LOSS = 1e-12  # losses below this fraction of L(0) are drawn on the floor of the axis


def _spread(sizes: np.ndarray, losses: np.ndarray, width: float = 0.6) -> np.ndarray:
    """x positions: the support size, points of one size spread by loss rank (no overlap)."""
    x = sizes.astype(float)
    for k in np.unique(sizes):
        members = np.flatnonzero(sizes == k)
        if members.size > 1:
            rank = np.argsort(np.argsort(losses[members], kind="stable"), kind="stable")
            x[members] += width * (rank / (members.size - 1) - 0.5)
    return x


def _floor_losses(losses: np.ndarray) -> tuple[np.ndarray, bool, float | None]:
    """Losses with round-off zeros lifted to a floor, whether a log axis fits, the floor."""
    top = float(losses.max(initial=0.0))
    tiny = losses <= _ZERO_LOSS * top
    if top <= 0 or tiny.all():
        return losses, False, None
    floor = float(losses[~tiny].min()) / 10
    return np.where(tiny, floor, losses), top / floor > 100, floor if tiny.any() else None


def _draw_path(ax, catalog: SaddleCatalog, x: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """Ring and join the path's saddles in the order visited; their indices in that order."""
    visited = np.flatnonzero(catalog.visited)
    order = visited[np.argsort(catalog.path_position[visited])]
    ax.plot(
        x[order],
        losses[order],
        "-o",
        color="C3",
        mfc="none",
        ms=10,
        lw=1.5,
        zorder=3,
        gid="path",
        label="exact saddle path",
    )
    for j in order:
        ax.annotate(
            f"k={catalog.path_position[j]}",
            (x[j], losses[j]),
            xytext=(6, 4),
            textcoords="offset points",
            fontsize=8,
            color="C3",
        )
    return order


def plot_saddle_landscape(catalog: SaddleCatalog) -> Figure:
    """Plot the saddle landscape: loss against support size, the visited path highlighted.

    Every isolated critical point is a dot coloured by its Morse index (number of unstable
    directions); the saddles of the exact path are ringed and joined in the order visited,
    with their position ``k`` on the path. Losses that are zero up to round-off are drawn
    at the bottom of a log axis.

    Parameters
    ----------
    catalog : SaddleCatalog
        From :func:`~saddlepath.landscape.enumerate_saddles`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from saddlepath import saddle_path
    >>> from saddlepath.data import worked_example
    >>> from saddlepath.landscape import enumerate_saddles
    >>> ds = worked_example()
    >>> fig = plot_saddle_landscape(enumerate_saddles(ds.X, ds.y, path=saddle_path(ds.X, ds.y)))
    >>> fig.axes[0].get_xlabel()
    'support size |S|'
    """
    fig, (ax,) = _axes(size=(7.5, 4.5))
    losses, log_axis, floor = _floor_losses(catalog.loss)
    x = _spread(catalog.support_sizes, catalog.loss)
    dots = ax.scatter(
        x, losses, c=catalog.morse_index, cmap="viridis", s=18, zorder=2, gid="critical-points"
    )
    fig.colorbar(dots, ax=ax, label="Morse index (unstable directions)")
    order = _draw_path(ax, catalog, x, losses)
    if log_axis:
        ax.set_yscale("log")
    if floor is not None:
        ax.annotate(
            "interpolators: L ≈ 0 (round-off), drawn on this floor",
            (0.01, floor),
            xycoords=("axes fraction", "data"),
            xytext=(0, 5),
            textcoords="offset points",
            fontsize=8,
            color="0.35",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("support size |S|")
    ax.set_ylabel(LOSS_LABEL)
    ax.legend(loc="upper right", fontsize=9)
    ax.set_title(
        f"Saddle landscape: {len(catalog)} critical points, {order.size} on the path "
        f"({catalog.stats['n_dependent']} dependent supports skipped)",
        fontsize=10,
        loc="left",
    )
    return fig
