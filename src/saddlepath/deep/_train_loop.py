r"""The jitted training loop of :func:`saddlepath.deep.train` (private).

One compiled function, :func:`make_chunk`'s ``chunk(state, n)``, runs ``n`` GD steps in a
``lax.fori_loop`` (``n`` is traced: one compilation serves every chunk length) and then
computes the record of the state it reached, all inside ``jit``: the host sees the state
once per chunk, to store the record, report progress and write checkpoints.

The state is a dict of arrays (a pytree): ``weights``; ``step`` (int64) and ``t``
(:math:`\sum\eta`); ``plateau`` (whether the plateau constant still applies) and ``norm0``
(:math:`\|\theta_0\|`); ``key`` (the mini-batch PRNG key); and, for full-batch GD, the
cost, the gradient and the outputs :math:`Y_\theta(X)` at the current weights (each step
evaluates them at the new weights, so a record costs no extra pass over the data).

Step (dimensionless constant :math:`c`, depth :math:`L`, gradient :math:`g`):

.. math:: \eta = \min\Big(\frac{c}{\|\theta\|^{L-2}},\;
          \kappa\,\frac{\|\theta\|}{\|g\|}\Big),

with :math:`c` = ``plateau_c`` while ``plateau`` holds (until :math:`\|\theta\| \ge`
``plateau_until``:math:`\cdot\|\theta_0\|`, for good) and the cap :math:`\kappa` =
``step_cap`` (no cap when ``None``): the relative change of the weights per step is at most
:math:`\kappa`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from saddlepath.deep.network import network_output

__all__ = ["LoopSpec", "make_chunk", "make_initial_state", "make_record"]


@dataclass(frozen=True)
class LoopSpec:
    """The static settings the compiled loop depends on (hashable: part of the jit key)."""

    depth: int
    activation: str
    loss: str
    c: float
    plateau_c: float | None
    plateau_until: float
    step_cap: float | None
    batch_size: int | None
    n_samples: int
    n_top: tuple[int, ...]


def _cost(weights, X, T, spec: LoopSpec):
    """``(C, Y)``: the mean cost over the rows of ``X`` and the outputs ``Y_θ(X)``."""
    Y = network_output(weights, X, activation=spec.activation)
    if spec.loss == "mse":
        C = 0.5 * jnp.sum(jnp.square(Y - T)) / X.shape[0]
    else:  # cross-entropy with integer labels T
        logp = jax.nn.log_softmax(Y, axis=1)
        C = -jnp.mean(jnp.take_along_axis(logp, T[:, None], axis=1))
    return C, Y


_cost_and_grad = jax.value_and_grad(_cost, has_aux=True)


def _norm(tree):
    return jnp.sqrt(sum(jnp.sum(jnp.square(W)) for W in tree))


def _step_size(state, grad, grad_norm, spec: LoopSpec):
    """η = c/‖θ‖^{L−2}, ``plateau_c`` while on the plateau, capped at κ‖θ‖/‖g‖."""
    norm = _norm(state["weights"])
    c = spec.c if spec.plateau_c is None else jnp.where(state["plateau"], spec.plateau_c, spec.c)
    eta = c / norm ** (spec.depth - 2)
    if spec.step_cap is not None:
        cap = spec.step_cap * norm / jnp.where(grad_norm > 0, grad_norm, 1.0)
        eta = jnp.where(grad_norm > 0, jnp.minimum(eta, cap), eta)
    return eta


def _batch(state, X, T, spec: LoopSpec):
    """The mini-batch of this step: epoch ``step // n_batches`` is one seeded permutation."""
    n_batches = spec.n_samples // spec.batch_size
    epoch, position = jnp.divmod(state["step"], n_batches)
    key = jax.random.fold_in(jax.random.wrap_key_data(state["key"]), epoch.astype(jnp.uint32))
    order = jax.random.permutation(key, spec.n_samples)
    rows = jax.lax.dynamic_slice(order, (position * spec.batch_size,), (spec.batch_size,))
    return X[rows], T[rows]


