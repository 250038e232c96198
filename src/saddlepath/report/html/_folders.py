"""What a folder holds: a run, an experiment or a sweep (the layouts the report reads).

- a **sweep** store has ``sweep.json`` (its manifest), ``results.parquet``, ``runs/<key>/``
  and ``failures/<key>.json`` (written by :mod:`saddlepath.sweep`);
- an **experiment** folder has ``experiment.json``, ``comparison.json``, ``summary.md``,
  figures and data records (written by ``saddlepath reproduce``);
- a **run** folder holds record pairs ``STEM.json`` + ``STEM.npz`` and figures (what any
  command writes under ``--out``).

Records are read through :func:`saddlepath.records.load`, which checks the NPZ's sha256: a
record that does not load becomes a :class:`FolderRecord` with its ``error`` and is shown as
a problem on the page, never silently skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from saddlepath.records import RecordError, load

__all__ = [
    "FolderRecord",
    "ReportFolderError",
    "folder_kind",
    "read_json",
    "read_records",
]


class ReportFolderError(ValueError):
    """The folder given to the report is not a run, experiment or sweep folder."""


@dataclass(frozen=True, eq=False)
class FolderRecord:
    """One record pair in a folder: its stem, type, header, the result or why it failed."""

    stem: str
    type: str
    header: dict[str, Any]
    result: Any
    error: str | None
    modified: str  # the JSON file's modification time, ISO 8601 (UTC)


def folder_kind(folder: str | os.PathLike) -> str:
    """``"sweep"``, ``"experiment"`` or ``"run"``: what ``folder`` holds.

    Raises
    ------
    ReportFolderError
        ``folder`` is missing, not a folder, or holds none of the three layouts; the
        message says what was expected and what was found.
    """
    path = Path(folder)
    if not path.exists():
        raise ReportFolderError(f"DIR '{path}' does not exist; give a run, experiment or "
                                "sweep folder.")  # fmt: skip
    if not path.is_dir():
        raise ReportFolderError(f"DIR '{path}' is a file, not a folder; give the folder a "
                                "command wrote with --out, or a sweep store.")  # fmt: skip
    if (path / "sweep.json").is_file():
        return "sweep"
    if (path / "experiment.json").is_file():
        return "experiment"
    if _record_stems(path):
        return "run"
    found = sorted(p.name + ("/" if p.is_dir() else "") for p in path.iterdir())
    shown = ", ".join(found[:8]) + (f", …+{len(found) - 8}" if len(found) > 8 else "")
    raise ReportFolderError(
        f"DIR '{path}' is not a run, experiment or sweep folder: expected sweep.json (a "
        "sweep store), experiment.json (an experiment folder) or at least one record pair "
        f"STEM.json + STEM.npz (a folder written with --out); found {shown or 'nothing'}."
    )


def _record_stems(folder: Path) -> list[str]:
    """Stems with both ``STEM.json`` and ``STEM.npz`` whose JSON says it is a record."""
    stems = []
    for json_path in sorted(folder.glob("*.json")):
        if not json_path.with_suffix(".npz").is_file():
            continue
        try:
            head = json_path.read_text(encoding="utf-8")[:200]
        except (OSError, UnicodeDecodeError):
            head = '"saddlepath.record"'  # unreadable: let load() say why
        if '"saddlepath.record"' in head:
            stems.append(json_path.stem)
    return stems


def _modified(path: Path) -> str:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return stamp.isoformat(timespec="seconds")


def read_json(path: Path) -> tuple[Any, str | None]:
    """A JSON file's content, or ``(None, why it could not be read)``."""
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, f"{path.name} could not be read: {error}"


def read_records(folder: str | os.PathLike) -> list[FolderRecord]:
    """Every record pair in ``folder``, loaded (or with the reason it did not load)."""
    records = []
    for stem in _record_stems(Path(folder)):
        json_path = Path(folder) / f"{stem}.json"
        header, error = read_json(json_path)
        header = header if isinstance(header, dict) else {}
        result = None
        if error is None:
            try:
                result = load(json_path)
            except (RecordError, OSError, ValueError, TypeError, KeyError) as exc:
                error = f"record '{stem}' could not be loaded: {exc}"
        kind = str(header.get("type", "?"))
        records.append(FolderRecord(stem, kind, header, result, error, _modified(json_path)))
    return records
