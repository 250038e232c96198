"""Import direction of the exact-path modules and of the test oracles.

Read from the source (every ``import`` statement, those inside functions included, since a
lazy import is still a dependency): the solver package has no import cycle — in
particular ``path_result → certificate → path_status``, never back — and the oracles in
:mod:`saddlepath.testing` share no code with the solvers they check.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import saddlepath

SRC = Path(saddlepath.__file__).parent


def _module_name(path: Path) -> str:
    parts = ("saddlepath", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, package: list[str]) -> set[tuple[str, str]]:
    """``(module, name)`` for every import statement of ``path`` (relative ones resolved
    against ``package``); ``name`` is empty for ``import module``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {(alias.name, "") for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found |= {(module, alias.name) for alias in node.names}
    return found


@cache
def _graph() -> dict[str, set[str]]:
    """Module → the saddlepath modules it imports. ``from pkg import sub`` names the
    submodule ``pkg.sub`` only, as Python loads it (``pkg`` is already being imported)."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        deps = set()
        for module, item in _imports(path, package):
            sub = f"{module}.{item}"
            deps.add(sub if sub in modules else module)
        graph[name] = deps & modules.keys() - {name}
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for dep in graph[todo.pop()] - seen:
            seen.add(dep)
            todo.append(dep)
    return seen


def test_graph_sees_lazy_imports(tmp_path):
    """The reader must count an import inside a function (else the cycle test is blind)."""
    path = tmp_path / "lazy.py"
    path.write_text("def f():\n    from saddlepath.diagonal.certificate import certify_path\n")
    assert ("saddlepath.diagonal.certificate", "certify_path") in _imports(path, [])


@pytest.mark.parametrize(
    "module",
    sorted(name for name in _graph() if name.startswith("saddlepath.diagonal")),
)
def test_no_import_cycle_through_the_solver_package(module):
    graph = _graph()
    assert module not in _reachable(graph, module), f"{module} imports itself back"


def test_certificate_sits_below_the_result_class():
    graph = _graph()
    below = _reachable(graph, "saddlepath.diagonal.certificate")
    assert "saddlepath.diagonal.path_result" not in below
    assert "saddlepath.diagonal.certificate" in graph["saddlepath.diagonal.path_result"]


def test_oracles_are_independent_of_the_solvers():
    graph = _graph()
    oracle = {name for name in graph if name.startswith("saddlepath.testing")}
    assert "saddlepath.testing.rational_path" in oracle
    for name in oracle:
        solver = {m for m in _reachable(graph, name) if m.startswith("saddlepath.diagonal")}
        assert not solver, f"{name} uses solver code: {sorted(solver)}"
    users = {name for name, deps in graph.items() if deps & oracle} - oracle
    assert not users, f"library modules import the test oracles: {sorted(users)}"
