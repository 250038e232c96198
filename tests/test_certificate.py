"""The certificate must reject corrupted paths (it is only useful if it can fail)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from helpers import WORKED_X, WORKED_Y, min_l1_lp, sparse_gaussian
from saddlepath import saddle_path
from saddlepath.diagonal._dual_certificate import recompute, scale_path
from saddlepath.diagonal.certificate import CertificationError
from saddlepath.diagonal.path_status import PathStatus
from saddlepath.testing import rational_saddle_path


def failed(path, **kw):
    return {c.name for c in path.check(**kw).checks if not c.passed}


@pytest.fixture
def worked():
    path = saddle_path(WORKED_X, WORKED_Y)
    assert path.check(endpoint=True).passed
    return path


def test_a_late_jump_time_is_caught(worked):
    times = worked.tau.copy()
    times[2] += 0.5  # the dual of coordinate 2 would pass 1 before this "jump"
    bad = dataclasses.replace(worked, tau=times)
    assert {"|s| ≤ 1", "duals integrate the gradient"} <= failed(bad)


def test_a_wrong_saddle_is_caught(worked):
    values = list(worked.values)
    values[1] = values[1] * 1.01  # not the least-squares fit on its support
    bad = dataclasses.replace(worked, values=tuple(values), loss=worked.loss)
    assert {"KKT: zero gradient on the support", "losses match L(β_k)"} <= failed(bad)


def test_an_outward_gradient_on_the_boundary_is_caught(worked):
    # coordinate 0 sits on the boundary with β = 0 at saddle 2 and moves inwards; claiming
    # the opposite boundary makes its gradient point outwards over the next segment
    assert 0 in worked.boundaries[2]
    signs = [s.copy() for s in worked.boundary_signs]
    signs[2][list(worked.boundaries[2]).index(0)] *= -1
    bad = dataclasses.replace(worked, boundary_signs=tuple(signs))
    assert "KKT: sign condition off the support" in failed(bad)


def test_a_wrong_endpoint_is_caught():
    X, y, _ = sparse_gaussian(8, 20, 3, seed=2)
    path = saddle_path(X, y)
    cut = dataclasses.replace(
        path,
        tau=path.tau[:-1],
        loss=path.loss[:-1],
        supports=path.supports[:-1],
        values=path.values[:-1],
        boundaries=path.boundaries[:-1],
        boundary_signs=path.boundary_signs[:-1],
        integrated_residuals=path.integrated_residuals[:-1],
        entered=path.entered[:-1],
        left=path.left[:-1],
    )
    assert "gradient vanishes at the end" in failed(cut, endpoint=True)


def test_raise_on_failure(worked):
    times = worked.tau.copy()
    times[3] *= 2
    with pytest.raises(CertificationError, match="FAILED"):
        dataclasses.replace(worked, tau=times).check(raise_on_failure=True)


def test_a_dual_just_inside_the_boundary_that_re_enters_is_not_a_violation():
    # coordinate 2224 leaves the boundary at saddle 487, sits at s = 1 − 2e-8 with an
    # outward gradient at saddle 488 and re-enters at the next jump: that is KKT-consistent
    X, y, _ = sparse_gaussian(500, 5000, 150, seed=0)
    path = saddle_path(X, y)
    report = path.check(endpoint=False)
    assert report.passed, str(report)


# ------------------------------------------------------- issue 8: check() false alarms


def _scaled_problem(scale):
    X, y, _ = sparse_gaussian(8, 20, 3, seed=2)
    return X, y, X * scale, y * scale


@pytest.mark.parametrize("scale", [1e-9, 1e20])
def test_a_correct_path_on_globally_scaled_data_is_certified(scale):
    # HiGHS dropped the entries of X·1e-9 ("endpoint ℓ1 norm = LP optimum" failed) and
    # rejected X·1e20 ("model error"): `path --check` exited 1 on correct paths
    X, y, Xs, ys = _scaled_problem(scale)
    plain, scaled = saddle_path(X, y), saddle_path(Xs, ys)
    # independent oracle: the path is equivariant (β unchanged, τ·scale² = τ_plain) and
    # the plain endpoint is HiGHS's minimum-ℓ1 interpolator
    np.testing.assert_allclose(scaled.tau * scale**2, plain.tau, rtol=1e-10)
    np.testing.assert_allclose(scaled.beta, plain.beta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(plain.beta[-1], min_l1_lp(X, y), atol=1e-7)
    report = scaled.check(endpoint=True)
    assert report.passed, str(report)
    assert report.certified_by == ("dual certificate", "LP (HiGHS)")


def test_the_cli_check_passes_on_data_scaled_by_1e20(tmp_path):
    from typer.testing import CliRunner

    from saddlepath import cli

    *_, Xs, ys = _scaled_problem(1e20)
    data = tmp_path / "scaled.csv"
    np.savetxt(data, np.column_stack([Xs, ys]), delimiter=",")
    result = CliRunner().invoke(cli.app, ["path", str(data), "--target", "20", "--check"])
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output


def _origin_only(path, status):
    """The path cut to its first saddle (β = 0), claiming ``status``."""
    return dataclasses.replace(
        path,
        tau=path.tau[:1],
        loss=path.loss[:1],
        supports=path.supports[:1],
        values=path.values[:1],
        boundaries=path.boundaries[:1],
        boundary_signs=path.boundary_signs[:1],
        integrated_residuals=path.integrated_residuals[:1],
        entered=path.entered[:1],
        left=path.left[:1],
        status=status,
    )


def test_subnormal_data_is_reported_not_raised():
    # X·2^-1040 is subnormal; β = 0 with no jump (what the solver returned) used to make
    # check() raise ValueError (linprog got an infinite b_eq) instead of reporting
    X, y, _ = sparse_gaussian(8, 20, 3, seed=2)
    Xs = np.ldexp(X, -1040)
    assert np.all(np.abs(Xs) < np.finfo(float).tiny)
    path = _origin_only(saddle_path(X, y), PathStatus.LEAST_SQUARES)
    bad = dataclasses.replace(path, X=Xs, y=y)
    # oracle: ∇L(0) = −Xᵀy/n ≠ 0 (exact in scaled units), so β = 0 is not a minimiser
    assert np.abs(X.T @ y).max() > 1.0
    report = bad.check(endpoint=True)
    assert not report.passed
    assert {"gradient vanishes at the end", "endpoint loss = least-squares loss"} <= {
        c.name for c in report.checks if not c.passed
    }


def test_partly_subnormal_data_certifies_a_correct_path():
    # not a regression (this passed before): tiny columns must not upset the scaling
    X, y, _ = sparse_gaussian(8, 20, 3, seed=2)
    X[:, :5] = np.ldexp(np.round(X[:, :5] * 2**20), -1060)  # subnormal, exactly
    path = saddle_path(X, y)
    # oracle: columns of size 2^-1040 would cost ~2^1040 in ℓ1 per unit of fit, so the
    # minimum-ℓ1 interpolator is HiGHS's on the other 15 columns
    assert np.all(path.beta[-1, :5] == 0)
    np.testing.assert_allclose(path.beta[-1, 5:], min_l1_lp(X[:, 5:], y), atol=1e-7)
    report = path.check(endpoint=True)
    assert report.passed, str(report)


def _cancelling_problem():
    """A rotated 3×3 problem whose second saddle is ±1e4 with residual 1e-6 (rational)."""
    X0 = np.array([[1.0, 1.0, 0.0], [0.0, 1e-4, 0.0], [0.0, 0.0, 1.0]])
    y0 = np.array([0.0, 1.0, 1e-6])
    Q = np.linalg.qr(np.random.default_rng(0).standard_normal((3, 3)))[0]
    return Q @ X0, Q @ y0


def _exact_duals(path):
    """``s_k = −Σ_{j<k} Δτ_j ∇L(β_j)`` in rational arithmetic on the path's own floats."""
    X = [[Fraction(v) for v in row] for row in path.X]
    y = [Fraction(v) for v in path.y]
    n, d = len(y), len(X[0])
    t = [Fraction(v) for v in path.tau]
    s, out = [Fraction(0)] * d, [[0.0] * d]
    for k in range(path.n_saddles - 1):
        b = [Fraction(v) for v in path.beta[k]]
        r = [y[i] - sum(X[i][j] * b[j] for j in range(d)) for i in range(n)]
        s = [s[j] + (t[k + 1] - t[k]) * sum(X[i][j] * r[i] for i in range(n)) / n for j in range(d)]
        out.append([float(v) for v in s])
    return np.array(out)


