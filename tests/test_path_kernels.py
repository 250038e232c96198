"""The exact path's compiled kernels: the same path as their own code run as plain Python
(NUMBA_DISABLE_JIT=1), the Cholesky up/down-dates against the Gram matrix and least squares,
and the compiled sign-constrained solve against exact rational arithmetic and an NNLS.

Oracles: the kernels' source run by the interpreter in a subprocess (the suite's coverage
mode); ``X_PᵀX_P`` and ``numpy.linalg.lstsq``; the rational path of
``saddlepath.testing``; ``scipy.optimize.nnls`` on the signed columns.
"""

from __future__ import annotations

import textwrap
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import nnls

from helpers import jit_and_python
from saddlepath import saddle_path
from saddlepath.diagonal._cholesky import GramCholesky
from saddlepath.diagonal._sign_constrained import solve_sign_constrained
from saddlepath.testing import rational_saddle_path

_RUNS = textwrap.dedent(
    """
    import sys, warnings
    import numpy as np
    from saddlepath import saddle_path

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(3)
    cases = {
        "worked": (np.array([[1, .5, .7, 0], [.5, 1, .1, .7]]), np.array([1.0, 0.0]), "float64"),
        "gauss": (rng.standard_normal((12, 40)), None, "float64"),
        "mixed": (rng.standard_normal((12, 40)), None, "mixed"),
        "tall": (rng.standard_normal((30, 8)), rng.standard_normal(30), "float64"),
    }
    tie = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])  # three columns tie, rank two
    cases["dependent"] = (tie, np.array([1.0, 1.0]), "float64")
    low_rank = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 8))
    cases["rank2"] = (low_rank, rng.standard_normal(6), "float64")
    out = {}
    for name, (X, y, precision) in cases.items():
        if y is None:
            y = X[:, :3] @ np.array([1.5, -2.0, 1.0])
        p = saddle_path(X, y, precision=precision)
        out[name + "_tau"], out[name + "_beta"], out[name + "_dual"] = p.tau, p.beta, p.dual
        out[name + "_loss"], out[name + "_R"] = p.loss, p.integrated_residuals
        out[name + "_passes"] = np.array([p.stats["n_passes"]])
        out[name + "_status"] = np.array([p.status.name])
        out[name + "_left"] = np.array([sum(len(x) for x in p.left)])
    np.savez(sys.argv[1], **out)
    """
)


@pytest.mark.slow
def test_compiled_path_equals_the_same_code_run_as_plain_python(tmp_path):
    jitted, python = jit_and_python(_RUNS, tmp_path)
    assert jitted["worked_left"][0] == 1  # a coordinate leaves: the Givens downdate ran
    assert jitted["dependent_status"][0] == "NON_UNIQUE"  # the dependent column was refused
    assert jitted["mixed_tau"].size > 3 and jitted["tall_status"][0] == "LEAST_SQUARES"
    for key, value in jitted.items():
        if value.dtype.kind in "iuU":
            np.testing.assert_array_equal(value, python[key], err_msg=key)
        else:
            scale = np.max(np.abs(value), initial=1.0)
            np.testing.assert_allclose(value, python[key], rtol=0, atol=1e-12 * scale, err_msg=key)


def test_factor_after_adds_and_removes_is_the_gram_matrix_and_solves_least_squares():
    """Givens downdates anywhere in the order: ``RᵀR = X_PᵀX_P``, ``q = R⁻ᵀX_Pᵀy`` and the
    back-substitution equals ``lstsq`` on the active columns."""
    rng = np.random.default_rng(7)
    X, y = rng.standard_normal((60, 50)), rng.standard_normal(60)
    norms = np.linalg.norm(X, axis=0)
    chol = GramCholesky(X, norms, X.T @ y, y, dependence_tol=1e-10)
    first = chol.capacity
    for j in range(40):  # past the first buffers: they grow
        assert chol.add(j)
    assert chol.capacity > first
    for j in (0, 7, 39, 3, 12):  # first, middle, last, ...
        chol.remove(j)
    assert chol.add(45) and chol.add(0)
    P = np.array([j for j in range(40) if j not in (0, 7, 39, 3, 12)] + [45, 0])
    np.testing.assert_array_equal(chol.active, P)
    XP = X[:, P]
    R = chol.R
    assert np.allclose(np.tril(R, -1), 0.0)
    gram = XP.T @ XP
    np.testing.assert_allclose(R.T @ R, gram, rtol=0, atol=1e-12 * np.abs(gram).max())
    np.testing.assert_allclose(R.T @ chol.q, XP.T @ y, rtol=0, atol=1e-12 * np.abs(XP.T @ y).max())
    z_ref = np.linalg.lstsq(XP, y, rcond=None)[0]
    for refine in (False, True):
        z = chol.least_squares(y, refine=refine)
        np.testing.assert_allclose(z, z_ref, rtol=0, atol=1e-11 * np.abs(z_ref).max())
    np.testing.assert_allclose(chol.pivot_ratios, np.abs(np.diag(R)) / norms[P], rtol=1e-15)


