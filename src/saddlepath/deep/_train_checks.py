"""Boundary checks of :func:`saddlepath.deep.train` (private): one message per bad argument.

Each check names the argument, what was given and the fix; :func:`check_training` returns
the validated values and the JSON-safe ``settings`` that define the run.
"""

from __future__ import annotations

import numbers
import os
from types import SimpleNamespace

import numpy as np

from saddlepath._validation import as_float_array, check_int, check_real
from saddlepath.deep.network import cross_entropy_gradient, mse_gradient
from saddlepath.deep.result import EscapeResult

__all__ = ["check_training"]

WHERE = "train"
LOSSES = ("mse", "cross_entropy")


def _targets(targets, loss, n_samples):
    """MSE: float targets (n, n_outputs); cross-entropy: integer labels (n,) in 0..K−1."""
    if loss == "mse":
        T = np.asarray(targets) if not isinstance(targets, np.ndarray) else targets
        T = as_float_array(T.reshape(-1, 1) if T.ndim == 1 else T, name="targets", ndim=2)
        G = mse_gradient(T)
    else:
        y = np.asarray(targets)
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.size == 0 or y.min() < 0:
            raise ValueError(
                "With loss='cross_entropy', `targets` must be a 1-D array of integer class "
                f"labels 0, …, K−1; got shape {y.shape} and dtype {y.dtype}. Pass "
                "np.asarray(labels, dtype=int) (for one-hot or real targets use loss='mse')."
            )
        T = y.astype(np.int64)
        G = cross_entropy_gradient(T, int(T.max()) + 1)
    if T.shape[0] != n_samples:
        raise ValueError(
            f"`targets` must have one entry per row of `X`: X has {n_samples} rows and "
            f"targets {T.shape[0]}."
        )
    return T, G


def _widths(widths):
    if isinstance(widths, numbers.Integral) or not hasattr(widths, "__iter__"):
        raise TypeError(
            f"`widths` must be a sequence of hidden widths, e.g. (128, 128, 128) for depth 4; "
            f"got {widths!r}. The depth is len(widths) + 1."
        )
    widths = tuple(check_int(w, name="widths", low=1, where=WHERE) for w in widths)
    if not widths:
        raise ValueError(
            "`widths` must list at least one hidden width (depth = len(widths) + 1 ≥ 2); got "
            "an empty sequence. Pass e.g. widths=(128, 128, 128)."
        )
    return widths


def _optional_real(value, name, **bounds):
    return None if value is None else check_real(value, name=name, where=WHERE, **bounds)


def _escape(escape, widths, activation, X, G):
    """The escape direction must be for this network, these data and this loss's G."""
    if escape is None:
        return None
    if not isinstance(escape, EscapeResult):
        raise TypeError(
            f"`escape` must be an EscapeResult (from escape_direction) or None; got "
            f"{type(escape).__name__}."
        )
    shapes = [W.shape for W in escape.weights]
    if escape.widths != widths or escape.activation != activation or shapes[0][1] != X.shape[1]:
        raise ValueError(
            f"`escape` must be computed for this network and data: widths {widths}, activation "
            f"{activation!r}, {X.shape[1]} inputs; got widths {escape.widths}, activation "
            f"{escape.activation!r}, {shapes[0][1]} inputs. Call escape_direction(X, G, widths)."
        )
    if shapes[-1][0] != G.shape[1]:
        raise ValueError(
            f"`escape` has {shapes[-1][0]} outputs but the targets have {G.shape[1]}; compute "
            "it with the G of this loss (mse_gradient or cross_entropy_gradient)."
        )
    return escape


