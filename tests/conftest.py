"""Test configuration: float64 everywhere, a headless matplotlib, hypothesis profiles."""

from __future__ import annotations

import os

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

# "ci" (the default) draws the same examples on every run and machine, so that the suite
# passes or fails reproducibly; "explore" searches with fresh random examples, more of them.
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
settings.register_profile("dev", max_examples=15, deadline=None)
settings.register_profile(
    "explore", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

try:  # the library never flips this global flag; the tests do
    import jax

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover - jax is an optional extra
    pass


@pytest.fixture
def worked_csv(tmp_path):
    """The worked example (``saddlepath.data.worked_example``) as a CSV file (target last)."""
    from helpers import WORKED_X, WORKED_Y

    path = tmp_path / "worked.csv"
    np.savetxt(path, np.column_stack([WORKED_X, WORKED_Y]), delimiter=",")
    return path


@pytest.fixture
def invoke():
    """Run the ``saddlepath`` command line in-process: ``invoke("path", file, "--json")``."""
    from typer.testing import CliRunner

    from saddlepath import cli

    runner = CliRunner()
    return lambda *args: runner.invoke(cli.app, [str(a) for a in args])
