"""train(): GD steps, records and statuses against an independent NumPy implementation.

The oracle below is GD written out by hand in NumPy (forward pass, backpropagation of
the MSE or cross-entropy by the chain rule, the step rule of the docstring), sharing no
code with the JAX loop; both run in float64, so they agree to rounding (~1e-13 after 40
steps here; tolerance 1e-9).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

pytest.importorskip("jax")

from saddlepath.deep import EscapeResult, EscapeStatus, TrainingStatus, train
from saddlepath.deep.training import initial_weights
from saddlepath.warnings import DivergenceWarning

RTOL = 1e-9


def forward(ws, X):
    acts, pre, a = [X], [], X
    for i, W in enumerate(ws):
        z = a @ W.T
        pre.append(z)
        a = np.maximum(z, 0) if i < len(ws) - 1 else z
        acts.append(a)
    return acts, pre


def cost_grad(ws, X, T, loss="mse"):
    """C, Y and ∇C by backpropagation (relu'(0) = 0, as in JAX)."""
    acts, pre = forward(ws, X)
    Y, n = acts[-1], X.shape[0]
    if loss == "mse":
        C, d = 0.5 * np.sum((Y - T) ** 2) / n, (Y - T) / n
    else:
        Z = Y - Y.max(1, keepdims=True)
        P = np.exp(Z) / np.exp(Z).sum(1, keepdims=True)
        C = -np.mean(np.log(P[np.arange(n), T]))
        d = P.copy()
        d[np.arange(n), T] -= 1
        d /= n
    grads = [None] * len(ws)
    for ell in range(len(ws) - 1, -1, -1):
        grads[ell] = d.T @ acts[ell]
        if ell:
            d = (d @ ws[ell]) * (pre[ell - 1] > 0)
    return C, Y, grads


def norm(ws):
    return np.sqrt(sum(np.sum(W * W) for W in ws))


def oracle_gd(ws, X, T, n_steps, c, plateau_c=None, until=2.0, cap=None, loss="mse"):
    """GD with the documented step; returns {step: (t, weights)} and which branches ran."""
    L, ws = len(ws), [W.copy() for W in ws]
    n0, plateau, t = norm(ws), plateau_c is not None, 0.0
    out, used = {0: (0.0, ws)}, {"capped": 0, "uncapped": 0, "plateau": 0}
    for k in range(n_steps):
        _, _, g = cost_grad(ws, X, T, loss)
        eta = (plateau_c if plateau else c) / norm(ws) ** (L - 2)
        used["plateau"] += plateau
        if cap is not None:
            limit = cap * norm(ws) / norm(g)
            used["capped" if limit < eta else "uncapped"] += 1
            eta = min(eta, limit)
        ws = [W - eta * G for W, G in zip(ws, g, strict=True)]
        t += eta
        plateau = plateau and norm(ws) < until * n0
        out[k + 1] = (t, ws)
    return out, used


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(3)
    X = np.abs(rng.standard_normal((20, 4)))
    return X, rng.standard_normal((20, 2)), rng.integers(0, 3, 20)


SCHEDULE = {"c": 0.5, "plateau_c": 5.0, "plateau_until": 1.2, "step_cap": 0.05}


def test_steps_match_hand_written_gd(problem):
    X, T, _ = problem
    run = train(X, T, (5, 5), init_scale=0.5, n_steps=40, record_every=10,
                keep_weights_every=10, **SCHEDULE)  # fmt: skip
    ws0 = initial_weights((5, 5), 4, 2, 0.5, 0)
    ref, used = oracle_gd(list(ws0), X, T, 40, 0.5, 5.0, 1.2, 0.05)
    assert min(used.values()) >= 5 and used["plateau"] < 40  # every branch of the rule ran
    assert run.step.tolist() == [0, 10, 20, 30, 40] == run.weight_step.tolist()
    for i, step in enumerate(run.step):
        t, ws = ref[int(step)]
        assert run.t[i] == pytest.approx(t, rel=RTOL)
        for ell, W in enumerate(ws):
            np.testing.assert_allclose(run.weights[ell][i], W, rtol=RTOL, atol=RTOL * 1e-3)
    assert run.status is TrainingStatus.COMPLETED and run.stats["n_steps"] == 40


def test_records_are_the_documented_quantities(problem):
    X, T, _ = problem
    run = train(X, T, (5, 5), init_scale=0.5, n_steps=30, record_every=10, keep_weights_every=10,
                n_probe=7, seed=4, **SCHEDULE)  # fmt: skip
    assert run.probe.shape == (7,) and np.unique(run.probe).size == 7
    for i in range(run.step.size):
        ws = [W[i] for W in run.weights]
        C, Y, g = cost_grad(ws, X, T)
        assert run.loss[i] == pytest.approx(C, rel=RTOL)
        assert run.norm[i] == pytest.approx(norm(ws), rel=RTOL)
        assert run.gradient_norm[i] == pytest.approx(norm(g), rel=1e-7)
        np.testing.assert_allclose(run.beta[i], Y[run.probe].ravel(), rtol=RTOL, atol=1e-15)
        for ell, W in enumerate(ws):
            s = np.linalg.svd(W, compute_uv=False)[: min(10, *W.shape)]
            np.testing.assert_allclose(run.singular_values[ell][i], s, rtol=1e-10)
    assert np.isnan(run.alignment).all() and np.isnan(run.speed_ratio).all()
    assert np.isnan(run.escape_speed) and run.depth == 3 and run.widths == (5, 5)


def perron_escape(X, T, widths):
    """The exact optimal escape for MSE with X, T ≥ 0: a rank-one chain, speed σ₁(TᵀX)/n.

    With G = −T/n, −GᵀX ≥ 0 entrywise, so its top singular vectors u, v are ≥ 0
    (Perron–Frobenius) and W₁ = e₁vᵀ, W_ℓ = e₁e₁ᵀ, W_L = ue₁ᵀ (each of norm 1, ‖θ‖² = L)
    attains the bound L₀ ≥ −σ₁ (BSJ; deep-notes).
    """
    U, S, Vt = np.linalg.svd(T.T @ X / X.shape[0])
    u, v = np.abs(U[:, 0]), np.abs(Vt[0])
    sizes = (*widths, T.shape[1])
    ws = [np.outer(np.eye(widths[0])[0], v)]
    for a, b in itertools.pairwise(widths):
        ws.append(np.outer(np.eye(b)[0], np.eye(a)[0]))
    ws.append(np.outer(u, np.eye(widths[-1])[0]))
    assert [W.shape[0] for W in ws] == list(sizes)
    return EscapeResult(
        speed=float(S[0]), speeds=np.array([S[0]]), weights=tuple(ws), residual=0.0,
        singular_values=tuple(np.linalg.svd(W, compute_uv=False) for W in ws),
        status=EscapeStatus.CONVERGED,
        stats={"n_restarts": 1, "n_warmup_steps": 0, "n_descent_steps": 0}, activation="relu",
    )  # fmt: skip


def test_alignment_and_speed_ratio_against_direct_evaluation(problem):
    X, T, _ = problem
    T = np.abs(T)
    escape = perron_escape(X, T, (5, 5))
    run = train(X, T, (5, 5), init_scale=0.5, n_steps=20, record_every=10, keep_weights_every=10,
                escape=escape, **SCHEDULE)  # fmt: skip
    ref = forward(escape.weights, X)[0][-1]
    assert run.escape_speed == pytest.approx(escape.speed, rel=1e-12)
    for i in range(run.step.size):
        ws = [W[i] for W in run.weights]
        Y = forward(ws, X)[0][-1]
        cosine = np.sum(Y * ref) / (np.linalg.norm(Y) * np.linalg.norm(ref))
        assert run.alignment[i] == pytest.approx(cosine, rel=1e-10)
        on_sphere = [W * np.sqrt(3) / norm(ws) for W in ws]  # no homogeneity shortcut here
        speed = np.sum(T / X.shape[0] * forward(on_sphere, X)[0][-1])
        assert run.speed_ratio[i] == pytest.approx(speed / escape.speed, rel=1e-10)
    assert 0 < run.speed_ratio.max() <= 1 + 1e-12  # s* is the optimum: no direction beats it


def test_cross_entropy_step_matches_hand_written_gd(problem):
    X, _, labels = problem
    run = train(X, labels, (6,), loss="cross_entropy", init_scale=0.5, n_steps=12,
                record_every=4, keep_weights_every=4, c=2.0)  # fmt: skip
    ws0 = initial_weights((6,), 4, 3, 0.5, 0)
    ref, _ = oracle_gd(list(ws0), X, labels, 12, 2.0, loss="cross_entropy")
    for i, step in enumerate(run.step):
        for ell, W in enumerate(ref[int(step)][1]):
            np.testing.assert_allclose(run.weights[ell][i], W, rtol=RTOL, atol=1e-14)
        assert run.loss[i] == pytest.approx(
            cost_grad(ref[int(step)][1], X, labels, "cross_entropy")[0]
        )


def test_one_batch_of_everything_is_full_batch_gd(problem):
    X, T, _ = problem
    full = train(X, T, (5, 5), init_scale=0.5, n_steps=20, record_every=5, c=0.5)
    batch = train(X, T, (5, 5), init_scale=0.5, n_steps=20, record_every=5, c=0.5,
                  batch_size=20)  # fmt: skip
    for a, b in zip(full.weights, batch.weights, strict=True):  # same mean, other order
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_minibatches_are_seeded(problem):
    X, T, _ = problem
    runs = [train(X, T, (5,), init_scale=0.5, n_steps=15, record_every=5, batch_size=6,
                  seed=s, c=0.5) for s in (1, 1, 2)]  # fmt: skip
    assert np.array_equal(runs[0].loss, runs[1].loss)
    assert not np.array_equal(runs[0].loss, runs[2].loss)
    # the full-set gradient norm is recorded, not the mini-batch one
    ws = [W[-1] for W in runs[0].weights]
    assert runs[0].gradient_norm[-1] == pytest.approx(norm(cost_grad(ws, X, T)[2]), rel=1e-9)


def test_initial_weights_follow_the_documented_law():
    ws = initial_weights((300, 200), 400, 5, 0.3, 7)
    assert [W.shape for W in ws] == [(300, 400), (200, 300), (5, 200)]
    for W in ws[:2]:  # std s/sqrt(fan_in), within 5 standard errors of the sample std
        std = W.std() * np.sqrt(W.shape[1]) / 0.3
        assert abs(std - 1) < 5 / np.sqrt(2 * W.size)


def test_loss_tol_stops_with_converged(problem):
    X, T, _ = problem
    run = train(X, np.abs(T), (8, 8), init_scale=0.5, n_steps=3000, record_every=10, c=0.5,
                loss_tol=0.2)  # fmt: skip
    assert run.status is TrainingStatus.CONVERGED and run.status.success
    assert run.loss[-1] <= 0.2 < run.loss[-2] and run.step[-1] < 3000
    assert run.weight_step[-1] == run.step[-1]  # the last state is kept


def test_blow_up_ends_with_not_finite_and_a_warning(problem):
    X, T, _ = problem
    with pytest.warns(DivergenceWarning, match="non-finite"):
        run = train(X, T, (5,), activation="linear", init_scale=1.0, n_steps=500,
                    record_every=5, c=50.0)  # fmt: skip
    assert run.status is TrainingStatus.NOT_FINITE and not run.status.success
    assert np.isfinite(run.loss[:-1]).all() and not np.isfinite(run.loss[-1])
    assert np.isfinite(np.concatenate([W.ravel() for W in run.weights])).all()
