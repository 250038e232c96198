"""The landscape layer: its public names, their old import paths, and no import upwards."""

from __future__ import annotations

import ast
from pathlib import Path

import saddlepath
import saddlepath.analysis
import saddlepath.landscape

# what the landscape may import from saddlepath: the base modules and the solvers below it
_BELOW = ("saddlepath._", "saddlepath.loss", "saddlepath.diagonal", "saddlepath.landscape")


def test_public_names_are_the_landscape_objects():
    for name in ("saddle_spectrum", "refine_equilibrium", "enumerate_saddles"):
        assert getattr(saddlepath, name) is getattr(saddlepath.landscape, name)
    shared = [n for n in saddlepath.landscape.__all__ if hasattr(saddlepath.analysis, n)]
    assert "network_hessian" in shared and "limit_weights" in shared
    for name in shared:
        assert getattr(saddlepath.analysis, name) is getattr(saddlepath.landscape, name)


def test_the_landscape_imports_nothing_above_it():
    """Landscape sits below analysis (which may import it): never the reverse."""
    folder = Path(saddlepath.landscape.__file__).parent
    found = []
    for file in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((file.name, node.module))
            elif isinstance(node, ast.Import):
                found += [(file.name, alias.name) for alias in node.names]
    inside = [(f, m) for f, m in found if m.startswith("saddlepath")]
    assert len(inside) >= 10  # the walk sees the package's own imports
    upward = [(f, m) for f, m in inside if not m.startswith(_BELOW)]
    assert upward == [], f"landscape modules import a higher layer: {upward}"
