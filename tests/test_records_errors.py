"""saddlepath.load refuses what it cannot load faithfully, and says which file and why.

Truncated, corrupt, mixed (one save's NPZ beside another's JSON), newer-schema and
unknown-type records raise :class:`saddlepath.records.RecordError`; missing files raise
``FileNotFoundError``; results that cannot be stored raise ``TypeError`` before any file
is written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io as bytes_io
import json
import shutil

import numpy as np
import pytest

import saddlepath
from helpers import WORKED_X, WORKED_Y
from saddlepath import io, records
from saddlepath.records import RecordError
from saddlepath.report.json import path_summary


@pytest.fixture(scope="module")
def paths():
    """Two different saddle paths (the worked example and a random problem)."""
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((4, 6)), rng.standard_normal(4)
    return saddlepath.saddle_path(WORKED_X, WORKED_Y), saddlepath.saddle_path(X, y)


@pytest.fixture
def saved(paths, tmp_path):
    saddlepath.save(paths[0], tmp_path / "run")
    return tmp_path / "run"


def edit_header(stem, **changes):
    path = stem.with_suffix(".json")
    header = json.loads(path.read_text(encoding="utf-8"))
    header.update(changes)
    path.write_text(json.dumps(header), encoding="utf-8")
    return header


def test_truncated_npz_is_refused(saved):
    npz = saved.with_suffix(".npz")
    npz.write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])
    with pytest.raises(RecordError, match=r"run\.npz.*is not the file that.*truncated"):
        saddlepath.load(saved)


def test_truncated_json_is_refused(saved):
    path = saved.with_suffix(".json")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(RecordError, match=r"run\.json' is not valid JSON.*truncated"):
        saddlepath.load(saved)


def test_mixed_pair_is_refused(paths, saved, tmp_path):
    saddlepath.save(paths[1], tmp_path / "other")
    shutil.copyfile(tmp_path / "other.npz", saved.with_suffix(".npz"))
    with pytest.raises(RecordError, match="the pair is mixed"):
        saddlepath.load(saved)


def test_a_save_killed_between_its_two_files_never_loads_mixed(paths, saved, monkeypatch):
    """The NPZ is replaced first; a crash before the JSON leaves a pair that is refused."""
    real = io.write_bytes_atomic

    def crash_on_json(path, data):
        if str(path).endswith(".json"):
            raise KeyboardInterrupt
        return real(path, data)

    monkeypatch.setattr(io, "write_bytes_atomic", crash_on_json)
    with pytest.raises(KeyboardInterrupt):
        saddlepath.save(paths[1], saved)
    monkeypatch.undo()
    with pytest.raises(RecordError, match="the pair is mixed"):
        saddlepath.load(saved)
    saddlepath.save(paths[1], saved)  # a complete save repairs the pair
    np.testing.assert_array_equal(saddlepath.load(saved).beta, paths[1].beta)


def test_newer_schema_is_refused(saved):
    edit_header(saved, schema_version=records.SCHEMA_VERSION + 1, saddlepath_version="9.0")
    with pytest.raises(RecordError, match=r"schema version 2 \(written by saddlepath 9.0\).*"):
        saddlepath.load(saved)
    with pytest.raises(RecordError, match="Upgrade saddlepath to load it"):
        saddlepath.load(saved)


def test_unknown_type_is_refused(saved):
    edit_header(saved, type="DeepRun")
    with pytest.raises(RecordError, match=r"holds a 'DeepRun', which this saddlepath"):
        saddlepath.load(saved)


def test_a_summary_file_is_not_a_record(paths, tmp_path):
    summary = io.to_json(path_summary(paths[0])) + "\n"  # `path --json`
    io.write_text_atomic(tmp_path / "path.json", summary)
    with pytest.raises(RecordError, match=r"not a saddlepath record.*'saddlepath\.path'"):
        saddlepath.load(tmp_path / "path")


def test_missing_files_are_named(saved, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No record at '.*nothing\.json'"):
        saddlepath.load(tmp_path / "nothing")
    saved.with_suffix(".npz").unlink()
    with pytest.raises(FileNotFoundError, match=r"no '.*run\.npz'"):
        saddlepath.load(saved.with_suffix(".json"))


def test_arrays_listed_but_absent_are_refused(saved):
    """A consistent pair (the hash matches) whose NPZ lacks an array the JSON lists."""
    npz = saved.with_suffix(".npz")
    with np.load(npz) as archive:
        arrays = {k: archive[k] for k in archive.files[1:]}  # the first one left out
    buffer = bytes_io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    npz.write_bytes(buffer.getvalue())
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()
    edit_header(saved, npz={"bytes": len(buffer.getvalue()), "sha256": digest})
    with pytest.raises(RecordError, match=r"but '.*run\.json' lists"):
        saddlepath.load(saved)


def test_fields_that_do_not_match_the_class_are_refused(saved):
    header = json.loads(saved.with_suffix(".json").read_text(encoding="utf-8"))
    fields = dict(header["fields"])
    name = next(iter(fields))
    fields["old_name"] = fields.pop(name)  # e.g. a record from before a field rename
    edit_header(saved, fields=fields)
    with pytest.raises(RecordError, match=rf"missing: \['{name}'\], unknown: \['old_name'\]"):
        saddlepath.load(saved)


def test_what_cannot_be_stored_is_refused_before_writing(tmp_path):
    @dataclasses.dataclass(frozen=True)
    class NotRegistered:
        x: float

    with pytest.raises(TypeError, match="NotRegistered is not a registered record type"):
        saddlepath.save(NotRegistered(1.0), tmp_path / "a")
    with pytest.raises(TypeError, match="Only result objects"):
        saddlepath.save(np.zeros(3), tmp_path / "a")
    from saddlepath.analysis.rates import fit_rate

    fit = fit_rate([1.0, 2.0, 4.0], [1.0, 0.5, 0.25])
    bad = dataclasses.replace(fit, values=np.array([object()]))
    with pytest.raises(TypeError, match="'values' is an object array"):
        saddlepath.save(bad, tmp_path / "a")
    odd = dataclasses.replace(fit, kind={1, 2})
    with pytest.raises(TypeError, match="'kind' holds a set"):
        saddlepath.save(odd, tmp_path / "a")
    assert list(tmp_path.iterdir()) == []
