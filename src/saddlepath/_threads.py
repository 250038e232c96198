"""BLAS threads for small problems: one thread where more only contend.

saddlepath's solvers call BLAS on thin matrix–vector products (``Xᵀr``, a few columns of
``X``) whose cost is reading ``X`` once; extra OpenBLAS threads gain little there and, on a
machine whose cores are busy, spin against the other processes. Measured on a 2-core
machine at load ≈ 4 (``saddle_path``, medians of 5, interleaved): 2 threads against 1 took
1.04× the time at (n, d) = (100, 1000), **7.6×** at (500, 5000) and 1.5× at (1000, 20000);
``gradient_flow`` at (200, 1000), α = 1e-10, was 5–11× slower with two.
So a problem with at most :data:`SMALL_PROBLEM` entries in ``X`` runs with one BLAS thread
(which also makes its floating-point reductions independent of the machine's core count);
larger ones keep the process's setting.

The environment variable ``SADDLEPATH_BLAS_THREADS`` overrides the rule: ``auto`` (the
default), ``keep`` (never change BLAS's threads) or an integer ``N`` (``N`` threads for
every call). The limit holds for the call only (``threadpoolctl``); it is skipped, with
the same numbers, where threadpoolctl is not installed.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = ["ENV_VAR", "SMALL_PROBLEM", "blas_threads", "blas_threads_by_size", "blas_threads_for"]

SMALL_PROBLEM = 1 << 24  # entries of X (16.8 M: 134 MB in float64)
ENV_VAR = "SADDLEPATH_BLAS_THREADS"
_controller: Any = None


def blas_threads_for(size: int) -> int | None:
    """BLAS threads for a problem whose ``X`` has ``size`` entries (``None``: keep).

    Raises
    ------
    ValueError
        ``SADDLEPATH_BLAS_THREADS`` is not ``auto``, ``keep`` or an integer ≥ 1.
    """
    setting = os.environ.get(ENV_VAR, "auto").strip().lower()
    if setting == "auto":
        return 1 if size <= SMALL_PROBLEM else None
    if setting == "keep":
        return None
    if setting.isdigit() and int(setting) >= 1:
        return int(setting)
    raise ValueError(
        f"{ENV_VAR} must be 'auto', 'keep' or an integer ≥ 1; got {os.environ[ENV_VAR]!r}. "
        f"Unset it for the default (one thread up to {SMALL_PROBLEM:,} entries of X)."
    )


def _limit(threads: int):
    """The cached controller's limit (≈ 10 µs; a fresh ``threadpool_limits`` costs ≈ 1 ms)."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl is a core dependency
            return contextlib.nullcontext()
        _controller = ThreadpoolController()
    return _controller.limit(limits=threads, user_api="blas")


@contextlib.contextmanager
def blas_threads(size: int) -> Iterator[int | None]:
    """Within the block, BLAS runs on :func:`blas_threads_for` ``(size)`` threads."""
    threads = blas_threads_for(size)
    if threads is None:
        yield None
        return
    with _limit(threads):
        yield threads


def blas_threads_by_size(function: Callable) -> Callable:
    """Decorator for ``function(X, ...)``: the call runs under :func:`blas_threads` of
    ``X``'s size (its signature and docstring are kept)."""

    @functools.wraps(function)
    def call(X, *args, **kwargs):
        with blas_threads(int(np.size(X))):
            return function(X, *args, **kwargs)

    return call
