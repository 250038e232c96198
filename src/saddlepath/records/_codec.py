"""A result as a JSON tree plus named arrays, and back, by dataclass-field introspection.

The tree is plain JSON. A JSON value stands for itself (``null``, booleans, integers,
strings, finite floats); a JSON array is a ``tuple``; a JSON object is tagged by its keys:

===========================================  ================================================
``{"type": T, "fields": {...}}``             a registered dataclass, every field (not
                                             cached or derived properties)
``{"array": K, "shape": [...], "dtype": D}``  ``ndarray`` stored in the NPZ under key ``K``
``{"ragged": K, "count": N, "dtype": D}``     a tuple of ``N`` arrays of one dtype and one
                                             ndim, stored flat as ``K`` with their shapes
                                             as ``K.shapes``
``{"enum": E, "name": M, "message": ...}``   member ``M`` of the registered enum ``E``
``{"float": "nan" | "-nan" | "inf" | ...}``  a non-finite float (JSON has none)
``{"numpy": D, "value": v}``                 a NumPy scalar of dtype ``D`` (bool, int, float)
``{"dict": {...}}`` / ``{"items": [...]}``   a mapping with str keys / with other keys
``{"list": [...]}``                          a list
===========================================  ================================================

Arrays keep their dtype and bytes exactly; decoding builds objects without calling their
``__init__`` (the stored state is the validated one), so loaded results equal saved ones
field by field.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from saddlepath.records import _registry

__all__ = ["decode", "encode"]

_NUMPY_SCALAR_KINDS = "biuf"


def encode(result: Any) -> tuple[dict, dict[str, np.ndarray]]:
    """``(tree, arrays)`` of a registered result dataclass.

    Raises
    ------
    TypeError
        ``result`` or a value inside it cannot be stored (an unregistered class, an
        object array); the message names the field.
    """
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        raise TypeError(
            f"Only result objects can be saved as records; got {type(result).__name__}."
        )
    arrays: dict[str, np.ndarray] = {}
    return _encode(result, "", arrays), arrays


def _child(key: str, name: object) -> str:
    return f"{key}.{name}" if key else str(name)


def _encode(value: Any, key: str, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, enum.Enum):
        name = _registry.enum_name(type(value))
        return {"enum": name, "name": value.name, "message": str(value.value)}
    if isinstance(value, np.generic):  # before float: np.float64 is a float
        return _encode_numpy_scalar(value, key, arrays)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": _non_finite(value)}
    if isinstance(value, np.ndarray):
        return _encode_array(value, key, arrays)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: _encode(getattr(value, f.name), _child(key, f.name), arrays)
            for f in dataclasses.fields(value)
        }
        return {"type": _registry.type_name(type(value)), "fields": fields}
    if isinstance(value, tuple):
        return _encode_tuple(value, key, arrays)
    if isinstance(value, list):
        return {"list": [_encode(v, _child(key, i), arrays) for i, v in enumerate(value)]}
    if isinstance(value, Mapping):
        return _encode_mapping(value, key, arrays)
    raise TypeError(
        f"Field {key or '<result>'!r} holds a {type(value).__name__}, which records cannot "
        "store; use arrays, numbers, strings, enums, tuples, dicts or registered dataclasses."
    )


def _non_finite(value: float) -> str:
    """``"nan"``, ``"-nan"`` (the sign bit kept), ``"inf"`` or ``"-inf"``."""
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    return repr(value)


def _encode_numpy_scalar(value: np.generic, key: str, arrays: dict) -> Any:
    """Inline when the JSON value is exact; else (a NaN's payload, long double) in the NPZ."""
    dtype = value.dtype
    inline = dtype.kind in _NUMPY_SCALAR_KINDS and dtype.isnative and dtype.itemsize <= 8
    if inline and (dtype.kind != "f" or np.isfinite(value)):
        return {"numpy": dtype.name, "value": _encode(value.item(), key, arrays)}
    return _encode_array(np.asarray(value), key, arrays) | {"scalar": True}


def _encode_array(value: np.ndarray, key: str, arrays: dict) -> dict:
    if value.dtype.hasobject:
        raise TypeError(
            f"Field {key!r} is an object array, which cannot be stored without pickling; "
            "convert it to a numeric or string dtype or to a tuple of arrays."
        )
    _put(arrays, key, value)
    return {"array": key, "shape": list(value.shape), "dtype": value.dtype.str}


def _put(arrays: dict, key: str, value: np.ndarray) -> None:
    if key in arrays:  # a field named like another's ".shapes" companion
        raise TypeError(f"Two arrays of the result would be stored under the key {key!r}.")
    arrays[key] = value


def _encode_tuple(value: tuple, key: str, arrays: dict) -> Any:
    first = value[0] if value else None
    if (
        isinstance(first, np.ndarray)
        and first.ndim >= 1
        and not first.dtype.hasobject
        and all(
            isinstance(v, np.ndarray) and v.dtype == first.dtype and v.ndim == first.ndim
            for v in value
        )
    ):
        _put(arrays, key, np.concatenate([v.ravel() for v in value]).astype(first.dtype))
        _put(arrays, _child(key, "shapes"), np.array([v.shape for v in value], dtype=np.int64))
        return {"ragged": key, "count": len(value), "dtype": first.dtype.str}
    return [_encode(v, _child(key, i), arrays) for i, v in enumerate(value)]


def _encode_mapping(value: Mapping, key: str, arrays: dict) -> dict:
    if all(isinstance(k, str) for k in value):
        return {"dict": {k: _encode(v, _child(key, k), arrays) for k, v in value.items()}}
    items = [
        [_encode(k, _child(key, f"key{i}"), arrays), _encode(v, _child(key, i), arrays)]
        for i, (k, v) in enumerate(value.items())
    ]
    return {"items": items}


# --------------------------------------------------------------------------- decoding


def decode(tree: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """The object that :func:`encode` turned into ``tree`` and ``arrays``.

    Raises
    ------
    KeyError
        An unknown type or enum name, a missing array.
    ValueError
        A tree that :func:`encode` cannot have written, or fields that differ from the
        class's.
    """
    if tree is None or isinstance(tree, bool | int | float | str):
        return tree
    if isinstance(tree, list):
        return tuple(decode(v, arrays) for v in tree)
    if not isinstance(tree, dict):
        raise ValueError(f"Unexpected value {tree!r} in a record.")
    return _decode_tagged(tree, arrays)


def _decode_tagged(tree: dict, arrays: Mapping[str, np.ndarray]) -> Any:
    if "type" in tree:
        return _decode_dataclass(tree, arrays)
    if "array" in tree:
        array = arrays[tree["array"]]
        return array[()] if tree.get("scalar") else array
    if "ragged" in tree:
        return _decode_ragged(tree, arrays)
    if "enum" in tree:
        return _registry.enum_class(tree["enum"])[tree["name"]]
    if "float" in tree:
        return float(tree["float"])
    if "numpy" in tree:
        return np.dtype(tree["numpy"]).type(decode(tree["value"], arrays))
    if "dict" in tree:
        return {k: decode(v, arrays) for k, v in tree["dict"].items()}
    if "items" in tree:
        return {decode(k, arrays): decode(v, arrays) for k, v in tree["items"]}
    if "list" in tree:
        return [decode(v, arrays) for v in tree["list"]]
    raise ValueError(f"Unexpected object with keys {sorted(tree)} in a record.")


def _decode_ragged(tree: dict, arrays: Mapping[str, np.ndarray]) -> tuple:
    flat, shapes = arrays[tree["ragged"]], arrays[_child(tree["ragged"], "shapes")]
    sizes = np.prod(shapes, axis=1, dtype=np.int64)
    if len(shapes) != tree["count"] or int(sizes.sum()) != flat.size:
        raise ValueError(f"Array {tree['ragged']!r} does not hold {tree['count']} pieces.")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return tuple(
        flat[a:b].reshape(tuple(shape))
        for a, b, shape in zip(bounds[:-1], bounds[1:], shapes.tolist(), strict=True)
    )


def _decode_dataclass(tree: dict, arrays: Mapping[str, np.ndarray]) -> Any:
    cls = _registry.result_class(tree["type"])
    names = [f.name for f in dataclasses.fields(cls)]
    stored = tree["fields"]
    if set(stored) != set(names):
        missing, extra = sorted(set(names) - set(stored)), sorted(set(stored) - set(names))
        raise ValueError(
            f"The stored {tree['type']} has fields that this saddlepath's {cls.__name__} does "
            f"not match (missing: {missing}, unknown: {extra})."
        )
    obj = object.__new__(cls)
    for name in names:
        object.__setattr__(obj, name, decode(stored[name], arrays))
    return obj
