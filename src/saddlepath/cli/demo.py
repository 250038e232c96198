"""``saddlepath demo``: the built-in example, step by step (what ``make demo`` runs).

A step is a function of a :class:`DemoContext`, registered with :func:`demo_step`; a new
step is one decorated function here (or an entry appended to :data:`DEMO_STEPS`).
:func:`demo_command` numbers the steps, runs them in order and writes their files into
``--out`` as one set (:func:`saddlepath.io.write_folder`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape

from saddlepath import io
from saddlepath.cli._exit import EXIT_CHECK_FAILED, errors_as_exit, fail
from saddlepath.cli._options import output_dir
from saddlepath.cli._outputs import DATA_STEM, write_figures, write_record_set
from saddlepath.cli._progress import COMPUTING_PATH, certify
from saddlepath.data import Dataset, demo_problem
from saddlepath.diagonal import SaddlePath, saddle_path
from saddlepath.report import (
    path_table,
    print_check,
    print_written,
    progress,
    render_text,
    status_line,
    stdout_console,
)

__all__ = ["DEMO_STEPS", "EXAMPLES", "DemoContext", "DemoStep", "demo_command", "demo_step"]

EXAMPLES = "Example: saddlepath demo --out demo-output"


@dataclass
class DemoContext:
    """What the demo steps share: output folder, console, data, path and files written."""

    out_dir: Path
    console: Console
    dataset: Dataset = field(default_factory=demo_problem)
    path: SaddlePath | None = None
    escape: object | None = None  # the deep step's EscapeResult, for the training step
    written: dict[str, Path] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoStep:
    """One step of ``saddlepath demo``: a name, a one-line description and a function."""

    name: str
    description: str
    run: Callable[[DemoContext], None]


DEMO_STEPS: list[DemoStep] = []


def demo_step(name: str, description: str) -> Callable:
    """Register the decorated function as the next step of ``saddlepath demo``."""

    def register(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        DEMO_STEPS.append(DemoStep(name, description, func))
        return func

    return register


@demo_step("path", "exact saddle path of a sparse regression (n=20, d=40, 3 planted non-zeros)")
def _demo_path(ctx: DemoContext) -> None:
    with progress(COMPUTING_PATH):
        ctx.path = saddle_path(ctx.dataset.X, ctx.dataset.y)


@demo_step("table", "table of the jumps → table.txt")
def _demo_table(ctx: DemoContext) -> None:
    table, status = path_table(ctx.path, ctx.dataset), status_line(ctx.path)
    ctx.console.print(table)
    ctx.console.print(status)
    ctx.written["table"] = io.write_text_atomic(
        ctx.out_dir / "table.txt", render_text(table, status)
    )


@demo_step("planted", "the last saddle against the planted coefficients β*")
def _demo_planted(ctx: DemoContext) -> None:
    last, planted = ctx.path.beta[-1], ctx.dataset.beta_star
    gap = float(np.max(np.abs(last - planted)))
    ctx.console.print(
        f"support of the last saddle {np.flatnonzero(last).tolist()}, planted "
        f"{np.flatnonzero(planted).tolist()}; max |β_last − β*| = {gap:.2e}"
    )


@demo_step("files", "the path and its data as records → path.json/.npz, data.json/.npz")
def _demo_files(ctx: DemoContext) -> None:
    ctx.written.update(write_record_set(ctx.out_dir, {"path": ctx.path, DATA_STEM: ctx.dataset}))


@demo_step("figures", "loss staircase, coordinates vs τ and vs saddle index → PNG")
def _demo_figures(ctx: DemoContext) -> None:
    ctx.written.update(write_figures(ctx.path, ctx.out_dir, ctx.dataset.feature_names))


@demo_step(
    "check",
    "certificate of the path (KKT, duals, endpoint by dual certificate or LP) → check.txt "
    "and the record check.json/.npz",
)
def _demo_check(ctx: DemoContext) -> None:
    report = certify(ctx.path)
    print_check(ctx.console, report)
    ctx.written["check"] = io.write_text_atomic(ctx.out_dir / "check.txt", f"{report}\n")
    ctx.written.update(write_record_set(ctx.out_dir, {"check": report}))
    if not report.passed:
        ctx.failures.append("check")


FIGURE1_ALPHAS = ("1e-2", "1e-5", "1e-10", "1e-100")


@demo_step(
    "figure1",
    "P&F Figure 1 analogue: flows at α = 1e-2, 1e-5, 1e-10, 1e-100 on a three-jump problem → PNG",
)
def _demo_figure1(ctx: DemoContext) -> None:
    from saddlepath.experiments.reproductions import pf_figure1
    from saddlepath.plotting.reproductions import pf_figure1_figures

    with progress(f"Integrating the gradient flow at α = {', '.join(FIGURE1_ALPHAS)}…"):
        result = pf_figure1.run(pf_figure1.Config(alphas=FIGURE1_ALPHAS))
    path = result.path  # `saddlepath reproduce pf-figure1` is the full experiment
    errors = [
        float(np.abs(r.at(0.5 * (path.tau[2] + path.tau[3])) - path.beta[2]).max())
        for r in result.runs
    ]
    ctx.console.print(
        "mid-plateau distance to the second saddle: "
        + ", ".join(f"α={a}: {e:.1e}" for a, e in zip(FIGURE1_ALPHAS, errors, strict=True))
    )
    for stem, fig in pf_figure1_figures(result).items():
        ctx.written[stem] = io.save_figure_atomic(fig, ctx.out_dir / f"{stem}.png")


DEEP_OPTIONS = {"n_restarts": 3, "seed": 0, "n_warmup_steps": 300, "n_steps": 1500}


@demo_step(
    "escape",
    "deep ReLU net (depth 3, width 16) on 500 of scikit-learn's digits, MSE: the optimal escape "
    "direction → escape_table.txt, escape.png and the records escape, layers",
)
def _demo_escape(ctx: DemoContext) -> None:
    import importlib.util

    missing = [m for m in ("jax", "sklearn") if importlib.util.find_spec(m) is None]
    if missing:
        ctx.console.print(f"skipped: needs {' and '.join(missing)} (pip install "
                          '"saddlepath[jax,sklearn]")')  # fmt: skip
        return
    from saddlepath.cli._escape_tables import direction_table
    from saddlepath.cli.escape import FIGURES, Problem, _direction, _figure
    from saddlepath.data import load_digits
    from saddlepath.deep.network import mse_gradient

    images = load_digits(n_samples=500, seed=0)
    G = mse_gradient(images.one_hot())
    result, spectra = _direction(Problem(images.X, G, "digits", images), (16, 16), DEEP_OPTIONS)
    table = direction_table(result, spectra, "Escape direction on 500 digits (depth 3, MSE)")
    closed = float(np.linalg.svd(G.T @ images.X, compute_uv=False)[0])
    line = (f"pixels and one-hot targets are ≥ 0, so the optimum is a rank-one chain of speed "
            f"σ₁(GᵀX) = {closed:.8g} (Perron–Frobenius); found {result.speed:.8g}")  # fmt: skip
    ctx.console.print(table)
    ctx.console.print(line)
    ctx.written["escape_table"] = io.write_text_atomic(
        ctx.out_dir / "escape_table.txt", render_text(table, line)
    )
    ctx.written.update(write_record_set(ctx.out_dir, {"escape": result, "layers": spectra}))
    name = FIGURES["direction"]
    ctx.written[name] = io.save_figure_atomic(
        _figure("direction", result, spectra), ctx.out_dir / name
    )
    if not result.status.success or abs(result.speed - closed) > 1e-6 * closed:
        ctx.failures.append("escape")
    ctx.escape = result


@demo_step(
    "training",
    "the same net trained by GD from small initialisation (600 steps): plateau, escape along "
    "the optimal direction → training.png and the record training",
)
def _demo_training(ctx: DemoContext) -> None:
    if ctx.escape is None:
        ctx.console.print("skipped: needs the escape direction of the previous step")
        return
    from saddlepath.analysis import find_plateaus
    from saddlepath.cli.train import _table, plateau_rows
    from saddlepath.data import load_digits
    from saddlepath.deep import train
    from saddlepath.plotting import plot_training

    images = load_digits(n_samples=500, seed=0)
    run = train(images.X, images.one_hot(), (16, 16), n_steps=600, init_scale=0.01,
                record_every=5, escape=ctx.escape, seed=0)  # fmt: skip
    rows = plateau_rows(run)
    ctx.console.print(_table(run, rows))
    ctx.written.update(write_record_set(ctx.out_dir, {"training": run}))
    ctx.written["training.png"] = io.save_figure_atomic(
        plot_training(run, find_plateaus(run)), ctx.out_dir / "training.png"
    )
    escaped = len(rows) >= 2 and rows[0]["alignment"] > 0.95
    if not run.status.success or not escaped:
        ctx.failures.append("training")


_OUT = typer.Option(
    "--out",
    "-o",
    metavar="DIR",
    parser=output_dir,
    help="Directory for the table, path files and figures (created if missing).",
)


def demo_command(out: Annotated[Path, _OUT] = Path("demo-output")) -> None:
    """Run the built-in example and write its table, path files and figures.

    The files replace those of an earlier demo in DIR as one set, when every step has run.
    """
    console = stdout_console()
    contexts: list[DemoContext] = []

    def run_steps(stage: Path) -> dict[str, Path]:
        ctx = DemoContext(out_dir=stage, console=console)
        contexts.append(ctx)
        for number, step in enumerate(DEMO_STEPS, start=1):
            console.print(f"[bold]{number}/{len(DEMO_STEPS)}[/] {escape(step.description)}")
            step.run(ctx)
        return ctx.written

    with errors_as_exit():
        written = io.write_folder(out, run_steps)
    print_written(console, written)
    if contexts[0].failures:
        fail(f"demo step(s) failed: {', '.join(contexts[0].failures)}.", EXIT_CHECK_FAILED)
