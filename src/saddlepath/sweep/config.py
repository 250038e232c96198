"""A sweep config: a task, its data, fixed parameters and a grid, checked before anything runs.

The TOML form (every key is checked; an unknown one is an error naming the allowed ones)::

    task = "flow"                       # a registered task (saddlepath.sweep.task_names())
    batch_size = "auto"                 # runs per Dask task: "auto" (measured) or an int
    records = true                      # false: keep each run's scalars only, no record

    [data]                              # the data spec, part of every run's key
    kind = "sparse"
    n = 10
    d = 20

    [params]                            # fixed parameters of the task
    rtol = 1e-8

    [grid]                              # the product of these lists
    alpha = ["1e-10", "1e-100"]
    seed = [0, 1, 2]                    # a data key: not a parameter of the flow

    # or, instead of [grid], a list of points:
    # [[points]]
    # alpha = "1e-10"
    # seed = 0

A grid name is a parameter of the task, or a key of the data spec (``data.<key>`` always
means the data; a bare name means the task's parameter when the task has one).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from saddlepath.sweep.data_spec import DATA_KINDS, SpecError, check_data_spec, data_key_part
from saddlepath.sweep.tasks import get_task, task_names
from saddlepath.sweep.toml_text import to_toml

__all__ = ["SpecError", "SweepConfig", "load_config", "run_key"]

_TOP_KEYS = (
    "task", "data", "params", "grid", "points", "batch_size", "records", "description",
)  # fmt: skip


@dataclasses.dataclass(frozen=True, eq=False)
class SweepConfig:
    """A checked sweep: run ``task`` on ``data`` with ``params`` at every grid point.

    Attributes
    ----------
    task : str
    data : dict
        The complete data spec (defaults filled in).
    params : dict
        Fixed task parameters.
    grid : dict of str to list
        The grid as given (a product), or ``{}`` when ``points`` were listed.
    points : tuple of dict
        Every grid point, name → value, in order (the product expanded).
    batch_size : int or None
        Runs per Dask task; ``None`` chooses it from the measured overhead.
    records : bool
        Whether each run's result record is stored (``records = false`` keeps only its
        ``run.json``: config, scalars, timing; the results table is the same). A flow of
        ``(n, d) = (150, 600)`` has a record of about 10 MB, so a 1,000-run sweep that needs
        only its table writes 10 GB less.
    text : str
        The TOML as given (copied verbatim into the store).
    """

    task: str
    data: dict
    params: dict
    grid: dict
    points: tuple
    batch_size: int | None
    text: str
    records: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """The grid's parameter names (the ``param.<name>`` columns)."""
        return tuple(self.points[0]) if self.points else ()

    def run_configs(self) -> list[dict[str, Any]]:
        """One plain config ``{"task", "data", "params"}`` per grid point."""
        task = get_task(self.task)
        out = []
        for point in self.points:
            data, params = dict(self.data), dict(self.params)
            for name, value in point.items():
                target, key = _place(name, task, self.data["kind"])
                (data if target == "data" else params)[key] = value
            run = {
                "task": self.task,
                "data": check_data_spec(data, where="data"),
                "params": params,
                "point": point,
            }
            out.append(run | {"key": run_key(run)})
        return out


def _place(name: str, task, kind: str) -> tuple[str, str]:
    data_keys = [k for k in DATA_KINDS[kind] if k != "kind"]
    if name.startswith("data."):
        key = name[5:]
        if key not in data_keys:
            raise SpecError(
                f"Unknown grid name {name!r}: data of kind {kind!r} has keys "
                f"{', '.join(data_keys) or '(none)'}."
            )
        return "data", key
    if name.startswith("params."):
        name = name[7:]
    if name in task.parameters:
        return "params", name
    if name in data_keys:
        return "data", name
    allowed = sorted(task.parameters) + [f"data.{k}" for k in data_keys]
    raise SpecError(
        f"Unknown parameter {name!r} for task {task.name!r}; allowed: {', '.join(allowed)}."
    )


def load_config(source: str | Path | Mapping[str, Any]) -> SweepConfig:
    """Read and check a sweep config: a TOML file's path, or the parsed mapping.

    Every run's config is built and checked here, so a bad name or value of the grid is
    refused before anything runs.

    Raises
    ------
    SpecError
        An unknown key (the allowed ones are named), a missing ``task``, ``data`` or
        required parameter, a grid that is not lists, both ``grid`` and ``points``.
    FileNotFoundError
        The TOML file does not exist.
    """
    base = None
    if isinstance(source, Mapping):
        raw, text = dict(source), to_toml(source)
    else:
        path = Path(source)
        text = path.read_text(encoding="utf-8")
        base = path.resolve().parent
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(f"{path}: not valid TOML: {exc}.") from None
    return _check(raw, text, base)


