r"""The diffrax solvers ``batched_flow`` can use, and the ``"auto"`` choice (private).

Explicit solvers need a number of steps proportional to the stiffness, i.e. to
:math:`\lambda = \ln(1/\alpha)` (Tsit5: about 12·λ steps for a whole path of a (20, 50)
problem); implicit ones need a few hundred to a thousand whatever λ, but each step costs a
dense ``d × d`` Jacobian and LU factorisation per stage. ``"auto"`` therefore picks Tsit5
unless :math:`\lambda > 1.2\,\max(d, 50)^2` (measured crossovers: λ ≈ 3000 at d = 50,
λ ≈ 4·10⁴ at d = 200; see the package docstring). ``kvaerno*`` use an explicit
``optimistix.Chord`` root finder: with diffrax's default ``VeryChord`` Kvaerno5 accepted
no step at all on this ODE.
"""

from __future__ import annotations

import diffrax
import jax.numpy as jnp
import optimistix as optx

__all__ = ["AUTO_IMPLICIT_COEFF", "SOLVERS", "auto_threshold", "choose_solver", "make_solver"]

AUTO_IMPLICIT_COEFF = 1.2
r"""``"auto"`` uses Kvaerno5 when :math:`\lambda > 1.2\max(d, 50)^2`, else Tsit5."""

_EXPLICIT = {"tsit5": diffrax.Tsit5, "dopri5": diffrax.Dopri5, "dopri8": diffrax.Dopri8}
_IMPLICIT = {
    "kvaerno3": diffrax.Kvaerno3,
    "kvaerno4": diffrax.Kvaerno4,
    "kvaerno5": diffrax.Kvaerno5,
}
SOLVERS = ("auto", *_EXPLICIT, *_IMPLICIT)


def auto_threshold(n_features: int) -> float:
    r"""λ above which ``"auto"`` picks Kvaerno5: :math:`1.2\max(d, 50)^2` (3000 for d ≤ 50)."""
    return AUTO_IMPLICIT_COEFF * max(n_features, 50) ** 2


def choose_solver(solver: object, max_lambda: float, n_features: int, dtype) -> object:
    """Resolve ``"auto"`` to a name; validate names; let diffrax solver instances through.

    In float32 ``"auto"`` is always Tsit5: the tolerance floor (8 ulps of s) makes Kvaerno5
    take 2–3× more steps than Tsit5 there (15,600 vs 6,400 at α = 1e-1000).
    """
    if isinstance(solver, diffrax.AbstractSolver):
        return solver
    if not isinstance(solver, str) or solver.lower() not in SOLVERS:
        raise ValueError(
            f"The `solver` parameter of batched_flow must be one of {', '.join(SOLVERS)} or a "
            f"diffrax.AbstractSolver instance. Got {solver!r} instead."
        )
    name = solver.lower()
    if name == "auto":
        implicit = jnp.dtype(dtype) == jnp.float64 and max_lambda > auto_threshold(n_features)
        return "kvaerno5" if implicit else "tsit5"
    return name


def root_tolerance_floor(dtype) -> float:
    """Smallest tolerance given to the implicit solvers' root finder (on s).

    Chord iterations stall (every step rejected) when asked for 1e-9 on s at α = 1e-1000;
    1e-8 and looser converge. In float32 the floor is ~100 ulps.
    """
    return max(1e-8, 100.0 * float(jnp.finfo(dtype).eps))


def make_solver(solver: object, rtol, atol) -> tuple[diffrax.AbstractSolver, object]:
    """Return ``(solver, step-size controller)`` for a resolved name or a solver instance.

    ``rtol``/``atol`` are the (per-flow, traced) tolerances on s. Implicit solvers get a PI
    controller (``pcoeff=0.3, icoeff=0.4``, diffrax's advice for stiff problems) and an
    ``optimistix.Chord`` root finder with 100× looser tolerances, floored at
    ``root_tolerance_floor``.
    """
    if isinstance(solver, str) and solver in _EXPLICIT:
        instance = _EXPLICIT[solver]()
    elif isinstance(solver, str):
        floor = root_tolerance_floor(rtol.dtype)
        root_finder = optx.Chord(
            rtol=jnp.maximum(100.0 * rtol, floor), atol=jnp.maximum(100.0 * atol, 1e-3 * floor)
        )
        instance = _IMPLICIT[solver](root_finder=root_finder)
    else:
        instance = solver
    if isinstance(instance, diffrax.AbstractImplicitSolver):
        controller = diffrax.PIDController(rtol=rtol, atol=atol, pcoeff=0.3, icoeff=0.4)
    else:
        controller = diffrax.PIDController(rtol=rtol, atol=atol)
    return instance, controller
