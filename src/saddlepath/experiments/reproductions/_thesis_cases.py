r"""One small case of the thesis (d ≤ 2), computed three ways (private to thesis-small-cases).

For each plateau that saddlepath's exact log-domain GD finds by the thesis's margin rule:
the critical point it snaps to (:func:`~saddlepath.landscape.refine_equilibrium`), the
Jacobian :math:`J = -\nabla^2F` there (:func:`~saddlepath.landscape.network_hessian`, in the
thesis's order :math:`(v, u)`) with its eigen-decomposition, and the closed forms of
``_thesis_closed_forms`` at the same support; beside them the thesis's own float64 GD.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath.analysis import find_plateaus
from saddlepath.diagonal import SaddlePath, gradient_descent, saddle_path
from saddlepath.experiments.reproductions import _thesis_closed_forms as closed
from saddlepath.experiments.reproductions._thesis_data import (
    PlainGDRun,
    thesis_data,
    thesis_plain_gd,
)
from saddlepath.landscape import network_hessian

__all__ = ["ThesisCase", "run_case"]


@dataclass(frozen=True, eq=False, repr=False)
class ThesisCase:
    r"""One case (``name`` such as ``"d=1, n=4"``); plateau ``k`` is row ``k``.

    Attributes
    ----------
    weights : ndarray of shape (n_plateaus, 2 n_features)
        The critical point of each plateau as the thesis writes it, :math:`\phi = (v, u)`.
    jacobians : ndarray of shape (n_plateaus, 2d, 2d)
        :math:`J = -\nabla^2 F` there, from saddlepath's Hessian.
    eigenvalues, eigenvectors : ndarray
        Of ``jacobians`` (ascending; ``eigenvectors[k][:, j]`` belongs to value ``j``).
    closed_weights, closed_jacobians, closed_eigenvalues : ndarray
        The closed forms at the same support.
    closed_top_vectors : ndarray of shape (n_plateaus, 2d)
        Unit eigenvector of the largest eigenvalue of J in closed form (NaN at a minimiser).
    closed_iterations : ndarray of shape (n_plateaus,)
        The margin-rule iteration by the gradient flow in closed form, for paths with one
        jump (:func:`~._thesis_closed_forms.flow_margin_iteration`); NaN otherwise.
    jumps : ndarray of shape (n_plateaus - 1, 2d)
        The jump actually taken, ``weights[k+1] − weights[k]``, normalised.
    gd_iterations : ndarray of int
        1-based iteration of each plateau (exact GD, margin rule).
    """

    name: str
    step_size: float
    gamma: str
    n_steps: int
    margin: float
    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    p_star: np.ndarray = field(repr=False)
    path: SaddlePath
    gd_iterations: np.ndarray
    gd_curve_iterations: np.ndarray = field(repr=False)
    gd_curve_loss: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    jacobians: np.ndarray = field(repr=False)
    eigenvalues: np.ndarray = field(repr=False)
    eigenvectors: np.ndarray = field(repr=False)
    closed_weights: np.ndarray = field(repr=False)
    closed_jacobians: np.ndarray = field(repr=False)
    closed_eigenvalues: np.ndarray = field(repr=False)
    closed_top_vectors: np.ndarray = field(repr=False)
    closed_iterations: np.ndarray = field(repr=False)
    jumps: np.ndarray = field(repr=False)
    plain: PlainGDRun

    def __repr__(self) -> str:
        return summary_repr(
            self, name=self.name, gd_iterations=self.gd_iterations.tolist(),
            plain_iterations=self.plain.iterations.tolist(),
        )  # fmt: skip


def _unit(x: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(x))
    return x / norm if norm > 0 else x


def _closed(X, y, betas) -> tuple[np.ndarray, ...]:
    weights, jacobians, values, tops = [], [], [], []
    for beta in betas:
        b, v, u = closed.critical_point(X, y, np.flatnonzero(beta))
        weights.append(np.concatenate([v, u]))
        jacobians.append(closed.jacobian(X, y, v, u))
        values.append(closed.spectrum(X, y, b))
        top = closed.top_unstable_vector(X, y, b)
        tops.append(np.full(2 * X.shape[1], np.nan) if top is None else top)
    return tuple(np.array(a) for a in (weights, jacobians, values, tops))


def _closed_iterations(X, y, n_plateaus, gamma, step_size, margin) -> np.ndarray:
    """1 at the origin (v₀ = 0: ∇F = 0), the flow's closed form at a one-jump minimiser."""
    out = np.full(n_plateaus, np.nan)
    out[:1] = 1.0
    if n_plateaus == 2 and saddle_path(X, y).n_saddles == 2:
        out[1] = closed.flow_margin_iteration(X, y, float(gamma), step_size, margin)
    return out


def run_case(name, n_samples, n_features, *, step_size, gamma, n_steps, margin) -> ThesisCase:
    """Compute one case (see the module); ``gamma`` is a decimal string such as ``"1e-100"``."""
    X, y, p = thesis_data(n_samples, n_features)
    gd = gradient_descent(
        X, y, step_size=step_size, alpha=gamma, n_steps=n_steps, margin=margin,
        save_every=max(1, n_steps // 2000),
    )  # fmt: skip
    plateaus = find_plateaus(gd, X, y, margin=margin)
    eqs = plateaus.equilibria
    weights = np.array([np.concatenate([e.v, e.u]) for e in eqs])
    jacobians = []
    for e in eqs:
        H = network_hessian(X, y, e.u, e.v)  # (u, v) order
        d = n_features
        order = np.r_[d : 2 * d, 0:d]
        jacobians.append(-H[np.ix_(order, order)])
    jacobians = np.array(jacobians)
    values, vectors = np.linalg.eigh(jacobians)
    closed_w, closed_j, closed_v, closed_top = _closed(X, y, [e.beta for e in eqs])
    plain = thesis_plain_gd(
        X, y, step_size=step_size, gamma=float(gamma), n_steps=n_steps, margin=margin
    )
    return ThesisCase(
        name=name, step_size=float(step_size), gamma=str(gamma), n_steps=int(n_steps),
        margin=float(margin), X=X, y=y, p_star=p, path=saddle_path(X, y),
        gd_iterations=np.asarray(plateaus.iterations, dtype=np.int64) + 1,
        gd_curve_iterations=np.rint(gd.t / step_size).astype(np.int64),
        gd_curve_loss=np.asarray(gd.loss, dtype=float),
        weights=weights, jacobians=jacobians, eigenvalues=values, eigenvectors=vectors,
        closed_weights=closed_w, closed_jacobians=closed_j, closed_eigenvalues=closed_v,
        closed_top_vectors=closed_top,
        closed_iterations=_closed_iterations(X, y, len(eqs), gamma, step_size, margin),
        jumps=np.array(
            [_unit(b - a) for a, b in itertools.pairwise(weights)]
        ).reshape(-1, 2 * n_features),
        plain=plain,
    )  # fmt: skip
