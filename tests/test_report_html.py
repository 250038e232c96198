"""The HTML report page: its charts hold the records' numbers, its tables the console's
rows, every text from a file is escaped, and nothing is fetched from the network.

Oracles: the worked example's exact saddles and jump times (``helpers.WORKED_*``, exact
rationals), losses recomputed from them in exact arithmetic, the records loaded back with
``saddlepath.load``, and λ = k·ln 10 for α = 1e-k.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from fractions import Fraction

import numpy as np
import pytest
from typer.testing import CliRunner

import saddlepath as sp
from helpers import WORKED_SADDLES, WORKED_TIMES, WORKED_X, WORKED_Y
from saddlepath import cli
from saddlepath.data import Dataset
from saddlepath.diagonal import SaddlePath, Trajectory
from saddlepath.report.html import build_page, write_page
from saddlepath.report.html._markup import esc, json_script
from saddlepath.report.html._sweep import lambda_of_alpha
from test_report_html_folders import (
    EVIL,
    SWEEP_ALPHAS,
    experiment_folder,
    run_folder,
    sweep_error,
    sweep_store,
)


def chart_specs(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="saddlepath-charts">(.*?)</script>',
                      html, re.S)  # fmt: skip
    return json.loads(block[1])


def exact_loss(beta) -> Fraction:
    """L(β) = ‖Xβ − y‖²/(2n) in exact arithmetic (X, y are exact binary fractions)."""
    X = [[Fraction(v) for v in row] for row in WORKED_X]
    r = [sum(x * b for x, b in zip(row, beta, strict=True)) - Fraction(t)
         for row, t in zip(X, WORKED_Y, strict=True)]  # fmt: skip
    return sum(v * v for v in r) / (2 * len(r))


@pytest.fixture(scope="module")
def run_page(tmp_path_factory):
    folder = run_folder(tmp_path_factory.mktemp("report"))
    return folder, build_page(folder)


def test_run_page_charts_hold_the_exact_staircase_and_coordinates(run_page):
    folder, page = run_page
    specs = chart_specs(page.html)
    loss = specs["path-loss"]["series"][0]
    assert loss["kind"] == "step"
    np.testing.assert_allclose(loss["x"][:4], [float(t) for t in WORKED_TIMES], rtol=1e-12)
    exact = [float(exact_loss(b)) for b in WORKED_SADDLES]
    np.testing.assert_allclose(loss["y"][:4], exact, rtol=1e-12, atol=1e-15)
    assert loss["labels"][:4] == ["saddle 0", "saddle 1", "saddle 2", "saddle 3"]
    curves = {s["name"]: s["y"][:4] for s in specs["path-beta"]["series"]}
    assert sorted(curves) == ["β_0", "β_2", "β_3"]  # coordinate 1 never leaves 0
    for i in (0, 2, 3):
        np.testing.assert_allclose(curves[f"β_{i}"], [float(b[i]) for b in WORKED_SADDLES],
                                   rtol=1e-12, atol=1e-15)  # fmt: skip
    traj = sp.load(folder / "trajectory")
    run_loss = specs["trajectory-loss"]["series"][0]
    assert traj.tau.size < 2000 and run_loss["y"] == traj.loss.tolist()  # every saved point
    assert page.n_charts == 4 and page.problems == ()


def test_run_page_shows_the_console_tables_figures_and_versions(run_page):
    folder, page = run_page
    html = page.html
    assert page.kind == "run" and page.sections == ("results", "figures", "versions")
    for title in ("Saddle path of worked", "Plateaus of gradient flow on worked",
                  "certificate passed", "n_grad_evals"):  # fmt: skip
        assert esc(title) in html, title
    # the path table's last row: k = 3 at τ = 8 + 160/49, coordinate 3 entering
    assert re.search(r"<tr><td>3</td><td>11\.2653</td><td>3</td>", html)
    pngs = sorted(p.name for p in folder.glob("*.png"))
    assert len(pngs) == 4 and html.count('<img class="figure"') == len(pngs)
    for stem in ("path", "check", "data", "trajectory"):
        assert f'<td class="text">{stem}</td>' in html


def test_the_page_fetches_nothing(run_page):
    html = run_page[1].html
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html)
    assert refs and all(r.startswith(("data:", "#")) for r in refs), set(refs)
    assert "<link" not in html and "@import" not in html
    assert not re.search(r"url\((?!#)", html)  # only local fragments (the charts' clip paths)


def test_experiment_page_escapes_every_text_from_the_folder(tmp_path):
    page = build_page(experiment_folder(tmp_path, EVIL))
    html = page.html
    assert html.count("<script") == 2  # the chart data and the chart script, nothing else
    assert EVIL not in html and "alert(" in html  # present, but only as text
    assert html.count(esc(EVIL)) >= 6  # name, description, config, choice, comparison, summary
    assert "\\u003cscript>" in chart_specs_raw(html)  # feature name inside the chart data
    assert page.sections[:5] == ("experiment", "parameters", "choices", "comparison", "summary")
    assert 'class="verdict-differs"' in html and 'class="verdict-agrees"' in html
    assert "figure1_loss.pdf" in html and page.problems == ()
    names = {s["name"] for s in chart_specs(html)["path-beta"]["series"]}
    assert names == {f"β[{EVIL}] (coordinate 0)", "β[c] (coordinate 2)", "β[d] (coordinate 3)"}


def chart_specs_raw(html: str) -> str:
    return html.split('id="saddlepath-charts">', 1)[1].split("</script>", 1)[0]


def test_sweep_page_summarises_the_grid_with_median_and_spread(tmp_path):
    page = build_page(sweep_store(tmp_path, EVIL))
    assert page.kind == "sweep"
    assert page.sections == ("sweep", "grid", "summary", "runs", "failures", "versions")
    spec = chart_specs(page.html)["sweep-plateau_error"]
    median = spec["series"][0]
    lam = [k * math.log(10) for k in (5, 10, 100)]  # α = 1e-k
    np.testing.assert_allclose(median["x"], lam, rtol=1e-13)
    np.testing.assert_allclose(median["y"], [sweep_error(a, 1) for a in SWEEP_ALPHAS],
                               rtol=1e-13)  # fmt: skip
    np.testing.assert_allclose(median["band"]["lo"], [sweep_error(a, 0) for a in SWEEP_ALPHAS])
    np.testing.assert_allclose(median["band"]["hi"], [sweep_error(a, 2) for a in SWEEP_ALPHAS])
    points = spec["series"][1]
    assert points["kind"] == "points" and len(points["x"]) == 9  # the failed run is left out
    assert spec["y"]["log"] is True and spec["x"]["label"] == "λ = ln(1/α)"
    assert "sweep-wall_s" in chart_specs(page.html) and "sweep-method" not in chart_specs(
        page.html)  # fmt: skip
    assert EVIL not in page.html and esc(f"ValueError: {EVIL}") in page.html


def test_lambda_is_exact_for_scales_below_float_range():
    assert lambda_of_alpha("1e-1000") == pytest.approx(1000 * math.log(10), rel=1e-15)
    assert lambda_of_alpha(0.5) == pytest.approx(math.log(2), rel=1e-15)
    with pytest.raises(ValueError, match=r"param\.alpha = '-1' is not a positive number"):
        lambda_of_alpha("-1")
    with pytest.raises(ValueError, match=r"param\.alpha = 'big' is not a number"):
        lambda_of_alpha("big")


def test_a_broken_record_is_a_problem_on_the_page_and_the_rest_is_shown(tmp_path):
    folder = run_folder(tmp_path)
    npz = folder / "trajectory.npz"
    npz.write_bytes(npz.read_bytes()[:100])
    page = build_page(folder)
    (problem,) = page.problems
    assert problem.startswith("record 'trajectory' could not be loaded:")
    assert page.sections[0] == "problems" or page.html.index('id="problems"') < page.html.index(
        'id="results"')  # fmt: skip
    assert "path-loss" in chart_specs(page.html) and "trajectory-loss" not in chart_specs(
        page.html)  # fmt: skip


def test_the_page_is_written_atomically_beside_the_records_by_default(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    sp.save(sp.saddle_path(WORKED_X, WORKED_Y), folder / "path")
    page, written = write_page(folder)
    assert written == folder / "report.html"
    assert written.read_text(encoding="utf-8") == page.html
    assert sorted(p.name for p in folder.iterdir()) == ["path.json", "path.npz", "report.html"]
    with pytest.raises(OSError, match="nowhere"):
        write_page(folder, tmp_path / "nowhere" / "page.html")


def test_inline_json_cannot_close_its_script_element():
    block = json_script("x", {"name": "</script><script>alert(1)</script>", "v": [1.0, math.nan]})
    assert block.count("</script>") == 1 and block.endswith("</script>")
    payload = block.split(">", 1)[1].rsplit("<", 1)[0]
    assert json.loads(payload) == {"name": "</script><script>alert(1)</script>", "v": [1.0, None]}


@dataclasses.dataclass(frozen=True, eq=False)
class FigureResult:
    """A composite result as an experiment saves one: data, the limit and runs at several α."""

    dataset: Dataset
    path: SaddlePath
    runs: tuple[Trajectory, ...]
    note: str


@pytest.fixture
def figure_type(monkeypatch):
    """FigureResult registered in a private copy of the registry, for this test only."""
    from saddlepath.records import _registry

    sp.records.result_types()  # the built-in types first
    for table in ("_TYPES", "_ENUMS", "_NAMES"):
        monkeypatch.setattr(_registry, table, dict(getattr(_registry, table)))
    sp.records.register(FigureResult, name="ReportHtmlTestFigure")


def test_a_composite_result_shows_its_path_and_runs(tmp_path, figure_type):
    folder = experiment_folder(tmp_path)
    for stem in ("path", "data"):
        for suffix in (".json", ".npz"):
            (folder / f"{stem}{suffix}").unlink()
    runs = tuple(sp.gradient_flow(WORKED_X, WORKED_Y, alpha=a) for a in ("1e-3", "1e-30"))
    path = sp.saddle_path(WORKED_X, WORKED_Y)
    sp.save(FigureResult(Dataset(WORKED_X, WORKED_Y), path, runs, EVIL), folder / "fig")
    page = build_page(folder)
    specs = chart_specs(page.html)
    assert sorted(specs) == ["fig-path-beta", "fig-path-loss", "fig-run-beta", "fig-runs-loss"]
    np.testing.assert_allclose(specs["fig-path-loss"]["series"][0]["x"][:4],
                               [float(t) for t in WORKED_TIMES], rtol=1e-12)  # fmt: skip
    curves = specs["fig-runs-loss"]["series"]
    assert [c["name"] for c in curves] == [
        f"ln(1/α) = {math.log(1e3):.4g}",
        f"ln(1/α) = {math.log(1e30):.4g}",
        "α → 0 limit",
    ]
    for curve, run in zip(curves, runs, strict=False):
        assert curve["y"] == run.loss.tolist()
    assert esc(EVIL) in page.html and EVIL not in page.html and page.problems == ()


def test_analyze_folder_shows_one_table_of_the_jumps_explained(tmp_path):
    data = tmp_path / "worked.npz"
    np.savez(data, X=WORKED_X, y=WORKED_Y)
    result = CliRunner().invoke(cli.app, ["analyze", str(data), "--alpha", "1e-30", "--out",
                                          str(tmp_path / "an")])  # fmt: skip
    assert result.exit_code == 0, result.output
    html = build_page(tmp_path / "an").html
    assert "Jumps explained (jump_0, jump_1, jump_2, jump_3)" in html
    assert "[red]" not in html and "record-jump_0" not in html  # one table, markup removed
    for k in (1, 2):  # the coordinate that enters at jump k+1, from the exact saddles
        entering = next(i for i in range(4) if WORKED_SADDLES[k + 1][i] and not
                        WORKED_SADDLES[k][i])  # fmt: skip
        jumps = html.split("Jumps of the saddle path", 1)[1]
        row = re.search(rf"<tr><td>{k}</td>.*?</tr>", jumps)[0]
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
        assert cells[8:10] == [str(entering), f"{entering} ({entering})"], cells  # dual, entered
