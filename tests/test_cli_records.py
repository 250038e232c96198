"""Every ``--out`` folder loads back with ``saddlepath.load``, equal to the library's result.

The oracle of each test is the library function called directly on the same arrays (not
the CLI's code path); the comparison is bit for bit on every dataclass field.
"""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np

import saddlepath
from helpers import WORKED_X, WORKED_Y
from saddlepath import gradient_flow, saddle_path
from saddlepath.analysis import explain_jumps
from saddlepath.data import Dataset
from saddlepath.experiments import convergence_study, init_scale_study
from saddlepath.landscape import enumerate_saddles
from test_records import assert_same  # field by field, bit for bit


def stems(out):
    """The record stems in a folder (each must come as a .json/.npz pair)."""
    names = {p.name for p in out.iterdir()}
    found = {n.removesuffix(".json") for n in names if n.endswith(".json")}
    assert {f"{s}.npz" for s in found} <= names, names
    return found


def assert_worked_data(out):
    data = saddlepath.load(out / "data")
    assert isinstance(data, Dataset)
    assert_same(data.X, WORKED_X, "data.X")
    assert_same(data.y, WORKED_Y, "data.y")


def test_worked_csv_reads_back_bitwise(worked_csv):
    """The oracle below runs on WORKED_X/Y: the CSV must hand the CLI the same bits."""
    table = np.loadtxt(worked_csv, delimiter=",")
    assert_same(np.ascontiguousarray(table[:, :-1]), WORKED_X)


def test_path_out_loads_back(worked_csv, tmp_path, invoke):
    out = tmp_path / "p"
    assert invoke("path", worked_csv, "--out", out, "--check").exit_code == 0
    assert stems(out) == {"path", "check", "data"}
    expected = saddle_path(WORKED_X, WORKED_Y)
    assert_same(saddlepath.load(out / "path"), expected)
    assert_same(saddlepath.load(out / "check"), expected.check())
    assert_worked_data(out)
    header = json.loads((out / "path.json").read_text())  # a record, not the --json summary
    assert (header["format"], header["type"]) == (saddlepath.records.FORMAT, "SaddlePath")
    assert invoke("path", worked_csv, "--out", out).exit_code == 0  # no --check: none stale
    assert stems(out) == {"path", "data"}


def test_flow_out_loads_back(worked_csv, tmp_path, invoke):
    out = tmp_path / "f"
    assert invoke("flow", worked_csv, "--alpha", "1e-300", "--out", out).exit_code == 0
    assert stems(out) == {"trajectory", "data"}
    expected = gradient_flow(WORKED_X, WORKED_Y, alpha="1e-300", rtol=1e-8)
    assert_same(saddlepath.load(out / "trajectory"), expected)
    assert_worked_data(out)


def test_analyze_out_loads_back(worked_csv, tmp_path, invoke):
    out = tmp_path / "a"
    assert invoke("analyze", worked_csv, "--out", out).exit_code == 0
    path = saddle_path(WORKED_X, WORKED_Y)
    traj = gradient_flow(WORKED_X, WORKED_Y, alpha="1e-30")
    explanations = explain_jumps(WORKED_X, WORKED_Y, path, traj)
    jumps = {f"jump_{k}" for k in range(path.n_saddles)}
    assert stems(out) == {"path", "trajectory", "data"} | jumps
    assert_same(saddlepath.load(out / "path"), path)
    assert_same(saddlepath.load(out / "trajectory"), traj)
    for k, explanation in enumerate(explanations):
        assert_same(saddlepath.load(out / f"jump_{k}"), explanation, f"jump_{k}")
    assert_worked_data(out)


def test_analyze_removes_the_jumps_of_an_older_longer_run(worked_csv, tmp_path, invoke):
    out = tmp_path / "a"
    out.mkdir()
    for name in ("jump_9.json", "jump_9.npz", "analysis.json", "jump_notes.json"):
        (out / name).write_text("{}")
    assert invoke("analyze", worked_csv, "--out", out).exit_code == 0
    names = {p.name for p in out.iterdir()}
    assert "jump_9.json" not in names and "jump_9.npz" not in names
    assert "analysis.json" not in names  # the summary file of older versions
    assert "jump_notes.json" in names  # not a record name: the user's file stays


def test_saddles_out_loads_back(worked_csv, tmp_path, invoke):
    out = tmp_path / "s"
    assert invoke("saddles", worked_csv, "--out", out).exit_code == 0
    assert stems(out) == {"saddles", "data"}
    path = saddle_path(WORKED_X, WORKED_Y)
    assert_same(saddlepath.load(out / "saddles"), enumerate_saddles(WORKED_X, WORKED_Y, path=path))
    assert_worked_data(out)


def test_init_scale_out_loads_back(worked_csv, tmp_path, invoke):
    out = tmp_path / "i"
    args = ("init-scale", worked_csv, "--gammas", "1e-6,0.3", "--out", out)
    assert invoke(*args).exit_code == 0
    assert stems(out) == {"init_scale", "data"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CLI reports a run's status in its row
        expected = init_scale_study(WORKED_X, WORKED_Y, ["1e-6", "0.3"])
    assert_same(saddlepath.load(out / "init_scale"), expected)
    assert_worked_data(out)


def test_converge_out_loads_back(worked_csv, tmp_path, invoke):
    out = tmp_path / "c"
    assert invoke("converge", worked_csv, "--alphas", "1e-5,1e-10", "--out", out).exit_code == 0
    assert stems(out) == {"convergence", "data"}
    expected = convergence_study(WORKED_X, WORKED_Y, ["1e-5", "1e-10"], rtol=1e-8)
    loaded = saddlepath.load(out / "convergence")
    seconds = loaded.stats["seconds"]
    assert seconds.shape == expected.stats["seconds"].shape and np.all(seconds > 0)
    clock = {**loaded.stats, "seconds": expected.stats["seconds"]}  # wall-clock time may differ
    assert_same(dataclasses.replace(loaded, stats=clock), expected)
    assert_worked_data(out)
