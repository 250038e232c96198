"""The layers do not bend: every import in the package points down (or sideways), never up.

Each module's imports are read with :mod:`ast` (function-local imports and ``TYPE_CHECKING``
blocks included) and checked against the declarative tables below. Data flows one way::

    base ← solvers ← landscape ← analysis ← experiments ← records ← sweep ← api
         ← plotting ← report ← cli

A module may import its own layer and the layers below it. On top of that: nothing outside
the CLI imports it; only plotting, report and the CLI import matplotlib; plotting runs no
solver (no solver module or function, no ``scipy.integrate``); nothing in the package imports
the test-only oracles of ``saddlepath.testing``; and the runtime import graph has no cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "saddlepath"

# (layer, module prefixes), lowest first: a module may import only its own layer and those
# listed before it. A module that matches no prefix fails test_every_module_has_a_layer.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("_validation", "_status", "_summary", "_threads", "warnings", "loss", "data", "run")),
    ("solvers", ("diagonal", "deep", "testing")),
    ("landscape", ("landscape",)),
    ("analysis", ("analysis",)),
    ("experiments", ("experiments",)),
    ("records", ("records", "io", "result_folder")),
    ("sweep", ("sweep",)),  # a sweep keeps its runs as records
    ("api", ("", "estimator")),  # "": the package's __init__, which re-exports every layer
    ("plotting", ("plotting",)),
    ("report", ("report",)),
    ("cli", ("cli", "__main__")),
)

# Third-party modules a layer may import; no other layer may.
ONLY_IN = {"matplotlib": {"plotting", "report", "cli"}, "mpl_toolkits": {"plotting"}}

# What a figure must not run: solver modules, solver functions (by name), ODE integrators.
PLOTTING_FORBIDDEN_MODULES = (
    "saddlepath.diagonal.saddle_path",
    "saddlepath.diagonal.flow",
    "saddlepath.diagonal.descent",
    "saddlepath.diagonal.jax_flow",
    "scipy.integrate",
)
PLOTTING_FORBIDDEN_NAMES = {
    "saddle_path",
    "gradient_flow",
    "gradient_descent",
    "batched_flow",
    "arclength_of_path",  # integrates the limit's heteroclinic orbits
    "convergence_study",
    "init_scale_study",
    "solve_ivp",
}


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` (a package module, or a third-party dotted name)."""

    source: str
    target: str
    names: tuple[str, ...]  # the names of a ``from target import ...``; empty for ``import``
    type_only: bool  # inside ``if TYPE_CHECKING:``
    line: int


