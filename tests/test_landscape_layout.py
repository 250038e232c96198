"""The landscape layer: its public names, one public home, and no import upwards."""

from __future__ import annotations

import saddlepath
import saddlepath.analysis
import saddlepath.landscape

# what the landscape may import from saddlepath: the base modules and the solvers below it
_BELOW = ("saddlepath._", "saddlepath.loss", "saddlepath.diagonal", "saddlepath.landscape")


def test_public_names_are_the_landscape_objects():
    for name in ("saddle_spectrum", "refine_equilibrium", "enumerate_saddles"):
        assert getattr(saddlepath, name) is getattr(saddlepath.landscape, name)
    # one public home: saddlepath.analysis does not re-export the layer below it
    shared = [n for n in saddlepath.landscape.__all__ if hasattr(saddlepath.analysis, n)]
    assert shared == []
    assert "network_hessian" in saddlepath.landscape.__all__
