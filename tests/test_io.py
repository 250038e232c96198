"""Tests of saddlepath.io (atomic writers, result folders) and of the ``path --json`` summary."""

from __future__ import annotations

import io as stdio
import json
import os
import stat

import numpy as np
import pytest

import saddlepath
from saddlepath import io, records, saddle_path
from saddlepath.data import demo_problem, worked_example
from saddlepath.report.json import check_summary, path_summary
from test_records import assert_same


@pytest.fixture(scope="module")
def worked_path():
    ds = worked_example()
    return saddle_path(ds.X, ds.y)


@pytest.fixture(scope="module")
def demo_path():
    ds = demo_problem()
    return saddle_path(ds.X, ds.y)


def save_in_folder(result, out):
    """``result`` as the record ``out/path`` in a result folder, as the commands write it."""
    return io.write_folder(out, lambda stage: records.write(result, stage, "path"))


def write_npz(path, **arrays):
    """``arrays`` as a compressed ``.npz`` written with :func:`io.write_bytes_atomic`."""
    buffer = stdio.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return io.write_bytes_atomic(path, buffer.getvalue())


def only_file(directory, *names):
    """The directory holds exactly ``names``: no temporary file was left behind."""
    assert sorted(p.name for p in directory.iterdir()) == sorted(names)


# ------------------------------------------------------------------------ atomic writers


