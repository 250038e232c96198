"""Round trips of saddlepath.records: every result type, from real solver runs.

The oracle is :func:`assert_same`, a field-by-field comparison written here: same types
all the way down, arrays of the same dtype and shape with the same bytes, floats with the
same bits. It does not use the record code.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import math
import struct
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import saddlepath
import saddlepath.deep
import saddlepath.experiments
from helpers import WORKED_X, WORKED_Y
from saddlepath import records
from saddlepath.analysis import (
    arclength,
    compare,
    explain_jumps,
    find_plateaus,
    heteroclinic_orbits,
)
from saddlepath.analysis.arclength import arclength_of_path
from saddlepath.analysis.rates import fit_rate
from saddlepath.data import load_digits, make_sparse_regression
from saddlepath.diagonal.certificate import certify_path
from saddlepath.experiments import (
    convergence_study,
    escape_depth_study,
    escape_width_study,
    init_scale_study,
)
from saddlepath.experiments.reproductions import pf_convergence, pf_figure1, pf_generalisation
from saddlepath.landscape import (
    HessianExtremes,
    enumerate_saddles,
    hessian_extremes,
    refine_equilibrium,
    saddle_spectrum,
)

TINY_GENERALISATION = pf_generalisation.Config(
    n_samples=10,
    n_features=20,
    sparsities=(2,),
    noises=(0.0, 0.1),
    seeds=(0,),
    n_test=50,
    alphas=("1e-1", "1e-30"),
)


def assert_same(a, b, where="result"):
    """``a`` and ``b`` are the same value: types, dtypes, shapes and bits.

    A Python float NaN equals a NaN of the same sign (its other payload bits are not kept).
    """
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, np.ndarray | np.generic):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape}"
        assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes(), where
    elif isinstance(a, float):
        same_nan = math.isnan(a) and math.isnan(b) and math.copysign(1, a) == math.copysign(1, b)
        assert same_nan or struct.pack("<d", a) == struct.pack("<d", b), f"{where}: {a!r}, {b!r}"
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), f"{where}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} vs {list(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"


def round_trip(result, directory):
    """Save ``result`` under ``directory/run``, load it back and return it."""
    written = saddlepath.save(result, directory / "run")
    assert set(written) == {"json", "npz"}
    return saddlepath.load(directory / "run")


def quietly(fn, *args, **kwargs):
    """Run a solver with its warnings silenced: these tests are about storage."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def first_instances(value, found):
    """``{class: first instance}`` of every dataclass reachable from ``value``, into ``found``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.setdefault(type(value), value)
        for f in dataclasses.fields(value):
            first_instances(getattr(value, f.name), found)
    elif isinstance(value, tuple | list):
        for item in value:
            first_instances(item, found)
    return found


# ------------------------------------------------------------------ real solver runs


@st.composite
def problems(draw):
    """A small Gaussian regression problem (generic: unique saddles)."""
    n, d = draw(st.integers(2, 6)), draw(st.integers(2, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.standard_normal((n, d)), rng.standard_normal(n)


@settings(max_examples=8)
@given(problem=problems())
def test_path_and_certificate_round_trip(problem, tmp_path_factory):
    X, y = problem
    path = quietly(saddlepath.saddle_path, X, y)
    loaded = round_trip(path, tmp_path_factory.mktemp("path"))
    assert_same(path, loaded)
    assert loaded.X is not X and loaded.n_saddles == path.n_saddles
    np.testing.assert_array_equal(loaded.beta, path.beta)  # derived values agree
    np.testing.assert_array_equal(loaded.dual, path.dual)
    certificate = quietly(certify_path, path)
    assert_same(certificate, round_trip(certificate, tmp_path_factory.mktemp("cert")))


@settings(max_examples=6)
@given(problem=problems(), log_alpha=st.floats(-60.0, -2.0))
def test_flow_round_trip(problem, log_alpha, tmp_path_factory):
    X, y = problem
    traj = quietly(saddlepath.gradient_flow, X, y, log_alpha=log_alpha, max_steps=400)
    loaded = round_trip(traj, tmp_path_factory.mktemp("flow"))
    assert_same(traj, loaded)
    np.testing.assert_array_equal(loaded.u, traj.u)


@settings(max_examples=6)
@given(problem=problems(), batch=st.sampled_from([None, 1]), margin=st.sampled_from([None, 1e-3]))
def test_descent_round_trip(problem, batch, margin, tmp_path_factory):
    X, y = problem
    step = 0.5 * X.shape[0] / np.linalg.norm(X, 2) ** 2
    traj = quietly(
        saddlepath.gradient_descent,
        X, y, step_size=step, n_steps=150, alpha=1e-3, batch_size=batch, seed=0, margin=margin,
    )  # fmt: skip
    assert (traj.margin_crossings is None) == (margin is None)
    assert_same(traj, round_trip(traj, tmp_path_factory.mktemp("gd")))


def test_batched_flow_round_trip(tmp_path):
    pytest.importorskip("jax")
    res = saddlepath.batched_flow(
        WORKED_X, WORKED_Y, alphas=["1e-5", "1e-30"], tau_grid=[0.5, 3.0, 9.5]
    )
    assert_same(res, round_trip(res, tmp_path))


# --------------------------------------------------------------- analysis results


def thesis_examples() -> dict:
    """Tiny runs of the three thesis reproductions (their results nest PlainGDRun, ThesisCase)."""
    from saddlepath.experiments.reproductions import thesis_d7n5, thesis_init_scale
    from saddlepath.experiments.reproductions import thesis_small_cases as small

    init = thesis_init_scale.Config(
        gammas=("1",), n_steps=300, scan_gammas=(7.0,), scan_steps=20, window=10
    )
    return {
        "thesis_small": small.run(small.Config(cases=(("d=1, n=1", 1, 1, 0.01, "1e-8", 2500),))),
        "thesis_d7n5": thesis_d7n5.run(
            thesis_d7n5.Config(step_size=0.01, gamma="1e-5", n_steps=800)
        ),
        "thesis_init_scale": quietly(thesis_init_scale.run, init),
    }


def bsj_examples() -> dict:
    """Tiny runs of the three BSJ reproductions (needs JAX)."""
    from saddlepath.experiments.reproductions import bsj_escape_depth, bsj_mnist, bsj_toy

    few = {"n_warmup_steps": 10, "n_steps": 20}
    return {
        "bsj_toy": bsj_toy.run(bsj_toy.Config(widths=(1, 2), n_restarts=2, **few)),
        "bsj_escape_depth": bsj_escape_depth.run(
            bsj_escape_depth.Config(depths=(2,), width=2, n_restarts=1, n_samples=30, **few)
        ),
        "bsj_mnist": bsj_mnist.run(bsj_mnist.Config(
            dataset="digits", n_samples=30, width=3, n_steps=20, record_every=5, n_restarts=1,
            escape_steps=20,
        )),
    }  # fmt: skip


def hessian_extremes_of_network(X, y, equilibrium):
    """Lanczos on F(u, v) = L(u ⊙ v) at a saddle, with (u, v) a pytree (needs JAX)."""
    import jax.numpy as jnp

    Xj, yj = jnp.asarray(X), jnp.asarray(y)
    loss = lambda p: 0.5 * jnp.sum((Xj @ (p[0] * p[1]) - yj) ** 2) / X.shape[0]  # noqa: E731
    return hessian_extremes(loss, (jnp.asarray(equilibrium.u), jnp.asarray(equilibrium.v)), k=3)


def test_hessian_extremes_round_trip(results, tmp_path):
    if "curvature" not in results:
        pytest.skip("needs JAX")
    result = results["curvature"]
    loaded = round_trip(result, tmp_path)
    assert_same(result, loaded)
    assert repr(loaded) == repr(result)


@pytest.fixture(scope="module")
def results():
    """One real result of every registered type, on the worked example (`worked_example`)."""
    X, y = WORKED_X, WORKED_Y
    path = saddlepath.saddle_path(X, y)
    flow = quietly(saddlepath.gradient_flow, X, y, alpha="1e-12")
    gd = quietly(saddlepath.gradient_descent, X, y, step_size=0.2, alpha="1e-30", margin=1e-6)
    equilibrium = refine_equilibrium(X, y, beta=path.beta[2])
    study = quietly(convergence_study, X, y, ["1e-4", "1e-8"], path=path, keep_runs=True)
    found = {
        "path": path,
        "flow": flow,
        "gd": gd,
        "certificate": certify_path(path),
        "dataset": make_sparse_regression(8, 5, n_nonzero=2, seed=1),
        "digits": load_digits(n_samples=30, seed=0, classes=[3, 5, 8]),
        "plateaus": find_plateaus(flow, X, y),
        "gd_plateaus": find_plateaus(gd, X, y, step_size=0.2),
        "comparison": compare(flow, path),
        "jump": explain_jumps(X, y, path, flow)[0],
        "catalog": enumerate_saddles(X, y, path=path),
        "equilibrium": equilibrium,
        "spectrum": saddle_spectrum(X, y, equilibrium.u, equilibrium.v),
        "arclength": arclength(flow),
        "limit_arclength": arclength_of_path(path),
        "orbits": heteroclinic_orbits(path),
        "convergence": study,
        "init_scale": quietly(init_scale_study, X, y, [1e-3, 0.5]),
        "rate": fit_rate([1.0, 2.0, 4.0], [1.0, 0.5, 0.25]),
        "pf_figure1": pf_figure1.run(pf_figure1.Config.quick()),
        "pf_convergence": pf_convergence.run(
            pf_convergence.Config(seeds=(0, 2), alphas=("1e-10", "1e-300"))
        ),
        "pf_generalisation": pf_generalisation.run(TINY_GENERALISATION),
        "layers": saddlepath.deep.layer_spectra([np.eye(X.shape[1])[:3], -np.ones((2, 3))], X),
        **thesis_examples(),
    }
    if importlib.util.find_spec("jax") is not None:
        found["batched"] = saddlepath.batched_flow(X, y, alphas=["1e-5"], tau_grid=[0.5, 3.0])
        found["curvature"] = hessian_extremes_of_network(X, y, equilibrium)
        from saddlepath.deep import escape_direction

        found["escape"] = escape_direction(X, y[:, None], (2,), n_restarts=2, seed=0, n_steps=20)
        few = {"n_warmup_steps": 10, "n_steps": 20}
        found["widths"] = escape_width_study((1, 2), n_restarts=2, **few)
        found["depths"] = escape_depth_study(X, y[:, None], width=2, depths=[2, 3], **few)
        from saddlepath.deep import mse_gradient, train

        rho = escape_direction(X, mse_gradient(y), (3,), n_restarts=1, seed=0, n_steps=20)
        found["training"] = train(X, y, (3,), n_steps=20, record_every=5, init_scale=0.1,
                                  escape=rho, batch_size=1)  # fmt: skip
        from test_deep_saddles_escapes import escape_example

        found["deep_saddle"], found["escape_explanation"] = escape_example()
        found.update(bsj_examples())
    return found


def needs_jax(cls: type) -> bool:
    """Result types that only JAX can build (their examples are skipped without it)."""
    return cls in {
        saddlepath.BatchedTrajectories, HessianExtremes, saddlepath.deep.EscapeResult,
        saddlepath.experiments.EscapeWidthStudy, saddlepath.experiments.EscapeDepthStudy,
        saddlepath.deep.TrainingRun, saddlepath.deep.DeepSaddle,
        saddlepath.analysis.EscapeExplanation,
    } or cls.__name__.startswith("Bsj")  # fmt: skip


def test_real_results_cover_every_registered_type(results):
    seen = set(first_instances(tuple(results.values()), {}))
    missing = set(records.result_types().values()) - seen
    if "batched" not in results:  # without JAX, test_batched_flow_round_trip is skipped
        missing = {c for c in missing if not needs_jax(c)}
    assert not missing, f"no real round-trip example of {sorted(c.__name__ for c in missing)}"


@pytest.mark.parametrize(
    "name",
    ["path", "flow", "gd", "certificate", "dataset", "digits", "plateaus", "gd_plateaus",
     "comparison", "jump", "catalog", "equilibrium", "spectrum", "arclength", "limit_arclength",
     "convergence", "init_scale", "rate", "pf_figure1",
     "pf_convergence", "pf_generalisation", "layers", "thesis_small", "thesis_d7n5",
     "thesis_init_scale"]
    + (["escape", "widths", "depths", "training", "deep_saddle", "escape_explanation",
        "bsj_toy", "bsj_escape_depth", "bsj_mnist"]
       if importlib.util.find_spec("jax") is not None else []),
)  # fmt: skip
def test_analysis_result_round_trip(results, name, tmp_path):
    result = results[name]
    loaded = round_trip(result, tmp_path)
    assert_same(result, loaded)
    assert repr(loaded) == repr(result)


def test_record_json_is_readable(results, tmp_path):
    flow = results["flow"]
    saddlepath.save(flow, tmp_path / "flow.json")  # the suffix names the pair's stem
    header = json.loads((tmp_path / "flow.json").read_text(encoding="utf-8"))
    assert header["format"] == "saddlepath.record" and header["type"] == "Trajectory"
    assert header["schema_version"] == records.SCHEMA_VERSION >= 1
    assert header["saddlepath_version"] == saddlepath.__version__
    assert "τ = t/ln(1/α)" in header["units"]
    fields = header["fields"]
    assert fields["status"] == {
        "enum": "TrajectoryStatus",
        "name": flow.status.name,
        "message": flow.status.value,
    }
    assert fields["method"] == "flow" and fields["log_alpha"] == flow.log_alpha
    assert fields["beta"] == {"array": "beta", "shape": list(flow.beta.shape), "dtype": "<f8"}
    assert header["arrays"]["initial.log_abs_w_plus"]["shape"] == [WORKED_X.shape[1]]
    assert fields["stats"] == {"dict": dict(flow.stats)}


def test_files_and_write_folder_commit_records_as_a_set(results, tmp_path):
    from saddlepath import io

    def write(stage):
        written = records.write(results["path"], stage, "path")
        written |= {
            f"flow_{k}": v for k, v in records.write(results["flow"], stage, "flow").items()
        }
        return written

    out = io.write_folder(tmp_path / "out", write)
    assert sorted(p.name for p in out.values()) == [
        "flow.json",
        "flow.npz",
        "path.json",
        "path.npz",
    ]
    assert_same(results["path"], saddlepath.load(tmp_path / "out" / "path.npz"))
    assert_same(results["flow"], saddlepath.load(tmp_path / "out" / "flow"))
    names = list(records.files(results["rate"], "rate"))
    assert names == ["rate.npz", "rate.json"]  # the arrays are written before the JSON
