"""The flow's cost counters (private): what ``Trajectory.stats`` reports for a flow."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["FlowStats"]


class FlowStats(NamedTuple):
    """Cost counters of a run. ``n_steps`` (attempted, capped by ``max_steps``) =
    ``n_accepted`` + ``n_rejected`` + ``n_redone`` + ``n_plateau_discarded``."""

    n_grad_evals: int = 0
    """Evaluations of Xβ − y: one at the start, one per stage of every RODAS4 step, one per
    plateau step."""
    n_steps: int = 0
    """Attempted steps, RODAS4 and plateau."""
    n_accepted: int = 0
    """Accepted steps, RODAS4 and plateau (each saves a state)."""
    n_rejected: int = 0
    """RODAS4 steps rejected by error control (or, ending a run, by the descent guard)."""
    n_redone: int = 0
    """RODAS4 steps redone because a coordinate outside the active set woke in them."""
    n_plateau_steps: int = 0
    """Accepted plateau steps (counted in ``n_accepted``)."""
    n_plateau_discarded: int = 0
    """Plateau steps discarded because they raised the loss (RODAS4 steps go on)."""

    def bump(self, **added: int) -> FlowStats:
        """Return the counters with ``added`` added."""
        return self._replace(**{key: getattr(self, key) + n for key, n in added.items()})

    def rosenbrock(self, stages: int, outcome: str) -> FlowStats:
        """Return the counters after one RODAS4 step of ``stages`` stages that ended as
        ``outcome`` (the name of its counter; one ``_replace``: this is the hot path)."""
        return self._replace(
            n_steps=self.n_steps + 1,
            n_grad_evals=self.n_grad_evals + stages,
            **{outcome: getattr(self, outcome) + 1},
        )

    def summary(self) -> str:
        """The counters in words, for a status message."""
        return (
            f"after {self.n_steps} steps ({self.n_rejected} rejected, "
            f"{self.n_plateau_steps} plateau steps)"
        )
