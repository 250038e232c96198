"""The disk cache of the flow's compiled kernels, keyed on all their sources (private).

numba's disk cache (``cache=True``) keys a compiled function on its *own* source file only,
but the flow's kernels call one another across files (and inline ``_kernels_log``): after an
edit or upgrade that changes a callee's file alone, numba would load the caller's stale
machine code. This module, imported before any flow kernel is defined, puts two locators in
front of numba's (its user directory ``NUMBA_CACHE_DIR`` and its in-tree ``__pycache__``),
used for the functions of this package only, whose source stamp is that of every file the
kernels are compiled from. Nothing else changes: where neither applies, numba's own locators
follow. (This uses ``numba.core.caching``, an internal module; if it moves, the flow falls
back to numba's default keys and still runs.)
"""

from __future__ import annotations

from pathlib import Path

from saddlepath.diagonal import _kernels_log

__all__ = ["SOURCES"]

_HERE = Path(__file__).resolve().parent
SOURCES = (*sorted(_HERE.glob("*.py")), Path(_kernels_log.__file__).resolve())
"""The files a change of which invalidates every cached flow kernel."""


def _stamp() -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in SOURCES)


def _install() -> None:
    try:
        from numba.core import caching

        impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
        user, in_tree = caching.UserProvidedCacheLocator, caching.InTreeCacheLocator
    except (ImportError, AttributeError):  # numba moved its internals: default keys
        return

    class _AllSources:
        def get_source_stamp(self):
            return _stamp()

        @classmethod
        def from_function(cls, py_func, py_file):
            if Path(py_file).resolve().parent != _HERE:
                return None
            return super().from_function(py_func, py_file)

    class FlowUserDirLocator(_AllSources, user):
        pass

    class FlowInTreeLocator(_AllSources, in_tree):
        pass

    names = {c.__name__ for c in impl._locator_classes}
    if "FlowInTreeLocator" not in names:
        impl._locator_classes[:0] = [FlowUserDirLocator, FlowInTreeLocator]


_install()
