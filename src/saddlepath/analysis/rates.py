r"""Least-squares decay rates of a measured quantity against :math:`\lambda = \ln(1/\alpha)`.

:func:`fit_rate` fits the decay both as a power law :math:`e \approx C\lambda^{p}` (slope of
:math:`\ln e` against :math:`\ln\lambda`) and as a power of α,
:math:`e \approx C\alpha^{c} = Ce^{-c\lambda}` (slope of :math:`\ln e` against λ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath._status import Status

__all__ = ["FitStatus", "RateFit", "fit_rate"]


class FitStatus(Status):
    """Whether a rate could be fitted. The values are the meanings."""

    FITTED = "fitted by least squares"
    TOO_FEW_POINTS = "fewer than two usable points (finite, positive, above the floor)"

    @classmethod
    def failures(cls) -> frozenset:
        return frozenset({cls.TOO_FEW_POINTS})


@dataclass(frozen=True, eq=False)
class RateFit:
    r"""A least-squares line :math:`\ln e = \text{slope}\cdot x + \text{intercept}`.

    ``kind = "power"``: :math:`x = \ln\lambda`, so :math:`e \approx e^{b}\lambda^{p}` with
    ``slope`` :math:`= p`. ``kind = "alpha"``: :math:`x = \lambda`, so
    :math:`e \approx e^{b}\alpha^{c}` with :math:`c = -` ``slope``.

    Attributes
    ----------
    slope, intercept : float
        NaN when ``status`` is ``TOO_FEW_POINTS``.
    kind : str
    lambdas, values : ndarray of shape (n_points,)
        The data points used (λ and the measured quantity).
    rms_residual : float
        Root-mean-square residual in :math:`\ln e` (0 for two points).
    status : FitStatus
    """

    slope: float
    intercept: float
    kind: str
    lambdas: np.ndarray
    values: np.ndarray
    rms_residual: float
    status: FitStatus

    def predict(self, lambdas) -> np.ndarray:
        """The fitted quantity at ``lambdas`` (λ = ln(1/α) > 0)."""
        lam = np.asarray(lambdas, dtype=float)
        x = np.log(lam) if self.kind == "power" else lam
        return np.exp(self.slope * x + self.intercept)


def fit_rate(lambdas, values, *, kind: str = "power", floor: float = 0.0) -> RateFit:
    r"""Fit :math:`\ln e` against :math:`\ln\lambda` (``"power"``) or λ (``"alpha"``).

    Points that are not finite, or not above ``floor``, are left out.

    Parameters
    ----------
    lambdas : array_like of shape (n,)
        :math:`\lambda = \ln(1/\alpha) > 0`.
    values : array_like of shape (n,)
        The measured quantity (an error, a delay's absolute value).
    kind : {"power", "alpha"}
    floor : float, default 0
        Values at or below it (e.g. at the solver's resolution) are not fitted.

    Returns
    -------
    RateFit

    Examples
    --------
    >>> fit = fit_rate([10.0, 100.0, 1000.0], [0.3, 0.03, 0.003])
    >>> round(fit.slope, 6), fit.status.name
    (-1.0, 'FITTED')
    >>> round(fit_rate([1.0, 2.0], [np.exp(-3.0), np.exp(-6.0)], kind="alpha").slope, 6)
    -3.0
    """
    if kind not in ("power", "alpha"):
        raise ValueError(
            f"The `kind` parameter of fit_rate must be 'power' or 'alpha'. Got {kind!r} instead."
        )
    lam = np.asarray(lambdas, dtype=float).ravel()
    val = np.asarray(values, dtype=float).ravel()
    if lam.shape != val.shape:
        raise ValueError(
            f"`lambdas` and `values` of fit_rate must have the same length; got "
            f"{lam.size} and {val.size}."
        )
    keep = np.isfinite(lam) & (lam > 0) & np.isfinite(val) & (val > max(floor, 0.0))
    lam, val = lam[keep], val[keep]
    if np.unique(lam).size < 2:
        return RateFit(np.nan, np.nan, kind, lam, val, np.nan, FitStatus.TOO_FEW_POINTS)
    x = np.log(lam) if kind == "power" else lam
    slope, intercept = np.polyfit(x, np.log(val), 1)
    resid = np.log(val) - (slope * x + intercept)
    rms = float(np.sqrt(np.mean(resid**2)))
    return RateFit(float(slope), float(intercept), kind, lam, val, rms, FitStatus.FITTED)
