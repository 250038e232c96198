r"""Algorithm 1 of Pesme & Flammarion (2023): the exact saddle-to-saddle path.

As the initialisation scale α → 0, gradient flow on a diagonal linear network
``β = u ⊙ v`` with loss ``L(β) = ‖Xβ − y‖²/(2n)``, run in accelerated time
``τ = t/ln(1/α)``, converges to a piecewise-constant process that jumps from saddle to
saddle. Between jumps the dual ``s(τ) = −∫₀^τ ∇L(β°)`` moves linearly; when a
coordinate's dual reaches ±1 the next saddle is

.. math::

    \beta_{k+1} = \arg\min L(\beta)\ \text{s.t.}\ \beta_i \ge 0 \ (s_i = 1),\
    \beta_i \le 0\ (s_i = -1),\ \beta_i = 0\ (|s_i| < 1).

This module is plain NumPy: one pass over ``X`` per jump (optionally in float32 with an
exact float64 re-check of the candidates), and a warm-started active-set solve on an
up/down-dated Cholesky factor for each saddle.
"""

from __future__ import annotations

import functools

import numpy as np

from saddlepath._threads import blas_threads_by_size
from saddlepath._validation import check_data, check_int, check_real
from saddlepath.diagonal._cholesky import GramCholesky
from saddlepath.diagonal._columns import group_columns
from saddlepath.diagonal._correlation import FullScan, make_scanner
from saddlepath.diagonal._endpoint import least_squares_end, spans_range
from saddlepath.diagonal._face import reported_saddle
from saddlepath.diagonal._magnitude import scale_data
from saddlepath.diagonal._path_loop import run_compiled
from saddlepath.diagonal._path_recorder import _Recorder, finish_path
from saddlepath.diagonal._sign_constrained import solve_after_jump
from saddlepath.diagonal.path_result import SaddlePath
from saddlepath.diagonal.path_status import PathStatus, fits_exactly
from saddlepath.loss import loss_of_residual

__all__ = ["saddle_path"]

_PRECISIONS = ("auto", "float64", "mixed")


def _validate_options(n, d, max_jumps, grad_tol, tie_tol, dependence_tol, precision):
    where = "saddle_path"
    if max_jumps is None:
        max_jumps = 20 * min(n, d) + 100
    max_jumps = check_int(max_jumps, name="max_jumps", low=1, where=where)
    grad_tol = check_real(grad_tol, name="grad_tol", low=0, high=1, low_open=True, where=where)
    tie_tol = check_real(tie_tol, name="tie_tol", low=0, high=1, high_open=True, where=where)
    dependence_tol = check_real(
        dependence_tol, name="dependence_tol", low=0, high=1, low_open=True, where=where
    )
    if precision not in _PRECISIONS:
        raise ValueError(
            f"The `precision` parameter of saddle_path must be one of {_PRECISIONS}. "
            f"Got {precision!r} instead."
        )
    return max_jumps, grad_tol, tie_tol, dependence_tol


