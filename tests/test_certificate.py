"""The certificate must reject corrupted paths (it is only useful if it can fail)."""

from __future__ import annotations

import dataclasses

import pytest

from helpers import WORKED_X, WORKED_Y, sparse_gaussian
from saddlepath import saddle_path
from saddlepath.diagonal.certificate import CertificationError


def failed(path, **kw):
    return {c.name for c in path.check(**kw).checks if not c.passed}


@pytest.fixture
def worked():
    path = saddle_path(WORKED_X, WORKED_Y)
    assert path.check(endpoint=True).passed
    return path


def test_a_late_jump_time_is_caught(worked):
    times = worked.times.copy()
    times[2] += 0.5  # the dual of coordinate 2 would pass 1 before this "jump"
    bad = dataclasses.replace(worked, times=times)
    assert {"|s| ≤ 1", "duals integrate the gradient"} <= failed(bad)


def test_a_wrong_saddle_is_caught(worked):
    values = list(worked.values)
    values[1] = values[1] * 1.01  # not the least-squares fit on its support
    bad = dataclasses.replace(worked, values=tuple(values), losses=worked.losses)
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
        times=path.times[:-1],
        losses=path.losses[:-1],
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
    times = worked.times.copy()
    times[3] *= 2
    with pytest.raises(CertificationError, match="FAILED"):
        dataclasses.replace(worked, times=times).check(raise_on_failure=True)


def test_a_dual_just_inside_the_boundary_that_re_enters_is_not_a_violation():
    # coordinate 2224 leaves the boundary at saddle 487, sits at s = 1 − 2e-8 with an
    # outward gradient at saddle 488 and re-enters at the next jump: that is KKT-consistent
    X, y, _ = sparse_gaussian(500, 5000, 150, seed=0)
    path = saddle_path(X, y)
    report = path.check(endpoint=False)
    assert report.passed, str(report)