def _advance(state, X, T, spec: LoopSpec):
    """One GD step; full batch: also C, ∇C and Y at the new weights."""
    ws = state["weights"]
    if spec.batch_size is None:
        grad = state["grad"]
    else:
        (_, _), grad = _cost_and_grad(ws, *_batch(state, X, T, spec), spec)
    eta = _step_size(state, grad, _norm(grad), spec)
    new_ws = tuple(W - eta * g for W, g in zip(ws, grad, strict=True))
    new = dict(state, weights=new_ws, step=state["step"] + 1, t=state["t"] + eta)
    if spec.plateau_c is not None:
        new["plateau"] = state["plateau"] & (_norm(new_ws) < spec.plateau_until * state["norm0"])
    if spec.batch_size is None:
        (new["cost"], new["outputs"]), new["grad"] = _cost_and_grad(new_ws, X, T, spec)
    return new


def make_initial_state(weights, X, T, spec: LoopSpec, seed: int) -> dict:
    """The loop state at step 0 (full batch: with C, ∇C and Y at the initial weights)."""
    ws = tuple(jnp.asarray(W, dtype=jnp.float64) for W in weights)
    state = {
        "weights": ws,
        "step": jnp.asarray(0, dtype=jnp.int64),
        "t": jnp.asarray(0.0, dtype=jnp.float64),
        "plateau": jnp.asarray(spec.plateau_c is not None),
        "norm0": _norm(ws),
        "key": jax.random.key_data(jax.random.key(seed)),
    }
    if spec.batch_size is None:
        (state["cost"], state["outputs"]), state["grad"] = jax.jit(
            _cost_and_grad, static_argnums=3
        )(ws, X, T, spec)
    return state


def make_record(spec: LoopSpec):
    """``record(state, data) -> dict`` of the quantities :class:`TrainingRun` keeps.

    ``data`` holds ``X``, ``T``, the probe rows ``probe`` and, with an escape direction,
    ``reference`` :math:`= Y_{\rho^*}(X)` and ``G`` :math:`= \nabla_Y C(0)` (without one,
    alignment and speed ratio are NaN).
    """

    def record(state, data):
        X, T, probe = data["X"], data["T"], data["probe"]
        reference, G = data.get("reference"), data.get("G")
        ws = state["weights"]
        if spec.batch_size is None:
            cost, Y, grad = state["cost"], state["outputs"], state["grad"]
        else:
            (cost, Y), grad = _cost_and_grad(ws, X, T, spec)
        norm = _norm(ws)
        out = {
            "step": state["step"], "t": state["t"], "loss": cost, "norm": norm,
            "gradient_norm": _norm(grad), "beta": Y[probe].ravel(),
        }  # fmt: skip
        for ell, (W, k) in enumerate(zip(ws, spec.n_top, strict=True)):
            out[f"sv{ell}"] = jnp.linalg.svd(W, compute_uv=False)[:k]
        if reference is None:
            out["alignment"] = out["speed_ratio"] = jnp.asarray(jnp.nan)
        else:
            out["alignment"] = jnp.sum(Y * reference) / (
                jnp.linalg.norm(Y) * jnp.linalg.norm(reference)
            )
            speed = -jnp.sum(G * Y) * (np.sqrt(spec.depth) / norm) ** spec.depth
            out["speed_ratio"] = speed / reference_speed(reference, G)
        return out

    return record


def reference_speed(reference, G):
    r""":math:`s^* = -\mathrm{Tr}[G^\top Y_{\rho^*}(X)]` (``reference`` on the sphere)."""
    return -jnp.sum(G * reference)


@functools.lru_cache(maxsize=16)
def make_chunk(spec: LoopSpec):
    """The jitted ``chunk(state, n, data) -> (state, record)``: ``n`` steps, then a record.

    Also returns the jitted ``record(state, data)`` alone (for step 0). The data are
    arguments, not constants baked into the compiled program.
    """
    record = make_record(spec)

    def chunk(state, n, data):
        X, T = data["X"], data["T"]
        state = jax.lax.fori_loop(0, n, lambda _, s: _advance(s, X, T, spec), state)
        return state, record(state, data)

    return jax.jit(chunk), jax.jit(record)
