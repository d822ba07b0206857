"""Turning a workbook into a file: the one place an .xlsx is written to disk.

- :func:`save_workbook` — an openpyxl workbook to ``path``, atomically (temp
  file + rename), formula cells carrying the core's values as cached values;
- :func:`workbook_bytes` / :func:`workbook_parts` — the same as bytes or as
  ``{part name: bytes}`` (templates, a 规则 sheet serialized once for a batch);
- :func:`atomic_save_workbook` — openpyxl's own ``Workbook.save``, atomically
  (workbooks opened and edited in place, e.g. by ``cskpi calc``);
- :func:`save_bytes` — ready bytes to ``path``, atomically; :class:`Durable`
  the same for many files at once (a batch's workers);
- :mod:`~cskpi_xl.workbook.save.compiled` — a batch's agent workbooks from
  the template compiled once (their values only), zipped by
  :mod:`~cskpi_xl.workbook.save.zipwrite` with the shared parts deflated once.

The parts are written by :mod:`cskpi_xl.workbook.save.parts` (openpyxl's
writer, rows as text) and completed by :mod:`cskpi_xl.workbook.save.cached`
(cached values, reproducible properties); the atomic write itself is
:func:`cskpi_xl.files.atomic.atomic_write`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from cskpi_xl.i18n import tr
from cskpi_xl.files.atomic import atomic_write, fsync_folder
from cskpi_xl.workbook.save import cached, parts as _parts

__all__ = ["save_workbook", "save_bytes", "Durable", "workbook_bytes", "workbook_parts", "atomic_save_workbook"]


def workbook_parts(wb, values: Mapping[str, Mapping[str, Any]] | None = None, *, reproducible: bool = False,
                   sheets: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """The workbook's parts (``{part name: bytes}``), formula cells carrying ``values`` as cached values.

    ``sheets``: sheet title → XML serialized once for many files (see
    :func:`cskpi_xl.workbook.save.cached.fill_parts`).
    """
    wb.calculation.fullCalcOnLoad = True
    parts = _parts.workbook_parts(wb)
    if values or sheets:
        cached.fill_parts(parts, values or {}, sheets)
    if reproducible:
        cached.normalize_parts(parts)
    return parts


def workbook_bytes(wb, values: Mapping[str, Mapping[str, Any]] | None = None, *, reproducible: bool = False,
                   sheets: Mapping[str, bytes] | None = None) -> bytes:
    """The workbook as .xlsx bytes (see :func:`workbook_parts`), zipped once."""
    parts = workbook_parts(wb, values, reproducible=reproducible, sheets=sheets)
    return _parts.zip_parts(parts, cached.FIXED_TIME if reproducible else None)


def save_workbook(wb, path, values: Mapping[str, Mapping[str, Any]] | None = None, *, reproducible: bool = False,
                  sheets: Mapping[str, bytes] | None = None) -> Path:
    """Save atomically (temp file + rename): a crash leaves the old file whole."""
    return save_bytes(path, workbook_bytes(wb, values, reproducible=reproducible, sheets=sheets))


def save_bytes(path, data: bytes, *, sync_folder: bool = True) -> Path:
    """Write an .xlsx's bytes to ``path`` atomically; a file open in Excel/WPS gets a hint to close it.

    ``sync_folder=False``: the caller flushes the folder afterwards (see :class:`Durable`).
    """
    path = Path(path)
    try:
        with atomic_write(path, "wb", sync_folder=sync_folder) as f:
            f.write(data)
    except PermissionError as exc:
        raise PermissionError(exc.errno, tr(f"无法写入 {path}：文件可能正在 Excel/WPS 中打开，请关闭后重试",
                                            f"cannot write {path}: it may be open in Excel/WPS; close it and retry"),
                              str(path)) from exc
    return path


class Durable:
    """Files written atomically (:func:`save_bytes`) by a few threads at once.

    Each file is still flushed to disk before it replaces the old one, but
    while one thread waits for the disk the others write, and the process
    goes on to the next agent: one disk flush at a time is several times
    slower than the file's whole making. The folders the files were moved
    into are flushed once each by ``wait()``, not once per file (a crash
    before then may leave a file's old version in place, never half a
    file). ``wait()`` returns once every file submitted is in place and on
    disk, and raises the first error, if any.
    """

    def __init__(self, threads: int = 8) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="cskpi-save")
        self._pending: list = []
        self._folders: set[Path] = set()

    def __call__(self, path, data: bytes) -> None:
        path = Path(path)
        self._folders.add(path.parent)
        self._pending.append(self._pool.submit(save_bytes, path, data, sync_folder=False))

    def wait(self) -> None:
        pending, self._pending = self._pending, []
        folders, self._folders = self._folders, set()
        error = None
        for f in pending:
            exc = f.exception()
            if exc is not None and error is None:
                error = exc
        for folder in sorted(folders):
            fsync_folder(folder)
        if error is not None:
            raise error

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)


def atomic_save_workbook(wb, path) -> Path:
    """Save an openpyxl workbook to ``path`` atomically (see :func:`cskpi_xl.files.atomic.atomic_write`).

    A file locked by Excel/WPS on Windows makes the final move fail: that
    :class:`PermissionError` gets a Chinese hint to close the file.
    """
    path = Path(path)
    try:
        with atomic_write(path, "wb") as f:
            wb.save(f)
    except PermissionError as exc:
        raise PermissionError(
            exc.errno,
            tr(
                f"无法写入 {path}：文件可能正在 Excel/WPS 中打开，请关闭后重试",
                f"cannot write {path}: it may be open in Excel/WPS; close it and retry",
            ),
            str(path),
        ) from exc
    return path
