"""Print set-up shared by the sheets a person prints: A4, one page wide, header rows repeated,
column widths that fit their content, borders on tables, number formats with their units;
and which sheet of a saved workbook is printed (:func:`first_sheet_only`, :func:`only_sheet`: a PDF for
an agent holds the appraisal sheet only).

Column widths are in Excel's character units; a Chinese character takes two
(:func:`text_width`). Row heights of wrapped text are set from the number of lines
the text needs, since a spreadsheet opened for printing does not always re-measure them.

>>> text_width("98.00"), text_width("卓越"), text_width("当月工资（元）")
(5, 4, 14)
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

#: Number formats with their units (the value stays a number; the unit is only shown).
MONEY = '#,##0.00" 元"'
PERCENT = "0.00%"
SECONDS = '0.00" 秒"'
POINTS = "0.00"
COUNT = "#,##0"

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
HEAD_FONT = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center")
TOP_CENTER = Alignment(horizontal="center", vertical="top")
LEFT = Alignment(horizontal="left", vertical="center")
RIGHT = Alignment(horizontal="right", vertical="center")
WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
HEAD = Alignment(horizontal="center", vertical="center", wrap_text=True)

#: Points of one line of 11-point text, and the A4 page in points (210 × 297 mm).
LINE = 15.0
A4_SHORT, A4_LONG = 595.0, 842.0


#: The characters :func:`text_width` counts two (CJK and full-width forms).
_WIDE = re.compile("[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]+")


def text_width(text: Any) -> int:
    """Columns ``text`` takes: a CJK or full-width character counts two."""
    s = "" if text is None else str(text)
    if s.isascii():
        return len(s)
    return len(s) + sum(map(len, _WIDE.findall(s)))


def shown(value: Any, number_format: str | None) -> str:
    """Roughly the text a number shows in ``number_format`` (for widths only).

    >>> shown(2690.31, MONEY), shown(0.3277, PERCENT), shown(12, None)
    ('2,690.31 元', '32.77%', '12')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    fmt = number_format or "General"
    if "%" in fmt:
        text = f"{value * 100:,.2f}%"
    elif "0.00" in fmt:
        text = f"{value:,.2f}" if "," in fmt else f"{value:.2f}"
    elif fmt == "General":
        text = f"{value:g}" if isinstance(value, float) else str(value)
    else:
        text = f"{value:,.0f}"
    if '"' in fmt:
        text += fmt.split('"')[1]
    return text


#: Styles are set through a :class:`Styler` and widths measured from the cells' own values and
#: number formats; False sets every cell through openpyxl's setters and reads every cell back by its
#: coordinate, as before (the tests write each workbook both ways and compare the bytes).
FAST = True


class Styler:
    """Cells of one workbook styled as openpyxl's setters style them, each distinct change worked out once.

    ``cell.font = f`` makes openpyxl hash ``f`` (a tree of descriptors) to find its index in the
    workbook's font table, cell after cell: most of a big 汇总's time. Here the first cell with a
    given style array and given style objects is set with openpyxl's own setters, and every later
    cell with the same style array gets a copy of the result. The workbook's style tables grow in
    the same order (each object is added to its table when first seen, as before), so the file is
    byte for byte the one the setters give (:data:`FAST` False: the setters on every cell).

    The style objects are told apart by identity and kept alive here: use shared constants (or
    objects that live as long as the styler) rather than a new ``Font(...)`` per cell. The indices
    belong to one workbook: a cell of another one starts the memo afresh.
    """

    __slots__ = ("_memo", "_wb")

    def __init__(self) -> None:
        self._memo: dict[tuple, tuple] = {}
        self._wb = None

    def __call__(self, cell, *, font: Any = None, fill: Any = None, border: Any = None, alignment: Any = None,
                 number_format: str | None = None) -> None:
        if not FAST:
            return _set(cell, font, fill, border, alignment, number_format)
        wb = cell.parent.parent
        if wb is not self._wb:
            self._memo.clear()
            self._wb = wb
        style = cell._style
        key = (style.tobytes() if style is not None else None, id(font), id(fill), id(border), id(alignment),
               number_format)
        hit = self._memo.get(key)
        if hit is None:
            _set(cell, font, fill, border, alignment, number_format)
            self._memo[key] = (StyleArray(cell._style), (font, fill, border, alignment))
        else:
            cell._style = StyleArray(hit[0])


def _set(cell, font, fill, border, alignment, number_format) -> None:
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format


def fit_columns(ws, columns: Iterable[str], values: dict[str, Any] | None = None, *, first_row: int = 1,
                last_row: int | None = None, minimum: float = 6, maximum: float = 60, pad: float = 2) -> dict[str, float]:
    """Set each column's width to its widest shown text (the cached ``values`` stand in for formulas).

    Every cell of the range is made if missing (an empty one is written as such), as ``ws["B7"]`` does.
    """
    if not FAST:
        return _fit_columns_by_coordinate(ws, columns, values, first_row=first_row, last_row=last_row,
                                          minimum=minimum, maximum=maximum, pad=pad)
    values = values or {}
    last_row = last_row or ws.max_row
    formats: dict[int, str] = {}  # numFmtId → the format (what openpyxl's number_format getter returns)
    get = ws._get_cell
    widths = {}
    for col in columns:
        ci = column_index_from_string(col)
        letter = get_column_letter(ci)
        w = 0
        for r in range(first_row, last_row + 1):
            cell = get(r, ci)
            v = values.get(f"{letter}{r}", cell._value) if values else cell._value
            if isinstance(v, str) and v.startswith("="):
                continue
            style = cell._style
            fid = style[3] if style is not None else 0  # numFmtId
            fmt = formats.get(fid)
            if fmt is None:
                fmt = formats[fid] = BUILTIN_FORMATS.get(fid, "General") if fid < BUILTIN_FORMATS_MAX_SIZE else \
                    ws.parent._number_formats[fid - BUILTIN_FORMATS_MAX_SIZE]
            n = text_width(shown(v, fmt))
            if n > w:
                w = n
        widths[col] = min(maximum, max(minimum, w + pad))
        ws.column_dimensions[col].width = widths[col]
    return widths


