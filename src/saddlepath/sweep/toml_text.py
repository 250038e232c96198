"""A sweep config given as a Python mapping, written as the TOML file it stands for.

The store keeps ``sweep.toml`` verbatim; a config given as a mapping gets this text, which
``tomllib`` reads back to the same mapping, so ``saddlepath sweep DIR/sweep.toml`` re-runs
it. Only what a sweep config holds is written: scalars, lists of scalars, tables of those,
and arrays of tables (``[[points]]``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["to_toml"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def to_toml(mapping: Mapping[str, Any]) -> str:
    """The TOML text of a sweep config mapping.

    Raises
    ------
    TypeError
        A value TOML cannot hold here (``None``, an object, a list of tables not at the top).
    """
    lines = ["# a sweep config given as a Python mapping"]
    tables = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            tables.append((f"[{_key(key)}]", value))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            tables += [(f"[[{_key(key)}]]", v) for v in value]
        else:
            lines.append(f"{_key(key)} = {_value(value, key)}")
    for header, table in tables:
        lines += ["", header]
        lines += [f"{_key(k)} = {_value(v, k)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _value(value: Any, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes are TOML's
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v, key) for v in value) + "]"
    raise TypeError(f"The sweep config value of {key!r} cannot be written as TOML: {value!r}.")
