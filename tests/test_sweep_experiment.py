"""A reproduction through the sweep engine (pf-convergence): the same numbers as the serial
run, resumable, and refused clearly where it cannot run (real Dask worker processes)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import saddlepath

pytest.importorskip("distributed")

from saddlepath.experiments.reproductions import pf_convergence as pfc
from saddlepath.experiments.reproductions import pf_figure1
from saddlepath.sweep.experiment import (
    SweepRunsFailedError,
    on_sweep,
    run_reproduction,
)

SMALL = pfc.Config(seeds=(0, 2), alphas=("1e-10", "1e-50"))
ARRAYS = ("relative_errors", "max_delays", "matched", "plateau_errors", "saddle_exponents")


def _same(a, b):
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name in pfc.EXPONENTS:
        np.testing.assert_array_equal(a.intervals[name], b.intervals[name], err_msg=name)


def test_the_sweep_gives_the_serial_numbers_and_resumes(tmp_path):
    serial = pfc.run(SMALL)
    ticks = []
    swept = run_reproduction(pfc, SMALL, tmp_path / "store", workers=1,
                             progress=lambda done, total: ticks.append((done, total)))  # fmt: skip
    _same(swept, serial)
    assert ticks[-1] == (2, 2)
    runs = sorted((tmp_path / "store" / "runs").glob("*/run.json"))
    assert len(runs) == 2
    before = [p.read_bytes() for p in runs]
    again = run_reproduction(pfc, SMALL, tmp_path / "store", workers=1)  # nothing recomputed
    _same(again, serial)
    assert [p.read_bytes() for p in runs] == before


def test_failed_runs_stop_the_collection_with_where_to_look(tmp_path):
    bad = pfc.Config(seeds=(0,), alphas=("1e-10",), rtol=-1.0)  # the flow refuses rtol < 0
    with pytest.raises(SweepRunsFailedError, match=r"1 of 1 runs of pf-convergence failed"):
        run_reproduction(pfc, bad, tmp_path / "store", workers=1)
    assert list((tmp_path / "store" / "failures").glob("*.json"))


def test_only_experiments_with_the_seam_run_on_a_sweep(tmp_path):
    assert on_sweep(pfc) and not on_sweep(pf_figure1)
    with pytest.raises(ValueError, match="pf-figure1 does not run through the sweep engine"):
        run_reproduction(pf_figure1, pf_figure1.Config.quick(), tmp_path / "s", workers=1)


def test_the_cli_runs_the_sweep_into_out_sweep(tmp_path, invoke):
    out = tmp_path / "conv"
    result = invoke("reproduce", "pf-convergence", "--quick", "--workers", "1", "--out", out)
    assert result.exit_code == 0, result.output
    experiment = json.loads((out / "experiment.json").read_text())
    assert experiment["sweep"] == "sweep" and (out / "sweep" / "results.parquet").is_file()
    _same(saddlepath.load(out / "pf_convergence"), pfc.run(pfc.Config.quick()))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pf-figure1", "--workers", "2"), "pf-figure1 does not run through the sweep engine"),
        (("pf-convergence", "--workers", "2", "--scheduler", "tcp://x:1"), "not both"),
        (("pf-convergence", "--workers", "2", "--plot"), "--plot redraws without computing"),
    ],
)
def test_the_cli_refuses_a_sweep_it_cannot_run(tmp_path, invoke, args, message):
    result = invoke("reproduce", *args, "--out", tmp_path / "x")
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "x").exists()
