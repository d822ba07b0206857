"""Writing a file all at once or not at all (cskpi_xl/files/atomic.py and the workbook save on top of it)."""

from __future__ import annotations

import os

import openpyxl
import pytest

from cskpi_xl.files.atomic import atomic_write, remove_stale_temps
from cskpi_xl.importers.filecheck import check_file
from cskpi_xl.workbook.save import atomic_save_workbook


class TestAtomicWrite:
    def test_success_and_mode_kept(self, tmp_path):
        p = tmp_path / "a.bin"
        p.write_bytes(b"old")
        os.chmod(p, 0o640)
        with atomic_write(p) as f:
            f.write(b"new")
        assert p.read_bytes() == b"new"
        assert p.stat().st_mode & 0o777 == 0o640
        assert os.listdir(tmp_path) == ["a.bin"]

    def test_text_mode_is_utf8(self, tmp_path):
        p = tmp_path / "a.txt"
        with atomic_write(p, "w") as f:
            f.write("客服")
        assert p.read_bytes() == "客服".encode("utf-8")

    def test_body_raises_old_file_whole(self, tmp_path):
        p = tmp_path / "a.xlsx"
        p.write_bytes(b"old content")
        with pytest.raises(ZeroDivisionError):
            with atomic_write(p) as f:
                f.write(b"half")
                1 / 0
        assert p.read_bytes() == b"old content"
        assert os.listdir(tmp_path) == ["a.xlsx"]

    def test_replace_fails_no_temp_left(self, tmp_path, monkeypatch):
        p = tmp_path / "a.xlsx"
        p.write_bytes(b"old")

        def refuse(src, dst):
            raise PermissionError(13, "denied")

        monkeypatch.setattr(os, "replace", refuse)
        with pytest.raises(PermissionError):
            with atomic_write(p) as f:
                f.write(b"new")
        assert p.read_bytes() == b"old"
        assert os.listdir(tmp_path) == ["a.xlsx"]

    def test_parent_is_a_file(self, tmp_path):
        blocker = tmp_path / "file"
        blocker.write_bytes(b"x")
        with pytest.raises(OSError):
            with atomic_write(blocker / "a.xlsx") as f:
                f.write(b"new")
        assert os.listdir(tmp_path) == ["file"]

    def test_bad_mode(self, tmp_path):
        with pytest.raises(ValueError):
            with atomic_write(tmp_path / "a", "rb"):
                pass


def test_atomic_save_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "客服"
    p = tmp_path / "out.xlsx"
    p.write_bytes(b"old")
    assert atomic_save_workbook(wb, p) == p
    assert openpyxl.load_workbook(p).active["A1"].value == "客服"
    assert os.listdir(tmp_path) == ["out.xlsx"]
    assert check_file(p) == ("xlsx", [])


def test_atomic_save_workbook_failure_keeps_old(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    p = tmp_path / "out.xlsx"
    p.write_bytes(b"old")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wb, "save", boom)
    with pytest.raises(OSError):
        atomic_save_workbook(wb, p)
    assert p.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.xlsx"]



def test_remove_stale_temps_takes_only_atomic_write_temps(tmp_path):
    temps = [".小美.xlsx.ab12cd_9.tmp", ".汇总_2026-10.xlsx.k3j9x0qz.tmp"]
    keep = ["小美.xlsx", ".小美.xlsx.short.tmp", "a.tmp", ".hidden"]
    for name in temps + keep:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".dir.xlsx.abcdefgh.tmp").mkdir()
    assert sorted(p.name for p in remove_stale_temps(tmp_path)) == sorted(temps)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep + [".dir.xlsx.abcdefgh.tmp"])
