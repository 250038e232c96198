"""train()'s checkpoints: a killed process resumes to the same run, bit for bit.

The oracle is the uninterrupted run: every array of the resumed TrainingRun must be
*equal* to it (``np.array_equal``, NaNs in the same places), since the resumed process
restores the loop state exactly and runs the same compiled steps from it. Only
``stats["wall_s"]`` and ``stats["n_resumes"]`` differ, by definition.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jax")

from saddlepath.deep import train
from saddlepath.deep.checkpoint import CheckpointError, load_checkpoint

SRC = Path(__file__).resolve().parents[1] / "src"
OPTIONS = {"init_scale": 0.1, "n_steps": 1500, "record_every": 10, "keep_weights_every": 100,
           "c": 1.0, "batch_size": 50, "seed": 5, "n_probe": 4}  # fmt: skip
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from saddlepath.deep import train
    rng = np.random.default_rng(0)
    X = np.abs(rng.standard_normal((120, 6))); T = X @ rng.standard_normal((6, 3))
    train(X, T, (12, 12), checkpoint=sys.argv[1], checkpoint_every=5,
          progress=lambda p: time.sleep(0.02), **{options})
    """
)


def data():
    rng = np.random.default_rng(0)
    X = np.abs(rng.standard_normal((120, 6)))
    return X, X @ rng.standard_normal((6, 3))


def same_run(a, b):
    for name in ("step", "t", "loss", "norm", "gradient_norm", "alignment", "speed_ratio",
                 "beta", "probe", "weight_step"):  # fmt: skip
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    for x, y in zip(a.singular_values + a.weights, b.singular_values + b.weights, strict=True):
        assert np.array_equal(x, y)
    assert a.settings == b.settings and a.status is b.status
    assert a.stats["n_steps"] == b.stats["n_steps"] and a.stats["n_records"] == b.stats["n_records"]


def test_a_killed_process_resumes_to_the_uninterrupted_run(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    code = SCRIPT.format(options=OPTIONS)
    proc = subprocess.Popen([sys.executable, "-c", code, str(ckpt)], env=env)
    try:
        deadline = time.monotonic() + 240
        while not ckpt.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the process ended before it was killed"
    X, T = data()
    saved = load_checkpoint(ckpt, _digest_of(X, T, ckpt))
    assert 0 < int(saved.state["step"]) < OPTIONS["n_steps"]  # killed mid-run
    resumed = train(X, T, (12, 12), checkpoint=ckpt, resume=True, **OPTIONS)
    assert resumed.stats["n_resumes"] == 1
    same_run(resumed, train(X, T, (12, 12), **OPTIONS))
    again = train(X, T, (12, 12), checkpoint=ckpt, resume=True, **OPTIONS)  # finished: no steps
    same_run(again, resumed)
    assert again.stats["n_resumes"] == 2


def _digest_of(X, T, ckpt):
    """The settings hash stored in the file (its own check is tested below)."""
    import json

    with np.load(ckpt) as archive:
        return json.loads(str(archive["meta"]))["settings_hash"]


def test_other_settings_are_refused_with_the_difference_named(tmp_path):
    X, T = data()
    ckpt = tmp_path / "run.ckpt"
    train(X, T, (4,), n_steps=20, checkpoint=ckpt)
    with pytest.raises(CheckpointError, match=r"other settings.*c: 1\.0 → 2\.0"):
        train(X, T, (4,), n_steps=20, c=2.0, checkpoint=ckpt, resume=True)
    with pytest.raises(CheckpointError, match="same settings: other data"):
        train(X, T + 1.0, (4,), n_steps=20, checkpoint=ckpt, resume=True)
    run = train(X, T, (4,), n_steps=20, c=2.0, checkpoint=ckpt)  # resume=False: start afresh
    assert run.stats["n_resumes"] == 0


def test_an_unreadable_checkpoint_is_refused(tmp_path):
    X, T = data()
    ckpt = tmp_path / "run.ckpt"
    ckpt.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable training checkpoint"):
        train(X, T, (4,), n_steps=20, checkpoint=ckpt, resume=True)


def test_resume_without_a_file_starts_afresh(tmp_path):
    X, T = data()
    ckpt = tmp_path / "new.ckpt"
    run = train(X, T, (4,), n_steps=20, record_every=5, checkpoint=ckpt, resume=True)
    assert run.stats["n_resumes"] == 0 and ckpt.exists()
    same_run(run, train(X, T, (4,), n_steps=20, record_every=5))


class Interrupt(Exception):
    pass


def test_full_batch_run_interrupted_in_process_resumes_identically(tmp_path):
    X, T = data()
    ckpt = tmp_path / "run.ckpt"
    options = {"n_steps": 200, "record_every": 10, "init_scale": 0.1, "plateau_c": 3.0,
               "step_cap": 0.05, "seed": 2}  # fmt: skip

    def stop_at_130(p):
        if p.step >= 130:
            raise Interrupt

    with pytest.raises(Interrupt):
        train(X, T, (6, 6), checkpoint=ckpt, checkpoint_every=4, progress=stop_at_130, **options)
    saved = load_checkpoint(ckpt, _digest_of(X, T, ckpt))
    assert int(saved.state["step"]) == 120 and len(saved.state["grad"]) == 3
    resumed = train(X, T, (6, 6), checkpoint=ckpt, resume=True, **options)
    same_run(resumed, train(X, T, (6, 6), **options))
