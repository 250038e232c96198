"""Atomic file output, result folders written as a set, and the on-disk formats.

Every writer here puts its bytes in a temporary file in the destination's directory,
flushes and fsyncs it, then renames it over the destination with :func:`os.replace`,
which is atomic: a reader sees the old file or the new one, never half of one. On any
error the temporary file is removed and the destination is left as it was.

A command's files go into a result folder together (:func:`write_folder`, built on
:mod:`saddlepath.result_folder`): a reader sees the whole old set or the whole new one.

:func:`save_path` writes a :class:`~saddlepath.SaddlePath` as ``path.json`` (readable,
sparse saddles) and ``path.npz`` (dense arrays); :func:`save_trajectory` a finite-α run
as ``trajectory.json`` and a compact ``trajectory.npz`` (:mod:`saddlepath._trajectory_npz`).
Times are in accelerated time ``τ = t/ln(1/α)`` and losses use ``L(β) = ‖Xβ − y‖²/(2n)``
(Pesme & Flammarion 2023). These two are the CLI's summaries, built in
:mod:`saddlepath.records`; a result saved to be loaded back goes through
:func:`saddlepath.records.save` (written with :func:`write_bytes_atomic`).
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from saddlepath import _trajectory_npz
from saddlepath.records._summaries import _finite_or_none as _finite_or_none  # used by the commands
from saddlepath.records._summaries import (  # re-exported: io is where the formats are documented
    path_record,
    report_record,
    to_json,
    trajectory_record,
)
from saddlepath.result_folder import clean_stale, staged_folder

if TYPE_CHECKING:
    from saddlepath.diagonal.path_result import SaddlePath
    from saddlepath.diagonal.trajectory import Trajectory

__all__ = [
    "PATH_JSON",
    "PATH_NPZ",
    "TRAJECTORY_JSON",
    "TRAJECTORY_NPZ",
    "load_trajectory_arrays",
    "path_record",
    "prepare_output_dir",
    "report_record",
    "save_figure_atomic",
    "save_figures",
    "save_path",
    "save_trajectory",
    "to_json",
    "trajectory_record",
    "write_bytes_atomic",
    "write_folder",
    "write_json_atomic",
    "write_npz_atomic",
    "write_path_files",
    "write_text_atomic",
    "write_trajectory_files",
]

PATH_JSON = "path.json"
PATH_NPZ = "path.npz"
TRAJECTORY_JSON = "trajectory.json"
TRAJECTORY_NPZ = "trajectory.npz"
PATH_FILES = (PATH_JSON, PATH_NPZ)
TRAJECTORY_FILES = (TRAJECTORY_JSON, TRAJECTORY_NPZ)


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


def write_json_atomic(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as JSON to ``path`` atomically; it is serialised before any I/O."""
    return write_text_atomic(path, to_json(obj) + "\n")


def write_npz_atomic(path: str | os.PathLike, *, compressed: bool = True, **arrays: Any) -> Path:
    """Write ``arrays`` to a ``.npz`` archive at ``path`` atomically (deflated by default).

    Object arrays are refused: they would need pickling to be read back.
    """
    converted = {key: np.asarray(value) for key, value in arrays.items()}
    for key, value in converted.items():
        if value.dtype == object:
            raise TypeError(
                f"Array {key!r} has dtype object and cannot be stored without pickling; "
                "convert it to a numeric or string dtype."
            )
    with _atomic_file(path) as fh:
        (np.savez_compressed if compressed else np.savez)(fh, **converted)
    return Path(path)


def save_figure_atomic(fig: Any, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (default PNG)."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    with _atomic_file(path) as fh:
        fig.savefig(fh, format=fmt, dpi=dpi)
    return Path(path)


def save_figures(figures: dict[str, Any], out_dir: str | os.PathLike) -> dict[str, Path]:
    """Save ``{file name: Figure}`` into an existing ``out_dir``; return ``{name: path}``."""
    directory = Path(out_dir)
    return {name: save_figure_atomic(fig, directory / name) for name, fig in figures.items()}


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


def write_path_files(
    path_result: SaddlePath, directory: Path, *, metadata: dict | None = None
) -> dict[str, Path]:
    """Write ``path.json`` and ``path.npz`` into an existing ``directory`` (not staged)."""
    json_path = write_json_atomic(
        directory / PATH_JSON, path_record(path_result, metadata=metadata)
    )
    npz_path = write_npz_atomic(
        directory / PATH_NPZ,
        tau=path_result.tau,
        beta=path_result.beta,
        dual=path_result.dual,
        loss=path_result.loss,
    )
    return {"json": json_path, "npz": npz_path}


def save_path(
    path_result: SaddlePath, out_dir: str | os.PathLike, *, metadata: dict | None = None
) -> dict[str, Path]:
    """Write ``path.json`` and ``path.npz`` into ``out_dir`` (created if missing), as a set.

    Parameters
    ----------
    path_result : SaddlePath
    out_dir : str or os.PathLike
    metadata : dict, optional
        Extra JSON-ready information (e.g. the data file) stored under ``"metadata"``.

    Returns
    -------
    dict of str to Path
        ``{"json": .../path.json, "npz": .../path.npz}``. The archive holds ``times``,
        ``coefs``, ``duals`` and ``losses`` (time first: row ``k`` is saddle ``k``).
    """
    return write_folder(
        out_dir,
        lambda stage: write_path_files(path_result, stage, metadata=metadata),
        owned=PATH_FILES,
    )


# ------------------------------------------------------------------------ trajectories


def write_trajectory_files(
    traj: Trajectory, directory: Path, *, metadata: dict | None = None
) -> dict[str, Path]:
    """Write ``trajectory.json`` and ``trajectory.npz`` into an existing ``directory``."""
    json_path = write_json_atomic(
        directory / TRAJECTORY_JSON, trajectory_record(traj, metadata=metadata)
    )
    npz_path = write_npz_atomic(directory / TRAJECTORY_NPZ, **_trajectory_npz.encode(traj))
    return {"trajectory_json": json_path, "trajectory_npz": npz_path}


def save_trajectory(
    traj: Trajectory, out_dir: str | os.PathLike, *, metadata: dict | None = None
) -> dict[str, Path]:
    """Write ``trajectory.json`` and ``trajectory.npz`` into ``out_dir``, as one set.

    The archive (compressed, format 2: see :mod:`saddlepath._trajectory_npz`) stores the
    saved points, time first; :func:`load_trajectory_arrays` returns them dense: ``t``,
    ``tau``, ``beta``, ``dual``, ``loss``, ``log_abs_u``, ``log_abs_v`` (``u``, ``v``
    underflow for tiny α), and the plateaus ``plateau_tau_enter``, ``plateau_tau_leave``,
    ``plateau_beta``.
    """
    return write_folder(
        out_dir,
        lambda stage: write_trajectory_files(traj, stage, metadata=metadata),
        owned=TRAJECTORY_FILES,
    )


load_trajectory_arrays = _trajectory_npz.load_arrays
