"""Result folders of the commands: records of the results and their figures, as one set.

Every result a command writes is a record (:func:`saddlepath.records.write`: ``STEM.json``
plus ``STEM.npz``, loaded back with :func:`saddlepath.load`); the records and figures
replace the older ones of the same command together (:func:`saddlepath.io.write_folder`):
a killed run leaves the old set whole. Figures come from :mod:`saddlepath.plotting` (or
:mod:`saddlepath.plotting`), imported only when figures are wanted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from saddlepath import io, records
from saddlepath.report import progress

__all__ = [
    "DATA_STEM",
    "FIGURES",
    "LANDSCAPE",
    "landscape_figure",
    "path_figures",
    "record_files",
    "write_figures",
    "write_record_set",
    "write_records",
]

FIGURES = ("loss.png", "coefs_vs_tau.png", "coefs_vs_saddle.png")
DATA_STEM = "data"  # the stem of the data set's record in every result folder
LANDSCAPE = "saddle_landscape.png"


def record_files(stems: Iterable[str]) -> tuple[str, ...]:
    """The file names of the records ``stems``: ``STEM.json`` and ``STEM.npz`` each."""
    return tuple(f"{stem}.{suffix}" for stem in stems for suffix in ("json", "npz"))


def write_record_set(stage: Path, results: Mapping[str, Any]) -> dict[str, Path]:
    """Write ``{stem: result}`` as records into ``stage``; ``{"STEM.json": path, ...}``."""
    written = {}
    for stem, result in results.items():
        files = records.write(result, stage, stem)
        written.update({f"{stem}.{suffix}": files[suffix] for suffix in ("json", "npz")})
    return written


def write_records(
    out: Path,
    results: Mapping[str, Any],
    figures: Mapping[str, Callable[[], Any]],
    owned: Iterable[str] = (),
) -> dict[str, Path]:
    """Write ``{stem: result}`` as records and each ``figures[file]()`` into ``out``.

    The files replace the older ones of the same command as one set
    (:func:`saddlepath.io.write_folder`): a killed run leaves the old set whole, and a
    file in ``owned`` (an older run's figure or record) that this run does not write is
    removed, so no stale file sits beside new results.
    """

    def files(stage: Path) -> dict[str, Path]:
        written = write_record_set(stage, results)
        for file, make in figures.items():
            with progress(f"Drawing {file}…"):
                written[file] = io.save_figure_atomic(make(), stage / file)
        return written

    return io.write_folder(out, files, owned=(*record_files(results), *owned))


def path_figures(
    path: Any, feature_names: tuple[str, ...] | None = None
) -> dict[str, Callable[[], Any]]:
    """``{file: maker}`` of the three figures of a saddle path (:data:`FIGURES`).

    The loss staircase against τ, the coordinates against τ and against the saddle index.
    """
    from saddlepath import plotting  # matplotlib is imported only when figures are wanted

    return {
        FIGURES[0]: lambda: plotting.plot_path_loss_vs_tau(path),
        FIGURES[1]: lambda: plotting.plot_path_beta_vs_tau(path, feature_names=feature_names),
        FIGURES[2]: lambda: plotting.plot_path_beta_vs_saddle(path, feature_names=feature_names),
    }


def write_figures(
    path: Any, out_dir: Path, feature_names: tuple[str, ...] | None = None
) -> dict[str, Path]:
    """Write the three figures of a saddle path (:func:`path_figures`) into ``out_dir``."""
    directory = io.prepare_output_dir(out_dir)
    with progress("Drawing the figures…"):
        return {
            name: io.save_figure_atomic(make(), directory / name)
            for name, make in path_figures(path, feature_names).items()
        }


def landscape_figure(catalog: Any) -> Any:
    """The saddle landscape of a catalog of critical points (``analyze``/``saddles --plot``)."""
    from saddlepath import plotting as plots  # matplotlib is imported only with --plot

    return plots.plot_saddle_landscape(catalog)
