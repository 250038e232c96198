"""Reproductions of the papers' experiments, one module each (see ``_contract``)."""

from saddlepath.experiments.reproductions._contract import Choice, ComparisonRow

__all__ = ["Choice", "ComparisonRow"]
