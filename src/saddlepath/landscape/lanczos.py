r"""The extreme eigenpairs of any JAX model's Hessian, matrix-free (Lanczos on HVPs).

For a scalar loss :math:`F(\theta)` of a parameter pytree :math:`\theta` (flattened to
:math:`\theta \in \mathbb{R}^n` in :func:`jax.flatten_util.ravel_pytree` order), the
Hessian-vector product :math:`Hw = \frac{d}{ds}\nabla F(\theta + s w)\big|_{s=0}` is
forward-over-reverse, ``jax.jvp(jax.grad(F), (θ,), (w,))``: one jitted call costs a small
multiple of one gradient and never forms the :math:`n\times n` Hessian.

The eigenpairs come from ARPACK's implicitly restarted Lanczos
(:func:`scipy.sparse.linalg.eigsh` on a :class:`~scipy.sparse.linalg.LinearOperator`): its
memory is :math:`O(n \cdot n_{cv})` for any model size (a plain Lanczos with full
reorthogonalisation keeps every Krylov vector), and it restarts and reorthogonalises for us.
ARPACK's stopping test is relative to each Ritz value (floored at
:math:`\epsilon^{2/3}`), far too strict for the zero eigenvalues of a symmetry; Lanczos is
shift-invariant, so we run it on :math:`H + cI` with :math:`c = 2s`,
:math:`s \approx \|H\|_2`, where every eigenvalue lies in :math:`[s, 3s]` and the test
becomes relative to :math:`\|H\|_2`. One Lanczos run sees one copy of a repeated eigenvalue
(hidden-unit permutations and rescalings make them common); by default the search is rerun
on the complement of the pairs found, from a fresh start, until no eigenvalue is missed.

Units: eigenvalues in loss per squared parameter unit; eigenvectors are unit vectors in the
flat parameter space.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import summary_repr
from saddlepath._validation import check_real
from saddlepath.landscape._hvp import FlatHessian

__all__ = ["HessianExtremes", "LanczosStatus", "hessian_extremes"]

_WHERE = "hessian_extremes"
# ‖H‖₂ is estimated to this relative accuracy: it only sets the shift and the thresholds.
SCALE_TOL = 1e-3
# A pair counts as converged when ‖Hv − λv‖ ≤ RESIDUAL_SLACK · tol · ‖H‖₂ (ARPACK's test
# is on H + 2‖H‖I, whose Ritz values reach 3‖H‖, plus rounding in the HVP).
RESIDUAL_SLACK = 10.0
# At most this many deflated Lanczos reruns look for missed copies of repeated eigenvalues.
MAX_DEFLATIONS = 10
# Each rerun first probes the lowest eigenvalue of the deflated operator to this relative
# accuracy (a Ritz value's error is about the square of its residual: ~1e-12 here).
PROBE_TOL = 1e-6


class LanczosStatus(Status):
    """How :func:`hessian_extremes` ended. The values are the meanings."""

    CONVERGED = "converged: every eigenpair's residual ‖Hv − λv‖ is within the tolerance"
    NOT_CONVERGED = (
        "not converged: Lanczos reached max_iter restarts or a residual ‖Hv − λv‖ exceeds "
        "the tolerance (the pairs returned are the best found; raise max_iter or tol)"
    )

    @classmethod
    def failures(cls) -> frozenset[Status]:
        return frozenset({cls.NOT_CONVERGED})


@dataclass(frozen=True, eq=False, repr=False)
class HessianExtremes:
    r"""Extreme eigenpairs of a Hessian computed by Lanczos on Hessian-vector products.

    Attributes
    ----------
    eigenvalues : ndarray of shape (m,)
        Ascending; the ``k`` smallest, then (``which="both"``) the ``k`` largest. Loss per
        squared parameter unit.
    eigenvectors : ndarray of shape (m, n_params)
        ``eigenvectors[j]`` is the unit eigenvector of ``eigenvalues[j]`` in the flat layout
        of :func:`jax.flatten_util.ravel_pytree`; :meth:`eigenvector_leaves` and
        :meth:`eigenvector_tree` split it back into the parameters' shapes.
    leaf_shapes : tuple of tuple of int
        Shapes of the parameter leaves, in flattening order.
    k : int
        Eigenpairs requested per end.
    residuals : ndarray of shape (m,)
        :math:`\|Hv_j - \lambda_j v_j\|_2`, checked with one extra HVP per pair.
    morse_index_estimate : int
        Number of computed eigenvalues below ``-tolerance``. Only the ``k`` smallest are
        computed, so when all ``k`` are negative (:attr:`index_is_lower_bound`) the true
        Morse index may be larger. With ``verify=False`` a repeated eigenvalue may also be
        found with lower multiplicity than it has (one copy per Lanczos start vector).
    tolerance : float
        ``rtol · scale``: eigenvalues within ``±tolerance`` count as zero.
    scale : float
        :math:`\|H\|_2`, the largest computed :math:`|\lambda|` (to ``SCALE_TOL``).
    status : LanczosStatus
    stats : dict
        ``n_hvp`` (every HVP, including the norm estimate and the residual check),
        ``n_iter`` (Lanczos steps of the eigenpair runs and probes, one HVP each) and
        ``n_deflations`` (reruns on the complement of the pairs found, both ends).
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray = field(repr=False)
    leaf_shapes: tuple
    k: int
    residuals: np.ndarray = field(repr=False)
    morse_index_estimate: int
    tolerance: float
    scale: float
    status: LanczosStatus
    stats: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        lowest = f"{self.eigenvalues[0]:.6g}" if self.eigenvalues.size else "none"
        return summary_repr(
            self, status=self.status.name, morse_index_estimate=self.morse_index_estimate,
            n_eigenvalues=self.eigenvalues.size, n_params=self.eigenvectors.shape[1],
            lowest=lowest, n_hvp=self.stats.get("n_hvp"),
        )  # fmt: skip

    @property
    def index_is_lower_bound(self) -> bool:
        """Whether every computed smallest eigenvalue is negative (more may lie beyond)."""
        return self.morse_index_estimate >= self.k

    def eigenvector_leaves(self, j: int) -> tuple[np.ndarray, ...]:
        """Eigenvector ``j`` split into arrays of :attr:`leaf_shapes` (flattening order)."""
        sizes = [int(np.prod(shape)) for shape in self.leaf_shapes]
        parts = np.split(self.eigenvectors[j], np.cumsum(sizes)[:-1])
        return tuple(p.reshape(shape) for p, shape in zip(parts, self.leaf_shapes, strict=True))

    def eigenvector_tree(self, j: int, like):
        """Eigenvector ``j`` as a pytree of the structure of ``like`` (the parameters)."""
        import jax

        treedef = jax.tree_util.tree_structure(like)
        return jax.tree_util.tree_unflatten(treedef, list(self.eigenvector_leaves(j)))


