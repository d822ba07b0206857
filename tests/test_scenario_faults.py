"""Faults during a batch: killed at random points, a disk that fills up mid-write, a folder that
cannot be written, two batches on one folder. Nothing that was there before may be lost or left
half-written, and a rerun completes."""

from __future__ import annotations

import errno
import os
import random
import signal
import time
from pathlib import Path

import pytest

from cskpi_xl.files import atomic, lock
from cskpi_xl.workbook import batch
from cskpi_xl.workbook.batch import run_batch
from hostile import batchrun
from hostile.xlsxcheck import snapshot, whole

AGENTS = 12


def leftovers(out: Path, expected: set[str]) -> tuple[list[str], list[str]]:
    """(files that look like outputs but are not expected, hidden temp files)."""
    stray, temps = [], []
    for p in out.rglob("*"):
        if p.is_dir() or p.name == lock.LOCK_NAME:
            continue
        rel = str(p.relative_to(out))
        if p.name.startswith(".") and p.name.endswith(".tmp"):
            temps.append(rel)
        elif rel not in expected:
            stray.append(rel)
    return stray, temps


def kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=60)


# ----------------------------------------------------------------- SIGKILL at random points


def test_sigkill_at_random_points_never_leaves_a_partial_output(tmp_path):
    out = tmp_path / "out"
    old = batchrun.export(tmp_path / "old_2026-10.csv", AGENTS, 0)
    new = batchrun.export(tmp_path / "new_2026-10.csv", AGENTS, 1)
    t0 = time.monotonic()
    p = batchrun.start(old, out)
    stdout, stderr = p.communicate(timeout=300)
    full = time.monotonic() - t0
    assert p.returncode == 0 and "DONE" in stdout, stderr
    before = snapshot(out)
    assert len(before) == AGENTS + 1
    expected = set(before)

    rnd = random.Random(20261001)
    kills = 0
    targets = [out / name for name in before]
    for i in range(8):
        p = batchrun.start(new if i % 2 else old, out)
        if i % 2 == 0:  # at a random time of the run
            delay = rnd.uniform(0.2 * full, 1.1 * full)
            time.sleep(delay)
        else:  # while the outputs are being written: right after the k-th one was replaced
            k = rnd.randrange(len(targets))
            stamps = {t: t.stat().st_mtime_ns for t in targets}
            start = time.monotonic()
            while p.poll() is None and time.monotonic() - start < 3 * full:
                if sum(1 for t in targets if t.stat().st_mtime_ns != stamps[t]) > k:
                    break
                time.sleep(0.001)
            delay = time.monotonic() - start
        if p.poll() is None:
            kills += 1
        kill_group(p)
        after = snapshot(out)
        assert set(after) == expected, f"kill {i} at {delay:.2f} s"
        for name, data in after.items():
            assert data == before[name] or whole(out / name), f"kill {i} at {delay:.2f} s: {name} is partial"
        stray, temps = leftovers(out, expected)
        assert stray == [], stray
        assert all(t.endswith(".tmp") and Path(t).name.startswith(".") for t in temps)
    assert kills >= 3  # most kills landed while the batch was running

    p = batchrun.start(new, out)
    stdout, stderr = p.communicate(timeout=300)
    assert p.returncode == 0 and f"DONE {AGENTS}" in stdout, stderr
    final = snapshot(out)
    assert set(final) == expected and all(whole(out / n) for n in final)
    assert any(final[n] != before[n] for n in final)
    assert leftovers(out, expected) == ([], [])  # the rerun swept the temp files the kills left


def test_a_rerun_removes_temp_files_a_killed_write_left(tmp_path):
    export, out, before = _first_run(tmp_path)
    month = out / "2026-10"
    stale = [month / ".客服000.xlsx.k3j_9x2a.tmp", out / ".汇总_2026-10.xlsx.0abcdefg.tmp"]
    for t in stale:
        t.write_bytes(b"PK half a workbook")
    keep = month / ".notes.tmp"  # not a name atomic_write makes: left alone
    keep.write_text("x", encoding="utf-8")
    run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=1)
    assert not any(t.exists() for t in stale) and keep.exists()


# ----------------------------------------------------------------- a write that fails


def _first_run(tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    out = tmp_path / "out"
    f = batchrun.export(tmp_path / "e_2026-10.csv", 5, 0)
    report, problems = run_batch([f], "duoyi", "2026-10", out, progress=False, jobs=1)
    assert len(report["outputs"]) == 5
    g = batchrun.export(tmp_path / "e2_2026-10.csv", 5, 3)
    return g, out, snapshot(out)


class _FullDisk:
    """A file object that accepts ``budget`` bytes, writes a little more, then fails with ENOSPC."""

    def __init__(self, f, budget: int) -> None:
        self.f, self.budget = f, budget

    def write(self, data):
        if len(data) > self.budget:
            self.f.write(data[: max(self.budget, 1)])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.budget -= len(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.f.__exit__(*exc)


@pytest.mark.parametrize("budget", [0, 2000, 6000])
def test_disk_full_mid_write_leaves_every_previous_output_whole(tmp_path, monkeypatch, budget):
    export, out, before = _first_run(tmp_path)
    real = os.fdopen
    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: _FullDisk(real(*a, **k), budget))
    report, problems = run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=1)
    assert any(p.is_error and "磁盘空间不足" in p.message for p in problems)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert leftovers(out, set(before)) == ([], [])
    report, problems = run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=1)
    after = snapshot(out)
    assert set(after) == set(before) and all(whole(out / n) for n in after) and after != before


