"""``saddlepath escape``: optimal escape directions of a deep ReLU network from the origin.

Wiring only: data (a file, ``--toy`` or ``--digits``) → :math:`G = \\nabla_Y C(0)` of the
``--loss`` → :func:`~saddlepath.deep.escape_direction` and
:func:`~saddlepath.deep.layer_spectra` (or, with a study flag,
:func:`~saddlepath.experiments.escape_width_study` /
:func:`~saddlepath.experiments.escape_depth_study`) → tables or ``--json``; with ``--out``
the records (``escape`` + ``layers``, ``escape_widths`` or ``escape_depth``, and ``data``)
and, with ``--plot``, the figure, written as one set. Needs JAX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from saddlepath.cli._data import load_dataset
from saddlepath.cli._escape_tables import (
    depth_summary,
    depth_table,
    direction_summary,
    direction_table,
    widths_summary,
    widths_table,
)
from saddlepath.cli._exit import EXIT_NOT_SUCCESSFUL, errors_as_exit, fail
from saddlepath.cli._options import JSON, OUT, TARGET
from saddlepath.cli._output_options import check_plot_out
from saddlepath.cli._outputs import DATA_STEM, write_records
from saddlepath.cli._progress import RichStudyProgress
from saddlepath.report import print_written, progress, progress_bar, stdout_console
from saddlepath.report.json import to_json

__all__ = [
    "EXAMPLES",
    "FIGURES",
    "escape_command",
    "parse_depths",
    "parse_widths",
    "problem_of",
]

FIGURES = {"direction": "escape.png", "widths": "escape_widths.png", "depths": "escape_depth.png"}
EXAMPLES = (
    "Examples:\n\n  saddlepath escape --toy --widths-study --restarts 20 --out toy --plot\n\n"
    "  saddlepath escape --digits --loss mse --depth 4 --width 32 --restarts 4 --json\n\n"
    "  saddlepath escape --digits --depths 2..5 --width 16 --out depth --plot\n\n"
    "  saddlepath escape data.csv --target label --loss cross-entropy --depth 3"
)


@dataclass(frozen=True)
class Problem:
    """What an escape search runs on: ``X``, ``G = ∇C(0)``, a name and the data record."""

    X: np.ndarray
    G: np.ndarray
    name: str
    record: Any


def parse_depths(text: str) -> list[int]:
    """``"2..5"`` → ``[2, 3, 4, 5]`` (both ends included, 2 ≤ A ≤ B)."""
    match = re.fullmatch(r"\s*(\d+)\s*\.\.\s*(\d+)\s*", text)
    if match is None or not 2 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--depths must be A..B with 2 ≤ A ≤ B, e.g. 2..5; got {text!r}.")
    return list(range(int(match[1]), int(match[2]) + 1))


def parse_widths(text: str) -> list[int]:
    """``"1,2,4"`` → ``[1, 2, 4]``, each an integer ≥ 1."""
    items = [item.strip() for item in text.split(",")]
    if not all(re.fullmatch(r"\d+", item) and int(item) >= 1 for item in items):
        raise ValueError(
            f"--widths must be integers ≥ 1 separated by commas, e.g. 1,2,4; got {text!r}."
        )
    return [int(item) for item in items]


def _gradient(targets: np.ndarray, loss: str, where: str) -> np.ndarray:
    from saddlepath.deep.network import cross_entropy_gradient, mse_gradient

    if loss == "mse":
        return mse_gradient(targets)
    labels = np.asarray(targets).ravel()
    if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)) or labels.min() < 0:
        raise ValueError(
            f"--loss cross-entropy needs class labels (integers ≥ 0) in {where}; got values "
            f"such as {labels[:3].tolist()}. Use --loss mse for a real-valued target."
        )
    return cross_entropy_gradient(labels.astype(np.int64))


def problem_of(data: Path | None, toy: bool, digits: bool, loss: str, target, n_samples, seed):
    """The :class:`Problem` the options name (exactly one of DATA, --toy, --digits)."""
    if (data is not None) + toy + digits != 1:
        raise ValueError(
            "Give exactly one data source: DATA (a file), --toy (the 8-point toy of Bantzis, "
            "Simon & Jacot) or --digits (scikit-learn's 8×8 digits)."
        )
    if toy:
        from saddlepath.data import Dataset
        from saddlepath.experiments import toy_escape_problem

        X, G = toy_escape_problem()
        return Problem(X, G, "toy", Dataset(X, G[:, 0], name="bsj-toy"))
    if digits:
        from saddlepath.data import load_digits

        images = load_digits(n_samples=n_samples, seed=seed)
        targets = images.one_hot() if loss == "mse" else np.searchsorted(
            images.classes, images.labels
        )  # fmt: skip
        return Problem(images.X, _gradient(targets, loss, "the digits"), "digits", images)
    dataset = load_dataset(data, target)
    return Problem(dataset.X, _gradient(dataset.y, loss, "the target column"), str(data), dataset)


def _direction(problem: Problem, widths, options) -> tuple[Any, Any]:
    import jax

    from saddlepath.deep import escape_direction, layer_spectra

    what = f"Searching the escape direction ({options['n_restarts']} restarts, vmapped)…"
    with progress(what), jax.enable_x64(True):
        result = escape_direction(problem.X, problem.G, widths, **options)
    return result, layer_spectra(result.weights, problem.X)


def _study(problem: Problem, mode: str, width: int, depth: int, depths, options) -> Any:
    from saddlepath import experiments

    with progress_bar() as bar:
        if mode == "widths":
            return experiments.escape_width_study(
                X=problem.X, G=problem.G, depth=depth, progress=RichStudyProgress(
                    bar, "escape search", "width"), **options,
            )  # fmt: skip
        return experiments.escape_depth_study(
            problem.X, problem.G, width=width, depths=depths,
            progress=RichStudyProgress(bar, "escape search", "depth"), **options,
        )  # fmt: skip


def _figure(mode: str, result: Any, spectra: Any) -> Any:
    from saddlepath import plotting  # matplotlib is imported only with --plot

    if mode == "direction":
        return plotting.plot_escape_direction(result, spectra)
    return (plotting.plot_escape_widths if mode == "widths" else plotting.plot_escape_depth)(result)


def _write(out: Path, plot: bool, mode: str, problem: Problem, result, spectra) -> dict:
    stems = {"direction": "escape", "widths": "escape_widths", "depths": "escape_depth"}
    results = {stems[mode]: result, DATA_STEM: problem.record}
    if mode == "direction":
        results["layers"] = spectra
    figure = FIGURES[mode]
    figures = {figure: lambda: _figure(mode, result, spectra)} if plot else {}
    with errors_as_exit():
        return write_records(out, results, figures, owned=tuple(FIGURES.values()))


def _show(mode: str, result, spectra, title: str, as_json: bool, written: dict) -> None:
    if as_json:
        summary = {"direction": lambda: direction_summary(result, spectra),
                   "widths": lambda: widths_summary(result),
                   "depths": lambda: depth_summary(result)}[mode]()  # fmt: skip
        typer.echo(to_json(summary))
        return
    console = stdout_console()
    if mode == "direction":
        console.print(direction_table(result, spectra, title))
    else:
        console.print(widths_table(result) if mode == "widths" else depth_table(result))
    print_written(console, written)


_LOSS = typer.Option(
    "--loss", help="mse (targets one-hot for --digits) or cross-entropy (class labels)."
)
_WIDTHS = typer.Option(
    "--widths", metavar="W1,W2,…", help="The widths of --widths-study (default: 1,2,4,…,64)."
)


def escape_command(
    data: Annotated[Path | None, typer.Argument(metavar="[DATA]", show_default=False,
                    help="Data file (as for `saddlepath path`); or use --toy / --digits.")] = None,
    toy: Annotated[bool, typer.Option("--toy", help="The 8-point toy of BSJ Fig. 2.")] = False,
    digits: Annotated[bool, typer.Option("--digits", help="scikit-learn's 8×8 digits.")] = False,
    depth: Annotated[int, typer.Option("--depth", help="Depth L ≥ 2 (weight matrices).")] = 3,
    width: Annotated[int, typer.Option("--width", help="Every hidden layer's width.")] = 16,
    loss: Annotated[str, _LOSS] = "mse",
    restarts: Annotated[int, typer.Option("--restarts", help="Random starts (≥ 1).")] = 8,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the starts.")] = 0,
    steps: Annotated[int, typer.Option("--steps", help="Projected GD steps per start.")] = 4000,
    warmup: Annotated[int, typer.Option("--warmup", help="Projected Adam steps first.")] = 2000,
    widths_study: Annotated[bool, typer.Option("--widths-study", help="Scan --widths.")] = False,
    widths: Annotated[str | None, _WIDTHS] = None,
    depths: Annotated[str | None, typer.Option("--depths", metavar="A..B",
                      help="Scan the depths A…B at --width, each warm-started.")] = None,
    n_samples: Annotated[int | None, typer.Option("--n-samples", help="--digits: keep N.")] = None,
    target: Annotated[str | None, TARGET] = None,
    out: Annotated[Path | None, OUT] = None,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[bool, typer.Option("--plot", help="Also write the figure into --out.")] = False,
) -> None:  # fmt: skip
    """Find the optimal escape direction from the origin of a bias-free ReLU MLP.

    Minimises L₀(θ) = Σ_k ⟨G_k, Y_θ(x_k)⟩ (G = ∇C(0), a sum over samples) on ‖θ‖² = L from
    --restarts random starts; prints the speed s = −min L₀, its spread over the restarts
    and, per layer, the rank, σ₁/σ₂ and the energy outside σ₁ of the weights and of the
    activations. --widths-study prints the toy's table over widths, --depths the table over
    depths. Exit code 1 when the search failed (NaN); a step limit is shown in the table.
    """
    check_plot_out(plot, out)
    if loss not in ("mse", "cross-entropy"):
        fail(f"--loss must be mse or cross-entropy; got {loss!r}.")
    if widths_study and depths is not None:
        fail("--widths-study and --depths are two studies; pass one of them.")
    mode = "widths" if widths_study else ("depths" if depths is not None else "direction")
    options = {"n_restarts": restarts, "seed": seed, "n_steps": steps, "n_warmup_steps": warmup}
    with errors_as_exit():
        problem = problem_of(data, toy, digits, loss, target, n_samples, seed)
        depth_list = parse_depths(depths) if depths is not None else None
        if mode == "widths" and widths is not None:
            options["widths"] = parse_widths(widths)
        if mode == "widths" and plot and (problem.X.shape[1] != 2 or problem.G.shape[1] != 1):
            raise ValueError("--plot with --widths-study draws the toy: use --toy.")
        if mode == "direction":
            result, spectra = _direction(problem, (width,) * (depth - 1), options)
        else:
            result, spectra = _study(problem, mode, width, depth, depth_list, options), None
    written = {} if out is None else _write(out, plot, mode, problem, result, spectra)
    title = f"Escape direction on {problem.name} (depth {depth}, width {width}, {loss})"
    _show(mode, result, spectra, title, as_json, written)
    statuses = [result.status] if mode == "direction" else [r.status for r in result.results]
    if not all(s.success for s in statuses):
        raise typer.Exit(EXIT_NOT_SUCCESSFUL)
