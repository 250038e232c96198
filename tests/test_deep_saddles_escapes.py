r"""explain_escapes on a real small-init GD run of a depth-2 linear network.

Oracle. Whitened inputs and targets ``T = X Mᵀ`` with ``M = U diag(1, ½, ¼, 0, 0) Vᵀ``: the
cost is :math:`\tfrac12\|W_2W_1 - M\|^2`, so small-init GD visits the rank-1 and rank-2
truncations of ``M``, with losses :math:`\tfrac12\sum_{i>k}s_i^2` = 5/32 and 1/32, and (see
``test_deep_saddles.py``) the most negative Hessian eigenvalue :math:`-s_{k+1}` there, once
per free hidden unit: with width 4, Morse index :math:`(4 - k)(3 - k)` = 6 and 2. Near a
strict saddle, GD leaves along the unstable manifold, tangent to the eigenspace of the most
negative eigenvalue (its growth rate beats the next, :math:`s_{k+2}`, over a long plateau):
the displacement must lie in that eigenspace, though not along the one vector returned.
"""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import saddlepath  # noqa: E402
from saddlepath.analysis import ExplainedEscapeStatus, explain_escapes, find_plateaus  # noqa: E402
from saddlepath.deep import TrainingRun, TrainingStatus  # noqa: E402

S = np.array([1.0, 0.5, 0.25, 0.0, 0.0])


def small_init_run(X, T, widths, *, init, eta, n_steps, every=10):
    """A plain GD run of a linear network, recorded every ``every`` steps (test scaffolding)."""
    from saddlepath.deep.network import network_output

    n, depth = X.shape[0], len(widths) + 1
    cost = lambda Ws: 0.5 * jnp.sum((network_output(Ws, X, activation="linear") - T) ** 2) / n  # noqa: E731
    grad = jax.jit(jax.value_and_grad(cost))

    @jax.jit
    def advance(Ws):
        step = lambda Ws, _: ([W - eta * G for W, G in zip(Ws, grad(Ws)[1], strict=True)], None)  # noqa: E731
        return jax.lax.scan(step, Ws, None, length=every)[0]

    sizes = [X.shape[1], *widths, T.shape[1]]
    rng = np.random.default_rng(7)
    Ws = [init * rng.standard_normal((sizes[i + 1], sizes[i])) for i in range(depth)]
    rows, kept = [], []
    for k in range(0, n_steps + 1, every):
        c, G = grad(Ws)
        g = float(np.sqrt(sum(np.sum(np.square(x)) for x in G)))
        norm = float(np.sqrt(sum(np.sum(np.square(W)) for W in Ws)))
        Y = np.asarray(network_output(Ws, X[:5], activation="linear")).ravel()
        rows.append((k, k * eta, float(c), norm, g, Y))
        kept.append([np.asarray(W) for W in Ws])
        Ws = advance(Ws)
    step, t, loss, norm, g, Y = (np.array(col) for col in zip(*rows, strict=True))
    svs = tuple(
        np.array([np.linalg.svd(w[i], compute_uv=False) for w in kept]) for i in range(depth)
    )
    nan = np.full(step.size, np.nan)
    return TrainingRun(
        step=step, t=t, loss=loss, norm=norm, gradient_norm=g, singular_values=svs,
        alignment=nan, speed_ratio=nan, beta=Y, probe=np.arange(5), weight_step=step,
        weights=tuple(np.array([w[i] for w in kept]) for i in range(depth)),
        escape_speed=float("nan"), settings={"activation": "linear", "loss": "mse"},
        status=TrainingStatus.COMPLETED, stats={"n_steps": n_steps},
    )  # fmt: skip


@pytest.fixture(scope="module")
def explained():
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.standard_normal((40, 6)))
    X = Q * np.sqrt(40)
    U, _, Vt = np.linalg.svd(rng.standard_normal((5, 6)), full_matrices=False)
    T = X @ ((U * S) @ Vt).T
    run = small_init_run(X, T, (4,), init=1e-6, eta=0.05, n_steps=4000)
    return run, explain_escapes(run, X, T, k=4, tol=1e-11)


def test_each_later_saddle_is_the_truncation_with_its_curvature(explained):
    run, rows = explained
    plateaus = find_plateaus(run)  # the origin, the two saddles, the minimum it ends on
    assert len(plateaus) == 4 and plateaus.ends_on_plateau
    assert [r.saddle.bottleneck_rank for r in rows] == [1, 2, 3]
    end = rows[-1]  # the global minimum: nothing after it, no unstable direction
    assert end.status is ExplainedEscapeStatus.NO_LATER_WEIGHTS
    assert end.saddle.loss == pytest.approx(0.0, abs=1e-12) and end.saddle.morse_index_estimate == 0
    rows = rows[:-1]
    for k, row in enumerate(rows, start=1):
        assert row.status is ExplainedEscapeStatus.EXPLAINED and row.status.success
        assert row.saddle.loss == pytest.approx(0.5 * np.sum(S[k:] ** 2), abs=1e-12)
        assert row.saddle.eigenvalues[0] == pytest.approx(-S[k], abs=1e-9)
        assert row.saddle_step < row.after_step and row.loss_drop > 0
    assert rows[0].saddle.index_is_lower_bound  # Morse index 6 > k = 4
    assert rows[1].saddle.morse_index_estimate == 2  # (4 − 2)(3 − 2)


def test_the_escape_follows_the_top_unstable_eigenspace(explained):
    _, rows = explained
    for row in rows[:-1]:
        assert row.top_space_cosine > 0.99
        assert row.unstable_cosine >= row.top_space_cosine - 1e-12
        assert row.cosine <= row.top_space_cosine + 1e-12
        assert row.function_cosine > 0.99


def test_explanations_round_trip_as_records(explained, tmp_path):
    _, rows = explained
    saddlepath.save(rows[1], tmp_path / "escape")
    loaded = saddlepath.load(tmp_path / "escape")
    assert repr(loaded) == repr(rows[1])
    np.testing.assert_array_equal(loaded.saddle.eigenvectors, rows[1].saddle.eigenvectors)
    assert loaded.saddle.lanczos_status is rows[1].saddle.lanczos_status


def test_a_run_that_is_not_deep_is_refused():
    with pytest.raises(TypeError, match="`run` parameter of explain_escapes"):
        explain_escapes(object(), np.ones((2, 1)), np.ones((2, 1)))


def escape_example():
    """A real DeepSaddle and EscapeExplanation, small (for the records and repr fixtures)."""
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.standard_normal((20, 4)))
    X = Q * np.sqrt(20)
    U, _, Vt = np.linalg.svd(rng.standard_normal((3, 4)), full_matrices=False)
    T = X @ ((U * S[:3]) @ Vt).T
    run = small_init_run(X, T, (3,), init=1e-6, eta=0.05, n_steps=1000)
    row = explain_escapes(run, X, T, k=2)[0]
    return row.saddle, row
