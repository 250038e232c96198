r"""Small-initialisation training of a bias-free deep MLP: :func:`train`.

Gradient descent from weights of scale ``init_scale`` on a depth-:math:`L` network
(:mod:`~saddlepath.deep.network`) with the norm-adaptive step of Bantzis, Simon & Jacot
(2025), :math:`\eta = c/\|\theta\|^{L-2}`: near the origin the gradient is of order
:math:`\|\theta\|^{L-1}`, so with this step the weights grow geometrically at a rate
independent of their scale: the saddle-dominated phase at the origin takes a number of
steps growing only like :math:`\log(1/s)` for an initialisation of scale :math:`s`. The
run first aligns with the optimal escape direction
(:func:`~saddlepath.deep.escape_direction`), escapes, and visits further saddles;
:func:`saddlepath.analysis.find_plateaus` finds them in the returned
:class:`~saddlepath.deep.TrainingRun`.

The loop is jitted (:mod:`~saddlepath.deep._train_loop`): ``record_every`` steps run in
one compiled call, with no host round-trip per step; checkpoints
(:mod:`~saddlepath.deep.checkpoint`) make a run resumable, bit for bit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from saddlepath.deep._train_checks import check_training
from saddlepath.deep.checkpoint import load_checkpoint, settings_hash
from saddlepath.deep.training_result import TrainingRun

__all__ = ["TrainingProgress", "initial_weights", "train"]

ESCAPE_SPEED_RTOL = 1e-3  # |s*(our G) − escape.speed| / s*: float32 escapes agree to ~1e-6


@dataclass(frozen=True)
class TrainingProgress:
    """What :func:`train` tells its ``progress`` callback after every record."""

    step: int
    n_steps: int
    t: float
    loss: float
    norm: float
    gradient_norm: float
    alignment: float


def initial_weights(widths, n_inputs: int, n_outputs: int, init_scale: float, seed: int):
    r"""Initial weights :math:`W_\ell \sim \mathcal N(0, s^2/\text{fan\_in})` entrywise.

    Layer :math:`\ell` has shape ``(w_ℓ, w_{ℓ−1})`` (``w_0 = n_inputs``, ``w_L = n_outputs``)
    and :math:`s` = ``init_scale``; drawn layer by layer from one
    ``numpy.random.default_rng(seed)``, float64.
    """
    rng = np.random.default_rng(seed)
    sizes = (n_inputs, *widths, n_outputs)
    return tuple(
        rng.standard_normal((fan_out, fan_in)) * (init_scale / np.sqrt(fan_in))
        for fan_in, fan_out in itertools.pairwise(sizes)
    )


def train(
    X, targets, widths, *, loss: str = "mse", activation: str = "relu",
    init_scale: float = 0.01, n_steps: int, c: float = 1.0, plateau_c: float | None = None,
    plateau_until: float = 2.0, step_cap: float | None = None, batch_size: int | None = None,
    seed: int = 0, record_every: int = 10, keep_weights_every: int | None = None,
    escape=None, n_probe: int | None = None, loss_tol: float | None = None,
    checkpoint=None, checkpoint_every: int = 100, resume: bool = False, progress=None,
) -> TrainingRun:  # fmt: skip
    r"""Train a bias-free MLP by GD from small initialisation and record its saddles.

    Minimises :math:`C(Y_\theta(X))`, the MSE :math:`\frac{1}{2n}\|Y - T\|_F^2` or the mean
    softmax cross-entropy, over :math:`\theta = (W_1, \dots, W_L)`, :math:`L` =
    ``len(widths) + 1``, from :math:`W_\ell \sim \mathcal N(0, s^2/\text{fan\_in})`
    (:func:`initial_weights`, :math:`s` = ``init_scale``). Step :math:`k`:

    .. math:: \theta_{k+1} = \theta_k - \eta_k\nabla C(\theta_k), \qquad
              \eta_k = \min\Big(\frac{c_k}{\|\theta_k\|^{L-2}},\;
              \kappa\frac{\|\theta_k\|}{\|\nabla C(\theta_k)\|}\Big),

    where :math:`c_k` = ``plateau_c`` while :math:`\|\theta\| <` ``plateau_until``
    :math:`\cdot\|\theta_0\|` (the plateau phase, ended for good at the first step past
    it; no plateau phase when ``plateau_c`` is None) and ``c`` after, and :math:`\kappa` =
    ``step_cap`` bounds the relative change of the weights per step (no cap when None).
    The gradient-flow time is :math:`t = \sum_k\eta_k`. Measured: depth 4, width 128,
    ``c = 1`` escapes at step ≈ 350–450 on ``load_digits``; depth 6 barely aligns with
    ``c = 10`` and needs ``plateau_c=300, c=10, step_cap=0.05``. Computed in float64 (JAX's
    x64 mode is switched on inside this call only).

    Parameters
    ----------
    X : array of shape (n_samples, n_inputs)
    targets : array
        MSE: real targets, shape ``(n_samples, n_outputs)`` (e.g. one-hot) or
        ``(n_samples,)``; cross-entropy: integer labels ``0, …, K − 1``, shape (n_samples,).
    widths : sequence of int
        Hidden widths :math:`w_1, \dots, w_{L-1}`.
    loss : {"mse", "cross_entropy"}
    activation : {"relu", "linear"}
    init_scale : float
        :math:`s` above (> 0); default 0.01.
    n_steps : int
        GD steps to run (≥ 1).
    c, plateau_c, plateau_until, step_cap : float
        The step schedule above (``plateau_until`` > 1 is a factor of :math:`\|\theta_0\|`).
    batch_size : int, optional
        Mini-batch GD: each epoch of ``n_samples // batch_size`` steps follows one seeded
        permutation of the rows (a function of ``seed`` and the epoch only), the remainder
        left out. Default full batch.
    seed : int
        Seeds the initial weights, the probe rows and the mini-batches (≥ 0).
    record_every : int
        Steps between records (and the last step); one compiled call per record.
    keep_weights_every : int, optional
        Steps between whole-weight snapshots (a multiple of ``record_every``; the last step
        is always kept); default about 25 snapshots.
    escape : EscapeResult, optional
        The optimal escape direction for these data, widths and loss: enables
        ``alignment`` and ``speed_ratio`` (NaN without it).
    n_probe : int, optional
        Rows whose outputs are recorded as ``beta`` (drawn with ``seed``); default
        ``min(32, n_samples)``.
    loss_tol : float, optional
        Stop with ``CONVERGED`` at the first record with cost ≤ ``loss_tol``.
    checkpoint : path, optional
        File for checkpoints, written atomically every ``checkpoint_every`` records and at
        the end.
    checkpoint_every : int
    resume : bool
        Continue from ``checkpoint`` when that file exists (else start afresh). The result
        is identical, bit for bit, to an uninterrupted run, except ``stats["wall_s"]`` and
        ``stats["n_resumes"]``. A checkpoint of other settings, data or escape direction
        raises :class:`~saddlepath.deep.checkpoint.CheckpointError`.
    progress : callable, optional
        Called with a :class:`TrainingProgress` after every record.

    Returns
    -------
    TrainingRun
        Status ``COMPLETED``, ``CONVERGED`` or ``NOT_FINITE`` (with a
        :class:`~saddlepath.warnings.DivergenceWarning`; the records end at the first
        non-finite one).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.abs(rng.standard_normal((40, 5))); T = X @ np.ones((5, 1))
    >>> run = train(X, T, (8, 8), n_steps=200, record_every=20, init_scale=0.1, c=0.1)
    >>> run.status.name, bool(run.loss[-1] < 1e-6 * run.loss[0])
    ('COMPLETED', True)
    """
    options = {k: v for k, v in locals().items() if k not in ("X", "targets", "widths")}
    cfg = check_training(X, targets, widths, options)
    import jax

    with _x64(jax), _one_blas_thread():
        return _train(cfg)


def _x64(jax):
    """JAX's x64 mode for this call only (``jax.enable_x64``; older JAX: experimental)."""
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(True)
    from jax.experimental import enable_x64  # pragma: no cover - JAX < 0.5

    return enable_x64()


