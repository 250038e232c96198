r"""Closed forms for the thesis's small cases, d ≤ 2 (private; the "exact" column).

Notation (the thesis's ordering of the weights is :math:`\phi = (v, u)`):
:math:`A = X^\top X/n`, :math:`c = X^\top y/n`, :math:`g = \nabla L(\beta) = A\beta - c`.
The Jacobian of the gradient flow is :math:`J = -\nabla^2 F` with

.. math::

    \nabla^2 F = \begin{pmatrix} D_u A D_u & D_u A D_v + \mathrm{diag}\, g \\
    D_v A D_u + \mathrm{diag}\, g & D_v A D_v \end{pmatrix}.

At a critical point with support :math:`S`, balanced (:math:`|u_i| = |v_i| = \sqrt{|\beta_i|}`,
which GD from :math:`u_0 = \sqrt2\gamma`, :math:`v_0 = 0` reaches up to :math:`O(\gamma^2)`):
:math:`\beta_S = A_{SS}^{-1}c_S`; each inactive ``j`` gives the pair :math:`\pm|g_j|`
(unstable eigenvector :math:`(e_{v_j} - \mathrm{sign}(g_j) e_{u_j})/\sqrt2`); the active block
gives :math:`|S|` zeros and the eigenvalues of :math:`-2A_{SS}\,\mathrm{diag}|\beta_S|`:
:math:`-2a_{ii}|\beta_i|` for one coordinate, :math:`-(t \pm \sqrt{t^2 - 4D})` with
:math:`t = a_{11}|\beta_1| + a_{22}|\beta_2|`, :math:`D = |\beta_1\beta_2|\det A` for two.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "critical_point", "flow_margin_iteration", "flow_time", "jacobian", "spectrum",
    "top_unstable_vector",
]  # fmt: skip


def critical_point(X, y, support) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(beta, v, u)``: the balanced critical point on ``support`` (|S| ≤ 2), u ≥ 0."""
    n, d = X.shape
    A, c = X.T @ X / n, X.T @ y / n
    beta = np.zeros(d)
    S = list(support)
    if len(S) == 1:
        beta[S[0]] = c[S[0]] / A[S[0], S[0]]
    elif len(S) == 2:
        i, j = S
        det = A[i, i] * A[j, j] - A[i, j] ** 2
        beta[i] = (A[j, j] * c[i] - A[i, j] * c[j]) / det
        beta[j] = (A[i, i] * c[j] - A[i, j] * c[i]) / det
    u = np.sqrt(np.abs(beta))
    return beta, np.sign(beta) * u, u


def jacobian(X, y, v, u) -> np.ndarray:
    """:math:`J = -\\nabla^2 F` in the thesis's order ``(v, u)``, shape (2d, 2d)."""
    n = X.shape[0]
    A = X.T @ X / n
    g = A @ (u * v) - X.T @ y / n
    top = np.hstack([u[:, None] * A * u, u[:, None] * A * v + np.diag(g)])
    bottom = np.hstack([v[:, None] * A * u + np.diag(g), v[:, None] * A * v])
    return -np.vstack([top, bottom])


def spectrum(X, y, beta) -> np.ndarray:
    """Eigenvalues of J at the balanced critical point ``beta`` (ascending), closed form.

    Examples
    --------
    >>> X, y = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([1.0, 1.0])
    >>> spectrum(X, y, np.zeros(2)).tolist()  # ±|c_j|, c = Xᵀy/n = (0.5, 1)
    [-1.0, -0.5, 0.5, 1.0]
    >>> spectrum(X, y, np.array([0.0, 0.5])).tolist()  # β₂ = c₂/a₂₂; −2·a₂₂·|β₂| = −2
    [-2.0, -0.5, 0.0, 0.5]
    """
    n = X.shape[0]
    A, c = X.T @ X / n, X.T @ y / n
    g = A @ beta - c
    S = np.flatnonzero(beta)
    values = [s * abs(g[j]) for j in range(beta.size) if j not in S for s in (1, -1)]
    values += [0.0] * S.size
    if S.size == 1:
        values.append(-2 * A[S[0], S[0]] * abs(beta[S[0]]))
    elif S.size == 2:
        b1, b2 = abs(beta[S[0]]), abs(beta[S[1]])
        t = A[S[0], S[0]] * b1 + A[S[1], S[1]] * b2
        D = b1 * b2 * (A[S[0], S[0]] * A[S[1], S[1]] - A[S[0], S[1]] ** 2)
        root = math.sqrt(max(t * t - 4 * D, 0.0))
        values += [-(t + root), -(t - root)]
    return np.sort(np.array(values, dtype=float))


