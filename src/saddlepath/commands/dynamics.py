"""``saddlepath flow``: finite-α gradient flow or gradient descent on a data set.

Wiring only: data → :func:`~saddlepath.gradient_flow` / :func:`~saddlepath.gradient_descent`
(and the exact path for comparison) → plateau table, files and figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from saddlepath import io
from saddlepath._cli_common import (
    DATA,
    EXIT_CHECK_FAILED,
    JSON,
    OUT,
    PLOT,
    TARGET,
    fail,
    run_on_data,
)
from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath, Trajectory, gradient_descent, gradient_flow, saddle_path
from saddlepath.report import (
    metadata,
    plateau_table,
    print_written,
    progress,
    stdout_console,
    trajectory_status_line,
)

__all__ = ["register"]

_OWNED = (*io.TRAJECTORY_FILES, "flow_loss.png", "flow_coefs.png", "flow_arclength.png")
_OWNED += ("flow_3d.png",)

_FLOW_EXAMPLES = (
    "Examples:\n\n  saddlepath flow data.csv --alpha 1e-100 --out run --plot\n\n"
    "  saddlepath flow data.csv --alpha 1e-1000 --gd --step-size 0.1\n\n"
    "  saddlepath flow data.npz --alpha 1e-30 --tau-max 20 --json"
)


@dataclass(frozen=True)
class _FlowRun:
    trajectory: Trajectory
    path: SaddlePath


def _simulate(dataset: Dataset, *, alpha, gd, step_size, tau_max, rtol) -> _FlowRun:
    with progress("Computing the exact saddle path…"):
        path = saddle_path(dataset.X, dataset.y)
    if gd:
        if step_size is None:
            raise ValueError("--gd needs --step-size η (a positive float), e.g. --step-size 0.1.")
        with progress(f"Running gradient descent at α = {alpha}…"):
            traj = gradient_descent(
                dataset.X, dataset.y, step_size=step_size, alpha=alpha, tau_max=tau_max
            )
    else:
        with progress(f"Integrating the gradient flow at α = {alpha}…"):
            traj = gradient_flow(dataset.X, dataset.y, alpha=alpha, tau_max=tau_max, rtol=rtol)
    return _FlowRun(traj, path)


def _write(dataset: Dataset, run: _FlowRun, out: Path, plot: bool, source: str):
    meta = metadata(dataset, source)

    def files(stage: Path) -> dict[str, Path]:
        written = io.write_trajectory_files(run.trajectory, stage, metadata=meta)
        if plot:
            from saddlepath.plotting import trajectory_figures

            figures = trajectory_figures(run.trajectory, run.path)
            written.update(io.save_figures(figures, stage))
        return written

    return io.write_folder(out, files, owned=_OWNED)


def flow_command(
    data: Annotated[Path, DATA],
    alpha: Annotated[
        str,
        typer.Option(
            help="Initialisation scale α in (0, 1), parsed exactly: 1e-100, 1e-1000 and "
            "1e-10000 all work (u₀ = √2·α, v₀ = 0)."
        ),
    ] = "1e-100",
    gd: Annotated[
        bool, typer.Option("--gd", help="Run gradient descent (needs --step-size) instead.")
    ] = False,
    step_size: Annotated[
        float | None, typer.Option(min=0.0, help="GD step size η > 0 (raw time t = kη).")
    ] = None,
    tau_max: Annotated[
        float | None,
        typer.Option(help="Stop at this accelerated time. Default: when the gradient vanishes."),
    ] = None,
    rtol: Annotated[float, typer.Option(help="Relative tolerance of the flow solver.")] = 1e-8,
    target: Annotated[str | None, TARGET] = None,
    out: Annotated[Path | None, OUT] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[bool, PLOT] = False,
) -> None:
    """Simulate the network at initialisation scale α and compare with the exact path."""
    if plot and out is None:
        fail("--plot needs --out DIR: the figures are written into that directory.")

    def compute(dataset: Dataset) -> _FlowRun:
        return _simulate(
            dataset, alpha=alpha, gd=gd, step_size=step_size, tau_max=tau_max, rtol=rtol
        )

    def write(dataset: Dataset, run: _FlowRun) -> dict[str, Path]:
        return _write(dataset, run, out, plot, str(data))

    run = run_on_data(data, target, compute, None if out is None else write)
    traj = run.result.trajectory
    if as_json:
        typer.echo(
            io.to_json(io.trajectory_record(traj, metadata=metadata(run.dataset, str(data))))
        )
    else:
        console = stdout_console()
        console.print(plateau_table(traj, run.dataset, run.result.path))
        console.print(trajectory_status_line(traj))
        print_written(console, run.written)
    if not traj.status.success:
        fail(f"the run did not succeed: {traj.message}", EXIT_CHECK_FAILED)


def register(app: typer.Typer) -> None:
    """Add the finite-α commands to ``app``."""
    app.command("flow", epilog=_FLOW_EXAMPLES)(flow_command)
