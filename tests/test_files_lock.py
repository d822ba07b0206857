"""Two batch runs kept out of one folder (cskpi_xl/files/lock.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from cskpi_xl.errors import CskpiError
from cskpi_xl.files.lock import LOCK_NAME, FolderBusy, FolderLock

HOLDER = textwrap.dedent(
    """
    import sys
    from cskpi_xl.files.lock import FolderLock
    with FolderLock(sys.argv[1]):
        print("locked", flush=True)
        sys.stdin.read()
    """
)


class TestFolderLock:
    def test_sequential_use(self, tmp_path):
        with FolderLock(tmp_path):
            assert (tmp_path / ".cskpi.lock").exists()
        with FolderLock(tmp_path):
            pass

    def test_same_process_second_lock_is_busy(self, tmp_path):
        with FolderLock(tmp_path):
            with pytest.raises(FolderBusy):
                with FolderLock(tmp_path):
                    pass

    def test_other_process_holds_it(self, tmp_path):
        child = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "locked"
            with pytest.raises(FolderBusy) as info:
                with FolderLock(tmp_path):
                    pass
            message = str(info.value)
            assert f"文件夹 {tmp_path} 正在被另一个批量任务使用" in message
            assert "请等待它结束后再运行" in message
            assert f"进程 {child.pid}" in message
            assert isinstance(info.value, RuntimeError)
            start = time.monotonic()
            with pytest.raises(FolderBusy):
                with FolderLock(tmp_path, wait_seconds=0.3):
                    pass
            assert time.monotonic() - start >= 0.3
        finally:
            child.stdin.close()
            child.wait(timeout=20)
        with FolderLock(tmp_path, wait_seconds=5):
            pass

    def test_wait_until_released(self, tmp_path):
        child = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "locked"
        child.stdin.close()  # the holder finishes shortly
        with FolderLock(tmp_path, wait_seconds=20):
            pass


class TestFolderBusy:
    def test_fields_not_text(self, tmp_path):
        busy = FolderBusy(tmp_path, 4242)
        assert (busy.folder, busy.pid) == (tmp_path, 4242)
        assert busy.zh == f"文件夹 {tmp_path} 正在被另一个批量任务使用（进程 4242），请等待它结束后再运行"
        assert busy.en == f"folder {tmp_path} is in use by another batch run (process 4242); wait for it to finish"
        assert isinstance(busy, CskpiError) and isinstance(busy, RuntimeError)
        p = busy.problem()
        assert (p.message, p.message_en, p.file, p.is_error) == (busy.zh, busy.en, None, True)

    def test_holder_unknown(self, tmp_path):
        busy = FolderBusy(tmp_path)
        assert busy.pid is None
        assert busy.zh == f"文件夹 {tmp_path} 正在被另一个批量任务使用，请等待它结束后再运行"
        assert busy.en == f"folder {tmp_path} is in use by another batch run; wait for it to finish"

    def test_text_follows_the_language(self, tmp_path):
        from cskpi_xl.i18n import set_language

        busy = FolderBusy(tmp_path, 7)
        try:
            set_language("en")
            assert str(busy) == busy.en
            set_language("zh")
            assert str(busy) == busy.zh
        finally:
            set_language(None)

    def test_same_process_busy_names_this_process(self, tmp_path):
        with FolderLock(tmp_path):
            assert (tmp_path / LOCK_NAME).read_text() == str(os.getpid())
            with pytest.raises(FolderBusy) as info:
                FolderLock(tmp_path).acquire()
        assert (info.value.folder, info.value.pid) == (tmp_path, os.getpid())
