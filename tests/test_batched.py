"""Tests of the JAX backend ``batched_flow`` against the NumPy ``gradient_flow``.

Compilation dominates the cost, so the flows are grouped: one batch that varies data,
α and initialisation together (one compile), one α-only batch, one float32 batch, one
implicit-solver batch and one step-limit batch.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("diffrax")

from helpers import WORKED_X, WORKED_Y
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.diagonal.jax_flow import BatchedTrajectories, batched_flow
from saddlepath.diagonal.jax_flow._solvers import choose_solver
from saddlepath.diagonal.trajectory import TrajectoryStatus

RTOL = 1e-6
# Mid-plateau times of the worked example (jumps at 2, 8, 11.27) and of its copy with y
# doubled (jumps at 1, 4, 5.63), plus the final plateau; none is within 0.5 of a jump.
GRID = np.array([0.5, 3.0, 6.5, 9.5, 12.5])
ALPHAS = ("1e-5", "1e-30", "1e-300")
# three data sets: the worked example, its columns permuted, its target doubled
PERM = np.array([2, 0, 3, 1])
DATASETS = (
    (WORKED_X, WORKED_Y),
    (WORKED_X[:, PERM], WORKED_Y),
    (WORKED_X, 2.0 * WORKED_Y),
)
# initialisations in units of alpha: P&F, the thesis's v0 = 1 (w- = 0 on purpose), mixed signs
INITS = (
    (np.full(4, np.sqrt(2.0)), np.zeros(4)),
    (np.ones(4), np.ones(4)),
    (np.array([1.5, -1.0, 0.0, 1.0]), np.array([0.5, 0.5, 1.0, -0.25])),
)


def reference(X, y, alpha, grid, u0=None, v0=None):
    """β and s of the NumPy flow at ``grid`` (constant after it has converged)."""
    traj = gradient_flow(X, y, alpha=alpha, u0=u0, v0=v0, tau_max=grid[-1], rtol=1e-10, atol=1e-13)
    q = np.minimum(grid, traj.tau[-1])
    k = np.clip(np.searchsorted(traj.tau, q, side="right") - 1, 0, len(traj.tau) - 2)
    h = traj.tau[k + 1] - traj.tau[k]
    th = ((q - traj.tau[k]) / h)[:, None]
    dual = (  # cubic Hermite on s with slopes -grad L, as Trajectory.at does for β
        (2 * th**3 - 3 * th**2 + 1) * traj.dual[k]
        + (th**3 - 2 * th**2 + th) * h[:, None] * -traj.gradient[k]
        + (-2 * th**3 + 3 * th**2) * traj.dual[k + 1]
        + (th**3 - th**2) * h[:, None] * -traj.gradient[k + 1]
    )
    return traj.at(q), dual


def assert_matches(res, b, ref_beta, ref_dual, *, rel):
    """β within ``rel`` of the plateau scale; s within the same bound divided by λ."""
    scale = np.max(np.abs(ref_beta))
    assert scale > 0.5  # guards against comparing two zero answers
    np.testing.assert_array_less(np.abs(res.beta[b] - ref_beta), rel * scale)
    np.testing.assert_array_less(np.abs(res.dual[b] - ref_dual), rel / res.time_scale[b] + 1e-12)


@pytest.fixture(scope="module")
def mixed():
    """Nine flows: every data set × every α, each with its own initialisation."""
    cases = [(i, a, i % 3) for i in range(3) for a in ALPHAS]
    X = np.stack([DATASETS[i][0] for i, _, _ in cases])
    y = np.stack([DATASETS[i][1] for i, _, _ in cases])
    u0 = np.stack([INITS[j][0] for _, _, j in cases])
    v0 = np.stack([INITS[j][1] for _, _, j in cases])
    alphas = [a for _, a, _ in cases]
    res = batched_flow(X, y, alphas=alphas, tau_grid=GRID, u0=u0, v0=v0, rtol=RTOL)
    return cases, res


def test_mixed_batch_matches_numpy_flow(mixed):
    cases, res = mixed
    assert res.beta.shape == (9, len(GRID), 4) and res.dual.shape == (9, len(GRID), 4)
    assert all(s is TrajectoryStatus.REACHED_TAU_MAX for s in res.statuses)
    assert res.dtype == "float64" and res.beta.dtype == np.float64
    for b, (i, alpha, j) in enumerate(cases):
        X, y = DATASETS[i]
        ref_beta, ref_dual = reference(X, y, alpha, GRID, *INITS[j])
        assert_matches(res, b, ref_beta, ref_dual, rel=20 * RTOL)


def test_mixed_batch_loss_and_bookkeeping(mixed):
    cases, res = mixed
    X = np.stack([DATASETS[i][0] for i, _, _ in cases])
    y = np.stack([DATASETS[i][1] for i, _, _ in cases])
    resid = np.einsum("bnd,btd->btn", X, res.beta) - y[:, None, :]
    np.testing.assert_allclose(res.loss, 0.5 * np.mean(resid**2, axis=-1), rtol=1e-10)
    assert np.all(np.diff(res.loss, axis=1) <= 1e-9 * res.loss[:, :1])  # the loss decreases
    np.testing.assert_allclose(res.time_scale[:3], [5 * np.log(10), 30 * np.log(10), 690.7755279])
    assert np.all(res.stats["n_accepted"] > 0) and res.success.all() and len(res) == 9
    assert res.stats["n_accepted"][2] > res.stats["n_accepted"][0]  # explicit steps grow with λ
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.solver = "other"


def test_alphas_only_batch_reaches_the_saddles():
    res = batched_flow(WORKED_X, WORKED_Y, alphas=list(ALPHAS), tau_grid=GRID, rtol=RTOL)
    assert isinstance(res, BatchedTrajectories) and res.solver == "tsit5"
    for b, alpha in enumerate(ALPHAS):
        assert_matches(res, b, *reference(WORKED_X, WORKED_Y, alpha, GRID), rel=20 * RTOL)
    # at alpha = 1e-300 the flow sits on the exact path's saddles
    expected = [
        [0, 0, 0, 0],
        [0.8, 0, 0, 0],
        [0.8, 0, 0, 0],
        [0, 0, 1.4, 0],
        [0, 0, 10 / 7, -10 / 49],
    ]
    np.testing.assert_allclose(res.beta[2], expected, atol=1e-4)


def test_log_alphas_give_the_same_flows_as_alphas():
    # same layout and shapes as the alphas-only batch: no new compilation. The log values
    # are those of the floats themselves: -5·ln 10 differs from ln(1e-5) by an ulp, and an
    # ulp of λ moves the adaptive solver's steps and β by up to 1e-9 (kernel-dependent).
    alphas = [1e-5, 1e-30, 1e-300]
    by_alpha = batched_flow(WORKED_X, WORKED_Y, alphas=alphas, tau_grid=GRID)
    by_log = batched_flow(WORKED_X, WORKED_Y, log_alphas=np.log(alphas), tau_grid=GRID)
    np.testing.assert_array_equal(by_log.time_scale, -np.log(alphas))
    np.testing.assert_array_equal(by_log.time_scale, by_alpha.time_scale)
    np.testing.assert_allclose(by_log.beta, by_alpha.beta, rtol=1e-13, atol=1e-300)


def test_float32_input_runs_in_float32():
    X32 = WORKED_X.astype(np.float32)
    res = batched_flow(X32, WORKED_Y, alphas=list(ALPHAS), tau_grid=GRID, rtol=1e-5)
    assert res.dtype == "float32" and res.beta.dtype == np.float32 and res.solver == "tsit5"
    for b, alpha in enumerate(ALPHAS):
        ref_beta, _ = reference(WORKED_X, WORKED_Y, alpha, GRID)
        lam = res.time_scale[b]
        np.testing.assert_array_less(np.abs(res.beta[b] - ref_beta), 1e-5 * lam + 1e-4)


def test_implicit_solver_at_alpha_1e_minus_1000():
    alphas = ["1e-1000", "1e-1000"]
    u0 = np.stack([INITS[0][0], INITS[2][0]])
    v0 = np.stack([INITS[0][1], INITS[2][1]])
    res = batched_flow(
        WORKED_X, WORKED_Y, alphas=alphas, tau_grid=GRID, u0=u0, v0=v0, solver="kvaerno5"
    )
    assert res.solver == "kvaerno5" and res.success.all()
    assert np.all(res.stats["n_steps"] < 2000)  # implicit: steps do not grow like lambda
    assert np.array_equal(res.stats["n_steps"], res.stats["n_accepted"] + res.stats["n_rejected"])
    for b in range(2):
        ref = reference(WORKED_X, WORKED_Y, "1e-1000", GRID, u0[b], v0[b])
        assert_matches(res, b, *ref, rel=20 * RTOL)


def test_step_limit_is_reported_and_unreached_times_are_nan():
    res = batched_flow(WORKED_X, WORKED_Y, alphas=["1e-5", "1e-300"], tau_grid=GRID, max_steps=60)
    assert res.statuses[1] is TrajectoryStatus.STEP_LIMIT and not res.success[1]
    assert "max_steps" in res.messages[1]
    assert np.isnan(res.beta[1, -1]).all() and np.isnan(res.loss[1, -1])
    assert np.isfinite(res.beta[1, 0]).all()


def test_beta_map_and_its_jvp_are_exact():
    import jax

    from saddlepath.diagonal.jax_flow._ode import beta_of_s, log_floor

    lam, s = 30.0, np.array([0.9, -1.05, 0.0, 0.3])
    u0, v0 = np.array([1.5, -1.0, 1.0, 2.0]), np.array([0.5, 0.5, 1.0, 0.0])
    with np.errstate(divide="ignore"):
        c_plus = np.maximum(np.log(np.abs(u0 + v0)) - 0.5 * np.log(2), log_floor(np.float64))
        c_minus = np.maximum(np.log(np.abs(u0 - v0)) - 0.5 * np.log(2), log_floor(np.float64))
    alpha = np.exp(-lam)
    u_t = alpha * ((u0 + v0) * np.exp(lam * s) + (u0 - v0) * np.exp(-lam * s)) / 2
    v_t = alpha * ((u0 + v0) * np.exp(lam * s) - (u0 - v0) * np.exp(-lam * s)) / 2
    beta = np.asarray(beta_of_s(s, lam, c_plus, c_minus))
    np.testing.assert_allclose(beta, u_t * v_t, rtol=1e-12)
    jac = np.asarray(jax.jacfwd(beta_of_s)(s, lam, c_plus, c_minus))
    h = 1e-7
    fd = np.asarray(beta_of_s(s + h, lam, c_plus, c_minus)) - beta_of_s(s - h, lam, c_plus, c_minus)
    np.testing.assert_allclose(np.diag(jac), fd / (2 * h), rtol=1e-6)
    assert np.count_nonzero(jac - np.diag(np.diag(jac))) == 0


def test_auto_solver_choice():
    assert choose_solver("auto", 2302.6, 4, np.float64) == "tsit5"
    assert choose_solver("auto", 3454.0, 4, np.float64) == "kvaerno5"
    assert choose_solver("auto", 3454.0, 1000, np.float64) == "tsit5"
    assert choose_solver("auto", 1e5, 4, np.float32) == "tsit5"
    assert choose_solver("KVAERNO5", 1.0, 4, np.float64) == "kvaerno5"


def test_library_leaves_jax_alone():
    """``import saddlepath`` does not import JAX; float64 data without x64 run in float32."""
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        import saddlepath, saddlepath.diagonal.jax_flow
        assert "jax" not in sys.modules, "importing saddlepath imported jax"
        from saddlepath.diagonal.jax_flow import batched_flow
        res = batched_flow(np.eye(2), np.array([1.0, 0.5]), alphas=1e-3, tau_grid=[0.5, 1.0])
        import jax
        assert not jax.config.jax_enable_x64
        print(res.dtype, res.beta.dtype, res.statuses[0].name)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["float32", "float32", "REACHED_TAU_MAX"]


def test_missing_jax_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "diffrax", None)
    with pytest.raises(ImportError, match=r'pip install "saddlepath\[jax\]"'):
        batched_flow(WORKED_X, WORKED_Y, alphas=1e-3, tau_grid=GRID)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": np.ones(4)}, ValueError, r"`X` must have shape \(n_samples, n_features\)"),
        ({"X": np.ones((1, 2, 2, 4))}, ValueError, r"`X` must have shape"),
        ({"y": np.ones((2, 2, 2))}, ValueError, r"`y` must have shape \(n_samples,\)"),
        ({"y": np.ones(3)}, ValueError, r"same number of samples; got X of shape \(2, 4\)"),
        ({"X": [[1.0, np.nan, 0, 0], [0, 1, 0, 0]]}, ValueError, r"`X` contains NaN"),
        ({"alphas": [1e-3, 0.0]}, ValueError, r"`alphas\[1\]` is invalid: .* must be > 0"),
        ({"alphas": -1.0}, ValueError, r"`alpha` parameter of batched_flow must be > 0"),
        ({"alphas": 2.0}, ValueError, r"must describe alpha < 1"),
        ({"alphas": ["1e-5", "abc"]}, ValueError, r"`alphas\[1\]` is invalid: .* parsed"),
        ({"alphas": []}, ValueError, r"`alphas` must be a scalar or a non-empty 1-D"),
        ({"alphas": None}, ValueError, r"needs exactly one of `alphas`"),
        ({"log_alphas": -3.0}, ValueError, r"needs exactly one of `alphas`"),
        ({"alphas": None, "log_alphas": [-1.0, 0.5]}, ValueError, r"values < 0"),
        (
            {"alphas": [1e-3, 1e-4], "X": np.stack([WORKED_X] * 3)},
            ValueError,
            r"mismatched batch sizes: X has 3, alphas has 2",
        ),
        ({"u0": np.ones((3, 4)), "v0": np.ones((2, 4))}, ValueError, r"u0 has 3, v0 has 2"),
        ({"u0": np.ones(5)}, ValueError, r"`u0` must be a scalar or have shape \(n_features,\)"),
        ({"tau_grid": [0.0, 2.0, 1.0]}, ValueError, r"`tau_grid` must be strictly increasing"),
        ({"tau_grid": [-1.0, 2.0]}, ValueError, r"start at tau >= 0"),
        ({"tau_grid": [0.0]}, ValueError, r"end at tau > 0"),
        ({"tau_grid": np.ones((2, 2))}, ValueError, r"`tau_grid` must be 1-D"),
        ({"rtol": 0.0}, ValueError, r"`rtol` parameter of batched_flow must be a float in"),
        ({"max_steps": 0}, ValueError, r"`max_steps` parameter of batched_flow must be an int"),
        ({"solver": "rk45"}, ValueError, r"`solver` parameter of batched_flow must be one of"),
        ({"alphas": object()}, TypeError, r"`alpha` parameter of batched_flow must be a float"),
    ],
)
def test_errors_name_the_argument(kwargs, error, match):
    args = {"X": WORKED_X, "y": WORKED_Y, "alphas": 1e-3, "tau_grid": GRID, **kwargs}
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(error, match=match):
        batched_flow(X, y, **args)
