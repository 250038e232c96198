r"""The cost of a deep network, and Levenberg–Marquardt on :math:`\tfrac12\|\nabla C\|^2` (private).

A plateau of small-init training lies near a critical point of the cost :math:`C(\theta)`.
To find it, :func:`minimise_gradient_norm` minimises :math:`\Phi(\theta) =
\tfrac12\|\nabla C(\theta)\|^2` by Levenberg–Marquardt on the residual :math:`r = \nabla C`,
whose Jacobian is the Hessian :math:`H`: each step solves
:math:`\min_\delta \|H\delta + g\|^2 + \mu^2\|\delta\|^2` by LSMR on Hessian-vector
products, is accepted when :math:`\Phi` falls by at least a quarter of the model's prediction,
and the damping :math:`\mu` shrinks after good steps and grows after rejected ones. Near a
non-degenerate critical point, :math:`\mu \to 0` and this is Newton–MINRES: quadratic, and a
saddle attracts it like a minimum. Plain Gauss–Newton with a line search (the undamped step,
the minimum-norm LSMR solution) was measured first: it converges in 3–5 steps on the deep
linear oracles but stalls at once on a ReLU network on digits, where :math:`H` has a
continuum of tiny eigenvalues that blow the undamped step up.

:math:`\Phi` is also stationary at *non-critical* points, where :math:`Hg = 0` but
:math:`g \ne 0`; these are reported, never passed off as saddles.

Units: :math:`C` in the units of the cost (MSE: squared output units; cross-entropy: nats),
gradients in cost per parameter unit. JAX is imported by the functions.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LOSSES", "cost_function", "gradient_scale", "minimise_gradient_norm"]

LOSSES = ("mse", "cross_entropy")
# A step is accepted when Φ falls by at least ACCEPT × the predicted fall; the damping μ is
# divided by SHRINK after a step better than GOOD × the prediction, multiplied by GROW after a
# rejected one.
ACCEPT, GOOD, SHRINK, GROW = 0.25, 0.75, 3.0, 4.0
# LSMR iterations (Hessian-vector products) per step at most, and its relative tolerances.
LSMR_MAXITER = 100
LSMR_TOL = 1e-12
# The damping is given up (step limit) when it exceeds this multiple of ‖H‖₂.
MAX_DAMPING = 1e8
# ‖Hg‖ ≤ STATIONARY_RTOL · ‖H‖₂ · ‖g‖ with g not small: a stationary point of Φ that is not
# a critical point of C (g in the null space of H, up to rounding).
STATIONARY_RTOL = 1e-8


def cost_function(X, targets, *, loss: str, activation: str):
    r"""The cost :math:`C(\theta)` of the bias-free MLP on ``(X, targets)``, a JAX function.

    ``"mse"``: :math:`C = \|Y_\theta(X) - T\|_F^2/(2n)`; ``"cross_entropy"``:
    :math:`C = -\frac1n\sum_k\sum_j T_{kj}\log\mathrm{softmax}(Y_\theta(x_k))_j`, ``T``
    one-hot (or any rows of probabilities). The cost of :func:`~saddlepath.deep.mse_gradient`
    and :func:`~saddlepath.deep.cross_entropy_gradient`: :math:`\nabla_Y C(0)` is their ``G``.
    """
    import jax
    import jax.numpy as jnp

    from saddlepath.deep.network import network_output

    Xj, Tj, n = jnp.asarray(X), jnp.asarray(targets), X.shape[0]

    def cost(weights):
        Y = network_output(weights, Xj, activation=activation)
        if loss == "mse":
            return 0.5 * jnp.sum(jnp.square(Y - Tj)) / n
        return -jnp.sum(Tj * jax.nn.log_softmax(Y, axis=1)) / n

    return cost


def gradient_scale(X, targets, weights, *, loss: str, activation: str) -> float:
    r"""The natural size of :math:`\|\nabla C\|` at ``weights``, to make tolerances relative.

    :math:`\|\nabla_{W_\ell} C\|_F \le \|\nabla_Y C\|_F\,\|X\|_2\prod_{m\ne\ell}\|W_m\|_2`
    (backpropagation with 1-Lipschitz activations), so the scale is
    :math:`s = \|\nabla_Y C(Y_\theta)\|_F\,\|X\|_2\max_\ell\prod_{m\ne\ell}\|W_m\|_2` and
    :math:`\|\nabla C\|/s \le \sqrt L`: a dimensionless gradient. Cost per parameter unit.
    """
    import jax

    from saddlepath.deep.network import network_output

    Y = network_output(weights, X, activation=activation)
    dY = jax.grad(lambda Y: _cost_of_output(Y, targets, loss, X.shape[0]))(Y)
    norms = np.array([np.linalg.norm(np.asarray(W), 2) for W in weights])
    others = [np.prod(np.delete(norms, i)) for i in range(norms.size)]
    return float(np.linalg.norm(np.asarray(dY)) * np.linalg.norm(X, 2) * max(others))


def _cost_of_output(Y, targets, loss, n):
    import jax
    import jax.numpy as jnp

    if loss == "mse":
        return 0.5 * jnp.sum(jnp.square(Y - targets)) / n
    return -jnp.sum(targets * jax.nn.log_softmax(Y, axis=1)) / n


class FlatProblem:
    """Jitted ``C``, ``∇C`` and ``Hw`` on the flat parameter vector, counting evaluations."""

    def __init__(self, cost, weights):
        import jax
        from jax.flatten_util import ravel_pytree

        theta, self.unravel = ravel_pytree(tuple(weights))
        self.theta0 = np.asarray(theta, dtype=np.float64)
        flat = lambda x: cost(self.unravel(x))  # noqa: E731
        self._value = jax.jit(flat)
        self._grad = jax.jit(jax.grad(flat))
        self._hvp = jax.jit(lambda x, w: jax.jvp(jax.grad(flat), (x,), (w,))[1])
        self.n_grad = self.n_hvp = 0

    def value(self, x) -> float:
        return float(self._value(x))

    def grad(self, x) -> np.ndarray:
        self.n_grad += 1
        return np.asarray(self._grad(x), dtype=np.float64)

    def hvp(self, x, w) -> np.ndarray:
        self.n_hvp += 1
        return np.asarray(self._hvp(x, np.asarray(w, dtype=np.float64).ravel()), dtype=np.float64)

    def weights(self, x) -> tuple[np.ndarray, ...]:
        return tuple(np.asarray(W, dtype=np.float64) for W in self.unravel(x))


def minimise_gradient_norm(problem: FlatProblem, *, gtol: float, max_iter: int) -> dict:
    r"""Levenberg–Marquardt on :math:`\Phi = \tfrac12\|\nabla C\|^2`, from ``problem.theta0``.

    Stops when :math:`\|g\| \le` ``gtol`` (cost per parameter unit): ``"converged"``; when
    :math:`\|Hg\| \le` ``STATIONARY_RTOL`` :math:`\|H\|_2\|g\|` (:math:`\Phi` stationary,
    :math:`g \ne 0`): ``"not_critical"``; after ``max_iter`` steps (accepted or not) or when
    the damping exceeds ``MAX_DAMPING`` :math:`\|H\|_2`: ``"step_limit"``; on NaN or inf:
    ``"not_finite"``. Returns the point, the gradient norm after each accepted step, the
    reason and the number of steps tried.
    """
    x = problem.theta0.copy()
    g = problem.grad(x)
    history, reason, it = [float(np.linalg.norm(g))], "step_limit", 0
    Hg = problem.hvp(x, g) if history[0] > gtol else g
    h_norm = _norm_estimate(problem, x)
    mu = float(np.linalg.norm(Hg)) / history[0] if history[0] > 0 else h_norm
    while True:
        if not (np.all(np.isfinite(g)) and np.isfinite(history[-1])):
            return _end(x, history, "not_finite", it)
        if history[-1] <= gtol:
            return _end(x, history, "converged", it)
        if np.linalg.norm(Hg) <= STATIONARY_RTOL * h_norm * history[-1]:
            return _end(x, history, "not_critical", it)
        if it >= max_iter or mu > MAX_DAMPING * max(h_norm, np.finfo(float).tiny):
            return _end(x, history, reason, it)
        it += 1
        delta, predicted = _damped_step(problem, x, g, mu)
        g_new = problem.grad(x + delta)
        actual = float(g @ g - g_new @ g_new)
        ratio = actual / predicted if predicted > 0 and np.all(np.isfinite(g_new)) else -1.0
        if ratio < ACCEPT:
            mu = GROW * max(mu, np.finfo(float).eps * h_norm)
            continue
        x, g = x + delta, g_new
        history.append(float(np.linalg.norm(g)))
        Hg = problem.hvp(x, g)
        mu = mu / SHRINK if ratio > GOOD else mu


def _norm_estimate(problem, x, n_iter: int = 20) -> float:
    """‖H‖₂ at ``x`` to a few per cent: power iteration (it only scales thresholds)."""
    w = np.random.default_rng(0).standard_normal(x.size)
    value = 0.0
    for _ in range(n_iter):
        w = problem.hvp(x, w / np.linalg.norm(w))
        value = float(np.linalg.norm(w))
        if value == 0:
            break
    return value


def _damped_step(problem, x, g, mu):
    """``argmin ‖Hδ + g‖² + μ²‖δ‖²`` by LSMR, and its predicted fall of ``‖g‖²``."""
    from scipy.sparse.linalg import LinearOperator, lsmr

    hvp = lambda w: problem.hvp(x, w)  # noqa: E731
    H = LinearOperator((x.size,) * 2, matvec=hvp, rmatvec=hvp, dtype=np.float64)
    out = lsmr(H, -g, damp=mu, atol=LSMR_TOL, btol=LSMR_TOL, maxiter=LSMR_MAXITER)
    delta = out[0]
    residual = problem.hvp(x, delta) + g
    return delta, float(g @ g - residual @ residual)


def _end(x, history, reason, it) -> dict:
    return {"x": x, "history": np.asarray(history), "reason": reason, "n_iter": it}
