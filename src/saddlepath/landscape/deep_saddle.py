r"""The critical point of a deep network's cost nearest a point: :func:`refine_saddle`.

From a plateau point :math:`\theta_0` of small-init training, minimise
:math:`\tfrac12\|\nabla C(\theta)\|^2` (Levenberg–Marquardt on Hessian-vector products, see
:mod:`saddlepath.deep._refine`), then describe the point reached: its cost, its bottleneck
rank (:mod:`saddlepath.deep.saddles`) and the most negative eigenpairs of its Hessian by
Lanczos (:func:`~saddlepath.landscape.hessian_extremes`; no dense Hessian).

What to expect (deep linear networks, derived in the tests): at the balanced factorisation of
a rank-:math:`k` truncation of the target map, a depth-2 network with a free hidden unit has
the unstable eigenvalue :math:`-s_{k+1}` (the next singular value of the target map), but a
network of depth :math:`L \ge 3` has **no** negative eigenvalue: the escape from such a saddle
starts at order :math:`L` in the free directions, as the escape from the origin does. A Morse
index estimate of 0 at a refined deep saddle is therefore not a failure; it is the
degenerate saddle the paper's dynamics visit.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from saddlepath._validation import as_float_array, check_int, check_real
from saddlepath.deep.saddles import RANK_RTOL, DeepSaddle, SaddleStatus, bottleneck_rank
from saddlepath.landscape.lanczos import hessian_extremes
from saddlepath.warnings import SaddlepathWarning

__all__ = ["refine_saddle"]

_WHERE = "refine_saddle"
_REASONS = {
    "converged": SaddleStatus.CONVERGED,
    "step_limit": SaddleStatus.STEP_LIMIT,
    "not_critical": SaddleStatus.NOT_CRITICAL,
    "not_finite": SaddleStatus.NOT_FINITE,
}


def refine_saddle(
    X,
    targets,
    weights,
    *,
    loss: str = "mse",
    activation: str = "relu",
    tol: float = 1e-9,
    max_iter: int = 100,
    k: int = 6,
    rank_rtol: float = RANK_RTOL,
    eigen_rtol: float = 1e-6,
) -> DeepSaddle:
    r"""Refine a plateau point of a deep network to a critical point and analyse it.

    Minimises :math:`\tfrac12\|\nabla C(\theta)\|^2` from ``weights`` by Levenberg–Marquardt
    (each step :math:`\min_\delta\|H\delta + \nabla C\|^2 + \mu^2\|\delta\|^2` by LSMR on
    Hessian-vector products), in float64 whatever ``jax_enable_x64`` says. A stationary
    point of :math:`\|\nabla C\|^2` where :math:`\nabla C \ne 0` lies in the Hessian's null
    space is reported as ``NOT_CRITICAL`` (with a warning), never as a saddle.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_inputs)
    targets : array_like of shape (n_samples, n_outputs)
        ``T``: MSE targets, or one-hot rows (probabilities) for cross-entropy.
    weights : sequence of array_like
        :math:`W_1, \dots, W_L` (``W_ℓ`` of shape ``(w_ℓ, w_{ℓ-1})``), the starting point.
    loss : {"mse", "cross_entropy"}
        :math:`C = \|Y - T\|_F^2/(2n)` or :math:`-\frac1n\sum T\odot\log\mathrm{softmax}(Y)`.
    activation : {"relu", "linear"}
    tol : float, default 1e-9
        Stop when :math:`\|\nabla C\| \le` ``tol`` × the gradient scale at the start
        (:attr:`DeepSaddle.gradient_scale`, an upper bound of a layer's gradient).
    max_iter : int, default 100
        Levenberg–Marquardt steps at most, accepted or not (0: analyse ``weights`` as given).
    k : int, default 6
        Hessian eigenpairs computed (the smallest).
    rank_rtol : float, default 0.1
        Relative threshold of the bottleneck rank.
    eigen_rtol : float, default 1e-6
        Eigenvalues below :math:`-` ``eigen_rtol`` :math:`\|H\|_2` count towards the Morse
        index estimate.

    Returns
    -------
    DeepSaddle
    """
    import jax

    X, T, Ws = _check_inputs(X, targets, weights, loss, activation)
    tol = check_real(tol, name="tol", low=0.0, high=1.0, low_open=True, high_open=True,
                     where=_WHERE)  # fmt: skip
    rank_rtol = check_real(rank_rtol, name="rank_rtol", low=0.0, high=1.0, low_open=True,
                           high_open=True, where=_WHERE)  # fmt: skip
    eigen_rtol = check_real(eigen_rtol, name="eigen_rtol", low=0.0, high=1.0, low_open=True,
                            high_open=True, where=_WHERE)  # fmt: skip
    max_iter = check_int(max_iter, name="max_iter", low=0, where=_WHERE)
    k = check_int(k, name="k", low=1, high=sum(W.size for W in Ws) - 1, where=_WHERE)
    with jax.enable_x64(True):
        return _refine(X, T, Ws, loss, activation, tol, max_iter, k, rank_rtol, eigen_rtol)


def _refine(X, T, Ws, loss, activation, tol, max_iter, k, rank_rtol, eigen_rtol) -> DeepSaddle:
    import jax.numpy as jnp

    from saddlepath.deep._refine import (
        FlatProblem,
        cost_function,
        gradient_scale,
        minimise_gradient_norm,
    )

    start = time.perf_counter()
    cost = cost_function(X, T, loss=loss, activation=activation)
    problem = FlatProblem(cost, Ws)
    initial_loss = problem.value(problem.theta0)
    scale0 = gradient_scale(X, T, Ws, loss=loss, activation=activation)
    out = minimise_gradient_norm(problem, gtol=tol * scale0, max_iter=max_iter)
    status = _REASONS[out["reason"]]
    refined = problem.weights(out["x"])
    value = problem.value(out["x"])
    if not np.isfinite(value):
        status = SaddleStatus.NOT_FINITE
    stats = {"n_iter": int(out["n_iter"]), "n_grad": problem.n_grad, "n_hvp": problem.n_hvp}
    if status is SaddleStatus.NOT_FINITE:
        curvature = None
    else:
        curvature = hessian_extremes(cost, tuple(jnp.asarray(W) for W in refined), k=k,
                                     rtol=eigen_rtol)  # fmt: skip
    stats["n_hvp_lanczos"] = curvature.stats["n_hvp"] if curvature is not None else 0
    stats["wall_s"] = time.perf_counter() - start
    if not status.success:
        warnings.warn(f"{_WHERE}: {status}", SaddlepathWarning, stacklevel=3)
    return _result(refined, value, initial_loss, out, X, T, loss, activation, rank_rtol,
                   curvature, status, stats)  # fmt: skip


def _result(refined, value, initial_loss, out, X, T, loss, activation, rank_rtol, curvature,
            status, stats) -> DeepSaddle:  # fmt: skip
    from saddlepath.deep._refine import gradient_scale

    svs = tuple(np.linalg.svd(W, compute_uv=False) for W in refined)
    empty = np.empty(0)
    finite = status is not SaddleStatus.NOT_FINITE
    return DeepSaddle(
        weights=refined,
        loss=float(value),
        initial_loss=float(initial_loss),
        gradient_norm=float(out["history"][-1]),
        initial_gradient_norm=float(out["history"][0]),
        gradient_scale=gradient_scale(X, T, refined, loss=loss, activation=activation)
        if finite else float("nan"),
        singular_values=svs if finite else tuple(empty for _ in refined),
        bottleneck_rank=bottleneck_rank(svs, rank_rtol) if finite else 0,
        rank_rtol=rank_rtol,
        eigenvalues=curvature.eigenvalues if curvature else empty,
        eigenvectors=curvature.eigenvectors if curvature else np.empty((0, out["x"].size)),
        eigen_residuals=curvature.residuals if curvature else empty,
        morse_index_estimate=curvature.morse_index_estimate if curvature else 0,
        eigen_tolerance=curvature.tolerance if curvature else float("nan"),
        lanczos_status=curvature.status if curvature else None,
        loss_name=loss,
        activation=activation,
        status=status,
        stats=stats,
    )  # fmt: skip


def _check_inputs(X, targets, weights, loss, activation):
    from saddlepath.deep._refine import LOSSES

    if loss not in LOSSES:
        raise ValueError(f"The `loss` parameter of {_WHERE} must be one of {LOSSES}; got {loss!r}.")
    if activation not in ("relu", "linear"):
        raise ValueError(
            f"The `activation` parameter of {_WHERE} must be 'relu' or 'linear'; got "
            f"{activation!r}."
        )
    X = as_float_array(X, name="X", ndim=2)
    T = np.asarray(targets)
    T = as_float_array(T.reshape(-1, 1) if T.ndim == 1 else T, name="targets", ndim=2)
    if T.shape[0] != X.shape[0]:
        raise ValueError(
            f"The `targets` parameter of {_WHERE} must have one row per sample of X "
            f"({X.shape[0]}); got shape {T.shape}."
        )
    if isinstance(weights, np.ndarray) or len(weights) < 2:
        raise ValueError(
            f"The `weights` parameter of {_WHERE} must be a sequence of at least two matrices "
            "W_1, …, W_L (e.g. a tuple, or one kept step of TrainingRun.weights)."
        )
    Ws = tuple(as_float_array(W, name=f"weights[{i}]", ndim=2) for i, W in enumerate(weights))
    fan_in = [X.shape[1], *(W.shape[0] for W in Ws[:-1])]
    shapes = [W.shape for W in Ws]
    if [W.shape[1] for W in Ws] != fan_in or Ws[-1].shape[0] != T.shape[1]:
        raise ValueError(
            f"The `weights` parameter of {_WHERE} must chain from X's {X.shape[1]} inputs to "
            f"targets' {T.shape[1]} outputs (W_ℓ of shape (w_ℓ, w_ℓ₋₁)); got shapes {shapes}."
        )
    return X, T, Ws
