"""Synthetic data sets: the papers' sparse regression, the worked example and the demo.

:func:`make_sparse_regression` draws the set-up of Pesme & Flammarion (2023), §5;
:func:`worked_example` is the two-sample example of Zhao et al. (2026).
"""

from __future__ import annotations

import numpy as np

from saddlepath._validation import as_float_array, check_int, check_real, check_seed
from saddlepath.data._dataset import Dataset, check_beta

__all__ = ["demo_problem", "make_sparse_regression", "worked_example"]

_Seed = int | np.random.Generator | None


def make_sparse_regression(
    n_samples: int,
    n_features: int,
    *,
    n_nonzero: int | None = None,
    beta_star: np.ndarray | None = None,
    covariance: np.ndarray | None = None,
    noise: float = 0.0,
    seed: _Seed = None,
    name: str = "sparse_regression",
) -> Dataset:
    r"""Draw the sparse regression set-up of Pesme & Flammarion (2023), §5.

    Rows :math:`x_i \sim \mathcal N(0, \Sigma)` i.i.d. and
    :math:`y = X\beta^\star + \sigma\varepsilon` with :math:`\varepsilon \sim \mathcal N(0, I)`.
    Unless ``beta_star`` is given, its support is ``n_nonzero`` positions drawn uniformly
    without replacement and its non-zero values are i.i.d. :math:`\mathcal N(0, 1)`. The
    draws are made in the order support, values, ``X``, ``ε``, so changing ``noise`` does
    not change ``X`` or ``beta_star``.

    Parameters
    ----------
    n_samples, n_features : int
        ``n`` and ``d``, both at least 1.
    n_nonzero : int, optional
        Size of the support of the drawn ``beta_star``, in ``[0, n_features]``; default
        ``min(5, n_features)``. With ``beta_star`` given it must equal its number of
        non-zeros, or be omitted.
    beta_star : array-like of shape (n_features,), optional
        The planted coefficients; drawn when omitted.
    covariance : array-like of shape (n_features, n_features), optional
        Symmetric positive semi-definite :math:`\Sigma`; default the identity.
    noise : float, default 0.0
        Standard deviation :math:`\sigma \ge 0` of the label noise.
    seed : int, numpy.random.Generator or None
        Seed of ``numpy.random.default_rng``, or a generator to draw from.
    name : str, default "sparse_regression"

    Returns
    -------
    Dataset
        With ``beta_star`` set.

    Examples
    --------
    >>> import numpy as np
    >>> ds = make_sparse_regression(20, 40, n_nonzero=3, seed=0)
    >>> ds.X.shape, int((ds.beta_star != 0).sum())
    ((20, 40), 3)
    >>> bool(np.allclose(ds.X @ ds.beta_star, ds.y))
    True
    """
    where = "make_sparse_regression"
    n = check_int(n_samples, name="n_samples", low=1, where=where)
    d = check_int(n_features, name="n_features", low=1, where=where)
    sigma = check_real(noise, name="noise", low=0.0, where=where)
    factor = _covariance_factor(covariance, d, where=where)
    rng = check_seed(seed, where=where)
    if beta_star is not None:
        beta = check_beta(beta_star, d, where=where)
        _check_support_size(n_nonzero, beta, where=where)
    else:
        beta = _draw_beta(d, n_nonzero, rng, where=where)
    X = rng.standard_normal((n, d))
    if factor is not None:
        X = X @ factor.T
    y = X @ beta + sigma * rng.standard_normal(n)
    return Dataset(X, y, beta_star=beta, name=name)


def worked_example() -> Dataset:
    r"""Return the two-sample worked example of Zhao et al. (2026).

    ``X = [[1, .5, .7, 0], [.5, 1, .1, .7]]`` and ``y = (1, 0)``. Its exact saddle path
    (accelerated time, the :math:`1/(2n)` loss) jumps at :math:`\tau = 2, 8, 8 + 160/49`
    through the saddles ``(0.8, 0, 0, 0) → (0, 0, 1.4, 0) → (0, 0, 10/7, −10/49)``; the
    last is the minimum-ℓ1 interpolator. ``beta_star`` is ``None``: nothing is planted.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> ds = worked_example()
    >>> ds.X.shape, ds.y.tolist()
    ((2, 4), [1.0, 0.0])
    """
    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    return Dataset(X, np.array([1.0, 0.0]), name="worked_example")