@blas_threads_by_size
def saddle_path(
    X,
    y,
    *,
    max_jumps: int | None = None,
    grad_tol: float = 1e-9,
    tie_tol: float = 1e-9,
    dependence_tol: float = 1e-10,
    precision: str = "auto",
) -> SaddlePath:
    r"""Compute the exact saddle-to-saddle path (Pesme & Flammarion 2023, Algorithm 1).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    max_jumps : int, optional
        Stop after this many jumps (status ``JUMP_LIMIT``). Default ``20·min(n, d) + 100``.
    grad_tol : float, default 1e-9
        Dimensionless, relative to each column's gradient scale ``‖x_i‖·‖y‖/n``. The path
        ends when every ``|∂_iL| ≤ grad_tol·‖x_i‖·‖y‖/n`` (each column at its own
        scale). Until then every non-zero gradient counts towards the next jump time, and
        KKT violations below it are accepted only while they cannot move a dual past ±1
        by more than 1e-6 (else the path stops as ``STAGNATED``).
    tie_tol : float, default 1e-9
        Coordinates whose jump times agree to this tolerance, relative to the jump time,
        enter together.
    dependence_tol : float, default 1e-10
        Dimensionless, relative to ``‖x_j‖``: an active column within
        ``dependence_tol·‖x_j‖`` of the span of the other active
        columns is treated as linearly dependent.
    precision : {"auto", "float64", "mixed"}, default "auto"
        ``"mixed"`` reads ``X`` in float32 with rigorous rounding bounds and re-checks the
        candidate coordinates in float64 — same result, half the memory traffic, plus a
        float32 copy of ``X``. ``"auto"`` uses it when ``X`` has ≥ 2·10⁶ entries.

    Returns
    -------
    SaddlePath
        Jump times (accelerated time, P&F units), saddles, duals, losses, the coordinates
        entering and leaving at each jump and a :class:`PathStatus`.

    Notes
    -----
    Degenerate data. Columns equal up to sign (``x_j = ±x_i``) have equal duals for all
    time, so the gradient flow — symmetric in them — shares the weight equally; the path
    does the same. A column parallel to a longer one never enters; a zero column never
    enters. Any other non-unique sign-constrained minimiser (a linearly dependent active
    set, possible only off general position) is resolved by reporting the maximum-entropy
    point of the set of minimisers — the limit of the entropic mirror flow that the small-α
    dynamics follows through a jump, exact when the tied coordinates arrive at equal rates.
    Both cases emit
    :class:`~saddlepath.warnings.NonUniqueSaddleWarning` and end with status
    ``NON_UNIQUE``. Every minimiser of one sign-constrained problem has the same fitted
    values and the same ℓ1 norm, so losses, times and ``‖β_k‖₁`` do not depend on the
    choice. Nearly collinear data (an active unit column within ``CONDITION_LIMIT = 3e-5``
    of the span of the others, but farther than ``dependence_tol``) end the path with
    status ``STAGNATED`` and a :class:`~saddlepath.warnings.PathStagnationWarning` naming
    the columns, as does a ``LEAST_SQUARES`` end whose residual keeps a part above
    ``1e-6·‖y‖`` in range(X) (checked by an SVD of the unit columns).

    Scale. The path is computed on ``2^-p X`` and ``2^-q y`` (``max|X|``, ``max|y|``
    brought to ``[1/2, 1)``; ``X`` untouched when ``max|X|`` is within ``2^{±32}``) and
    mapped back exactly: ``X → cX, y → by`` maps ``τ → τ/(cb)``, ``β → (b/c)β``,
    ``L → b²L`` and leaves the duals unchanged, so any representable data work. Values
    that are not representable in the units of the data (e.g. ``τ ~ 1e600``) give status
    ``OUT_OF_RANGE`` and a :class:`~saddlepath.warnings.PathRangeWarning` (losses alone:
    the warning only). Column scale is not a symmetry (ℓ1 geometry): every tolerance is
    relative to each column's own norm, and only exactly-zero columns are screened out.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, .5, .7, 0], [.5, 1, .1, .7]])
    >>> path = saddle_path(X, np.array([1.0, 0.0]))
    >>> np.round(path.tau, 4)
    array([ 0.    ,  2.    ,  8.    , 11.2653])
    >>> path.status.name
    'MIN_L1_INTERPOLATOR'
    """
    X_data, y_data = check_data(X, y)
    n, d = X_data.shape
    max_jumps, grad_tol, tie_tol, dependence_tol = _validate_options(
        n, d, max_jumps, grad_tol, tie_tol, dependence_tol, precision
    )
    X, y, scaling = scale_data(X_data, y_data)
    if not (X.flags.c_contiguous or X.flags.f_contiguous):  # a strided view: the compiled
        X = np.ascontiguousarray(X)  # pass reads one of the two contiguous layouts
    groups = group_columns(X)
    Xty = X.T @ y
    y_norm = float(np.linalg.norm(y))
    grad_atol = grad_tol * groups.norms * y_norm / n  # absolute, per column, units of ∂L
    scanner = make_scanner(
        X, groups.norms, groups.eligible, grad_atol, tie_tol, precision=precision
    )
    chol = GramCholesky(X, groups.norms, Xty, y, dependence_tol=dependence_tol)
    rec = _Recorder(groups)
    state = _State(n, d, y)
    rec.add(0.0, state.loss, [], [], state.sigma, state.R)
    dependent: set[int] = set()
    status = _run(scanner, chol, state, rec, y, grad_atol, max_jumps, dependent)
    if status is None and not fits_exactly(rec.loss[-1], y) and not spans_range(chol, groups):
        status, state.reason = least_squares_end(X, y, state.r, groups)
    tolerances = dict(grad_tol=grad_tol, tie_tol=tie_tol, dependence_tol=dependence_tol)
    return finish_path(
        (X_data, y_data, y),
        scaling,
        rec,
        (status, state.reason),
        dependent,
        scanner.n_passes + 3,
        tolerances,
    )


