r"""Exact rational reference for the saddle-to-saddle path (Pesme & Flammarion, Alg. 1).

A test oracle, not a solver: every quantity is a :class:`fractions.Fraction`, the
sign-constrained least-squares step is solved by enumerating candidate supports, and
the cost grows like :math:`2^{|E|}`. Use it on tiny problems to check the float path.

Units are those of the loss

.. math::

    L(\beta) = \frac{1}{2n}\lVert X\beta - y\rVert^2, \qquad
    \nabla L(\beta) = \frac{1}{n} X^\top (X\beta - y),

so the first jump happens at :math:`\tau_1 = n / \lVert X^\top y\rVert_\infty`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import numpy as np

from saddlepath._validation import check_int

__all__ = ["MAX_BOUNDARY_SIZE", "FloatPath", "RationalPath", "rational_saddle_path"]

MAX_BOUNDARY_SIZE = 14
"""Largest boundary set :math:`E = \\{i : |s_i| = 1\\}` the enumeration accepts."""

_ZERO = Fraction(0)

Vector = tuple[Fraction, ...]
Matrix = tuple[Vector, ...]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FloatPath:
    """Float64 copy of a :class:`RationalPath` (read-only arrays, time first).

    Attributes
    ----------
    times : ndarray of shape (n_saddles,)
    coefs : ndarray of shape (n_saddles, n_features)
    duals : ndarray of shape (n_saddles, n_features)
    losses : ndarray of shape (n_saddles,)
    """

    tau: np.ndarray
    beta: np.ndarray
    dual: np.ndarray
    loss: np.ndarray


@dataclass(frozen=True)
class RationalPath:
    r"""The exact saddle-to-saddle path; entry ``k`` is saddle ``k`` (``k = 0`` the origin).

    Attributes
    ----------
    times : tuple of Fraction
        Jump times :math:`\tau_k` in accelerated time (``times[0] = 0``).
    coefs : tuple of tuple of Fraction
        Saddles :math:`\beta_k`, each of length ``n_features`` (``coefs[0] = 0``).
    duals : tuple of tuple of Fraction
        Dual :math:`s_k = -\int_0^{\tau_k} \nabla L(\beta^\circ)` right after jump ``k``
        (``duals[0] = 0``); :math:`s_k \in [-1, 1]^d`.
    losses : tuple of Fraction
        :math:`L(\beta_k)`, strictly decreasing.
    entered, left : tuple of tuple of int
        0-based coordinates whose coefficient becomes non-zero / becomes zero at jump
        ``k`` (entry 0 is empty).
    unique : bool
        False if some sign-constrained least-squares problem had several minimisers; the
        path then holds the minimiser of least Euclidean norm. ``times``, ``duals`` and
        ``losses`` do not depend on that choice (all minimisers share :math:`X\beta`).
    converged : bool
        True if the last saddle has exactly zero gradient; False if ``max_jumps`` stopped
        the loop first.
    """

    tau: tuple[Fraction, ...]
    beta: tuple[Vector, ...]
    dual: tuple[Vector, ...]
    loss: tuple[Fraction, ...]
    entered: tuple[tuple[int, ...], ...]
    left: tuple[tuple[int, ...], ...]
    unique: bool
    converged: bool

    @property
    def n_jumps(self) -> int:
        """Number of jumps (``len(times) - 1``)."""
        return len(self.tau) - 1

    def as_float(self) -> FloatPath:
        """Return the path as read-only float64 arrays (rounded to nearest)."""
        arrays = [
            np.array(values, dtype=np.float64)
            for values in (self.tau, self.beta, self.dual, self.loss)
        ]
        for array in arrays:
            array.flags.writeable = False
        return FloatPath(*arrays)


# ------------------------------------------------------------------ input conversion


def _to_fraction(value: object, *, name: str, where: str) -> Fraction:
    """Convert one entry exactly: int, Fraction, decimal string, Decimal or finite float."""
    if isinstance(value, str):
        try:
            return Fraction(value)
        except ValueError:
            raise ValueError(
                f"`{name}` entry {where} is the string {value!r}, which is not an exact "
                "number; write it like '0.7', '7/10' or '1e-3'."
            ) from None
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal | numbers.Real):
        if not (value.is_finite() if isinstance(value, Decimal) else np.isfinite(float(value))):
            raise ValueError(
                f"`{name}` entry {where} is {value!r}; every entry must be finite. Remove or "
                "impute NaN/inf values before calling."
            )
        return Fraction(value) if isinstance(value, Decimal) else Fraction(float(value))
    raise TypeError(
        f"`{name}` entry {where} has type {type(value).__name__}; entries must be int, "
        "Fraction, float, Decimal or a decimal string such as '0.7'."
    )


def _as_list(value: object, *, name: str, ndim: int) -> list:
    """Return ``value`` as a Python list, checking the dimension of NumPy arrays."""
    if isinstance(value, np.ndarray):
        if value.ndim != ndim:
            raise ValueError(
                f"`{name}` must be {ndim}-D; got an array of shape {value.shape}. "
                + (
                    "Use np.ravel(y) for a column vector."
                    if ndim == 1
                    else "Pass a list of rows or an array of shape (n_samples, n_features)."
                )
            )
        return value.tolist()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(
            f"`{name}` must be a sequence or a NumPy array; got {type(value).__name__}."
        )
    return list(value)


def _is_row(value: object) -> bool:
    return isinstance(value, Sequence | np.ndarray) and not isinstance(value, str | bytes)


def _parse_matrix(X: object) -> Matrix:
    """Convert ``X`` (rows) to a rectangular tuple of Fraction rows."""
    rows = _as_list(X, name="X", ndim=2)
    if not rows:
        raise ValueError("`X` is empty (no rows); it needs at least one sample and one feature.")
    parsed = []
    for r, row in enumerate(rows):
        if not _is_row(row):
            raise ValueError(
                f"`X` must be 2-D (a sequence of rows); row {r} is {row!r}. For a single "
                "sample pass [[x1, x2, ...]]."
            )
        parsed.append(
            tuple(_to_fraction(v, name="X", where=f"[{r}][{c}]") for c, v in enumerate(row))
        )
    if not parsed[0]:
        raise ValueError("`X` has rows of length 0; it needs at least one feature.")
    for r, row in enumerate(parsed):
        if len(row) != len(parsed[0]):
            raise ValueError(
                f"`X` is ragged: row 0 has {len(parsed[0])} entries but row {r} has "
                f"{len(row)}; every row must have n_features entries."
            )
    return tuple(parsed)


def _parse_targets(y: object, n_samples: int) -> Vector:
    """Convert ``y`` to a tuple of Fractions of length ``n_samples``."""
    entries = _as_list(y, name="y", ndim=1)
    for i, v in enumerate(entries):
        if _is_row(v):
            raise ValueError(
                f"`y` must be 1-D; entry {i} is a sequence ({v!r}). Use np.ravel(y) for a "
                "column vector."
            )
    if len(entries) != n_samples:
        raise ValueError(
            f"`X` has {n_samples} rows but `y` has {len(entries)} entries; they must have "
            "the same number of samples."
        )
    return tuple(_to_fraction(v, name="y", where=f"[{i}]") for i, v in enumerate(entries))


# ------------------------------------------------------------------- exact algebra


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


def _solve(A: Sequence[Sequence[Fraction]], b: Sequence[Fraction], n_cols: int):
    """Solve ``A x = b`` exactly.

    Returns ``(x, null)``: ``x`` a particular solution (free variables zero) or None if
    the system is inconsistent, and ``null`` a basis of the null space of ``A``.
    """
    rref, pivots = _row_reduce([[*row, bi] for row, bi in zip(A, b, strict=True)], n_cols)
    free = [c for c in range(n_cols) if c not in pivots]
    null = []
    for f in free:
        v = [_ZERO] * n_cols
        v[f] = Fraction(1)
        for r, c in enumerate(pivots):
            v[c] = -rref[r][f]
        null.append(tuple(v))
    if any(row[n_cols] != 0 for row in rref[len(pivots) :]):
        return None, null
    x = [_ZERO] * n_cols
    for r, c in enumerate(pivots):
        x[c] = rref[r][n_cols]
    return tuple(x), null


def _dot(u: Sequence[Fraction], v: Sequence[Fraction]) -> Fraction:
    return sum((a * b for a, b in zip(u, v, strict=True)), _ZERO)


def _min_norm_solution(A: Matrix, b: Vector, n_cols: int) -> Vector | None:
    """Least-norm solution of the consistent system ``A z = b``, or None if inconsistent."""
    z0, null = _solve(A, b, n_cols)
    if z0 is None or not null:
        return z0
    gram = [[_dot(u, v) for v in null] for u in null]
    coef, _ = _solve(gram, [_dot(u, z0) for u in null], len(null))
    return tuple(
        z - sum((c * u[j] for c, u in zip(coef, null, strict=True)), _ZERO)
        for j, z in enumerate(z0)
    )


# --------------------------------------------------------------------------- problem


@dataclass(frozen=True)
class _Problem:
    """Data of one regression problem with its Gram matrix ``XᵀX`` and ``Xᵀy``."""

    X: Matrix
    y: Vector
    gram: Matrix
    xty: Vector

    @classmethod
    def build(cls, X: Matrix, y: Vector) -> _Problem:
        columns = tuple(zip(*X, strict=True))
        gram = tuple(tuple(_dot(a, b) for b in columns) for a in columns)
        return cls(X, y, gram, tuple(_dot(a, y) for a in columns))

    @property
    def n_features(self) -> int:
        return len(self.xty)

    def gradient(self, beta: Vector) -> Vector:
        """:math:`\\nabla L(\\beta) = (X^\\top X\\beta - X^\\top y)/n`."""
        n = len(self.y)
        return tuple((_dot(row, beta) - b) / n for row, b in zip(self.gram, self.xty, strict=True))

    def loss(self, beta: Vector) -> Fraction:
        """:math:`L(\\beta) = \\lVert X\\beta - y\\rVert^2/(2n)`."""
        residual = [_dot(row, beta) - t for row, t in zip(self.X, self.y, strict=True)]
        return _dot(residual, residual) / (2 * len(self.y))

    def embed(self, support: Sequence[int], values: Sequence[Fraction]) -> Vector:
        beta = [_ZERO] * self.n_features
        for i, v in zip(support, values, strict=True):
            beta[i] = v
        return tuple(beta)


def _supports(boundary: Sequence[int]):
    """All subsets of ``boundary``, smallest first."""
    for size in range(len(boundary) + 1):
        yield from combinations(boundary, size)


# ------------------------------------------------- sign-constrained least squares


def _basic_minimiser(problem: _Problem, boundary: Sequence[int], sign: Vector):
    """A minimiser with linearly independent support: (beta, support).

    For each candidate support ``P`` solve ``X_Pᵀ X_P z = X_Pᵀ y``; keep ``z`` if it is
    nonsingular, strictly sign-feasible (``σ_i z_i > 0``) and KKT holds off ``P``
    (``σ_i ∇_i L ≥ 0``). Such a point is a global minimiser of the convex problem, and
    one always exists (a vertex of the optimal set).
    """
    for support in _supports(boundary):
        gram = [[problem.gram[i][j] for j in support] for i in support]
        z, null = _solve(gram, [problem.xty[i] for i in support], len(support))
        if z is None or null or any(sign[i] * v <= 0 for i, v in zip(support, z, strict=True)):
            continue
        beta = problem.embed(support, z)
        g = problem.gradient(beta)
        if all(sign[i] * g[i] >= 0 for i in boundary if i not in support):
            return beta, support
    raise AssertionError("no minimiser found; the constrained problem always has one")


def _schur_complement(problem: _Problem, support: Sequence[int], rest: Sequence[int], sign):
    """Gram matrix of the signed columns ``σ_i x_i`` (i in rest) projected off span(X_P)."""
    gram_pp = [[problem.gram[i][j] for j in support] for i in support]
    coef = {
        j: _solve(gram_pp, [problem.gram[i][j] for i in support], len(support))[0] for j in rest
    }
    return [
        [
            sign[i]
            * sign[j]
            * (problem.gram[i][j] - _dot([problem.gram[i][p] for p in support], coef[j]))
            for j in rest
        ]
        for i in rest
    ]


def _has_other_minimiser(problem: _Problem, support, boundary, sign: Vector) -> bool:
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
            _, null = _solve(block, [_ZERO] * size, size)
            if len(null) == 1 and (all(v > 0 for v in null[0]) or all(v < 0 for v in null[0])):
                return True
    return False


def _least_norm_minimiser(problem: _Problem, boundary, sign: Vector, fitted: Vector) -> Vector:
    """Least-norm point of ``{β : Xβ = fitted, σ_i β_i ≥ 0 on E, β_i = 0 off E}``.

    On its own support ``P`` that point is the least-norm solution of ``X_P z = fitted``,
    so it is the smallest of those solutions that are strictly sign-feasible.
    """
    best, best_norm = None, None
    for support in _supports(boundary):
        columns = tuple(tuple(row[i] for i in support) for row in problem.X)
        z = _min_norm_solution(columns, fitted, len(support))
        if z is None or any(sign[i] * v <= 0 for i, v in zip(support, z, strict=True)):
            continue
        if best_norm is None or _dot(z, z) < best_norm:
            best, best_norm = problem.embed(support, z), _dot(z, z)
    return best


def _constrained_least_squares(problem: _Problem, boundary, sign: Vector) -> tuple[Vector, bool]:
    """Solve ``min L(β)`` s.t. ``σ_i β_i ≥ 0`` on the boundary, ``β_i = 0`` elsewhere.

    Returns ``(beta, unique)``; when the minimiser is not unique, ``beta`` is the one of
    least Euclidean norm (for identical columns this shares the weight equally, as the
    flow does).
    """
    beta, support = _basic_minimiser(problem, boundary, sign)
    if not _has_other_minimiser(problem, support, boundary, sign):
        return beta, True
    fitted = tuple(_dot(row, beta) for row in problem.X)
    return _least_norm_minimiser(problem, boundary, sign, fitted), False


# ------------------------------------------------------------------------- the path


def _time_to_boundary(s: Vector, g: Vector) -> Fraction:
    """``Δ = min{δ > 0 : s_i − δ g_i = ±1 for some i with g_i ≠ 0}``.

    Coordinate ``i`` moves towards ``−sign(g_i)``, which it reaches after
    ``(s_i + sign(g_i))/g_i``; a coordinate on the boundary with ``σ_i g_i > 0`` thus
    crosses to the opposite side after ``2/|g_i|``.
    """
    deltas = ((si + (1 if gi > 0 else -1)) / gi for si, gi in zip(s, g, strict=True) if gi != 0)
    return min(d for d in deltas if d > 0)


def _boundary_set(s: Vector, jump: int) -> list[int]:
    boundary = [i for i, si in enumerate(s) if abs(si) == 1]
    if len(boundary) > MAX_BOUNDARY_SIZE:
        raise ValueError(
            f"At jump {jump} the boundary set {{i : |s_i| = 1}} has {len(boundary)} "
            f"coordinates, more than the {MAX_BOUNDARY_SIZE} this exact oracle enumerates "
            "(2^|E| candidate supports). Use a problem with fewer features, or the float path."
        )
    return boundary


def _support_changes(old: Vector, new: Vector) -> tuple[tuple[int, ...], tuple[int, ...]]:
    entered = tuple(i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a == 0 != b)
    left = tuple(i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != 0 == b)
    return entered, left


def rational_saddle_path(X: object, y: object, *, max_jumps: int = 200) -> RationalPath:
    r"""Exact saddle-to-saddle path of a diagonal linear network as :math:`\alpha \to 0`.

    Algorithm 1 of Pesme & Flammarion (2023) in rational arithmetic. Starting from
    :math:`\tau_0 = 0`, :math:`\beta_0 = 0`, :math:`s_0 = 0`, while
    :math:`g = \nabla L(\beta_k) = X^\top(X\beta_k - y)/n \neq 0`:

    .. math::

        \Delta &= \min\{\delta > 0 : \exists i,\ g_i \neq 0,\ s_i - \delta g_i = \pm 1\},\\
        \tau_{k+1} &= \tau_k + \Delta, \qquad s_{k+1} = s_k - \Delta\, g,\\
        \beta_{k+1} &\in \operatorname{argmin} L(\beta) \ \text{s.t.}\
        s_i\beta_i \ge 0 \text{ if } |s_i| = 1,\ \beta_i = 0 \text{ if } |s_i| < 1,

    with :math:`L(\beta) = \lVert X\beta - y\rVert^2/(2n)` (times are in P&F's
    accelerated time :math:`\tau = t/\ln(1/\alpha)`). The constrained step is solved
    exactly by enumerating candidate supports :math:`P \subseteq E = \{i : |s_i| = 1\}`
    and solving :math:`X_P^\top X_P z = X_P^\top y` by Gaussian elimination; a solution
    that is strictly sign-feasible and satisfies KKT on :math:`E \setminus P` is a global
    minimiser. If the minimiser is not unique the one of least Euclidean norm is kept
    and ``unique`` is False; the times, duals and losses do not depend on that choice.

    Parameters
    ----------
    X : sequence of rows or ndarray of shape (n_samples, n_features)
        Entries may be int, Fraction, Decimal, decimal strings (``"0.7"`` is 7/10
        exactly) or finite floats (converted exactly, so ``0.7`` is not 7/10).
    y : sequence or ndarray of shape (n_samples,)
        Targets, with the same entry types as ``X``.
    max_jumps : int, default=200
        Stop after this many jumps even if the gradient is not zero (``converged`` is
        then False).

    Returns
    -------
    RationalPath
        Saddles, jump times, duals, losses and support changes, all exact.

    Raises
    ------
    ValueError
        If the data are empty, ragged, of mismatched lengths or not finite, or if a
        boundary set exceeds :data:`MAX_BOUNDARY_SIZE` coordinates.
    TypeError
        If an entry is not a number or a decimal string.

    Examples
    --------
    >>> path = rational_saddle_path([["1", ".5", ".7", "0"], [".5", "1", ".1", ".7"]], [1, 0])
    >>> [str(t) for t in path.tau]
    ['0', '2', '8', '552/49']
    >>> [str(b) for b in path.beta[-1]]
    ['0', '0', '10/7', '-10/49']
    >>> path.left[2], path.converged
    ((0,), True)
    """
    X_rows = _parse_matrix(X)
    problem = _Problem.build(X_rows, _parse_targets(y, len(X_rows)))
    max_jumps = check_int(max_jumps, name="max_jumps", low=0, where="rational_saddle_path")
    beta = s = (_ZERO,) * problem.n_features
    tau, unique = _ZERO, True
    times, coefs, duals, losses = [tau], [beta], [s], [problem.loss(beta)]
    entered: list[tuple[int, ...]] = [()]
    left: list[tuple[int, ...]] = [()]
    g = problem.gradient(beta)
    while any(g) and len(times) <= max_jumps:
        delta = _time_to_boundary(s, g)
        tau, s = tau + delta, tuple(si - delta * gi for si, gi in zip(s, g, strict=True))
        new_beta, step_unique = _constrained_least_squares(problem, _boundary_set(s, len(times)), s)
        unique &= step_unique
        came, went = _support_changes(beta, new_beta)
        beta, g = new_beta, problem.gradient(new_beta)
        for store, value in zip(
            (times, coefs, duals, losses, entered, left),
            (tau, beta, s, problem.loss(beta), came, went),
            strict=True,
        ):
            store.append(value)
    return RationalPath(
        tuple(times),
        tuple(coefs),
        tuple(duals),
        tuple(losses),
        tuple(entered),
        tuple(left),
        unique,
        not any(g),
    )
