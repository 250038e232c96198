r"""Layer analysis of a deep MLP: the spectra of its weights and of its activations.

Bantzis, Simon & Jacot (2025; their main theorem, as summarised in ``docs/background.md`` §2)
bound the **energy outside the top singular value** of the deep layers of an optimal
escape direction,

.. math:: E(A) = 1 - \frac{\sigma_1(A)^2}{\sum_i \sigma_i(A)^2}
          = \frac{\sum_{i \ge 2}\sigma_i(A)^2}{\|A\|_F^2} = O(\ell^{-1/2}),

for :math:`A = W_\ell` (and for the activations of layer ℓ), with a constant that depends
on the data and on the speed, not on ℓ. Since :math:`\sigma_2^2/\sigma_1^2 \le E/(1-E)`,
the ratio :math:`\sigma_1/\sigma_2` then grows at least like :math:`\ell^{1/4}` — a
**scaling** with an unstated constant, not a bound with constant 1. :class:`LayerSpectra`
reports ``ℓ^{1/4}`` beside the measured ratios as the reference curve of that scaling.
NumPy only (saved results load and are analysed without JAX).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath._validation import as_float_array

__all__ = ["LayerSpectra", "layer_spectra"]


@dataclass(frozen=True, eq=False)
class LayerSpectra:
    r"""Singular values of every layer's weights and activations, and what they imply.

    Layer ℓ = 1…L has weights :math:`W_\ell` and activations :math:`A_\ell`: the hidden
    representations :math:`\sigma(Z_\ell)` of the samples (shape ``(n_samples, w_ℓ)``,
    post-ReLU) for ℓ < L and the output :math:`Z_L = Y_\theta(X)` for ℓ = L.

    Attributes
    ----------
    weight_singular_values, activation_singular_values : tuple of ndarray
        Per layer, all singular values, descending (units of the weights; of the inputs
        times the weights for activations).
    weight_energy, activation_energy : ndarray of shape (L,)
        :math:`E = 1 - \sigma_1^2/\sum_i\sigma_i^2` in [0, 1] (dimensionless): the share of
        the squared Frobenius norm outside the top singular value; 0 for a rank-one
        matrix; NaN for a zero matrix (e.g. a layer whose units are all dead).
    weight_ratio, activation_ratio : ndarray of shape (L,)
        :math:`\sigma_1/\sigma_2` (dimensionless); ``inf`` when :math:`\sigma_2 = 0` (or the
        matrix has a single singular value); NaN for a zero matrix.
    bound : ndarray of shape (L,)
        :math:`\ell^{1/4}`: the reference curve of the theorem's scaling of
        :math:`\sigma_1/\sigma_2` at an optimal escape direction (the theorem's constant is
        not 1; see the module docstring).
    activation : str
        ``"relu"`` or ``"linear"``.
    """

    weight_singular_values: tuple
    activation_singular_values: tuple
    weight_energy: np.ndarray
    activation_energy: np.ndarray
    weight_ratio: np.ndarray
    activation_ratio: np.ndarray
    bound: np.ndarray
    activation: str

    def __repr__(self) -> str:
        return summary_repr(
            self, depth=self.depth,
            weight_ratio=np.array2string(self.weight_ratio, precision=3),
            activation=repr(self.activation),
        )  # fmt: skip

    @property
    def depth(self) -> int:
        """:math:`L`, the number of weight matrices."""
        return len(self.weight_singular_values)

    @property
    def layer(self) -> np.ndarray:
        """The layer indices ℓ = 1…L."""
        return np.arange(1, self.depth + 1)


def _energy_and_ratio(s: np.ndarray) -> tuple[float, float]:
    """``(1 − σ₁²/Σσ², σ₁/σ₂)`` of descending singular values ``s`` (NaN for a zero matrix)."""
    if s.size == 0 or s[0] == 0:
        return np.nan, np.nan
    scaled = s / s[0]  # no overflow or underflow of the squares
    energy = float(np.sum(scaled[1:] ** 2) / np.sum(scaled**2))
    ratio = np.inf if s.size < 2 or s[1] == 0 else float(s[0] / s[1])
    return energy, ratio


def _check_weights(weights, X) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not weights:
        raise TypeError(
            "`weights` must be a non-empty sequence of 2-D arrays W_1, …, W_L; got "
            f"{type(weights).__name__}. Pass e.g. result.weights of an EscapeResult."
        )
    ws = [as_float_array(W, name=f"weights[{i}]", ndim=2) for i, W in enumerate(weights)]
    fan_in = X.shape[1]
    for i, W in enumerate(ws):
        if W.shape[1] != fan_in:
            raise ValueError(
                f"`weights[{i}]` has {W.shape[1]} columns but its input has {fan_in} "
                f"(X has {X.shape[1]} features; W_ℓ must have shape (w_ℓ, w_ℓ₋₁))."
            )
        fan_in = W.shape[0]
    return ws


def layer_spectra(weights, X, *, activation: str = "relu") -> LayerSpectra:
    r"""Singular values, energy outside the top one and :math:`\sigma_1/\sigma_2` per layer.

    Parameters
    ----------
    weights : sequence of array
        :math:`W_1, \dots, W_L`, ``W_ℓ`` of shape ``(w_ℓ, w_{ℓ-1})`` (as in
        :func:`saddlepath.deep.network_output`), e.g. ``EscapeResult.weights``.
    X : array of shape (n_samples, n_inputs)
        The samples on which the activations are taken.
    activation : {"relu", "linear"}

    Returns
    -------
    LayerSpectra

    Examples
    --------
    >>> import numpy as np
    >>> W1 = np.array([[3.0, 0.0], [0.0, 1.0]]); W2 = np.array([[1.0, 1.0]])
    >>> res = layer_spectra([W1, W2], np.eye(2))
    >>> res.weight_ratio.tolist(), np.round(res.weight_energy, 12).tolist()  # 1 − 9/10, 0
    ([3.0, inf], [0.1, 0.0])
    """
    if activation not in ("relu", "linear"):
        raise ValueError(f"`activation` must be 'relu' or 'linear'; got {activation!r}.")
    X = as_float_array(X, name="X", ndim=2)
    ws = _check_weights(weights, X)
    acts, z = [], X @ ws[0].T
    for W in ws[1:]:
        h = np.maximum(z, 0.0) if activation == "relu" else z
        acts.append(h)
        z = h @ W.T
    acts.append(z)
    w_sv = tuple(np.linalg.svd(W, compute_uv=False) for W in ws)
    a_sv = tuple(np.linalg.svd(A, compute_uv=False) for A in acts)
    w_er = np.array([_energy_and_ratio(s) for s in w_sv]).reshape(-1, 2)
    a_er = np.array([_energy_and_ratio(s) for s in a_sv]).reshape(-1, 2)
    return LayerSpectra(
        weight_singular_values=w_sv,
        activation_singular_values=a_sv,
        weight_energy=w_er[:, 0],
        activation_energy=a_er[:, 0],
        weight_ratio=w_er[:, 1],
        activation_ratio=a_er[:, 1],
        bound=np.arange(1, len(ws) + 1, dtype=np.float64) ** 0.25,
        activation=activation,
    )
