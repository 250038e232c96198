r"""Data sets: the papers' synthetic set-ups, the worked example and loaders for user files.

Every function returns a :class:`Dataset` holding ``X`` of shape ``(n_samples, n_features)``
and ``y`` of shape ``(n_samples,)``, both float64, and the planted coefficients when they
are known. The synthetic model is the one of Pesme & Flammarion (2023), §5:

.. math::

    x_i \sim \mathcal N(0, \Sigma), \qquad y = X\beta^\star + \sigma\,\varepsilon,
    \qquad \varepsilon \sim \mathcal N(0, I_n),

with a sparse planted vector :math:`\beta^\star`.

A file that cannot be used raises :class:`DataFileError` (a ``ValueError``) whose message
names the file, the line and column where that helps, and what to change; a path that
does not exist raises ``FileNotFoundError``.
"""

from saddlepath.data._csv import load_csv
from saddlepath.data._dataset import DataFileError, Dataset
from saddlepath.data._files import load_data
from saddlepath.data._npy import load_npy, load_npz
from saddlepath.data._synthetic import (
    demo_problem,
    figure1_problem,
    make_sparse_regression,
    worked_example,
)

__all__ = [
    "DataFileError",
    "Dataset",
    "demo_problem",
    "figure1_problem",
    "load_csv",
    "load_data",
    "load_npy",
    "load_npz",
    "make_sparse_regression",
    "worked_example",
]
