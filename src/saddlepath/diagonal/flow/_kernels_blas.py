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

__all__ = ["gram_plus_identity", "matvec", "potrf_lower", "x_pass", "x_passes"]


def _external(module: str, name: str, n_args: int):
    """The routine ``name`` of SciPy's ``module``, all arguments pointers."""
    address = get_cython_function_address(f"scipy.linalg.{module}", name)
    if config.DISABLE_JIT:
        return ctypes.CFUNCTYPE(None, *([ctypes.c_void_p] * n_args))(address)
    symbol = f"saddlepath_flow_{name}"
    llvmlite.binding.add_symbol(symbol, address)
    return types.ExternalFunction(symbol, types.void(*([types.voidptr] * n_args)))


_dsyrk = _external("cython_blas", "dsyrk", 10)
_dgemv = _external("cython_blas", "dgemv", 11)
_dgemm = _external("cython_blas", "dgemm", 13)
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
        matvec(X, v, out, True)
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
        _matmat(V, X, out)
        return
    out[:, :] = 0.0
    for i in range(X.shape[0]):
        for k in range(V.shape[0]):
            a = V[k, i]
            for j in range(X.shape[1]):
                out[k, j] += a * X[i, j]


@jit
def matvec(M, x, out, left):
    """``out = M @ x`` (``left`` False) or ``x @ M`` (True) for a C-ordered matrix M, by BLAS
    ``dgemv`` (Fortran sees Mᵀ)."""
    p, q = M.shape
    trans = np.array([_NO_TRANS if left else _TRANS], dtype=np.uint8)
    dims = np.array([q, p, q, 1], dtype=np.int32)  # M, N, lda, inc
    scalars = np.array([1.0, 0.0])  # alpha, beta
    _dgemv(
        trans.ctypes, dims[0:].ctypes, dims[1:].ctypes, scalars[0:].ctypes, M.ctypes,
        dims[2:].ctypes, x.ctypes, dims[3:].ctypes, scalars[1:].ctypes, out.ctypes,
        dims[3:].ctypes,
    )  # fmt: skip


@jit
def _matmat(V, X, out):
    """``out = V @ X`` for C-ordered V (k, n), X (n, d), by BLAS ``dgemm``: Fortran computes
    outᵀ = Xᵀ Vᵀ from the same memory."""
    k, n = V.shape
    d = X.shape[1]
    trans = np.array([_NO_TRANS], dtype=np.uint8)
    dims = np.array([d, k, n], dtype=np.int32)  # M, N, K (= lda d, ldb n, ldc d)
    scalars = np.array([1.0, 0.0])
    _dgemm(
        trans.ctypes, trans.ctypes, dims[0:].ctypes, dims[1:].ctypes, dims[2:].ctypes,
        scalars[0:].ctypes, X.ctypes, dims[0:].ctypes, V.ctypes, dims[2:].ctypes,
        scalars[1:].ctypes, out.ctypes, dims[0:].ctypes,
    )  # fmt: skip
