r"""``pf-generalisation``: P&F's third open question — does the saddle-to-saddle path generalise?

On sparse recovery problems (P&F §5's generator: :math:`x_i \sim \mathcal N(0, I_d)`,
:math:`y = X\beta^\star + \sigma\varepsilon`, β* with k non-zero N(0, 1) entries) this
experiment measures the held-out test loss
:math:`L_{\text{test}}(\beta) = \|X_{\text{test}}\beta - y_{\text{test}}\|^2/(2n_{\text{test}})`
of every saddle of the exact path, and of the end of finite-α flows, against the sparsity k
and the noise σ. With identity covariance the expected test loss is
:math:`\sigma^2/2 + \|\beta - \beta^\star\|^2/2`, so the excess risk
:math:`\|\beta - \beta^\star\|^2/2` is stored beside it.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath.data import make_sparse_regression
from saddlepath.diagonal import gradient_flow, saddle_path
from saddlepath.experiments.reproductions._contract import Choice, ComparisonRow

__all__ = ["DESCRIPTION", "NAME", "PAPER", "Config", "PfGeneralisationResult", "comparison",
           "problem_study", "run", "summary"]  # fmt: skip

NAME = "pf-generalisation"
PAPER = "pf"
DESCRIPTION = (
    "open question: held-out test error of every saddle and of finite-α runs on sparse "
    "recovery, against sparsity and noise"
)


@dataclass(frozen=True)
class Config:
    """Sparse recovery problems: a grid of sparsity k × noise σ × seeds, and the scales α."""

    n_samples: int = 40
    n_features: int = 100
    sparsities: tuple[int, ...] = (2, 5, 10)
    noises: tuple[float, ...] = (0.0, 0.1, 0.5)
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    n_test: int = 2000
    alphas: tuple[str, ...] = ("1e-1", "1e-3", "1e-10", "1e-100")
    tau_factor: float = 1.5
    rtol: float = 1e-5

    @classmethod
    def quick(cls) -> Config:
        """Two sparsities × two noises × two seeds, two scales (a few seconds)."""
        return cls(n_samples=20, n_features=40, sparsities=(2, 4), noises=(0.0, 0.2),
                   seeds=(0, 1), n_test=500, alphas=("1e-1", "1e-100"))  # fmt: skip

    def choices(self) -> tuple[Choice, ...]:
        """The paper states the question only: every setting is ours."""
        return (
            Choice("data", f"n = {self.n_samples}, d = {self.n_features}, k ∈ "
                   f"{list(self.sparsities)}, σ ∈ {list(self.noises)}, seeds "
                   f"{list(self.seeds)}", "Overparametrised (d > n) as in P&F §5; k from "
                   "easily recovered to near the ℓ1 recovery threshold."),
            Choice("test set", f"{self.n_test} fresh samples, same β* and σ (seed + 10⁶)",
                   "The held-out loss; its expectation is σ²/2 + ‖β − β*‖²/2."),
            Choice("alphas", ", ".join(self.alphas),
                   "From a large scale (kernel-like, dense ends) to a small one (ℓ1 ends)."),
            Choice("flow end", f"τ = {self.tau_factor} × the limit's last jump time",
                   "The limit has reached its end there; the flow is compared at that time."),
            Choice("rtol", f"{self.rtol:g}", "A test loss needs a few digits; β is accurate "
                   "to about rtol, and noisy paths (long τ) stay affordable."),
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class PfGeneralisationResult:
    r"""Held-out losses of the path's saddles and of finite-α runs, over k × σ × seeds.

    Arrays indexed ``[i, j, s]`` are for sparsity ``sparsities[i]``, noise ``noises[j]``
    and seed ``seeds[s]``; ``[..., a]`` for ``alphas[a]``.

    Attributes
    ----------
    config : dict
    sparsities, noises, seeds : ndarray
    alphas : tuple of str
    saddle_test_losses, saddle_excess : tuple of ndarray
        Per problem in C order of ``[i, j, s]``: the test loss and the excess risk
        :math:`\|\beta_k - \beta^\star\|^2/2` of every saddle :math:`\beta_k` of the path.
    n_saddles, best_saddle : ndarray of int, shape (n_k, n_σ, n_seeds)
        Saddles of the path; the index of the one with the lowest test loss.
    end_test_loss, best_test_loss : ndarray of shape (n_k, n_σ, n_seeds)
        The path's end (the minimum-ℓ1 interpolator) and its best saddle.
    run_test_loss, run_excess : ndarray of shape (n_k, n_σ, n_seeds, n_alphas)
        The flow at ``tau_factor`` × the last jump time.
    recovery_error : ndarray of shape (n_k, n_σ, n_seeds)
        :math:`\|\beta_{\text{end}} - \beta^\star\|_\infty`.
    bayes : ndarray of shape (n_σ,)
        :math:`\sigma^2/2`, the expected test loss of β*.
    stats : dict
        ``n_problems``, ``n_flows``, ``seconds``.
    """

    config: dict
    sparsities: np.ndarray
    noises: np.ndarray
    seeds: np.ndarray
    alphas: tuple[str, ...]
    saddle_test_losses: tuple[np.ndarray, ...]
    saddle_excess: tuple[np.ndarray, ...]
    n_saddles: np.ndarray
    best_saddle: np.ndarray
    end_test_loss: np.ndarray
    best_test_loss: np.ndarray
    run_test_loss: np.ndarray
    run_excess: np.ndarray
    recovery_error: np.ndarray
    bayes: np.ndarray
    stats: dict

    def __repr__(self) -> str:
        return summary_repr(self, sparsities=self.sparsities.tolist(),
                            noises=self.noises.tolist(), n_seeds=self.seeds.size,
                            alphas=list(self.alphas))  # fmt: skip

    def saddle_curves(self, i: int, j: int) -> list[np.ndarray]:
        """The test loss saddle by saddle of every seed, for sparsity ``i`` and noise ``j``."""
        n_s = self.seeds.size
        start = (i * self.noises.size + j) * n_s
        return list(self.saddle_test_losses[start : start + n_s])

    def mean_test_losses(self) -> np.ndarray:
        """Mean over seeds, shape (n_k, n_σ, 2 + n_alphas): end, best saddle, each α."""
        stacked = np.concatenate([self.end_test_loss[..., None], self.best_test_loss[..., None],
                                  self.run_test_loss], axis=-1)  # fmt: skip
        return stacked.mean(axis=2)


def _losses(X, y, betas: np.ndarray) -> np.ndarray:
    """:math:`\\|X\\beta - y\\|^2/(2n)` for each row β of ``betas``."""
    residual = np.atleast_2d(betas) @ X.T - y
    return 0.5 * np.mean(residual**2, axis=1)


def problem_study(config: Config, sparsity: int, noise: float, seed: int) -> dict:
    """One problem: the path's saddles and the flows' ends on held-out data."""
    train = make_sparse_regression(config.n_samples, config.n_features, n_nonzero=sparsity,
                                   noise=noise, seed=seed)  # fmt: skip
    test = make_sparse_regression(config.n_test, config.n_features, beta_star=train.beta_star,
                                  noise=noise, seed=seed + 10**6)  # fmt: skip
    star = train.beta_star
    path = saddle_path(train.X, train.y)
    tau_end = config.tau_factor * float(path.tau[-1])
    runs = [gradient_flow(train.X, train.y, alpha=a, tau_max=tau_end, rtol=config.rtol)
            for a in config.alphas]  # fmt: skip
    ends = np.array([r.beta[-1] for r in runs])  # at tau_end, or where the run converged
    saddle_losses = _losses(test.X, test.y, path.beta)
    return {
        "saddle_test_losses": saddle_losses,
        "saddle_excess": 0.5 * np.sum((path.beta - star) ** 2, axis=1),
        "n_saddles": path.n_saddles,
        "best_saddle": int(np.argmin(saddle_losses)),
        "run_test_loss": _losses(test.X, test.y, ends),
        "run_excess": 0.5 * np.sum((ends - star) ** 2, axis=1),
        "recovery_error": float(np.max(np.abs(path.beta[-1] - star))),
    }


def run(config: Config, *, progress: Callable[[int, int], None] | None = None):
    """Every problem of the grid in turn (:func:`problem_study`); ``progress(done, total)``."""
    start = time.perf_counter()
    grid = list(itertools.product(config.sparsities, config.noises, config.seeds))
    rows = []
    for k, noise, seed in grid:
        rows.append(problem_study(config, k, noise, seed))
        if progress is not None:
            progress(len(rows), len(grid))
    shape = (len(config.sparsities), len(config.noises), len(config.seeds))

    def grid_of(key: str, dtype=float) -> np.ndarray:
        values = np.array([r[key] for r in rows], dtype=dtype)
        return values.reshape(*shape, *values.shape[1:])

    return PfGeneralisationResult(
        config=dataclasses.asdict(config),
        sparsities=np.array(config.sparsities, dtype=int),
        noises=np.array(config.noises, dtype=float),
        seeds=np.array(config.seeds, dtype=int),
        alphas=tuple(config.alphas),
        saddle_test_losses=tuple(r["saddle_test_losses"] for r in rows),
        saddle_excess=tuple(r["saddle_excess"] for r in rows),
        n_saddles=grid_of("n_saddles", int),
        best_saddle=grid_of("best_saddle", int),
        end_test_loss=np.array([r["saddle_test_losses"][-1] for r in rows]).reshape(shape),
        best_test_loss=np.array([r["saddle_test_losses"].min() for r in rows]).reshape(shape),
        run_test_loss=grid_of("run_test_loss"),
        run_excess=grid_of("run_excess"),
        recovery_error=grid_of("recovery_error"),
        bayes=0.5 * np.array(config.noises, dtype=float) ** 2,
        stats={"n_problems": len(rows), "n_flows": len(rows) * len(config.alphas),
               "seconds": time.perf_counter() - start},
    )  # fmt: skip


def _by_alpha(result: PfGeneralisationResult, j: int) -> np.ndarray:
    """Mean test loss over sparsities and seeds at noise ``j``: limit end, then each α."""
    means = result.mean_test_losses()[:, j, :].mean(axis=0)
    return np.concatenate([means[2:], means[:1]])  # largest α first, the limit last


def _recovered(result: PfGeneralisationResult) -> str:
    quiet = np.flatnonzero(result.noises == 0.0)
    if quiet.size == 0:
        return "no noiseless problem in the grid"
    ok = result.recovery_error[:, quiet[0], :] < 1e-6
    return ", ".join(f"k = {k}: {int(r.sum())}/{r.size}"
                     for k, r in zip(result.sparsities, ok, strict=True))  # fmt: skip


def comparison(result: PfGeneralisationResult) -> tuple[ComparisonRow, ...]:
    """What the paper says about the end of the path and small α, beside held-out losses."""
    rows = [ComparisonRow("noiseless: path end = β* (‖β_end − β*‖∞ < 1e-6)",
                          "the limit ends at the minimum-ℓ1 interpolator", _recovered(result),
                          "β* wherever ℓ1 (basis pursuit) recovers it", "n/a")]  # fmt: skip
    labels = [*result.alphas, "limit"]
    for j, noise in enumerate(result.noises):
        values = _by_alpha(result, j)
        falls = bool(np.all(np.diff(values) <= 1e-12 + 1e-9 * values[:-1]))
        rows.append(ComparisonRow(
            f"σ = {noise:g}: mean test loss by α ({' → '.join(labels)})",
            "smaller α → the minimum-ℓ1 interpolator (implicit bias), suited to sparse β*",
            ", ".join(f"{v:.3g}" for v in values), f"Bayes σ²/2 = {noise**2 / 2:.3g}",
            "agrees" if falls else "differs",
            "" if falls else "the mean test loss does not fall as α decreases on this grid",
        ))  # fmt: skip
    noisy = result.noises > 0
    if noisy.any():
        better = result.best_test_loss[:, noisy] < result.end_test_loss[:, noisy]
        ratio = np.mean(result.best_test_loss[:, noisy] / result.end_test_loss[:, noisy])
        rows.append(ComparisonRow(
            "noisy: an earlier saddle generalises better than the end (early stopping)",
            "relation of the saddles to generalisation left open",
            f"{int(better.sum())}/{better.size} problems; mean best/end test loss {ratio:.3f}",
            "", "n/a"))  # fmt: skip
    quiet = result.noises == 0.0
    if quiet.any():
        exact_k = result.n_saddles[:, quiet] - 1 == result.sparsities[:, None, None]
        rows.append(ComparisonRow(
            "noiseless: jumps of the path = k (one coordinate learnt per saddle)",
            "incremental learning, one saddle after another",
            f"{int(exact_k.sum())}/{exact_k.size} problems", "", "n/a"))  # fmt: skip
    return tuple(rows)


def summary(result: PfGeneralisationResult) -> str:
    """The held-out losses in words."""
    noisy = result.noises > 0
    lines = [
        f"Sparse recovery with n = {result.config['n_samples']}, d = "
        f"{result.config['n_features']}: noiseless recovery by the path's end "
        f"({_recovered(result)}).",
    ]
    for j, noise in enumerate(result.noises):
        values = ", ".join(f"{v:.3g}" for v in _by_alpha(result, j))
        lines.append(f"At σ = {noise:g}, mean test loss by α ({', '.join(result.alphas)}, "
                     f"limit): {values}; Bayes floor {noise**2 / 2:.3g}.")  # fmt: skip
    if noisy.any():
        best = np.median(result.best_saddle[:, noisy]), np.median(result.n_saddles[:, noisy])
        lines.append(f"With noise, the best saddle is typically number {best[0]:.0f} of "
                     f"{best[1]:.0f}: stopping early along the path beats the interpolator, "
                     "consistent with the path fitting the signal in its first jumps and the "
                     "noise in the later ones (the paper leaves this relation open).")  # fmt: skip
    return "\n\n".join(lines)
