r"""``batched_flow``: many exact gradient flows at once, in JAX (entry point).

This module imports JAX only when ``batched_flow`` is called, so that ``import saddlepath``
never does.
"""

from __future__ import annotations

import numpy as np

from saddlepath._validation import check_int, check_real
from saddlepath.diagonal.jax_flow._inputs import WHERE, check_tau_grid, prepare_batch
from saddlepath.diagonal.jax_flow._result import BatchedTrajectories, statuses_from_codes

__all__ = ["batched_flow"]

_INSTALL = 'pip install "saddlepath[jax]"'


def _require_jax() -> None:
    try:
        import diffrax  # noqa: F401
        import jax  # noqa: F401
        import optimistix  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{WHERE} needs the optional JAX backend (jax, diffrax, optimistix), which is not "
            f"installed ({exc}). Install it with: {_INSTALL}"
        ) from exc


def _compute_dtype(input_dtype: np.dtype) -> np.dtype:
    """float64 when the data are float64 *and* the caller enabled ``jax_enable_x64``."""
    import jax

    wanted = np.float64 if input_dtype == np.float64 else np.float32
    return np.dtype(jax.dtypes.canonicalize_dtype(wanted))


def batched_flow(
    X,
    y,
    *,
    alphas=None,
    log_alphas=None,
    tau_grid,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    u0=None,
    v0=None,
    solver="auto",
    max_steps: int = 200_000,
) -> BatchedTrajectories:
    r"""Integrate many gradient flows of diagonal networks at once (JAX, vmapped, CPU or GPU).

    Each flow solves the exact dual-coordinate ODE (P&F, arXiv:2304.00488; README, "Units")

    .. math::

        \frac{ds}{d\tau} = -\nabla L(\beta) = -\frac1n X^\top(X\beta - y), \qquad
        \beta_i = \tfrac12\big(a_i e^{2\lambda s_i} - b_i e^{-2\lambda s_i}\big), \qquad
        s(0) = 0,

    in accelerated time :math:`\tau = t/\lambda`, :math:`\lambda = \ln(1/\alpha)`, with
    :math:`a = w_+(0)^2`, :math:`b = w_-(0)^2`, :math:`w_\pm = (u \pm v)/\sqrt2` and
    :math:`u(0) = \alpha u_0`, :math:`v(0) = \alpha v_0`. β is formed in log-domain, so
    α = 1e-1000 is exact and costs what 1e-10 costs per step. Adaptive steps (diffrax, PID
    controller) from τ = 0 to ``tau_grid[-1]``, saving at every ``tau_grid`` point.

    Any argument may be batched along a leading axis of size ``batch`` (all batched
    arguments must agree; size 1 broadcasts): ``X`` of shape ``(batch, n, d)``, ``y`` of
    shape ``(batch, n)``, ``alphas`` a sequence, ``u0``/``v0`` of shape ``(batch, d)``.
    Flow ``b`` uses the ``b``-th entry of each batched argument.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (batch, n_samples, n_features)
    y : array-like of shape (n_samples,) or (batch, n_samples)
    alphas : float, str or sequence of them, optional
        Initialisation scales, 0 < α < 1; strings such as ``"1e-1000"`` are parsed exactly.
    log_alphas : float or sequence of float, optional
        :math:`\log\alpha < 0` instead of ``alphas`` (e.g. ``-1e5``). Give exactly one.
    tau_grid : array-like of shape (n_times,)
        Strictly increasing accelerated times ≥ 0 at which to save (``tau_grid[-1] > 0``).
    rtol, atol : float
        Local error tolerances on the log-weights :math:`S = \lambda s`: per step
        :math:`|\delta S_i| \lesssim` ``atol + rtol·|s_i|`` (the controller gets ``rtol/λ``
        and ``atol/λ`` on s, floored at 8 ulps of the dtype). β is then accurate to about
        ``rtol`` relative on plateaus for every α (measured, float64, ``rtol=1e-6``, α from
        1e-10 to 1e-3000, against ``gradient_flow(..., rtol=1e-10)``: max |Δβ| / max |β|
        ≤ 1.5e-6 mid-plateau, ≤ 6e-6 anywhere); s itself is accurate to about ``rtol/λ``.
    u0, v0 : float or array-like of shape (n_features,) or (batch, n_features), optional
        Initial weights in units of α (default :math:`\sqrt2` and 0, so β(0) = 0; P&F).
        Zeros (also of ``u0 ± v0``) and mixed signs are allowed.
    solver : str or diffrax.AbstractSolver
        ``"auto"``: Tsit5, unless the largest λ exceeds :math:`1.2\max(d, 50)^2` (3000, i.e.
        α < 1e-1300, for d ≤ 50) in float64, then Kvaerno5 — measured crossovers, see the
        package docstring. Or ``"tsit5"``, ``"dopri5"``, ``"dopri8"`` (explicit: steps grow
        like λ, as the plateaus are stiff), ``"kvaerno3"``, ``"kvaerno4"``, ``"kvaerno5"``
        (implicit, with an ``optimistix.Chord`` root finder; a few hundred steps whatever λ,
        but a dense d × d Jacobian and LU per stage), or any diffrax solver instance (used
        as given, with a PID controller).
    max_steps : int
        Cap on accepted + rejected steps per flow (status ``STEP_LIMIT`` when hit, later
        saved values NaN). Tsit5 needs about 13·λ steps for a whole path of a (20, 50)
        problem: 30,000 at α = 1e-1000.

    Returns
    -------
    BatchedTrajectories
        ``beta`` and ``dual`` of shape ``(batch, n_times, n_features)``, ``loss``,
        per-flow ``status`` and step counts, as NumPy arrays.

    Raises
    ------
    ImportError
        If JAX or diffrax is missing: ``pip install "saddlepath[jax]"``.

    Notes
    -----
    Precision follows the input: float64 when ``X`` is float64 *and* the caller has enabled
    ``jax.config.update("jax_enable_x64", True)`` (this library never sets it), float32
    otherwise. float32 is fine for β — relative error about :math:`10^{-6}\lambda` on
    plateaus, 1e-3 at α = 1e-1000 — but not for telling apart flows whose α differ by a
    small factor: λ and s carry only 7 digits.

    All flows of a batch advance in one vmapped loop, so a batch costs as many steps as its
    slowest flow (the largest λ): group flows of similar λ. Compilation happens once per
    solver, ``max_steps``, batch layout (which arguments are batched), shapes and dtype;
    new α, data, tolerances or grid values of the same shapes reuse it.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]])
    >>> res = batched_flow(X, np.array([1.0, 0.0]), alphas=[1e-5, "1e-30", "1e-300"],
    ...                    tau_grid=[5.0, 10.0])
    >>> res.beta.shape, [s.name for s in res.statuses]
    ((3, 2, 4), ['REACHED_TAU_MAX', 'REACHED_TAU_MAX', 'REACHED_TAU_MAX'])
    >>> beta = res.beta[2].astype(float)  # float32 unless the caller enabled jax_enable_x64
    >>> (np.round(beta, 2) + 0.0).tolist()  # saddles (jumps at tau = 2, 8, 11.27)
    [[0.8, 0.0, 0.0, 0.0], [0.0, 0.0, 1.4, 0.0]]
    """
    _require_jax()
    batch = prepare_batch(X, y, alphas=alphas, log_alphas=log_alphas, u0=u0, v0=v0)
    grid = check_tau_grid(tau_grid)
    rtol = check_real(rtol, name="rtol", low=0.0, high=1.0, low_open=True, where=WHERE)
    atol = check_real(atol, name="atol", low=0.0, where=WHERE)
    max_steps = check_int(max_steps, name="max_steps", low=1, where=WHERE)

    import jax

    from saddlepath.diagonal.jax_flow._solve import integrate
    from saddlepath.diagonal.jax_flow._solvers import choose_solver

    dtype = _compute_dtype(batch.input_dtype)
    resolved = choose_solver(solver, float(np.max(-batch.log_alpha)), batch.X.shape[-1], dtype)
    out = integrate(
        batch, grid, dtype=dtype, solver=resolved, rtol=rtol, atol=atol, max_steps=max_steps
    )
    status, messages = statuses_from_codes(out["code"])
    return BatchedTrajectories(
        tau=grid,
        beta=out["beta"],
        dual=out["dual"],
        loss=out["loss"],
        log_alpha=batch.log_alpha,
        statuses=status,
        messages=messages,
        stats={
            "n_steps": out["n_steps"] + out["n_rejected"],
            "n_accepted": out["n_steps"],
            "n_rejected": out["n_rejected"],
        },
        solver=resolved if isinstance(resolved, str) else type(resolved).__name__,
        dtype=str(dtype),
        device=jax.default_backend(),
    )
