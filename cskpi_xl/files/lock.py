"""Keeping two batch runs out of one folder: :class:`FolderLock`, and :class:`FolderBusy` when it is taken.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with FolderLock(d):
...     try:
...         FolderLock(d).acquire()
...     except FolderBusy as busy:
...         print(busy.folder == d, busy.pid == os.getpid(), busy.problem().message.startswith("文件夹"))
True True True
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from cskpi_xl.errors import CskpiError

__all__ = ["FolderLock", "FolderBusy", "LOCK_NAME"]


class FolderBusy(CskpiError, RuntimeError):
    """Another batch run holds the folder's lock.

    Attributes (besides :class:`~cskpi_xl.errors.CskpiError`'s ``zh`` and ``en``):
      folder: the folder that is in use.
      pid: the process that holds it, as written in its lock file (None if unknown).
    """

    def __init__(self, folder: Path, pid: int | None = None) -> None:
        who = f"（进程 {pid}）" if pid else ""
        who_en = f" (process {pid})" if pid else ""
        # the message names the folder, so the Problem does not repeat it as its file
        super().__init__(f"文件夹 {folder} 正在被另一个批量任务使用{who}，请等待它结束后再运行",
                         f"folder {folder} is in use by another batch run{who_en}; wait for it to finish")
        self.folder = folder
        self.pid = pid


LOCK_NAME = ".cskpi.lock"


class FolderLock:
    """Keep two batch runs out of one folder.

    ``with FolderLock(folder, wait_seconds=0):`` takes an exclusive lock on
    ``folder/.cskpi.lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows).
    If another process holds it, waits up to ``wait_seconds`` and then raises
    :class:`FolderBusy` with a Chinese message. The lock is released when the
    block ends or the process dies, and a run that ends normally removes the
    lock file (no stray ``.cskpi.lock`` in HR's folder). Removing it is safe:
    it is unlinked while still locked, and a run that locked a file which was
    unlinked meanwhile sees that its file is no longer the folder's and tries
    again on the new one. The lock is per open file, so a second
    ``FolderLock`` on the same folder inside the same process is busy too.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with FolderLock(d):
    ...     (d / LOCK_NAME).exists()
    True
    >>> (d / LOCK_NAME).exists()
    False
    """

    def __init__(self, folder, wait_seconds: float = 0) -> None:
        self.folder = Path(folder)
        self.wait_seconds = wait_seconds
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def _try_lock(self, fd: int) -> bool:
        try:
            if os.name == "nt":  # pragma: no cover - exercised on Windows only
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except (BlockingIOError, PermissionError):
            return False
        except OSError as exc:  # EDEADLK / EACCES on some systems
            if exc.errno in (11, 13, 35, 36):
                return False
            raise

    def _holder(self) -> int | None:
        """The process id the holder wrote into the lock file, if it can be read."""
        try:
            text = self.path.read_text(encoding="ascii", errors="ignore").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def _current(self, fd: int) -> bool:
        """Whether the locked ``fd`` is still the folder's lock file (not one unlinked by a run that ended)."""
        if os.name == "nt":  # pragma: no cover - an open file cannot be unlinked on Windows
            return True
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except OSError:
            return False

    def acquire(self) -> "FolderLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + max(0.0, float(self.wait_seconds))
        while True:
            if self._try_lock(fd):
                if self._current(fd):
                    break
                os.close(fd)  # locked a file the previous holder removed: take the folder's new one
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
                continue
            if time.monotonic() >= deadline:
                os.close(fd)
                raise FolderBusy(self.folder, self._holder())
            time.sleep(0.05)
        if os.name != "nt":
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if os.name == "nt":  # pragma: no cover
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                with contextlib.suppress(OSError):
                    os.unlink(self.path)  # still locked: a waiting run will see its file is gone and reopen
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        if os.name == "nt":  # pragma: no cover - fails harmlessly while another run has it open
            with contextlib.suppress(OSError):
                os.unlink(self.path)

    def __enter__(self) -> "FolderLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
