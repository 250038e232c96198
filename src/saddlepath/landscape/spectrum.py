r"""The Hessian of :math:`F(u, v) = L(u\odot v)` and the classification of its critical points.

The Hessian :math:`H` (blocks :math:`H_{uu}, H_{uv}, H_{vv}` in
:mod:`~saddlepath.landscape.hessian`) is diagonalised by blocks. A pair with
:math:`u_i = v_i = 0` decouples exactly: its block is
:math:`\begin{psmallmatrix}0 & g_i\\ g_i & 0\end{psmallmatrix}`, eigenvalues :math:`\pm|g_i|`,
so at an α → 0 saddle the unstable eigenvalues are :math:`-|\partial_i L|` over the inactive
coordinates. The rescaling symmetry :math:`(u_i, v_i) \mapsto (c\,u_i, v_i/c)` gives
:math:`H t_i = g_i(-v_i, u_i)` for :math:`t_i = (u_i, -v_i)`, a zero eigenvector wherever
:math:`g_i = 0`; those zeros are not degeneracy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from saddlepath._status import Status
from saddlepath._summary import summary_repr
from saddlepath.landscape._blocks import Pieces
from saddlepath.landscape._checks import check_rtol, gradient_scale
from saddlepath.landscape.hessian import gram, loss_and_gradient, validate_point, weight_gradient

__all__ = ["CriticalPointType", "SaddleSpectrum", "saddle_spectrum", "spectrum_from_gram"]

_WHERE = "saddle_spectrum"


class CriticalPointType(Status):
    """Second-order type of a point of :math:`F(u, v)`. The values are the meanings."""

    STRICT_SADDLE = "strict saddle: at least one negative Hessian eigenvalue"
    DEGENERATE = (
        "degenerate: no negative eigenvalue, but zero eigenvalues beyond the rescaling "
        "symmetry (the second-order test is inconclusive)"
    )
    LOCAL_MINIMUM = (
        "local minimum: Hessian positive definite up to the rescaling symmetry, gradient "
        "of L not zero (only at points that are not exact critical points)"
    )
    GLOBAL_MINIMUM = "global minimum: ∇L(β) = 0, so F = min L"


@dataclass(frozen=True, eq=False, repr=False)
class SaddleSpectrum:
    r"""Eigen-decomposition of the Hessian of :math:`F` at one point :math:`(u, v)`.

    Attributes
    ----------
    eigenvalues : ndarray of shape (2 n_features,)
        Ascending; units of loss per squared weight (= loss per unit of β).
    eigenvectors : ndarray of shape (2 n_features, 2 n_features)
        ``eigenvectors[k]`` is the unit eigenvector of ``eigenvalues[k]``, laid out as
        ``(e_u, e_v)`` (first the ``u`` part, then the ``v`` part).
    classification : CriticalPointType
    morse_index : int
        Number of eigenvalues below ``-tolerance`` (the Morse index).
    n_zero : int
        Number of eigenvalues within ``±tolerance``.
    n_symmetric : int
        Zero eigenvalues explained by the rescaling symmetry (pairs not both zero with
        :math:`|g_i| \le` ``tolerance``).
    tolerance : float
        ``rtol · max(max|eigenvalue|, ‖∇L(0)‖_∞)``.
    gradient_norm : float
        :math:`\|\nabla F(u, v)\|_\infty`; 0 up to rounding at a critical point.
    loss : float
        :math:`L(u\odot v)`.
    gradient : ndarray of shape (n_features,)
        :math:`\nabla L(\beta)`.
    unstable_coordinate_weights : ndarray of shape (morse_index, n_features)
        For unstable eigenvector ``k`` (most negative first), the share
        :math:`e_{u,i}^2 + e_{v,i}^2` of coordinate ``i`` (rows sum to 1).
    unstable_beta_directions : ndarray of shape (morse_index, n_features)
        Unit β-displacement of the weight step :math:`w \to w \pm e_k` taken downhill:
        :math:`v\odot e_u + u\odot e_v + e_u\odot e_v`, with the sign of :math:`e_k` chosen
        so that :math:`g\cdot(v\odot e_u + u\odot e_v) \le 0`. At an inactive pair the
        linear part vanishes and the quadratic one, :math:`-\mathrm{sign}(g_i)/2`, remains.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray = field(repr=False)
    classification: CriticalPointType
    morse_index: int
    n_zero: int
    n_symmetric: int
    tolerance: float
    gradient_norm: float
    loss: float
    gradient: np.ndarray = field(repr=False)
    unstable_coordinate_weights: np.ndarray = field(repr=False)
    unstable_beta_directions: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return summary_repr(
            self, classification=self.classification.name, morse_index=self.morse_index,
            n_zero=self.n_zero, n_symmetric=self.n_symmetric,
            n_eigenvalues=self.eigenvalues.size, loss=f"{self.loss:.6g}",
            gradient_norm=f"{self.gradient_norm:.3g}",
        )  # fmt: skip

    @property
    def unstable_eigenvalues(self) -> np.ndarray:
        """The negative eigenvalues, most negative first."""
        return self.eigenvalues[: self.morse_index]

    @property
    def unstable_coordinates(self) -> tuple[int, ...]:
        """The coordinate dominating each unstable eigenvector (0-based)."""
        return tuple(int(i) for i in np.argmax(self.unstable_coordinate_weights, axis=1))

    @property
    def top_eigen_coordinate(self) -> int | None:
        """Coordinate dominating the most unstable eigenvector; ``None`` without one."""
        return self.unstable_coordinates[0] if self.morse_index else None


