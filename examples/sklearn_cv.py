r"""Cross-validate where the saddle-to-saddle path stops, against ``LassoLarsCV``.

One command (run from the repository root; about 4 s)::

    .venv/bin/python examples/sklearn_cv.py [--folds 5] [--seed 0] [--no-nested]

On scikit-learn's diabetes data (442 patients, 10 standardised features, shipped with
scikit-learn: no download) it selects, with the same ``KFold`` splits,

* the stopping saddle ``k`` of :class:`saddlepath.SaddlePathRegressor` by
  ``GridSearchCV`` over ``saddle = 0, …, n_saddles − 1``;
* the Lasso penalty ``alpha`` by ``LassoLarsCV``;

and prints, for each, the cross-validated mean squared error and R² at the chosen
hyper-parameter, the choice itself (saddle ``k`` and its jump time ``τ_k``; ``alpha`` and
``1/alpha``, which is in the same units as ``τ``: P&F's ``τ₁ = 1/alphas[0]`` of
``lars_path``), the support size of the refitted model and, unless ``--no-nested``, an
honest nested-CV R² of each whole selection procedure (outer 5-fold, ``seed + 1``).
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoLars, LassoLarsCV
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from saddlepath import SaddlePathRegressor


def compare(*, n_splits: int = 5, seed: int = 0, nested: bool = True) -> dict:
    """Run both selections on the diabetes data; return the figures as a plain dict."""
    data = load_diabetes()
    X, y, names = data.data, data.target, list(data.feature_names)
    cv = KFold(n_splits, shuffle=True, random_state=seed)
    full = SaddlePathRegressor().fit(X, y)
    grid = {"saddle": list(range(full.n_saddles_))}
    search = GridSearchCV(SaddlePathRegressor(), grid, cv=cv, scoring="neg_mean_squared_error")
    search.fit(X, y)
    k = int(search.best_params_["saddle"])
    best = search.best_estimator_
    lasso = LassoLarsCV(cv=cv).fit(X, y)
    out = {
        "entered": [[names[i] for i in e] for e in full.path_.entered],
        "left": [[names[i] for i in e] for e in full.path_.left],
        "path_cv_mse": -float(search.best_score_),
        "path_cv_mse_by_saddle": (-search.cv_results_["mean_test_score"]).tolist(),
        "path_cv_r2": float(cross_val_score(SaddlePathRegressor(saddle=k), X, y, cv=cv).mean()),
        "saddle": k,
        "tau": float(best.path_.tau[k]),
        "path_support": int(np.count_nonzero(best.coef_)),
        "lasso_cv_mse": float(lasso.mse_path_.mean(axis=1).min()),
        "lasso_cv_r2": float(cross_val_score(LassoLars(alpha=lasso.alpha_), X, y, cv=cv).mean()),
        "alpha": float(lasso.alpha_),
        "lasso_support": int(np.count_nonzero(lasso.coef_)),
    }
    if nested:
        outer = KFold(5, shuffle=True, random_state=seed + 1)
        out["path_nested_r2"] = float(cross_val_score(search, X, y, cv=outer, scoring="r2").mean())
        out["lasso_nested_r2"] = float(cross_val_score(LassoLarsCV(cv=cv), X, y, cv=outer).mean())
    return out


def report(res: dict) -> str:
    """The figures of :func:`compare` as the text the script prints."""
    order = ", ".join("+".join(e) for e in res["entered"][1:])
    leaving = "; ".join(f"{'+'.join(e)} leaves at jump {j}" for j, e in enumerate(res["left"]) if e)
    chosen_path = f"saddle {res['saddle']}, τ = {res['tau']:.4g}"
    inverse = 1 / res["alpha"] if res["alpha"] > 0 else np.inf  # alpha = 0: least squares
    chosen_lasso = f"alpha = {res['alpha']:.4g}, 1/alpha = {inverse:.4g}"
    lines = [
        f"path: features enter in the order {order}" + (f" ({leaving})" if leaving else ""),
        "CV MSE by saddle: " + " ".join(f"{m:.0f}" for m in res["path_cv_mse_by_saddle"]),
        f"{'':20}{'CV MSE':>8}{'CV R²':>8}  {'chosen':<30}{'support':>7}",
        f"{'SaddlePathRegressor':20}{res['path_cv_mse']:8.1f}{res['path_cv_r2']:8.4f}  "
        f"{chosen_path:<30}{res['path_support']:7d}",
        f"{'LassoLarsCV':20}{res['lasso_cv_mse']:8.1f}{res['lasso_cv_r2']:8.4f}  "
        f"{chosen_lasso:<30}{res['lasso_support']:7d}",
    ]
    if "path_nested_r2" in res:
        lines.append(
            f"nested-CV R² of the whole selection: path {res['path_nested_r2']:.4f}, "
            f"LassoLarsCV {res['lasso_nested_r2']:.4f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="KFold splits (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="KFold shuffle seed (default 0)")
    parser.add_argument("--no-nested", action="store_true", help="skip the nested CV")
    args = parser.parse_args(argv)
    print(report(compare(n_splits=args.folds, seed=args.seed, nested=not args.no_nested)))


if __name__ == "__main__":
    main()