def _check(raw: dict, text: str, base: Path | None) -> SweepConfig:
    for key in raw:
        if key not in _TOP_KEYS:
            raise SpecError(
                f"Unknown key {key!r} in the sweep config; allowed: {', '.join(_TOP_KEYS)}."
            )
    if "task" not in raw:
        raise SpecError(f"The sweep config needs `task = ...`, one of {', '.join(task_names())}.")
    try:
        task = get_task(raw["task"])
    except KeyError as exc:
        raise SpecError(f"task: {exc.args[0]}.") from None
    if "data" not in raw:
        raise SpecError(
            'The sweep config needs a [data] table, e.g. kind = "sparse", n = 20, d = 40.'
        )
    data = check_data_spec(raw["data"], where="data", base=base)
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise SpecError(f"params must be a table of the task's parameters; got {params!r}.")
    for name in params:
        if name not in task.parameters:
            raise SpecError(
                f"Unknown parameter {name!r} in [params] for task {task.name!r}; "
                f"allowed: {', '.join(sorted(task.parameters))}."
            )
    grid, points = _points(raw)
    config = SweepConfig(
        task.name, data, dict(params), grid, points, _batch(raw), text, _records(raw)
    )
    runs = config.run_configs()  # places every name and checks every data spec
    seen: dict[str, int] = {}
    for i, run in enumerate(runs):
        if (j := seen.setdefault(run["key"], i)) != i:
            raise SpecError(
                f"Grid points {j} ({runs[j]['point']}) and {i} ({run['point']}) "
                "are the same run: remove one."
            )
    for run in runs:
        missing = [n for n, req in task.parameters.items() if req and n not in run["params"]]
        if missing:
            raise SpecError(
                f"Task {task.name!r} needs {', '.join(map(repr, missing))}: set it "
                "in [params] or [grid]."
            )
        if task.check is not None:
            try:
                task.check(run["params"])
            except (ValueError, TypeError) as exc:
                where = f" at grid point {run['point']}" if run["point"] else ""
                raise SpecError(
                    f"Task {task.name!r}{where}: {exc} (parameters go in [params] or [grid])"
                ) from None
    return config


def _points(raw: dict) -> tuple[dict, tuple[dict, ...]]:
    if "grid" in raw and "points" in raw:
        raise SpecError("Give either [grid] (a product) or [[points]] (a list), not both.")
    if "points" in raw:
        points = raw["points"]
        if (
            not isinstance(points, list)
            or not points
            or not all(isinstance(p, dict) for p in points)
        ):
            raise SpecError("points must be a non-empty array of tables ([[points]] blocks).")
        names = set(points[0])
        for i, p in enumerate(points):
            if set(p) != names:
                raise SpecError(
                    f"points[{i}] sets {sorted(p)}, points[0] sets {sorted(names)}: "
                    "every point must set the same names."
                )
        return {}, tuple(dict(p) for p in points)
    grid = raw.get("grid", {})
    if not isinstance(grid, dict):
        raise SpecError(f"grid must be a table of lists; got {grid!r}.")
    for name, values in grid.items():
        if not isinstance(values, list | tuple) or not values:
            raise SpecError(
                f"grid.{name} must be a non-empty list, e.g. {name} = [1, 2]; got {values!r}."
            )
    names = list(grid)
    product = itertools.product(*(grid[n] for n in names))
    return dict(grid), tuple(dict(zip(names, values, strict=True)) for values in product)


def _batch(raw: dict) -> int | None:
    value = raw.get("batch_size", "auto")
    if value == "auto":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f'batch_size must be "auto" or an integer ≥ 1; got {value!r}.')
    return value


def _records(raw: dict) -> bool:
    value = raw.get("records", True)
    if not isinstance(value, bool):
        raise SpecError(
            f"records must be true (store each run's result record) or false (its scalars "
            f"only); got {value!r}."
        )
    return value


def run_key(run: Mapping[str, Any]) -> str:
    """The store key of one run: sha256 of the canonical JSON of its full config.

    The config is the task, its parameters and the data spec (a file by its sha256), and
    the records' schema version, so a new schema never reuses old files.
    """
    from saddlepath.records._files import SCHEMA_VERSION

    canonical = {
        "task": run["task"],
        "params": run["params"],
        "data": data_key_part(run["data"]),
        "schema_version": SCHEMA_VERSION,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()
