r"""The thesis's non-zero initialisation (§5.4, Table 11, Figure 8): v₀ = γ·1, d = 7, n = 5.

From :math:`u_0 = \sqrt2\gamma\mathbf 1`, :math:`v_0 = \gamma\mathbf 1` with step 0.01 and
T = 10⁶: the minimiser reached for the γ of Table 11 (exact log-domain GD,
:func:`~saddlepath.experiments.init_scale_study`, and the thesis's own float64 GD), sparse
(the minimum-ℓ1 interpolator) → dense; then a scan of γ between 5 (the thesis: oscillates,
converges) and 7 (diverges) for where GD oscillates and where it truly diverges.

An invariant decides Table 11: one GD step multiplies :math:`u_i^2 - v_i^2` by
:math:`1 - \eta^2 g_i^2`, so from this initialisation every coordinate keeps
:math:`u_i^2 - v_i^2` between 0 and :math:`\gamma^2` while :math:`\eta|g_i| < 1`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath.diagonal import TrajectoryStatus, gradient_descent
from saddlepath.experiments import InitScaleStudy, init_scale_study
from saddlepath.experiments.reproductions._contract import Choice, ComparisonRow
from saddlepath.experiments.reproductions._thesis_data import (
    PlainGDRun,
    thesis_data,
    thesis_plain_gd,
)
from saddlepath.experiments.reproductions._thesis_init_rows import rows, summary_text
from saddlepath.warnings import DivergenceWarning

__all__ = [
    "DESCRIPTION", "NAME", "PAPER", "Config", "ThesisInitScaleResult", "comparison", "run",
    "summary",
]  # fmt: skip

NAME = "thesis-init-scale"
PAPER = "thesis"
DESCRIPTION = (
    "v₀ = γ·1 for the thesis's γ: the minimiser reached (sparse → dense), where GD "
    "oscillates and where it truly diverges"
)


@dataclass(frozen=True)
class Config:
    """Table 11's set-up (printed: η = 0.01, T = 10⁶, p* = (10, 20, 0, …)) and a γ scan."""

    gammas: tuple[str, ...] = ("1e-50", "0.1", "1", "2")
    step_size: float = 0.01
    n_steps: int = 1_000_000
    scan_gammas: tuple[float, ...] = (5.0, 5.5, 6.0, 6.5, 7.0)
    scan_steps: int = 3000
    window: int = 300
    p_star: tuple[float, ...] = (10.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    @classmethod
    def quick(cls) -> Config:
        """Seconds: T = 8000 (short of the minimisers), three scan values."""
        return cls(n_steps=8_000, scan_gammas=(5.0, 6.0, 7.0), scan_steps=1500)

    @staticmethod
    def choices() -> tuple[Choice, ...]:
        return (
            Choice("u₀", "√2·γ·1", "§3.1's u₀, kept when §5.4 replaces v₀ = 0 by v₀ = γ·1"),
            Choice("scan γ", "5, 5.5, 6, 6.5, 7", "between the thesis's γ = 5 (converges) "
                   "and γ = 7 (diverges), to locate the threshold"),
            Choice("oscillation window", "first 300 iterations", "Figure 8's range"),
        )  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class ThesisInitScaleResult:
    """Table 11 by exact GD (``study``) and by the thesis's float64 GD (``plain``), and the scan.

    ``scan_*`` have one entry per ``scan_gammas`` (exact GD for ``scan_steps`` steps):
    status, the step it diverged at (−1), sign changes of β and loss increases within the
    first ``window`` iterations, the final loss and the loss over the window (NaN-padded).
    """

    step_size: float
    n_steps: int
    window: int
    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    study: InitScaleStudy
    plain: tuple[PlainGDRun, ...]
    scan_gammas: np.ndarray
    scan_statuses: tuple[TrajectoryStatus, ...]
    scan_messages: tuple[str, ...] = field(repr=False)
    scan_diverged_at: np.ndarray = field(repr=False)
    scan_sign_changes: np.ndarray = field(repr=False)
    scan_loss_increases: np.ndarray = field(repr=False)
    scan_final_loss: np.ndarray = field(repr=False)
    scan_loss_curves: np.ndarray = field(repr=False)
    scan_plain: tuple[PlainGDRun, ...] = field(repr=False)

    def __repr__(self) -> str:
        return summary_repr(
            self, gammas=self.study.gammas.tolist(), n_active=self.study.n_active.tolist(),
            scan=dict(zip(self.scan_gammas.tolist(), (s.name for s in self.scan_statuses),
                          strict=True)),
        )  # fmt: skip


def _scan_one(X, y, gamma: float, config: Config) -> tuple:
    # the scan looks for divergence on purpose: it is a finding (status DIVERGED, kept in
    # the result with its message), not trouble to warn the user about
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        gd = gradient_descent(
            X, y, step_size=config.step_size, alpha=gamma, u0=np.sqrt(2.0), v0=1.0,
            n_steps=config.scan_steps, save_every=1,
        )  # fmt: skip
    head = gd.beta[: config.window + 1]
    signs = int((np.diff(np.sign(head), axis=0) != 0).sum())
    curve = np.full(config.window + 1, np.nan)
    curve[: min(gd.loss.size, config.window + 1)] = gd.loss[: config.window + 1]
    rises = int((np.diff(curve[np.isfinite(curve)]) > 0).sum())
    diverged = -1  # the step whose update left the float range (1-based, as the message)
    if gd.status is TrajectoryStatus.DIVERGED:
        diverged = round(gd.t[-1] / config.step_size) + 1
    return gd.status, gd.message, diverged, signs, rises, float(gd.loss[-1]), curve


def run(config: Config) -> ThesisInitScaleResult:
    """Table 11 (exact GD and the thesis's GD) and the oscillation/divergence scan."""
    X, y, _ = thesis_data(5, 7, config.p_star)
    study = init_scale_study(
        X, y, list(config.gammas), v0=1.0, step_size=config.step_size, n_steps=config.n_steps
    )
    plain = tuple(
        thesis_plain_gd(X, y, step_size=config.step_size, gamma=float(g), v0_scale=1.0,
                        n_steps=config.n_steps)
        for g in config.gammas
    )  # fmt: skip
    scans = [_scan_one(X, y, g, config) for g in config.scan_gammas]
    scan_plain = tuple(
        thesis_plain_gd(X, y, step_size=config.step_size, gamma=g, v0_scale=1.0,
                        n_steps=config.scan_steps)
        for g in config.scan_gammas
    )  # fmt: skip
    column = lambda j, dt: np.array([s[j] for s in scans], dtype=dt)  # noqa: E731
    return ThesisInitScaleResult(
        step_size=config.step_size, n_steps=config.n_steps, window=config.window, X=X, y=y,
        study=study, plain=plain, scan_gammas=np.array(config.scan_gammas, dtype=float),
        scan_statuses=tuple(s[0] for s in scans), scan_messages=tuple(s[1] for s in scans),
        scan_diverged_at=column(2, np.int64), scan_sign_changes=column(3, np.int64),
        scan_loss_increases=column(4, np.int64), scan_final_loss=column(5, float),
        scan_loss_curves=np.array([s[6] for s in scans]).reshape(len(scans), -1),
        scan_plain=scan_plain,
    )  # fmt: skip


def comparison(result: ThesisInitScaleResult) -> tuple[ComparisonRow, ...]:
    """Per γ of Table 11: minimiser, active coordinates, loss; sparse → dense; γ = 5 and 7."""
    return rows(result)


def summary(result: ThesisInitScaleResult) -> str:
    """What was found and why Table 11 cannot be reproduced from v₀ = γ·1 (markdown)."""
    return summary_text(result)
