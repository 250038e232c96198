r"""Sign-constrained least squares in exact arithmetic, by enumerating supports.

Solves ``min L(β)`` s.t. ``σ_i β_i ≥ 0`` on the boundary set ``E`` and ``β_i = 0`` off it,
with :math:`L(\beta) = \lVert X\beta - y\rVert^2/(2n)`, by trying every candidate support
``P ⊆ E`` (cost :math:`2^{|E|}`): a test oracle, not a solver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from saddlepath.testing._exact_algebra import ZERO, Matrix, Vector, dot, min_norm_solution, solve

__all__ = ["Problem", "constrained_least_squares"]


@dataclass(frozen=True)
class Problem:
    """Data of one regression problem with its Gram matrix ``XᵀX`` and ``Xᵀy``."""

    X: Matrix
    y: Vector
    gram: Matrix
    xty: Vector

    @classmethod
    def build(cls, X: Matrix, y: Vector) -> Problem:
        columns = tuple(zip(*X, strict=True))
        gram = tuple(tuple(dot(a, b) for b in columns) for a in columns)
        return cls(X, y, gram, tuple(dot(a, y) for a in columns))

    @property
    def n_features(self) -> int:
        return len(self.xty)

    def gradient(self, beta: Vector) -> Vector:
        """:math:`\\nabla L(\\beta) = (X^\\top X\\beta - X^\\top y)/n`."""
        n = len(self.y)
        return tuple((dot(row, beta) - b) / n for row, b in zip(self.gram, self.xty, strict=True))

    def loss(self, beta: Vector) -> Fraction:
        """:math:`L(\\beta) = \\lVert X\\beta - y\\rVert^2/(2n)`."""
        residual = [dot(row, beta) - t for row, t in zip(self.X, self.y, strict=True)]
        return dot(residual, residual) / (2 * len(self.y))

    def embed(self, support: Sequence[int], values: Sequence[Fraction]) -> Vector:
        beta = [ZERO] * self.n_features
        for i, v in zip(support, values, strict=True):
            beta[i] = v
        return tuple(beta)


def _supports(boundary: Sequence[int]):
    """All subsets of ``boundary``, smallest first."""
    for size in range(len(boundary) + 1):
        yield from combinations(boundary, size)


def _basic_minimiser(problem: Problem, boundary: Sequence[int], sign: Vector):
    """A minimiser with linearly independent support: (beta, support).

    For each candidate support ``P`` solve ``X_Pᵀ X_P z = X_Pᵀ y``; keep ``z`` if it is
    nonsingular, strictly sign-feasible (``σ_i z_i > 0``) and KKT holds off ``P``
    (``σ_i ∇_i L ≥ 0``). Such a point is a global minimiser of the convex problem, and
    one always exists (a vertex of the optimal set).
    """
    for support in _supports(boundary):
        gram = [[problem.gram[i][j] for j in support] for i in support]
        z, null = solve(gram, [problem.xty[i] for i in support], len(support))
        if z is None or null or any(sign[i] * v <= 0 for i, v in zip(support, z, strict=True)):
            continue
        beta = problem.embed(support, z)
        g = problem.gradient(beta)
        if all(sign[i] * g[i] >= 0 for i in boundary if i not in support):
            return beta, support
    raise AssertionError("no minimiser found; the constrained problem always has one")


def _schur_complement(problem: Problem, support: Sequence[int], rest: Sequence[int], sign):
    """Gram matrix of the signed columns ``σ_i x_i`` (i in rest) projected off span(X_P)."""
    gram_pp = [[problem.gram[i][j] for j in support] for i in support]
    coef = {j: solve(gram_pp, [problem.gram[i][j] for i in support], len(support))[0] for j in rest}
    return [
        [
            sign[i]
            * sign[j]
            * (problem.gram[i][j] - dot([problem.gram[i][p] for p in support], coef[j]))
            for j in rest
        ]
        for i in rest
    ]


def _has_other_minimiser(problem: Problem, support, boundary, sign: Vector) -> bool:
    """Whether the optimal set is more than the vertex with (independent) ``support``.

    Other minimisers exist iff some ``h ≠ 0`` with ``X h = 0``, ``h`` free on ``support``
    and ``σ_i h_i ≥ 0`` on the rest of the boundary, i.e. iff the projected signed columns
    are positively dependent — iff some subset of them has a one-dimensional null space
    spanned by a strictly one-signed vector (a positive circuit).
    """
    rest = [i for i in boundary if i not in support]
    schur = _schur_complement(problem, support, rest, sign)
    for size in range(1, len(rest) + 1):
        for subset in combinations(range(len(rest)), size):
            block = [[schur[a][b] for b in subset] for a in subset]
            _, null = solve(block, [ZERO] * size, size)
            if len(null) == 1 and (all(v > 0 for v in null[0]) or all(v < 0 for v in null[0])):
                return True
    return False


def _least_norm_minimiser(problem: Problem, boundary, sign: Vector, fitted: Vector) -> Vector:
    """Least-norm point of ``{β : Xβ = fitted, σ_i β_i ≥ 0 on E, β_i = 0 off E}``.

    On its own support ``P`` that point is the least-norm solution of ``X_P z = fitted``,
    so it is the smallest of those solutions that are strictly sign-feasible.
    """
    best, best_norm = None, None
    for support in _supports(boundary):
        columns = tuple(tuple(row[i] for i in support) for row in problem.X)
        z = min_norm_solution(columns, fitted, len(support))
        if z is None or any(sign[i] * v <= 0 for i, v in zip(support, z, strict=True)):
            continue
        if best_norm is None or dot(z, z) < best_norm:
            best, best_norm = problem.embed(support, z), dot(z, z)
    return best


def constrained_least_squares(problem: Problem, boundary, sign: Vector) -> tuple[Vector, bool]:
    """Solve ``min L(β)`` s.t. ``σ_i β_i ≥ 0`` on the boundary, ``β_i = 0`` elsewhere.

    Returns ``(beta, unique)``; when the minimiser is not unique, ``beta`` is the one of
    least Euclidean norm (for identical columns this shares the weight equally, as the
    flow does).
    """
    beta, support = _basic_minimiser(problem, boundary, sign)
    if not _has_other_minimiser(problem, support, boundary, sign):
        return beta, True
    fitted = tuple(dot(row, beta) for row in problem.X)
    return _least_norm_minimiser(problem, boundary, sign, fitted), False
