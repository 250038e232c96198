"""One diffrax solve per flow, vmapped over the batch and compiled once per layout (private).

The compiled function depends only on the solver, ``max_steps``, which inputs are batched
and the shapes/dtypes (jit's own cache); tolerances, λ, data and ``tau_grid`` values are
traced, so changing them does not recompile.
"""

from __future__ import annotations

from functools import partial

import diffrax
import jax
import jax.numpy as jnp
import numpy as np

from saddlepath.diagonal.jax_flow._inputs import FlowBatch
from saddlepath.diagonal.jax_flow._ode import log_floor, saved_values, vector_field
from saddlepath.diagonal.jax_flow._solvers import make_solver

__all__ = ["integrate"]

_COMPILED: dict = {}


def _status_code(result) -> jax.Array:
    """0 successful, 1 max_steps_reached, 2 nonfinite, 3 other (diffrax ``RESULTS``)."""
    ok = result == diffrax.RESULTS.successful
    steps = result == diffrax.RESULTS.max_steps_reached
    nonfinite = result == diffrax.RESULTS.nonfinite
    return jnp.where(ok, 0, jnp.where(steps, 1, jnp.where(nonfinite, 2, 3)))


def _solve_one(X, y, lam, c_plus, c_minus, tau_grid, rtol, atol, *, solver, max_steps):
    solver_instance, controller = make_solver(solver, rtol, atol)
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(vector_field),
        solver_instance,
        t0=jnp.zeros((), tau_grid.dtype),
        t1=tau_grid[-1],
        dt0=None,
        y0=jnp.zeros(X.shape[1], X.dtype),
        args=(X, y, lam, c_plus, c_minus),
        saveat=diffrax.SaveAt(ts=tau_grid, fn=saved_values),
        stepsize_controller=controller,
        max_steps=max_steps,
        throw=False,
    )
    dual, beta, loss = sol.ys
    stats = sol.stats
    return (
        dual,
        beta,
        loss,
        _status_code(sol.result),
        stats["num_accepted_steps"],
        stats["num_rejected_steps"],
    )


def _compiled(solver, max_steps: int, batched: frozenset):
    key = (solver, max_steps, batched)
    try:
        hash(key)
    except TypeError:  # a solver instance holding arrays: compile without caching
        return _build(solver, max_steps, batched)
    if key not in _COMPILED:
        _COMPILED[key] = _build(solver, max_steps, batched)
    return _COMPILED[key]


def _build(solver, max_steps: int, batched: frozenset):
    init_axis = 0 if "init" in batched else None
    in_axes = (
        0 if "X" in batched else None,
        0 if "y" in batched else None,
        0,  # lambda
        init_axis,  # c_plus
        init_axis,  # c_minus
        None,  # tau_grid
        0,  # rtol / lambda
        0,  # atol / lambda
    )
    one = partial(_solve_one, solver=solver, max_steps=max_steps)
    return jax.jit(jax.vmap(one, in_axes=in_axes))


def integrate(
    batch: FlowBatch, tau_grid: np.ndarray, *, dtype, solver, rtol, atol, max_steps
) -> dict[str, np.ndarray]:
    """Run every flow of ``batch`` in ``dtype``; return NumPy arrays (unreached values NaN)."""
    floor = log_floor(dtype)

    def put(value, lowest=None):
        return jnp.asarray(value if lowest is None else np.maximum(value, lowest), dtype=dtype)

    # tolerances on S = lam * s (the log-weights), floored a few ulps above rounding
    scale = np.maximum(-batch.log_alpha, 1.0)
    floor_tol = 8.0 * float(np.finfo(dtype).eps)
    fn = _compiled(solver, max_steps, batch.batched)
    out = fn(
        put(batch.X),
        put(batch.y),
        put(-batch.log_alpha),
        put(batch.c_plus, floor),  # log 0 = -inf becomes a finite floor
        put(batch.c_minus, floor),
        put(tau_grid),
        put(np.maximum(rtol / scale, floor_tol)),
        put(atol / scale),
    )
    dual, beta, loss, code, accepted, rejected = (np.asarray(a) for a in out)
    reached = np.isfinite(loss)  # diffrax fills times it did not reach with inf
    dual = np.where(reached[..., None], dual, np.nan)
    beta = np.where(reached[..., None], beta, np.nan)
    return {
        "dual": dual,
        "beta": beta,
        "loss": np.where(reached, loss, np.nan),
        "code": code,
        "n_steps": accepted.astype(np.int64),
        "n_rejected": rejected.astype(np.int64),
    }
