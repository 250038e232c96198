"""The thesis's printed values for its small cases (§5.2, §5.3.1, §7.3), and the reasons we
found for each that differs (private to thesis-small-cases).

Weights and eigenvectors are in the thesis's order ``(v, u)``. Typos that do not change a
value (``1.26836`` for 1.2683, ``-1, 5454`` for -1.5454) are kept as printed.
"""

from __future__ import annotations

__all__ = ["PAPER", "REASONS"]

_S = 0.7071

PAPER = {
    "d=1, n=1": {
        "data": {"x": [1.3316], "y": [0.9525], "p*": [0.7153]},
        "points": [
            {"weights": [0, 0], "J": [[0, 1.2683], [1.26836, 0]], "type": "saddle",
             "pairs": [(-1.2683, [-_S, _S]), (1.2683, [-_S, -_S])]},
            {"weights": [0.8457, 0.8457], "J": [[-1.2683, -1.2683], [-1.2683, -1.2683]],
             "type": "minimiser", "pairs": [(0.0, [_S, -_S]), (-2.5366, [_S, _S])]},
        ],
        "jumps": [[1, 1]],
    },
    "d=1, n=4": {
        "data": {"x": [1.3316, 0.7153, -1.5454, -0.0084],
                 "y": [0.8274, 0.4444, -0.9602, 0.0052], "p*": [0.6213]},
        "points": [
            {"weights": [0, 0], "J": [[0, 1.2683], [1.2683, 0]], "type": "saddle",
             "pairs": [(-2.0821, [-_S, _S]), (2.0821, [-_S, -_S])]},
            {"weights": [0.7882, 0.7882], "J": [[-2.0821, -2.0821], [-2.0821, -2.0821]],
             "type": "minimiser", "pairs": [(0.0, [_S, -_S]), (-4.1642, [-_S, -_S])]},
        ],
        "jumps": [[1, 1]],
    },
    "d=2, n=1": {
        "data": {"x": [1.3316, 0.7153], "y": [], "p*": [-1.5454]},
        "points": [
            {"weights": [0, 0, 0, 0], "type": "saddle",
             "J": [[0, 0, -2.7482, 0], [0, 0, 0, -1.4762], [-2.7482, 0, 0, 0],
                   [0, -1.4762, 0, 0]],
             "pairs": [(-2.7482, [-_S, 0, -_S, 0]), (2.7482, [_S, 0, -_S, 0]),
                       (-1.4762, [0, _S, 0, _S]), (1.4762, [0, -_S, 0, -_S])]},
            {"weights": [-1.2450, 0, 1.2450, 0], "type": "minimiser",
             "J": [[-2.7482, 0, 2.7482, 0], [0, 0, 0, 0], [2.7482, 0, -2.7482, 0],
                   [0, 0, 0, 0]],
             "pairs": [(-5.4963, [_S, 0, -_S, 0]), (0.0, [_S, 0, _S, 0]),
                       (0.0, [0, -_S, 0, _S]), (0.0, [0, -_S, 0, -_S])]},
        ],
        "jumps": [[-1, 0, 1, 0]],
    },
    "d=2, n=2": {
        "data": {"x": [1.3316, 0.7153, -1.5454, -0.0084], "y": [0.3123, -0.9542],
                 "p*": [0.6213, -0.7201]},
        "points": [
            {"weights": [0, 0, 0, 0], "type": "saddle", "iteration": 1, "setup": (0.01, "1e-50")},
            {"weights": [0.6740, 0, 0.6740, 0], "type": "saddle", "iteration": 12693,
             "setup": (0.01, "1e-50"),
             "positive": [0.1948, 0.2082]},
            {"weights": [0.7882, -0.8486, 0.7882, 0.8486], "type": "minimiser",
             "iteration": 140737, "setup": (0.01, "1e-50")},
        ],
        "jumps": [[1, 0, 1, 0], [0, -1, 0, 1]],
    },
}  # fmt: skip

_N4 = (
    "±2.0821 is not reproduced by the generated data under any loss constant (1, 1/2, 1/n, "
    "1/(2n)) or any subset of the samples, while the printed equilibrium 0.7882 = √p* is "
    "right; the closed form is ±Σxᵢyᵢ/n = ±0.7259 at the origin and 0, −2Σxᵢyᵢ/n = −1.4518 "
    "at the minimiser"
)
REASONS = {
    ("d=1, n=4", "y", 0): "sign typo: y₄ = x₄p* = −0.0084 · 0.6213 = −0.0052",
    ("d=1, n=4", "J", 0): (
        "the printed matrix is Table 1's (n = 1), x·y = 1.2683, copied; for n = 4 the "
        "off-diagonal is Σxᵢyᵢ/n = 0.7259 (the text's eq. (25) writes (1/2n)Σxᵢyᵢ = 0.3629: "
        "its equations halve the derivative of their own loss (1/2n)Σ(uvxᵢ − yᵢ)²)"
    ),
    ("d=1, n=4", "eig", 0): _N4,
    ("d=1, n=4", "pair", 0): _N4,
    ("d=1, n=4", "J", 1): _N4,
    ("d=1, n=4", "eig", 1): _N4,
    ("d=1, n=4", "pair", 1): _N4,
    ("d=2, n=1", "pair", 0): (
        "the printed eigenvector of +1.4762, (0, −1, 0, −1)/√2, is the one of −1.4762 (printed "
        "just above it); the unstable eigenvector of the pair (v₂, u₂) is (0, 1, 0, −1)/√2"
    ),
    ("d=2, n=1", "p*", 0): (
        "−1.5454 is the generator's p*₁; with n = 1 the interpolators form a line and GD from "
        "small init ends at the minimum-ℓ1 one, (y/x₁, 0) = (−1.5499, 0): the printed weights "
        "∓1.2450 themselves give 1.2450² = 1.5500"
    ),
    ("d=2, n=2", "positive", 1): (
        "at β₁ = (0.4543, 0) J has exactly one positive eigenvalue, |∂₂L(β₁)| = 0.1036 "
        "(closed form: the inactive pair gives ±|g₂|, the active pair 0 and −2|c₁| = "
        "−1.8904); the printed pair 0.1948, 0.2082 is not reproduced"
    ),
    ("d=2, n=2", "iteration", 2): (
        "the thesis's float64 GD (re-run: the printed value) stores u and v; while coordinate "
        "2 was pushed towards β₂ > 0, its small component w₋ = (u − v)/√2 — the one that later "
        "grows — was held only to ε·|w₊|, a relative error of about 0.2 % that delays the slow "
        "approach to the minimiser by 2 iterations; exact GD keeps w₊ and w₋ apart"
    ),
}
