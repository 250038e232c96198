"""A record on disk: ``STEM.json`` (readable, with the NPZ's sha256) and ``STEM.npz``.

The pair is bound by content: the JSON records the byte size and sha256 of the NPZ, and
:func:`load` refuses an NPZ that does not match, so a reader never loads one run's arrays
under another run's fields. Each file is written atomically (temporary file, fsync,
rename), the NPZ first; several records and figures go into a result folder as one set
with :func:`write` inside :func:`saddlepath.io.write_folder`.
"""

from __future__ import annotations

import hashlib
import io as _bytes_io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from saddlepath import io
from saddlepath.records import _codec, _registry
from saddlepath.records._meta import _UNITS, version

__all__ = ["FORMAT", "SCHEMA_VERSION", "RecordError", "files", "load", "save", "write"]

FORMAT = "saddlepath.record"
SCHEMA_VERSION = 1
_SUFFIXES = (".json", ".npz")
_LINE = 88  # JSON lists and objects shorter than this are written on one line


class RecordError(ValueError):
    """A record file cannot be loaded: corrupt, truncated, mixed, newer or unknown."""


def files(result: Any, stem: str) -> dict[str, bytes]:
    """The two files of ``result``'s record as ``{file name: bytes}``, NPZ first.

    Everything is serialised here, before any I/O: a result that cannot be stored
    raises ``TypeError`` and nothing is written.
    """
    tree, arrays = _codec.encode(result)
    buffer = _bytes_io.BytesIO()
    np.savez(buffer, **arrays)  # not compressed: see the package docstring
    npz = buffer.getvalue()
    header = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "saddlepath_version": version(),
        "type": tree["type"],
        "units": _UNITS,
        "npz": {
            "file": f"{stem}.npz",
            "bytes": len(npz),
            "sha256": hashlib.sha256(npz).hexdigest(),
        },
        "arrays": {k: {"shape": list(a.shape), "dtype": a.dtype.str} for k, a in arrays.items()},
        "fields": tree["fields"],
    }
    text = _pretty(header) + "\n"
    return {f"{stem}.npz": npz, f"{stem}.json": text.encode("utf-8")}


