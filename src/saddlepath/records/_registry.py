"""The registry of record types: a stable name for every result class and status enum.

A record names its type by this stable name (by default the class name), never by the
module it lives in, so a class that moves between packages still loads. A result class is
registered with one line, :func:`register` (also usable as a decorator); the library's own
results are listed in :func:`_builtin_types`. Status enums (subclasses of
:class:`saddlepath._status.Status`) are found by themselves.
"""

from __future__ import annotations

import dataclasses
import enum

from saddlepath._status import Status

__all__ = ["enum_class", "enum_name", "register", "result_class", "result_types", "type_name"]

_TYPES: dict[str, type] = {}
_ENUMS: dict[str, type[enum.Enum]] = {}
_NAMES: dict[type, str] = {}
_STATE = {"builtins": False}


def _builtin_types() -> tuple[type, ...]:
    """Every public result type of saddlepath (imported late: records load with the package)."""
    from saddlepath.analysis import ArcLength, Comparison, JumpExplanation, Plateaus
    from saddlepath.analysis.arclength import LimitArcLength
    from saddlepath.analysis.escapes import EscapeExplanation
    from saddlepath.analysis.heteroclinic import HeteroclinicOrbit
    from saddlepath.analysis.rates import RateFit
    from saddlepath.data import Dataset, LabelledImages
    from saddlepath.deep import DeepSaddle, EscapeResult, LayerSpectra, TrainingRun
    from saddlepath.diagonal import BatchedTrajectories, SaddlePath, Trajectory
    from saddlepath.diagonal._certificate_checks import CheckResult
    from saddlepath.diagonal.certificate import PathCertificate
    from saddlepath.diagonal.descent_result import MarginCrossings
    from saddlepath.diagonal.model import Initialisation
    from saddlepath.experiments import (
        ConvergenceStudy,
        EscapeDepthStudy,
        EscapeWidthStudy,
        InitScaleStudy,
    )
    from saddlepath.experiments.reproductions._thesis_cases import ThesisCase
    from saddlepath.experiments.reproductions._thesis_data import PlainGDRun
    from saddlepath.experiments.reproductions.bsj_escape_depth import BsjEscapeDepthResult
    from saddlepath.experiments.reproductions.bsj_mnist import BsjMnistResult
    from saddlepath.experiments.reproductions.bsj_toy import BsjToyResult
    from saddlepath.experiments.reproductions.pf_convergence import PfConvergenceResult
    from saddlepath.experiments.reproductions.pf_figure1 import PfFigure1Result
    from saddlepath.experiments.reproductions.pf_generalisation import PfGeneralisationResult
    from saddlepath.experiments.reproductions.thesis_d7n5 import ThesisD7N5Result
    from saddlepath.experiments.reproductions.thesis_init_scale import ThesisInitScaleResult
    from saddlepath.experiments.reproductions.thesis_small_cases import ThesisSmallCasesResult
    from saddlepath.landscape import Equilibrium, HessianExtremes, SaddleCatalog, SaddleSpectrum

    return (
        SaddlePath, Trajectory, MarginCrossings, Initialisation,
        BatchedTrajectories, PathCertificate, CheckResult, Dataset,
        Equilibrium, SaddleSpectrum, JumpExplanation, SaddleCatalog, Plateaus,
        ArcLength, LimitArcLength, HeteroclinicOrbit, Comparison, ConvergenceStudy,
        InitScaleStudy, RateFit, LabelledImages, HessianExtremes, EscapeResult, TrainingRun,
        PfFigure1Result, PfConvergenceResult, PfGeneralisationResult,
        LayerSpectra, EscapeWidthStudy, EscapeDepthStudy,
        PlainGDRun, ThesisCase, ThesisSmallCasesResult, ThesisD7N5Result, ThesisInitScaleResult,
        DeepSaddle, EscapeExplanation,
        BsjToyResult, BsjEscapeDepthResult, BsjMnistResult,
    )  # fmt: skip


def register(cls: type | None = None, *, name: str | None = None):
    """Register a result dataclass or an enum under a stable type name.

    Parameters
    ----------
    cls : type
        A dataclass (its fields are stored) or an :class:`enum.Enum` (its members are
        stored by name).
    name : str, optional
        The name written into records; the class name by default. Keep it when the class
        moves to another module.

    Returns
    -------
    type
        ``cls``, so that ``@register`` works as a class decorator.

    Raises
    ------
    TypeError
        ``cls`` is neither a dataclass nor an enum.
    ValueError
        Another class is already registered under ``name``.

    Examples
    --------
    >>> import dataclasses, numpy as np
    >>> @register(name="DocsExampleFit")
    ... @dataclasses.dataclass(frozen=True, eq=False)
    ... class Fit:
    ...     slope: float
    ...     residuals: np.ndarray
    >>> result_class("DocsExampleFit") is Fit
    True
    """
    if cls is None:
        return lambda c: register(c, name=name)
    key = name or cls.__name__
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        table = _ENUMS
    elif isinstance(cls, type) and dataclasses.is_dataclass(cls):
        table = _TYPES
    else:
        raise TypeError(f"Only dataclasses and enums can be registered; got {cls!r}.")
    if table.get(key, cls) is not cls:
        raise ValueError(
            f"Record type name {key!r} is taken by {table[key].__module__}."
            f"{table[key].__qualname__}; register {cls.__qualname__} under another name "
            "with register(..., name=...)."
        )
    table[key] = cls
    _NAMES[cls] = key
    return cls


def _ensure_builtins() -> None:
    if not _STATE["builtins"]:
        _STATE["builtins"] = True
        for cls in _builtin_types():
            register(cls)
        _register_statuses()


def _register_statuses() -> None:
    """Register every subclass of ``Status`` imported so far (new wings' statuses too)."""
    todo = list(Status.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls not in _NAMES and cls.__name__ not in _ENUMS:
            register(cls)


def result_types() -> dict[str, type]:
    """``{stable name: class}`` of every registered result dataclass."""
    _ensure_builtins()
    return dict(_TYPES)


def _registered_name(cls: type, table: dict[str, type], unregistered: str) -> str:
    """The name of ``cls`` when ``table`` holds it under that name, else ``TypeError``.

    ``unregistered`` is the error message, with ``{cls}`` for the class's dotted name.
    """
    name = _NAMES.get(cls)
    if name is not None and table.get(name) is cls:
        return name
    raise TypeError(unregistered.format(cls=f"{cls.__module__}.{cls.__qualname__}"))


def type_name(cls: type) -> str:
    """The stable name of a registered dataclass; ``TypeError`` when it is not registered."""
    _ensure_builtins()
    return _registered_name(
        cls,
        _TYPES,
        "{cls} is not a registered record type; register it with saddlepath.records.register "
        "(one line) to save it.",
    )


def enum_name(cls: type[enum.Enum]) -> str:
    """The stable name of an enum class (a ``Status`` is registered on first use)."""
    _ensure_builtins()
    if cls not in _NAMES and issubclass(cls, Status):
        _register_statuses()
    return _registered_name(
        cls,
        _ENUMS,
        "Enum {cls} is not registered; register it with saddlepath.records.register to save it.",
    )


def result_class(name: str) -> type:
    """The dataclass registered as ``name``; ``KeyError`` when none is."""
    _ensure_builtins()
    return _TYPES[name]


def enum_class(name: str) -> type[enum.Enum]:
    """The enum registered as ``name``; ``KeyError`` when none is."""
    _ensure_builtins()
    if name not in _ENUMS:
        _register_statuses()
    return _ENUMS[name]
