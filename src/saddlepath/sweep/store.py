"""The results store of a sweep: one folder, every run written atomically under its key.

Layout (a contract: ``saddlepath report`` reads it)::

    DIR/sweep.toml            the config as given
    DIR/sweep.json            {"task", "grid", "n_runs", "keys", "saddlepath_version", "created"}
    DIR/runs/<key>/           result.json + result.npz (a record) and run.json (key, config,
                              status, wall_s, cpu_s, versions, finished, scalars, record);
                              with ``records = false`` in the config, run.json only
    DIR/failures/<key>.json   {"key", "config", "error", "traceback", "attempts"}
    DIR/results.parquet       one row per run: key, status, wall_s, param.<name>, scalars

A run is staged in ``runs/.tmp-<key>-<host>-<pid>-<n>/`` and renamed to ``runs/<key>`` in
one step, so a run folder is complete or absent. A run counts as finished only if its
``run.json`` says so and its record loads (the records layer checks the NPZ's sha256,
so a truncated or mixed pair is refused); anything else is recomputed and replaced. A
sweep without records accepts a finished run with or without one; a sweep with records
recomputes a run stored without.

Run files are not fsynced: a killed process cannot tear them (the rename is atomic, the
page cache survives it), and after a crash of the machine itself a file the disk lost is
caught by that check and the run recomputed. fsync would cost more than a small run
(six fsyncs, about 45 ms on a loaded disk, against runs of 20–100 ms). The manifest,
failures and the table are written with :mod:`saddlepath.io`'s atomic, fsynced writers.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import platform
import shutil
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

from saddlepath import io
from saddlepath.records._meta import version

__all__ = [
    "append_failure",
    "clean_stale",
    "finished_run",
    "read_failure",
    "stored_keys",
    "write_manifest",
    "write_run",
]

RUN_FILE, RECORD_STEM = "run.json", "result"
_counter = itertools.count()


def now() -> str:
    """The current UTC time in ISO 8601."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """The versions a run was computed with."""
    import numpy
    import scipy

    out = {
        "saddlepath": version(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }
    if "jax" in sys.modules:
        out["jax"] = sys.modules["jax"].__version__
    return out


def write_manifest(out: Path, config, keys: list[str]) -> None:
    """Write ``sweep.toml`` (verbatim) and ``sweep.json`` (the manifest), each atomically."""
    grid = config.grid if config.grid else {"points": list(config.points)}
    manifest = {
        "task": config.task,
        "grid": grid,
        "n_runs": len(keys),
        "keys": keys,
        "saddlepath_version": version(),
        "created": now(),
    }
    (out / "runs").mkdir(parents=True, exist_ok=True)
    (out / "failures").mkdir(exist_ok=True)
    io.write_text_atomic(out / "sweep.toml", config.text)
    io.write_text_atomic(out / "sweep.json", io.to_json(manifest))


def finished_run(out: Path, key: str, *, record: bool = True) -> dict[str, Any] | None:
    """The ``run.json`` of a finished, intact run, or ``None`` (absent, partial, corrupt).

    With ``record`` (a sweep that stores records) the run's record must be there and load.
    """
    from saddlepath.records import load

    folder = out / "runs" / key
    try:
        info = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        if info.get("key") != key or info.get("status") != "done":
            return None
        if record:
            load(folder / RECORD_STEM)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # RecordError is a ValueError: truncated, mixed or edited files
    return info


def stored_keys(out: Path) -> set[str]:
    """The keys that have a run folder (finished or not; temporary folders excluded)."""
    runs = out / "runs"
    return (
        {p.name for p in runs.iterdir() if not p.name.startswith(".")} if runs.is_dir() else set()
    )


def write_run(
    out: Path,
    run: dict,
    result: Any,
    scalars: dict,
    wall_s: float,
    *,
    cpu_s: float | None = None,
    record: bool = True,
) -> dict:
    """Write one finished run as ``runs/<key>/`` in one rename; returns its ``run.json``.

    Without ``record`` only ``run.json`` is written (the result is not stored).
    """
    from saddlepath.records import files

    key = run["key"]
    info = {
        "key": key,
        "config": _plain(run),
        "status": "done",
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "versions": versions(),
        "finished": now(),
        "scalars": scalars,
        "record": record,
    }
    contents = files(result, RECORD_STEM) if record else {}
    contents[RUN_FILE] = io.to_json(info).encode("utf-8")
    runs = out / "runs"
    stage = runs / f".tmp-{key}-{socket.gethostname()}-{os.getpid()}-{next(_counter)}"
    stage.mkdir(parents=True)
    try:
        for name, data in contents.items():  # not fsynced: see the module docstring
            (stage / name).write_bytes(data)
        _replace(stage, runs / key, out, key, record)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    failure = out / "failures" / f"{key}.json"
    failure.unlink(missing_ok=True)
    return info


def _replace(stage: Path, target: Path, out: Path, key: str, record: bool) -> None:
    """Rename ``stage`` to ``target``; an existing target that is not an intact run goes."""
    try:
        os.rename(stage, target)
        return
    except OSError:
        if finished_run(out, key, record=record) is not None:
            return  # another worker finished the same run first: keep its files
    trash = target.parent / f".trash-{stage.name}"
    os.rename(target, trash)
    os.rename(stage, target)
    shutil.rmtree(trash, ignore_errors=True)


def _plain(run: dict) -> dict:
    return {k: run[k] for k in ("task", "data", "params")}


def read_failure(out: Path, key: str) -> dict | None:
    """The recorded failure of a run, or ``None``."""
    try:
        return json.loads((out / "failures" / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def append_failure(out: Path, run: dict, error: BaseException | str, tb: str | None = None) -> dict:
    """Record a failed run with its traceback and config (``attempts`` counts every try)."""
    previous = read_failure(out, run["key"])
    if isinstance(error, BaseException):
        tb = "".join(traceback.format_exception(error)) if tb is None else tb
        error = f"{type(error).__name__}: {error}"
    info = {
        "key": run["key"],
        "config": _plain(run),
        "error": str(error),
        "traceback": tb or "",
        "attempts": (previous or {}).get("attempts", 0) + 1,
    }
    (out / "failures").mkdir(parents=True, exist_ok=True)
    io.write_text_atomic(out / "failures" / f"{run['key']}.json", io.to_json(info))
    return info


def clean_stale(out: Path) -> int:
    """Remove temporary run folders that processes of this host, now dead, left behind."""
    host, removed = socket.gethostname(), 0
    runs = out / "runs"
    for p in runs.glob(".t*-*") if runs.is_dir() else ():
        prefix, pid, _ = [*p.name.rsplit("-", 2), "", ""][:3]
        if prefix.endswith(f"-{host}") and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
