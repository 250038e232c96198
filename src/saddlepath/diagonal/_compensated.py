r"""Compensated (twice-the-working-precision) sums and dot products in float64.

Error-free transformations (Knuth's TwoSum and Dekker's TwoProduct with Veltkamp
splitting) turn ``a + b`` and ``a·b`` into a float and its exact rounding error. Summing
the errors separately gives results as accurate as if computed in twice the working
precision and then rounded once (Ogita, Rump & Oishi 2005, "Sum2"/"Dot2"):

.. math::

    |\widehat{\textstyle\sum} - \textstyle\sum| \le u\,|\textstyle\sum|
    + \gamma_{m}^2 \textstyle\sum |t_j|, \qquad u = 2^{-53},\ \gamma_m = mu/(1 - mu).

The certificate uses them where float64 cancels: residuals ``y − Xβ`` of saddles that
nearly interpolate (the naive residual can be pure rounding, then multiplied by a long
plateau ``Δτ``) and running sums of the integrated residual. Inputs must be scaled so
that no product overflows (``|a| < 2^{995}``); the certificate scales the data by powers
of two first. Everything is vectorised: the sums are pairwise (a tree of TwoSums), so
``m`` terms cost ``log₂ m`` array operations.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "accurate_dot_columns",
    "accurate_residual",
    "accurate_sum",
    "accurate_sum_pair",
    "two_prod",
    "two_sum",
]

_SPLITTER = 2.0**27 + 1.0


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a + b = s + e`` exactly, ``s = fl(a + b)`` (Knuth's TwoSum, no branch)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLITTER * a
    high = c - (c - a)
    return high, a - high


def two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a·b = p + e`` exactly (Dekker), unless the product under- or overflows."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def accurate_sum(terms: np.ndarray, errors: np.ndarray | None = None) -> np.ndarray:
    """``Σ_j terms[..., j] (+ Σ_j errors[..., j])`` along the last axis, compensated.

    ``errors`` are low-order parts (e.g. from :func:`two_prod`); they are summed plainly,
    their rounding being second order. Returns the sum rounded once to float64.
    """
    high, low = accurate_sum_pair(terms, errors)
    return high + low


def accurate_sum_pair(terms: np.ndarray, errors: np.ndarray | None = None):
    """As :func:`accurate_sum`, but the unrounded result as a pair ``high + low``."""
    terms = np.asarray(terms, dtype=float)
    err = np.zeros(terms.shape[:-1]) if errors is None else np.sum(errors, axis=-1)
    if terms.shape[-1] == 0:
        return err, np.zeros_like(err)
    while terms.shape[-1] > 1:
        if terms.shape[-1] % 2:
            pad = np.zeros((*terms.shape[:-1], 1))
            terms = np.concatenate((terms, pad), axis=-1)
        s, e = two_sum(terms[..., 0::2], terms[..., 1::2])
        err = err + e.sum(axis=-1)
        terms = s
    return two_sum(terms[..., 0], err)


def accurate_residual(X: np.ndarray, y: np.ndarray, idx: np.ndarray, values: np.ndarray):
    """``y − X[:, idx] @ values`` as a pair ``high + low`` (twice-precision accurate)."""
    if idx.size == 0:
        return y.copy(), np.zeros_like(y)
    p, e = two_prod(X[:, idx], values[None, :])
    return accurate_sum_pair(np.concatenate((y[:, None], -p), axis=1), -e)


def accurate_dot_columns(X: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``Xᵀr`` with the accuracy of a twice-precision evaluation (``n·d`` extra memory)."""
    p, e = two_prod(X, r[:, None])
    return accurate_sum(p.T, e.T)
