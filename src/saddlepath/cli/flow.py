"""``saddlepath flow``: finite-α gradient flow or gradient descent on a data set.

Wiring only: data → :func:`~saddlepath.gradient_flow` / :func:`~saddlepath.gradient_descent`
(and the exact path for comparison) → plateau table or JSON summary
(:mod:`saddlepath.report.json`); with ``--out``, the records ``trajectory`` and ``data``
(:func:`saddlepath.load` reads each back) and the figures.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from saddlepath.analysis import Plateaus, arclength_of_path, find_plateaus
from saddlepath.cli._checks import check_scale, only_with, parse_vector, positive, run_exit_code
from saddlepath.cli._data import DataRun, run_on_data
from saddlepath.cli._exit import EXIT_CHECK_FAILED, fail
from saddlepath.cli._options import CSV, DATA, JSON, OUT, PLOT, TARGET, X_KEY, Y_KEY
from saddlepath.cli._output_options import check_plot_out, with_csv
from saddlepath.cli._outputs import DATA_STEM, write_records
from saddlepath.cli._progress import COMPUTING_PATH, run_with_progress
from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath, Trajectory, gradient_descent, gradient_flow, saddle_path
from saddlepath.report import (
    plateau_table,
    print_written,
    progress,
    stdout_console,
    trajectory_status_line,
)
from saddlepath.report.json import metadata, to_json, trajectory_summary

__all__ = ["EXAMPLES", "TRAJECTORY", "flow_command"]

TRAJECTORY = "trajectory"  # the stem of the run's record in --out
_OWNED = ("flow_loss.png", "flow_coefs.png", "flow_arclength.png", "flow_3d.png")

EXAMPLES = (
    "Examples:\n\n  saddlepath flow data.csv --alpha 1e-100 --out run --plot\n\n"
    "  saddlepath flow data.csv --alpha 1e-1000 --gd --step-size 0.1\n\n"
    "  saddlepath flow data.npz --alpha 1e-30 --tau-max 20 --json"
)


@dataclass(frozen=True)
class _FlowRun:
    trajectory: Trajectory
    path: SaddlePath
    plateaus: Plateaus  # find_plateaus(trajectory): the one detector


@dataclass(frozen=True)
class _Options:
    """What ``flow`` runs: the method and the library's keyword arguments."""

    gd: bool
    label: str
    kwargs: dict


def _simulate(dataset: Dataset, options: _Options) -> _FlowRun:
    with progress(COMPUTING_PATH):
        path = saddle_path(dataset.X, dataset.y)
    run = gradient_descent if options.gd else gradient_flow
    what = "gradient descent" if options.gd else "the gradient flow"
    traj = run_with_progress(
        run, dataset, f"Running {what} at {options.label}", path, **options.kwargs
    )
    return _FlowRun(traj, path, find_plateaus(traj))


def _write(dataset: Dataset, run: _FlowRun, out: Path, plot: bool) -> dict[str, Path]:
    figures = {}
    if plot:
        from saddlepath.plotting import trajectory_figures

        drawn = trajectory_figures(run.trajectory, run.path, arclength_of_path(run.path))
        figures = {name: (lambda fig=fig: fig) for name, fig in drawn.items()}
    results = {TRAJECTORY: run.trajectory, DATA_STEM: dataset}
    return write_records(out, results, figures, _OWNED)


def _show(data_run: DataRun, source: str, as_json: bool, csv: Path | None) -> None:
    """The run as JSON on stdout, or its plateau table, status and the files written."""
    run, dataset = data_run.result, data_run.dataset
    traj = run.trajectory
    written = with_csv(
        data_run.written, csv, lambda: plateau_table(traj, run.plateaus, dataset, run.path)
    )
    if as_json:
        typer.echo(
            to_json(trajectory_summary(traj, run.plateaus, metadata=metadata(dataset, source)))
        )
        return
    console = stdout_console()
    console.print(plateau_table(traj, run.plateaus, dataset, run.path))
    console.print(trajectory_status_line(traj))
    print_written(console, written)


_ALPHA = typer.Option(
    metavar="α",
    help="Initialisation scale α in (0, 1), parsed exactly: 1e-100, 1e-1000 and 1e-10000 all "
    "work (u(0) = α·u0, v(0) = α·v0). Default: 1e-100.",
    show_default=False,
)
_LOG_ALPHA = typer.Option(
    metavar="LN_α", help="ln α < 0 instead of --alpha, e.g. --log-alpha -1e5 for α = e^(−10⁵)."
)
_U0 = typer.Option(
    metavar="U0",
    help="u(0) in units of α: one number for every coordinate or one per feature, "
    "comma-separated. Default: √2.",
)
_V0 = typer.Option(
    metavar="V0",
    help="v(0) in units of α, like --u0. Default: 0 (β(0) = 0); 1 is the thesis's v(0) = α·1.",
)
_STEP = typer.Option(metavar="η", help="GD step size η > 0 (raw time t = kη); needs --gd.")
_N_STEPS = typer.Option(metavar="N", min=0, help="GD: stop after N steps (needs --gd).")
_MAX_STEPS = typer.Option(
    metavar="N",
    min=1,
    help="Cap on solver steps (flow, default 100000) or GD steps (default 1000000); "
    "hitting it is status STEP_LIMIT, exit code 1.",
)
_SAVE_EVERY = typer.Option(
    metavar="K",
    min=1,
    help="GD: save every K-th iterate (needs --gd). Default: whenever the loss moved by 1 %, "
    "at least every 1000 steps (SGD: once per epoch).",
)
_BATCH = typer.Option(
    metavar="B", min=1, help="GD: mini-batch size B for SGD (needs --gd). Default: full batch."
)
_SEED = typer.Option(metavar="SEED", help="Seed of the SGD sampler (needs --batch-size).")
_RTOL = typer.Option(
    metavar="RTOL",
    help="Relative tolerance of the flow solver on the dual s (dimensionless; not with --gd). "
    "Default: 1e-8.",
    show_default=False,
)


