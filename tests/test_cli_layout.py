"""The command line's layout: one module per command named as the command, the entry
points (``saddlepath`` script, ``python -m saddlepath``), and reports that only render."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import typer

import saddlepath
from saddlepath import cli

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "src" / "saddlepath" / "report"
COMMANDS = (
    "path",
    "demo",
    "flow",
    "converge",
    "analyze",
    "saddles",
    "init-scale",
    "report",
    "reproduce",
    "escape",
    "sweep",
    "train",
)
# what runs a solver, a study or draws: a report receives their results instead
RUNS_OR_DRAWS = {
    "saddle_path",
    "gradient_flow",
    "gradient_descent",
    "explain_jumps",
    "enumerate_saddles",
    "convergence_study",
    "init_scale_study",
    "check",
}


def _registered() -> dict[str, object]:
    group = typer.main.get_group(cli.app)
    return {name: command.callback for name, command in group.commands.items()}


def test_every_command_lives_in_the_module_named_after_it():
    registered = _registered()
    assert tuple(registered) == COMMANDS  # also the order of `saddlepath --help`
    for name in COMMANDS:
        module = importlib.import_module(f"saddlepath.cli.{name.replace('-', '_')}")
        function = getattr(module, f"{name.replace('-', '_')}_command")
        callback = getattr(registered[name], "__wrapped__", registered[name])  # typer wraps it
        assert (callback.__module__, callback.__name__) == (module.__name__, function.__name__)


def test_the_console_script_is_the_app():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, attribute = scripts["saddlepath"].partition(":")
    assert getattr(importlib.import_module(module), attribute) is cli.app


def test_python_dash_m_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "saddlepath", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"saddlepath {saddlepath.__version__}"


@pytest.mark.parametrize("module", sorted(p.name for p in REPORT.glob("*.py")))
def test_reports_render_and_never_run_or_draw(module):
    """No report module imports a solver, a study, plotting or matplotlib, or calls .check()."""
    tree = ast.parse((REPORT / module).read_text())
    imported, called = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported |= {node.module or ""} | {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Call):
            func = node.func
            called.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    assert not imported & RUNS_OR_DRAWS, module
    assert not {m for m in imported if m.startswith(("saddlepath.plotting", "matplotlib"))}
    assert not {m for m in imported if m.startswith("saddlepath.cli")}, module
    assert not called & RUNS_OR_DRAWS, module
