"""The ``saddlepath`` command line: data → exact path → table, JSON, files and figures.

This module only wires the library together; numerical work lives in
:mod:`saddlepath.diagonal`, files in :mod:`saddlepath.io` and figures in
:mod:`saddlepath.plotting`. Every expected failure (missing file, bad target column,
invalid option, data the library rejects, unwritable output) ends as one red line on
stderr and exit code 2; a failed ``--check`` exits with 1.
"""

from __future__ import annotations

import enum
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from saddlepath import __version__, io
from saddlepath.data import Dataset, demo_problem, load_data
from saddlepath.diagonal import PathStatus, SaddlePath, saddle_path
from saddlepath.warnings import SaddlepathWarning

try:  # typer ≥ 0.22 vendors click; its exceptions derive from TyperException
    from typer import TyperException as _CliError
except ImportError:  # pragma: no cover - older typer on top of click
    from click import ClickException as _CliError

__all__ = ["DEMO_STEPS", "DemoContext", "DemoStep", "app"]

EXIT_USAGE = 2
EXIT_CHECK_FAILED = 1
MAX_LISTED = 6  # coordinates listed per table cell before "…+N"
FIGURES = ("loss.png", "coefs_vs_tau.png", "coefs_vs_saddle.png")
_EXPECTED_ERRORS = (OSError, ValueError, TypeError)
_PATH_EXAMPLES = (
    "Examples:\n\n  saddlepath path data.csv --target y --out results --plot\n\n"
    "  saddlepath path data.npz --json > path.json\n\n"
    "  saddlepath path data.csv --target 0 --max-jumps 50 --check"
)


class _OneLineErrors(TyperGroup):
    """A Typer group that reports usage errors as one red line (exit 2), not a panel."""

    def main(
        self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra: Any
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except typer.Abort:
            _error("aborted.")
            sys.exit(1)
        except _CliError as exc:
            if type(exc).__name__ != "NoArgsIsHelpError":  # its help is already printed
                ctx = getattr(exc, "ctx", None)
                hint = f" Try '{ctx.command_path} --help'." if ctx is not None else ""
                message = exc.format_message().rstrip()
                _error(message + ("" if message.endswith((".", "?")) else ".") + hint)
            sys.exit(getattr(exc, "exit_code", EXIT_USAGE))
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    name="saddlepath",
    cls=_OneLineErrors,
    epilog="Examples:\n\n  saddlepath demo --out demo-output\n\n"
    "  saddlepath path data.csv --target y --out results --plot --check",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)


class Precision(enum.StrEnum):
    """Arithmetic of the correlation scans of :func:`saddlepath.saddle_path`."""

    auto = "auto"
    float64 = "float64"
    mixed = "mixed"


# --------------------------------------------------------------------------- reporting


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _error(message: str) -> None:
    """One red line on stderr (no markup interpretation of the message)."""
    _stderr().print(f"[bold red]error:[/] {escape(' '.join(message.split()))}")


