"""Shared cases of the plotting tests: the worked example's path, runs, limit and study."""

from __future__ import annotations

from functools import cache

from saddlepath import saddle_path
from saddlepath.analysis.arclength import arclength_of_path
from saddlepath.analysis.comparison import comparison_horizon
from saddlepath.data import worked_example
from saddlepath.diagonal.flow import gradient_flow
from saddlepath.experiments import convergence_study

ALPHAS = ("1e-5", "1e-30", "1e-300")


@cache
def worked_runs():
    """``X, y, path, runs``: the worked example and flows at ALPHAS up to the horizon."""
    ds = worked_example()
    path = saddle_path(ds.X, ds.y)
    runs = [gradient_flow(ds.X, ds.y, alpha=a, tau_max=comparison_horizon(path)) for a in ALPHAS]
    return ds.X, ds.y, path, runs


@cache
def limit_curve():
    """The limit's curve, computed by analysis and handed to the figures."""
    return arclength_of_path(worked_runs()[2])


@cache
def worked_study():
    X, y, path, _ = worked_runs()
    return convergence_study(X, y, ["1e-5", "1e-30", "1e-100", "1e-300"], path=path,
                             keep_runs=True)  # fmt: skip


def by_gid(ax, prefix):
    """Lines whose gid starts with ``prefix`` (or equals it, without a trailing '-')."""
    if not prefix.endswith("-"):
        return [ln for ln in ax.get_lines() if ln.get_gid() == prefix]
    return [ln for ln in ax.get_lines() if str(ln.get_gid()).startswith(prefix)]
