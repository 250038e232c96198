"""Checks of command-line values: scales, vectors, positive numbers, flags that need others.

Each failed check is one red line naming the flag and exit code 2
(:func:`saddlepath.cli._exit.fail`); :func:`run_exit_code` applies the exit-code rule
of :data:`saddlepath.cli._exit.EXIT_CODES` to a finite-α run.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np

from saddlepath.cli._exit import EXIT_NOT_SUCCESSFUL, EXIT_OK, fail

__all__ = [
    "check_scale",
    "only_with",
    "parse_scales",
    "parse_vector",
    "positive",
    "run_exit_code",
]


_DECIMAL = re.compile(r"[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def check_scale(text: str, flag: str) -> str:
    """``text`` if it is a plain decimal number such as ``1e-1000`` or ``0.01``, else exit 2.

    Python's ``float()`` and ``Decimal()`` accept ``"1e-5_0"`` (as 1e-50), ``"nan"`` and
    ``"infinity"``; a scale on the command line must be written out plainly.
    """
    item = text.strip()
    if not _DECIMAL.fullmatch(item):
        fail(
            f"{flag} takes plain decimal numbers such as 1e-10, 1e-1000 or 0.01; got "
            f"{item!r}" + (" (underscores are not allowed)." if "_" in item else ".")
        )
    return item


def parse_scales(text: str, flag: str) -> list[str]:
    """``"1e-5, 1e-10"`` → ``["1e-5", "1e-10"]``: each checked, no value given twice."""
    items = [check_scale(item, flag) for item in text.split(",") if item.strip()]
    seen: dict[Decimal, str] = {}
    for item in items:
        value = Decimal(item)
        if value in seen:
            fail(
                f"{flag} lists the same scale twice ({seen[value]!r} and {item!r} in "
                f"{text!r}); give each scale once."
            )
        seen[value] = item
    return items


def parse_vector(text: str | None, flag: str) -> float | list[float] | None:
    """``"1.5"`` → 1.5 (every coordinate), ``"1,0,2"`` → ``[1.0, 0.0, 2.0]`` (one per feature)."""
    if text is None:
        return None
    items = [item.strip() for item in text.split(",")]
    values = []
    for item in items:
        if not _FLOAT.fullmatch(item):
            fail(
                f"{flag} takes one number (for every coordinate) or one per feature, "
                f"comma-separated, e.g. {flag} 1 or {flag} 1,0,0.5; got {item!r} in {text!r}."
            )
        values.append(float(item))
    return values[0] if len(values) == 1 else values


_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def positive(value: float | None, flag: str) -> float | None:
    """``value`` unless it is ≤ 0 (or not finite): then exit 2 naming ``flag``."""
    if value is not None and not (value > 0 and np.isfinite(value)):
        fail(f"{flag} must be a finite number > 0; got {value!r}.")
    return value


def only_with(given: dict[str, object], needed: str, present: bool) -> None:
    """Exit 2 when a flag of ``given`` (flag → value, None when not given) lacks ``needed``."""
    extra = [flag for flag, value in given.items() if value is not None]
    if extra and not present:
        fail(
            f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} only used with {needed}; "
            f"add {needed} or drop {', '.join(extra)}."
        )


def run_exit_code(traj: object, *, asked_steps: bool = False) -> int:
    """0 when a run converged or stopped where asked, else 1 (see :data:`EXIT_CODES`).

    ``asked_steps``: ``--n-steps`` was given and is not above ``--max-steps``, so a
    ``STEP_LIMIT`` is the stop the user asked for.
    """
    return EXIT_OK if run_succeeded(traj.status, asked_steps=asked_steps) else EXIT_NOT_SUCCESSFUL


def run_succeeded(status: object, *, asked_steps: bool = False) -> bool:
    """Whether a run's status counts as success for the exit code (see ``run_exit_code``)."""
    name = status.name
    return name in ("CONVERGED", "REACHED_TAU_MAX") or (name == "STEP_LIMIT" and asked_steps)
