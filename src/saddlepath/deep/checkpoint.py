r"""Checkpoints of a training run: the loop state and the records so far, in one file.

A checkpoint is one uncompressed ``.npz`` file written atomically (a temporary file in
the same folder, fsync, :func:`os.replace`, fsync of the folder), so a run
killed at any moment leaves the previous checkpoint or the new one, never a mix. It holds

* the loop state: the weights, the step, :math:`t = \sum\eta`, the plateau flag,
  :math:`\|\theta_0\|`, the mini-batch PRNG key and (full batch) the cost, gradient and
  outputs at the current weights — bit for bit, so the resumed run computes the same
  numbers as one that was never interrupted;
* every record so far and the weights kept so far;
* the settings and their hash (:func:`settings_hash`: the settings, the data and the
  escape direction): a checkpoint written for anything else is refused.

NumPy only; the state's arrays come back as NumPy arrays of the dtypes they were saved in.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Checkpoint", "CheckpointError", "load_checkpoint", "save_checkpoint", "settings_hash"]

FORMAT = "saddlepath.training-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint cannot be used: unreadable, of another format, or for other settings."""


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """What a checkpoint holds (NumPy arrays).

    Attributes
    ----------
    state : dict
        The loop state (``weights`` a tuple of arrays, the rest arrays).
    records : dict of str to ndarray
        Each recorded quantity stacked over the records so far (time first).
    weight_step : ndarray of int
        Steps at which whole weights were kept.
    weights : tuple of ndarray
        Per layer, the kept weights, shape ``(n_kept, fan_out, fan_in)``.
    n_resumes : int
        How many times the run was resumed before this checkpoint.
    wall_s : float
        Wall time spent computing up to this checkpoint, in seconds, over every session.
    """

    state: dict
    records: dict
    weight_step: np.ndarray
    weights: tuple
    n_resumes: int
    wall_s: float


def settings_hash(settings: dict, *arrays) -> str:
    """sha256 of the settings (canonical JSON) and of the bytes, shapes and dtypes of ``arrays``."""
    h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8"))
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype.str}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_checkpoint(path: str | os.PathLike, checkpoint: Checkpoint, digest: str, settings) -> Path:
    """Write ``checkpoint`` to ``path`` atomically, tagged with the settings hash ``digest``."""
    arrays, tuples = {}, {}
    for k, v in checkpoint.state.items():
        if isinstance(v, tuple):  # the weights, the gradient: one array per layer
            tuples[k] = len(v)
            arrays.update({f"state.{k}.{i}": np.asarray(a) for i, a in enumerate(v)})
        else:
            arrays[f"state.{k}"] = np.asarray(v)
    arrays.update({f"records.{k}": np.asarray(v) for k, v in checkpoint.records.items()})
    arrays["weight_step"] = np.asarray(checkpoint.weight_step, dtype=np.int64)
    for ell, W in enumerate(checkpoint.weights):
        arrays[f"weights.{ell}"] = np.asarray(W)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "settings_hash": digest,
        "settings": settings,
        "depth": len(checkpoint.weights),
        "tuples": tuples,
        "n_resumes": int(checkpoint.n_resumes),
        "wall_s": float(checkpoint.wall_s),
    }
    arrays["meta"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return _write_atomic(Path(path), buffer.getvalue())


def _write_atomic(path: Path, data: bytes) -> Path:
    """Temporary file beside ``path`` (named with the process id), fsync, rename over it.

    The solver layer may not import :mod:`saddlepath.io`, whose writers do the same.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp",
                               dir=path.parent)  # fmt: skip
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


def load_checkpoint(path: str | os.PathLike, digest: str, settings=None) -> Checkpoint:
    """Read the checkpoint at ``path``; refuse it unless it was written with ``digest``.

    ``settings`` (those of the run that wants to resume) only serve the error message.

    Raises
    ------
    CheckpointError
        The file is not a readable training checkpoint, or it belongs to a run with other
        settings, data or escape direction (the message says which settings differ).
    """
    p = Path(path)
    try:
        with np.load(p, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise CheckpointError(
            f"The `checkpoint` file '{p}' is not a readable training checkpoint ({exc}). "
            "Delete it, or pass another checkpoint path, to start afresh."
        ) from exc
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise CheckpointError(
            f"The `checkpoint` file '{p}' is not a training checkpoint of this version of "
            f"saddlepath (format {meta.get('format')!r}, version {meta.get('version')!r}). "
            "Delete it or pass another path."
        )
    if meta["settings_hash"] != digest:
        raise CheckpointError(
            f"The `checkpoint` file '{p}' was written by a run with other settings or data"
            f"{_differences(meta.get('settings', {}), settings or {})}; it cannot be resumed "
            "with these. Pass "
            "the same settings and data, or another checkpoint path (or resume=False to "
            "start afresh and overwrite it)."
        )
    return _unpack(arrays, meta)


def _differences(saved: dict, now: dict) -> str:
    """`` (x: saved → now, ...)`` for the settings that differ, when known."""
    diff = [
        f"{k}: {saved.get(k)!r} → {now.get(k)!r}"
        for k in sorted(set(saved) | set(now))
        if saved.get(k) != now.get(k)
    ]
    return f" ({'; '.join(diff)})" if diff else " (same settings: other data or escape direction)"


def _unpack(arrays: dict, meta: dict) -> Checkpoint:
    depth = int(meta["depth"])
    tuples = meta["tuples"]
    state = {k[len("state.") :]: v for k, v in arrays.items() if k.startswith("state.")}
    state = {k: v for k, v in state.items() if k.split(".")[0] not in tuples}
    for k, n in tuples.items():
        state[k] = tuple(arrays[f"state.{k}.{i}"] for i in range(n))
    records = {k[len("records.") :]: v for k, v in arrays.items() if k.startswith("records.")}
    return Checkpoint(
        state=state,
        records=records,
        weight_step=arrays["weight_step"],
        weights=tuple(arrays[f"weights.{ell}"] for ell in range(depth)),
        n_resumes=int(meta["n_resumes"]),
        wall_s=float(meta["wall_s"]),
    )
