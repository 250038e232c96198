"""SaddlePathRegressor: scikit-learn's own checks, LP/lstsq endpoints, selection, CV."""

from __future__ import annotations

import subprocess
import sys
import warnings
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

pytest.importorskip("sklearn")

from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from helpers import WORKED_SADDLES, WORKED_TIMES, WORKED_X, WORKED_Y, sparse_gaussian
from saddlepath import NonUniqueSaddleWarning, PathStatus, saddle_path
from saddlepath.estimator import SaddlePathRegressor, TruncatedPathWarning


def min_l1_interpolator(X, y, *, intercept):
    """``argmin ‖β‖₁ s.t. Xβ + b·1 = y`` (``b`` free, or ``b = 0``): HiGHS simplex, polished.

    The LP gives the support; the vertex is then solved on that support alone (a square
    system for generic data), so the oracle is accurate to round-off, not to the LP's
    feasibility tolerance.
    """
    n, d = X.shape
    ones = np.ones((n, 1 if intercept else 0))
    A = np.hstack([X, -X, ones])
    c = np.concatenate([np.ones(2 * d), np.zeros(ones.shape[1])])
    bounds = [(0, None)] * (2 * d) + [(None, None)] * ones.shape[1]
    res = linprog(c, A_eq=A, b_eq=y, bounds=bounds, method="highs-ds")
    assert res.status == 0, res.message
    beta_lp = res.x[:d] - res.x[d : 2 * d]
    support = np.flatnonzero(np.abs(beta_lp) > 1e-9 * np.abs(beta_lp).max())
    M = np.hstack([X[:, support], ones])
    assert M.shape[1] == n  # a vertex: as many unknowns as equations
    z = np.linalg.solve(M, y)
    assert np.all(np.sign(z[: support.size]) == np.sign(beta_lp[support]))
    beta = np.zeros(d)
    beta[support] = z[: support.size]
    return beta, (float(z[-1]) if intercept else 0.0)


# --- scikit-learn's own estimator checks ------------------------------------------------