def test_duals_are_recomputed_without_cancellation():
    X, y = _cancelling_problem()
    path = saddle_path(X, y)
    exact = _exact_duals(path)
    naive = -np.vstack(
        [np.zeros(3), np.cumsum(np.diff(path.tau)[:, None] * path.gradient[:-1], axis=0)]
    )
    recomputed = recompute(scale_path(path)).dual
    # float64 loses many digits here (5.9e-8 to over 1e-7, depending on the BLAS kernel) …
    assert np.abs(naive - exact).max() > 1e-10
    assert np.abs(recomputed - exact).max() < 1e-14  # … compensated sums do not


def test_a_correct_path_with_a_cancelling_saddle_is_certified():
    # the float64 dual recomputation drifted by 1.0e-6 > rtol: "duals integrate the
    # gradient" and "|s| ≤ 1" failed on a path that equals the exact one to rounding
    X, y = _cancelling_problem()
    path = saddle_path(X, y)
    exact = rational_saddle_path(X, y)
    assert len(exact.tau) == path.n_saddles == 4
    np.testing.assert_allclose(path.tau, [float(t) for t in exact.tau], rtol=1e-7)
    ref = np.array([[float(v) for v in c] for c in exact.beta])
    assert np.abs(path.beta - ref).max() <= 1e-12 * np.abs(ref).max()
    report = path.check(endpoint=True)
    assert report.passed, str(report)


