"""Exact linear algebra over :class:`fractions.Fraction` for the rational oracle.

Vectors and matrices are tuples (of rows) of Fractions; every operation is exact, so
the oracle has no rounding at all. Gauss–Jordan elimination gives particular solutions
and null-space bases; the least-norm solution of a consistent system follows from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

__all__ = ["ZERO", "Matrix", "Vector", "dot", "min_norm_solution", "solve"]

ZERO = Fraction(0)

Vector = tuple[Fraction, ...]
Matrix = tuple[Vector, ...]


def _row_reduce(rows: list[list[Fraction]], n_cols: int) -> tuple[list[list[Fraction]], list[int]]:
    """Gauss–Jordan elimination on the first ``n_cols`` columns; return (RREF, pivots)."""
    rows = [list(row) for row in rows]
    pivots: list[int] = []
    for c in range(n_cols):
        r = len(pivots)
        p = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        rows[r] = [v / rows[r][c] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        if len(pivots) == len(rows):
            break
    return rows, pivots


def solve(A: Sequence[Sequence[Fraction]], b: Sequence[Fraction], n_cols: int):
    """Solve ``A x = b`` exactly.

    Returns ``(x, null)``: ``x`` a particular solution (free variables zero) or None if
    the system is inconsistent, and ``null`` a basis of the null space of ``A``.
    """
    rref, pivots = _row_reduce([[*row, bi] for row, bi in zip(A, b, strict=True)], n_cols)
    free = [c for c in range(n_cols) if c not in pivots]
    null = []
    for f in free:
        v = [ZERO] * n_cols
        v[f] = Fraction(1)
        for r, c in enumerate(pivots):
            v[c] = -rref[r][f]
        null.append(tuple(v))
    if any(row[n_cols] != 0 for row in rref[len(pivots) :]):
        return None, null
    x = [ZERO] * n_cols
    for r, c in enumerate(pivots):
        x[c] = rref[r][n_cols]
    return tuple(x), null


def dot(u: Sequence[Fraction], v: Sequence[Fraction]) -> Fraction:
    return sum((a * b for a, b in zip(u, v, strict=True)), ZERO)


def min_norm_solution(A: Matrix, b: Vector, n_cols: int) -> Vector | None:
    """Least-norm solution of the consistent system ``A z = b``, or None if inconsistent."""
    z0, null = solve(A, b, n_cols)
    if z0 is None or not null:
        return z0
    gram = [[dot(u, v) for v in null] for u in null]
    coef, _ = solve(gram, [dot(u, z0) for u in null], len(null))
    return tuple(
        z - sum((c * u[j] for c, u in zip(coef, null, strict=True)), ZERO) for j, z in enumerate(z0)
    )
