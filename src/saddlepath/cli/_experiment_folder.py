"""A reproduction's experiment folder: compute, or redraw from the saved record, as one set.

The folder (the contract ``saddlepath report`` reads)::

    experiment.json   {"name", "description", "paper", "quick", "config", "choices",
                       "versions", "wall_s"}
    comparison.json   {"rows": [{"quantity", "paper", "saddlepath", "exact", "verdict",
                                 "reason"}]}
    summary.md        the comparison table in markdown, the choices, the summary text
    STEM.png, .pdf    the figures
    sweep/            the sweep store, when run with ``sweep`` (kept: resumable)
    RECORD.json/.npz  the result (a records-layer pair; RECORD is the name with ``_``)

:func:`write_experiment` runs the module and writes everything; :func:`redraw_experiment`
loads the record and rewrites the derived files (figures, table, summary) without
recomputing. Both replace the folder's files as one set (:func:`saddlepath.io.write_folder`).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import platform
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import scipy

from saddlepath import __version__, io, records
from saddlepath.experiments.reproductions import (
    REPRODUCTIONS,
    find_reproduction,
    reproduction_module,
)

__all__ = [
    "EXPERIMENT_JSON",
    "comparison_markdown",
    "experiment_config",
    "read_experiment",
    "record_stem",
    "redraw_experiment",
    "write_experiment",
]

EXPERIMENT_JSON = "experiment.json"
COMPARISON_JSON = "comparison.json"
SUMMARY_MD = "summary.md"
SWEEP_STORE = "sweep"  # the store of a reproduction run through the sweep engine
_COLUMNS = ("quantity", "paper", "saddlepath", "exact", "verdict", "reason")


def record_stem(name: str) -> str:
    """The stem of a reproduction's record: its name with ``_`` for ``-``."""
    return name.replace("-", "_")


def _versions() -> dict[str, str]:
    import matplotlib  # not at import time: the command line starts without it

    return {"saddlepath": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__,
            "matplotlib": matplotlib.__version__}  # fmt: skip


def _figures(name: str, module: ModuleType, result: Any) -> dict:
    """The figures: drawn by :mod:`saddlepath.plotting.reproductions`, else by the module."""
    from saddlepath.plotting.reproductions import REPRODUCTION_FIGURES

    if name in REPRODUCTION_FIGURES:
        return REPRODUCTION_FIGURES[name](result)
    return module.figures(result)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def comparison_markdown(rows) -> str:
    """The comparison rows as a markdown table (one row per :class:`ComparisonRow`)."""
    lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(getattr(row, c)) for c in _COLUMNS) + " |")
    return "\n".join(lines)


def _summary_md(module: ModuleType, experiment: dict, rows, text: str, stems) -> str:
    choices = "\n".join(f"- **{c['setting']}** = `{c['value']}`: {c['why']}"
                        for c in experiment["choices"])  # fmt: skip
    figures = "\n".join(f"- `{s}.png` (`{s}.pdf`)" for s in stems) or "- none"
    size = experiment.get("size", "quick" if experiment["quick"] else "default")
    mode = {"quick": "quick (reduced)", "full": "full size (--full)"}.get(size, "default size")
    return (
        f"# {experiment['name']}: {experiment['description']}\n\n"
        f"Paper: {experiment['paper_title']}. Run: {mode}, {experiment['wall_s']:.1f} s, "
        f"saddlepath {experiment['versions']['saddlepath']}.\n\n"
        f"## Paper · saddlepath · exact\n\n{comparison_markdown(rows)}\n\n"
        f"## Summary\n\n{text.strip()}\n\n"
        f"## Settings the paper leaves out\n\n{choices}\n\n## Figures\n\n{figures}\n"
    )


def _derived_files(stage: Path, module, experiment: dict, result: Any) -> dict[str, Path]:
    """comparison.json, summary.md, the figures (PNG and PDF) of ``result`` and
    experiment.json (with the figures' stems, ``"figures"``)."""
    rows = module.comparison(result)
    written = {COMPARISON_JSON: io.write_text_atomic(stage / COMPARISON_JSON, io.to_json(
        {"rows": [dataclasses.asdict(row) for row in rows]}) + "\n")}  # fmt: skip
    figures = _figures(experiment["name"], module, result)
    for stem, fig in figures.items():
        for suffix in ("png", "pdf"):
            written[f"{stem}.{suffix}"] = io.save_figure_atomic(fig, stage / f"{stem}.{suffix}")
    experiment = {**experiment, "figures": list(figures)}
    written[EXPERIMENT_JSON] = io.write_text_atomic(
        stage / EXPERIMENT_JSON, io.to_json(experiment) + "\n"
    )
    text = _summary_md(module, experiment, rows, module.summary(result), list(figures))
    written[SUMMARY_MD] = io.write_text_atomic(stage / SUMMARY_MD, text)
    return written