def demo_problem(seed: _Seed = 0) -> Dataset:
    r"""Return the built-in demo: a noiseless sparse regression with ``n < d``.

    ``n = 20`` samples, ``d = 40`` features, :math:`\Sigma = I`, no noise and a planted
    ``beta_star`` with 3 non-zeros whose magnitudes lie in ``[1, 2)`` with random signs
    (bounded away from 0, so every planted coordinate shows as a clear step). With ``n``
    this large relative to the support the minimum-ℓ1 interpolator — the last saddle —
    is ``beta_star`` itself (for the default seed; checked by the tests). The same seed
    gives the same data.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    Dataset

    Examples
    --------
    >>> import numpy as np
    >>> ds = demo_problem()
    >>> ds.X.shape, int(np.count_nonzero(ds.beta_star))
    ((20, 40), 3)
    """
    n_samples, n_features, n_nonzero = 20, 40, 3
    rng = check_seed(seed, where="demo_problem")
    support = np.sort(rng.choice(n_features, size=n_nonzero, replace=False))
    beta = np.zeros(n_features)
    beta[support] = rng.choice([-1.0, 1.0], size=n_nonzero) * rng.uniform(1.0, 2.0, n_nonzero)
    return make_sparse_regression(n_samples, n_features, beta_star=beta, seed=rng, name="demo")


def _check_support_size(n_nonzero: object, beta: np.ndarray, *, where: str) -> None:
    if n_nonzero is None:
        return
    k = check_int(n_nonzero, name="n_nonzero", low=0, where=where)
    if k != np.count_nonzero(beta):
        raise ValueError(
            f"The `n_nonzero` parameter of {where} is {k} but the given `beta_star` has "
            f"{np.count_nonzero(beta)} non-zero entries; pass only one of the two."
        )


def _draw_beta(d: int, n_nonzero: object, rng: np.random.Generator, *, where: str) -> np.ndarray:
    k = (
        min(5, d)
        if n_nonzero is None
        else check_int(n_nonzero, name="n_nonzero", low=0, where=where)
    )
    if k > d:
        raise ValueError(
            f"The `n_nonzero` parameter of {where} cannot exceed n_features = {d}. Got {k} "
            "instead; lower n_nonzero or raise n_features."
        )
    support = np.sort(rng.choice(d, size=k, replace=False))
    beta = np.zeros(d)
    beta[support] = rng.standard_normal(k)
    return beta


def _covariance_factor(covariance: object, d: int, *, where: str) -> np.ndarray | None:
    """Return ``F`` with ``F @ F.T == covariance`` (eigh, so PSD is allowed), or None."""
    if covariance is None:
        return None
    cov = as_float_array(covariance, name="covariance", ndim=2)
    if cov.shape != (d, d):
        raise ValueError(
            f"The `covariance` parameter of {where} must have shape (n_features, n_features) "
            f"= ({d}, {d}); got shape {cov.shape}."
        )
    scale = float(np.max(np.abs(cov)))
    asym = np.abs(cov - cov.T)
    if np.max(asym) > 1e-10 * scale:
        i, j = np.unravel_index(np.argmax(asym), cov.shape)
        raise ValueError(
            f"The `covariance` parameter of {where} must be symmetric; got covariance[{i}, {j}]"
            f" = {cov[i, j]:.6g} but covariance[{j}, {i}] = {cov[j, i]:.6g}. Use "
            "(C + C.T) / 2 if the difference is round-off."
        )
    eigvals, eigvecs = np.linalg.eigh((cov + cov.T) / 2)
    tol = 100 * d * np.finfo(np.float64).eps * max(float(np.max(np.abs(eigvals))), 1e-300)
    if eigvals[0] < -tol:
        raise ValueError(
            f"The `covariance` parameter of {where} must be positive semi-definite; its "
            f"smallest eigenvalue is {eigvals[0]:.3g}. Build it as A @ A.T, or add a multiple "
            "of the identity."
        )
    return eigvecs * np.sqrt(np.where(eigvals > tol, eigvals, 0.0))  # round-off → exactly 0


def figure1_problem() -> Dataset:
    r"""Return a built-in analogue of Pesme & Flammarion's Figure 1: three clean jumps.

    A noiseless sparse regression (``n = 10``, ``d = 20``, 3 planted non-zeros, seed 5)
    whose exact path activates exactly three coordinates, one per jump, none leaving,
    with well-separated jump times (τ ≈ 0.87, 2.11, 3.90), so flows at moderate α
    already show the staircase.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> figure1_problem().X.shape
    (10, 20)
    """
    return make_sparse_regression(10, 20, n_nonzero=3, seed=5, name="figure1")
