"""``saddlepath demo``: every file of ``make demo``, and steps added later run in order."""

from __future__ import annotations

import importlib.util

import numpy as np

import saddlepath
from saddlepath import cli, saddle_path
from saddlepath.data import demo_problem
from test_records import assert_same

FIGURES = {"loss.png", "coefs_vs_tau.png", "coefs_vs_saddle.png"}


# ------------------------------------------------------------------------------ demo


def test_demo_writes_every_file(tmp_path, invoke):
    out = tmp_path / "demo"
    result = invoke("demo", "--out", out)
    assert result.exit_code == 0, result.output
    figure1 = {f"figure1_{k}.png" for k in ("loss", "coordinates", "3d", "arclength")}
    records = {
        f"{stem}.{suffix}" for stem in ("path", "data", "check") for suffix in ("json", "npz")
    }
    expected_files = {"table.txt", "check.txt"} | records | FIGURES | figure1
    deep = all(importlib.util.find_spec(m) is not None for m in ("jax", "sklearn"))
    if deep:  # the escape direction on digits (table, figure, two records), then training
        expected_files |= {"escape_table.txt", "escape.png", "training.png"}
        expected_files |= {f"{stem}.{suffix}" for stem in ("escape", "layers", "training")
                           for suffix in ("json", "npz")}  # fmt: skip
    assert {p.name for p in out.iterdir()} == expected_files
    ds = demo_problem()
    expected = saddle_path(ds.X, ds.y)
    assert_same(saddlepath.load(out / "path"), expected)
    assert expected.n_jumps >= 3
    assert_same(saddlepath.load(out / "data"), ds)
    assert_same(saddlepath.load(out / "check"), expected.check())
    table = (out / "table.txt").read_text()
    assert "Saddle path of demo (20 samples × 40 features)" in table
    assert len([ln for ln in table.splitlines() if ln.startswith("│")]) == expected.n_saddles
    assert "\x1b[" not in table  # plain text, no colour codes
    assert (out / "check.txt").read_text().startswith("path certificate: PASSED")
    assert f"{len(cli.DEMO_STEPS)}/{len(cli.DEMO_STEPS)}" in result.stdout
    if deep:  # Perron–Frobenius: pixels and one-hot targets ≥ 0, speed σ₁(GᵀX) (numpy svd)
        from saddlepath.data import load_digits

        images = load_digits(n_samples=500, seed=0)
        G = -images.one_hot() / images.n_samples
        sigma = np.linalg.svd(G.T @ images.X, compute_uv=False)[0]
        assert abs(saddlepath.load(out / "escape").speed - sigma) <= 1e-6 * sigma
        assert saddlepath.load(out / "layers").depth == 3
        run = saddlepath.load(out / "training")  # plateau at the origin, then the escape
        assert run.status.success and run.step[-1] == 600 and run.loss[-1] < 0.95 * run.loss[0]
        assert run.escape_speed == saddlepath.load(out / "escape").speed


def test_demo_runs_steps_added_later(tmp_path, monkeypatch, invoke):
    seen = []

    def extra(ctx):
        seen.append(ctx.path.n_jumps)
        ctx.written["extra"] = ctx.out_dir / "extra.txt"
        (ctx.out_dir / "extra.txt").write_text("x")

    steps = [s for s in cli.DEMO_STEPS if s.name in ("path", "table")]
    monkeypatch.setattr(
        cli.demo, "DEMO_STEPS", [*steps, cli.DemoStep("extra", "an added step", extra)]
    )
    result = invoke("demo", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert seen and seen[0] >= 3
    assert "3/3 an added step" in result.stdout
    assert {p.name for p in tmp_path.iterdir()} == {"table.txt", "extra.txt"}