@parametrize_with_checks(
    [
        SaddlePathRegressor(),
        SaddlePathRegressor(saddle=3, fit_intercept=False),
        SaddlePathRegressor(tau=2.0),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_import_saddlepath_does_not_import_sklearn():
    code = (
        "import sys, saddlepath\n"
        "assert 'sklearn' not in sys.modules, 'import saddlepath imported sklearn'\n"
        "from saddlepath.estimator import SaddlePathRegressor as R\n"
        "assert saddlepath.SaddlePathRegressor is R\n"
        "try:\n"
        "    saddlepath.no_such_name\n"
        "except AttributeError as e:\n"
        "    assert 'no_such_name' in str(e)\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
        "for m in [m for m in sys.modules if m.startswith('sklearn') or 'estimator' in m]:\n"
        "    del sys.modules[m]\n"
        "sys.modules['sklearn'] = None  # as if scikit-learn were not installed\n"
        "try:\n"
        "    saddlepath.__getattr__('SaddlePathRegressor')\n"
        "except ImportError as e:\n"
        '    assert "saddlepath[sklearn]" in str(e), str(e)\n'
        "else:\n"
        "    raise SystemExit('no ImportError without sklearn')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


# --- the end of the path against independent solvers -----------------------------------


@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_end_of_path_is_the_min_l1_interpolator_of_an_lp(seed, intercept):
    X, y, _ = sparse_gaussian(15, 40, 4, seed=seed, noise=0.3)
    y = y + 2.5  # a non-zero mean, so the intercept matters
    model = SaddlePathRegressor(fit_intercept=intercept).fit(X, y)
    beta, b = min_l1_interpolator(X, y, intercept=intercept)
    assert model.status_ is PathStatus.MIN_L1_INTERPOLATOR
    assert model.saddle_ == model.n_saddles_ - 1 == model.n_iter_ > 3
    scale = np.abs(beta).max()
    np.testing.assert_allclose(model.coef_, beta, rtol=0, atol=1e-11 * scale)
    assert model.intercept_ == pytest.approx(b, rel=0, abs=1e-11 * (abs(b) + scale))


@pytest.mark.parametrize("intercept", [True, False])
def test_end_of_path_is_least_squares_when_n_exceeds_d(intercept):
    X, y, _ = sparse_gaussian(60, 8, 3, seed=5, noise=0.5)
    X, y = 3.0 * X + 1.0, y - 4.0
    model = SaddlePathRegressor(fit_intercept=intercept).fit(X, y)
    A = np.hstack([X, np.ones((60, 1))]) if intercept else X
    z = np.linalg.lstsq(A, y, rcond=None)[0]
    assert model.status_ is PathStatus.LEAST_SQUARES
    np.testing.assert_allclose(model.coef_, z[:8], rtol=0, atol=1e-11 * np.abs(z).max())
    assert model.intercept_ == pytest.approx(z[8] if intercept else 0.0, abs=1e-11 * abs(z).max())


def test_predict_is_x_coef_plus_intercept():
    X, y, _ = sparse_gaussian(20, 30, 3, seed=3, noise=0.1)
    model = SaddlePathRegressor(saddle=2).fit(X, y + 1.0)
    X_new = np.random.default_rng(9).standard_normal((7, 30))
    expected = [
        float(np.sum(row * model.coef_, dtype=np.longdouble) + model.intercept_) for row in X_new
    ]
    np.testing.assert_allclose(model.predict(X_new), expected, rtol=1e-13)
    assert np.count_nonzero(model.coef_) == 2  # saddle 2: two coordinates, not the zero model


# --- selecting a saddle or a time -------------------------------------------------------


def _worked_saddle_at(tau: Fraction) -> np.ndarray:
    """The exact saddle held at ``tau`` on the worked example (rational jump times)."""
    k = max(i for i, t in enumerate(WORKED_TIMES) if t <= tau)
    return np.array([float(v) for v in WORKED_SADDLES[k]])


@pytest.mark.parametrize("tau", ["0", "1.5", "2.25", "5", "10", "11.3", "1000"])
def test_tau_selects_the_exact_saddle_held_at_that_time(tau):
    model = SaddlePathRegressor(tau=float(tau), fit_intercept=False).fit(WORKED_X, WORKED_Y)
    np.testing.assert_allclose(model.coef_, _worked_saddle_at(Fraction(tau)), atol=1e-14)
    assert model.intercept_ == 0.0
    np.testing.assert_array_equal(model.coef_, model.path_.at(float(tau)))


def test_saddle_k_is_path_coefs_k_and_past_the_end_is_the_last_saddle():
    X, y, _ = sparse_gaussian(12, 25, 3, seed=4, noise=0.2)
    y = y + 1.0
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    path = saddle_path(Xc, yc)  # the oracle: the path of the hand-centred data
    assert path.n_saddles > 5
    for k in range(path.n_saddles + 3):
        model = SaddlePathRegressor(saddle=k).fit(X, y)
        j = min(k, path.n_saddles - 1)
        assert model.saddle_ == j
        np.testing.assert_allclose(model.coef_, path.beta[j], rtol=0, atol=1e-12)
        assert model.intercept_ == pytest.approx(y.mean() - X.mean(axis=0) @ path.beta[j])
    times = model.path_.tau
    for k in range(1, path.n_saddles):  # at a jump time, the new saddle
        assert SaddlePathRegressor(tau=times[k]).fit(X, y).saddle_ == k


@pytest.mark.parametrize("c", [0.1, 0.7, 1e5 / 3])
def test_constant_y_gives_the_zero_model_and_the_exact_constant(c):
    # Regression: centring on the computed mean left ±1 ulp in y, so the path reported
    # LEAST_SQUARES and predicted c ± ulp instead of c.
    X = np.random.default_rng(0).standard_normal((30, 4))
    y = np.full(30, c)
    assert y.mean() != c  # the case that needs care
    model = SaddlePathRegressor().fit(X, y)
    assert model.status_ is PathStatus.MIN_L1_INTERPOLATOR
    assert (model.n_iter_, model.n_saddles_) == (0, 1)
    assert np.all(model.coef_ == 0) and model.intercept_ == c
    assert np.all(model.predict(X[:5] * 7) == c)


def test_constant_column_never_enters_and_zero_y_has_no_jump():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 5))
    X[:, 2] = 0.1  # its mean is not exactly 0.1 in float64
    y = X @ [1.0, -2.0, 0.0, 0.5, 0.0] + 3.0
    model = SaddlePathRegressor().fit(X, y)
    assert all(2 not in s for s in model.path_.supports) and model.coef_[2] == 0
    assert model.n_iter_ >= 3
    zero = SaddlePathRegressor(fit_intercept=False).fit(X, np.zeros(20))
    assert zero.n_iter_ == 0 and np.all(zero.predict(X) == 0)


# --- warnings and errors ----------------------------------------------------------------


def test_path_warnings_propagate_through_fit():
    X, y, _ = sparse_gaussian(10, 6, 2, seed=2)
    X = np.hstack([X, X[:, :1]])  # a duplicated column: weight shared, NON_UNIQUE
    y = X[:, 0] * 2.0
    with pytest.warns(NonUniqueSaddleWarning):
        model = SaddlePathRegressor(fit_intercept=False).fit(X, y)
    assert model.status_ is PathStatus.NON_UNIQUE
    assert model.coef_[0] == pytest.approx(model.coef_[-1])


def test_truncated_path_warns_only_when_the_request_lies_beyond_it():
    X, y, _ = sparse_gaussian(15, 30, 5, seed=6)
    full = saddle_path(X - X.mean(axis=0), y - y.mean())
    assert full.n_jumps > 3
    with pytest.warns(TruncatedPathWarning, match="JUMP_LIMIT.*raise max_jumps"):
        model = SaddlePathRegressor(max_jumps=2).fit(X, y)
    assert model.status_ is PathStatus.JUMP_LIMIT and model.saddle_ == 2
    np.testing.assert_allclose(model.coef_, full.beta[2], atol=1e-12)
    assert issubclass(TruncatedPathWarning, ConvergenceWarning)
    with pytest.warns(ConvergenceWarning):
        SaddlePathRegressor(max_jumps=2, saddle=3).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        SaddlePathRegressor(max_jumps=2, tau=full.tau[3]).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SaddlePathRegressor(max_jumps=2, saddle=2).fit(X, y)
        SaddlePathRegressor(max_jumps=2, tau=full.tau[2]).fit(X, y)
        SaddlePathRegressor().fit(X, y)  # a complete path: nothing to warn about


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        (dict(saddle=1, tau=2.0), ValueError, "`saddle` and `tau`.*exclusive"),
        (dict(saddle=-1), ValueError, "`saddle` parameter.*Got -1"),
        (dict(saddle=1.5), TypeError, "`saddle` parameter.*use `tau`"),
        (dict(saddle="2"), TypeError, "`saddle` parameter"),
        (dict(tau=-0.5), ValueError, "`tau` parameter.*Got -0.5"),
        (dict(tau=float("nan")), ValueError, "`tau` parameter"),
        (dict(tau="1"), TypeError, "`tau` parameter"),
        (dict(fit_intercept="yes"), TypeError, "`fit_intercept` parameter.*True or False"),
        (dict(max_jumps=0), ValueError, "`max_jumps`"),
        (dict(precision="half"), ValueError, "`precision`"),
    ],
)
def test_bad_parameters_name_the_parameter_at_fit(params, error, match):
    model = SaddlePathRegressor(**params)  # scikit-learn convention: no check in __init__
    with pytest.raises(error, match=match):
        model.fit(WORKED_X, WORKED_Y)


