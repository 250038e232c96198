"""One driver per store: an exclusive ``flock`` on ``DIR/.lock``, refused when held.

The operating system drops the lock when its process dies (even by SIGKILL), so a killed
driver never blocks the next one, and no stale lock has to be guessed at. The file holds
the holder's host, process id and start time, for the message a second driver gets.
``flock`` works on local file systems; on a network file system without lock support, run
one driver per store by hand.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["LOCK_FILE", "StoreBusyError", "store_lock"]

LOCK_FILE = ".lock"
_PATIENCE_S = 1.0  # how long a driver waits for the lock before it refuses


class StoreBusyError(RuntimeError):
    """Another sweep driver holds the store."""


@contextlib.contextmanager
def store_lock(out: Path) -> Iterator[None]:
    """Hold the store's lock while the block runs; :class:`StoreBusyError` if it is held."""
    from saddlepath.sweep.store import now

    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, out)
        holder = {"host": socket.gethostname(), "pid": os.getpid(), "since": now()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(fd: int, out: Path) -> None:
    """Take the lock, trying for ``_PATIENCE_S`` (``status`` holds it for a moment)."""
    import fcntl

    deadline = time.monotonic() + _PATIENCE_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StoreBusyError(_busy_message(out)) from None
            time.sleep(0.05)


def _busy_message(out: Path) -> str:
    try:
        holder = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
        who = f"pid {holder['pid']} on {holder['host']}, since {holder['since']}"
    except (OSError, ValueError, KeyError):
        who = "another process"
    return (
        f"The sweep store '{out}' is in use by another sweep driver ({who}). Two drivers "
        "on one store are refused: wait for it to finish (`saddlepath sweep status "
        f"{out}` shows its progress), or write to another --out folder."
    )
