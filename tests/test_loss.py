"""The one loss ``L = ‖r‖²/(2n)`` against exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from saddlepath.loss import loss_of_residual, squared_loss, squared_loss_gradient


def _exact_loss(residual: np.ndarray, n: int) -> Fraction:
    return sum((Fraction(float(v)) ** 2 for v in residual), Fraction(0)) / (2 * n)


@pytest.mark.parametrize("seed", range(5))
def test_loss_of_residual_is_the_exact_loss_to_rounding(seed):
    rng = np.random.default_rng(seed)
    R = rng.standard_normal((4, 7)) * 10.0 ** rng.uniform(-100, 100, (4, 1))
    batch = loss_of_residual(R, 7)
    assert batch.shape == (4,)
    for r, value in zip(R, batch, strict=True):
        single = loss_of_residual(r, 7)
        assert isinstance(single, float)
        exact = _exact_loss(r, 7)
        for got in (single, float(value)):
            assert abs(Fraction(got) - exact) <= 8 * np.finfo(float).eps * exact


def test_squared_loss_forms_the_residual_and_agrees_with_the_gradient():
    rng = np.random.default_rng(7)
    X, y, beta = rng.standard_normal((6, 3)), rng.standard_normal(6), rng.standard_normal(3)
    assert squared_loss(X, y, beta) == pytest.approx(loss_of_residual(X @ beta - y, 6), rel=1e-14)
    h = 1e-6  # central differences of L recover ∇L
    fd = [
        (squared_loss(X, y, beta + h * e) - squared_loss(X, y, beta - h * e)) / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(squared_loss_gradient(X, y, beta), fd, rtol=1e-6)
    both = squared_loss(X, y, np.stack([beta, 2 * beta]))
    assert both.shape == (2,) and both[1] != both[0]
