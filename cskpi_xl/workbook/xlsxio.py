"""Small openpyxl helpers that keep untrusted text and half-written files out of workbooks.

``write_text_cell`` stores text as a literal string even when it looks like
a formula (a nickname such as ``=HYPERLINK(...)``); ``atomic_save_workbook``
saves so that a crash or a full disk never leaves a half-written ``.xlsx``
in place of the old one.

>>> from openpyxl import Workbook
>>> ws = Workbook().active
>>> write_text_cell(ws["A1"], '=HYPERLINK("http://x","点我")')
>>> ws["A1"].data_type, ws["A1"].quotePrefix
('s', True)
"""

from __future__ import annotations

from pathlib import Path

from cskpi_xl.i18n import tr
from cskpi_xl.files.atomic import atomic_write
from cskpi_xl.workbook.celltext import is_formula_like, plain_text

__all__ = ["write_text_cell", "atomic_save_workbook"]


def write_text_cell(cell, text) -> None:
    """Set an openpyxl ``cell`` to ``text`` as a literal string, never a formula.

    The value goes through :func:`cskpi_xl.workbook.celltext.plain_text`, the cell type
    is forced to string (openpyxl then writes an inline string with no
    ``<f>`` element), and formula-like text (``= + - @`` …) also gets the
    *quote prefix* style, so Excel and WPS keep it as text when a person
    edits the cell.
    """
    value = plain_text(text)
    cell.value = value
    if value == "":
        cell.value = None
        return
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True


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
