r"""``saddlepath escape``: one escape direction, the toy over widths, depths; records, errors.

Oracles: on the toy at depth 2 the optimal speed is exactly :math:`\sqrt2 - 1` at any width,
and width 1 never beats it (derived in ``tests/test_deep_toy.py``); MSE on non-negative
inputs and targets has the optimal speed :math:`\sigma_1(G^\top X)` at every depth
(Perron–Frobenius, ``tests/test_deep_perron.py``), :math:`G = -T/n`, from
:func:`numpy.linalg.svd`.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("jax")

import saddlepath

TOY = np.sqrt(2.0) - 1.0
FAST = ("--steps", "1500", "--warmup", "300")


@pytest.fixture
def nonnegative_csv(tmp_path):
    rng = np.random.default_rng(7)
    X, y = rng.uniform(0.0, 1.0, size=(30, 4)), rng.uniform(0.0, 1.0, size=30)
    path = tmp_path / "data.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", fmt="%.17g")
    sigma = np.linalg.svd((-y / y.size)[:, None].T @ X, compute_uv=False)[0]
    return path, sigma


def test_toy_at_depth_two_is_one_neuron(invoke):
    result = invoke("escape", "--toy", "--depth", "2", "--width", "4", "--restarts", "4", *FAST,
                    "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["speed"] == pytest.approx(TOY, abs=1e-6)
    assert max(s for s in summary["speeds"] if s is not None) <= TOY + 1e-9
    assert summary["depth"] == 2 and len(summary["ranks"]) == 2


def test_file_data_records_and_figure(nonnegative_csv, tmp_path, invoke):
    path, sigma = nonnegative_csv
    out = tmp_path / "out"
    args = ("escape", path, "--depth", "3", "--width", "4", "--restarts", "2", *FAST)
    result = invoke(*args, "--out", out, "--plot")
    assert result.exit_code == 0, result.output
    assert "Escape direction on" in result.stdout and "σ₁/σ₂" in result.stdout
    escape = saddlepath.load(out / "escape")
    assert escape.speed == pytest.approx(sigma, rel=1e-6)
    assert escape.ranks == (1, 1, 1)  # a rank-one chain
    layers = saddlepath.load(out / "layers")
    assert layers.depth == 3 and np.all(layers.weight_energy < 1e-4)
    assert (out / "escape.png").stat().st_size > 10_000
    assert saddlepath.load(out / "data").n_samples == 30


@pytest.mark.slow
def test_depth_scan_keeps_perron_frobenius(nonnegative_csv, invoke):
    path, sigma = nonnegative_csv
    args = ("escape", path, "--depths", "2..3", "--width", "3", "--restarts", "2", *FAST)
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["depths"] == [2, 3]
    np.testing.assert_allclose(summary["speed"], sigma, rtol=1e-6)
    assert summary["ranks"] == [[1, 1], [1, 1, 1]]


@pytest.mark.slow
def test_toy_width_table_and_figure(tmp_path, invoke):
    args = ("escape", "--toy", "--widths-study", "--widths", "1,8", "--restarts", "12", *FAST)
    result = invoke(*args, "--out", tmp_path, "--plot")
    assert result.exit_code == 0, result.output
    assert "Escape directions against width" in result.stdout
    study = saddlepath.load(tmp_path / "escape_widths")
    assert study.widths.tolist() == [1, 8]
    assert study.success[0] == 0.0 and study.best_speed[0] == pytest.approx(TOY, abs=1e-6)
    assert (tmp_path / "escape_widths.png").exists() and not (tmp_path / "escape.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "exactly one data source"),
        (("--toy", "--digits"), "exactly one data source"),
        (("--toy", "--depths", "5..2"), "--depths must be A..B"),
        (("--toy", "--loss", "hinge"), "--loss must be mse or cross-entropy"),
        (("--toy", "--widths-study", "--depths", "2..3"), "two studies"),
        (("--toy", "--widths-study", "--widths", "1,x"), "--widths must be integers"),
        (("--toy", "--plot"), "--plot needs --out"),
        (("--toy", "--restarts", "0"), "n_restarts"),
    ],
)
def test_bad_options_name_the_flag(invoke, args, message):
    result = invoke("escape", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_cross_entropy_needs_labels(nonnegative_csv, invoke):
    result = invoke("escape", nonnegative_csv[0], "--loss", "cross-entropy")
    assert result.exit_code == 2
    assert "needs class labels" in " ".join(result.output.split())