def _fit_columns_by_coordinate(ws, columns, values, *, first_row, last_row, minimum, maximum, pad):
    """:func:`fit_columns` reading every cell by its coordinate (and its number format by openpyxl's getter)."""
    values = values or {}
    last_row = last_row or ws.max_row
    widths = {}
    for col in columns:
        w = 0
        for r in range(first_row, last_row + 1):
            cell = ws[f"{col}{r}"]
            v = values.get(cell.coordinate, cell.value)
            if isinstance(v, str) and v.startswith("="):
                continue
            w = max(w, text_width(shown(v, cell.number_format)))
        widths[col] = min(maximum, max(minimum, w + pad))
        ws.column_dimensions[col].width = widths[col]
    return widths


def box(ws, first_row: int, last_row: int, first_col: int, last_col: int, styler: Styler | None = None) -> None:
    """Thin borders on every cell of the range."""
    st = styler or Styler()
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col):
        for c in row:
            st(c, border=BOX)


def header(ws, row: int, first_col: int, last_col: int, styler: Styler | None = None) -> None:
    """Bold, shaded, centred header cells."""
    st = styler or Styler()
    for c in ws.iter_rows(min_row=row, max_row=row, min_col=first_col, max_col=last_col).__next__():
        st(c, font=HEAD_FONT, fill=HEAD_FILL, alignment=HEAD)


def wrapped_height(text: Any, width: float, minimum: float = LINE) -> float:
    """A row height (points) that shows ``text`` wrapped in a column ``width`` characters wide.

    Twenty Chinese characters take 40 units; a line of a 10-wide column holds 9, so 5 lines of 15 points:

    >>> wrapped_height("短", 10), wrapped_height("很" * 20, 10)
    (15.0, 75.0)
    """
    lines = 0
    for part in ("" if text is None else str(text)).split("\n"):
        lines += max(1, math.ceil(text_width(part) / max(1.0, width - 1)))
    return max(minimum, LINE * lines)


def a4(ws, *, landscape: bool = False, title_rows: str | None = None, margins: float = 0.5) -> None:
    """A4, fit to one page wide (as many pages tall as needed), centred, header rows repeated."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = margins
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def page_rows(widths: Iterable[float], *, landscape: bool, margins: float = 0.5, line: float = LINE) -> float:
    """About how many rows of ``line`` points fit on one page when ``widths`` are fitted to the page width.

    A character unit is about 7 pixels = 5.25 points; the printable area is A4 less the margins
    (inches; 0.6 top and bottom). The scale never exceeds 1.
    """
    page_w, page_h = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    printable_w = page_w - 2 * 72 * margins
    printable_h = page_h - 2 * 72 * 0.6
    total_w = sum(widths) * 5.25 + 5.25
    scale = min(1.0, printable_w / total_w) if total_w else 1.0
    return printable_h / (line * scale)


def keep_on_one_page(ws, anchor_row: int, height_cm: float, *, widths: Iterable[float], landscape: bool,
                     title_rows: int = 0, line: float = LINE) -> bool:
    """Put a page break above ``anchor_row`` if a chart ``height_cm`` tall anchored there would cross one.

    Rows are taken as ``line`` points (the default height) unless the sheet sets their height;
    the estimate keeps a twentieth of the page spare. Returns whether a break was added.
    """
    from openpyxl.worksheet.pagebreak import Break

    per_page = page_rows(widths, landscape=landscape, line=line) * line * 0.95  # points of rows per page
    chart = height_cm / 2.54 * 72
    repeated = title_rows * line
    used = 0.0  # points used on the current page when anchor_row begins
    page_start = True
    for r in range(1, anchor_row):
        h = ws.row_dimensions[r].height or line
        if used + h > per_page:
            used = repeated
        used += h
        page_start = False
    if page_start or used + chart <= per_page:
        return False
    # the break goes one (empty) row above the chart: a chart starting exactly at a break is drawn,
    # clipped, on the page before as well (LibreOffice)
    ws.row_breaks.append(Break(id=max(1, anchor_row - 2)))
    return True


# ---- which sheet prints ----------------------------------------------------------------------------------------


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*/>")


def first_sheet_only(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` with every sheet but the first hidden (PDF export skips hidden sheets).

    Only ``xl/workbook.xml`` is rewritten, so charts, styles and cached values stay as they are.
    """
    only_sheet(src, dst, 0)


def only_sheet(src: Path, dst: Path, keep: int) -> None:
    """Copy ``src`` to ``dst`` with every sheet but the ``keep``-th (from 0) hidden."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                seen = 0

                def hide(m: re.Match) -> bytes:
                    nonlocal seen
                    seen += 1
                    tag = re.sub(rb'\sstate="[^"]*"', b"", m.group(0))
                    return tag if seen == keep + 1 else tag[:-2].rstrip() + b' state="hidden"/>'

                data = _SHEET_TAG.sub(hide, data)
                data = re.sub(rb'activeTab="\d+"', b'activeTab="%d"' % keep, data)
                data = re.sub(rb'firstSheet="\d+"', b'firstSheet="%d"' % keep, data)
            zout.writestr(info, data)
