"""``saddlepath reproduce``: the registry, the experiment folder (its contract) and --plot."""

from __future__ import annotations

import html
import json

import numpy as np
import pytest

import saddlepath
from saddlepath.cli import _experiment_folder
from saddlepath.experiments import reproductions
from saddlepath.experiments.reproductions import (
    REPRODUCTIONS,
    Reproduction,
    ReproductionUnavailableError,
    pf_figure1,
    reproduction_module,
)

ROW_KEYS = {"quantity", "paper", "saddlepath", "exact", "verdict", "reason"}


def test_list_names_every_experiment_without_importing_them(invoke):
    result = invoke("reproduce", "--list")
    assert result.exit_code == 0, result.output
    for entry in REPRODUCTIONS:
        assert entry.name in result.stdout
    names = {e.name for e in REPRODUCTIONS}
    assert {"pf-figure1", "pf-convergence", "pf-generalisation", "thesis-small-cases",
            "thesis-d7n5", "thesis-init-scale"} <= names  # fmt: skip


def test_an_unknown_name_lists_the_known_ones(invoke):
    result = invoke("reproduce", "pf-figure9")
    assert result.exit_code == 2
    assert "No reproduction is called 'pf-figure9'" in result.stderr
    assert "pf-figure1" in result.stderr and "--list" in result.stderr
    assert invoke("reproduce").exit_code == 2  # no NAME and no --list


def test_a_registered_module_not_installed_says_so(monkeypatch):
    ghost = Reproduction("pf-ghost", "pf", "not there", "saddlepath.experiments.nothing_here")
    monkeypatch.setitem(reproductions._BY_NAME, "pf-ghost", ghost)
    with pytest.raises(ReproductionUnavailableError, match=r"pf-ghost.*not part of this"):
        reproduction_module("pf-ghost")


def test_every_registered_module_that_exists_follows_the_contract():
    for entry in REPRODUCTIONS:
        try:
            module = reproduction_module(entry.name)
        except ReproductionUnavailableError:
            continue  # merged later (the thesis modules on this branch)
        assert module.NAME == entry.name and module.PAPER == entry.paper
        assert module.DESCRIPTION == entry.description
        for member in ("Config", "run", "comparison", "summary"):
            assert callable(getattr(module, member)), member
        assert all(c.why for c in module.Config().choices())


