"""The one base of every status enum: the value is a sentence, ``.success`` a verdict.

Every result that reports how it ended carries a ``status`` (or, one per item, a tuple
``statuses``) whose enum derives from :class:`Status`: ``str(status)`` is its meaning in
words and ``status.success`` says whether the result is valid as far as it goes — the
computation ended without numerical trouble. A limit the user set (``max_jumps``,
``max_steps``, ``tau_max``) counts as success; the CLI's exit codes are stricter (see the
README).
"""

from __future__ import annotations

import enum

__all__ = ["Status"]


class Status(enum.Enum):
    """An outcome whose value is its meaning in words.

    Subclasses list their failures by overriding :meth:`failures`; every other member
    is a success.

    Examples
    --------
    >>> class Fit(Status):
    ...     FITTED = "fitted by least squares"
    ...     TOO_FEW = "fewer than two points"
    ...     @classmethod
    ...     def failures(cls):
    ...         return frozenset({cls.TOO_FEW})
    >>> str(Fit.TOO_FEW), Fit.FITTED.success, Fit.TOO_FEW.success
    ('fewer than two points', True, False)
    >>> Fit.TOO_FEW
    Fit.TOO_FEW
    """

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        """``Class.MEMBER``: the name only, so that results holding statuses print short."""
        return f"{type(self).__name__}.{self.name}"

    @classmethod
    def failures(cls) -> frozenset[Status]:
        """The members that are not a success (none by default)."""
        return frozenset()

    @property
    def success(self) -> bool:
        """Whether this outcome is a success (see the class docstring)."""
        return self not in type(self).failures()
