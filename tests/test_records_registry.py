"""The registry of record types: it covers every public result, and registering is one line."""

from __future__ import annotations

import dataclasses
import enum
import importlib
import pkgutil

import numpy as np
import pytest

import saddlepath
from saddlepath import records
from test_records import assert_same, round_trip

# Public dataclasses that are not results (nothing to save), with the reason.
NOT_RESULTS = {
    "DemoContext": "the demo script's mutable state",
    "DemoStep": "one step of the demo script",
    "FloatPath": "a test oracle's float view of a RationalPath",
    "RationalPath": "a test oracle in exact rationals (Fractions)",
    "ReportPage": "an HTML page, written as a file (saddlepath report), not a record",
    "FlowDriver": "the flow integrator's machinery (step, controller, plateau stepper)",
    "Tableau": "a Rosenbrock method's coefficients",
    "ComparisonRow": "a display row of a reproduction's table (derived from its record)",
    "Choice": "a reproduction's documented setting (derived from its config)",
    "Config": "a reproduction's set-up (its result stores it as a dict)",
    "Reproduction": "an entry of the reproductions' registry",
}

NOT_RESULTS |= {
    "SweepConfig": "a sweep's config (kept verbatim as sweep.toml in its store)",
    "Task": "an entry of the sweep task registry (a library call and its summary)",
    "SweepSummary": "what a sweep did; the store it describes holds the records",
    "StoreState": "a count of a sweep store's runs, read from the store",
    "TrainingProgress": "what deep.train tells its progress callback after each record",
    "Checkpoint": "a training run's resumable loop state (deep.checkpoint's own file)",
}


def _public_modules():
    """saddlepath and every submodule whose dotted name has no private part.

    A module's public dataclasses are those in its ``__all__``, or, without one, those it
    defines under a public name.
    """
    yield saddlepath
    for info in pkgutil.walk_packages(saddlepath.__path__, "saddlepath."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        try:
            yield importlib.import_module(info.name)
        except ModuleNotFoundError as exc:  # an optional extra (JAX, scikit-learn) is missing
            if exc.name is None or exc.name.split(".")[0] == "saddlepath":
                raise


def test_registry_covers_every_public_result_dataclass():
    registered = set(records.result_types().values())
    unregistered = set()
    for module in _public_modules():
        exported = getattr(module, "__all__", None)
        for name, obj in vars(module).items():
            if (
                isinstance(obj, type)
                and dataclasses.is_dataclass(obj)
                and (name in exported if exported is not None else not name.startswith("_"))
                and (exported is not None or obj.__module__ == module.__name__)
                and obj not in registered
                and obj.__name__ not in NOT_RESULTS
            ):
                unregistered.add(f"{obj.__module__}.{obj.__qualname__}")
    assert not unregistered, f"register these with saddlepath.records.register: {unregistered}"


def test_every_status_enum_is_known():
    from saddlepath._status import Status
    from saddlepath.records import _registry

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(Status):
        if cls.__module__.startswith("saddlepath"):
            assert _registry.enum_class(_registry.enum_name(cls)) is cls


def test_register_is_one_line_and_refuses_a_taken_name(tmp_path, monkeypatch):
    from saddlepath.records import _registry

    records.result_types()  # the built-in types first, then a private copy to add to
    for table in ("_TYPES", "_ENUMS", "_NAMES"):
        monkeypatch.setattr(_registry, table, dict(getattr(_registry, table)))

    @records.register(name="RecordsTestPoint")
    @dataclasses.dataclass(frozen=True, eq=False)
    class Point:
        x: np.ndarray
        colour: enum.Enum

    class Colour(enum.Enum):
        RED = "red"

    records.register(Colour, name="RecordsTestColour")
    point = Point(np.arange(3.0), Colour.RED)
    assert_same(point, round_trip(point, tmp_path))
    with pytest.raises(ValueError, match="'RecordsTestPoint' is taken"):
        records.register(dataclasses.make_dataclass("Other", ["a"]), name="RecordsTestPoint")
    with pytest.raises(TypeError, match="Only dataclasses and enums"):
        records.register(int)
