"""The first escape of small-init training on ``load_digits`` is found and aligned.

Measured before this code existed (deep-notes, a throwaway script): depth 4, width 128,
MSE on one-hot targets, init N(0, 0.01²/fan_in), c = 1 → the first escape at step ≈ 450
with function-space cosine 0.984 to the optimal escape direction just before it. The
optimal escape direction here is exact: pixels and one-hot targets are non-negative, so
it is the Perron–Frobenius rank-one chain with speed σ₁(TᵀX)/n (``perron_escape``).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("sklearn")

from saddlepath.analysis import find_plateaus
from saddlepath.data import load_digits
from saddlepath.deep import train
from test_deep_train import perron_escape


@pytest.mark.slow
def test_first_escape_on_digits_is_detected_after_alignment():
    data = load_digits()
    X, T = data.X, data.one_hot()
    escape = perron_escape(X, T, (128, 128, 128))
    assert escape.speed == pytest.approx(1.01637, abs=5e-6)  # the solver's value (deep-notes)
    run = train(X, T, (128, 128, 128), n_steps=700, record_every=10, escape=escape)
    plateaus = find_plateaus(run)
    first = int(np.argmin(plateaus.tau))
    assert plateaus.tau_start[first] == 0.0  # the run starts on the saddle at the origin
    escape_step = np.interp(plateaus.tau_end[first], run.t, run.step)
    assert 250 <= escape_step <= 650
    before = run.step <= escape_step
    assert run.alignment[before][-1] >= 0.95  # aligned with ρ* in function space
    assert run.loss[-1] < run.loss[0] - 0.04  # it did escape: the loss dropped
    assert run.speed_ratio[-1] > 0.5  # and the direction's speed is close to s*
    sv = run.singular_values[1][-1]
    assert sv[0] / sv[1] > 10  # a deep layer became rank one
