"""The records of a folder as page blocks: the saddle tables, statuses, costs and charts.

Each known result type is shown with the table :mod:`saddlepath.report` prints for it on
the console (the same builders, rendered as HTML) and, where a picture helps, interactive
charts (:mod:`._charts`). Any other record is shown by its scalar fields. The data set of the
folder (the ``data`` record) names the coordinates; without one they are 0-based positions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rich.text import Text

from saddlepath.analysis import find_plateaus
from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath, Trajectory
from saddlepath.report._rows import jump_rows
from saddlepath.report.analysis import jump_table, reason_lines
from saddlepath.report.catalog import catalog_table
from saddlepath.report.html._charts import (
    Chart,
    convergence_charts,
    path_charts,
    runs_loss_chart,
    trajectory_charts,
)
from saddlepath.report.html._folders import FolderRecord
from saddlepath.report.html._markup import esc, params_list, problem, rich_table, table
from saddlepath.report.path import path_table, status_line
from saddlepath.report.run import plateau_table, trajectory_status_line
from saddlepath.report.studies import study_table

__all__ = ["RecordsView", "chart_figure", "records_view"]


# the order of records on the page: results first, the data set last
_ORDER = {"SaddlePath": 0, "Trajectory": 1, "ConvergenceStudy": 2, "SaddleCatalog": 3,
          "PathCertificate": 5, "Dataset": 7}  # fmt: skip


@dataclass(frozen=True, eq=False)
class RecordsView:
    """The HTML blocks of a folder's records, the charts they use, and the problems met."""

    blocks: list[str]
    charts: list[Chart] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def chart_figure(chart: Chart) -> str:
    """The placeholder ``chart.js`` draws into: a titled ``<figure>`` with its caption."""
    return (
        f'<figure class="chart" id="{esc(chart.key)}" data-chart="{esc(chart.key)}">'
        f"<figcaption><b>{esc(chart.title)}</b>. {esc(chart.caption)}</figcaption></figure>"
    )


def _dataset(records: list[FolderRecord]) -> Dataset | None:
    for rec in records:
        if isinstance(rec.result, Dataset):
            return rec.result
    return None


def _first(records: list[FolderRecord], type_name: str) -> Any:
    return next((r.result for r in records if r.type == type_name and r.result is not None), None)


def _status_html(line: str, success: bool) -> str:
    cls = "status-ok" if success else "status-bad"
    return f'<p class="{cls}">{esc(Text.from_markup(line).plain)}</p>'


def _stats(result: Any) -> str:
    stats = getattr(result, "stats", None)
    if not isinstance(stats, dict) or not stats:
        return ""
    flat = {k: (np.asarray(v).tolist() if isinstance(v, np.ndarray) else v)
            for k, v in stats.items()}  # fmt: skip
    return "<h3>Cost counters (stats)</h3>" + params_list(flat)


def _fields(result: Any) -> str:
    """A result's scalar fields (numbers, strings, statuses) and its arrays' shapes."""
    if not dataclasses.is_dataclass(result):
        return f"<p>{esc(type(result).__name__)}</p>"
    rows, arrays = [], []
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, np.ndarray):
            arrays.append((f.name, f"array {value.shape} {value.dtype}"))
        elif hasattr(value, "value") and hasattr(value, "name"):  # a status enum
            rows.append((f.name, f"{value.name}: {value.value}"))
        elif isinstance(value, bool | int | float | str) or value is None:
            rows.append((f.name, repr(value) if isinstance(value, float) else str(value)))
    rows += arrays  # the scalars first
    return table(("field", "value"), rows)


def _view_path(path: Any, ds: Dataset, stem: str) -> tuple[str, list[Chart]]:
    charts = path_charts(path, ds.feature_names, stem)
    body = _status_html(status_line(path), path.status.success) + rich_table(path_table(path, ds))
    if path.tolerances:
        body += "<h3>Parameters (tolerances)</h3>" + params_list(dict(path.tolerances))
    return body + "".join(chart_figure(c) for c in charts) + _stats(path), charts


def _view_trajectory(traj: Any, ds: Dataset, stem: str, path: Any) -> tuple[str, list[Chart]]:
    charts = trajectory_charts(traj, ds.feature_names, stem, path)
    body = _status_html(trajectory_status_line(traj), traj.status.success)
    body += rich_table(plateau_table(traj, find_plateaus(traj), ds, path))
    body += "<h3>Parameters and outcome</h3>" + _fields(traj)
    return body + "".join(chart_figure(c) for c in charts) + _stats(traj), charts


def _view_certificate(cert: Any) -> str:
    rows = [(c.name, "passed" if c.passed else "FAILED", f"{c.worst:.3g}", c.detail)
            for c in cert.checks]  # fmt: skip
    by = ", ".join(cert.certified_by) or "not certified"
    verdict = "passed" if cert.passed else "FAILED"
    return (_status_html(f"certificate {verdict}; endpoint certified by: {by}", cert.passed)
            + table(("check", "result", "worst", "what"), rows))  # fmt: skip


