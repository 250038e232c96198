r"""The cost of a deep network, and Gauss–Newton on :math:`\tfrac12\|\nabla C\|^2` (private).

A plateau of small-init training sits near a critical point of the cost :math:`C(\theta)`.
To find it, :func:`minimise_gradient_norm` minimises :math:`\Phi(\theta) =
\tfrac12\|\nabla C(\theta)\|^2` by Gauss–Newton on the residual :math:`r = \nabla C`, whose
Jacobian is the Hessian :math:`H`: each step solves :math:`\min_\delta \|H\delta + g\|` by
LSMR on Hessian-vector products (the minimum-norm solution when :math:`H` is singular, as it
always is here: rescaling symmetries and dead units), then backtracks on :math:`\Phi`. Near a
critical point this is Newton–MINRES (fast for indefinite :math:`H`: a saddle attracts it like
a minimum); far from one it is a descent method on :math:`\Phi`, whose stationary points
include *non-critical* points where :math:`Hg = 0` but :math:`g \ne 0`. These are reported,
never passed off as saddles.

Units: :math:`C` in the units of the cost (MSE: squared output units; cross-entropy: nats),
gradients in cost per parameter unit. JAX is imported by the functions.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LOSSES", "cost_function", "gradient_scale", "minimise_gradient_norm"]

LOSSES = ("mse", "cross_entropy")
# Armijo constant and the smallest step of the backtracking line search on Φ = ½‖g‖².
ARMIJO = 1e-4
MIN_STEP = 2.0**-30
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
        return np.asarray(self._hvp(x, np.asarray(w, dtype=np.float64)), dtype=np.float64)

    def weights(self, x) -> tuple[np.ndarray, ...]:
        return tuple(np.asarray(W, dtype=np.float64) for W in self.unravel(x))


def minimise_gradient_norm(problem: FlatProblem, *, gtol: float, max_iter: int) -> dict:
    r"""Gauss–Newton with backtracking on :math:`\Phi = \tfrac12\|\nabla C\|^2`.

    Stops when :math:`\|g\| \le` ``gtol`` (cost per parameter unit): ``"converged"``; when
    no step decreases :math:`\Phi` and :math:`\|Hg\| \le` ``STATIONARY_RTOL``
    :math:`\|H\|_2\|g\|`: ``"not_critical"``; when the line search fails otherwise, or after
    ``max_iter`` steps: ``"step_limit"``; on NaN or inf: ``"not_finite"``. Returns the
    point, the gradient norms, the reason and the number of Gauss–Newton steps.
    """
    from scipy.sparse.linalg import LinearOperator, lsmr

    x = problem.theta0.copy()
    g = problem.grad(x)
    history = [float(np.linalg.norm(g))]
    reason, it, h_norm = "step_limit", 0, 0.0
    for it in range(1, max_iter + 1):
        if not np.all(np.isfinite(g)):
            reason = "not_finite"
            break
        if history[-1] <= gtol:
            reason, it = "converged", it - 1
            break
        H = LinearOperator((x.size,) * 2, matvec=lambda w, x=x: problem.hvp(x, w),
                           rmatvec=lambda w, x=x: problem.hvp(x, w), dtype=np.float64)  # fmt: skip
        out = lsmr(H, -g, atol=1e-14, btol=1e-14, maxiter=max(50, min(x.size, 500)))
        delta, h_norm = out[0], max(h_norm, float(out[5]) / np.sqrt(max(x.size, 1)))
        Hg = problem.hvp(x, g)
        slope = float(Hg @ delta)  # dΦ/dα at α = 0 along δ
        x_new, g_new = _backtrack(problem, x, g, delta, slope)
        if x_new is None:
            scale = max(h_norm, float(np.linalg.norm(Hg)) / history[-1])
            stationary = np.linalg.norm(Hg) <= STATIONARY_RTOL * scale * history[-1]
            reason = "not_critical" if stationary else "step_limit"
            break
        x, g = x_new, g_new
        history.append(float(np.linalg.norm(g)))
    else:
        if history[-1] <= gtol:
            reason = "converged"
    if reason == "step_limit" and not np.all(np.isfinite(g)):
        reason = "not_finite"
    return {"x": x, "history": np.asarray(history), "reason": reason, "n_iter": it}


def _backtrack(problem, x, g, delta, slope):
    """Armijo backtracking on Φ from ``x`` along ``delta``; ``(None, None)`` when it fails."""
    phi = 0.5 * float(g @ g)
    if not slope < 0:
        return None, None
    step = 1.0
    while step >= MIN_STEP:
        x_new = x + step * delta
        g_new = problem.grad(x_new)
        phi_new = 0.5 * float(g_new @ g_new)
        if np.isfinite(phi_new) and phi_new <= phi + ARMIJO * step * slope:
            return x_new, g_new
        step *= 0.5
    return None, None