def test_the_folder_follows_the_contract_and_plot_redraws_it(tmp_path, invoke, monkeypatch):
    out = tmp_path / "fig1"
    (tmp_path / "fig1").mkdir()
    (out / "mine.png").write_bytes(b"not ours")  # a user's file stays
    result = invoke("reproduce", "pf-figure1", "--quick", "--out", out)
    assert result.exit_code == 0, result.output
    assert "paper · saddlepath · exact" in result.stdout and "agrees" in result.stdout
    experiment = json.loads((out / "experiment.json").read_text(encoding="utf-8"))
    assert {"name", "description", "paper", "quick", "config", "choices", "versions",
            "wall_s"} <= set(experiment)  # fmt: skip
    assert experiment["name"] == "pf-figure1" and experiment["quick"] is True
    assert experiment["config"]["alphas"] == list(pf_figure1.Config.quick().alphas)
    assert all(set(c) == {"setting", "value", "why"} for c in experiment["choices"])
    rows = json.loads((out / "comparison.json").read_text(encoding="utf-8"))["rows"]
    record = saddlepath.load(out / "pf_figure1")
    expected = pf_figure1.comparison(record)
    assert [set(r) for r in rows] == [ROW_KEYS] * len(expected)
    assert [r["saddlepath"] for r in rows] == [r.saddlepath for r in expected]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "| quantity | paper | saddlepath | exact | verdict | reason |" in summary
    for stem in experiment["figures"]:
        assert (out / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
        assert (out / f"{stem}.pdf").read_bytes()[:4] == b"%PDF"
    assert (out / "mine.png").read_bytes() == b"not ours"

    (out / "figure1_loss.png").unlink()
    (out / "figure1_3d.pdf").write_bytes(b"stale")

    def no_run(config, **kwargs):
        raise AssertionError("--plot must not recompute")

    monkeypatch.setattr(pf_figure1, "run", no_run)
    beta = record.runs[-1].beta.copy()
    result = invoke("reproduce", "pf-figure1", "--out", out, "--plot")
    assert result.exit_code == 0, result.output
    assert (out / "figure1_loss.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "figure1_3d.pdf").read_bytes()[:4] == b"%PDF"
    np.testing.assert_array_equal(saddlepath.load(out / "pf_figure1").runs[-1].beta, beta)
    assert (out / "mine.png").read_bytes() == b"not ours"


def test_plot_needs_an_experiment_of_that_name(tmp_path, invoke):
    result = invoke("reproduce", "pf-figure1", "--out", tmp_path / "empty", "--plot")
    assert result.exit_code == 2 and "holds no reproduction" in result.stderr
    assert invoke("reproduce", "pf-figure1", "--plot", "--quick").exit_code == 2


def test_full_is_refused_where_no_full_size_exists_and_beside_quick_or_plot(tmp_path, invoke):
    result = invoke("reproduce", "pf-figure1", "--out", tmp_path / "f", "--full")
    assert result.exit_code == 2
    assert "pf-figure1 has no full-size variant" in result.stderr
    assert "--full" in result.stderr and "bsj-mnist" in result.stderr
    assert not (tmp_path / "f").exists()
    for other in ("--quick", "--plot"):
        result = invoke("reproduce", "bsj-mnist", "--full", other, "--out", tmp_path / "g")
        assert result.exit_code == 2 and other in result.stderr


def test_full_runs_the_paper_sized_config(tmp_path, monkeypatch):
    from saddlepath.experiments.reproductions import bsj_mnist

    seen = []

    def fake_run(config, **kwargs):
        seen.append(config)
        raise RuntimeError("stop after choosing the config")

    monkeypatch.setattr(bsj_mnist, "run", fake_run)
    with pytest.raises(RuntimeError, match="stop after"):
        _experiment_folder.write_experiment("bsj-mnist", tmp_path / "m", full=True)
    assert seen == [bsj_mnist.Config.full_size()] and seen[0].width == 1000
    assert _experiment_folder.experiment_config("bsj-mnist") == bsj_mnist.Config()


def test_the_markdown_table_escapes_pipes():
    row = reproductions.ComparisonRow("a | b", "1", "2", "", "n/a")
    table = _experiment_folder.comparison_markdown([row])
    assert table.splitlines()[2] == "| a \\| b | 1 | 2 |  | n/a |  |"


@pytest.mark.slow
@pytest.mark.parametrize("name", [e.name for e in REPRODUCTIONS if e.name != "pf-figure1"])
def test_every_quick_version_writes_its_folder(name, tmp_path):
    try:
        module = reproduction_module(name)
    except ReproductionUnavailableError:
        pytest.skip(f"{name} is not installed on this branch")
    result, written = _experiment_folder.write_experiment(name, tmp_path / name, quick=True)
    experiment = json.loads(written["experiment.json"].read_text(encoding="utf-8"))
    assert experiment["quick"] is True and experiment["figures"]
    rows = json.loads(written["comparison.json"].read_text(encoding="utf-8"))["rows"]
    assert [r["verdict"] for r in rows] == [r.verdict for r in module.comparison(result)]
    assert all(r["reason"] for r in rows if r["verdict"] == "differs")
    assert {f"{s}.pdf" for s in experiment["figures"]} <= set(written)
    # the HTML report reads the real folder (not only the contract's fixtures)
    from saddlepath.report.html import build_page

    page = build_page(tmp_path / name)
    assert page.kind == "experiment" and not page.problems, page.problems
    assert len(rows) > 0 and html.escape(rows[0]["quantity"]) in page.html
