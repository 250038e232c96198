"""Tests of saddlepath.analysis.heteroclinic: the limit's jumps as orbits, as data."""

from __future__ import annotations

import numpy as np
import pytest

from saddlepath import saddle_path
from saddlepath.analysis.arclength import arclength_of_path
from saddlepath.analysis.heteroclinic import HeteroclinicOrbit, heteroclinic_orbits
from saddlepath.data import worked_example
from saddlepath.loss import squared_loss_gradient


@pytest.fixture(scope="module")
def worked():
    ds = worked_example()
    path = saddle_path(ds.X, ds.y)
    return ds.X, ds.y, path, heteroclinic_orbits(path)


def _max_angle(directions: np.ndarray, reference: np.ndarray) -> float:
    cos = np.einsum("ij,ij->i", directions, reference)
    cos /= np.linalg.norm(directions, axis=1) * np.linalg.norm(reference, axis=1)
    return float(np.arccos(np.clip(cos, -1.0, 1.0)).max())


def test_one_orbit_per_jump_from_saddle_to_saddle(worked):
    _, _, path, orbits = worked
    assert len(orbits) == path.n_saddles - 1 == 3
    for k, orbit in enumerate(orbits, start=1):
        assert isinstance(orbit, HeteroclinicOrbit)
        assert orbit.jump == k and orbit.tau == path.tau[k] and orbit.reached
        np.testing.assert_array_equal(orbit.beta[0], path.beta[k - 1])
        np.testing.assert_array_equal(orbit.beta[-1], path.beta[k])
        assert orbit.length[0] == 0.0 and np.all(np.diff(orbit.length) >= 0)
        assert orbit.beta.shape == (orbit.length.size, 4) and orbit.length.size > 100


def test_orbits_follow_the_jump_dynamics_not_the_chords(worked):
    """Oracle: β̇ = −2|β|⊙∇L(β), with ∇L from saddlepath.loss. Between consecutive points
    of a curved orbit the step points along it (measured ≤ 2.2e-3 rad), and not along the
    chord (≥ 2.1e-2 rad) or the plain gradient (≥ 0.13 rad)."""
    X, y, _, orbits = worked
    for orbit in orbits[1:]:  # jumps 2 and 3 move two coordinates each: curved
        points = orbit.beta[1:-1]  # skip β_{k−1} (seeded) and the closing chord
        step = np.diff(points, axis=0)
        mid = 0.5 * (points[1:] + points[:-1])
        along = -2.0 * np.abs(mid) * squared_loss_gradient(X, y, mid)
        assert _max_angle(step, along) < 5e-3
        chord = np.tile(orbit.beta[-1] - orbit.beta[0], (len(step), 1))
        assert _max_angle(step, chord) > 1e-2


def test_orbit_lengths_bound_the_polyline_and_the_chord(worked):
    *_, orbits = worked
    for orbit in orbits:
        chord = float(np.linalg.norm(orbit.beta[-1] - orbit.beta[0]))
        polyline = float(np.linalg.norm(np.diff(orbit.beta, axis=0), axis=1).sum())
        assert chord * (1 - 1e-12) <= polyline <= orbit.length[-1] * (1 + 1e-11)
        assert orbit.length[-1] == pytest.approx(polyline, rel=1e-6)
    assert orbits[0].length[-1] == pytest.approx(0.8, rel=1e-9)  # one coordinate: straight


def test_orbits_are_the_limit_curve_drawn_in_beta(worked):
    """The contract for figures: the orbits end to end are the limit's β-curve."""
    _, _, path, orbits = worked
    curve = arclength_of_path(path)
    np.testing.assert_array_equal(np.concatenate([o.beta for o in orbits]), curve.beta[1:-1])
    np.testing.assert_array_equal([o.length[-1] for o in orbits], curve.jump_lengths)


def test_a_path_without_jumps_has_no_orbits():
    path = saddle_path(np.eye(2), np.zeros(2))
    assert path.n_saddles == 1 and heteroclinic_orbits(path) == ()


def test_heteroclinic_orbits_validates_its_argument():
    with pytest.raises(TypeError, match="`path` parameter of heteroclinic_orbits must be a"):
        heteroclinic_orbits(np.eye(2))