def _pretty(value: Any, indent: str = "") -> str:
    """Indented JSON whose short lists and objects stay on one line (strict: no NaN)."""
    flat = json.dumps(value, ensure_ascii=False, allow_nan=False)
    if len(flat) + len(indent) <= _LINE or not isinstance(value, dict | list) or not value:
        return flat
    inner = indent + " "
    if isinstance(value, list):
        items = [inner + _pretty(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    items = [
        f"{inner}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, inner)}" for k, v in value.items()
    ]
    return "{\n" + ",\n".join(items) + f"\n{indent}}}"


def write(result: Any, directory: str | os.PathLike, stem: str) -> dict[str, Path]:
    """Write ``STEM.npz`` then ``STEM.json`` into an existing ``directory``, each atomically.

    Returns ``{"json": path, "npz": path}``. Use it inside
    :func:`saddlepath.io.write_folder` to commit a record with other files as one set.
    """
    return {
        name.rsplit(".", 1)[1]: io.write_bytes_atomic(Path(directory) / name, data)
        for name, data in files(result, stem).items()
    }


def _pair(path: str | os.PathLike) -> tuple[Path, Path]:
    p = Path(path)
    stem = p.with_suffix("") if p.suffix in _SUFFIXES else p
    return stem.parent / f"{stem.name}.json", stem.parent / f"{stem.name}.npz"


def save(result: Any, path: str | os.PathLike) -> dict[str, Path]:
    """Save a result as ``PATH.json`` and ``PATH.npz`` (see :mod:`saddlepath.records`).

    Parameters
    ----------
    result : a registered result
        ``SaddlePath``, ``Trajectory``, ``PathCertificate``, ``Dataset``, an analysis
        result, ... (see :func:`saddlepath.records.result_types`).
    path : str or os.PathLike
        The common stem (``"out/run"``; a ``.json`` or ``.npz`` suffix is dropped). The
        folder is created if missing.

    Returns
    -------
    dict of str to Path
        ``{"json": PATH.json, "npz": PATH.npz}``.

    Examples
    --------
    >>> import tempfile, numpy as np, saddlepath as sp
    >>> path = sp.saddle_path(np.eye(2), np.array([1.0, 0.5]))
    >>> stem = f"{tempfile.mkdtemp()}/run"
    >>> sorted(p.name for p in sp.save(path, stem).values())
    ['run.json', 'run.npz']
    >>> loaded = sp.load(stem)
    >>> type(loaded).__name__, loaded.n_saddles == path.n_saddles, loaded.status is path.status
    ('SaddlePath', True, True)
    """
    json_path, _ = _pair(path)
    directory = io.prepare_output_dir(json_path.parent)
    return write(result, directory, json_path.stem)


def load(path: str | os.PathLike) -> Any:
    """Load a result saved by :func:`save`: the same type, arrays bitwise equal.

    Parameters
    ----------
    path : str or os.PathLike
        The stem given to :func:`save`, or either file of the pair.

    Raises
    ------
    FileNotFoundError
        A file of the pair is missing.
    RecordError
        The JSON is not a saddlepath record or is truncated; it has a newer schema
        version or an unknown type; the NPZ does not belong to it (mixed or truncated).
    """
    json_path, npz_path = _pair(path)
    header = _read_header(json_path)
    arrays = _read_arrays(npz_path, json_path, header)
    tree = {"type": header["type"], "fields": header["fields"]}
    try:
        return _codec.decode(tree, arrays)
    except (KeyError, ValueError, TypeError) as exc:
        raise RecordError(
            f"Cannot rebuild the {header['type']} stored in '{json_path}': {exc}. The file "
            "was edited or written by another saddlepath version; re-save the result."
        ) from None


def _read_header(json_path: Path) -> dict:
    if not json_path.is_file():
        raise FileNotFoundError(
            f"No record at '{json_path}': pass the stem given to saddlepath.save "
            "(e.g. 'out/run' for out/run.json and out/run.npz)."
        )
    try:
        header = json.loads(json_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RecordError(
            f"'{json_path}' is not valid JSON ({exc}); it is truncated or corrupt. Re-save "
            "the result."
        ) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise RecordError(
            f"'{json_path}' is not a saddlepath record (format {found!r}, expected "
            f"{FORMAT!r}); the CLI's --json output is a summary that cannot be loaded."
        )
    _check_version(json_path, header)
    return header


def _check_version(json_path: Path, header: dict) -> None:
    schema, written_by = header.get("schema_version"), header.get("saddlepath_version")
    if not isinstance(schema, int) or schema > SCHEMA_VERSION or schema < 1:
        raise RecordError(
            f"'{json_path}' has schema version {schema!r} (written by saddlepath "
            f"{written_by}); this saddlepath {version()} reads schema versions 1 to "
            f"{SCHEMA_VERSION}. Upgrade saddlepath to load it."
        )
    try:
        _registry.result_class(header.get("type"))
    except (KeyError, TypeError):
        known = ", ".join(sorted(_registry.result_types()))
        raise RecordError(
            f"'{json_path}' holds a {header.get('type')!r}, which this saddlepath "
            f"{version()} does not know (written by {written_by}; known: {known}). Upgrade "
            "saddlepath, or import the module that registers the type first."
        ) from None
    for key in ("fields", "npz", "arrays"):
        if not isinstance(header.get(key), dict):
            raise RecordError(f"'{json_path}' has no {key!r} object; re-save the result.")


def _read_arrays(npz_path: Path, json_path: Path, header: dict) -> dict[str, np.ndarray]:
    if not npz_path.is_file():
        raise FileNotFoundError(
            f"The arrays of '{json_path}' are missing: no '{npz_path}'. The two files of a "
            "record are kept and moved together."
        )
    data = npz_path.read_bytes()
    expected = header["npz"]
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != expected.get("bytes") or digest != expected.get("sha256"):
        raise RecordError(
            f"'{npz_path}' ({len(data)} bytes, sha256 {digest[:12]}…) is not the file that "
            f"'{json_path}' was written with ({expected.get('bytes')} bytes, sha256 "
            f"{str(expected.get('sha256'))[:12]}…): the pair is mixed (another save "
            "replaced one file) or truncated. Re-save the result."
        )
    try:
        with np.load(_bytes_io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise RecordError(f"'{npz_path}' cannot be read ({exc}); re-save the result.") from None
    if set(arrays) != set(header["arrays"]):
        raise RecordError(
            f"'{npz_path}' holds the arrays {sorted(arrays)}, but '{json_path}' lists "
            f"{sorted(header['arrays'])}; re-save the result."
        )
    return arrays
