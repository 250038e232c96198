"""What every record and every JSON summary states about itself: the version and units."""

from __future__ import annotations

__all__ = ["version"]

_UNITS = "accelerated time τ = t/ln(1/α); loss L(β) = ‖Xβ − y‖²/(2n)"


def version() -> str:
    """The running saddlepath's version (read late: this module loads with the package)."""
    import saddlepath

    return saddlepath.__version__