def hessian_extremes(
    loss,
    params,
    *,
    k: int = 6,
    which: str = "smallest",
    tol: float = 1e-10,
    rtol: float = 1e-8,
    max_iter: int | None = None,
    seed: int = 0,
    verify: bool = True,
) -> HessianExtremes:
    r"""The ``k`` most negative (and optionally most positive) Hessian eigenpairs of ``loss``.

    Parameters
    ----------
    loss : callable
        ``loss(params)``, a JAX-differentiable function returning a scalar.
    params : pytree of arrays
        The point :math:`\theta` (e.g. a tuple of weight matrices). Enable
        ``jax_enable_x64`` for float64; in float32 pass ``tol`` of about ``1e-4``.
    k : int, default 6
        Eigenpairs per end, ``1 ≤ k < n_params``.
    which : {"smallest", "both"}, default "smallest"
        The ``k`` smallest eigenvalues, or also the ``k`` largest.
    tol : float, default 1e-10
        Convergence tolerance relative to :math:`\|H\|_2`: ARPACK's Ritz-residual test, and
        ``residual ≤ RESIDUAL_SLACK · tol · ‖H‖₂`` for the status.
    rtol : float, default 1e-8
        Eigenvalues below ``-rtol · ‖H‖₂`` count towards the Morse index estimate.
    max_iter : int, optional
        Maximum Lanczos restarts per run (ARPACK's ``maxiter``; default ``100 · n_params``).
    seed : int, default 0
        Seed of the random start vector.
    verify : bool, default True
        Rerun Lanczos on the complement of the pairs found until it finds no eigenvalue
        below the ``k``-th (recovers copies of repeated eigenvalues, e.g. from symmetries
        of the parameters, that one Lanczos run misses); one extra run when none is missed.

    Returns
    -------
    HessianExtremes

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> res = hessian_extremes(lambda p: p[0] ** 2 - 3 * p[1] ** 2 + p[2] ** 2, jnp.ones(3),
    ...                        k=1, tol=1e-6)
    >>> round(float(res.eigenvalues[0]), 4), res.morse_index_estimate, res.status.name
    (-6.0, 1, 'CONVERGED')
    """
    tol = check_real(tol, name="tol", low=0.0, high=1.0, low_open=True, high_open=True,
                     where=_WHERE)  # fmt: skip
    rtol = check_real(rtol, name="rtol", low=0.0, high=1.0, low_open=True, high_open=True,
                      where=_WHERE)  # fmt: skip
    if which not in ("smallest", "both"):
        raise ValueError(
            f"The `which` parameter of {_WHERE} must be 'smallest' or 'both'. Got {which!r} "
            "instead."
        )
    op = FlatHessian(loss, params, where=_WHERE)
    k = _check_k(k, op.n, both=which == "both")
    if max_iter is not None:
        max_iter = int(check_real(max_iter, name="max_iter", low=1, where=_WHERE))
    return _lanczos(op, k, which == "both", tol, rtol, max_iter, seed, bool(verify))


def _check_k(k: object, n: int, *, both: bool) -> int:
    bound = "2k < n_params" if both else "k < n_params"
    top = (n - 1) // 2 if both else n - 1
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= top:
        raise ValueError(
            f"The `k` parameter of {_WHERE} must be an integer with 1 ≤ k and {bound} = {n} "
            f"(Lanczos finds a few eigenvalues; for all of them form the Hessian). Got {k!r} "
            "instead."
        )
    return int(k)


