"""``saddlepath report DIR``: the page written (atomically) for a folder the CLI wrote,
the ``--json`` summary, ``--open``, and the one-line errors and exit codes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from helpers import WORKED_X, WORKED_Y
from test_cli import assert_one_line_error, invoke  # the CLI tests' own helpers


@pytest.fixture
def path_folder(tmp_path):
    """What ``saddlepath path worked.npz --out run --check`` writes."""
    data = tmp_path / "worked.npz"
    np.savez(data, X=WORKED_X, y=WORKED_Y)
    result = invoke("path", data, "--out", tmp_path / "run", "--check")
    assert result.exit_code == 0, result.output
    return tmp_path / "run"


def test_report_writes_the_page_into_the_folder(path_folder):
    result = invoke("report", path_folder)
    assert result.exit_code == 0, result.output
    page = path_folder / "report.html"
    assert result.stdout.strip() == f"wrote report.html to {path_folder}"
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'id="saddlepath-charts"' in html
    assert not [p for p in path_folder.iterdir() if p.name.startswith(".")]  # no temp file


def test_json_summary_names_the_page_and_its_sections(path_folder, tmp_path):
    out = tmp_path / "page.html"
    result = invoke("report", path_folder, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary == {
        "format": "saddlepath.report.html",
        "page": str(out),
        "kind": "run",
        "sections": ["results", "versions"],
        "n_charts": 2,
        "bytes": out.stat().st_size,
        "problems": [],
    }


def test_open_shows_the_page_in_the_browser(path_folder, monkeypatch):
    opened = []
    monkeypatch.setattr("saddlepath.cli.report.webbrowser.open", opened.append)
    result = invoke("report", path_folder, "--open")
    assert result.exit_code == 0, result.output
    assert opened == [(path_folder / "report.html").resolve().as_uri()]


def test_a_broken_record_is_written_with_a_warning_and_exit_code_1(path_folder):
    (path_folder / "check.npz").write_bytes(b"not a zip file")
    result = invoke("report", path_folder)
    assert result.exit_code == 1, result.output
    assert "warning: record 'check' could not be loaded" in result.stderr
    html = (path_folder / "report.html").read_text(encoding="utf-8")
    assert '<section id="problems">' in html and "record &#x27;check&#x27;" in html


def test_out_must_be_an_html_file(path_folder, tmp_path):
    result = invoke("report", path_folder, "--out", tmp_path / "page.txt")
    assert_one_line_error(result, "--out must name an .html file", "page.txt")
    assert not (tmp_path / "page.txt").exists()


def test_a_folder_of_no_known_kind_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = invoke("report", tmp_path)
    assert_one_line_error(result, "is not a run, experiment or sweep folder", "notes.txt")
    result = invoke("report", tmp_path / "missing")
    assert_one_line_error(result, "missing' does not exist")


def test_an_unwritable_destination_is_a_usage_error(path_folder, tmp_path):
    result = invoke("report", path_folder, "--out", tmp_path / "no" / "such" / "page.html")
    assert_one_line_error(result, "Cannot write into", "no/such': it is not an existing directory")
