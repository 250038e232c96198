"""The flow's cost counters (private): what ``Trajectory.stats`` reports for a flow."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["FlowStats"]


class FlowStats(NamedTuple):
    """Cost counters of a run. ``n_steps`` (attempted, capped by ``max_steps``) =
    ``n_accepted`` + ``n_rejected`` + ``n_redone`` + ``n_plateau_discarded``."""

    n_grad_evals: int = 0
    """Evaluations of Xβ − y: one at the start, six per RODAS4 or DOPRI5 step, one per
    plateau step."""
    n_steps: int = 0
    """Attempted steps, RODAS4, DOPRI5 and plateau."""
    n_accepted: int = 0
    """Accepted steps, RODAS4 and plateau (each saves a state)."""
    n_rejected: int = 0
    """Steps rejected by error control (or, ending a run, by the descent guard)."""
    n_redone: int = 0
    """Steps redone because a coordinate outside the active set woke in them."""
    n_plateau_steps: int = 0
    """Accepted plateau steps (counted in ``n_accepted``)."""
    n_plateau_discarded: int = 0
    """Plateau steps discarded because they raised the loss (RODAS4 steps go on)."""
    n_explicit_steps: int = 0
    """Accepted explicit (DOPRI5) steps, where the flow was not stiff (counted in
    ``n_accepted``; the other accepted steps are RODAS4 or plateau steps)."""

    def bump(self, **added: int) -> FlowStats:
        """Return the counters with ``added`` added."""
        return self._replace(**{key: getattr(self, key) + n for key, n in added.items()})

    def summary(self) -> str:
        """The counters in words, for a status message."""
        return (
            f"after {self.n_steps} steps ({self.n_rejected} rejected, "
            f"{self.n_plateau_steps} plateau steps)"
        )
