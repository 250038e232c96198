"""The sections of a report page for each kind of folder: run, experiment, sweep.

Each builder returns a :class:`Sections`: (anchor, title, HTML body) triples in page order,
the charts they place, and the problems met (shown on the page and by the CLI). Every text
read from the folder is escaped by :mod:`._markup`.
"""

from __future__ import annotations

import importlib
import statistics
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saddlepath.report.html._charts import Chart
from saddlepath.report.html._folders import FolderRecord, read_json, read_records
from saddlepath.report.html._markup import esc, figure_image, params_list, problem, table
from saddlepath.report.html._records_view import chart_figure, records_view
from saddlepath.report.html._sweep import read_results, sweep_charts

__all__ = ["MAX_IMAGE_BYTES", "MAX_ROWS", "Sections", "build_sections"]

MAX_IMAGE_BYTES = 8_000_000  # a figure larger than this is listed, not inlined
MAX_ROWS = 500  # rows of a sweep's results table shown on the page


@dataclass(eq=False)
class Sections:
    """The page's sections, the charts placed in them and the problems met."""

    items: list[tuple[str, str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, anchor: str, title: str, body: str) -> None:
        self.items.append((anchor, title, body))


def _figures(folder: Path, out: Sections) -> None:
    blocks = []
    for image in sorted(folder.glob("*.png")):
        size = image.stat().st_size
        if size > MAX_IMAGE_BYTES:
            blocks.append(problem(f"{image.name} ({size:,} bytes) is too large to inline."))
            continue
        blocks.append(figure_image(image.read_bytes(), image.name))
    others = sorted(p.name for p in folder.glob("*.pdf"))
    if others:
        blocks.append(f'<p class="note">Also in the folder: {esc(", ".join(others))}</p>')
    if blocks:
        out.add("figures", "Figures", "".join(blocks))


def _record_files(records: list[FolderRecord]) -> str:
    rows = [(r.stem, r.type, r.header.get("saddlepath_version", "?"),
             r.header.get("schema_version", "?"), r.header.get("npz", {}).get("bytes", "?"),
             r.modified) for r in records]  # fmt: skip
    headers = ("record", "type", "saddlepath", "schema", "NPZ bytes", "written (UTC)")
    return table(headers, rows, caption="Load any of them with saddlepath.load('DIR/STEM').")


def _results(folder: Path, out: Sections) -> None:
    records = read_records(folder)
    if not records:
        return
    view = records_view(records)
    out.add("results", "Results", "".join(view.blocks))
    out.charts.extend(view.charts)
    out.problems.extend(view.problems)
    _figures(folder, out)
    out.add("versions", "Record files, versions and times", _record_files(records))


def _run(folder: Path, out: Sections) -> None:
    _results(folder, out)


def _experiment(folder: Path, out: Sections) -> None:
    meta, error = read_json(folder / "experiment.json")
    if error or not isinstance(meta, dict):
        out.problems.append(error or "experiment.json does not hold an object")
        meta = {}
    head = {k: meta.get(k, "") for k in ("name", "description", "paper", "quick", "wall_s")}
    out.add("experiment", "Experiment", params_list(head))
    out.add("parameters", "Parameters", params_list(meta.get("config") or {}))
    choices = [(c.get("setting", ""), c.get("value", ""), c.get("why", ""))
               for c in meta.get("choices") or [] if isinstance(c, dict)]  # fmt: skip
    if choices:
        out.add("choices", "Choices made", table(("setting", "value", "why"), choices))
    _register_result_type(str(meta.get("name", "")))
    _comparison(folder, out)
    summary = folder / "summary.md"
    if summary.is_file():
        text = summary.read_text(encoding="utf-8", errors="replace")
        out.add("summary", "Summary (summary.md)", f"<pre>{esc(text)}</pre>")
    _results(folder, out)
    out.add("environment", "Versions and timing", params_list(
        {"versions": meta.get("versions") or {}, "wall_s": meta.get("wall_s", "")}))  # fmt: skip


def _register_result_type(name: str) -> None:
    """Import the reproduction module ``name`` names (``pf-figure1`` → ``pf_figure1``), so
    that its result type is registered before its record is loaded; a missing module is
    left to the record's own "unknown type" error."""
    module = name.replace("-", "_")
    if module.isidentifier():
        with suppress(ImportError):
            importlib.import_module(f"saddlepath.experiments.reproductions.{module}")


def _comparison(folder: Path, out: Sections) -> None:
    if not (folder / "comparison.json").is_file():
        out.problems.append("comparison.json is missing from the experiment folder")
        return
    data, error = read_json(folder / "comparison.json")
    rows = data.get("rows") if isinstance(data, dict) else None
    if error or not isinstance(rows, list):
        out.problems.append(error or "comparison.json has no list 'rows'")
        return
    names = ("quantity", "paper", "saddlepath", "exact", "verdict", "reason")
    cells = [[str(r.get(n, "")) if isinstance(r, dict) else "" for n in names] for r in rows]
    classes = [f"verdict-{c[4]}" if c[4] in ("agrees", "differs") else "" for c in cells]
    out.add("comparison", "Comparison: paper · saddlepath · exact",
            table(names, cells, row_classes=classes))  # fmt: skip


def _sweep_overview(meta: dict, columns: dict[str, list[Any]]) -> str:
    status = columns.get("status", [])
    wall = [float(w) for w in columns.get("wall_s", []) if isinstance(w, int | float)]
    info = {
        "task": meta.get("task", "?"), "runs in the grid": meta.get("n_runs", "?"),
        "done": status.count("done"), "failed": status.count("failed"),
        "created": meta.get("created", "?"),
        "saddlepath version": meta.get("saddlepath_version", "?"),
        "wall time, sum of runs (s)": f"{sum(wall):.4g}" if wall else "–",
        "wall time, median run (s)": f"{statistics.median(wall):.4g}" if wall else "–",
    }  # fmt: skip
    return params_list(info)


def _failures(folder: Path, out: Sections) -> None:
    blocks = []
    for path in sorted((folder / "failures").glob("*.json")):
        data, error = read_json(path)
        if error or not isinstance(data, dict):
            out.problems.append(error or f"{path.name} does not hold an object")
            continue
        blocks.append(
            f"<details><summary>{esc(data.get('key', path.stem))}: "
            f"{esc(data.get('error', ''))} ({esc(data.get('attempts', '?'))} attempts)"
            f"</summary>{params_list(data.get('config') or {})}"
            f"<pre>{esc(data.get('traceback', ''))}</pre></details>"
        )
    if blocks:
        out.add("failures", f"Failures ({len(blocks)})", "".join(blocks))


def _sweep(folder: Path, out: Sections) -> None:
    meta, error = read_json(folder / "sweep.json")
    if error or not isinstance(meta, dict):
        out.problems.append(error or "sweep.json does not hold an object")
        meta = {}
    columns: dict[str, list[Any]] = {}
    if (folder / "results.parquet").is_file():
        try:
            columns = read_results(folder / "results.parquet")
        except (ImportError, OSError, ValueError) as exc:
            out.problems.append(f"results.parquet could not be read: {exc}")
    else:
        out.problems.append("results.parquet is missing from the sweep store")
    out.add("sweep", "Sweep", _sweep_overview(meta, columns))
    out.add("grid", "Grid", params_list(meta.get("grid") or {}))
    charts, problems = sweep_charts(columns) if columns else ([], [])
    out.problems.extend(problems)
    if charts:
        out.add("summary", "Summary over the grid", "".join(chart_figure(c) for c in charts))
        out.charts.extend(charts)
    if columns:
        names = list(columns)
        rows = list(zip(*(columns[n] for n in names), strict=True))
        note = f" (first {MAX_ROWS} of {len(rows)})" if len(rows) > MAX_ROWS else ""
        body = table(names, rows[:MAX_ROWS], caption="results.parquet: one row per run" + note)
        out.add("runs", f"Runs ({len(rows)})", body)
    _failures(folder, out)
    _versions_of_a_run(folder, out)


def _versions_of_a_run(folder: Path, out: Sections) -> None:
    for run_json in sorted((folder / "runs").glob("*/run.json"))[:1]:
        data, error = read_json(run_json)
        if not error and isinstance(data, dict):
            out.add("versions", "Versions (of a finished run)",
                    params_list(data.get("versions") or {}))  # fmt: skip


_BUILDERS = {"run": _run, "experiment": _experiment, "sweep": _sweep}


def build_sections(folder: Path, kind: str) -> Sections:
    """The sections of the page for ``folder`` of kind ``"run"``/``"experiment"``/``"sweep"``."""
    out = Sections()
    _BUILDERS[kind](folder, out)
    return out
