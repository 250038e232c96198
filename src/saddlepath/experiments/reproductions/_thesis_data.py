r"""The thesis's data and its own plain float64 gradient descent (private to the thesis-* modules).

Data (the 2024 Twente BSc thesis, measured by re-running it): ``np.random.RandomState(10)``,
``X = randn(n, d)``, then ``p* = randn(d)`` and ``y = X p*``; the d = 7 example keeps the
same ``X`` but fixes ``p* = (10, 20, 0, …, 0)``.

:func:`thesis_plain_gd` is **the thesis's method**, kept beside saddlepath's exact log-domain
GD to show where its printed numbers come from: float64 arrays ``u``, ``v``, the loss
:math:`\|X\beta - y\|^2/(2n)`, the gradient :math:`\nabla L = X^\top(X\beta - y)/n` in that
order of operations, the update :math:`u \leftarrow u - \eta\,g\odot v`,
:math:`v \leftarrow v - \eta\,g\odot u`, and its margin rule (Algorithm 1): at iteration
:math:`t = 1, 2, \dots` (1-based, the gradient taken *before* the update), a plateau is
recorded when :math:`\max|\nabla F(u, v)| \le` margin after having been above it (the run
counts as above before iteration 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath._summary import summary_repr

__all__ = ["PlainGDRun", "thesis_data", "thesis_plain_gd"]

SEED = 10
N_CURVE = 400  # points of the loss curve kept by thesis_plain_gd


def thesis_data(n_samples: int, n_features: int, p_star=None) -> tuple[np.ndarray, ...]:
    """``(X, y, p_star)``: ``RandomState(10)``, ``X = randn(n, d)``, then ``p* = randn(d)``.

    ``p_star`` given (the d = 7 example) replaces the drawn one after it is drawn, so ``X`` is
    the same either way; ``y = X p*``.

    Examples
    --------
    >>> X, y, p = thesis_data(1, 1)  # the thesis's Table 1
    >>> [round(float(v), 4) for v in (X[0, 0], y[0], p[0])]
    [1.3316, 0.9525, 0.7153]
    """
    rng = np.random.RandomState(SEED)
    X = rng.randn(n_samples, n_features)
    drawn = rng.randn(n_features)
    p = drawn if p_star is None else np.asarray(p_star, dtype=float)
    return X, X @ p, p


@dataclass(frozen=True, eq=False, repr=False)
class PlainGDRun:
    r"""A run of the thesis's own float64 GD on :math:`(u, v)` (see the module).

    Attributes
    ----------
    step_size, margin : float
    n_steps : int
        Iterations run (the thesis's T, or fewer when the loss stopped being finite).
    iterations : ndarray of int, shape (n_plateaus,)
        1-based iterations at which the margin rule fired (the thesis's "Iteration" column).
    u, v : ndarray of shape (n_plateaus, n_features)
        The weights at those iterations (the thesis refines them with a root finder).
    final_u, final_v : ndarray of shape (n_features,)
    curve_iterations, curve_loss : ndarray of shape (n_curve,)
        The loss :math:`L(u\odot v)` at a few hundred iterations (for figures).
    lost_iteration : ndarray of int, shape (n_features,)
        First iteration at which float64 holds :math:`u_i = \pm v_i` exactly while
        :math:`u_i \ne 0`: one of :math:`w_\pm = (u \pm v)/\sqrt2` is then exactly zero and
        can never grow again; −1 if never.
    lost_sign : ndarray of int8, shape (n_features,)
        +1 when :math:`w_+` was lost (:math:`u_i = -v_i`, so :math:`\beta_i \le 0` for ever),
        −1 when :math:`w_-` was lost, 0 if never.
    diverged_at : int
        First iteration whose gradient is not finite (the run stops there); −1 if none.
    """

    step_size: float
    margin: float
    n_steps: int
    iterations: np.ndarray
    u: np.ndarray = field(repr=False)
    v: np.ndarray = field(repr=False)
    final_u: np.ndarray = field(repr=False)
    final_v: np.ndarray = field(repr=False)
    curve_iterations: np.ndarray = field(repr=False)
    curve_loss: np.ndarray = field(repr=False)
    lost_iteration: np.ndarray = field(repr=False)
    lost_sign: np.ndarray = field(repr=False)
    diverged_at: int

    def __repr__(self) -> str:
        return summary_repr(
            self, step_size=self.step_size, n_steps=self.n_steps,
            iterations=self.iterations.tolist()[:6], diverged_at=self.diverged_at,
        )  # fmt: skip

    @property
    def beta(self) -> np.ndarray:
        """:math:`u\\odot v` at each plateau."""
        return self.u * self.v

    @property
    def final_beta(self) -> np.ndarray:
        """:math:`u\\odot v` at the end of the run."""
        return self.final_u * self.final_v


def _margin_hit(G: float, margin: float, state: dict) -> bool:
    """The thesis's ``plateau`` flag: True the first time G ≤ margin after being above."""
    if G > margin:
        state["above"] = True
        return False
    if state["above"]:
        state["above"] = False
        return True
    return False


def thesis_plain_gd(X, y, *, step_size, gamma, v0_scale=0.0, n_steps, margin=1e-4) -> PlainGDRun:
    r"""The thesis's Algorithm 1 in plain float64 (the thesis's method, not saddlepath's).

    Starts at :math:`u_0 = \sqrt2\gamma\mathbf 1`, :math:`v_0 =` ``v0_scale``
    :math:`\cdot\gamma\mathbf 1` and runs ``n_steps`` iterations (see the module for the
    update and the margin rule). Only for the thesis's small problems: one Python step per
    iteration (about 10 µs at d = 7).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    u = np.full(d, np.sqrt(2.0) * gamma)
    v = np.full(d, v0_scale * gamma)
    state, hits, curve = {"above": True}, [], []
    lost_it = np.full(d, -1, dtype=np.int64)
    lost_sign = np.zeros(d, dtype=np.int8)
    every = max(1, n_steps // N_CURVE)
    diverged, t = -1, 0
    with np.errstate(all="ignore"):
        for t in range(1, n_steps + 1):
            r = X @ (u * v) - y
            g = X.T @ r / n
            G = max(np.abs(g * u).max(), np.abs(g * v).max())
            if not np.isfinite(G):
                diverged = t
                break
            if t % every == 1 or every == 1:
                curve.append((t, float(r @ r) / (2 * n)))
            if _margin_hit(G, margin, state):
                hits.append((t, u.copy(), v.copy()))
            _note_lost(u, v, t, lost_it, lost_sign)
            u, v = u - step_size * g * v, v - step_size * g * u
    return _plain_run(step_size, margin, t, hits, u, v, curve, lost_it, lost_sign, diverged)


def _note_lost(u, v, t, lost_it, lost_sign) -> None:
    """Mark coordinates where float64 just lost one of w± = (u ± v)/√2 for good."""
    fresh = lost_it < 0
    plus = fresh & (u + v == 0) & (u != 0)
    minus = fresh & (u - v == 0) & (u != 0)
    if plus.any() or minus.any():
        lost_it[plus | minus] = t
        lost_sign[plus] = 1
        lost_sign[minus] = -1


def _plain_run(eta, margin, t, hits, u, v, curve, lost_it, lost_sign, diverged) -> PlainGDRun:
    d = u.size
    stack = lambda k: np.array([h[k] for h in hits], dtype=float).reshape(len(hits), d)  # noqa: E731
    return PlainGDRun(
        step_size=float(eta),
        margin=float(margin),
        n_steps=int(t),
        iterations=np.array([h[0] for h in hits], dtype=np.int64),
        u=stack(1),
        v=stack(2),
        final_u=u,
        final_v=v,
        curve_iterations=np.array([c[0] for c in curve], dtype=np.int64),
        curve_loss=np.array([c[1] for c in curve], dtype=float),
        lost_iteration=lost_it,
        lost_sign=lost_sign,
        diverged_at=int(diverged),
    )
