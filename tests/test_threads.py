"""BLAS threads for small problems (``saddlepath._threads``), read back from threadpoolctl."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from saddlepath import _threads
from saddlepath._threads import ENV_VAR, SMALL_PROBLEM, blas_threads, blas_threads_for

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads() -> set[int]:
    return {p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"}


@pytest.mark.parametrize(
    ("setting", "size", "expected"),
    [(None, 10, 1), (None, SMALL_PROBLEM, 1), (None, SMALL_PROBLEM + 1, None),
     ("auto", 10, 1), ("keep", 10, None), ("3", 10, 3), (" 2 ", SMALL_PROBLEM * 4, 2)],
)  # fmt: skip
def test_the_rule_and_its_override(monkeypatch, setting, size, expected):
    if setting is None:
        monkeypatch.delenv(ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(ENV_VAR, setting)
    assert blas_threads_for(size) == expected


@pytest.mark.parametrize("setting", ["0", "many", "-1"])
def test_a_bad_setting_names_the_variable_and_the_fix(monkeypatch, setting):
    monkeypatch.setenv(ENV_VAR, setting)
    with pytest.raises(ValueError, match=rf"{ENV_VAR} must be 'auto', 'keep' or an integer"):
        blas_threads_for(10)


def test_the_limit_holds_inside_the_block_only(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    np.ones((4, 4)) @ np.ones(4)  # BLAS loaded
    before = _blas_threads()
    with blas_threads(100) as threads:
        assert threads == 1 and _blas_threads() == {1}
    assert _blas_threads() == before
    with blas_threads(SMALL_PROBLEM + 1) as threads:
        assert threads is None and _blas_threads() == before


def test_the_decorator_keeps_the_signature_and_the_result(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    seen = []

    def solve(X, y, *, rtol=1e-8):
        """Doc."""
        seen.append(_blas_threads())
        return np.asarray(X).T @ y

    wrapped = _threads.blas_threads_by_size(solve)
    assert inspect.signature(wrapped) == inspect.signature(solve) and wrapped.__doc__ == "Doc."
    X, y = np.arange(6.0).reshape(3, 2), np.ones(3)
    np.testing.assert_array_equal(wrapped(X, y, rtol=1e-3), X.T @ y)
    assert seen == [{1}]


def test_the_flow_runs_on_one_blas_thread_and_restores_the_setting(monkeypatch):
    from saddlepath import gradient_flow
    from saddlepath.data import make_sparse_regression

    monkeypatch.delenv(ENV_VAR, raising=False)
    data = make_sparse_regression(5, 7, n_nonzero=2, seed=0)
    seen = []
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        gradient_flow(
            data.X, data.y, alpha=1e-10, progress=lambda tau: seen.append(_blas_threads())
        )
        after = _blas_threads()
    assert seen and all(s == {1} for s in seen)
    assert after == {2}


def test_the_path_runs_on_one_blas_thread(monkeypatch):
    import importlib

    from saddlepath import saddle_path
    from saddlepath.data import make_sparse_regression

    monkeypatch.delenv(ENV_VAR, raising=False)
    module = importlib.import_module("saddlepath.diagonal.saddle_path")
    seen = []
    finish = module.finish_path

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        return finish(*args, **kwargs)

    monkeypatch.setattr(module, "finish_path", spy)
    data = make_sparse_regression(20, 50, n_nonzero=3, seed=0)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        saddle_path(data.X, data.y)
        assert _blas_threads() == {2}
    assert seen == [{1}]
