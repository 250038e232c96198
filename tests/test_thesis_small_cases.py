"""thesis-small-cases: closed forms against independent oracles, and the quick run.

Oracles: for d = 1 the eigenvalues written out by hand here (±Σxᵢyᵢ/n at the origin, 0 and
−2Σxᵢyᵢ/n at the minimiser, weights √p*); for d = 2 the minimiser by ``numpy.linalg.solve``
of Xβ = y and the Hessian from saddlepath's ``network_hessian`` (separate code); the
thesis's printed n = 1 numbers (its Table 1 data make them x·y exactly).
"""

from __future__ import annotations

import numpy as np
import pytest

from saddlepath.experiments.reproductions import _thesis_closed_forms as closed
from saddlepath.experiments.reproductions import thesis_small_cases as small
from saddlepath.experiments.reproductions._contract import VERDICTS
from saddlepath.experiments.reproductions._thesis_data import thesis_data
from saddlepath.landscape import network_hessian


@pytest.fixture(scope="module")
def quick():
    return small.run(small.Config.quick())


@pytest.mark.parametrize("n", [1, 4])
def test_d1_closed_forms_by_hand(n):
    X, y, p = thesis_data(n, 1)
    c = float(X[:, 0] @ y) / n
    assert closed.spectrum(X, y, np.zeros(1)) == pytest.approx([-abs(c), abs(c)], rel=1e-13)
    beta, v, u = closed.critical_point(X, y, [0])
    assert beta[0] == pytest.approx(p[0], rel=1e-13)  # y = X p* exactly, so β = p*
    assert v[0] == u[0] == pytest.approx(np.sqrt(p[0]), rel=1e-13)
    assert closed.spectrum(X, y, beta) == pytest.approx([-2 * c, 0.0], abs=1e-13)
    J = closed.jacobian(X, y, v, u)
    assert J == pytest.approx(np.full((2, 2), -c), rel=1e-12)  # the thesis's eq. (20) at u = v
    top = closed.top_unstable_vector(X, y, np.zeros(1))
    assert top == pytest.approx(np.array([1.0, 1.0]) / np.sqrt(2))  # xy > 0: the jump v = u


def test_n1_values_are_the_printed_x_times_y():
    X, y, _ = thesis_data(1, 1)
    assert float(X[0, 0] * y[0]) == pytest.approx(1.2683, abs=5e-5)  # Table 1 → J(0, 0)
    X, y, _ = thesis_data(1, 2)
    assert (X[0] * y[0]).round(4).tolist() == [-2.7482, -1.4762]  # §7.3's J(0, 0)


@pytest.mark.parametrize("support", [[0], [1], [0, 1]])
def test_d2_closed_forms_match_an_independent_hessian(support):
    X, y, p = thesis_data(2, 2)
    beta, v, u = closed.critical_point(X, y, support)
    if support == [0, 1]:
        np.testing.assert_allclose(beta, np.linalg.solve(X, y), rtol=1e-12)
        np.testing.assert_allclose(beta, p, rtol=1e-12)
    H = network_hessian(X, y, u, v)  # (u, v) order, saddlepath's own code
    order = np.r_[2:4, 0:2]
    J = -H[np.ix_(order, order)]
    np.testing.assert_allclose(closed.jacobian(X, y, v, u), J, atol=1e-13)
    np.testing.assert_allclose(closed.spectrum(X, y, beta), np.linalg.eigvalsh(J), atol=1e-12)
    assert np.sum(closed.spectrum(X, y, beta) > 1e-9) == 2 - len(support)  # one per free pair


def test_quick_run_matches_closed_forms(quick):
    assert [c.name for c in quick.cases] == ["d=1, n=1", "d=1, n=4", "d=2, n=1", "d=2, n=2"]
    for case in quick.cases:
        assert case.weights.shape[0] >= 2  # the origin and at least one more plateau
        np.testing.assert_allclose(case.eigenvalues, case.closed_eigenvalues, atol=1e-10)
        np.testing.assert_allclose(case.weights, case.closed_weights, atol=1e-7)
        assert case.gd_iterations[0] == 1 and case.plain.iterations[0] == 1
        np.testing.assert_array_equal(
            case.gd_iterations, case.plain.iterations[: case.gd_iterations.size]
        )
        assert case.path.check().passed
    d2n2 = quick.cases[3]
    assert d2n2.gd_iterations.size == 3  # origin, saddle (0.4543, 0), minimiser p*
    np.testing.assert_allclose(d2n2.closed_weights[2][:2] * d2n2.closed_weights[2][2:],
                               d2n2.p_star, rtol=1e-12)  # fmt: skip


def test_comparison_names_every_difference(quick):
    rows = small.comparison(quick)
    assert all(r.verdict in VERDICTS for r in rows)
    differs = {r.quantity: r.reason for r in rows if r.verdict == "differs"}
    assert "d=2, n=1: point 0, eigenpair λ = 1.4762" in differs
    assert "0.1036" in differs["d=2, n=2: point 1, positive eigenvalues of J"]
    assert "sign typo" in differs["d=1, n=4: y"]
    agrees = {r.quantity for r in rows if r.verdict == "agrees"}
    assert "d=1, n=1: point 1, eigenvalues of J" in agrees
    assert "d=2, n=2: point 2, (v, u)" in agrees
    text = small.summary(quick)
    assert "0.7259" in text and "1.4762" in text


def test_choices_and_config():
    assert {c.setting for c in small.Config.choices()} >= {"d = 2, n = 2: step, γ"}
    assert small.NAME == "thesis-small-cases" and small.PAPER == "thesis"
    assert small.Config().cases[3][3:5] == (0.01, "1e-50")


@pytest.mark.slow
def test_d2n2_printed_iterations_by_the_thesis_method():
    """η = 0.01, γ = 1e-50: its own GD fires at the printed 12693 and 140737; exact GD at
    12693 and 140739."""
    cfg = small.Config(cases=(("d=2, n=2", 2, 2, 0.01, "1e-50", 141_000),))
    case = small.run(cfg).cases[0]
    assert case.plain.iterations.tolist() == [1, 12693, 140737]
    assert case.gd_iterations.tolist() == [1, 12693, 140739]


def test_flow_time_against_quadrature():
    from scipy.integrate import quad

    a, c, gamma = 1.7731, 1.2683, 1e-3
    k = gamma**2
    for beta in (1e-6, 0.3, 0.7):
        direct = quad(lambda b: 1 / (2 * np.hypot(b, k) * (c - a * b)), 0, beta, limit=200,
                      points=[1e-6] if beta > 1e-6 else None)[0]  # fmt: skip
        assert closed.flow_time(a, c, gamma, beta) == pytest.approx(direct, rel=1e-10)


def test_gd_iteration_is_the_flow_time_over_the_step(quick):
    """GD escapes by (1 + ηc) per step where the flow has e^{ηc}: a relative O(ηc) lag."""
    for case in quick.cases[:3]:  # one jump each: the flow has a closed form
        flow, gd = case.closed_iterations[1], case.gd_iterations[1]
        c = np.abs(case.X.T @ case.y).max() / case.X.shape[0]
        assert 0 < gd - flow <= case.step_size * c * gd
    assert np.isnan(quick.cases[3].closed_iterations[1:]).all()