def test_the_dual_certificate_stands_in_for_a_failed_lp(worked, monkeypatch):
    from saddlepath.diagonal import _certificate_checks
    from saddlepath.diagonal._endpoint_lp import LPReference

    def failed_lp(X, target):
        return LPReference(False, np.inf, None, "HiGHS failed: (simulated) model error")

    monkeypatch.setattr(_certificate_checks, "min_l1", failed_lp)
    report = worked.check(endpoint=True)
    assert report.passed, str(report)
    assert report.certified_by == ("dual certificate",)
    assert "simulated" in str(report)


def test_an_interpolator_with_excess_l1_norm_fails_both_certificates(worked):
    # add a null-space direction of X to the last saddle: same fit, same (zero) gradient,
    # larger ℓ1 norm — neither the dual certificate nor the LP may accept it
    null = np.linalg.svd(WORKED_X)[2][-1]
    last = worked.beta[-1] + 0.5 * null
    assert np.abs(last).sum() > np.abs(worked.beta[-1]).sum() + 0.1
    values = (*worked.values[:-1], last)
    supports = (*worked.supports[:-1], np.arange(4))
    bad = dataclasses.replace(worked, values=values, supports=supports)
    report = bad.check(endpoint=True)
    assert "endpoint has the least ℓ1 norm" in {c.name for c in report.checks if not c.passed}
    assert report.certified_by == ()


def test_non_finite_path_numbers_are_reported_not_raised(worked):
    # an overflowed jump time (as an unrepresentable path would carry) is a failed
    # check, never an exception or a RuntimeWarning (the suite turns those into errors)
    times = worked.tau.copy()
    times[-1] = np.inf
    report = dataclasses.replace(worked, tau=times).check(endpoint=True)
    assert not report.passed
    assert "path values are finite" in {c.name for c in report.checks if not c.passed}


def test_report_record_names_the_endpoint_certificates():
    """The JSON form of a report says which endpoint certificates held (none may be empty)."""
    from saddlepath.report.json import check_summary as report_record

    X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    report = saddle_path(X, np.array([1.0, 0.0])).check()
    record = report_record(report)
    assert record["passed"] is True
    assert record["certified_by"] == list(report.certified_by) != []


def test_losses_beyond_float_range_certify_when_they_truly_overflow(worked):
    """y·1e160: L ≈ 1e320 is reported as inf (with a PathRangeWarning); check() must not
    call the correct path wrong for that, yet still catch an inf loss that is not real."""
    from saddlepath.warnings import PathRangeWarning

    with pytest.warns(PathRangeWarning):
        big = saddle_path(WORKED_X, WORKED_Y * 1e160)
    assert np.isinf(big.loss[0])
    # oracle: the path is exactly equivariant in y (β → bβ, τ → τ/b), see the README
    np.testing.assert_allclose(big.beta / 1e160, worked.beta, rtol=1e-14, atol=0)
    report = big.check(endpoint=True)
    assert report.passed, str(report)
    losses = worked.loss.copy()
    losses[1] = np.inf  # a loss of ~0.05 reported as inf is wrong
    fake = dataclasses.replace(worked, loss=losses).check(endpoint=True)
    assert "losses match L(β_k)" in {c.name for c in fake.checks if not c.passed}