def _lanczos(op, k, both, tol, rtol, max_iter, seed, verify) -> HessianExtremes:
    """Norm estimate, shifted Lanczos runs (each end), residual check and the result."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    rng = np.random.default_rng(seed)
    v0 = rng.standard_normal(op.n)
    plain = LinearOperator((op.n, op.n), matvec=op, dtype=np.float64)
    norm = float(abs(eigsh(plain, k=1, which="LM", tol=SCALE_TOL, v0=v0)[0][0]))
    shift = 2.0 * norm if norm > 0 else 1.0
    run = {"tol": tol, "max_iter": max_iter, "rng": rng, "lift": 2.0 * shift, "verify": verify}
    start, n_rounds = op.count, 0
    theta, vectors, converged, n_rounds = _lowest(lambda w: op(w) + shift * w, op.n, k, **run)
    values = theta - shift
    if both:  # the largest eigenvalues of H are the smallest of -H
        top, top_vectors, top_ok, top_rounds = _lowest(lambda w: shift * w - op(w), op.n, k, **run)
        values, vectors = np.r_[values, shift - top], np.concatenate([vectors, top_vectors])
        converged, n_rounds = converged and top_ok, n_rounds + top_rounds
    n_iter = op.count - start
    order = np.argsort(values)
    values, vectors = values[order], vectors[order]
    residuals = np.array(
        [np.linalg.norm(op(w) - lam * w) for lam, w in zip(values, vectors, strict=True)]
    )
    scale = max(norm, float(np.abs(values).max(initial=0.0)))
    converged = converged and bool(np.all(residuals <= RESIDUAL_SLACK * tol * scale))
    tolerance = rtol * scale
    return HessianExtremes(
        eigenvalues=values,
        eigenvectors=vectors,
        leaf_shapes=op.leaf_shapes,
        k=k,
        residuals=residuals,
        morse_index_estimate=int(np.sum(values[: min(k, values.size)] < -tolerance)),
        tolerance=tolerance,
        scale=scale,
        status=LanczosStatus.CONVERGED if converged else LanczosStatus.NOT_CONVERGED,
        stats={"n_hvp": op.count, "n_iter": n_iter, "n_deflations": n_rounds},
    )


def _lowest(matvec, n, k, *, tol, max_iter, rng, lift, verify):
    r"""The ``k`` lowest eigenpairs of ``matvec`` (spectrum in :math:`[s, 3s]`, ``lift > 3s``).

    Lanczos from one start vector sees one copy of a repeated eigenvalue (more only through
    rounding and restarts). With ``verify``, each round reruns it, from a fresh random
    start, on the deflated operator
    :math:`PAP + \text{lift}\,VV^\top` (:math:`V` the pairs found, :math:`P = I - VV^\top`):
    a new eigenvalue below the ``k``-th found is a missed copy, merged in; a round whose
    probe (the lowest Ritz value, to ``PROBE_TOL``) finds none ends the search. Returns
    values, vectors (rows), whether every run converged, and the number of deflated rounds.
    """
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    values, vectors, converged = np.empty(0), np.empty((0, n)), True
    for rounds in range(MAX_DEFLATIONS + 1):
        want = min(k, n - values.size - 1)
        if want < 1 or (rounds and not (verify and converged and values.size)):
            return values, vectors, converged, rounds
        V = vectors

        def deflated(w, V=V):
            low = V @ w
            out = matvec(w - V.T @ low)
            return out - V.T @ (V @ out) + lift * (V.T @ low)

        op = LinearOperator((n, n), matvec=deflated, dtype=np.float64)
        start = deflated(rng.standard_normal(n))  # fresh: the last one's Krylov space lacks
        # the missed copies (exactly, but for rounding)
        if rounds and _probe(op, start, max_iter) >= values[-1] - tol * lift:
            return values, vectors, converged, rounds
        try:
            theta, vecs = eigsh(op, k=want, which="SA", tol=tol, maxiter=max_iter, v0=start)
        except ArpackNoConvergence as err:  # keep the pairs that did converge
            theta, vecs, converged = err.eigenvalues, err.eigenvectors, False
        vecs = vecs.T - (vecs.T @ V.T) @ V  # exactly orthogonal to the pairs found
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        values, vectors = np.r_[values, theta], np.concatenate([vectors, vecs])
        order = np.argsort(values)[:k]
        values, vectors = values[order], vectors[order]
    return values, vectors, False, MAX_DEFLATIONS  # still finding copies: not converged


def _probe(op, start, max_iter) -> float:
    """The lowest Ritz value of ``op`` to ``PROBE_TOL``: an upper bound of its lowest eigenvalue."""
    from scipy.sparse.linalg import ArpackNoConvergence, eigsh

    try:
        return float(eigsh(op, k=1, which="SA", tol=PROBE_TOL, maxiter=max_iter, v0=start)[0][0])
    except ArpackNoConvergence as err:  # the Ritz values so far are still upper bounds
        return float(err.eigenvalues.min(initial=-np.inf))