def _module_names() -> dict[str, Path]:
    modules = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = ("saddlepath", *file.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = file
    return modules


MODULES = _module_names()


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _resolve(name: str) -> str:
    """The package module ``name`` lives in (its longest known prefix), or ``name``."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in MODULES:
            return ".".join(parts[:end])
    return name


def _edges(module: str) -> list[Edge]:
    file = MODULES[module]
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    typed = _type_checking_lines(tree)
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    edges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name)
                edges.append(Edge(module, target, (), node.lineno in typed, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{base}.{alias.name}"
                target = sub if sub in MODULES else _resolve(base)
                names = () if sub in MODULES else (alias.name,)
                edges.append(Edge(module, target, names, node.lineno in typed, node.lineno))
    return edges


EDGES = [edge for module in MODULES for edge in _edges(module)]
INTERNAL = [e for e in EDGES if e.target in MODULES and e.target != e.source]


def layer_of(module: str) -> str | None:
    """The layer of a package module: the one whose prefix matches it most closely."""
    rel = module.removeprefix("saddlepath").removeprefix(".")
    best, best_len = None, -1
    for layer, prefixes in LAYERS:
        for prefix in prefixes:
            matches = rel == prefix or (prefix and rel.startswith(prefix + "."))
            if matches and len(prefix) > best_len:
                best, best_len = layer, len(prefix)
    return best


RANK = {layer: rank for rank, (layer, _) in enumerate(LAYERS)}


def _is_metadata_import(edge: Edge) -> bool:
    """``import saddlepath`` or ``from saddlepath import __version__``: the package's
    metadata, which names no layer (the façade is never imported for its re-exports)."""
    return edge.target == "saddlepath" and all(n.startswith("__") for n in edge.names)


def _where(edge: Edge) -> str:
    file = MODULES.get(edge.source)
    return f"{file.relative_to(PACKAGE.parent) if file else edge.source}:{edge.line}"


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if layer_of(m) is None)
    assert not missing, f"add these modules to a layer in LAYERS of {__file__}: {missing}"


def _bends(edges) -> list[str]:
    """One message per import from a lower layer to a higher one."""
    bends = []
    for edge in edges:
        src, dst = layer_of(edge.source), layer_of(edge.target)
        if src is None or dst is None or _is_metadata_import(edge):
            continue
        if RANK[dst] > RANK[src]:
            bends.append(
                f"{edge.source} imports {edge.target} ({_where(edge)}): {src} must not import {dst}"
            )
    return bends


def test_imports_point_down_the_layers():
    bends = _bends(INTERNAL)
    assert not bends, "layers bend:\n" + "\n".join(bends)


def test_nothing_outside_the_cli_imports_it():
    bad = [
        f"{e.source} imports {e.target} ({_where(e)}): only the CLI imports the CLI"
        for e in INTERNAL
        if layer_of(e.target) == "cli" and layer_of(e.source) != "cli"
    ]
    assert not bad, "\n".join(bad)


def test_nothing_in_the_package_imports_the_test_oracles():
    bad = [
        f"{e.source} imports {e.target} ({_where(e)}): saddlepath.testing is for tests only"
        for e in INTERNAL
        if e.target.startswith("saddlepath.testing")
        and not e.source.startswith("saddlepath.testing")
    ]
    assert not bad, "\n".join(bad)


def test_only_plotting_report_and_cli_import_matplotlib():
    bad = []
    for edge in EDGES:
        top = edge.target.split(".")[0]
        if top in ONLY_IN and layer_of(edge.source) not in ONLY_IN[top]:
            bad.append(
                f"{edge.source} imports {edge.target} ({_where(edge)}): only "
                f"{sorted(ONLY_IN[top])} import {top}"
            )
    assert not bad, "\n".join(bad)


def test_plotting_runs_no_solver():
    bad = []
    for edge in EDGES:
        if layer_of(edge.source) != "plotting":
            continue
        module_hit = any(
            edge.target == m or edge.target.startswith(m + ".") for m in PLOTTING_FORBIDDEN_MODULES
        )
        names_hit = sorted(PLOTTING_FORBIDDEN_NAMES & set(edge.names))
        if module_hit or names_hit:
            what = ", ".join(names_hit) or edge.target
            bad.append(
                f"{edge.source} imports {what} ({_where(edge)}): figures receive computed "
                "objects and run no solver"
            )
    assert not bad, "\n".join(bad)


def _runtime_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for edge in INTERNAL:
        if edge.type_only or "saddlepath" in (edge.source, edge.target):
            continue  # the façade re-exports everything; it is nobody's dependency
        graph[edge.source].add(edge.target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (``[a, b, ..., a]``), or ``[]`` when it is acyclic."""
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        return list(error.args[1])
    return []


def test_cycle_finder_finds_a_cycle():
    cycle = _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert cycle[0] == cycle[-1] and sorted(set(cycle)) == ["a", "b", "c"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    cycle = _cycle(_runtime_graph())
    assert not cycle, "import cycle between modules: " + " -> ".join(reversed(cycle))


def test_the_checker_names_a_bend_and_its_layers():
    """The checker itself, on made-up edges: a solver importing analysis is caught."""
    up = Edge("saddlepath.diagonal.flow", "saddlepath.analysis.plateaus", (), False, 7)
    down = Edge("saddlepath.analysis.plateaus", "saddlepath.diagonal.flow", (), False, 3)
    version = Edge("saddlepath.records", "saddlepath", ("__version__",), False, 1)
    facade = Edge("saddlepath.diagonal.flow", "saddlepath", ("find_plateaus",), False, 2)
    (message,) = _bends([up, down, version])
    assert message.startswith("saddlepath.diagonal.flow imports saddlepath.analysis.plateaus (")
    assert message.endswith("): solvers must not import analysis")
    assert _bends([facade]) == [
        f"saddlepath.diagonal.flow imports saddlepath ({_where(facade)}): solvers must not "
        "import api"
    ]
    assert layer_of("saddlepath.cli.flow") == "cli" and layer_of("saddlepath.loss") == "base"


def _layout_tree(text: str) -> set[str]:
    """The module paths the README's Layout tree lists under ``src/saddlepath/``.

    An entry is a line whose first word ends in ``/`` (a package) or ``.py`` (a module);
    its depth is its indentation in steps of two spaces. Other lines continue a description.
    """
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    listed, parents = set(), []
    for line in block.splitlines():
        words = line.split()
        if not words or not words[0].endswith(("/", ".py")):
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        parents = [*parents[:depth], words[0].rstrip("/")]
        if parents[0] == "src/saddlepath" and words[0].endswith(".py"):
            listed.add("/".join(parents[1:]))
    return listed


def test_readme_layout_lists_every_module_and_no_other():
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    listed = _layout_tree(readme)
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    assert len(modules) > 100  # the package was found
    assert not modules - listed, f"add to the README's Layout: {sorted(modules - listed)}"
    assert not listed - modules, f"not in the package: {sorted(listed - modules)}"


def test_layout_reader_follows_the_indentation():
    text = (
        "## Layout\n```\nsrc/saddlepath/\n  a.py  x\n  b/  y\n    c.py  z\n"
        "            continued: f.py\n  e.py\ntests/  t\n  g.py\n```"
    )
    assert _layout_tree(text) == {"a.py", "b/c.py", "e.py"}
