"""No work lost, no mixed results: JSON with missing values, result folders as a set, npz size."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import saddlepath
from saddlepath import io
from saddlepath.report.json import convergence_rows
from saddlepath.result_folder import LAST_MODE, clean_stale

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _strict(text: str):
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"non-JSON {name}"))


# ------------------------------------------------------------- missing values are null


def test_converge_json_keeps_the_rows_of_runs_that_miss_a_jump(worked_csv, invoke):
    # α = 1e-2 cuts corners: its max delay is NaN; this crashed with a traceback
    result = invoke("converge", worked_csv, "--alphas", "1e-2,1e-5", "--json")
    assert result.exit_code == 0, result.output
    rows = _strict(result.stdout)["rows"]
    assert [row["alpha"] for row in rows] == ["1e-2", "1e-5"]
    assert rows[0]["max_delay"] is None and rows[0]["missing"]
    assert rows[0]["relative_error"] > 0 and rows[1]["max_delay"] > 0


def test_converge_out_writes_what_was_computed(worked_csv, tmp_path, invoke):
    out = tmp_path / "conv"  # exited 2 with nothing written after the whole computation
    result = invoke("converge", worked_csv, "--alphas", "1e-2,1e-5", "--out", out)
    assert result.exit_code == 0, result.output
    _strict((out / "convergence.json").read_text())  # the record's JSON is strict too
    rows = convergence_rows(saddlepath.load(out / "convergence"))
    assert np.isnan(rows[0]["delay_times_lambda"]) and rows[1]["delay_times_lambda"] > 0


# -------------------------------------------------------------- a folder is one set


def _write_set(stage: Path, tag: str) -> dict[str, Path]:
    (stage / "a.json").write_text(tag)
    (stage / "b.txt").write_text(tag)
    return {"a": stage / "a.json", "b": stage / "b.txt"}


def test_a_new_set_replaces_the_old_keeps_other_files_and_drops_stale_owned_ones(tmp_path):
    out = tmp_path / "run"
    io.write_folder(out, lambda s: _write_set(s, "old") | {"c": _touch(s / "fig.png")})
    (out / "mine.csv").write_text("user data")
    written = io.write_folder(out, lambda s: _write_set(s, "new"), owned=("fig.png",))
    assert LAST_MODE["mode"] == "exchange"
    assert written == {"a": out / "a.json", "b": out / "b.txt"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no stage left
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.txt", "mine.csv"]
    assert (out / "a.json").read_text() == (out / "b.txt").read_text() == "new"


def test_a_failed_swap_falls_back_to_per_file_replacement(tmp_path, monkeypatch):
    from saddlepath import result_folder

    out = tmp_path / "run"
    io.write_folder(out, lambda s: _write_set(s, "old"))
    (out / "mine.csv").write_text("user data")

    def refuse(*args):
        raise PermissionError("cannot link")

    monkeypatch.setattr(result_folder.os, "link", refuse)
    monkeypatch.setattr(result_folder.shutil, "copy2", refuse)
    io.write_folder(out, lambda s: _write_set(s, "new"))
    assert LAST_MODE["mode"] == "per-file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.txt", "mine.csv"]
    assert (out / "a.json").read_text() == "new" and (out / "mine.csv").read_text() == "user data"


def test_an_unswappable_folder_is_written_file_by_file(tmp_path, monkeypatch):
    out = tmp_path / "run"
    (out / "sub").mkdir(parents=True)  # a subfolder: the folder is not renamed
    io.write_folder(out, lambda s: _write_set(s, "new"))
    assert LAST_MODE["mode"] == "per-file"
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.txt", "sub"]
    link = tmp_path / "link"  # a symbolic link stays a link to the same folder
    link.symlink_to(out / "sub")
    io.write_folder(link, lambda s: _write_set(s, "via link"))
    assert link.is_symlink() and (out / "sub" / "a.json").read_text() == "via link"
    monkeypatch.chdir(out / "sub")  # the working directory is never renamed away
    io.write_folder(".", lambda s: _write_set(s, "cwd"))
    assert LAST_MODE["mode"] == "per-file" and Path("a.json").read_text() == "cwd"


def _touch(path: Path) -> Path:
    path.write_bytes(b"png")
    return path


@pytest.mark.parametrize("error", [KeyboardInterrupt, ValueError])
def test_an_interrupted_run_leaves_the_old_set_and_no_temporary_file(tmp_path, error):
    out = tmp_path / "run"
    io.write_folder(out, lambda s: _write_set(s, "old"))

    def fail_half_way(stage: Path):
        (stage / "a.json").write_text("new")
        raise error

    with pytest.raises(error):
        io.write_folder(out, fail_half_way)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.txt"]
    assert (out / "a.json").read_text() == "old"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_next_run_removes_what_killed_runs_left(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    dead, live = _dead_pid(), os.getpid()
    leftovers = [
        tmp_path / f".run.tmp-{dead}-abc",  # a stage directory
        out / f".trajectory.npz.{dead}-x1y2.tmp",  # a per-file writer's temporary
        out / f".stage.{dead}-q.tmp",
    ]
    leftovers[0].mkdir()
    (leftovers[0] / "trajectory.npz").write_bytes(b"0" * 1000)
    for path in leftovers[1:]:
        path.write_bytes(b"0" * 1000)
    old = out / ".path.json.ab12cd.tmp"  # an older version's temporary: no pid, stale by age
    old.write_text("x")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    keep = out / f".path.json.{live}-zz.tmp"  # a live writer's file stays
    keep.write_text("x")
    removed = clean_stale(out)
    assert set(removed) == {*leftovers, old}
    assert keep.exists() and not any(p.exists() for p in leftovers)


def test_a_killed_two_rename_commit_is_repaired(tmp_path):
    out = tmp_path / "run"
    old = tmp_path / f".run.old-{_dead_pid()}-abc"
    old.mkdir()
    (old / "a.json").write_text("old")  # killed after `run` → old, before stage → `run`
    (old / "mine.txt").write_text("the user's")  # a file of the user's, hard-linked in
    # through the real entry point: the old set comes back before the new one replaces it
    io.write_folder(out, lambda stage: {"a": io.write_text_atomic(stage / "a.json", "new")})
    assert (out / "a.json").read_text() == "new" and not old.exists()
    assert (out / "mine.txt").read_text() == "the user's"


_WRITER = textwrap.dedent(
    """
    import io as stdio, os, sys, numpy as np
    from saddlepath import io
    out, gen = sys.argv[1], 0
    payload = np.random.default_rng(0).random(200_000)
    while True:
        gen += 1
        def files(stage, tag=f"{os.getpid()}-{gen}"):
            written = {}
            for name in ("a.json", "b.npz", "c.txt"):
                if name.endswith(".npz"):
                    buffer = stdio.BytesIO()
                    np.savez_compressed(buffer, x=payload, tag=np.array(tag))
                    written[name] = io.write_bytes_atomic(stage / name, buffer.getvalue())
                else:
                    written[name] = io.write_text_atomic(stage / name, tag)
            return written
        io.write_folder(out, files)
        print(gen, flush=True)
    """
)


def _generation(folder: Path) -> set[str]:
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert names == ["a.json", "b.npz", "c.txt"], names
    tags = {(folder / "a.json").read_text(), (folder / "c.txt").read_text()}
    with np.load(folder / "b.npz") as archive:
        tags.add(str(archive["tag"]))
    return tags


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_the_whole_old_or_the_whole_new_set(tmp_path):
    out, rng = tmp_path / "run", random.Random(8)
    env = {**os.environ, "PYTHONPATH": SRC}
    seen = set()
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(out)], env=env, stdout=subprocess.PIPE
        )
        proc.stdout.readline()  # at least one set committed
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        tags = _generation(out)
        assert len(tags) == 1, tags  # never a mix of two runs
        seen |= tags
    assert len(seen) == 6  # every run replaced the folder before it was killed
    io.write_folder(out, lambda s: {"a": io.write_text_atomic(s / "a.json", "x")})
    leftovers = [p.name for p in [*tmp_path.iterdir(), *out.iterdir()] if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.slow
def test_killed_flow_reruns_never_mix_two_alphas(worked_csv, tmp_path):
    # 15 of 32 killed re-runs left a trajectory.json of one α beside the npz of another
    out, rng = tmp_path / "run", random.Random(5)
    env = {**os.environ, "PYTHONPATH": SRC}
    cli = [sys.executable, "-c", "from saddlepath.cli import app; app(prog_name='saddlepath')"]
    alphas = ["1e-30", "1e-300"]
    logs = {-30 * np.log(10), -300 * np.log(10)}
    subprocess.run([*cli, "flow", str(worked_csv), "--alpha", "1e-30", "--out", str(out)],
                   env=env, check=True, capture_output=True)  # fmt: skip
    for i in range(4):
        args = [*cli, "flow", str(worked_csv), "--alpha", alphas[i % 2], "--out", str(out)]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        saved = saddlepath.load(out / "trajectory")  # a mixed pair raises RecordError
        assert any(saved.log_alpha == pytest.approx(v, rel=1e-12) for v in logs)


# ------------------------------------------------------------------- trajectory record


def test_a_diverged_run_reads_back_as_it_was(tmp_path):
    from helpers import WORKED_X, WORKED_Y
    from saddlepath import gradient_descent
    from saddlepath.diagonal.descent_result import DivergenceWarning

    with pytest.warns(DivergenceWarning, match="diverged at step"):
        traj = gradient_descent(WORKED_X, WORKED_Y, step_size=50.0, alpha=0.5)
    assert traj.status.name == "DIVERGED"
    saved = saddlepath.load(saddlepath.save(traj, tmp_path / "trajectory")["json"])
    for key in ("tau", "loss", "dual", "beta", "log_abs_u", "log_abs_v"):
        np.testing.assert_array_equal(getattr(saved, key), np.asarray(getattr(traj, key)))
