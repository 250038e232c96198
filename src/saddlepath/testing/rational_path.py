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

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from saddlepath._validation import check_int
from saddlepath.testing._exact_algebra import ZERO, Vector
from saddlepath.testing._exact_input import parse_matrix, parse_targets
from saddlepath.testing._sign_constrained import Problem, constrained_least_squares

__all__ = ["MAX_BOUNDARY_SIZE", "FloatPath", "RationalPath", "rational_saddle_path"]

MAX_BOUNDARY_SIZE = 14
"""Largest boundary set :math:`E = \\{i : |s_i| = 1\\}` the enumeration accepts."""


@dataclass(frozen=True, eq=False)
class FloatPath:
    """Float64 copy of a :class:`RationalPath` (read-only arrays, time first).

    Attributes
    ----------
    tau : ndarray of shape (n_saddles,)
    beta : ndarray of shape (n_saddles, n_features)
    dual : ndarray of shape (n_saddles, n_features)
    loss : ndarray of shape (n_saddles,)
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
    tau : tuple of Fraction
        Jump times :math:`\tau_k` in accelerated time (``tau[0] = 0``).
    beta : tuple of tuple of Fraction
        Saddles :math:`\beta_k`, each of length ``n_features`` (``beta[0] = 0``).
    dual : tuple of tuple of Fraction
        Dual :math:`s_k = -\int_0^{\tau_k} \nabla L(\beta^\circ)` right after jump ``k``
        (``dual[0] = 0``); :math:`s_k \in [-1, 1]^d`.
    loss : tuple of Fraction
        :math:`L(\beta_k)`, strictly decreasing.
    entered, left : tuple of tuple of int
        0-based coordinates whose coefficient becomes non-zero / becomes zero at jump
        ``k`` (entry 0 is empty).
    unique : bool
        False if some sign-constrained least-squares problem had several minimisers; the
        path then holds the minimiser of least Euclidean norm. ``tau``, ``dual`` and
        ``loss`` do not depend on that choice (all minimisers share :math:`X\beta`).
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
        """Number of jumps (``len(tau) - 1``)."""
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
    X_rows = parse_matrix(X)
    problem = Problem.build(X_rows, parse_targets(y, len(X_rows)))
    max_jumps = check_int(max_jumps, name="max_jumps", low=0, where="rational_saddle_path")
    beta = s = (ZERO,) * problem.n_features
    tau, unique = ZERO, True
    times, coefs, duals, losses = [tau], [beta], [s], [problem.loss(beta)]
    entered: list[tuple[int, ...]] = [()]
    left: list[tuple[int, ...]] = [()]
    g = problem.gradient(beta)
    while any(g) and len(times) <= max_jumps:
        delta = _time_to_boundary(s, g)
        tau, s = tau + delta, tuple(si - delta * gi for si, gi in zip(s, g, strict=True))
        new_beta, step_unique = constrained_least_squares(problem, _boundary_set(s, len(times)), s)
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