# --- Pipeline and GridSearchCV ----------------------------------------------------------


def test_pipeline_with_standard_scaler_ends_at_least_squares():
    X, y, _ = sparse_gaussian(80, 6, 3, seed=7, noise=0.3)
    X = X * [1.0, 10.0, 0.1, 3.0, 1.0, 50.0] + 2.0
    pipe = make_pipeline(StandardScaler(), SaddlePathRegressor()).fit(X, y)
    X_new = np.random.default_rng(2).standard_normal((10, 6))
    ls = LinearRegression().fit(X, y)  # lstsq: the end of the path when n > d
    np.testing.assert_allclose(pipe.predict(X_new), ls.predict(X_new), rtol=1e-10, atol=1e-10)
    pipe.set_params(saddlepathregressor__saddle=2).fit(X, y)
    Z = StandardScaler().fit_transform(X)
    path = saddle_path(Z - Z.mean(axis=0), y - y.mean())
    np.testing.assert_allclose(pipe[-1].coef_, path.beta[2], atol=1e-12)


def _r2(y_true, y_pred):
    return 1.0 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)


def _hand_cv_scores(X, y, cv, select):
    """Mean R² over folds of ``select(path) -> coefs`` for each candidate (by hand)."""
    scores = []
    for train, test in cv.split(X):
        x_mean, y_mean = X[train].mean(axis=0), y[train].mean()
        path = saddle_path(X[train] - x_mean, y[train] - y_mean)
        coefs = select(path)
        pred = (X[test] - x_mean) @ coefs.T + y_mean
        scores.append([_r2(y[test], p) for p in pred.T])
    return np.mean(scores, axis=0)