def top_unstable_vector(X, y, beta) -> np.ndarray | None:
    """Unit eigenvector of J's largest eigenvalue in ``(v, u)`` order; None at a minimiser."""
    n, d = X.shape
    g = X.T @ (X @ beta - y) / n
    free = np.where(beta == 0, np.abs(g), 0.0)
    if free.max(initial=0.0) <= 0:
        return None
    j = int(np.argmax(free))
    vec = np.zeros(2 * d)
    vec[j], vec[d + j] = 1 / math.sqrt(2), -np.sign(g[j]) / math.sqrt(2)
    return vec


def flow_time(a: float, c: float, gamma: float, beta: float) -> float:
    r"""Gradient-flow time for one coordinate to go from 0 to ``beta`` (:math:`0 < \beta < c/a`).

    With :math:`u_0 = \sqrt2\gamma`, :math:`v_0 = 0` the flow conserves
    :math:`u^2 - v^2 = 2\gamma^2`, so :math:`\dot\beta = 2\sqrt{\beta^2 + k^2}\,(c - a\beta)`,
    :math:`k = \gamma^2`, and with :math:`p = c/a`, :math:`R = \sqrt{p^2 + k^2}`

    .. math::

        t(\beta) = \frac{1}{2aR}\Big[\ln\frac{p\beta + k^2 + R\sqrt{\beta^2 + k^2}}{p - \beta}
        - \ln\frac{k^2 + Rk}{p}\Big].
    """
    p, k = c / a, gamma * gamma
    R = math.hypot(p, k)
    upper = math.log((p * beta + k * k + R * math.hypot(beta, k)) / (p - beta))
    return (upper - math.log((k * k + R * k) / p)) / (2 * a * R)


def flow_margin_iteration(X, y, gamma: float, step_size: float, margin: float) -> float:
    r"""The thesis's margin-rule iteration at the minimiser of a one-jump path, by the flow.

    The single coordinate ``i`` of largest :math:`|c_i|` grows from 0 to :math:`p = c_i/a_{ii}`
    (the others stay :math:`O(\gamma)`); the rule fires when
    :math:`G = a|p - \beta|\,u = ` ``margin`` with :math:`u^2 = \gamma^2 + \sqrt{\gamma^4 +
    \beta^2}`, on the way into the minimiser, at time :func:`flow_time`. Returned as the
    1-based iteration :math:`1 + t/\eta` (GD's escape differs from the flow's by a relative
    :math:`O(\eta c)`). Needs :math:`c_i > 0` after flipping the column's sign.
    """
    n = X.shape[0]
    c_all = X.T @ y / n
    i = int(np.argmax(np.abs(c_all)))
    a, c = float(X[:, i] @ X[:, i]) / n, abs(float(c_all[i]))
    p, k = c / a, gamma * gamma
    G = lambda b: a * (p - b) * math.sqrt(k + math.hypot(k, b)) - margin  # noqa: E731
    grid = np.linspace(0.0, p, 2001)[1:-1]
    start = float(grid[int(np.argmax([G(b) for b in grid]))])
    lo, hi = start, p
    for _ in range(200):  # bisection: G decreases from its peak to −margin at p
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if G(mid) > 0 else (lo, mid)
    return 1.0 + flow_time(a, c, gamma, 0.5 * (lo + hi)) / step_size
