"""The consolidated results table of a store: ``results.parquet``, one row per run.

Columns: ``key`` (str), ``status`` (``"done"`` or ``"failed"``), ``wall_s`` (float),
``param.<name>`` for every grid name, then every scalar of the runs' summaries (absent
values are null). Runs not yet finished nor failed have no row. The file is rebuilt from
the run folders and written atomically, so a reader (pandas, DuckDB, pyarrow) always sees
a complete table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from saddlepath import io
from saddlepath.sweep.store import RUN_FILE, read_failure

__all__ = ["TABLE", "rebuild_table", "table_rows"]

TABLE = "results.parquet"
_BASE = ("key", "status", "wall_s")  # a task's scalar of one of these names is left out


def table_rows(out: Path, keys: list[str], points: list[dict]) -> list[dict]:
    """The rows of the table for ``keys`` (with their grid ``points``), in order.

    A run is done when its ``run.json`` says so (the driver has checked the records).
    """
    rows = []
    for key, point in zip(keys, points, strict=True):
        info = _run_info(out, key)
        params = {f"param.{name}": value for name, value in point.items()}
        if info is not None:
            scalars = {k: v for k, v in info.get("scalars", {}).items() if k not in _BASE}
            rows.append(
                {"key": key, "status": "done", "wall_s": float(info["wall_s"]), **params, **scalars}
            )
            continue
        failure = read_failure(out, key)
        if failure is not None:
            rows.append({"key": key, "status": "failed", "wall_s": float("nan"), **params})
    return rows


def _run_info(out: Path, key: str) -> dict | None:
    try:
        info = json.loads((out / "runs" / key / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if info.get("status") == "done" and info.get("key") == key else None


def rebuild_table(out: Path, keys: list[str], points: list[dict]) -> Path:
    """Write ``results.parquet`` for ``keys`` atomically; returns its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = table_rows(out, keys, points)
    names: dict[str, None] = dict.fromkeys(["key", "status", "wall_s"])
    for name in points[0] if points else ():
        names[f"param.{name}"] = None
    for row in rows:
        names.update(dict.fromkeys(row))
    columns = {name: _column([row.get(name) for row in rows]) for name in names}
    table = pa.table(
        {name: pa.array(values, type=kind) for name, (values, kind) in columns.items()}
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return io.write_bytes_atomic(out / TABLE, sink.getvalue().to_pybytes())


def _column(values: list[Any]):
    """Values of one column and their Arrow type (ints with floats → float; mixed → str)."""
    import pyarrow as pa

    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if not kinds:
        return values, pa.string()
    if kinds == {bool}:
        return values, pa.bool_()
    if kinds == {int}:
        return values, pa.int64()
    if kinds <= {int, float}:
        return [None if v is None else float(v) for v in values], pa.float64()
    if kinds == {str}:
        return values, pa.string()
    return [
        None if v is None else json.dumps(v) if not isinstance(v, str) else v for v in values
    ], pa.string()
