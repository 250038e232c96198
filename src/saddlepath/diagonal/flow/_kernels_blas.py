r"""BLAS ``dsyrk`` and LAPACK ``dpotrf`` for the compiled flow kernels (private).

SciPy's BLAS and LAPACK (``scipy.linalg.cython_blas``, ``cython_lapack``) called through
their function pointers: registered with LLVM under a name, so that compiled code calling
them can be cached on disk, and, under ``NUMBA_DISABLE_JIT=1``, called from plain Python
through ctypes. Matrices are C-ordered; Fortran sees their transposes, so
"the lower triangle of G" here is Fortran's upper one. Used by :func:`._kernels_step.factor`
from ``blas_min`` entries on: the Gram matrix :math:`I + UU^\top` (or :math:`I + U^\top U`)
with half the products of a general matrix product, and its Cholesky factor. Also here:
the passes over X (:func:`x_pass`, :func:`x_passes`), compiled loops below ``blas_min``
entries of X and BLAS matrix products from there on.
"""

from __future__ import annotations

import ctypes

import llvmlite.binding
import numpy as np
from numba import config, types
from numba.extending import get_cython_function_address

from saddlepath.diagonal.flow._kernels_ode import jit

__all__ = ["gram_plus_identity", "potrf_lower", "x_pass", "x_passes"]


def _external(module: str, name: str, n_args: int):
    """The routine ``name`` of SciPy's ``module``, all arguments pointers."""
    address = get_cython_function_address(f"scipy.linalg.{module}", name)
    if config.DISABLE_JIT:
        return ctypes.CFUNCTYPE(None, *([ctypes.c_void_p] * n_args))(address)
    symbol = f"saddlepath_flow_{name}"
    llvmlite.binding.add_symbol(symbol, address)
    return types.ExternalFunction(symbol, types.void(*([types.voidptr] * n_args)))


_dsyrk = _external("cython_blas", "dsyrk", 10)
_dpotrf = _external("cython_lapack", "dpotrf", 5)
_UPPER, _NO_TRANS, _TRANS = ord("U"), ord("N"), ord("T")


@jit
def gram_plus_identity(UT, outer):
    r"""The lower triangle of :math:`I_n + UU^\top` (``outer``) or :math:`I_k + U^\top U`
    for ``UT`` = :math:`U^\top` of shape (k, n), in a new C-ordered array (BLAS ``dsyrk``;
    the strict upper triangle is left zero)."""
    k, n = UT.shape
    size = n if outer else k
    G = np.zeros((size, size))
    for p in range(size):
        G[p, p] = 1.0
    chars = np.array([_UPPER, _NO_TRANS if outer else _TRANS], dtype=np.uint8)
    ints = np.array([size, k if outer else n, n], dtype=np.int32)  # N, K, lda (= ldc below)
    ldc = np.array([size], dtype=np.int32)
    ones = np.ones(2)  # alpha, beta
    _dsyrk(
        chars[0:].ctypes, chars[1:].ctypes, ints[0:].ctypes, ints[1:].ctypes,
        ones[0:].ctypes, UT.ctypes, ints[2:].ctypes, ones[1:].ctypes, G.ctypes, ldc.ctypes,
    )  # fmt: skip
    return G


@jit
def potrf_lower(G):
    """Cholesky factor of the SPD ``G`` into its lower triangle (C order), by LAPACK; False
    if it failed (a pivot not > 0)."""
    size = np.array([G.shape[0], G.shape[0], 0], dtype=np.int32)  # N, lda, info
    upper = np.array([_UPPER], dtype=np.uint8)
    _dpotrf(upper.ctypes, size[0:].ctypes, G.ctypes, size[1:].ctypes, size[2:].ctypes)
    return size[2] == 0


@jit
def x_pass(X, v, out, blas_min):
    """``out = v @ X`` (length d): loops below ``blas_min`` entries, BLAS from there on."""
    if X.size >= blas_min:
        out[:] = np.dot(v, X)
        return
    out[:] = 0.0
    for i in range(X.shape[0]):
        vi = v[i]
        for j in range(X.shape[1]):
            out[j] += vi * X[i, j]


@jit
def x_passes(X, V, out, blas_min):
    """``out = V @ X`` for a few rows V (k, n): one read of X for all (as ``x_pass``)."""
    if X.size >= blas_min:
        out[:, :] = np.dot(V, X)
        return
    out[:, :] = 0.0
    for i in range(X.shape[0]):
        for k in range(V.shape[0]):
            a = V[k, i]
            for j in range(X.shape[1]):
                out[k, j] += a * X[i, j]
