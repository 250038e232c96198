"""The data of a sweep run, as a plain spec: a generator and its parameters, or a file.

A spec is a small mapping with a ``kind`` and that kind's keys; it is part of every run's
config and of its key, so two runs share a key only if they ran on the same data. Kinds:

========================  =================================================================
``sparse``                :func:`~saddlepath.data.make_sparse_regression` with ``n``, ``d``,
                          ``k`` (support size), ``noise`` (σ), ``seed``
``worked_example``        the two-sample worked example (no keys)
``figure1``               P&F's Figure 1 problem (no keys)
``demo``                  the demo problem, with ``seed``
``file``                  :func:`~saddlepath.data.load_data` of ``path`` (``target``); its
                          ``sha256`` is checked (and filled in when omitted), and the key
                          uses the sha256, not the path
========================  =================================================================
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

__all__ = ["DATA_KINDS", "build_dataset", "check_data_spec", "data_key_part", "file_sha256"]

# kind → {key: default} (a default of ... means the key is required)
DATA_KINDS: dict[str, dict[str, Any]] = {
    "sparse": {"n": ..., "d": ..., "k": None, "noise": 0.0, "seed": 0},
    "worked_example": {},
    "figure1": {},
    "demo": {"seed": 0},
    "file": {"path": ..., "sha256": None, "target": None},
}


class SpecError(ValueError):
    """A sweep config or data spec that cannot run (the message names the key and the fix)."""


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_data_spec(spec: Any, *, where: str, base: Path | None = None) -> dict[str, Any]:
    """Check a data spec and return it complete: defaults filled, a file's path absolute
    (relative to ``base``) and its sha256 verified or filled in.

    Raises
    ------
    SpecError
        Not a table, an unknown kind or key (the allowed ones are named), a missing
        required key, a file that is missing or whose sha256 differs.
    """
    if not isinstance(spec, dict):
        raise SpecError(
            f'{where} must be a table such as {{kind = "sparse", n = 20, d = 40}}; got {spec!r}.'
        )
    kind = spec.get("kind")
    if kind not in DATA_KINDS:
        raise SpecError(
            f"{where}.kind must be one of {', '.join(map(repr, DATA_KINDS))}; got {kind!r}."
        )
    allowed = DATA_KINDS[kind]
    out: dict[str, Any] = {"kind": kind}
    for key in spec:
        if key != "kind" and key not in allowed:
            names = ", ".join(["kind", *allowed]) if allowed else "kind"
            raise SpecError(f"Unknown key {key!r} in {where} (kind {kind!r}); allowed: {names}.")
    for key, default in allowed.items():
        if key not in spec and default is ...:
            raise SpecError(f"{where} of kind {kind!r} needs {key!r}; add `{key} = ...`.")
        out[key] = spec.get(key, default)
    if kind == "file":
        _check_file(out, where, base)
    return out


def _check_file(out: dict[str, Any], where: str, base: Path | None) -> None:
    path = Path(str(out["path"])).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    path = path.resolve()
    if not path.is_file():
        raise SpecError(
            f"{where}.path: no such file '{path}'. Give the data file's path "
            "(relative paths are relative to the config file)."
        )
    digest = file_sha256(path)
    if out["sha256"] is not None and str(out["sha256"]).lower() != digest:
        raise SpecError(
            f"{where}.sha256 is {out['sha256']!r} but '{path}' has sha256 "
            f"{digest!r}: the file changed. Fix the file or the sha256."
        )
    out["path"], out["sha256"] = str(path), digest


def data_key_part(spec: dict[str, Any]) -> dict[str, Any]:
    """The part of a data spec that identifies the data (a file by its sha256, not its path)."""
    return {k: v for k, v in spec.items() if not (spec["kind"] == "file" and k == "path")}


def build_dataset(spec: dict[str, Any]):
    """The :class:`~saddlepath.data.Dataset` a checked spec describes (drawn or loaded)."""
    import saddlepath.data as data

    kind = spec["kind"]
    if kind == "sparse":
        return data.make_sparse_regression(
            spec["n"], spec["d"], n_nonzero=spec["k"], noise=spec["noise"], seed=spec["seed"]
        )
    if kind == "worked_example":
        return data.worked_example()
    if kind == "figure1":
        return data.figure1_problem()
    if kind == "demo":
        return data.demo_problem(spec["seed"])
    digest = file_sha256(spec["path"])
    if digest != spec["sha256"]:
        raise SpecError(
            f"data file '{spec['path']}' changed since the sweep was configured "
            f"(sha256 {digest!r}, expected {spec['sha256']!r})."
        )
    return data.load_data(spec["path"], target=spec["target"])
