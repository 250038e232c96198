"""Short ``repr`` of results that hold arrays: the type, its status and a few sizes.

A result of a real problem holds arrays of hundreds of rows; printing them in full buries
what a reader wants from a ``repr`` — which result, how it ended, how big, over which τ.
Each result class writes its ``__repr__`` with :func:`summary_repr`, naming its key
numbers; :func:`span` writes an array's range.
"""

from __future__ import annotations

import numpy as np

__all__ = ["span", "summary_repr"]


def span(values) -> str:
    """``[first, last]`` of a 1-D array to 6 significant digits (``[]`` when empty).

    Examples
    --------
    >>> span(np.array([0.0, 2.0, 8.0]))
    '[0, 8]'
    >>> span(np.array([]))
    '[]'
    """
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0:
        return "[]"
    return f"[{values[0]:.6g}, {values[-1]:.6g}]"


def summary_repr(obj: object, **items: object) -> str:
    """``Type(key=value, …)`` with each value written by ``str`` (format it beforehand).

    Examples
    --------
    >>> class Fit:
    ...     pass
    >>> summary_repr(Fit(), n_points=3, tau=span([0.0, 1.5]))
    'Fit(n_points=3, tau=[0, 1.5])'
    """
    inner = ", ".join(f"{key}={value}" for key, value in items.items())
    return f"{type(obj).__name__}({inner})"
