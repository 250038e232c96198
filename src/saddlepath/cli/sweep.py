"""``saddlepath sweep``: a task over a grid on Dask into a resumable store, and its status.

Wiring only: ``sweep CONFIG.toml --out DIR`` → :func:`saddlepath.sweep.run` (with a Rich
progress display: done, running, failed, ETA) → a summary; ``sweep status DIR`` →
:func:`saddlepath.sweep.status`. The store's layout is in :mod:`saddlepath.sweep.store`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from saddlepath.cli._exit import EXIT_NOT_SUCCESSFUL, fail
from saddlepath.cli._options import JSON, output_dir
from saddlepath.io import to_json
from saddlepath.report import progress_bar, stdout_console

__all__ = ["EXAMPLES", "sweep_command"]

EXAMPLES = (
    "Examples:\n\n  saddlepath sweep examples/sweep_flow.toml --out sweep-out --workers 2\n\n"
    "  saddlepath sweep cfg.toml --out /shared/sweep --scheduler tcp://10.0.0.1:8786\n\n"
    "  saddlepath sweep status sweep-out"
)


class RichSweepProgress:
    """Adapter from :class:`saddlepath.sweep.SweepProgress` to a Rich progress bar."""

    def __init__(self, bar: Any) -> None:
        self.bar, self.task = bar, None

    def start(self, total: int, skipped: int) -> None:
        note = f" ({skipped} already done)" if skipped else ""
        self.task = self.bar.add_task(
            f"sweep{note}", total=total, completed=skipped, running=0, failed=0
        )

    def update(self, done: int, failed: int, running: int) -> None:
        self.bar.update(self.task, completed=done + failed, running=running, failed=failed)


def _progress():
    from rich.progress import TextColumn

    bar = progress_bar()
    bar.columns = (
        *bar.columns[:4],
        TextColumn("running {task.fields[running]}  failed {task.fields[failed]}"),
        *bar.columns[4:],
    )
    return bar


def _run(config: Path, out: Path, scheduler: str | None, workers: int | None, as_json: bool):
    from saddlepath.sweep import SpecError, StoreBusyError, load_config, run

    try:
        checked = load_config(config)
    except (SpecError, OSError) as exc:
        fail(f"{config}: {exc}")
    try:
        with _progress() as bar:
            summary = run(
                checked, out, workers=workers, scheduler=scheduler, progress=RichSweepProgress(bar)
            )
    except StoreBusyError as exc:
        fail(str(exc))
    fields = {
        "out": str(summary.out),
        "task": summary.task,
        "n_runs": summary.n_runs,
        "n_done": summary.n_done,
        "n_failed": summary.n_failed,
        "n_skipped": summary.n_skipped,
        "n_computed": summary.n_computed,
        "wall_s": summary.wall_s,
        "stats": dict(summary.stats),
        "status": {"name": summary.status.name, "message": str(summary.status)},
    }
    if as_json:
        typer.echo(to_json(fields))
    else:
        stdout_console().print(
            f"{summary.task} sweep: {summary.n_done}/{summary.n_runs} runs done "
            f"({summary.n_skipped} already there, {summary.n_computed} run now), "
            f"{summary.n_failed} failed, in {summary.wall_s:.1f} s → {summary.out}/results.parquet"
        )
    if not summary.status.success:
        raise typer.Exit(EXIT_NOT_SUCCESSFUL)


def _status(store: Path, as_json: bool) -> None:
    from saddlepath.sweep import status

    try:
        state = status(store)
    except FileNotFoundError as exc:
        fail(str(exc))
    fields = {
        "out": str(state.out),
        "task": state.task,
        "n_runs": state.n_runs,
        "n_done": state.n_done,
        "n_failed": state.n_failed,
        "n_pending": state.n_pending,
        "driver": state.driver,
        "errors": list(state.errors),
    }
    if as_json:
        typer.echo(to_json(fields))
        return
    console = stdout_console()
    console.print(
        f"{state.task} sweep in {state.out}: {state.n_done}/{state.n_runs} done, "
        f"{state.n_failed} failed, {state.n_pending} pending"
    )
    console.print(f"driver: {state.driver}" if state.driver else "no driver running")
    for error in state.errors:
        console.print(f"  failed: {error}")


def sweep_command(
    config: Annotated[
        str,
        typer.Argument(
            metavar="CONFIG.toml | status",
            help="The sweep config (TOML), or `status` to report on a store.",
        ),
    ],
    store: Annotated[
        Path | None,
        typer.Argument(metavar="[DIR]", help="With `status`: the store to report on."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            parser=output_dir,
            help="The results store (created if missing; finished runs are kept and skipped).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Run on an existing Dask scheduler, e.g. tcp://10.0.0.1:8786.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            metavar="N",
            help="Worker processes of the local cluster (default: the CPU count).",
        ),
    ] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Run a task over a grid on Dask into a resumable store, or report on a store.

    `saddlepath sweep CONFIG.toml --out DIR` runs every grid point not yet in DIR (see
    examples/sweep_flow.toml); `saddlepath sweep status DIR` counts done, failed and
    pending runs and names a running driver.
    """
    if config == "status":
        if store is None:
            fail("`saddlepath sweep status` needs the store: saddlepath sweep status DIR.")
        _status(store, as_json)
        return
    if store is not None:
        fail(f"Unexpected argument '{store}': give the store with --out DIR.")
    if out is None:
        fail("saddlepath sweep needs --out DIR: the folder that keeps the results.")
    if scheduler is not None and workers is not None:
        fail(f"Give --scheduler ({scheduler}) or --workers ({workers}), not both.")
    _run(Path(config), out, scheduler, workers, as_json)
