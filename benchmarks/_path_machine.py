"""The machine a benchmark of :mod:`path` ran on, thread limits and atomic result files
(:func:`write_atomic` is also the writer of :mod:`analysis`)."""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import subprocess
import sys
import tempfile
from contextlib import nullcontext, redirect_stdout
from pathlib import Path

import numpy as np
import scipy
import sklearn

import saddlepath


def machine_info(threads: int | None) -> dict:
    info = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version,
        "platform": platform.platform(),
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "threads_requested": threads,
        "versions": {
            "saddlepath": saddlepath.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "env": {
            v: os.environ.get(v)
            for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
        },
    }
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = threadpool_info()
    except ImportError:
        info["threadpools"] = None
    try:
        info["numpy_config"] = np.show_config(mode="dicts")
    except TypeError:  # NumPy < 1.26 only prints
        buf = io.StringIO()
        with redirect_stdout(buf):
            np.show_config()
        info["numpy_config"] = buf.getvalue()
    info["git"] = {
        "commit": _git(["rev-parse", "HEAD"]),
        "dirty": bool(_git(["status", "--porcelain"])),
    }
    return info


def _git(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(
            ["git", *cmd],
            capture_output=True,
            text=True,
            timeout=10,
            cwd=Path(__file__).resolve().parent,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def thread_limit(threads: int | None):
    if threads is None:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        print(
            "threadpoolctl is not installed: --threads is ignored; set "
            "OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS before starting."
        )
        return nullcontext()
    return threadpool_limits(limits=threads)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path``, then ``os.replace`` it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def jsonable(obj):
    """JSON for NumPy scalars and arrays (``default=`` of ``json.dumps``)."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
