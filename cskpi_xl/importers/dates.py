"""Dates in the text around an export: the month or the range of days a file name, a title line or a
sheet's name gives (``2026-10-01至2026-10-10``, ``202610``, ``2026年10月``, a tab named ``10月``).

These are the month evidence besides a date column (see :func:`period_of`); both the export
reader (:mod:`cskpi_xl.importers.sheets`) and the manual inputs (:mod:`cskpi_xl.importers.people`) use them.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import NamedTuple

_RANGE = re.compile(r"(\d{4})[-./年]?(\d{1,2})[-./月]?(\d{1,2})日?\s*(?:至|到|~|～|—|_to_|-{1,2}|_)\s*(\d{4})[-./年]?(\d{1,2})[-./月]?(\d{1,2})")
_DAY = re.compile(r"(?<!\d)(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_MONTH = re.compile(r"(?<!\d)(\d{4})[-./年](\d{1,2})(?!\d)月?|(?<!\d)(\d{4})(\d{2})(?!\d)")


def month_from_text(text: str) -> str | None:
    """The month a file name or title names ("YYYY-MM"), or None.

    A range (``2026-10-01至2026-10-31``) gives the month of its first day.

    >>> month_from_text("自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx")
    '2026-10'
    >>> month_from_text("京东客服_202610.xlsx"), month_from_text("2026年10月考核"), month_from_text("a.xlsx")
    ('2026-10', '2026-10', None)
    """
    for rx in (_RANGE, _DAY, _MONTH):
        for m in rx.finditer(text):
            g = [x for x in m.groups() if x is not None]
            y, mo = int(g[0]), int(g[1])
            if 2000 <= y <= 2199 and 1 <= mo <= 12:
                return f"{y:04d}-{mo:02d}"
    return None


_MONTH_ONLY = re.compile(r"(?<![\d年])(1[0-2]|0?[1-9])月(?!\d)")
_CN_MONTHS = {"一月": 1, "二月": 2, "三月": 3, "四月": 4, "五月": 5, "六月": 6, "七月": 7, "八月": 8, "九月": 9,
              "十月": 10, "十一月": 11, "十二月": 12}
_YEAR = re.compile(r"(?<!\d)(2[01]\d{2})(?:年|(?!\d))")


def range_from_text(text: str) -> tuple[_dt.date, _dt.date] | None:
    """The date range a file name or title gives (``2026-10-01至2026-10-10``), or None.

    >>> range_from_text("赤兔_2026-10-11至2026-10-20.xlsx")
    (datetime.date(2026, 10, 11), datetime.date(2026, 10, 20))
    """
    for m in _RANGE.finditer(text):
        g = [int(x) for x in m.groups()]
        try:
            a, b = _dt.date(g[0], g[1], g[2]), _dt.date(g[3], g[4], g[5])
        except ValueError:
            continue
        if 2000 <= a.year <= 2199 and a <= b:
            return a, b
    return None


def _month_number(text: str) -> int | None:
    t = "".join(text.split())
    for k in sorted(_CN_MONTHS, key=len, reverse=True):
        if k in t:
            return _CN_MONTHS[k]
    m = _MONTH_ONLY.search(t)
    return int(m.group(1)) if m else None


def _year(text: str) -> int | None:
    m = month_from_text(text)
    if m:
        return int(m[:4])
    y = _YEAR.search(text)
    return int(y.group(1)) if y else None


class Period(NamedTuple):
    """What a sheet's name, its title rows and its file name say about the time it covers.

    Attributes:
      month: ``"YYYY-MM"``, or None when nothing says it (or a month has no year).
      start, end: a part of the month (a range report such as 1–10 October);
        None when the sheet covers the whole month (or does not say).
      month_only: a month number without a year (a tab named ``10月``), else None.
      year: the year any of them gives (for ``10月1日`` dates), else None.
      cross: the range spans two months (and cannot be split without day rows).
      source: where it was found: ``工作表名``, ``标题`` or ``文件名`` ("" if nowhere).
    """

    month: str | None = None
    start: _dt.date | None = None
    end: _dt.date | None = None
    month_only: int | None = None
    year: int | None = None
    cross: bool = False
    source: str = ""


def period_of(sheet_name: str, title: str, file_name: str) -> Period:
    """The :class:`Period` of a sheet; the sheet's name speaks first, then its title, then the file name.

    >>> period_of("10月", "", "客服数据_2026年.xlsx")
    Period(month='2026-10', start=None, end=None, month_only=None, year=2026, cross=False, source='工作表名')
    >>> p = period_of("Sheet1", "", "赤兔_2026-10-01至2026-10-10.xlsx"); (p.month, p.start.day, p.end.day)
    ('2026-10', 1, 10)
    >>> period_of("9月", "", "a.xlsx").month_only
    9
    """
    sources = (("工作表名", sheet_name or ""), ("标题", title or ""), ("文件名", file_name or ""))
    year = next((y for _, t in sources if (y := _year(t)) is not None), None)
    for label, text in sources:
        if not text:
            continue
        r = range_from_text(text)
        if r is not None:
            a, b = r
            if (a.year, a.month) != (b.year, b.month):
                return Period(None, a, b, None, a.year, True, label)
            last = (_dt.date(a.year + a.month // 12, a.month % 12 + 1, 1) - _dt.timedelta(days=1)).day
            whole = a.day == 1 and b.day == last
            return Period(f"{a.year:04d}-{a.month:02d}", None if whole else a, None if whole else b, None, a.year,
                          False, label)
        m = month_from_text(text)
        if m is not None:
            return Period(m, None, None, None, int(m[:4]), False, label)
        mo = _month_number(text)
        if mo is not None:
            if year is not None:
                return Period(f"{year:04d}-{mo:02d}", None, None, None, year, False, label)
            return Period(None, None, None, mo, None, False, label)
    return Period(year=year)