def check_training(X, targets, widths, options: dict) -> SimpleNamespace:
    """Validate every argument of :func:`train`; return them with the run's ``settings``."""
    o = dict(options)
    X = as_float_array(X, name="X", ndim=2)
    if o["loss"] not in LOSSES:
        raise ValueError(f"`loss` must be 'mse' or 'cross_entropy'; got {o['loss']!r}.")
    if o["activation"] not in ("relu", "linear"):
        raise ValueError(f"`activation` must be 'relu' or 'linear'; got {o['activation']!r}.")
    T, G = _targets(targets, o["loss"], X.shape[0])
    widths = _widths(widths)
    n = X.shape[0]
    o["init_scale"] = check_real(o["init_scale"], name="init_scale", low=0, low_open=True,
                                 where=WHERE)  # fmt: skip
    o["n_steps"] = check_int(o["n_steps"], name="n_steps", low=1, where=WHERE)
    o["c"] = check_real(o["c"], name="c", low=0, low_open=True, where=WHERE)
    o["plateau_c"] = _optional_real(o["plateau_c"], "plateau_c", low=0, low_open=True)
    o["plateau_until"] = check_real(o["plateau_until"], name="plateau_until", low=1,
                                    low_open=True, where=WHERE)  # fmt: skip
    o["step_cap"] = _optional_real(o["step_cap"], "step_cap", low=0, low_open=True)
    o["loss_tol"] = _optional_real(o["loss_tol"], "loss_tol", low=0)
    if o["batch_size"] is not None:
        o["batch_size"] = check_int(o["batch_size"], name="batch_size", low=1, high=n, where=WHERE)
    o["seed"] = check_int(o["seed"], name="seed", low=0, where=WHERE)
    every = o["record_every"] = check_int(o["record_every"], name="record_every", low=1,
                                          where=WHERE)  # fmt: skip
    o["keep_weights_every"] = _keep_every(o["keep_weights_every"], every, o["n_steps"])
    o["n_probe"] = check_int(min(32, n) if o["n_probe"] is None else o["n_probe"],
                             name="n_probe", low=1, high=n, where=WHERE)  # fmt: skip
    o["checkpoint_every"] = check_int(o["checkpoint_every"], name="checkpoint_every", low=1,
                                      where=WHERE)  # fmt: skip
    _checkpoint_options(o["checkpoint"], o["resume"], o["progress"])
    o["escape"] = _escape(o["escape"], widths, o["activation"], X, G)
    keys = ("activation", "loss", "init_scale", "n_steps", "c", "plateau_c", "plateau_until",
            "step_cap", "batch_size", "seed", "record_every", "keep_weights_every", "n_probe",
            "loss_tol")  # fmt: skip
    settings = {"widths": list(widths), **{k: o[k] for k in keys}}
    settings.update(n_samples=n, n_inputs=X.shape[1], n_outputs=G.shape[1])
    return SimpleNamespace(X=X, T=T, G=G, widths=widths, settings=settings, **o)


def _keep_every(keep, record_every, n_steps):
    """Default: about 25 snapshots; always a multiple of ``record_every``."""
    if keep is None:
        return max(1, round(n_steps / 25 / record_every)) * record_every
    keep = check_int(keep, name="keep_weights_every", low=1, where=WHERE)
    if keep % record_every:
        raise ValueError(
            f"`keep_weights_every` ({keep}) must be a multiple of `record_every` "
            f"({record_every}): weights are kept at records. Pass e.g. "
            f"{max(1, round(keep / record_every)) * record_every}."
        )
    return keep


def _checkpoint_options(checkpoint, resume, progress):
    if checkpoint is not None and not isinstance(checkpoint, str | os.PathLike):
        raise TypeError(
            f"`checkpoint` must be a file path (str or os.PathLike) or None; got "
            f"{type(checkpoint).__name__}."
        )
    if not isinstance(resume, bool):
        raise TypeError(f"`resume` must be True or False; got {resume!r}.")
    if resume and checkpoint is None:
        raise ValueError(
            "`resume=True` needs a `checkpoint` path to resume from; pass checkpoint='run.ckpt'."
        )
    if progress is not None and not callable(progress):
        raise TypeError(
            f"`progress` must be a callable taking a TrainingProgress, or None; got "
            f"{type(progress).__name__}."
        )
