"""Folders the HTML report reads, built exactly as their writers lay them out, and the
detection of their kind (run, experiment, sweep) with its errors.

The builders here are shared by the report's tests: a run folder is the real output of
``saddlepath path`` and ``saddlepath flow`` on the worked example; experiment folders and
sweep stores follow the shared folder contracts field by field (their writers are built
alongside), with record pairs written by ``saddlepath.save``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import saddlepath as sp
from helpers import WORKED_X, WORKED_Y
from saddlepath import cli
from saddlepath.data import Dataset
from saddlepath.report.html import ReportFolderError, folder_kind

EVIL = "<script>alert('x')</script>&<b>"  # must appear on the page only as text
SWEEP_ALPHAS = ("1e-5", "1e-10", "1e-100")
SWEEP_SEEDS = (0, 1, 2)


def sweep_error(alpha: str, seed: int) -> float:
    """The made-up plateau error of the fixture's runs: 10^(-k/5)·(1 + seed) for α = 1e-k."""
    k = int(alpha.split("e-")[1])
    return 10.0 ** (-k / 5) * (1 + seed)


def run_folder(tmp_path: Path) -> Path:
    """``saddlepath path worked.npz --out run --check`` then ``flow ... --plot`` into it."""
    data = tmp_path / "worked.npz"
    np.savez(data, X=WORKED_X, y=WORKED_Y)
    out = tmp_path / "run"
    runner = CliRunner()
    for args in (
        ["path", data, "--out", out, "--check"],
        ["flow", data, "--alpha", "1e-30", "--out", out, "--plot"],
    ):
        result = runner.invoke(cli.app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    return out


def _png(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.imsave(path, np.arange(12.0).reshape(3, 4))


def experiment_folder(tmp_path: Path, text: str = "pf-figure1") -> Path:
    """An experiment folder per the contract; ``text`` goes into every free-text field."""
    out = tmp_path / "experiment"
    out.mkdir()
    meta = {
        "name": text, "description": f"description {text}", "paper": "pf", "quick": True,
        "config": {"alphas": ["1e-2", "1e-10"], "seed": 5, text: text},
        "choices": [{"setting": "data", "value": text, "why": f"why {text}"}],
        "versions": {"saddlepath": "0.1.0", "numpy": np.__version__}, "wall_s": 0.25,
    }  # fmt: skip
    (out / "experiment.json").write_text(json.dumps(meta), encoding="utf-8")
    rows = [
        {"quantity": "jump times", "paper": "2, 8", "saddlepath": "2, 8", "exact": "2, 8",
         "verdict": "agrees", "reason": ""},
        {"quantity": text, "paper": text, "saddlepath": "1", "exact": "",
         "verdict": "differs", "reason": f"reason {text}"},
    ]  # fmt: skip
    (out / "comparison.json").write_text(json.dumps({"rows": rows}), encoding="utf-8")
    (out / "summary.md").write_text(f"# Summary\n\n{text}\n", encoding="utf-8")
    _png(out / "figure1_loss.png")
    (out / "figure1_loss.pdf").write_bytes(b"%PDF-1.4\n")
    path = sp.saddle_path(WORKED_X, WORKED_Y)
    sp.save(path, out / "path")
    sp.save(Dataset(WORKED_X, WORKED_Y, name=text, feature_names=(text, "b", "c", "d")),
            out / "data")  # fmt: skip
    return out


def sweep_store(tmp_path: Path, text: str = "boom") -> Path:
    """A sweep store per the contract: 3 α × 3 seeds done, one failure, results.parquet."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    out = tmp_path / "sweep"
    (out / "runs").mkdir(parents=True)
    (out / "failures").mkdir()
    (out / "sweep.toml").write_text('task = "path"\n', encoding="utf-8")
    rows, keys = [], []
    result = sp.saddle_path(WORKED_X, WORKED_Y)
    for alpha in SWEEP_ALPHAS:
        for seed in SWEEP_SEEDS:
            config = {"task": "flow", "alpha": alpha, "seed": seed, "data": "worked"}
            key = hashlib.sha256(json.dumps(config).encode()).hexdigest()[:16]
            keys.append(key)
            run = out / "runs" / key
            run.mkdir()
            sp.save(result, run / "result")
            info = {"key": key, "config": config, "status": "done", "wall_s": 0.5 + seed,
                    "versions": {"saddlepath": "0.1.0", "numpy": np.__version__},
                    "finished": "2026-11-30T12:00:00+00:00"}  # fmt: skip
            (run / "run.json").write_text(json.dumps(info), encoding="utf-8")
            rows.append({"key": key, "status": "done", "wall_s": 0.5 + seed,
                         "param.alpha": alpha, "param.seed": seed, "n_saddles": 4,
                         "plateau_error": sweep_error(alpha, seed), "method": "flow"})  # fmt: skip
    config = {"task": "flow", "alpha": "1e-1000", "seed": 0, "data": "worked"}
    rows.append({"key": "f" * 16, "status": "failed", "wall_s": 0.1, "param.alpha": "1e-1000",
                 "param.seed": 0, "n_saddles": None, "plateau_error": None,
                 "method": "flow"})  # fmt: skip
    failure = {
        "key": "f" * 16,
        "config": config,
        "error": f"ValueError: {text}",
        "traceback": f"Traceback (most recent call last):\n  {text}\n",
        "attempts": 3,
    }
    (out / "failures" / f"{'f' * 16}.json").write_text(json.dumps(failure), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), out / "results.parquet")
    manifest = {"task": "flow", "grid": {"alpha": list(SWEEP_ALPHAS), "seed": list(SWEEP_SEEDS)},
                "n_runs": 10, "keys": [*keys, "f" * 16], "saddlepath_version": "0.1.0",
                "created": "2026-11-30T11:59:00+00:00"}  # fmt: skip
    (out / "sweep.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


# ------------------------------------------------------------------------ detection


def test_each_kind_is_detected(tmp_path):
    assert folder_kind(experiment_folder(tmp_path)) == "experiment"
    assert folder_kind(sweep_store(tmp_path)) == "sweep"
    run = tmp_path / "records"
    run.mkdir()
    sp.save(sp.saddle_path(WORKED_X, WORKED_Y), run / "path")
    assert folder_kind(run) == "run"


def test_a_folder_of_none_of_the_kinds_is_refused_naming_what_was_expected(tmp_path):
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")  # a .json without .npz
    (tmp_path / "table.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ReportFolderError, match=r"not a run, experiment or sweep folder: "
                       r"expected sweep\.json .* found notes\.json, table\.txt\."):  # fmt: skip
        folder_kind(tmp_path)


def test_a_missing_folder_and_a_file_are_refused(tmp_path):
    with pytest.raises(ReportFolderError, match="does not exist"):
        folder_kind(tmp_path / "nowhere")
    (tmp_path / "page.html").write_text("x", encoding="utf-8")
    with pytest.raises(ReportFolderError, match="is a file, not a folder"):
        folder_kind(tmp_path / "page.html")


def test_a_json_npz_pair_that_is_not_a_record_does_not_make_a_run_folder(tmp_path):
    (tmp_path / "x.json").write_text('{"format": "other"}', encoding="utf-8")
    np.savez(tmp_path / "x.npz", a=np.zeros(2))
    with pytest.raises(ReportFolderError, match=r"found x\.json, x\.npz"):
        folder_kind(tmp_path)


def test_the_page_assets_are_package_data():
    """chart.js and page.css ship in the wheel: pyproject's package-data names them."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["saddlepath.report.html"]
    assets = [p for p in (root / "src/saddlepath/report/html").iterdir()
              if p.is_file() and p.suffix not in (".py", ".pyc")]  # fmt: skip
    assert sorted(a.name for a in assets) == ["chart.js", "page.css"]
    assert all(any(a.match(pattern) for pattern in patterns) for a in assets)
