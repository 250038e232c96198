r"""Does a deep network's escape follow the saddle's top unstable eigenvector?

The deep analogue of :func:`~saddlepath.analysis.explain_jumps`. For every plateau of a
training run after the first escape, take the kept weights nearest the plateau's
representative point, refine them to a critical point :math:`\theta^*`
(:func:`~saddlepath.landscape.refine_saddle`: bottleneck rank, Morse index estimate, the
most negative Hessian eigenpairs :math:`(\lambda_j, v_j)`), and compare the displacement
:math:`d = \theta_{\rm after} - \theta^*` to the weights kept just after the plateau ends
with the unstable directions:

* ``cosine`` :math:`= |\langle d, v_1\rangle|/\|d\|`, the top eigenvector;
* ``top_space_cosine`` :math:`= \|V_1^\top d\|/\|d\|`, the eigenspace of the most
  negative eigenvalue (:math:`V_1` = the computed :math:`v_j` with
  :math:`\lambda_j \le (1 - \text{CLUSTER_RTOL})\lambda_1`). Hidden-unit symmetries make
  unstable eigenvalues repeated (one copy per free unit), so the escape may follow the
  eigenspace without following the one vector Lanczos returned first;
* ``unstable_cosine`` :math:`= \|V_u^\top d\|/\|d\|`, every computed unstable
  direction (:math:`V_u` = the :math:`v_j` with :math:`\lambda_j` below ``-eigen_tolerance``);
* ``function_cosine``: the cosine, over the outputs on the data, of
  :math:`Y_{\theta^* + \|d\|\sigma v_1} - Y_{\theta^*}` with
  :math:`Y_{\theta_{\rm after}} - Y_{\theta^*}` (:math:`\sigma` the sign of
  :math:`\langle d, v_1\rangle`): the same question in function space. (A first-order
  :math:`J v_1` would vanish: along a free unit's unstable direction the output changes at
  second order.)

Parameter-space cosines are meaningful here because :math:`\theta^*`, :math:`v_1` and
:math:`\theta_{\rm after}` belong to one run: no permutation of hidden units separates them.
At depth :math:`L \ge 3` the saddles after an escape are degenerate (see
:mod:`saddlepath.landscape.deep_saddle`): their negative eigenvalues, if any, come from the
leftover initialisation and scale like its size to the power :math:`L - 2`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import summary_repr
from saddlepath.analysis.plateaus import find_plateaus
from saddlepath.landscape.deep_saddle import refine_saddle

__all__ = ["EscapeExplanation", "ExplainedEscapeStatus", "explain_escapes"]

_WHERE = "explain_escapes"
# A plateau whose loss is within this relative distance of the run's initial loss is the
# plateau at the origin (before the first escape), which refine_saddle does not treat.
ORIGIN_RTOL = 1e-2
# Eigenvalues within this relative distance of the most negative one form its eigenspace.
CLUSTER_RTOL = 1e-3


class ExplainedEscapeStatus(Status):
    """What :func:`explain_escapes` could measure at one plateau."""

    EXPLAINED = "refined the saddle and measured the escape against its unstable eigenvectors"
    NO_UNSTABLE_DIRECTION = (
        "the refined saddle has no eigenvalue below -tolerance among the k computed (a "
        "degenerate saddle, as at depth ≥ 3); the cosines use the most negative eigenvector"
    )
    NO_LATER_WEIGHTS = (
        "no weights were kept after this plateau ends; keep weights more often in train()"
    )
    NOT_REFINED = "the saddle could not be refined (see saddle.status); no cosine is reported"

    @classmethod
    def failures(cls) -> frozenset[Status]:
        return frozenset({cls.NOT_REFINED})


@dataclass(frozen=True, eq=False)
class EscapeExplanation:
    r"""One plateau of a deep run after the first escape, and the escape that leaves it.

    Attributes
    ----------
    plateau_index : int
        Row of the plateau in ``find_plateaus(run)``.
    t : float
        The plateau's representative time (gradient-flow time of the run).
    saddle_step, after_step : int
        GD steps of the kept weights refined (nearest the plateau's representative point)
        and of those compared with (the first kept after the plateau ends; -1 when none).
    saddle : DeepSaddle
        The refined critical point.
    distance : float
        :math:`\|\theta_{\rm plateau} - \theta^*\|/\|\theta^*\|`: how far the kept weights
        were from the refined saddle.
    displacement_norm : float
        :math:`\|d\| = \|\theta_{\rm after} - \theta^*\|` (parameter units).
    cosine, top_space_cosine, unstable_cosine, function_cosine : float
        See the module docstring; NaN when not measured.
    loss_drop : float
        :math:`C(\theta^*) - C(\theta_{\rm after})` (cost units).
    status : ExplainedEscapeStatus
    """

    plateau_index: int
    t: float
    saddle_step: int
    after_step: int
    saddle: object = field(repr=False)
    distance: float
    displacement_norm: float
    cosine: float
    top_space_cosine: float
    unstable_cosine: float
    function_cosine: float
    loss_drop: float
    status: ExplainedEscapeStatus

    def __repr__(self) -> str:
        return summary_repr(
            self, plateau_index=self.plateau_index, t=f"{self.t:.6g}",
            bottleneck_rank=self.saddle.bottleneck_rank,
            morse_index_estimate=self.saddle.morse_index_estimate,
            cosine=f"{self.cosine:.4g}", top_space_cosine=f"{self.top_space_cosine:.4g}",
            unstable_cosine=f"{self.unstable_cosine:.4g}",
            function_cosine=f"{self.function_cosine:.4g}", status=self.status.name,
        )  # fmt: skip


def explain_escapes(
    run, X, targets, *, loss: str | None = None, activation: str | None = None, plateaus=None,
    **refine_options,
) -> tuple[EscapeExplanation, ...]:  # fmt: skip
    r"""Refine every saddle a deep run visits after its first escape; explain each escape.

    Parameters
    ----------
    run : TrainingRun
        A deep training run whose kept weights (``weights``, ``weight_step``) cover its
        plateaus.
    X : array_like of shape (n_samples, n_inputs)
    targets : array_like of shape (n_samples, n_outputs)
        The training data of the run (one-hot rows for cross-entropy).
    loss, activation : str, optional
        Default: ``run.settings["loss"]`` and ``run.settings["activation"]``.
    plateaus : Plateaus, optional
        Default ``find_plateaus(run)``. Plateaus whose loss is within ``ORIGIN_RTOL`` of the
        initial loss (the origin's) are skipped.
    **refine_options
        Passed to :func:`~saddlepath.landscape.refine_saddle` (``tol``, ``max_iter``, ``k``,
        ``rank_rtol``, ``eigen_rtol``).

    Returns
    -------
    tuple of EscapeExplanation
        One per plateau after the first escape, in time order.
    """
    if getattr(run, "model", None) != "deep" or not hasattr(run, "weight_step"):
        raise TypeError(
            f"The `run` parameter of {_WHERE} must be a deep training run (TrainingRun, model "
            f"'deep'); got {type(run).__name__}."
        )
    settings = getattr(run, "settings", {}) or {}
    loss = loss if loss is not None else settings.get("loss", "mse")
    activation = activation if activation is not None else settings.get("activation", "relu")
    found = find_plateaus(run) if plateaus is None else plateaus
    kept_t = np.interp(run.weight_step, run.step, run.t)
    rows = []
    for j in range(len(found.t)):
        if abs(found.loss[j] - run.loss[0]) <= ORIGIN_RTOL * abs(run.loss[0]):
            continue
        rows.append(_explain(run, X, targets, found, j, kept_t, loss, activation, refine_options))
    return tuple(rows)


def _explain(run, X, targets, found, j, kept_t, loss, activation, options) -> EscapeExplanation:
    at = int(np.argmin(np.abs(kept_t - found.t[j])))
    start = tuple(layer[at] for layer in run.weights)
    saddle = refine_saddle(X, targets, start, loss=loss, activation=activation, **options)
    later = np.flatnonzero(kept_t > found.tau_end[j])
    theta = _flat(saddle.weights)
    nan = float("nan")
    row = {
        "plateau_index": j, "t": float(found.t[j]), "saddle_step": int(run.weight_step[at]),
        "after_step": -1, "saddle": saddle,
        "distance": float(np.linalg.norm(_flat(start) - theta) / np.linalg.norm(theta)),
        "displacement_norm": nan, "cosine": nan, "top_space_cosine": nan, "unstable_cosine": nan,
        "function_cosine": nan, "loss_drop": nan,
    }  # fmt: skip
    if not saddle.status.success:
        return EscapeExplanation(**row, status=ExplainedEscapeStatus.NOT_REFINED)
    if later.size == 0:
        return EscapeExplanation(**row, status=ExplainedEscapeStatus.NO_LATER_WEIGHTS)
    import jax

    after = tuple(layer[later[0]] for layer in run.weights)
    with jax.enable_x64(True):
        row.update(_cosines(saddle, after, X, targets, loss, activation))
    row["after_step"] = int(run.weight_step[later[0]])
    unstable = saddle.morse_index_estimate > 0
    status = ExplainedEscapeStatus.EXPLAINED if unstable else (
        ExplainedEscapeStatus.NO_UNSTABLE_DIRECTION)  # fmt: skip
    return EscapeExplanation(**row, status=status)


def _cosines(saddle, after, X, targets, loss, activation) -> dict:
    """The parameter- and function-space cosines of the escape with the unstable directions."""
    from saddlepath.deep._refine import cost_function
    from saddlepath.deep.network import network_output

    theta = _flat(saddle.weights)
    d = _flat(after) - theta
    norm = float(np.linalg.norm(d))
    V = saddle.eigenvectors
    unstable = V[: max(saddle.morse_index_estimate, 0)]
    lam = saddle.eigenvalues
    top = V[lam <= lam[0] * (1 - CLUSTER_RTOL)] if lam[0] < 0 else V[:1]
    along = float(V[0] @ d)
    step = np.sign(along) * norm * V[0] if along else norm * V[0]
    moved = _split(theta + step, saddle.weights)
    X = np.asarray(X, dtype=np.float64)
    Y0 = np.asarray(network_output(saddle.weights, X, activation=activation))
    dY_eig = np.asarray(network_output(moved, X, activation=activation)) - Y0
    dY_run = np.asarray(network_output(after, X, activation=activation)) - Y0
    cost = cost_function(X, np.asarray(targets, dtype=np.float64).reshape(X.shape[0], -1),
                         loss=loss, activation=activation)  # fmt: skip
    return {
        "displacement_norm": norm,
        "cosine": abs(along) / norm if norm else float("nan"),
        "top_space_cosine": float(np.linalg.norm(top @ d) / norm) if norm else float("nan"),
        "unstable_cosine": float(np.linalg.norm(unstable @ d) / norm) if unstable.size and norm
        else float("nan"),
        "function_cosine": _cos(dY_eig, dY_run),
        "loss_drop": saddle.loss - float(cost(tuple(np.asarray(W) for W in after))),
    }  # fmt: skip


def _cos(a, b) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(np.sum(a * b) / (na * nb)) if na > 0 and nb > 0 else float("nan")


def _flat(weights) -> np.ndarray:
    return np.concatenate([np.asarray(W, dtype=np.float64).ravel() for W in weights])


def _split(flat, like) -> tuple[np.ndarray, ...]:
    parts = np.split(flat, np.cumsum([W.size for W in like])[:-1])
    return tuple(p.reshape(W.shape) for p, W in zip(parts, like, strict=True))
