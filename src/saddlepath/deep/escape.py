r"""Optimal escape directions from the origin: :math:`\min L_0(\theta)` on :math:`\|\theta\|^2 = L`.

Near :math:`\theta = 0`, gradient flow on a cost with :math:`G = \nabla_Y C(0)` first follows
the direction :math:`\theta^*` that minimises :math:`L_0(\theta) = \mathrm{Tr}[G^\top
Y_\theta(X)]` on the sphere; its speed :math:`s = -L_0(\theta^*)` sets the escape time
(Bantzis, Simon & Jacot 2025). The problem is non-convex with competing single-neuron
optima, so the search restarts from balanced isotropic starts (every layer of Frobenius
norm 1): projected Adam first (scale-free), then projected GD with a decaying step
(optima sit on ReLU kinks). Depth continuation warm-starts depth :math:`L` from the
depth-:math:`(L-1)` optimum with a rank-one layer inserted before the output layer.
"""

from __future__ import annotations

import itertools

import numpy as np

from saddlepath._validation import as_float_array, check_int, check_real, check_seed
from saddlepath.deep.result import EscapeResult, EscapeStatus

__all__ = ["escape_direction", "escape_directions_by_depth"]

WHERE = "escape_direction"


def _check_inputs(X, G, widths, activation):
    X = as_float_array(X, name="X", ndim=2)
    G = as_float_array(G, name="G", ndim=2)
    if G.shape[0] != X.shape[0]:
        raise ValueError(
            f"`G` must have one row per sample of `X`: X has {X.shape[0]} rows and G has "
            f"{G.shape[0]}. Pass G of shape (n_samples, n_outputs), e.g. mse_gradient(T)."
        )
    try:
        widths = tuple(check_int(w, name="widths", low=1, where=WHERE) for w in widths)
    except TypeError as exc:
        if "widths" in str(exc):
            raise
        raise TypeError(
            f"`widths` must be a sequence of ints, e.g. (16, 16); got {widths!r}."
        ) from exc
    if not widths:
        raise ValueError(
            "`widths` must list at least one hidden width (depth = len(widths) + 1 ≥ 2); got "
            "an empty sequence. Pass e.g. widths=(16,) for a depth-2 network."
        )
    if activation not in ("relu", "linear"):
        raise ValueError(f"`activation` must be 'relu' or 'linear'; got {activation!r}.")
    return X, G, widths


def _random_starts(shapes, n_restarts, rng):
    """Balanced isotropic starts: Gaussian entries, every layer of Frobenius norm 1."""
    starts = []
    for shape in shapes:
        W = rng.standard_normal((n_restarts, *shape))
        starts.append(W / np.linalg.norm(W.reshape(n_restarts, -1), axis=1)[:, None, None])
    return starts


def insert_rank_one_layer(result: EscapeResult, X, width: int) -> tuple[np.ndarray, ...]:
    r"""Depth :math:`L-1` weights → depth :math:`L`: insert :math:`e_1 a^\top` before the output.

    ``a`` is the top right singular vector of the last hidden activations :math:`H`
    (shape ``(n_samples, w_{L-2})``, non-negative under ReLU, so ``a ≥ 0`` by
    Perron–Frobenius), and the output layer becomes :math:`W_L a\,e_1^\top`. The network
    becomes :math:`W_L a a^\top h`: the same function when :math:`H` is rank one (as at the
    optima measured on real data), every layer of norm ≤ 1, hence speed ≥ the shallower one
    once back on the sphere. Otherwise it keeps the top direction of :math:`H` only.
    """
    ws = [np.asarray(W, dtype=np.float64) for W in result.weights]
    h = X @ ws[0].T
    for W in ws[1:-1]:
        h = (np.maximum(h, 0) if result.activation == "relu" else h) @ W.T
    h = np.maximum(h, 0) if result.activation == "relu" else h
    a = np.linalg.svd(h, full_matrices=False)[2][0]
    a = a if a.sum() >= 0 else -a
    if result.activation == "relu":
        a = np.maximum(a, 0.0)
    a = a / np.linalg.norm(a)
    e1 = np.zeros(width)
    e1[0] = 1.0
    return (*ws[:-1], np.outer(e1, a), np.outer(ws[-1] @ a, e1))


