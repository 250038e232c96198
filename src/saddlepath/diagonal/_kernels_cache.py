"""The disk cache of saddlepath's compiled kernels, keyed on all their sources (private).

numba's disk cache (``cache=True``) keys a compiled function on its *own* source file only,
but the kernels call one another across files (the flow's loop calls its step and error
files, the path's loop its scan, factor and solve files, everyone inlines ``_kernels_log``):
after an edit or upgrade that changes a callee's file alone, numba would load the caller's
stale machine code. This module, imported before any kernel is defined, puts two locators
in front of numba's (its user directory ``NUMBA_CACHE_DIR`` and its in-tree
``__pycache__``), used for the functions of :data:`SOURCES` only, whose source stamp is
that of every file in :data:`SOURCES`. Nothing else changes: where neither applies, numba's
own locators follow. (This uses ``numba.core.caching``, an internal module; if it moves,
the kernels fall back to numba's default keys and still run.)
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SOURCES"]

_DIAGONAL = Path(__file__).resolve().parent
SOURCES = (*sorted(_DIAGONAL.glob("_kernels*.py")), *sorted((_DIAGONAL / "flow").glob("*.py")))
"""The files that hold compiled code: a change to any invalidates every cached kernel."""
_COMPILED = frozenset(SOURCES)


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
            if Path(py_file).resolve() not in _COMPILED:
                return None
            return super().from_function(py_func, py_file)

    class KernelUserDirLocator(_AllSources, user):
        pass

    class KernelInTreeLocator(_AllSources, in_tree):
        pass

    names = {c.__name__ for c in impl._locator_classes}
    if "KernelInTreeLocator" not in names:
        impl._locator_classes[:0] = [KernelUserDirLocator, KernelInTreeLocator]


_install()