def _owned(out: Path, *, record: bool = True) -> tuple[str, ...]:
    """The files an earlier experiment wrote into ``out`` (removed unless rewritten).

    Read from its ``experiment.json`` (its name and figures; its record unless ``record``
    is false); other files in ``out`` stay.
    """
    try:
        old = json.loads((out / EXPERIMENT_JSON).read_text(encoding="utf-8"))
        stems, name = list(old.get("figures", [])), str(old["name"])
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    return (
        EXPERIMENT_JSON, COMPARISON_JSON, SUMMARY_MD,
        *(f"{record_stem(name)}.{s}" for s in ("json", "npz") if record),
        *(f"{stem}.{s}" for stem in map(str, stems) for s in ("png", "pdf")),
    )  # fmt: skip


def _call_run(module: ModuleType, config: Any, progress: Callable | None) -> Any:
    if progress is not None and "progress" in inspect.signature(module.run).parameters:
        return module.run(config, progress=progress)
    return module.run(config)


def experiment_config(name: str, *, quick: bool = False, full: bool = False) -> Any:
    """Reproduction ``name``'s config: ``Config.quick()``, ``Config.full_size()`` or the default.

    Raises
    ------
    ValueError
        Both ``quick`` and ``full``, or ``full`` for an experiment without a full-size variant.
    """
    module = reproduction_module(name)
    if quick and full:
        raise ValueError("`quick` and `full` exclude each other: choose one size.")
    if not full:
        return module.Config.quick() if quick else module.Config()
    if not hasattr(module.Config, "full_size"):
        with_full = [e.name for e in REPRODUCTIONS
                     if hasattr(reproduction_module(e.name).Config, "full_size")]  # fmt: skip
        raise ValueError(
            f"{name} has no full-size variant: its default is already the paper's set-up. "
            f"Drop `full` (experiments with one: {', '.join(with_full) or 'none'})."
        )
    return module.Config.full_size()


def write_experiment(
    name: str,
    out: str | Path,
    *,
    quick: bool = False,
    full: bool = False,
    progress: Callable | None = None,
    sweep: dict | None = None,
) -> tuple[Any, dict[str, Path]]:
    """Run reproduction ``name`` and write ``out``: its ``Config.quick()`` with ``quick``,
    its ``Config.full_size()`` (the paper-sized variant, where one exists) with ``full``.

    ``progress(done, total)`` is passed to the module's ``run`` when it takes one. With
    ``sweep`` (``{"workers": N}`` or ``{"scheduler": address}``) the experiment's
    independent runs go through the sweep engine, into the resumable store ``out/sweep``
    (:func:`saddlepath.sweep.experiment.run_reproduction`).
    Returns the result and ``{file name: path}``.
    """
    entry, module = find_reproduction(name), reproduction_module(name)
    config = experiment_config(name, quick=quick, full=full)
    start = time.perf_counter()
    if sweep is None:
        result = _call_run(module, config, progress)
    else:
        from saddlepath.sweep.experiment import run_reproduction

        store = Path(out) / SWEEP_STORE
        result = run_reproduction(module, config, store, progress=progress, **sweep)
    experiment = {
        "name": name, "description": entry.description, "paper": entry.paper,
        "paper_title": entry.paper_title, "quick": bool(quick),
        "size": "quick" if quick else "full" if full else "default",
        "config": dataclasses.asdict(config),
        "choices": [dataclasses.asdict(c) for c in config.choices()],
        "versions": _versions(), "wall_s": time.perf_counter() - start,
        "sweep": None if sweep is None else SWEEP_STORE,
    }  # fmt: skip

    def write(stage: Path) -> dict[str, Path]:
        stem = record_stem(name)
        files = records.write(result, stage, stem)
        written = {f"{stem}.{s}": files[s] for s in ("json", "npz")}
        written.update(_derived_files(stage, module, experiment, result))
        return written

    out = Path(out)
    return result, io.write_folder(out, write, owned=_owned(out))


def read_experiment(out: str | Path) -> dict:
    """``experiment.json`` of the folder ``out``.

    Raises
    ------
    FileNotFoundError
        ``out`` holds no experiment; the message says how to make one.
    """
    path = Path(out) / EXPERIMENT_JSON
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist: {out} holds no reproduction. Run `saddlepath reproduce "
            f"NAME --out {out}` first (without --plot) to compute one."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def redraw_experiment(out: str | Path, name: str | None = None) -> tuple[Any, dict[str, Path]]:
    """Redraw the figures, table and summary of the experiment in ``out`` from its record.

    Raises
    ------
    ValueError
        ``name`` is given and the folder holds another reproduction.
    """
    out = Path(out)
    experiment = read_experiment(out)
    if name is not None and experiment.get("name") != name:
        raise ValueError(
            f"{out} holds the reproduction {experiment.get('name')!r}, not {name!r}; give "
            f"--out the folder of {name!r} or the name {experiment.get('name')!r}."
        )
    module = reproduction_module(experiment["name"])
    result = records.load(out / record_stem(experiment["name"]))
    experiment.setdefault("paper_title", find_reproduction(experiment["name"]).paper_title)

    def write(stage: Path) -> dict[str, Path]:
        return _derived_files(stage, module, experiment, result)

    return result, io.write_folder(out, write, owned=_owned(out, record=False))
