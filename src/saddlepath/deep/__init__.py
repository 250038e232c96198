r"""Deep bias-free ReLU networks: the first-order objective and optimal escape directions.

Near the origin, gradient flow on a cost :math:`C(Y_\theta(X))` of a depth-:math:`L` MLP
first follows the direction that minimises :math:`L_0(\theta) = \mathrm{Tr}[G^\top
Y_\theta(X)]`, :math:`G = \nabla_Y C(0)`, on the sphere :math:`\|\theta\|^2 = L` (Bantzis,
Simon & Jacot 2025). Modules: :mod:`~saddlepath.deep.network` (the model, :math:`L_0`,
:math:`G` of MSE and cross-entropy), :mod:`~saddlepath.deep.escape` (the search),
:mod:`~saddlepath.deep.result` (:class:`EscapeResult`), :mod:`~saddlepath.deep.training`
(:func:`train`, small-init GD, checkpointed), :mod:`~saddlepath.deep.training_result`
(:class:`TrainingRun`), :mod:`~saddlepath.deep.layers` (:func:`layer_spectra`) and
:mod:`~saddlepath.deep.saddles` (:class:`DeepSaddle`, the result of
:func:`saddlepath.landscape.refine_saddle`); the result modules are NumPy only.

Importing this package does not import JAX; the functions do (install ``saddlepath[jax]``).
"""

from saddlepath.deep.layers import LayerSpectra, layer_spectra
from saddlepath.deep.result import EscapeResult, EscapeStatus
from saddlepath.deep.saddles import DeepSaddle, SaddleStatus
from saddlepath.deep.training_result import TrainingRun, TrainingStatus

__all__ = [
    "DeepSaddle",
    "EscapeResult",
    "EscapeStatus",
    "LayerSpectra",
    "SaddleStatus",
    "TrainingProgress",
    "TrainingRun",
    "TrainingStatus",
    "cross_entropy_gradient",
    "escape_direction",
    "escape_directions_by_depth",
    "first_order_loss",
    "layer_spectra",
    "mse_gradient",
    "network_output",
    "train",
]

_LAZY = {
    "escape_direction": "saddlepath.deep.escape",
    "escape_directions_by_depth": "saddlepath.deep.escape",
    "cross_entropy_gradient": "saddlepath.deep.network",
    "first_order_loss": "saddlepath.deep.network",
    "mse_gradient": "saddlepath.deep.network",
    "network_output": "saddlepath.deep.network",
    "train": "saddlepath.deep.training",
    "TrainingProgress": "saddlepath.deep.training",
}


def __getattr__(name: str):
    """Load the JAX-backed functions on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'saddlepath.deep' has no attribute {name!r}")
    import importlib

    try:
        module = importlib.import_module(_LAZY[name])
    except ImportError as exc:
        raise ImportError(
            f"saddlepath.deep.{name} needs JAX ({exc}). Install it with: "
            'pip install "saddlepath[jax]"'
        ) from exc
    return getattr(module, name)


def __dir__():
    return sorted(__all__)
