"""Reference problems with known answers, shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

from saddlepath import NonUniqueSaddleWarning, saddle_path
from saddlepath.warnings import SaddlepathWarning

WORKED_X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
WORKED_Y = np.array([1.0, 0.0])
WORKED_TIMES = (Fraction(0), Fraction(2), Fraction(8), Fraction(8) + Fraction(160, 49))
WORKED_SADDLES = (
    (0, 0, 0, 0),
    (Fraction(4, 5), 0, 0, 0),
    (0, 0, Fraction(7, 5), 0),
    (0, 0, Fraction(10, 7), Fraction(-10, 49)),
)


def sparse_gaussian(n, d, k, *, seed=0, noise=0.0):
    """Gaussian design, k-sparse N(0,1) signal, optional noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta = np.zeros(d)
    beta[rng.choice(d, size=k, replace=False)] = rng.standard_normal(k)
    return X, X @ beta + noise * rng.standard_normal(n), beta


def integer_problem(n, d, *, seed, low=-3, high=4):
    """Small integer data: exactly representable, so a rational oracle applies."""
    rng = np.random.default_rng(seed)
    return (
        rng.integers(low, high, size=(n, d)).astype(float),
        rng.integers(low, high, size=n).astype(float),
    )


def min_l1_lp(X, y):
    """``argmin ‖β‖₁ s.t. Xβ = Xβ_ls`` with HiGHS (an oracle independent of the path)."""
    d = X.shape[1]
    target = X @ np.linalg.lstsq(X, y, rcond=None)[0]
    res = linprog(
        np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=target, bounds=(0, None), method="highs"
    )
    assert res.status == 0, res.message
    return res.x[:d] - res.x[d:]


def quiet_path(X, y, **kw):
    """``saddle_path`` with its ``NonUniqueSaddleWarning`` silenced (degenerate data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonUniqueSaddleWarning)
        return saddle_path(X, y, **kw)


def path_and_warnings(X, y, **kw):
    """``saddle_path`` and the saddlepath warnings it emitted (recorded, not raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = saddle_path(X, y, **kw)
    return path, [w for w in caught if issubclass(w.category, SaddlepathWarning)]


def run_script_arrays(script_text: str, tmp_path: Path, name: str, *, disable_jit: bool) -> dict:
    """Run ``script_text`` (which saves arrays with ``np.savez(sys.argv[1], ...)``) in a fresh
    process on this checkout's ``src``, with numba's JIT on or off; returns its arrays.

    The compiled kernels' oracle: the same code run as plain Python (``NUMBA_DISABLE_JIT=1``).
    """
    script, target = tmp_path / "runs.py", tmp_path / f"{name}.npz"
    script.write_text(script_text)
    env = dict(os.environ, NUMBA_DISABLE_JIT="1" if disable_jit else "0")
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    subprocess.run([sys.executable, str(script), str(target)], env=env, check=True, timeout=600)
    with np.load(target) as data:
        return dict(data)


def jit_and_python(script_text: str, tmp_path: Path) -> tuple[dict, dict]:
    """The arrays of ``script_text`` run with numba's JIT and as plain Python (the oracle),
    as ``(jitted, python)``; both runs must have saved the same names."""
    jitted = run_script_arrays(script_text, tmp_path, "jit", disable_jit=False)
    python = run_script_arrays(script_text, tmp_path, "python", disable_jit=True)
    assert jitted.keys() == python.keys()
    return jitted, python
