r"""A sweep store on the page: the grid, every run's scalars, failures, summary charts.

The store's ``results.parquet`` has one row per run (``key``, ``status``, ``wall_s``,
``param.<name>`` for each grid parameter and one column per scalar result). Each numeric
result gets a chart against the grid's main axis — :math:`\lambda = \ln(1/\alpha)` when
the grid has ``alpha`` (computed exactly from decimal strings such as ``"1e-1000"``), else
the first numeric parameter that varies — with the median over seeds as a curve, the
min–max spread over seeds as a band and every run as a point. Other varying parameters
give one curve each. Only finished runs (``status == "done"``) are drawn.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np

from saddlepath.report.html._charts import Chart, series

__all__ = ["MAX_GROUPS", "lambda_of_alpha", "read_results", "sweep_charts"]

MAX_GROUPS = 8  # curves per chart (combinations of the other varying parameters)
_NOT_RESULTS = {"key", "status", "wall_s"}


def read_results(path: Path) -> dict[str, list[Any]]:
    """``results.parquet`` as columns of Python values (needs pyarrow)."""
    try:
        import pyarrow.parquet as pq
    except ImportError as error:  # pragma: no cover - pyarrow is in the dask extra
        raise ImportError(
            "Reading a sweep's results.parquet needs pyarrow: pip install 'saddlepath[dask]'."
        ) from error
    return pq.read_table(path).to_pydict()


def lambda_of_alpha(alpha: Any) -> float:
    """λ = ln(1/α) of an initialisation scale given as a number or a decimal string."""
    try:
        value = Decimal(str(alpha).strip())
    except InvalidOperation:
        raise ValueError(f"param.alpha = {alpha!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"param.alpha = {alpha!r} is not a positive number")
    return float(-value.ln())


def _numeric(values: list[Any]) -> np.ndarray | None:
    if not values or any(isinstance(v, str | bytes) for v in values if v is not None):
        return None
    out = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    return out if np.isfinite(out).any() else None


def _axis(columns: dict[str, list[Any]]) -> tuple[str, str, np.ndarray] | None:
    """The x axis: (column, label, values), λ = ln(1/α) when the grid has α."""
    if "param.alpha" in columns:
        lam = np.array([lambda_of_alpha(a) for a in columns["param.alpha"]])
        return "param.alpha", "λ = ln(1/α)", lam
    if "param.log_alpha" in columns:
        values = _numeric(columns["param.log_alpha"])
        if values is not None:
            return "param.log_alpha", "λ = ln(1/α)", -values
    for name, values in columns.items():
        numeric = _numeric(values) if name.startswith("param.") and name != "param.seed" else None
        if numeric is not None and np.unique(numeric[np.isfinite(numeric)]).size > 1:
            return name, name.removeprefix("param."), numeric
    return None


def _groups(columns: dict[str, list[Any]], skip: set[str], n: int) -> list[tuple[str, np.ndarray]]:
    """One (label, row mask) per combination of the other varying parameters."""
    others = [c for c in columns if c.startswith("param.") and c not in skip
              and len({repr(v) for v in columns[c]}) > 1]  # fmt: skip
    labels = [", ".join(f"{c.removeprefix('param.')} = {columns[c][i]}" for c in others)
              for i in range(n)]  # fmt: skip
    order = list(dict.fromkeys(labels))
    return [(label or "all runs", np.array([lb == label for lb in labels])) for label in order]


def _result_chart(name: str, x: np.ndarray, y: np.ndarray, groups, x_label: str) -> Chart:
    curves = []
    for k, (label, mask) in enumerate(groups[:MAX_GROUPS]):
        ok = mask & np.isfinite(x) & np.isfinite(y)
        xs = np.unique(x[ok])
        stats = [y[ok & (x == v)] for v in xs]
        band = {"lo": [float(s.min()) for s in stats], "hi": [float(s.max()) for s in stats]}
        counts = [f"{s.size} runs" for s in stats]
        curves.append(series(f"median, {label}", xs, [float(np.median(s)) for s in stats],
                             markers=True, band=band, labels=counts))  # fmt: skip
        curves.append(series(f"each run, {label}", x[ok], y[ok], kind="points",
                             color=["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f"][k]))  # fmt: skip
    finite = y[np.isfinite(y)]
    log = bool(finite.size and finite.min() > 0 and finite.max() > 100 * finite.min())
    more = len(groups) - MAX_GROUPS
    spec = {"title": name, "x": {"name": x_label.split(" =")[0], "label": x_label},
            "y": {"name": name, "label": name, "log": log, "log_toggle": True},
            "series": curves}  # fmt: skip
    caption = (f"{name} against {x_label}: median over the runs at each value (line), "
               "min–max spread (band), every run (points)."
               + (f" {more} further groups are not drawn." if more > 0 else ""))  # fmt: skip
    return Chart(f"sweep-{name}", f"{name} over the grid", caption, spec)


def sweep_charts(columns: dict[str, list[Any]]) -> tuple[list[Chart], list[str]]:
    """One chart per numeric result column of the finished runs, and the problems met."""
    done = [s == "done" for s in columns.get("status", [])]
    rows = {k: [v for v, d in zip(vs, done, strict=True) if d] for k, vs in columns.items()}
    if not any(done):
        return [], ["no finished run in results.parquet: nothing to plot"]
    try:
        axis = _axis(rows)
    except ValueError as error:
        return [], [f"no summary plot: {error}"]
    if axis is None:  # only seeds (or words) vary: the runs table says it all, not a problem
        return [], []
    column, label, x = axis
    groups = _groups(rows, {column, "param.seed"}, len(x))
    charts = []
    for name, values in rows.items():
        y = None if name in _NOT_RESULTS or name.startswith("param.") else _numeric(values)
        if y is not None:
            charts.append(_result_chart(name, x, y, groups, label))
    wall = _numeric(rows.get("wall_s", []))
    if wall is not None:
        charts.append(_result_chart("wall_s", x, wall, groups, label))
    return charts, []


def mean_or_none(values: list[Any]) -> float | None:
    """The mean of the finite numbers in ``values``; ``None`` when there is none."""
    numbers = [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    return sum(numbers) / len(numbers) if numbers else None
