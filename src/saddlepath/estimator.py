r"""A scikit-learn regressor over the exact saddle-to-saddle path: :class:`SaddlePathRegressor`.

``fit(X, y)`` computes the exact α → 0 limit of gradient flow on a diagonal linear
network ``β = u ⊙ v`` with loss ``L(β) = ‖Xβ − y‖²/(2n)`` (Pesme & Flammarion 2023,
Algorithm 1; :func:`saddlepath.saddle_path`) and keeps one of its saddles as the linear
model. Where to stop — a saddle index or an accelerated time ``τ`` — is a
hyper-parameter, so it can be cross-validated like the ``alpha`` of the Lasso.

scikit-learn is an optional dependency (``pip install "saddlepath[sklearn]"``); this
module is imported only when ``saddlepath.SaddlePathRegressor`` is first used.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

try:
    from sklearn.base import BaseEstimator, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "saddlepath.SaddlePathRegressor needs scikit-learn >= 1.6, which is not installed "
        f"({exc}). Install it with: pip install 'saddlepath[sklearn]'."
    ) from exc

from saddlepath._validation import check_int, check_real
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.path_status import PathStatus
from saddlepath.diagonal.saddle_path import saddle_path
from saddlepath.warnings import SaddlepathWarning

__all__ = ["SaddlePathRegressor", "TruncatedPathWarning"]

_WHERE = "SaddlePathRegressor"
_TRUNCATED = (PathStatus.JUMP_LIMIT, PathStatus.STAGNATED)


class TruncatedPathWarning(SaddlepathWarning, ConvergenceWarning):
    """The path stopped early (``JUMP_LIMIT``/``STAGNATED``) before the requested saddle.

    A subclass of both :class:`~saddlepath.warnings.SaddlepathWarning` and scikit-learn's
    :class:`~sklearn.exceptions.ConvergenceWarning`, so either filter catches it.
    """


class SaddlePathRegressor(RegressorMixin, BaseEstimator):
    r"""Linear model at a saddle of the exact saddle-to-saddle path.

    The limit process of small-initialisation gradient flow is piecewise constant in
    accelerated time ``τ = t/ln(1/α)``: ``β°(τ) = β_k`` for ``τ_k ≤ τ < τ_{k+1}``, from
    ``β_0 = 0`` to the minimum-ℓ1 interpolator (or the least-squares solution when ``y``
    is not in the range of ``X``). The model is ``ŷ = Xβ_k + b`` for one saddle ``β_k``.

    Parameters
    ----------
    saddle : int ≥ 0 or None, default None
        Keep saddle ``k = saddle`` (``0`` is the origin, ``k`` is the saddle reached by the
        ``k``-th jump). An index past the end of the path selects the last saddle, which
        the limit process holds for all later times. Exclusive with ``tau``.
    tau : float ≥ 0 or None, default None
        Keep the saddle held at accelerated time ``tau`` (P&F units; at a jump time the
        new saddle), i.e. ``path_.at(tau)``. Exclusive with ``saddle``. With both
        ``None`` the model is the end of the path.
    fit_intercept : bool, default True
        Fit an unpenalised intercept ``b``, as scikit-learn's linear models do: the path
        is computed on centred data ``X − x̄``, ``y − ȳ`` and ``b = ȳ − x̄·β_k``. With
        ``False`` the path is computed on ``X`` and ``y`` as given and ``b = 0``.
    max_jumps, grad_tol, tie_tol, dependence_tol, precision
        Passed to :func:`saddlepath.saddle_path`; see there (tolerances are relative to
        the data's scale).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The selected saddle ``β_k``.
    intercept_ : float
        ``b`` (``0.0`` when ``fit_intercept=False``).
    path_ : SaddlePath
        The whole path, computed on the (centred) training data; its ``X``, ``y`` are
        those data, so ``path_.beta[saddle_]`` equals ``coef_``.
    saddle_ : int
        Index of the selected saddle in ``path_``; ``path_.tau[saddle_]`` is the
        accelerated time at which the flow reaches it.
    n_iter_ : int
        Number of jumps of the path (``path_.n_jumps``).
    n_saddles_ : int
        Number of saddles of the path, the origin included (``n_iter_ + 1``).
    status_ : PathStatus
        How the path ended (``path_.status``).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit``, when ``X`` has string column names.

    Warns
    -----
    NonUniqueSaddleWarning, PathStagnationWarning
        Propagated from :func:`saddlepath.saddle_path` (data off general position, or a
        jump floating point cannot resolve).
    TruncatedPathWarning
        The path stopped early (status ``JUMP_LIMIT`` or ``STAGNATED``) and the requested
        saddle or time lies beyond its last saddle: the model is that last saddle, not
        the one requested.

    Notes
    -----
    A constant ``y = c`` (with ``fit_intercept=True``) or ``y = 0`` gives the one-saddle
    path ``β = 0`` with no jump, and ``intercept_ = c`` exactly. Constant columns are
    exactly zero after centring, so they never enter. ``sample_weight`` is not supported.

    Examples
    --------
    >>> import numpy as np
    >>> from saddlepath import SaddlePathRegressor
    >>> X = np.array([[1, .5, .7, 0], [.5, 1, .1, .7]])
    >>> y = np.array([1.0, 0.0])
    >>> model = SaddlePathRegressor(tau=9.0, fit_intercept=False).fit(X, y)
    >>> model.saddle_, model.coef_
    (2, array([0. , 0. , 1.4, 0. ]))
    """

    def __init__(
        self,
        *,
        saddle=None,
        tau=None,
        fit_intercept=True,
        max_jumps=None,
        grad_tol=1e-9,
        tie_tol=1e-9,
        dependence_tol=1e-10,
        precision="auto",
    ):
        self.saddle = saddle
        self.tau = tau
        self.fit_intercept = fit_intercept
        self.max_jumps = max_jumps
        self.grad_tol = grad_tol
        self.tie_tol = tie_tol
        self.dependence_tol = dependence_tol
        self.precision = precision

    def fit(self, X, y):
        """Compute the exact path of ``(X, y)`` and select the saddle.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)

        Returns
        -------
        self : SaddlePathRegressor
        """
        saddle, tau = _check_selection(self.saddle, self.tau)
        if not isinstance(self.fit_intercept, bool | np.bool_):
            raise TypeError(
                f"The `fit_intercept` parameter of {_WHERE} must be True or False. Got "
                f"{self.fit_intercept!r} (type {type(self.fit_intercept).__name__}) instead."
            )
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        X_offset, y_offset, Xc, yc = _centre(X, y, bool(self.fit_intercept))
        path = saddle_path(
            Xc,
            yc,
            max_jumps=self.max_jumps,
            grad_tol=self.grad_tol,
            tie_tol=self.tie_tol,
            dependence_tol=self.dependence_tol,
            precision=self.precision,
        )
        k = _selected_index(path, saddle, tau)
        _warn_if_truncated(path, saddle, tau)
        self.path_ = path
        self.saddle_ = k
        self.coef_ = path.beta[k].copy()
        self.intercept_ = float(y_offset - X_offset @ self.coef_)
        self.n_iter_ = path.n_jumps
        self.n_saddles_ = path.n_saddles
        self.status_ = path.status
        return self

    def predict(self, X):
        """Predict ``ŷ = X·coef_ + intercept_``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_