def _one_blas_thread():
    """One BLAS thread for LAPACK (the recorded SVDs of single layers) during the call: for
    matrices this small OpenBLAS threads only contend (measured on 2 loaded cores: 150 ms →
    7 ms per 128 × 128 SVD). XLA's own matrix products are not affected. See
    :mod:`saddlepath._threads` (``SADDLEPATH_BLAS_THREADS`` overrides it)."""
    from saddlepath._threads import blas_threads

    return blas_threads(0)


def _train(cfg) -> TrainingRun:
    """The validated run, inside x64 mode: set up, resume or start, loop, assemble."""
    from saddlepath.deep._train_driver import TrainingDriver
    from saddlepath.deep._train_loop import make_chunk

    spec, data, escape_speed = _set_up(cfg)
    chunk, record = make_chunk(spec)
    ref = () if cfg.escape is None else cfg.escape.weights
    digest = settings_hash(cfg.settings, cfg.X, cfg.T, *ref)
    driver = TrainingDriver(cfg, chunk, data, digest, TrainingProgress)
    if cfg.resume and Path(cfg.checkpoint).exists():
        driver.restore(load_checkpoint(cfg.checkpoint, digest, cfg.settings))
    else:
        weights0 = initial_weights(cfg.widths, cfg.X.shape[1], cfg.G.shape[1], cfg.init_scale,
                                   cfg.seed)  # fmt: skip
        driver.start(weights0, spec, record)
    driver.run()
    return driver.result(escape_speed, data["probe"])


