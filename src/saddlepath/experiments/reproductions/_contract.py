r"""What every paper reproduction provides, and the rows of its comparison table.

A reproduction is a module of :mod:`saddlepath.experiments.reproductions` with:

``NAME`` (str)
    The command-line name, ``"<paper>-<experiment>"`` (e.g. ``"pf-figure1"``).
``DESCRIPTION`` (str)
    One line for ``saddlepath reproduce --list``.
``PAPER`` (str)
    ``"pf"`` (Pesme & Flammarion 2023), ``"thesis"`` or ``"bsj"`` (Bantzis, Simon & Jacot 2025).
``Config``
    A frozen dataclass holding the paper's set-up, with a ``quick()`` classmethod (a reduced
    version that runs in seconds) and ``choices()`` returning the :class:`Choice` of every
    setting the paper leaves out.
``run(config) -> result``
    Pure and seeded; the result is a frozen dataclass registered with the records layer, so
    figures and tables are redrawn from a saved result without recomputing.
``comparison(result) -> tuple[ComparisonRow, ...]``
    Quantity · paper · saddlepath · exact · verdict, with the reason for every difference.
Figures
    Not in the module (the experiments layer does not draw): a function ``result ->
    dict[str, Figure]`` (file stem → figure) in :mod:`saddlepath.plotting`, listed in
    :data:`saddlepath.plotting.reproductions.REPRODUCTION_FIGURES` under ``NAME``.
``summary(result) -> str``
    Markdown paragraphs written beside the table (what was found, and why numbers differ).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VERDICTS", "Choice", "ComparisonRow"]

VERDICTS = ("agrees", "differs", "n/a")


@dataclass(frozen=True)
class ComparisonRow:
    """One row of a reproduction's comparison table (every cell a display string).

    ``paper``, ``saddlepath`` and ``exact`` are ``""`` where there is no such value;
    ``verdict`` is one of :data:`VERDICTS`; ``reason`` explains every ``"differs"``.
    """

    quantity: str
    paper: str
    saddlepath: str
    exact: str
    verdict: str
    reason: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}; got {self.verdict!r}.")
        if self.verdict == "differs" and not self.reason:
            raise ValueError(f"{self.quantity!r} differs from the paper: give the reason.")


@dataclass(frozen=True)
class Choice:
    """A setting the paper leaves out: the value chosen and why."""

    setting: str
    value: str
    why: str