def saddle_spectrum(X, y, u, v, *, rtol: float = 1e-8, vectors: str = "all") -> SaddleSpectrum:
    r"""Eigenvalues, eigenvectors and type of the Hessian of :math:`F` at :math:`(u, v)`.

    Works at the exact saddles of the α → 0 limit (inactive :math:`u_i = v_i = 0`; those pairs
    are split off exactly, eigenvalues :math:`\pm|\partial_i L|`) and at any point of a
    finite-α trajectory. Classification: ``STRICT_SADDLE`` if an eigenvalue is below
    ``-tolerance``; else ``GLOBAL_MINIMUM`` if :math:`\|\nabla L\|_\infty \le` ``tolerance``
    (then :math:`F = \min L`); else ``DEGENERATE`` if there are zero eigenvalues beyond the
    rescaling symmetry; else ``LOCAL_MINIMUM``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    u, v : array_like of shape (n_features,)
        The weights; :math:`\beta = u\odot v`.
    rtol : float, default 1e-8
        Eigenvalues and gradient entries within ``rtol · max(max|λ|, ‖∇L(0)‖_∞)`` of 0
        count as zero.
    vectors : {"all", "unstable"}, default "all"
        Which eigenvectors to compute: all of them, or only those of the negative
        eigenvalues (then ``eigenvectors`` has ``morse_index`` rows; much cheaper for large
        ``n_features`` at points where few pairs decouple).

    Returns
    -------
    SaddleSpectrum

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> s = saddle_spectrum(X, y, np.zeros(4), np.zeros(4))  # the origin
    >>> s.classification.name, s.morse_index, s.top_eigen_coordinate, float(s.eigenvalues[0])
    ('STRICT_SADDLE', 3, 0, -0.5)
    """
    X, y, u, v = validate_point(X, y, u, v, _WHERE)
    rtol = check_rtol(rtol, name="rtol", where=_WHERE)
    if vectors not in ("all", "unstable"):
        raise ValueError(
            f"The `vectors` parameter of saddle_spectrum must be 'all' or 'unstable'. Got "
            f"{vectors!r} instead."
        )
    return spectrum_from_gram(gram(X), X, y, u, v, rtol=rtol, all_vectors=vectors == "all")


def spectrum_from_gram(G, X, y, u, v, *, rtol: float, all_vectors: bool) -> SaddleSpectrum:
    """:func:`saddle_spectrum` on validated inputs with a precomputed ``G = XᵀX/n``."""
    loss, g = loss_and_gradient(X, y, u * v)
    pieces = Pieces(G, g, u, v)
    values = pieces.values
    tol = rtol * max(float(np.abs(values).max(initial=0.0)), gradient_scale(X, y))
    index = int(np.sum(values < -tol))
    n_zero = int(np.sum(np.abs(values) <= tol))
    n_symmetric = int(np.sum(((u != 0) | (v != 0)) & (np.abs(g) <= tol)))
    vecs = pieces.lowest(values.size if all_vectors else index)
    unstable = vecs[:index]
    d = u.size
    weights = unstable[:, :d] ** 2 + unstable[:, d:] ** 2
    return SaddleSpectrum(
        eigenvalues=values,
        eigenvectors=vecs,
        classification=_classify(index, n_zero, n_symmetric, float(np.abs(g).max()), tol),
        morse_index=index,
        n_zero=n_zero,
        n_symmetric=n_symmetric,
        tolerance=tol,
        gradient_norm=float(np.abs(weight_gradient(g, u, v)).max()),
        loss=loss,
        gradient=g,
        unstable_coordinate_weights=weights / weights.sum(axis=1, keepdims=True),
        unstable_beta_directions=_beta_directions(unstable, u, v, g),
    )


def _classify(index, n_zero, n_symmetric, grad_max, tol) -> CriticalPointType:
    if index > 0:
        return CriticalPointType.STRICT_SADDLE
    if grad_max <= tol:
        return CriticalPointType.GLOBAL_MINIMUM
    if n_zero > n_symmetric:
        return CriticalPointType.DEGENERATE
    return CriticalPointType.LOCAL_MINIMUM


def _beta_directions(unstable: np.ndarray, u, v, g) -> np.ndarray:
    d = u.size
    eu, ev = unstable[:, :d], unstable[:, d:]
    linear = v * eu + u * ev
    linear = np.where((linear @ g > 0)[:, None], -linear, linear)
    step = linear + eu * ev
    norm = np.linalg.norm(step, axis=1, keepdims=True)
    return np.divide(step, norm, out=np.zeros_like(step), where=norm > 0)
