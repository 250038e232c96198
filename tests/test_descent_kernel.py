"""The compiled GD/SGD loop: the same numbers as plain Python (NUMBA_DISABLE_JIT=1), and the
record's growth, thinning and margin crossings seen through the public API.

Oracles: the kernel's own source run as plain Python on NumPy scalars in a subprocess (the
suite's coverage mode), and plain float64 GD on (u, v) written here.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from helpers import jit_and_python
from saddlepath.diagonal.descent import gradient_descent

_RUNS = textwrap.dedent(
    """
    import sys
    import numpy as np
    from saddlepath.diagonal.descent import gradient_descent

    rs = np.random.RandomState(10)
    X = rs.randn(5, 7)
    y = X @ np.array([10.0, 20.0, 0, 0, 0, 0, 0])
    runs = {
        "gd": dict(step_size=0.01, alpha=5.0, v0=1.0, n_steps=400, save_every=1, gtol=0.0),
        "margin": dict(step_size=0.005, alpha=1e-30, n_steps=3000, margin=1e-3),
        "sgd": dict(step_size=0.01, alpha=5.0, v0=1.0, batch_size=2, seed=0, n_steps=300),
    }
    out = {}
    for name, kwargs in runs.items():
        traj = gradient_descent(X, y, **kwargs)
        out[name + "_beta"] = traj.beta
        out[name + "_t"] = traj.t
        out[name + "_lp"] = traj.log_abs_w_plus
        out[name + "_sign"] = traj.sign_w_minus
        if traj.margin_crossings is not None:
            out[name + "_start"] = traj.margin_crossings.start
            out[name + "_end"] = traj.margin_crossings.end
    np.savez(sys.argv[1], **out)
    """
)


@pytest.mark.slow
def test_compiled_loop_equals_the_same_code_run_as_plain_python(tmp_path):
    jitted, python = jit_and_python(_RUNS, tmp_path)
    assert jitted["margin_start"].size >= 2  # crossings happened (the oracle has content)
    assert np.any(np.diff(jitted["gd_sign"], axis=0) != 0)  # the run flips signs
    for key, value in jitted.items():
        if value.dtype.kind in "iu":
            np.testing.assert_array_equal(value, python[key], err_msg=key)
        else:
            scale = np.max(np.abs(value[np.isfinite(value)]), initial=1.0)
            np.testing.assert_allclose(value, python[key], rtol=0, atol=1e-12 * scale)


def test_record_grows_past_its_first_block_and_keeps_every_row():
    """More than 1024 rows with the default save rule (capacity unknown): every step from 0."""
    rs = np.random.RandomState(10)
    X, y = rs.randn(5, 7), rs.randn(5)
    traj = gradient_descent(X, y, step_size=0.01, alpha=1e-3, n_steps=3000, save_every=1)
    dense = np.rint(traj.t / 0.01).astype(int)
    assert dense.tolist() == list(range(3001))
    u, v = 1e-3 * np.sqrt(2.0) * np.ones(7), np.zeros(7)
    for _ in range(3000):  # plain float GD on (u, v): the last saved row
        g = (X @ (u * v) - y) @ X / 5
        u, v = u - 0.01 * g * v, v - 0.01 * g * u
    np.testing.assert_allclose(traj.beta[-1], u * v, rtol=0, atol=1e-12 * np.max(np.abs(u * v)))


def test_sgd_epochs_are_drawn_one_after_the_other():
    """Batches of every epoch are cut from successive default_rng(seed).permutation calls,
    across the blocks of epochs the host hands to the compiled loop (n = 3: 1365 epochs)."""
    rs = np.random.RandomState(4)
    X, y = rs.randn(3, 2), rs.randn(3)
    n_steps = 3000  # > 4096 samples' worth: two blocks of epochs
    traj = gradient_descent(
        X, y, step_size=0.01, alpha=0.5, batch_size=2, seed=7, n_steps=n_steps, gtol=0.0
    )
    rng, rows = np.random.default_rng(7), []
    while len(rows) < n_steps:
        order = rng.permutation(3)
        rows += [order[0:2], order[2:3]]
    u, v = 0.5 * np.sqrt(2.0) * np.ones(2), np.zeros(2)
    for r in rows[:n_steps]:
        g = (X[r] @ (u * v) - y[r]) @ X[r] / len(r)
        u, v = u - 0.01 * g * v, v - 0.01 * g * u
    np.testing.assert_allclose(traj.beta[-1], u * v, rtol=1e-12)


def test_large_problems_take_the_blas_products_with_the_same_iterates():
    """X with 2**16 entries: the full gradient by BLAS (``BLAS_MIN``), plain float GD."""
    from saddlepath.diagonal._kernels_descent import BLAS_MIN

    rng = np.random.default_rng(2)
    X = rng.standard_normal((64, 1024))
    y = X[:, :3] @ np.array([1.0, -2.0, 1.5])
    assert X.size >= BLAS_MIN
    traj = gradient_descent(X, y, step_size=0.05, alpha=0.1, n_steps=60, save_every=1)
    u, v = 0.1 * np.sqrt(2.0) * np.ones(1024), np.zeros(1024)
    for _ in range(60):
        g = (X @ (u * v) - y) @ X / 64
        u, v = u - 0.05 * g * v, v - 0.05 * g * u
    assert np.max(np.abs(u * v)) > 0.1  # the iterates moved
    np.testing.assert_allclose(traj.beta[-1], u * v, rtol=0, atol=1e-12 * np.max(np.abs(u * v)))
    loss = np.sum((X @ traj.beta[-1] - y) ** 2) / 128
    assert traj.loss[-1] == pytest.approx(loss, rel=1e-12)