@pytest.mark.parametrize("param", ["saddle", "tau"])
def test_grid_search_picks_what_a_hand_written_cv_loop_picks(param):
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(5, shuffle=True, random_state=0)
    if param == "saddle":
        grid = list(range(14))
        select = lambda p: p.beta[np.minimum(grid, p.n_saddles - 1)]  # noqa: E731
    else:
        grid = list(np.geomspace(0.3, 300.0, 25))
        select = lambda p: p.at(grid)  # noqa: E731
    search = GridSearchCV(SaddlePathRegressor(), {param: grid}, cv=cv).fit(X, y)
    hand = _hand_cv_scores(X, y, cv, select)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], hand, rtol=1e-10)
    best = int(np.argmax(hand))
    assert 0 < best < len(grid) - 1  # an interior choice: the test can tell them apart
    assert search.best_params_[param] == grid[best]


def test_lasso_lars_cv_example_reduced():
    import importlib.util
    from pathlib import Path

    from sklearn.linear_model import LassoLars

    file = Path(__file__).resolve().parents[1] / "examples" / "sklearn_cv.py"
    spec = importlib.util.spec_from_file_location("sklearn_cv_example", file)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    res = example.compare(n_splits=3, seed=1, nested=False)
    X, y = load_diabetes(return_X_y=True)
    by_saddle = np.array(res["path_cv_mse_by_saddle"])
    k = res["saddle"]
    assert by_saddle.size == SaddlePathRegressor().fit(X, y).n_saddles_ == 12
    assert k == int(np.argmin(by_saddle)) and res["path_cv_mse"] == by_saddle.min()
    refit = SaddlePathRegressor(saddle=k).fit(X, y)
    assert res["path_support"] == np.count_nonzero(refit.coef_) > 0
    assert res["tau"] == refit.path_.tau[k]
    lasso = LassoLars(alpha=res["alpha"]).fit(X, y)
    assert res["lasso_support"] == np.count_nonzero(lasso.coef_) > 0
    assert res["entered"][1] == ["bmi"]  # the feature most correlated with y enters first
    text = example.report(res)
    assert f"saddle {k}, τ = " in text and "LassoLarsCV" in text


def test_feature_names_from_a_dataframe():
    pd = pytest.importorskip("pandas")  # not in the default test environment
    X = pd.DataFrame(WORKED_X, columns=["a", "b", "c", "d"])
    model = SaddlePathRegressor(fit_intercept=False).fit(X, WORKED_Y)
    assert list(model.feature_names_in_) == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X.rename(columns={"a": "z"}))