def _describe_error(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror and exc.filename:
        return f"{exc.strerror}: '{exc.filename}'"
    return str(exc) or type(exc).__name__


@contextmanager
def _errors_as_exit() -> Iterator[None]:
    """Turn expected errors into a one-line message and exit code 2; show our warnings."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SaddlepathWarning)
            try:
                yield
            finally:
                for w in caught:
                    _stderr().print(f"[yellow]warning:[/] {escape(str(w.message))}")
    except _EXPECTED_ERRORS as exc:
        _error(_describe_error(exc))
        raise typer.Exit(EXIT_USAGE) from None


def _coordinates(indices: tuple[int, ...], names: tuple[str, ...] | None) -> str:
    """``"3, 7, 9"`` (or feature names), cut to ``MAX_LISTED`` items plus ``"…+N"``."""
    shown = [str(i) if names is None else names[i] for i in indices[:MAX_LISTED]]
    text = ", ".join(shown)
    if len(indices) > MAX_LISTED:
        text += f" …+{len(indices) - MAX_LISTED}"
    return escape(text)


def path_table(path: SaddlePath, dataset: Dataset) -> Table:
    """A Rich table with one row per saddle: k, τ_k, entering, leaving, loss, ‖β_k‖₁."""
    table = Table(
        title=f"Saddle path of {escape(dataset.name)} "
        f"({dataset.n_samples} samples × {dataset.n_features} features)",
        caption="τ: accelerated time t/ln(1/α); L(β) = ‖Xβ − y‖²/(2n)",
    )
    table.add_column("k", justify="right")
    table.add_column("τ_k", justify="right")
    table.add_column("entering", overflow="fold")
    table.add_column("leaving", overflow="fold")
    table.add_column("loss L(β_k)", justify="right")
    table.add_column("‖β_k‖₁", justify="right")
    names = dataset.feature_names
    for row in path.summary_rows():
        table.add_row(
            str(row["k"]),
            f"{row['tau']:.6g}",
            _coordinates(tuple(row["entered"]), names) or "–",
            _coordinates(tuple(row["left"]), names) or "–",
            f"{row['loss']:.4e}",
            f"{row['l1_norm']:.6g}",
        )
    return table


def status_line(path: SaddlePath) -> str:
    """Status of the path in words, coloured green for a normal end, else yellow."""
    ok = path.status in (PathStatus.MIN_L1_INTERPOLATOR, PathStatus.LEAST_SQUARES)
    colour = "green" if ok else "yellow"
    return (
        f"[{colour}]status:[/] {escape(path.status.value)} ({path.status.name}); "
        f"{path.n_jumps} jumps, {path.n_passes} passes over X"
    )


def render_text(*renderables: Any, width: int = 100) -> str:
    """Plain text (no colour) of Rich renderables as printed ``width`` columns wide."""
    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    for item in renderables:
        console.print(item)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _print_check(console: Console, report: Any) -> None:
    """The certificate report, its first line green (passed) or red (failed)."""
    first, *rest = str(report).splitlines() or [""]
    colour = "green" if report.passed else "red"
    console.print(f"[{colour}]{escape(first)}[/]")
    for line in rest:
        console.print(escape(line))


# ------------------------------------------------------------------------------ wiring


def _parse_target(target: str | None) -> int | str | None:
    """An integer position when ``target`` looks like one (``"0"``, ``"-1"``), else a name."""
    if target is None:
        return None
    text = target.strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else target


def _metadata(dataset: Dataset, source: str) -> dict[str, Any]:
    names = None if dataset.feature_names is None else list(dataset.feature_names)
    return {
        "data": {
            "name": dataset.name,
            "source": source,
            "n_samples": dataset.n_samples,
            "n_features": dataset.n_features,
            "feature_names": names,
        }
    }


def compute_path(
    dataset: Dataset, *, max_jumps: int | None = None, precision: str = "auto"
) -> SaddlePath:
    """Run :func:`~saddlepath.saddle_path` on a data set behind a spinner on stderr."""
    with _stderr().status("Computing the exact saddle path…"):
        return saddle_path(dataset.X, dataset.y, max_jumps=max_jumps, precision=precision)


def certify(path: SaddlePath) -> Any:
    """Run :meth:`SaddlePath.check` behind a spinner; returns its report."""
    with _stderr().status("Certifying the path (KKT, duals, endpoint vs an independent solver)…"):
        return path.check()


def write_figures(
    path: SaddlePath, out_dir: Path, feature_names: tuple[str, ...] | None = None
) -> dict[str, Path]:
    """Write the three figures of the path into ``out_dir`` atomically."""
    from saddlepath import plotting  # matplotlib is imported only when figures are wanted

    makers: dict[str, Callable[[], Any]] = {
        FIGURES[0]: lambda: plotting.plot_loss_staircase(path),
        FIGURES[1]: lambda: plotting.plot_coefficients_vs_time(path, feature_names=feature_names),
        FIGURES[2]: lambda: plotting.plot_coefficients_vs_saddle(path, feature_names=feature_names),
    }
    directory = io.prepare_output_dir(out_dir)
    with _stderr().status("Drawing the figures…"):
        return {
            name: io.save_figure_atomic(make(), directory / name) for name, make in makers.items()
        }


def _print_written(console: Console, written: dict[str, Path]) -> None:
    if written:
        folder = next(iter(written.values())).parent
        names = ", ".join(p.name for p in written.values())
        console.print(f"wrote {escape(names)} to {escape(str(folder))}")


# ---------------------------------------------------------------------------- commands


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"saddlepath {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version of saddlepath and exit.",
        ),
    ] = False,
) -> None:
    """Exact saddle-to-saddle paths of diagonal linear networks from small initialisation.

    Computes the α → 0 limit of gradient flow on β = u ⊙ v (Pesme & Flammarion 2023,
    Algorithm 1): the jump times τ_k, in accelerated time τ = t/ln(1/α), and the saddles
    β_k, with the loss L(β) = ‖Xβ − y‖²/(2n).
    """


_DATA = typer.Argument(
    metavar="DATA",
    show_default=False,
    help="Data file: .csv/.tsv/.txt (one column is the target y, the rest is X), a 2-D .npy "
    "array, or an .npz archive holding arrays X and y.",
)
_TARGET = typer.Option(
    "--target",
    "-t",
    metavar="COL",
    help="Target column: a header name or a 0-based position (negative counts from the end). "
    "Default: the last column. For .npz files, the name of the y array.",
)
_OUT = typer.Option(
    "--out", "-o", metavar="DIR", help="Directory for path.json and path.npz (created if missing)."
)
_JSON = typer.Option("--json", help="Print the path as JSON on stdout instead of the table.")
_PLOT = typer.Option(
    "--plot", help="Also write loss.png, coefs_vs_tau.png and coefs_vs_saddle.png into --out."
)
_MAX_JUMPS = typer.Option(
    "--max-jumps",
    min=1,
    metavar="N",
    help="Stop after N jumps. Default: 20·min(n_samples, n_features) + 100.",
)
_PRECISION = typer.Option(
    help="Arithmetic of the correlation scans: float64, or mixed (float32 scan with an exact "
    "float64 re-check, same result); auto picks mixed for large X."
)
_CHECK = typer.Option(
    "--check/--no-check",
    help="Certify the path independently of the solver (KKT, |s| ≤ 1, endpoint vs LP or least "
    "squares) and print the report; exit code 1 if it fails.",
)


@app.command("path", epilog=_PATH_EXAMPLES)
def path_command(
    data: Annotated[Path, _DATA],
    target: Annotated[str | None, _TARGET] = None,
    out: Annotated[Path | None, _OUT] = None,
    as_json: Annotated[bool, _JSON] = False,
    plot: Annotated[bool, _PLOT] = False,
    max_jumps: Annotated[int | None, _MAX_JUMPS] = None,
    precision: Annotated[Precision, _PRECISION] = Precision.auto,
    check: Annotated[bool, _CHECK] = False,
) -> None:
    """Compute the exact saddle-to-saddle path of a data set and report it."""
    if plot and out is None:
        _error("--plot needs --out DIR: the figures are written into that directory.")
        raise typer.Exit(EXIT_USAGE)
    with _errors_as_exit():
        dataset = load_data(data, target=_parse_target(target))
        path = compute_path(dataset, max_jumps=max_jumps, precision=precision.value)
        report = certify(path) if check else None
        meta = _metadata(dataset, str(data))
        written = {} if out is None else io.save_path(path, out, metadata=meta)
        if plot:
            written.update(write_figures(path, out, dataset.feature_names))
    if as_json:
        record = io.path_record(path, metadata=meta)
        if report is not None:
            record["check"] = io.report_record(report)
        typer.echo(io.to_json(record))
    else:
        console = _stdout()
        console.print(path_table(path, dataset))
        console.print(status_line(path))
        if report is not None:
            _print_check(console, report)
        _print_written(console, written)
    if report is not None and not report.passed:
        _error("the certificate of the path failed; see the check report.")
        raise typer.Exit(EXIT_CHECK_FAILED)


# -------------------------------------------------------------------------------- demo


@dataclass
class DemoContext:
    """What the demo steps share: output folder, console, data, path and files written."""

    out_dir: Path
    console: Console
    dataset: Dataset = field(default_factory=demo_problem)
    path: SaddlePath | None = None
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
    ctx.path = compute_path(ctx.dataset)


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
    last, planted = ctx.path.coefs[-1], ctx.dataset.beta_star
    gap = float(np.max(np.abs(last - planted)))
    ctx.console.print(
        f"support of the last saddle {np.flatnonzero(last).tolist()}, planted "
        f"{np.flatnonzero(planted).tolist()}; max |β_last − β*| = {gap:.2e}"
    )


@demo_step("files", "the path as path.json and path.npz")
def _demo_files(ctx: DemoContext) -> None:
    ctx.written.update(
        io.save_path(ctx.path, ctx.out_dir, metadata=_metadata(ctx.dataset, "demo_problem(seed=0)"))
    )


@demo_step("figures", "loss staircase, coordinates vs τ and vs saddle index → PNG")
def _demo_figures(ctx: DemoContext) -> None:
    ctx.written.update(write_figures(ctx.path, ctx.out_dir, ctx.dataset.feature_names))


@demo_step("check", "certificate of the path (KKT, duals, endpoint vs LP) → check.txt")
def _demo_check(ctx: DemoContext) -> None:
    report = certify(ctx.path)
    _print_check(ctx.console, report)
    ctx.written["check"] = io.write_text_atomic(ctx.out_dir / "check.txt", f"{report}\n")
    if not report.passed:
        ctx.failures.append("check")


@app.command("demo", epilog="Example: saddlepath demo --out demo-output")
def demo_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Directory for the table, path files and figures (created if missing).",
        ),
    ] = Path("demo-output"),
) -> None:
    """Run the built-in example and write its table, path files and figures."""
    console = _stdout()
    with _errors_as_exit():
        ctx = DemoContext(out_dir=io.prepare_output_dir(out), console=console)
        for number, step in enumerate(DEMO_STEPS, start=1):
            console.print(f"[bold]{number}/{len(DEMO_STEPS)}[/] {escape(step.description)}")
            step.run(ctx)
    _print_written(console, ctx.written)
    if ctx.failures:
        _error(f"demo step(s) failed: {', '.join(ctx.failures)}.")
        raise typer.Exit(EXIT_CHECK_FAILED)
