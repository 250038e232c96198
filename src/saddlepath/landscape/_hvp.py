r"""Hessian-vector products of a JAX loss on its flattened parameters (private).

:math:`Hw = \frac{d}{ds}\nabla F(\theta + s w)\big|_{s=0}`, forward-over-reverse
(``jax.jvp(jax.grad(F), (θ,), (w,))``), jitted once. JAX is imported when the operator is
built, so that :mod:`saddlepath.landscape` imports without it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FlatHessian"]


class FlatHessian:
    """``w ↦ H w`` on the flat parameter vector, jitted once, counting its calls."""

    def __init__(self, loss, params, *, where: str):
        try:
            import jax
            import jax.numpy as jnp
            from jax.flatten_util import ravel_pytree
        except ImportError as exc:
            raise ImportError(
                f"{where} needs JAX, which is not installed ({exc}). Install it with: "
                'pip install "saddlepath[jax]"'
            ) from exc

        leaves = jax.tree_util.tree_leaves(params)
        if not leaves or not all(jnp.issubdtype(jnp.result_type(x), jnp.floating) for x in leaves):
            raise ValueError(
                f"The `params` parameter of {where} must be a pytree of floating-point arrays "
                f"(e.g. a tuple of weight matrices). Got {type(params).__name__} with leaves of "
                f"types {[jnp.result_type(x).name for x in leaves]}."
            )
        self._where = where
        self.leaf_shapes = tuple(tuple(int(d) for d in jnp.shape(x)) for x in leaves)
        theta, unravel = ravel_pytree(params)
        self.n, self.count, self._dtype = int(theta.size), 0, theta.dtype
        value = jax.eval_shape(loss, params)
        if not hasattr(value, "shape") or value.shape != ():
            raise ValueError(
                f"The `loss` parameter of {where} must return a scalar (shape ()); it returned "
                f"{getattr(value, 'shape', type(value).__name__)}. Reduce it, e.g. with .sum()."
            )
        flat_loss = lambda x: loss(unravel(x))  # noqa: E731
        self._hvp = jax.jit(lambda w: jax.jvp(jax.grad(flat_loss), (theta,), (w,))[1])

    def __call__(self, w: np.ndarray) -> np.ndarray:
        self.count += 1
        out = np.asarray(self._hvp(np.asarray(w, dtype=self._dtype).ravel()), dtype=np.float64)
        if not np.all(np.isfinite(out)):
            raise ValueError(
                f"The `loss` passed to {self._where} has a non-finite Hessian-vector product at "
                "`params`; evaluate it at a point where it is twice differentiable."
            )
        return out