def _options(
    *,
    alpha,
    log_alpha,
    gd,
    step_size,
    u0,
    v0,
    n_steps,
    max_steps,
    save_every,
    batch_size,
    seed,
    tau_max,
    rtol,
) -> _Options:
    """Check the flags against each other (exit 2) and build the library's arguments."""
    only_with(
        {
            "--step-size": step_size,
            "--n-steps": n_steps,
            "--save-every": save_every,
            "--batch-size": batch_size,
        },
        "--gd",
        gd,
    )
    only_with({"--seed": seed}, "--batch-size", batch_size is not None)
    only_with({"--rtol": rtol}, "the flow (without --gd)", not gd)
    if gd and step_size is None:
        fail("--gd needs --step-size η (a positive float), e.g. --gd --step-size 0.1.")
    if alpha is not None and log_alpha is not None:
        fail("--alpha and --log-alpha both set the initialisation scale; pass one of them.")
    positive(step_size, "--step-size")
    scale = {"log_alpha": log_alpha} if log_alpha is not None else {}
    if log_alpha is None:
        scale = {"alpha": check_scale(alpha or "1e-100", "--alpha")}
    label = f"α = {scale['alpha']}" if "alpha" in scale else f"ln α = {log_alpha:g}"
    kwargs = dict(scale, tau_max=tau_max, u0=parse_vector(u0, "--u0"), v0=parse_vector(v0, "--v0"))
    if max_steps is not None:
        kwargs["max_steps"] = max_steps
    if gd:
        kwargs.update(
            step_size=step_size, n_steps=n_steps, save_every=save_every,
            batch_size=batch_size, seed=seed,
        )  # fmt: skip
        label += f", η = {step_size:g}"
    else:
        kwargs["rtol"] = 1e-8 if rtol is None else rtol
    return _Options(gd, label, kwargs)


_OPTION_FLAGS = frozenset(inspect.signature(_options).parameters)  # what _options checks


def flow_command(
    data: Annotated[Path, DATA],
    alpha: Annotated[str | None, _ALPHA] = None,
    log_alpha: Annotated[float | None, _LOG_ALPHA] = None,
    gd: Annotated[
        bool, typer.Option("--gd", help="Run gradient descent (needs --step-size) instead.")
    ] = False,
    step_size: Annotated[float | None, _STEP] = None,
    u0: Annotated[str | None, _U0] = None,
    v0: Annotated[str | None, _V0] = None,
    tau_max: Annotated[
        float | None,
        typer.Option(help="Stop at this accelerated time. Default: when the gradient vanishes."),
    ] = None,
    n_steps: Annotated[int | None, _N_STEPS] = None,
    max_steps: Annotated[int | None, _MAX_STEPS] = None,
    save_every: Annotated[int | None, _SAVE_EVERY] = None,
    batch_size: Annotated[int | None, _BATCH] = None,
    seed: Annotated[int | None, _SEED] = None,
    rtol: Annotated[float | None, _RTOL] = None,
    target: Annotated[str | None, TARGET] = None,
    x_key: Annotated[str | None, X_KEY] = None,
    y_key: Annotated[str | None, Y_KEY] = None,
    out: Annotated[Path | None, OUT] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[bool, PLOT] = False,
    csv: Annotated[Path | None, CSV] = None,
) -> None:
    """Simulate the network at initialisation scale α and compare with the exact path."""
    check_plot_out(plot, out)
    flags = {name: value for name, value in locals().items() if name in _OPTION_FLAGS}
    options = _options(**flags)
    write = None if out is None else (lambda ds, run: _write(ds, run, out, plot))
    simulate = functools.partial(_simulate, options=options)
    run = run_on_data(data, target, simulate, write, x_key=x_key, y_key=y_key)
    _show(run, str(data), as_json, csv)
    traj = run.result.trajectory
    asked = n_steps is not None and (max_steps is None or n_steps <= max_steps)
    if run_exit_code(traj, asked_steps=asked):
        fail(f"the run did not succeed ({traj.status.name}): {traj.message}", EXIT_CHECK_FAILED)
