r"""Projected first-order methods on the sphere :math:`\|\theta\|^2 = L` (JAX, vmapped).

Both loops minimise :math:`L_0` over the sphere and renormalise after every step, so the
constraint holds to rounding. The Riemannian gradient is
:math:`g_R = \nabla L_0 - \frac{\langle\nabla L_0,\theta\rangle}{\|\theta\|^2}\theta`.

* :func:`adam_on_sphere` — projected Adam: scale-free (steps of size ≈ ``lr`` per
  coordinate whatever the size of :math:`G`), it leaves the flat region near isotropic
  starts where every gradient is a product of small operator norms.
* :func:`descent_on_sphere` — projected GD with a geometric step decay
  :math:`\eta_t = \eta_0\gamma^t`, :math:`\eta_0 = \mathrm{lr}\sqrt L/\|\nabla L_0(\theta_0)\|`,
  decaying to ``lr·final_ratio``: optima sit on ReLU kinks, where a constant step hovers.
  The best iterate is kept, so the returned :math:`L_0` never exceeds the start's.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp

from saddlepath.deep.network import first_order_loss, squared_norm


def _project(ws, depth):
    scale = jnp.sqrt(depth / squared_norm(ws))
    return tuple(W * scale for W in ws)


def balance(ws, n_sweeps: int = 2):
    r"""Rescale every hidden unit so its incoming and outgoing weights have equal norms.

    Unit ``j`` of layer ℓ gets :math:`W_\ell[j,:] \mathrel{*}= c`,
    :math:`W_{\ell+1}[:,j] \mathrel{/}= c` with :math:`c = \sqrt{\|W_{\ell+1}[:,j]\|/
    \|W_\ell[j,:]\|}`: the network is unchanged (ReLU is positively homogeneous) and
    :math:`\|\theta\|` cannot grow, so after projection :math:`|L_0|` cannot fall. Every KKT
    point of :math:`L_0 \ne 0` on the sphere is balanced this way, and GD reaches balance
    slowly when a kink pins the direction, hence these exact sweeps (layer by layer).
    """
    ws = list(ws)
    for _ in range(n_sweeps):
        for ell in range(len(ws) - 1):
            n_in = jnp.sqrt(jnp.sum(jnp.square(ws[ell]), axis=1))
            n_out = jnp.sqrt(jnp.sum(jnp.square(ws[ell + 1]), axis=0))
            ok = (n_in > 0) & (n_out > 0)
            c = jnp.sqrt(jnp.where(ok, n_out, 1.0) / jnp.where(ok, n_in, 1.0))
            ws[ell] = ws[ell] * c[:, None]
            ws[ell + 1] = ws[ell + 1] / c[None, :]
    return tuple(ws)


def prune_dead_units(ws, X, activation):
    """Zero the weights into and out of hidden units that are zero on every sample.

    Such a unit adds norm and nothing to the network, so removing it and projecting back
    to the sphere can only raise :math:`|L_0|` (a true optimum has none).
    """
    return tuple(m * W for m, W in zip(live_masks(ws, X, activation), ws, strict=True))


def live_masks(ws, X, activation) -> list:
    """One 0/1 mask per weight matrix: 0 on the weights into and out of dead hidden units.

    A hidden unit is dead when its activation is zero on every sample of ``X``.
    """
    masks = [jnp.ones_like(W) for W in ws]
    z = X @ ws[0].T
    for ell in range(len(ws) - 1):
        h = jax.nn.relu(z) if activation == "relu" else z
        alive = jnp.any(h != 0, axis=0).astype(z.dtype)
        masks[ell] = masks[ell] * alive[:, None]
        masks[ell + 1] = masks[ell + 1] * alive[None, :]
        z = h @ ws[ell + 1].T  # a dead unit's column of h is zero: masking it changes nothing
    return masks


def _riemannian(ws, X, G, activation):
    value, grads = jax.value_and_grad(first_order_loss)(ws, X, G, activation=activation)
    radial = sum(jnp.sum(g * W) for g, W in zip(grads, ws, strict=True)) / squared_norm(ws)
    return value, grads, tuple(g - radial * W for g, W in zip(grads, ws, strict=True))


@partial(jax.jit, static_argnames=("activation", "n_steps"))
def adam_on_sphere(ws, X, G, *, activation, n_steps, lr):
    """``n_steps`` of projected Adam (β = 0.9, 0.999) from each start (leading axis)."""
    depth = len(ws)

    def one(ws):
        def step(carry, t):
            ws, m, v = carry
            _, _, g = _riemannian(ws, X, G, activation)
            m = tuple(0.9 * a + 0.1 * b for a, b in zip(m, g, strict=True))
            v = tuple(0.999 * a + 0.001 * b * b for a, b in zip(v, g, strict=True))
            c1, c2 = 1 - 0.9 ** (t + 1), 1 - 0.999 ** (t + 1)
            ws = tuple(
                W - lr * (a / c1) / (jnp.sqrt(b / c2) + 1e-12)
                for W, a, b in zip(ws, m, v, strict=True)
            )
            return (_project(ws, depth), m, v), None

        zeros = tuple(jnp.zeros_like(W) for W in ws)
        (ws, _, _), _ = jax.lax.scan(step, (ws, zeros, zeros), jnp.arange(n_steps))
        return ws

    return jax.vmap(one)(ws)


@partial(jax.jit, static_argnames=("activation", "n_steps"))
def descent_on_sphere(ws, X, G, *, activation, n_steps, lr, final_ratio):
    """Projected GD with geometric decay from each start, then dead units pruned.

    Returns the best iterates, their :math:`L_0` and the best-so-far :math:`L_0` per step.
    """
    depth = len(ws)
    gamma = final_ratio ** (1.0 / n_steps)

    def one(ws):
        value, grads, _ = _riemannian(ws, X, G, activation)
        gnorm = jnp.sqrt(sum(jnp.sum(g * g) for g in grads))
        eta0 = lr * jnp.sqrt(depth) / jnp.maximum(gnorm, jnp.finfo(value.dtype).tiny)

        def step(carry, t):
            ws, best, best_value = carry
            value, _, g = _riemannian(ws, X, G, activation)
            better = value < best_value
            best = tuple(jnp.where(better, W, B) for W, B in zip(ws, best, strict=True))
            best_value = jnp.where(better, value, best_value)
            ws = tuple(W - eta0 * gamma**t * d for W, d in zip(ws, g, strict=True))
            ws = _project(balance(ws), depth)
            return (ws, best, best_value), best_value

        init = (ws, ws, value)
        (ws, best, best_value), history = jax.lax.scan(step, init, jnp.arange(n_steps))
        ws = _project(balance(prune_dead_units(best, X, activation)), depth)
        last = first_order_loss(ws, X, G, activation=activation)
        better = last < best_value
        best = tuple(jnp.where(better, W, B) for W, B in zip(ws, best, strict=True))
        return best, jnp.minimum(last, best_value), history

    return jax.vmap(one)(ws)


def live_residual(ws, X, G, activation):
    """The stationarity residual on live units (see ``EscapeResult.residual``)."""
    grads = jax.grad(first_order_loss)(ws, X, G, activation=activation)
    masks = live_masks(ws, X, activation)
    g = [m * a for m, a in zip(masks, grads, strict=True)]
    w = [m * a for m, a in zip(masks, ws, strict=True)]
    tiny = jnp.finfo(ws[0].dtype).tiny
    radial = sum(jnp.sum(a * b) for a, b in zip(g, w, strict=True))
    radial = radial / jnp.maximum(sum(jnp.sum(a * a) for a in w), tiny)
    off = jnp.sqrt(sum(jnp.sum(jnp.square(a - radial * b)) for a, b in zip(g, w, strict=True)))
    gnorm = jnp.sqrt(sum(jnp.sum(a * a) for a in g))
    return jnp.where(gnorm > 0, off / jnp.maximum(gnorm, tiny), 0.0)