def escape_direction(
    X,
    G,
    widths,
    *,
    activation: str = "relu",
    n_restarts: int = 8,
    seed=None,
    n_warmup_steps: int = 2000,
    n_steps: int = 4000,
    warmup_lr: float = 0.01,
    lr: float = 0.05,
    final_ratio: float = 1e-8,
    rtol: float = 1e-9,
    from_shallower: EscapeResult | None = None,
) -> EscapeResult:
    r"""Minimise :math:`L_0(\theta) = \mathrm{Tr}[G^\top Y_\theta(X)]` on :math:`\|\theta\|^2 = L`.

    :math:`L_0` is a **sum** over samples; the depth is :math:`L` = ``len(widths) + 1``.
    Every start runs ``n_warmup_steps`` of projected Adam (step ``warmup_lr``) and then
    ``n_steps`` of projected GD whose step decays geometrically from
    :math:`\mathrm{lr}\sqrt L/\|\nabla L_0\|` to ``final_ratio`` times that; all starts run
    at once (vmapped). Computation is in JAX, in float64 when ``jax_enable_x64`` is on.

    Parameters
    ----------
    X : array of shape (n_samples, n_inputs)
    G : array of shape (n_samples, n_outputs)
        :math:`\nabla_Y C(0)`, e.g. :func:`mse_gradient` or :func:`cross_entropy_gradient`.
    widths : sequence of int
        Hidden widths :math:`w_1, \dots, w_{L-1}` (at least one).
    activation : {"relu", "linear"}
    n_restarts : int
        Random balanced isotropic starts (≥ 1; ≥ 0 with ``from_shallower``).
    seed : int or numpy.random.Generator, optional
    n_warmup_steps, n_steps : int
        Adam steps, then GD steps, per start.
    warmup_lr, lr, final_ratio : float
        Adam step; GD's initial step relative to :math:`\sqrt L/\|\nabla L_0\|`; its decay.
    rtol : float
        ``CONVERGED`` when the best :math:`L_0` moved by at most ``rtol·|L₀|`` over the last
        tenth of the GD steps, else ``STEP_LIMIT``.
    from_shallower : EscapeResult, optional
        The depth-:math:`(L-1)` optimum with hidden widths ``widths[:-1]``: one extra start
        (GD only) from it with a rank-one layer inserted (:func:`insert_rank_one_layer`).

    Returns
    -------
    EscapeResult

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]]); G = -np.eye(2)
    >>> res = escape_direction(X, G, (4,), n_restarts=2, seed=0, n_warmup_steps=100,
    ...                        n_steps=500)
    >>> round(res.speed, 6)  # σ₁(GᵀX) = 1: a rank-one chain (Perron–Frobenius)
    1.0
    """
    X, G, widths = _check_inputs(X, G, widths, activation)
    low = 0 if from_shallower is not None else 1
    n_restarts = check_int(n_restarts, name="n_restarts", low=low, where=WHERE)
    for name, value in (("n_warmup_steps", n_warmup_steps), ("n_steps", n_steps)):
        check_int(value, name=name, low=0 if name == "n_warmup_steps" else 10, where=WHERE)
    for name, value in (("warmup_lr", warmup_lr), ("lr", lr), ("final_ratio", final_ratio)):
        check_real(value, name=name, low=0, low_open=True, where=WHERE)
    check_real(rtol, name="rtol", low=0, where=WHERE)
    shapes = [(w, p) for w, p in zip((*widths, G.shape[1]), (X.shape[1], *widths), strict=True)]
    rng = check_seed(seed, where=WHERE)
    lrs = (warmup_lr, lr, final_ratio)
    runs = []
    if from_shallower is not None:
        _check_shallower(from_shallower, widths, activation, shapes)
        warm = insert_rank_one_layer(from_shallower, X, widths[-1])
        runs.append(_run([W[None] for W in warm], X, G, activation, 0, n_steps, lrs))
    if n_restarts:
        starts = _random_starts(shapes, n_restarts, rng)
        runs.append(_run(starts, X, G, activation, n_warmup_steps, n_steps, lrs))
    return _collect(runs, X, G, activation, rtol, n_warmup_steps, n_steps)


def _check_shallower(result, widths, activation, shapes):
    if not isinstance(result, EscapeResult):
        raise TypeError(f"`from_shallower` must be an EscapeResult; got {type(result).__name__}.")
    if result.widths != widths[:-1] or result.activation != activation:
        raise ValueError(
            f"`from_shallower` must be a depth-{len(widths)} result with widths {widths[:-1]} "
            f"and activation {activation!r}; got widths {result.widths} and activation "
            f"{result.activation!r}. Solve the shallower problem with widths=widths[:-1]."
        )
    if result.weights[0].shape[1] != shapes[0][1] or result.weights[-1].shape[0] != shapes[-1][0]:
        raise ValueError("`from_shallower` was solved on data of another shape than X and G.")


