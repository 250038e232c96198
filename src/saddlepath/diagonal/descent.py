r"""Gradient descent and mini-batch SGD of a diagonal network, exact at any α.

The network's own iterates on :math:`F(u, v) = L(u\odot v)` with step η,

.. math::

    u_{k+1} = u_k - \eta\, g_k \odot v_k, \qquad v_{k+1} = v_k - \eta\, g_k \odot u_k,
    \qquad g_k = \nabla L(\beta_k),

are, with :math:`w_\pm = (u \pm v)/\sqrt2`, the multiplicative updates
:math:`w_{+,k+1} = w_{+,k}(1 - \eta g_k)` and :math:`w_{-,k+1} = w_{-,k}(1 + \eta g_k)`.
They are computed on :math:`\log|w_\pm|` (``log1p``) and the signs of :math:`w_\pm`, so
α = 1e-1000 costs the same as α = 1e-3 and gives the same numbers as plain float GD wherever
that is representable — also when a factor :math:`1 \mp \eta g` is negative (the weight
changes sign, as in plain GD) or exactly zero (the weight is zero from then on).

Divergence is reported only when the run has really blown up: the loss or the gradient is
not finite, or a weight left the float range in which β is represented
(:math:`\log|w_\pm| >` ``LOG_W_MAX`` = 170, :math:`|\beta|` up to 1e147). A run that stays
bounded without converging ends at its step limit (``STEP_LIMIT``), however large its loss.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from saddlepath._validation import check_data, check_int, check_real
from saddlepath.diagonal._descent_loop import iterate_gd, iterate_sgd
from saddlepath.diagonal._descent_rules import MarginLog, StopRule
from saddlepath.diagonal._descent_step import LoopState
from saddlepath.diagonal._recorder import Recorder
from saddlepath.diagonal.descent_result import DivergenceWarning, RecordThinnedWarning
from saddlepath.diagonal.model import initialisation
from saddlepath.diagonal.trajectory import (
    Trajectory,
    TrajectoryStatus,
    build_trajectory,
    time_scale,
)

__all__ = ["gradient_descent"]

_WHERE = "gradient_descent"


def _validate(X, y, step_size, n_steps, tau_max, batch_size, save_every, gtol, max_steps):
    X, y = check_data(X, y)
    eta = check_real(step_size, name="step_size", low=0.0, low_open=True, where=_WHERE)
    if n_steps is not None:
        check_int(n_steps, name="n_steps", low=0, where=_WHERE)
    if tau_max is not None:
        check_real(tau_max, name="tau_max", low=0.0, where=_WHERE)
    if batch_size is not None:
        check_int(batch_size, name="batch_size", low=1, high=X.shape[0], where=_WHERE)
    if save_every is not None:
        check_int(save_every, name="save_every", low=1, where=_WHERE)
    check_real(gtol, name="gtol", low=0.0, where=_WHERE)
    check_int(max_steps, name="max_steps", low=1, where=_WHERE)
    return X, y, eta


def _validate_record(margin, max_saved, sgd, progress):
    if progress is not None and not callable(progress):
        raise TypeError(
            "The `progress` parameter of gradient_descent must be a callable taking the "
            f"accelerated time reached, or None. Got {type(progress).__name__} instead."
        )
    if margin is not None:
        margin = check_real(margin, name="margin", low=0.0, low_open=True, where=_WHERE)
        if sgd:
            raise ValueError(
                "The `margin` parameter of gradient_descent needs the full gradient at every "
                "step and is defined for full-batch GD; drop `batch_size` (or margin)."
            )
    check_int(max_saved, name="max_saved", low=2, where=_WHERE)
    return margin


def gradient_descent(
    X,
    y,
    *,
    step_size: float,
    n_steps: int | None = None,
    tau_max: float | None = None,
    alpha: float | str | None = None,
    log_alpha: float | None = None,
    u0=None,
    v0=None,
    batch_size: int | None = None,
    seed: int | None = None,
    save_every: int | None = None,
    gtol: float = 1e-8,
    max_steps: int = 1_000_000,
    margin: float | None = None,
    max_saved: int = 100_000,
    progress: Callable[[float], object] | None = None,
) -> Trajectory:
    r"""Run (mini-batch) gradient descent on a diagonal network, exactly in log-domain.

    Iterates :math:`w_{\pm,k+1} = w_{\pm,k}(1 \mp \eta\, g_k)` with
    :math:`g_k = \nabla L(\beta_k)` (or its mini-batch estimate), :math:`L(\beta) =
    \|X\beta - y\|^2/(2n)`, from :math:`u(0) = \alpha u_0`, :math:`v(0) = \alpha v_0`, on
    the magnitudes and signs of :math:`w_\pm` (exact through sign changes; see the module).
    Raw time is :math:`t_k = k\eta`; accelerated time :math:`\tau = t/\ln(1/\alpha)`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    step_size : float
        η > 0.
    n_steps : int, optional
        Stop after this many steps (status ``STEP_LIMIT``).
    tau_max : float, optional
        Stop at the first step with :math:`\tau \ge` ``tau_max`` (status ``REACHED_TAU_MAX``).
    alpha, log_alpha : float or str, optional
        Initialisation scale (exactly one); see :func:`~saddlepath.diagonal.model.initialisation`.
        α ≥ 1 is allowed here; then τ is just ``t``.
    u0, v0 : float or array-like of shape (n_features,), optional
        Initial weights in units of α (default :math:`\sqrt2` and 0).
    batch_size : int, optional
        Mini-batch size for SGD (``None``: full batch). Each epoch draws a permutation of the
        samples from ``numpy.random.default_rng(seed)`` and takes consecutive batches of it
        (the last one shorter).
    seed : int, optional
        Seed of the SGD sampler.
    save_every : int, optional
        Save every k-th iterate. Default: full batch saves whenever the loss moved by 1 %
        since the last saved iterate, and at least every 1000 steps; SGD saves once per epoch.
        The first and the last iterate are always saved.
    gtol : float
        Converged when :math:`\|\nabla L\|_\infty \le` ``gtol`` :math:`\cdot\|\nabla L(0)\|_\infty`
        (checked every step for GD, at saved iterates for SGD).
    max_steps : int
        Hard cap on the number of steps when neither ``n_steps`` nor ``tau_max`` stops first.
    margin : float, optional
        Full-batch GD only: check :math:`\max|\nabla F(u, v)|` against ``margin`` at every
        step and record its crossings (:class:`MarginCrossings`, the thesis's plateau rule;
        used by :func:`saddlepath.analysis.find_plateaus`). Costs ~30 % more per step.
    max_saved : int, default 100_000
        Most iterates kept (≈ 310 B each at d = 7, :math:`8(5d + 2) + 2d` B in general).
        When more would be saved, every other saved iterate is dropped and saving continues
        at twice the stride (``save_stride``), with a :class:`RecordThinnedWarning`.
    progress : callable, optional
        Called as ``progress(tau)`` with the accelerated time reached, every 1024 steps
        (for a progress display; its return value is ignored).

    Returns
    -------
    Trajectory
        ``method`` is ``"gd"`` or ``"sgd"``, with the GD fields ``sign_w_plus``,
        ``sign_w_minus``, ``margin_crossings`` and ``save_stride`` set. A divergence (see
        the module) is reported in ``status``/``message`` and with a
        :class:`DivergenceWarning`. Plateaus: :func:`saddlepath.analysis.find_plateaus`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    >>> traj = gradient_descent(X, np.array([1.0, 0.0]), step_size=0.2, alpha="1e-1000")
    >>> traj.status.name, (np.round(traj.beta[-1], 4) + 0.0).tolist()
    ('CONVERGED', [0.0, 0.0, 1.4286, -0.2041])
    """
    X, y, eta = _validate(
        X, y, step_size, n_steps, tau_max, batch_size, save_every, gtol, max_steps
    )
    sgd = batch_size is not None and batch_size < X.shape[0]
    margin = _validate_record(margin, max_saved, sgd, progress)
    init = initialisation(X.shape[1], alpha=alpha, log_alpha=log_alpha, u0=u0, v0=v0, where=_WHERE)
    lam = time_scale(init.log_alpha)
    rule = StopRule.create(
        X,
        y,
        eta=eta,
        lam=lam,
        n_steps=n_steps,
        tau_max=tau_max,
        max_steps=max_steps,
        gtol=gtol,
        save_every=save_every,
        epoch=(-(-X.shape[0] // batch_size) if sgd else None),
    )
    rec = Recorder(X.shape[1], lam, max_saved, _expected_rows(n_steps, max_steps, save_every))
    state = LoopState(init, rule, eta, margin, batch_size if sgd else None, progress)
    log = None if margin is None else MarginLog(margin, eta)
    if sgd:
        out = iterate_sgd(X, y, eta, rule, rec, state, seed, progress)
    else:
        out = iterate_gd(X, y, eta, rule, rec, state, log, progress)
    status, message, n_evals, n_done = out
    _warn(status, message, rec, max_saved)
    sign_w_plus, sign_w_minus = rec.signs()
    return build_trajectory(
        rec.arrays(),
        initial=init,
        status=status,
        message=message,
        stats={"n_grad_evals": int(n_evals), "n_steps": int(n_done)},
        method="sgd" if sgd else "gd",
        sign_w_plus=sign_w_plus,
        sign_w_minus=sign_w_minus,
        margin_crossings=None if log is None else log.result(X.shape[1]),
        save_stride=rec.stride,
    )


def _expected_rows(n_steps, max_steps, save_every) -> int | None:
    """Rows a run with a fixed ``save_every`` offers at most (None: unknown)."""
    if save_every is None:
        return None
    return min(n_steps if n_steps is not None else max_steps, max_steps) // save_every + 2


def _warn(status, message, rec, max_saved) -> None:
    if status is TrajectoryStatus.DIVERGED:
        warnings.warn(f"gradient_descent {message}", DivergenceWarning, stacklevel=3)
    if rec.stride > 1:
        warnings.warn(
            f"gradient_descent kept only every {rec.stride}-th of the iterates it would have "
            f"saved, to stay within max_saved = {max_saved} rows; raise max_saved or "
            "save_every (margin crossings are recorded at every step regardless).",
            RecordThinnedWarning,
            stacklevel=3,
        )