def _set_up(cfg):
    """The compiled loop's static spec, its data (device arrays) and :math:`s^*`."""
    import jax.numpy as jnp

    from saddlepath.deep._train_loop import LoopSpec, reference_speed
    from saddlepath.deep.network import network_output

    n = cfg.X.shape[0]
    sizes = (cfg.X.shape[1], *cfg.widths, cfg.G.shape[1])
    n_top = tuple(min(10, a, b) for a, b in itertools.pairwise(sizes))
    spec = LoopSpec(
        depth=len(cfg.widths) + 1, activation=cfg.activation, loss=cfg.loss, c=cfg.c,
        plateau_c=cfg.plateau_c, plateau_until=cfg.plateau_until, step_cap=cfg.step_cap,
        batch_size=cfg.batch_size, n_samples=n, n_top=n_top,
    )  # fmt: skip
    probe = np.sort(np.random.default_rng([cfg.seed, 1]).choice(n, cfg.n_probe, replace=False))
    data = {"X": jnp.asarray(cfg.X), "T": jnp.asarray(cfg.T), "probe": jnp.asarray(probe)}
    escape_speed = np.nan
    if cfg.escape is not None:
        ws = [jnp.asarray(W, dtype=jnp.float64) for W in cfg.escape.weights]
        data["reference"] = network_output(ws, data["X"], activation=cfg.activation)
        data["G"] = jnp.asarray(cfg.G)
        escape_speed = float(reference_speed(data["reference"], data["G"]))
        _check_escape_speed(escape_speed, cfg.escape.speed)
    return spec, data, escape_speed


def _check_escape_speed(ours: float, theirs: float) -> None:
    if not abs(ours - theirs) <= ESCAPE_SPEED_RTOL * abs(theirs):
        raise ValueError(
            f"`escape` has speed {theirs:.6g} but −L₀ of its weights with this loss's G is "
            f"{ours:.6g}: it was computed for other targets or another loss. Compute it with "
            "the G of these targets (mse_gradient(targets) or cross_entropy_gradient(labels))."
        )
