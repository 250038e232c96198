"""Atomic file output and result folders written as a set.

Every writer here puts its bytes in a temporary file in the destination's directory,
flushes and fsyncs it, then renames it over the destination with :func:`os.replace`,
which is atomic: a reader sees the old file or the new one, never half of one. On any
error the temporary file is removed and the destination is left as it was.

A command's files go into a result folder together (:func:`write_folder`, built on
:mod:`saddlepath.result_folder`): a reader sees the whole old set or the whole new one.
Results themselves are stored as records (:mod:`saddlepath.records`: ``save``/``load``,
and :func:`saddlepath.records.write` inside :func:`write_folder`), written with
:func:`write_bytes_atomic`.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import numpy as np

from saddlepath.result_folder import clean_stale, staged_folder

__all__ = [
    "prepare_output_dir",
    "save_figure_atomic",
    "to_json",
    "write_bytes_atomic",
    "write_folder",
    "write_text_atomic",
]


# ------------------------------------------------------------------------ directories


def prepare_output_dir(out_dir: str | os.PathLike) -> Path:
    """Create ``out_dir`` (and its parents) if missing and check that it is writable.

    Raises
    ------
    NotADirectoryError
        ``out_dir`` (or one of its parents) is an existing file.
    PermissionError
        The directory cannot be created or written to.
    """
    p = Path(out_dir)
    if p.exists() and not p.is_dir():
        raise NotADirectoryError(
            f"Output directory '{p}' is an existing file; pass a directory path (it is "
            "created if missing) or remove the file."
        )
    try:
        p.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(
            f"Cannot create output directory '{p}': a parent of it is a file."
        ) from None
    except PermissionError:
        raise PermissionError(
            f"Cannot create output directory '{p}': permission denied; choose a directory "
            "you can write to."
        ) from None
    _check_writable(p)
    return p


def _check_writable(directory: Path) -> None:
    if not directory.is_dir():
        raise FileNotFoundError(
            f"Cannot write into '{directory}': it is not an existing directory."
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(
            f"Cannot write into '{directory}': permission denied; choose a directory you "
            "can write to."
        )


@functools.cache
def _new_file_mode() -> int:
    """Permissions of a newly created file (``0o666`` minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# ------------------------------------------------------------------------------ JSON


def _jsonable(value: Any) -> Any:
    """``value`` with NumPy values as Python ones and every NaN/±inf float as ``None``."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _json_default(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serialisable.")


def to_json(obj: Any) -> str:
    """Serialise ``obj`` as strict, indented JSON (NumPy values allowed).

    A value that is not a finite number (NaN, ±inf: a jump a run missed, a delay that
    does not exist) is written as ``null``, so a computed result is never lost to it.
    """
    return json.dumps(
        _jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False, default=_json_default
    )


# ----------------------------------------------------------------------- atomic writers


@contextmanager
def _atomic_file(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """Yield a temporary binary file that replaces ``path`` only if the block succeeds."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"Cannot write '{target}': it is a directory.")
    directory = target.parent
    _check_writable(directory)
    prefix = f".{target.name}.{os.getpid()}-"  # the process id marks a live writer's file
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode())
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself (POSIX); a no-op where directories cannot be opened."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically; return the path."""
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str; got {type(text).__name__}.")
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"`data` must be bytes; got {type(data).__name__}.")
    with _atomic_file(path) as fh:
        fh.write(data)
    return Path(path)


def save_figure_atomic(fig: Any, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (default PNG)."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    with _atomic_file(path) as fh:
        fig.savefig(fh, format=fmt, dpi=dpi)
    return Path(path)


# ------------------------------------------------------------------ result folders


def write_folder(
    out_dir: str | os.PathLike,
    write: Callable[[Path], dict[str, Path]],
    *,
    owned: Iterable[str] = (),
) -> dict[str, Path]:
    """Run ``write(stage)`` and put the files it writes into ``out_dir`` as one set.

    ``write`` writes into the staging directory it is given and returns ``{key: file}``;
    see :func:`saddlepath.result_folder.staged_folder` for ``owned`` and the guarantees.
    Returns ``{key: out_dir/file name}``.
    """
    clean_stale(out_dir)  # first: a killed two-rename commit is repaired before DIR exists
    directory = prepare_output_dir(out_dir)
    with staged_folder(directory, owned) as stage:
        written = write(stage)
    return {key: directory / Path(file).name for key, file in written.items()}