class _State:
    def __init__(self, n, d, y):
        self.tau = 0.0
        self.R = np.zeros(n)
        self.r = -y.copy()
        self.sigma = np.zeros(d)
        self.values = np.zeros(0)
        self.loss = loss_of_residual(self.r, n)
        self.reason = ""
        self.n_boundary = 0  # |{i : σ_i ≠ 0}| after the last jump


def _run(scanner, chol, st, rec, y, grad_atol, max_jumps, dependent) -> PathStatus | None:
    """The jump loop; returns the stopping status (``None`` when the gradient vanished).

    With the float64 full scan the loop is compiled (:mod:`._path_loop`) and hands back
    only the jumps that need the host; each of those, and every jump of the float32
    screened scan, ends in :func:`_after_solve`.
    """
    after = functools.partial(_after_solve, chol, st, rec, y, dependent)
    if isinstance(scanner, FullScan):
        status, ended = run_compiled(
            scanner, chol, st, rec, y, grad_atol, max_jumps, after, CONDITION_LIMIT
        )
        if ended:
            return status
    else:
        for _ in range(max_jumps):
            ev = scanner.scan(st.r, st.R, st.sigma, chol.in_active)
            if ev.inward.size:
                st.sigma[ev.inward] = 0.0
            if ev.converged:
                return None
            if ev.stuck:
                return PathStatus.STAGNATED
            st.tau += ev.delta
            scanner.advance(ev.delta)
            sol, boundary, r, loss = solve_after_jump(
                chol, st.values, ev, scanner.g, st.r, st.R, st.sigma, y, grad_atol, st.n_boundary
            )
            st.n_boundary = boundary.size
            stop = after(sol, boundary, r, loss, ev.delta)
            if stop is not None:
                return stop
    final = scanner.scan(st.r, st.R, st.sigma, chol.in_active)  # finished at the limit?
    return None if final.converged else PathStatus.JUMP_LIMIT


def _after_solve(chol, st, rec, y, dependent, sol, boundary, r, loss, delta):
    """Check and record the saddle just solved; a status if the path must stop there."""
    dependent.update(sol.dependent)
    ill = chol.near_dependence(CONDITION_LIMIT)
    if ill is not None:
        st.reason = _ill_conditioned_reason(ill, rec)
        return PathStatus.STAGNATED
    st.values = sol.values
    if not (loss < st.loss) or not sol.converged:
        return PathStatus.STAGNATED
    st.r, st.loss = r, loss
    support, values = reported_saddle(chol, sol, st.sigma, r + y, dependent)
    rec.add(st.tau, loss, support, values, st.sigma, st.R, boundary)
    rec.steps.append(delta)
    return None


CONDITION_LIMIT = 3e-5
"""Smallest pivot ratio (sine of the angle between an active unit column and the span of
the others) at which a saddle is still resolved: its coefficients are then known to about
``ε/ratio² ≈ 2.5e-7`` of the fit. Below it the path stops as ``STAGNATED``."""


def _ill_conditioned_reason(ill, rec: _Recorder) -> str:
    ratio, j, partners = ill
    return (
        f"at jump {len(rec.tau)} column {j} is within {ratio:.1e}·‖x_{j}‖ of the span of "
        f"columns {partners} (nearly collinear, yet not within dependence_tol): the saddle's "
        f"coefficients are then determined only to about ε/{ratio:.0e}² of the fit, so the "
        "path stops before it. Remove or combine those columns, or raise dependence_tol to "
        "treat them as dependent (status NON_UNIQUE)."
    )
