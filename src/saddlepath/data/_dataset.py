"""The :class:`Dataset` container, its validation and :class:`DataFileError`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saddlepath._validation import as_float_array, check_data

__all__ = ["DataFileError", "Dataset", "check_beta"]


class DataFileError(ValueError):
    """A data file exists but cannot be turned into a :class:`Dataset`."""


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A regression data set ``(X, y)``, validated on construction.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Design matrix; stored as finite float64.
    y : array-like of shape (n_samples,)
        Targets; stored as finite float64.
    beta_star : array-like of shape (n_features,) or None, default None
        The planted coefficients of a synthetic set; ``None`` when unknown.
    name : str, default "data"
        A label for reports; loaders use the file stem.
    feature_names : tuple of str of length n_features or None, default None
        Column names, e.g. from a CSV header.

    Examples
    --------
    >>> import numpy as np
    >>> ds = Dataset(np.eye(2), np.array([1.0, 0.0]), name="toy")
    >>> ds.n_samples, ds.n_features
    (2, 2)
    """

    X: np.ndarray
    y: np.ndarray
    beta_star: np.ndarray | None = None
    name: str = "data"
    feature_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        X, y = check_data(self.X, self.y)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        if self.beta_star is not None:
            object.__setattr__(self, "beta_star", check_beta(self.beta_star, X.shape[1]))
        if not isinstance(self.name, str):
            raise TypeError(f"`name` must be a str; got {self.name!r}.")
        if self.feature_names is not None:
            names = tuple(str(s) for s in self.feature_names)
            if len(names) != X.shape[1]:
                raise ValueError(
                    f"`feature_names` must have one name per column of X ({X.shape[1]}); "
                    f"got {len(names)} names."
                )
            object.__setattr__(self, "feature_names", names)

    @property
    def n_samples(self) -> int:
        """Number of rows of ``X``."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """Number of columns of ``X``."""
        return self.X.shape[1]

    def __repr__(self) -> str:
        planted = (
            "None"
            if self.beta_star is None
            else (f"<{np.count_nonzero(self.beta_star)} non-zeros>")
        )
        return (
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, beta_star={planted})"
        )


def check_beta(beta_star: object, n_features: int, *, where: str = "Dataset") -> np.ndarray:
    if np.ndim(beta_star) != 1:
        raise ValueError(
            f"The `beta_star` parameter of {where} must be 1-dimensional of shape "
            f"(n_features,) = ({n_features},); got shape {np.shape(beta_star)}."
        )
    beta = np.array(as_float_array(beta_star, name="beta_star", ndim=1))
    if beta.shape[0] != n_features:
        raise ValueError(
            f"The `beta_star` parameter of {where} must have length n_features = "
            f"{n_features}; got length {beta.shape[0]}."
        )
    return beta
