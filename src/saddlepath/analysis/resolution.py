r"""How well a finite-α run resolves the saddles of the exact α → 0 path.

Near saddle :math:`\beta_k` the linearised flow, in accelerated time
:math:`\tau = t/\lambda` (:math:`\lambda = \ln(1/\alpha)`), moves β at rates set by the
Hessian of :math:`F` (:mod:`~saddlepath.landscape.spectrum`):

* a coordinate ``j`` entering at the next jump grows like
  :math:`e^{2\lambda|\partial_jL(\beta_k)|\tau}` (its unstable eigenvalue
  :math:`-|\partial_jL|`; β is quadratic in the weights);
* a coordinate ``i`` that left at jump ``k`` decays like
  :math:`e^{-2\lambda|\partial_iL(\beta_k)|\tau}`;
* the active coordinates settle like :math:`e^{-\lambda\mu_k\tau}`, :math:`\mu_k` the
  smallest eigenvalue of :math:`D^{1/2}G_{SS}D^{1/2}`, :math:`D = \mathrm{diag}(2|\beta_{k,S}|)`
  (the non-zero spectrum of the active block of the Hessian).

Arrival (decay and settling, in parallel) and departure (growth) share the plateau's
duration :math:`\Delta\tau_k`, so the run's closest approach to :math:`\beta_k` is about
:math:`e^{-R_k}` with

.. math::

    R_k = \frac{2\lambda\,\Delta\tau_k}{1/\min_{j\in E_{k+1}}|\partial_jL(\beta_k)| +
          \max\big(1/\min_{i\in L_k}|\partial_iL(\beta_k)|,\ 2/\mu_k\big)}

(:math:`E_{k+1}` enters at the next jump, :math:`L_k` left at jump ``k``; a missing set drops
its term). It is an order-of-magnitude estimate (within a factor of about 10² on random
P&F data): plateaus with :math:`R_k \lesssim 3` are passed without slowing down, plateaus
with :math:`R_k \gtrsim 8` show a clear speed dip at the saddle.

The last saddle has :math:`R = \infty`, with one caveat: a coordinate that leaves at the
*final* jump decays only while the gradient is non-zero, so a finite-α run can freeze it at
a small non-zero value and end at a minimiser that differs from the path's.
"""

from __future__ import annotations

import numpy as np

from saddlepath.analysis._checks import check_path
from saddlepath.analysis.plateaus import Plateaus
from saddlepath.diagonal.model import resolve_log_alpha
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.landscape.supports import same_point

__all__ = ["match_saddles", "plateau_resolution"]


def match_saddles(plateaus: Plateaus, path: SaddlePath, *, rtol: float = 1e-6) -> np.ndarray:
    r"""For each plateau, the position ``k`` of its saddle on the exact path, or −1.

    A plateau matches saddle ``k`` when its exact saddle agrees with ``path.beta[k]`` to
    ``rtol`` relative to ``max|β_k|`` (distinct critical points are far apart).

    Parameters
    ----------
    plateaus : Plateaus
        From :func:`~saddlepath.analysis.find_plateaus` with the data.
    path : SaddlePath
    rtol : float, default 1e-6

    Returns
    -------
    ndarray of int, shape (n_plateaus,)

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> from saddlepath.analysis import find_plateaus
    >>> from saddlepath.diagonal.flow import gradient_flow
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> plateaus = find_plateaus(gradient_flow(X, y, alpha=1e-30), X, y)
    >>> match_saddles(plateaus, saddle_path(X, y)).tolist()
    [0, 1, 2, 3]
    """
    if not isinstance(plateaus, Plateaus):
        raise TypeError(
            "The `plateaus` parameter of match_saddles must be Plateaus (from "
            f"find_plateaus). Got {type(plateaus).__name__} instead."
        )
    if not isinstance(path, SaddlePath):
        check_path(path, None, None, where="match_saddles")  # raises the TypeError
    coefs = plateaus.exact_beta
    if coefs.shape[1] != path.n_features:
        raise ValueError(
            f"The plateaus have {coefs.shape[1]} coordinates but the path has "
            f"{path.n_features}; compute both on the same data."
        )
    out = np.full(len(plateaus), -1, dtype=int)
    for j, beta in enumerate(coefs):
        hits = [k for k, ref in enumerate(path.beta) if same_point(ref, beta, rtol)]
        out[j] = hits[0] if hits else -1
    return out


def _settling_rate(path: SaddlePath, k: int) -> float:
    """Smallest eigenvalue of D^½ G_SS D^½, D = diag(2|β_S|) (``inf`` at the origin)."""
    beta = path.beta[k]
    S = np.flatnonzero(beta)
    if not S.size:
        return np.inf
    cols = path.X[:, S] * np.sqrt(2.0 * np.abs(beta[S]))
    mu = float(np.linalg.eigvalsh(cols.T @ cols / path.X.shape[0]).min())
    return mu if mu > 0 else np.inf


def plateau_resolution(
    path: SaddlePath, *, alpha: float | str | None = None, log_alpha: float | None = None
) -> np.ndarray:
    r"""Resolution :math:`R_k` of every plateau of the exact path at scale α (module docstring).

    The run at scale α passes within about :math:`e^{-R_k}` (relative) of saddle ``k``;
    plateaus with :math:`R_k \lesssim 3` are not resolved, those with :math:`R_k \gtrsim 8`
    are. :math:`R_0 = 2\lambda` (the origin, left at distance :math:`\alpha^2`); the last
    saddle has :math:`R = \infty`.

    Parameters
    ----------
    path : SaddlePath
    alpha : float or str, optional
        Initialisation scale in (0, 1); a string such as ``"1e-1000"`` is parsed exactly.
    log_alpha : float, optional
        :math:`\ln\alpha < 0` instead of ``alpha``.

    Returns
    -------
    ndarray of shape (n_saddles,)

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import saddle_path
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> np.round(plateau_resolution(saddle_path(X, y), alpha=1e-30), 1).tolist()
    [138.2, 37.7, 7.5, inf]
    """
    if not isinstance(path, SaddlePath):
        check_path(path, None, None, where="plateau_resolution")
    lam = -resolve_log_alpha(alpha, log_alpha, where="plateau_resolution", require_small=True)
    out = np.full(path.n_saddles, np.inf)
    for k in range(path.n_saddles - 1):
        g = np.abs(path.gradient[k])
        entering, left = list(path.entered[k + 1]), list(path.left[k])
        arrive = 1.0 / g[left].min() if left and g[left].min() > 0 else 0.0
        arrive = max(arrive, 2.0 / _settling_rate(path, k))
        depart = 1.0 / g[entering].min() if entering and g[entering].min() > 0 else 0.0
        if arrive + depart == 0.0:
            depart = 1.0 / float(g.max())
        out[k] = 2.0 * lam * (path.tau[k + 1] - path.tau[k]) / (arrive + depart)
    return out
