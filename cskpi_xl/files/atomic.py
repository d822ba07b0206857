"""Writing a file all at once or not at all, and clearing what a killed writer left behind.

A crash, a full disk or a SIGKILL never leaves a half-written output in
place of the old one: :func:`atomic_write` writes a temporary file beside
the target and moves it over the target only when it is complete.
:func:`remove_stale_temps` removes the temporary files of a writer that was
killed mid-write (call it while holding the folder's
:class:`~cskpi_xl.files.lock.FolderLock`).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_write", "fsync_folder", "remove_stale_temps"]


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (read by setting it, so one thread at a time: batch files are written from threads)."""
    with _UMASK_LOCK:
        umask = os.umask(0)
        os.umask(umask)
    return umask


def fsync_folder(folder) -> None:
    """Flush ``folder``'s entries to disk (the files moved into it stay there after a crash); POSIX only."""
    _fsync_dir(Path(folder))


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", encoding: str | None = None, *, sync_folder: bool = True) -> Iterator[IO]:
    """Write ``path`` all at once or not at all.

    The body writes to a temporary file in the same folder; on success it is
    flushed, fsync'ed and moved over ``path`` with :func:`os.replace`, so a
    reader sees either the old file or the complete new one. If the body (or
    the move) raises, the temporary file is removed, the old file is left
    untouched and the exception propagates. A replaced file keeps the old
    file's permission bits. ``sync_folder=False`` leaves flushing the folder
    (the move itself) to the caller: :func:`fsync_folder` once for many files.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_write(p, "w") as f:
    ...     _ = f.write("好")
    >>> p.read_text(encoding="utf-8")
    '好'
    """
    if "w" not in mode or "+" in mode:
        raise ValueError(f"atomic_write needs a write mode such as 'wb' or 'w', got {mode!r}")
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if "b" not in mode and encoding is None:
        encoding = "utf-8"
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _named(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.errno is not None:
            raise _named(exc, path) from exc
        raise
    if sync_folder:
        _fsync_dir(folder)


_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def remove_stale_temps(folder) -> list[Path]:
    """Delete the temp files :func:`atomic_write` left in ``folder`` when its process was killed mid-write.

    Call it only while holding the folder's :class:`~cskpi_xl.files.lock.FolderLock` (no writer is
    running then). Returns what was removed.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / ".小美.xlsx.ab12cd_9.tmp").write_bytes(b"x"); _ = (d / "小美.xlsx").write_bytes(b"y")
    >>> [p.name for p in remove_stale_temps(d)], sorted(p.name for p in d.iterdir())
    (['.小美.xlsx.ab12cd_9.tmp'], ['小美.xlsx'])
    """
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for p in entries:
        if _TEMP_NAME.match(p.name) and p.is_file() and not p.is_symlink():
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` naming the file being written, not its temp file (the same subclass: disk full, permission …)."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))