def test_a_folder_that_refuses_new_files_leaves_every_previous_output_whole(tmp_path, monkeypatch):
    # root ignores chmod, so a read-only folder is simulated where the temp file is created
    export, out, before = _first_run(tmp_path)

    def refuse(*a, **k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    report, problems = run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=1)
    assert any(p.is_error and "没有写入权限" in p.message for p in problems)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert leftovers(out, set(before)) == ([], [])


def test_an_output_folder_under_a_file_creates_nothing(tmp_path):
    export = batchrun.export(tmp_path / "e_2026-10.csv", 3, 0)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    run_batch([export], "duoyi", "2026-10", tmp_path / "afile" / "out", progress=False, jobs=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "e_2026-10.csv"]
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


def test_disk_full_gives_a_clear_chinese_message(tmp_path, monkeypatch):
    export, out, before = _first_run(tmp_path)
    real = os.fdopen
    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: _FullDisk(real(*a, **k), 2000))
    report, problems = run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=1)
    assert any(p.is_error and "磁盘空间不足" in p.message and p.file for p in problems)


def test_an_output_folder_under_a_file_gives_a_clear_chinese_message(tmp_path):
    export = batchrun.export(tmp_path / "e_2026-10.csv", 3, 0)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    report, problems = run_batch([export], "duoyi", "2026-10", tmp_path / "afile" / "out", progress=False, jobs=1)
    assert any(p.is_error and "afile" in p.message for p in problems)


# ----------------------------------------------------------------- two batches on one folder


def test_a_second_batch_on_a_busy_folder_refuses_with_a_chinese_message(tmp_path):
    out = tmp_path / "out"
    export = batchrun.export(tmp_path / "e_2026-10.csv", 4, 0)
    other = batchrun.export(tmp_path / "o_2026-10.csv", 4, 5)
    first = batchrun.start(export, out, "--slow-summary", "4")
    try:
        line = first.stdout.readline()
        assert line.strip() == "LOCKED", first.stderr.read() if first.poll() is not None else line
        before = snapshot(out)
        report, problems = run_batch([other], "duoyi", "2026-10", out, progress=False, jobs=1)
        [p] = problems
        assert p.is_error and p.message == (
            f"文件夹 {out} 正在被另一个批量任务使用（进程 {first.pid}），请等待它结束后再运行")
        assert report["outputs"] == [] and snapshot(out) == before
        stdout, stderr = first.communicate(timeout=300)
        assert first.returncode == 0 and "DONE 4" in stdout, stderr
    finally:
        if first.poll() is None:
            kill_group(first)
    assert all(whole(out / n) for n in snapshot(out))
    # and once the first one is done, the second goes through
    report, problems = run_batch([other], "duoyi", "2026-10", out, progress=False, jobs=1)
    assert len(report["outputs"]) == 4 and not [p for p in problems if p.is_error]


def test_the_lock_is_the_batch_lock(tmp_path):
    # the batch and the library agree on the lock: holding FolderLock keeps the batch out
    out = tmp_path / "out"
    out.mkdir()
    export = batchrun.export(tmp_path / "e_2026-10.csv", 2, 0)
    with lock.FolderLock(out):
        report, problems = run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=1)
    assert [p.message.split("（")[0] for p in problems] == [f"文件夹 {out} 正在被另一个批量任务使用"]
    # the English text is FolderBusy's own field, not the whole "中文 / English" line it used to be
    assert [p.message_en for p in problems] == [
        f"folder {out} is in use by another batch run (process {os.getpid()}); wait for it to finish"]
    assert not list(out.rglob("*.xlsx"))
    assert batch.FolderLock is lock.FolderLock


def test_fill_and_calc_into_a_missing_folder_give_a_chinese_message(tmp_path, capsys):
    from cskpi_xl.cli import main

    export = batchrun.export(tmp_path / "e_2026-10.csv", 3, 0)
    agent = next(iter(__import__("cskpi_xl.importers", fromlist=["x"]).import_files([export])[0].agents))
    code = main(["fill", "workbook_templates/duoyi.xlsx", str(export), "--agent", agent, "--month", "2026-10",
                 "--out", str(tmp_path / "nope" / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == 1 and "写入" in err and "nope/x.xlsx" in err and "文件夹不存在" in err and "Traceback" not in err
    code = main(["calc", "workbook_templates/duoyi.xlsx", "--out", str(tmp_path / "nope" / "y.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and "nope/y.xlsx" in err and "文件夹不存在" in err