def _view_dataset(ds: Dataset) -> str:
    names = ds.feature_names
    shown = "positions 0 … d−1" if names is None else ", ".join(names[:20]) + (
        f" …+{len(names) - 20}" if len(names) > 20 else "")  # fmt: skip
    info = {"name": ds.name, "n_samples": ds.n_samples, "n_features": ds.n_features,
            "coordinates": shown,
            "planted β* non-zeros": "unknown" if ds.beta_star is None
            else int(np.count_nonzero(ds.beta_star))}  # fmt: skip
    return params_list(info)


def _view_one(rec: FolderRecord, records: list[FolderRecord], ds: Dataset):
    path = _first(records, "SaddlePath")
    if rec.type == "SaddlePath":
        return _view_path(rec.result, ds, rec.stem)
    if rec.type == "Trajectory":
        return _view_trajectory(rec.result, ds, rec.stem, path)
    if rec.type == "ConvergenceStudy":
        charts = convergence_charts(rec.result, rec.stem)
        body = rich_table(study_table(rec.result, ds)) + "".join(chart_figure(c) for c in charts)
        return body, charts
    if rec.type == "SaddleCatalog":
        return rich_table(catalog_table(rec.result, ds, show_all=False)), []
    if rec.type == "PathCertificate":
        return _view_certificate(rec.result), []
    if rec.type == "Dataset":
        return _view_dataset(rec.result), []
    return _view_composite(rec.result, ds, rec.stem)


def _parts(result: Any) -> tuple[Dataset | None, SaddlePath | None, list[Trajectory]]:
    """The data set, exact path and runs a composite result (an experiment's) holds."""
    ds, path, runs = None, None, []
    for f in dataclasses.fields(result) if dataclasses.is_dataclass(result) else ():
        value = getattr(result, f.name)
        values = value if isinstance(value, tuple | list) else (value,)
        ds = ds or next((v for v in values if isinstance(v, Dataset)), None)
        path = path or next((v for v in values if isinstance(v, SaddlePath)), None)
        runs += [v for v in values if isinstance(v, Trajectory)]
    return ds, path, runs


def _view_composite(result: Any, ds: Dataset | None, stem: str) -> tuple[str, list[Chart]]:
    """Any other result: its scalar fields, and the path and runs it holds, drawn."""
    own, path, runs = _parts(result)
    ds = own or ds
    body, charts = _fields(result) + _stats(result), []
    if path is not None and ds is not None:
        more, charts = _view_path(path, ds, f"{stem}-path")
        body += more
    if runs:
        names = ds.feature_names if ds is not None else None
        last = trajectory_charts(runs[-1], names, f"{stem}-run", path)[1]
        charts += [runs_loss_chart(runs, path, stem), last]
        body += chart_figure(charts[-2]) + chart_figure(last)
    return body, charts


def _view_jumps(jumps: list[FolderRecord], records: list[FolderRecord], ds: Dataset) -> str:
    """The jumps explained (``saddlepath analyze``): one table over every ``jump_K`` record."""
    explanations = sorted((r.result for r in jumps), key=lambda e: e.saddle_index)
    traj = _first(records, "Trajectory")
    method = traj.method if traj is not None else "flow"
    alpha = f"exp(−{-float(traj.log_alpha):.6g})" if traj is not None else "? (no run saved)"
    rows = jump_rows(explanations)
    table = rich_table(jump_table(rows, ds, method=method, alpha=alpha))
    lines = "".join(f"<p>{esc(Text.from_markup(line).plain)}</p>"
                    for line in reason_lines(rows, ds.feature_names))  # fmt: skip
    stems = ", ".join(r.stem for r in jumps)
    return f"<h3>Jumps explained ({esc(stems)})</h3>{table}{lines}"


def records_view(records: list[FolderRecord]) -> RecordsView:
    """One block per record (``<h3>`` with its stem and type), problems for broken ones."""
    view = RecordsView(blocks=[])
    ds = _dataset(records)
    if ds is None:
        path = _first(records, "SaddlePath")
        ds = Dataset(path.X, path.y, name="the path's data") if path is not None else None
    jumps = [r for r in records if r.type == "JumpExplanation" and r.result is not None]
    shown = [r for r in records if not (jumps and ds is not None and r in jumps)]
    for rec in sorted(shown, key=lambda r: _ORDER.get(r.type, len(_ORDER))):
        if jumps and ds is not None and _ORDER.get(rec.type, len(_ORDER)) > _ORDER["Trajectory"]:
            view.blocks.append(_view_jumps(jumps, records, ds))  # after the path and the run
            jumps = []
        title = f'<h3 id="record-{esc(rec.stem)}">{esc(rec.stem)} ({esc(rec.type)})</h3>'
        if rec.error is not None:
            view.problems.append(rec.error)
            view.blocks.append(title + problem(rec.error))
            continue
        needs_data = rec.type in ("Trajectory", "ConvergenceStudy", "SaddleCatalog")
        if needs_data and ds is None:
            body, charts = _fields(rec.result) + _stats(rec.result), []
        else:
            body, charts = _view_one(rec, records, ds)
        view.blocks.append(title + body)
        view.charts.extend(charts)
    if jumps and ds is not None:
        view.blocks.append(_view_jumps(jumps, records, ds))
    return view