def test_write_text_replaces_content_with_normal_permissions(tmp_path):
    target = tmp_path / "note.txt"
    target.write_text("old")
    io.write_text_atomic(target, "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    only_file(tmp_path, "note.txt")


def test_to_json_converts_numpy_and_writes_non_finite_values_as_null(tmp_path):
    text = io.to_json({"x": np.float64(1.5), "v": np.arange(3), "n": np.int64(2)})
    assert json.loads(text) == {"x": 1.5, "v": [0, 1, 2], "n": 2}
    record = {"x": float("nan"), "v": np.array([1.0, np.inf]), "t": (np.float64(-np.inf), 2)}
    assert json.loads(io.to_json(record), parse_constant=pytest.fail) == {
        "x": None,
        "v": [1.0, None],
        "t": [None, 2],
    }
    with pytest.raises(TypeError, match="not JSON serialisable"):
        io.to_json({"x": object()})


def test_write_bytes_round_trips_an_npz_archive(tmp_path):
    target = tmp_path / "a.npz"
    assert write_npz(target, a=np.arange(4.0), b=np.eye(2)) == target
    with np.load(target) as archive:
        np.testing.assert_array_equal(archive["a"], np.arange(4.0))
        np.testing.assert_array_equal(archive["b"], np.eye(2))
    only_file(tmp_path, "a.npz")


def test_write_bytes_replaces_content_and_refuses_text(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    assert io.write_bytes_atomic(target, b"\x00new\xff") == target
    assert target.read_bytes() == b"\x00new\xff"
    with pytest.raises(TypeError, match="`data` must be bytes; got str"):
        io.write_bytes_atomic(target, "text")
    assert target.read_bytes() == b"\x00new\xff"
    only_file(tmp_path, "a.bin")


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_during_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch, failing):
    target = tmp_path / "a.npz"
    write_npz(target, a=np.zeros(3))
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(io.os, failing, boom)
    with pytest.raises(OSError, match="simulated"):
        write_npz(target, a=np.ones(1000))
    assert target.read_bytes() == before
    only_file(tmp_path, "a.npz")


def test_failure_half_way_through_a_figure_leaves_nothing(tmp_path):
    class HalfFigure:
        def savefig(self, fh, **kwargs):
            fh.write(b"\x89PNG partial")
            raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        io.save_figure_atomic(HalfFigure(), tmp_path / "fig.png")
    assert list(tmp_path.iterdir()) == []


def test_failure_writing_json_leaves_nothing(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(io.os, "fsync", boom)
    with pytest.raises(OSError, match="simulated"):
        io.write_text_atomic(tmp_path / "x.txt", "hello")
    assert list(tmp_path.iterdir()) == []


def test_writing_onto_a_directory_or_into_a_missing_one_is_refused(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        io.write_text_atomic(tmp_path / "d", "x")
    with pytest.raises(FileNotFoundError, match="not an existing directory"):
        io.write_text_atomic(tmp_path / "missing" / "x.txt", "x")


# --------------------------------------------------------------------- output folders


def test_prepare_output_dir_creates_parents(tmp_path):
    out = io.prepare_output_dir(tmp_path / "a" / "b")
    assert out.is_dir()


def test_output_dir_that_is_a_file_is_refused(tmp_path, worked_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError, match="is an existing file"):
        save_in_folder(worked_path, tmp_path / "f")
    with pytest.raises(NotADirectoryError, match="a parent of it is a file"):
        save_in_folder(worked_path, tmp_path / "f" / "sub")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unwritable_output_dir_is_refused(tmp_path, worked_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        with pytest.raises(PermissionError, match="permission denied"):
            save_in_folder(worked_path, locked)
    finally:
        locked.chmod(0o700)


def test_output_dir_without_write_permission_is_refused(tmp_path, worked_path, monkeypatch):
    monkeypatch.setattr(io.os, "access", lambda path, mode: False)
    with pytest.raises(PermissionError, match=r"Cannot write into .* permission denied"):
        save_in_folder(worked_path, tmp_path)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ path summary, record


def test_path_summary_holds_the_worked_example(worked_path):
    record = json.loads(io.to_json(path_summary(worked_path, metadata={"data": {"name": "we"}})))
    np.testing.assert_allclose(record["tau"], [0, 2, 8, 8 + 160 / 49], rtol=1e-12)
    assert record["saddles"][1] == pytest.approx({"0": 0.8})
    assert record["saddles"][3] == pytest.approx({"2": 10 / 7, "3": -10 / 49})
    assert record["entered"] == [[], [0], [2], [3]]
    assert record["left"] == [[], [], [0], []]
    assert record["status"] == {
        "name": "MIN_L1_INTERPOLATOR",
        "message": "reached the minimum-ℓ1 interpolator",
    }
    assert (record["n_features"], record["n_jumps"], record["n_samples"]) == (4, 3, 2)
    assert record["saddlepath_version"] == saddlepath.__version__
    assert record["metadata"] == {"data": {"name": "we"}}


def test_path_summary_and_record_equal_the_result_exactly(tmp_path, demo_path):
    record = json.loads(io.to_json(path_summary(demo_path)))
    assert record["tau"] == demo_path.tau.tolist()
    assert record["loss"] == demo_path.loss.tolist()
    assert record["l1_norm"] == demo_path.l1_norm.tolist()
    assert record["stats"] == dict(demo_path.stats)
    assert record["tolerances"] == demo_path.tolerances
    dense = np.zeros((len(record["saddles"]), record["n_features"]))
    for k, saddle in enumerate(record["saddles"]):
        for i, value in saddle.items():
            dense[k, int(i)] = value
    np.testing.assert_array_equal(dense, demo_path.beta)
    assert np.count_nonzero(dense[-1]) == 3  # guards against an all-zero answer
    files = save_in_folder(demo_path, tmp_path)
    assert files == {"json": tmp_path / "path.json", "npz": tmp_path / "path.npz"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["path.json", "path.npz"]
    assert_same(saddlepath.load(tmp_path / "path"), demo_path)


def test_check_summary_replaces_infinite_worst_by_null():
    class Check:
        def __init__(self, name, passed, worst):
            self.name, self.passed, self.worst, self.detail = name, passed, worst, "why"

    class Report:
        passed = False
        checks = (Check("a", True, 0.5), Check("b", False, float("inf")))

    record = check_summary(Report())
    assert record["passed"] is False
    assert [c["worst"] for c in record["checks"]] == [0.5, None]
    json.loads(io.to_json(record))
