"""A result folder is replaced as a set: the complete old files or the complete new ones.

A command writes several files into one folder (``trajectory.json``, ``trajectory.npz``,
figures). Renaming each file atomically is not enough: a run killed between two renames
leaves a ``trajectory.json`` of one α beside a ``trajectory.npz`` of another. So
:func:`staged_folder` writes a run's files into a hidden sibling directory
``.DIR.tmp-<pid>-XXXX``, fsyncs them, hard-links in every file of ``DIR`` that the run
does not own (other commands' results, the user's own files), and then swaps the two
directories in one ``renameat2(RENAME_EXCHANGE)`` system call (Linux ≥ 3.15). Where that
call is missing, two renames are used (``DIR`` → ``.DIR.old-<pid>-XXXX``, stage → ``DIR``)
and a run killed between them is repaired by the next one, which renames the old set
back. A reader of ``DIR`` thus sees the whole old set or the whole new set.

Leftovers of killed runs (stage directories, old sets, ``.*.tmp`` files of the per-file
writers) are removed by the next run into the same folder; the process id in their names
keeps a live run's files safe. The swap is skipped, and files are written one by one
(each atomically), where renaming ``DIR`` is unsafe or impossible: ``DIR`` is the working
directory or contains it, holds subfolders, is a mount point, or its parent is not
writable. :data:`LAST_MODE` tells which way the last commit went.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["LAST_MODE", "clean_stale", "staged_folder"]

LAST_MODE = {"mode": None}  # "exchange", "two-renames" or "per-file": how the last commit went
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_STALE_DIR = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)-[^/]+$")
_STALE_FILE = re.compile(r"^\..+\.(?:(?P<pid>\d+)-)?[^.]+\.tmp$")
_LEGACY_AGE_S = 600.0  # a .tmp file without a process id is stale after ten minutes


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def clean_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove what killed runs left around ``folder``; return what was removed.

    Restores ``folder`` from ``.folder.old-PID-…`` when a two-rename commit was killed
    between its renames, then removes dead runs' stage directories, old sets and
    ``.*.tmp`` files inside ``folder``.
    """
    target = Path(folder).absolute()
    parent, removed = target.parent, []
    if parent.is_dir():
        for entry in sorted(parent.iterdir()):
            match = _STALE_DIR.match(entry.name)
            if match is None or match["name"] != target.name or _pid_alive(int(match["pid"])):
                continue
            if entry.name.startswith(f".{target.name}.old-") and not target.exists():
                with contextlib.suppress(OSError):  # never remove the only copy
                    os.rename(entry, target)  # a killed two-rename commit: the old set back
                continue
            _remove(entry)
            removed.append(entry)
    if target.is_dir():
        now = time.time()
        for entry in target.iterdir():
            match = _STALE_FILE.match(entry.name)
            if match is None:
                continue
            pid = match["pid"]
            dead = not _pid_alive(int(pid)) if pid else now - entry.stat().st_mtime > _LEGACY_AGE_S
            if dead:
                _remove(entry)
                removed.append(entry)
    return removed


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    code = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return code == 0


def _swappable(target: Path) -> bool:
    """Whether ``target`` may be replaced by renaming (see the module docstring)."""
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        return False
    if target.is_symlink():  # renaming would replace the link, not the folder it names
        return False
    resolved = target.resolve()
    if resolved == cwd or resolved in cwd.parents or os.path.ismount(resolved):
        return False
    if not os.access(resolved.parent, os.W_OK | os.X_OK):
        return False
    return not any(e.is_dir() and not e.is_symlink() for e in resolved.iterdir())


def _link_others(target: Path, stage: Path, owned: set[str]) -> None:
    """Hard-link (or copy) every entry of ``target`` that this run neither writes nor owns."""
    for entry in target.iterdir():
        if entry.name in owned or (stage / entry.name).exists():
            continue
        if _STALE_FILE.match(entry.name):
            continue
        if entry.is_symlink():
            os.symlink(os.readlink(entry), stage / entry.name)
            continue
        try:
            os.link(entry, stage / entry.name)
        except OSError:
            shutil.copy2(entry, stage / entry.name)


def _commit_swap(target: Path, stage: Path, owned: set[str]) -> None:
    _link_others(target, stage, owned)
    os.chmod(stage, target.stat().st_mode & 0o7777)
    for entry in stage.iterdir():
        if entry.is_file() and not entry.is_symlink():
            _fsync(entry)
    _fsync(stage)
    if _exchange(stage, target):
        LAST_MODE["mode"] = "exchange"
        _remove(stage)  # now the old set
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
        try:
            os.rename(stage, target)
        except OSError:
            os.rename(old, target)  # the old set back; the caller falls back to per file
            raise
        LAST_MODE["mode"] = "two-renames"
        _remove(old)
    _fsync(target.parent)


def _commit_per_file(target: Path, stage: Path, owned: set[str]) -> None:
    """Fallback: move each staged file in (atomic per file), then drop stale owned files."""
    names = {entry.name for entry in stage.iterdir()}
    for name in sorted(names):
        _fsync(stage / name)
        os.replace(stage / name, target / name)
    for name in owned - names:
        with contextlib.suppress(FileNotFoundError):
            (target / name).unlink()
    _fsync(target)
    LAST_MODE["mode"] = "per-file"
    _remove(stage)


@contextlib.contextmanager
def staged_folder(folder: str | os.PathLike, owned: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a staging directory whose files replace ``folder``'s as one set on success.

    Parameters
    ----------
    folder : str or os.PathLike
        The result folder; it must exist (see :func:`saddlepath.io.prepare_output_dir`).
    owned : iterable of str
        File names this kind of run may write. Those not written this time are removed
        from ``folder`` (a stale figure of an older run must not sit beside new results);
        every other file of ``folder`` is kept.

    On an exception (``KeyboardInterrupt`` included) the stage is removed and ``folder``
    is left exactly as it was.
    """
    target = Path(folder).absolute()
    clean_stale(target)
    owned_names = set(owned)
    swap = _swappable(target)
    pid = os.getpid()
    if swap:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{pid}-", dir=target.parent))
    else:
        stage = Path(tempfile.mkdtemp(prefix=f".stage.{pid}-", suffix=".tmp", dir=target))
    try:
        yield stage
        owned_names |= {entry.name for entry in stage.iterdir()}
        if swap:
            try:
                _commit_swap(target, stage, owned_names)
            except OSError:  # a file that cannot be linked, a rename refused: never lose work
                _commit_per_file(target, stage, owned_names)
        else:
            _commit_per_file(target, stage, owned_names)
    except BaseException:
        _remove(stage)
        raise
