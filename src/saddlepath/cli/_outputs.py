"""Result folders of the commands: a JSON record and its figures, replaced as one set.

Every write goes through :mod:`saddlepath.io` (:func:`~saddlepath.io.write_folder`):
a killed run leaves the old set whole. Figures come from :mod:`saddlepath.plotting`
(or :mod:`saddlepath.plotting`), imported only when figures are wanted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from saddlepath import io
from saddlepath.report import progress

__all__ = ["FIGURES", "LANDSCAPE", "landscape_figure", "write_figures", "write_outputs"]

FIGURES = ("loss.png", "coefs_vs_tau.png", "coefs_vs_saddle.png")


def write_outputs(
    out: Path, name: str, record: dict, figures: dict, owned_figures: tuple[str, ...] = ()
) -> dict[str, Path]:
    """Write ``record`` as ``out/name`` and each ``figures[file]()`` as ``out/file``.

    The files replace the older ones of the same command as one set
    (:func:`saddlepath.io.write_folder`): a killed run leaves the old set whole, and a
    figure in ``owned_figures`` that this run does not draw is removed (no stale figure
    beside new results).
    """

    def files(stage: Path) -> dict[str, Path]:
        written = {"json": io.write_json_atomic(stage / name, record)}
        for file, make in figures.items():
            with progress(f"Drawing {file}…"):
                written[file] = io.save_figure_atomic(make(), stage / file)
        return written

    return io.write_folder(out, files, owned=(name, *owned_figures))


def write_figures(
    path: Any, out_dir: Path, feature_names: tuple[str, ...] | None = None
) -> dict[str, Path]:
    """Write the three figures of a saddle path (:data:`FIGURES`) into ``out_dir`` atomically.

    The loss staircase against τ, the coordinates against τ and against the saddle index.
    """
    from saddlepath import plotting  # matplotlib is imported only when figures are wanted

    makers: dict[str, Callable[[], Any]] = {
        FIGURES[0]: lambda: plotting.plot_loss_staircase(path),
        FIGURES[1]: lambda: plotting.plot_coefficients_vs_time(path, feature_names=feature_names),
        FIGURES[2]: lambda: plotting.plot_coefficients_vs_saddle(path, feature_names=feature_names),
    }
    directory = io.prepare_output_dir(out_dir)
    with progress("Drawing the figures…"):
        return {
            name: io.save_figure_atomic(make(), directory / name) for name, make in makers.items()
        }


LANDSCAPE = "saddle_landscape.png"


def landscape_figure(catalog: Any) -> Any:
    """The saddle landscape of a catalog of critical points (``analyze``/``saddles --plot``)."""
    from saddlepath import plotting as plots  # matplotlib is imported only with --plot

    return plots.plot_saddle_landscape(catalog)
