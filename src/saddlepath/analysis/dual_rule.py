r"""The dual rule of the exact path, and which rule predicted a jump.

At saddle :math:`\beta_k` the jump of the α → 0 limit happens when a dual reaches ±1
(Algorithm 1); with :math:`s_i(\tau) = s_{k,i} - (\tau - \tau_k)\,\partial_iL(\beta_k)` the
*dual rule* predicts the entering coordinate

.. math::

    j = \arg\min_{i:\ \beta_{k,i} = 0} \frac{1 + \mathrm{sign}(\partial_iL)\,s_{k,i}}
        {|\partial_iL(\beta_k)|},

the accelerated time until :math:`s_i` reaches :math:`-\mathrm{sign}(\partial_iL)`. The
*eigenvector rule* (:mod:`~saddlepath.analysis.jumps`) predicts
:math:`\arg\max_i|\partial_iL(\beta_k)|`; :class:`JumpStatus` says which rule was right,
:func:`jump_reason` why, in words.
"""

from __future__ import annotations

import numpy as np

from saddlepath._status import Status

__all__ = ["JumpStatus", "dual_times", "jump_reason", "jump_status"]


class JumpStatus(Status):
    """Which rule predicted the next coordinate. The values are the meanings."""

    BOTH = "the top unstable eigenvector and the dual rule both point at the entering coordinate"
    DUAL_RULE = "the dual rule predicts the entering coordinate; the top eigenvector does not"
    EIGENVECTOR = "the top eigenvector points at the entering coordinate; the dual rule does not"
    NEITHER = "neither rule predicts the entering coordinates (ties or degenerate data)"
    NO_JUMP = "last saddle: a minimum, no jump follows"


def dual_times(beta, s, g, tol) -> np.ndarray:
    """Accelerated time until each inactive dual reaches −sign(∂_iL)·1 (``inf`` if it never
    does, for active coordinates and for gradients within ``tol``)."""
    eligible = (beta == 0) & (np.abs(g) > tol)
    with np.errstate(divide="ignore", invalid="ignore"):
        times = np.maximum(1.0 + np.sign(g) * s, 0.0) / np.abs(g)
    return np.where(eligible, times, np.inf)


def jump_status(last: bool, eigen_ok: bool, dual_ok: bool) -> JumpStatus:
    """The verdict from whether each rule's coordinate entered (``last``: no jump follows)."""
    if last:
        return JumpStatus.NO_JUMP
    if eigen_ok and dual_ok:
        return JumpStatus.BOTH
    if dual_ok:
        return JumpStatus.DUAL_RULE
    return JumpStatus.EIGENVECTOR if eigen_ok else JumpStatus.NEITHER


def jump_reason(verdict, top, dual, entered, s, g, times) -> str:
    """The numbers behind ``verdict`` in words: the top-eigenvector coordinate ``top``, the
    dual-rule coordinate ``dual``, the duals ``s``, the gradient ``g`` and the dual times."""
    if verdict is JumpStatus.NO_JUMP:
        return "∇L(β) = 0 here: the last saddle is a global minimum and nothing unstable is left."
    if verdict is JumpStatus.BOTH:
        return (
            f"coordinate {top} has both the largest |∂L| = {abs(g[top]):.4g} (the most "
            f"unstable direction) and the dual that reaches ±1 first (Δτ = {times[top]:.4g})."
        )
    if verdict is JumpStatus.DUAL_RULE:
        return (
            f"coordinate {top} has the largest |∂L| = {abs(g[top]):.4g}, hence the most "
            f"unstable eigenvalue, but its dual s = {s[top]:.4g} needs Δτ = {times[top]:.4g} to "
            f"reach ±1; coordinate {dual} grows more slowly (|∂L| = {abs(g[dual]):.4g}) from a "
            f"dual s = {s[dual]:.4g} that needs only Δτ = {times[dual]:.4g}. The jump follows "
            "the accumulated dual s, not the instantaneous gradient behind the eigenvalues."
        )
    return (
        f"the eigenvector rule predicts {top} and the dual rule {dual}, but {tuple(entered)} "
        "entered: several duals reach ±1 together (ties) or the data are not in general "
        "position."
    )