def test_factor_refuses_a_dependent_column_and_reports_its_partners():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((10, 6))
    X[:, 5] = 2 * X[:, 1] - X[:, 3]  # exactly dependent: refused
    X[:, 4] = X[:, 0] + 1e-6 * rng.standard_normal(10)  # nearly parallel to column 0
    norms = np.linalg.norm(X, axis=0)
    chol = GramCholesky(X, norms, X.T @ X[:, 0], X[:, 0], dependence_tol=1e-10)
    assert all(chol.add(j) for j in range(4))
    assert not chol.add(5)
    np.testing.assert_array_equal(chol.active, [0, 1, 2, 3])  # nothing changed
    assert chol.add(4)
    ratio, j, partners = chol.near_dependence(1e-3)
    assert j == 4 and partners == [0]
    # the distance of x_4 to span(x_0..x_3), by least squares
    c = np.linalg.lstsq(X[:, :4], X[:, 4], rcond=None)[0]
    dist = np.linalg.norm(X[:, 4] - X[:, :4] @ c) / norms[4]
    assert ratio == pytest.approx(dist, rel=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_compiled_solve_matches_nnls_on_the_signed_columns(seed):
    """From the origin, all of E at once: the compiled Lawson–Hanson loop (adds, steps to the
    boundary, removals) against ``scipy.optimize.nnls`` on ``X_E diag(σ_E)``."""
    rng = np.random.default_rng(seed)
    n, d = 15, 12
    X, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    norms = np.linalg.norm(X, axis=0)
    sigma = rng.choice([-1.0, 1.0], size=d)
    boundary = np.arange(d)
    grad_atol = 1e-9 * norms * np.linalg.norm(y) / n
    chol = GramCholesky(X, norms, X.T @ y, y, dependence_tol=1e-10)
    sol = solve_sign_constrained(chol, np.zeros(0), boundary, sigma, y, grad_atol)
    z, _ = nnls(X * sigma, y)
    beta = np.zeros(d)
    beta[sol.support] = sol.values
    assert sol.converged and 0 < sol.support.size < d  # some constraints bind
    np.testing.assert_allclose(beta, sigma * z, rtol=0, atol=1e-10 * np.abs(z).max())


def test_compiled_path_matches_exact_rational_arithmetic():
    """Two coordinates leave (two Givens downdates inside the compiled solve), against
    Fractions: times, saddles, duals and the coordinates entering and leaving."""
    rng = np.random.default_rng(1)
    X, y = rng.integers(-4, 5, size=(4, 7)), rng.integers(-4, 5, size=4)
    exact = rational_saddle_path(X.tolist(), y.tolist())
    ref = exact.as_float()
    path = saddle_path(X.astype(float), y.astype(float))
    assert exact.unique and sum(len(c) for c in exact.left) == 2
    assert isinstance(exact.tau[1], Fraction)
    np.testing.assert_allclose(path.tau, ref.tau, rtol=1e-12)
    np.testing.assert_allclose(path.beta, ref.beta, rtol=0, atol=1e-11 * np.abs(ref.beta).max())
    np.testing.assert_allclose(path.dual, ref.dual, rtol=0, atol=1e-11)
    assert path.entered == exact.entered and path.left == exact.left


def test_memory_layout_of_X_does_not_change_the_path():
    """C order, Fortran order and a strided view take different loops of the compiled
    passes (and a copy for the view); the path is the same to rounding."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((20, 60))
    y = X[:, [3, 17, 40]] @ np.array([1.0, -2.0, 0.5])
    ref = saddle_path(X, y)
    wide = np.repeat(X, 2, axis=1)
    for other in (np.asfortranarray(X), wide[:, ::2]):
        assert not other.flags.c_contiguous
        path = saddle_path(other, y)
        assert path.entered == ref.entered and path.left == ref.left
        np.testing.assert_allclose(path.tau, ref.tau, rtol=1e-13)
        np.testing.assert_allclose(path.beta, ref.beta, rtol=0, atol=1e-13)
    np.testing.assert_allclose(ref.beta[-1, [3, 17, 40]], [1.0, -2.0, 0.5], rtol=1e-10)