def _check_selection(saddle, tau) -> tuple[int | None, float | None]:
    """Validate the stopping rule: a saddle index, an accelerated time, or neither."""
    if saddle is not None and tau is not None:
        raise ValueError(
            f"The `saddle` and `tau` parameters of {_WHERE} are exclusive; got saddle="
            f"{saddle!r} and tau={tau!r}. Set one of them to None (both None selects the "
            "end of the path)."
        )
    if saddle is not None:
        if isinstance(saddle, numbers.Real) and not isinstance(saddle, numbers.Integral):
            raise TypeError(
                f"The `saddle` parameter of {_WHERE} must be an int ≥ 0 (a saddle index) or "
                f"None. Got {saddle!r} instead; use `tau` for an accelerated time."
            )
        saddle = check_int(saddle, name="saddle", low=0, where=_WHERE)
    if tau is not None:
        tau = check_real(tau, name="tau", low=0, where=_WHERE)
    return saddle, tau


def _centre(X: np.ndarray, y: np.ndarray, fit_intercept: bool):
    """Offsets ``x̄``, ``ȳ`` and the centred copies ``X − x̄``, ``y − ȳ`` (zero if no intercept).

    A constant column (or ``y``) is centred on its value, not on its computed mean, so it
    becomes exactly zero rather than the rounding error of the mean, which the path would
    try to fit.
    """
    d = X.shape[1]
    if not fit_intercept:
        return np.zeros(d), 0.0, X.copy(), y.copy()
    constant = np.ptp(X, axis=0) == 0
    X_offset = np.where(constant, X[0], X.mean(axis=0))
    Xc = X - X_offset
    if np.ptp(y) == 0:
        return X_offset, float(y[0]), Xc, np.zeros_like(y)
    y_offset = float(y.mean())
    return X_offset, y_offset, Xc, y - y_offset


def _selected_index(path: SaddlePath, saddle: int | None, tau: float | None) -> int:
    """Index of the saddle held at ``tau`` / of ``saddle`` (clipped to the path's end)."""
    last = path.n_saddles - 1
    if tau is not None:
        return int(np.searchsorted(path.tau, tau, side="right") - 1)
    return last if saddle is None else min(saddle, last)


def _warn_if_truncated(path: SaddlePath, saddle: int | None, tau: float | None) -> None:
    """Warn when the path stopped early and the request lies beyond its last saddle."""
    if path.status not in _TRUNCATED:
        return
    last = path.n_saddles - 1
    if saddle is not None and saddle <= last:
        return
    if tau is not None and tau <= path.tau[-1]:
        return
    asked = (
        "the end of the path"
        if saddle is None and tau is None
        else (f"saddle={saddle}" if saddle is not None else f"tau={tau}")
    )
    fix = (
        "raise max_jumps"
        if path.status is PathStatus.JUMP_LIMIT
        else "standardise the columns or see the PathStagnationWarning"
    )
    warnings.warn(
        f"{_WHERE}: the path ended with status {path.status.name} ({path.status}) after "
        f"{path.n_jumps} jumps, before {asked}; the model is its last saddle "
        f"(index {last}, τ = {path.tau[-1]:.6g}), not the one requested. To fix: {fix}.",
        TruncatedPathWarning,
        stacklevel=3,
    )