def _run(starts, X, G, activation, n_warmup, n_steps, lrs):
    """Adam warm-up (when n_warmup > 0), then decaying projected GD, on the given starts."""
    import jax.numpy as jnp

    from saddlepath.deep._sphere import adam_on_sphere, descent_on_sphere

    Xj, Gj = jnp.asarray(X), jnp.asarray(G)
    ws = tuple(jnp.asarray(W, dtype=Xj.dtype) for W in starts)
    if n_warmup:
        ws = adam_on_sphere(ws, Xj, Gj, activation=activation, n_steps=n_warmup, lr=lrs[0])
    best, values, history = descent_on_sphere(
        ws, Xj, Gj, activation=activation, n_steps=n_steps, lr=lrs[1], final_ratio=lrs[2]
    )
    return [np.asarray(W, dtype=np.float64) for W in best], np.asarray(values), np.asarray(history)


def _collect(runs, X, G, activation, rtol, n_warmup, n_steps):
    """Pick the best start; residual, singular values and status of the result."""
    import jax.numpy as jnp

    from saddlepath.deep._sphere import live_residual

    weights = [np.concatenate([r[0][i] for r in runs]) for i in range(len(runs[0][0]))]
    values = np.concatenate([r[1] for r in runs]).astype(np.float64)
    history = np.concatenate([r[2] for r in runs])
    finite = np.isfinite(values) & np.all(np.isfinite(history), axis=1)
    i = int(np.nanargmin(np.where(finite, values, np.inf))) if finite.any() else 0
    best = tuple(W[i] for W in weights)
    tail = history[i, -max(1, n_steps // 10) - 1 :]
    moved = float(np.max(tail) - np.min(tail)) if finite[i] else np.inf
    if not finite[i]:
        status = EscapeStatus.NOT_FINITE
    elif moved <= rtol * abs(values[i]):
        status = EscapeStatus.CONVERGED
    else:
        status = EscapeStatus.STEP_LIMIT
    ws_j = tuple(jnp.asarray(W, dtype=jnp.asarray(X).dtype) for W in best)
    residual = float(live_residual(ws_j, jnp.asarray(X), jnp.asarray(G), activation))
    return EscapeResult(
        speed=float(-values[i]),
        speeds=-values,
        weights=best,
        residual=residual,
        singular_values=tuple(np.linalg.svd(W, compute_uv=False) for W in best),
        status=status,
        stats={
            "n_restarts": len(values),
            "n_warmup_steps": int(n_warmup),
            "n_descent_steps": int(n_steps),
        },
        activation=activation,
    )


def escape_directions_by_depth(X, G, width: int, depths, **options) -> tuple[EscapeResult, ...]:
    r"""Escape directions at several depths, each warm-started from the one before.

    Depth ``depths[0]`` is solved from random starts only; each next depth (which must be
    the previous one plus 1) also starts from the previous optimum with a rank-one layer
    inserted (``from_shallower``), so its speed is at least the previous one whenever the
    previous optimum's last hidden activations are rank one (the insertion is exact then);
    otherwise the inserted layer keeps their top direction only and the speed may drop
    (compare ``speeds[0]``, the warm start, with the previous ``speed``). All hidden widths are
    ``width``; ``options`` go to :func:`escape_direction`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.eye(2); G = -np.diag([2.0, 1.0])  # σ₁(GᵀX) = 2 at every depth
    >>> res = escape_directions_by_depth(X, G, 3, [2, 3], n_restarts=1, seed=0,
    ...                                  n_warmup_steps=100, n_steps=500)
    >>> [round(r.speed, 4) for r in res]
    [2.0, 2.0]
    """
    depths = [
        check_int(d, name="depths", low=2, where="escape_directions_by_depth") for d in depths
    ]
    if not depths or any(b != a + 1 for a, b in itertools.pairwise(depths)):
        raise ValueError(
            f"`depths` must be consecutive increasing depths ≥ 2, e.g. range(2, 6); got {depths}."
        )
    results = [escape_direction(X, G, (width,) * (depths[0] - 1), **options)]
    for depth in depths[1:]:
        results.append(
            escape_direction(X, G, (width,) * (depth - 1), from_shallower=results[-1], **options)
        )
    return tuple(results)
