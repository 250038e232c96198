r"""The α → 0 limit's jumps: heteroclinic orbits between consecutive saddles.

During jump ``k`` of the limit the dual is frozen (it moves by :math:`O(1/\lambda)`), the
coordinates off the face :math:`F_k = \operatorname{supp}\beta_{k-1} \cup
\operatorname{supp}\beta_k` stay at 0, and in raw time the face coordinates follow

.. math::

    \dot\beta = -2|\beta|\odot\nabla L(\beta)

(:math:`d\beta_i/dS_i = 2\sqrt{\beta_i^2 + \alpha^4} \to 2|\beta_i|`): the unstable orbit
of :math:`\beta_{k-1}` along the entering coordinates, which ends at :math:`\beta_k`. It is
integrated in :math:`z = \tfrac12\ln|\beta|` (:math:`\dot z_i = -\sigma_i\partial_iL`,
:math:`\sigma_i` the fixed sign), the entering coordinates seeded at ``1e-12`` of the path's
scale, until it is within ``1e-7`` (relative ∞-distance) of :math:`\beta_k`, where the chord
closes it. Its length (polyline of the dense output, Richardson-corrected) exceeds the chord
:math:`\|\beta_k - \beta_{k-1}\|_2` when more than one coordinate moves (by 1.2·10⁻⁴
relative on the second jump of the worked example). These are the curves a run at small α
follows between its plateaus, and those :func:`~saddlepath.analysis.arclength_of_path` and
the 3-D figure draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

from saddlepath.analysis._polyline import polyline_lengths, step_grid, thin
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.loss import squared_loss_gradient

__all__ = ["HeteroclinicOrbit", "heteroclinic_orbits"]

_SEED = 1e-12  # relative size of the entering coordinates at the start of a heteroclinic orbit
_REACH = 1e-7  # an orbit has reached the next saddle within this relative ∞-distance
_T_MAX = 1e12  # raw-time cap of an orbit, in units of 1/‖∇L(0)‖_∞
_ORBIT_KEEP = 200  # points of an orbit kept in the curve (evenly spread in length)
_ORBIT_SUB = 8  # pieces per solver step of an orbit (even: Richardson halves them)


@dataclass(frozen=True, eq=False)
class HeteroclinicOrbit:
    r"""Jump ``k`` of the limit: the orbit from saddle :math:`\beta_{k-1}` to :math:`\beta_k`.

    Attributes
    ----------
    jump : int
        ``k`` (1-based: jump 1 leaves the origin).
    tau : float
        Accelerated time :math:`\tau_k` of the jump (the limit jumps instantly).
    beta : ndarray of shape (n_points, n_features)
        Points of the orbit, :math:`\beta_{k-1}` first and :math:`\beta_k` last (about 200,
        evenly spread in length).
    length : ndarray of shape (n_points,)
        Length of the orbit from :math:`\beta_{k-1}` to each point (units of β);
        ``length[-1]`` is the jump's length.
    reached : bool
        Whether the orbit reached :math:`\beta_k` (otherwise the chord from where it
        stopped closes it).
    """

    jump: int
    tau: float
    beta: np.ndarray = field(repr=False)
    length: np.ndarray = field(repr=False)
    reached: bool


def heteroclinic_orbits(path: SaddlePath) -> tuple[HeteroclinicOrbit, ...]:
    r"""Integrate every jump of the exact path as the heteroclinic orbit it is in the limit.

    See the module docstring for the dynamics :math:`\dot\beta = -2|\beta|\odot\nabla L`.
    Joined end to end the orbits are the limit's curve in β-space from :math:`\beta_0 = 0`
    to the last saddle: ``np.concatenate([o.beta for o in orbits])``.

    Parameters
    ----------
    path : SaddlePath

    Returns
    -------
    tuple of HeteroclinicOrbit
        One per jump, ``path.n_saddles − 1`` of them, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> orbits = heteroclinic_orbits(saddle_path(X, y))
    >>> [round(float(o.length[-1]), 6) for o in orbits], all(o.reached for o in orbits)
    ([0.8, 1.612639, 0.206084], True)
    """
    if not isinstance(path, SaddlePath):
        raise TypeError(
            "The `path` parameter of heteroclinic_orbits must be a SaddlePath (from "
            f"saddlepath.saddle_path(X, y)). Got {type(path).__name__} instead."
        )
    scale = max(float(np.max(np.abs(path.beta))), np.finfo(float).tiny)
    g_scale = max(float(np.max(np.abs(path.gradient[0]))), np.finfo(float).tiny)
    return tuple(_orbit(path, k, scale, g_scale) for k in range(1, path.n_saddles))


def _face_signs(path: SaddlePath, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Face of jump ``k`` (coordinates that move) and their fixed signs."""
    start, end = path.beta[k - 1], path.beta[k]
    face = np.union1d(
        np.union1d(np.flatnonzero(start), np.flatnonzero(end)),
        np.asarray(path.entered[k], dtype=int),
    )
    sign = np.sign(end[face])
    sign = np.where(sign == 0, np.sign(start[face]), sign)
    sign = np.where(sign == 0, np.sign(path.dual[k][face]), sign)
    return face, np.where(sign == 0, 1.0, sign)


class _FaceFlow:
    r"""The limit's jump dynamics on a face, :math:`\dot z_i = -\sigma_i\partial_iL(\beta)`,
    :math:`\beta_i = \sigma_i e^{2z_i}` (raw time; coordinates off the face stay 0)."""

    def __init__(self, path: SaddlePath, face: np.ndarray, sign: np.ndarray):
        self.Xf, self.y, self.sign = path.X[:, face], path.y, sign

    def beta(self, z: np.ndarray) -> np.ndarray:
        return self.sign * np.exp(2.0 * z)

    def rhs(self, _t: float, z: np.ndarray) -> np.ndarray:
        return -self.sign * squared_loss_gradient(self.Xf, self.y, self.beta(z))


def _orbit(path: SaddlePath, k: int, scale: float, g_scale: float) -> HeteroclinicOrbit:
    """Orbit of ``β̇ = −2|β|∇L(β)`` from ``β_{k−1}`` (seeded) to ``β_k``, with its length."""
    start, end = path.beta[k - 1], path.beta[k]
    face, sign = _face_signs(path, k)
    flow = _FaceFlow(path, face, sign)

    def arrived(_t, z):
        return np.max(np.abs(flow.beta(z) - end[face])) - _REACH * scale

    arrived.terminal = True
    z0 = 0.5 * np.log(np.maximum(np.abs(start[face]), _SEED * scale))
    sol = solve_ivp(
        flow.rhs,
        (0.0, _T_MAX / g_scale),
        z0,
        method="LSODA",
        rtol=1e-10,
        atol=1e-12,
        events=arrived,
        dense_output=True,
    )
    on_face = flow.beta(sol.sol(step_grid(sol.t, _ORBIT_SUB)).T)
    lengths = polyline_lengths(on_face, _ORBIT_SUB)
    keep = thin(lengths, _ORBIT_KEEP)
    pts = np.tile(start, (keep.size + 1, 1))
    pts[1:-1, face] = on_face[keep[1:]]  # pts[0] is β_{k−1} itself, not the seeded state
    pts[-1] = end  # closed by the chord from within _REACH (or from where the orbit stopped)
    tail = float(np.linalg.norm(end[face] - on_face[-1]))
    length = np.append(lengths[keep], lengths[-1] + tail)
    return HeteroclinicOrbit(
        jump=k, tau=float(path.tau[k]), beta=pts, length=length, reached=bool(sol.status == 1)
    )
