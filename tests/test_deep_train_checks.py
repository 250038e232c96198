"""train() refuses bad arguments with a message naming the argument and the fix."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")

from saddlepath.deep import escape_direction, mse_gradient, train

X = np.abs(np.random.default_rng(0).standard_normal((10, 3)))
T = np.ones((10, 2))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"widths": 8}, TypeError, r"`widths` must be a sequence.*\(128, 128, 128\)"),
        ({"widths": ()}, ValueError, "at least one hidden width"),
        ({"widths": (4, 0)}, ValueError, "`widths` parameter of train must be an int in"),
        ({"loss": "ce"}, ValueError, "`loss` must be 'mse' or 'cross_entropy'"),
        ({"activation": "tanh"}, ValueError, "`activation` must be 'relu' or 'linear'"),
        ({"init_scale": 0.0}, ValueError, "`init_scale` parameter of train"),
        ({"n_steps": 0}, ValueError, "`n_steps` parameter of train"),
        ({"c": -1.0}, ValueError, "`c` parameter of train"),
        ({"plateau_c": 0.0}, ValueError, "`plateau_c` parameter"),
        ({"plateau_until": 1.0}, ValueError, r"`plateau_until` parameter of train .* \(1"),
        ({"step_cap": -0.1}, ValueError, "`step_cap` parameter"),
        ({"batch_size": 11}, ValueError, r"`batch_size` parameter .* in \[1, 10\]"),
        ({"seed": -1}, ValueError, "`seed` parameter of train"),
        ({"seed": np.random.default_rng(0)}, TypeError, "`seed` parameter of train must be an int"),
        ({"record_every": 0}, ValueError, "`record_every` parameter"),
        ({"keep_weights_every": 15}, ValueError, r"multiple of `record_every` \(10\).*e\.g\. 20"),
        ({"n_probe": 11}, ValueError, "`n_probe` parameter"),
        ({"loss_tol": -1.0}, ValueError, "`loss_tol` parameter"),
        ({"resume": True}, ValueError, "`resume=True` needs a `checkpoint` path"),
        ({"resume": "yes", "checkpoint": "x"}, TypeError, "`resume` must be True or False"),
        ({"checkpoint": 3}, TypeError, "`checkpoint` must be a file path"),
        ({"progress": 3}, TypeError, "`progress` must be a callable"),
        ({"escape": "rho"}, TypeError, "`escape` must be an EscapeResult"),
        ({"targets": np.ones(9)}, ValueError, "one entry per row of `X`: X has 10 rows"),
        ({"loss": "cross_entropy"}, ValueError, "integer class labels"),
        ({"X": np.full((10, 3), np.nan)}, ValueError, "`X` contains NaN"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(kwargs, error, match):
    args = {"X": X, "targets": T, "widths": (4, 4), "n_steps": 10}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        train(args.pop("X"), args.pop("targets"), args.pop("widths"), **args)


def test_an_escape_for_other_data_or_loss_is_refused():
    escape = escape_direction(X, mse_gradient(T), (4,), n_restarts=1, seed=0, n_steps=50,
                              n_warmup_steps=20)  # fmt: skip
    with pytest.raises(ValueError, match=r"`escape` must be computed for this network.*\(5,\)"):
        train(X, T, (5,), n_steps=5, escape=escape)
    with pytest.raises(ValueError, match="computed for other targets or another loss"):
        train(X, 2.0 * T, (4,), n_steps=5, escape=escape)
    run = train(X, T, (4,), n_steps=5, record_every=5, escape=escape)
    assert run.escape_speed == pytest.approx(escape.speed, rel=1e-12)
