r"""Data sets: the papers' synthetic set-ups, the worked example and loaders for user files.

Every function returns a :class:`Dataset` holding ``X`` of shape ``(n_samples, n_features)``
and ``y`` of shape ``(n_samples,)``, both float64, and the planted coefficients when they
are known. The synthetic model is the one of Pesme & Flammarion (2023), §5:

.. math::

    x_i \sim \mathcal N(0, \Sigma), \qquad y = X\beta^\star + \sigma\,\varepsilon,
    \qquad \varepsilon \sim \mathcal N(0, I_n),

with a sparse planted vector :math:`\beta^\star`.

For deep networks, :func:`load_digits`, :func:`load_mnist_5k` and :func:`load_mnist_idx`
return :class:`LabelledImages` (pixel rows ``X`` and integer ``labels``, with
:meth:`LabelledImages.one_hot` targets), read from installed or local files only: nothing
is ever downloaded.

A file that cannot be used raises :class:`DataFileError` (a ``ValueError``) whose message
names the file, the line and column where that helps, and what to change; a path that
does not exist raises ``FileNotFoundError``.
"""

from saddlepath.data._csv import load_csv
from saddlepath.data._dataset import DataFileError, Dataset
from saddlepath.data._digits import load_digits, load_mnist_5k
from saddlepath.data._files import load_data
from saddlepath.data._idx import load_mnist_idx, read_idx
from saddlepath.data._images import LabelledImages, one_hot
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
    "LabelledImages",
    "demo_problem",
    "figure1_problem",
    "load_csv",
    "load_data",
    "load_digits",
    "load_mnist_5k",
    "load_mnist_idx",
    "load_npy",
    "load_npz",
    "make_sparse_regression",
    "one_hot",
    "read_idx",
    "worked_example",
]
