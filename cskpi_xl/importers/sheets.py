"""One sheet of an export → records (one per agent, or per agent and day).

``parse_sheet(sheet) -> (ParsedSheet | None, problems)``: finds the header row
(title rows above it are allowed), tells the report kind from the headers,
then reads every data row. Summary rows (汇总/均值/合计/总计/平均/小计) are
skipped. A bad cell is dropped with an ERROR problem naming the file, sheet,
row, column and value; the rest of the row goes on. A duplicated agent (or
agent and day) is an ERROR naming both rows; the first row is kept.
"""

from __future__ import annotations

import datetime as _dt
import re
from itertools import chain, islice
from typing import Any, Iterator, NamedTuple

from cskpi_xl.core.numbers import NA
from cskpi_xl.core import names
from cskpi_xl.core.problems import ERROR, WARNING, Problem
from cskpi_xl.importers import cells
from cskpi_xl.importers.headers import (
    AGENT, AVG_SECONDS, COUNT, DATE, EXPECTED_HINT, HEADERS, IGNORE, MONEY, MONEY_SIGNED,
    PERCENT, PRICE, SECONDS, Field, Report, detect, norm,
)
from cskpi_xl.importers.read import Sheet

SUMMARY_WORDS = ("汇总", "均值", "合计", "总计", "平均", "小计")
HEADER_SCAN_ROWS = 30


class Record(NamedTuple):
    """One data row of an export.

    Attributes:
      file, sheet, row: where it was read (row is 1-based as the user sees it).
      report: the report key (``chitu``, ``jd``...); platform: the shop platform.
      account: the agent's nickname exactly as in the export (stripped).
      date: the day for a daily export, None for a monthly one.
      values: canonical name → parsed value (int, Decimal or NA), as given.
    """

    file: str
    sheet: str
    row: int
    report: str
    platform: str
    account: str
    date: _dt.date | None
    values: dict[str, Any]


class ParsedSheet(NamedTuple):
    """A sheet read as an export.

    Attributes:
      report: what kind of export it is.
      records: its data rows.
      month: the month its title rows or file name give ("YYYY-MM"), if any.
      daily: whether it has a date column.
      header_row: the 1-based row of its headers.
    """

    report: Report
    records: list[Record]
    month: str | None
    daily: bool
    header_row: int


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


def find_header(rows: list[list[Any]], extra: frozenset[str] = frozenset()) -> tuple[int, Report] | None:
    """The 0-based index of the header row and its report, or None."""
    from cskpi_xl.importers.people import manual_name  # people imports this module

    def also(h: str) -> bool:
        return bool(h) and (manual_name(h) is not None or h.strip() in extra)

    best: tuple[int, Report] | None = None
    best_score = 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        texts = [cells.parse_text(c) for c in row]
        report = detect(texts, also)
        if report is None:
            continue
        score = sum(1 for t in texts if norm(t) in HEADERS or also(t))
        if score > best_score:
            best, best_score = (i, report), score
    return best


def _is_summary(text: str) -> bool:
    t = "".join(text.split())
    return t.startswith(SUMMARY_WORDS)


class SheetHead(NamedTuple):
    """A sheet whose header row was found; its records are read lazily.

    Attributes:
      report, month, daily, header_row: as in :class:`ParsedSheet`.
      records: the data rows, read as this iterator is consumed (once);
        the problems met are appended to the list given to :func:`open_sheet`
        while it is consumed.
    """

    report: Report
    month: str | None
    daily: bool
    header_row: int
    records: Iterator[Record]


def parse_sheet(sheet: Sheet, file_label: str | None = None, extra: frozenset[str] = frozenset()
                ) -> tuple[ParsedSheet | None, list[Problem]]:
    """Read one sheet as an export; None (and no problem) if it is not one.

    Besides the export headers, a column named like a manual input (计划销售额,
    工龄年数 …) or one of ``extra`` (the inputs a scheme reads, such as
    ``工作态度(主管)``) is read too, so one canonical table can carry everything.
    """
    problems: list[Problem] = []
    head = open_sheet(sheet, file_label, extra, problems)
    if head is None:
        return None, problems
    records = list(head.records)
    return ParsedSheet(head.report, records, head.month, head.daily, head.header_row), problems


def open_sheet(sheet: Sheet, file_label: str | None, extra: frozenset[str], problems: list[Problem]
               ) -> SheetHead | None:
    """:func:`parse_sheet` without holding the rows: ``sheet.rows`` may be any iterable.

    Only the first :data:`HEADER_SCAN_ROWS` rows are kept to find the header;
    the records are then made one row at a time as ``head.records`` is
    consumed, so memory does not grow with the number of rows read (only with
    the accounts and days seen, to tell duplicates).
    """
    from cskpi_xl.importers.people import manual_name  # people imports this module
    f = file_label or sheet.file
    sname = sheet.name or None
    rows_iter = iter(sheet.rows)
    top = list(islice(rows_iter, HEADER_SCAN_ROWS))
    found = find_header(top, extra)
    if found is None:
        return None
    hi, report = found
    header = [cells.parse_text(c) for c in top[hi]]

    agent_col = date_col = None
    columns: list[tuple[int, str, Field]] = []
    used: set[str] = set()
    for j, h in enumerate(header):
        fld = HEADERS.get(norm(h))
        if fld is None and h:
            m = manual_name(h) or (h.strip() if h.strip() in extra else None)
            if m is not None:
                fld = Field(m, MANUAL + (names.ALL[m].kind if m in names.ALL else "input"))
        if fld is None or fld.kind == IGNORE:
            continue
        if fld.kind == AGENT:
            agent_col = j if agent_col is None else agent_col
        elif fld.kind == DATE:
            date_col = j if date_col is None else date_col
        elif fld.name not in used:  # the first column of a name wins
            used.add(fld.name)
            columns.append((j, h, fld))
    assert agent_col is not None
    agent_header = header[agent_col]
    date_header = header[date_col] if date_col is not None else None

    above = " ".join(cells.parse_text(c) for r in top[:hi] for c in r)
    month = month_from_text(above) or month_from_text(_file_name(sheet.file))
    fill_buyers = report.paid_is_buyers and "销售人数" not in used

    def records() -> Iterator[Record]:
        seen: dict[tuple[str, _dt.date | None], int] = {}
        any_record = False
        for i, row in enumerate(chain(top[hi + 1:], rows_iter), start=hi + 1):
            rownum = i + 1
            if not any(_filled(c) for c in row):
                continue
            account = cells.parse_text(row[agent_col]) if agent_col < len(row) else ""
            if account and _is_summary(account):
                continue
            day = None
            if date_col is not None:
                raw = row[date_col] if date_col < len(row) else None
                if isinstance(raw, str) and raw.strip() and _is_summary(raw):
                    continue
                day, p = cells.parse_date(raw)
                if p is not None or day is None:
                    problems.append(Problem(
                        "日期无法识别，该行已跳过" if p is not None else "日期为空，该行已跳过",
                        "the date cannot be read; row skipped" if p is not None else "the date is empty; row skipped",
                        file=f, sheet=sname, row=rownum, column=date_header,
                        value=cells._show(raw) if raw != "" else None, agent=account or None))
                    continue
            if not account:
                problems.append(Problem("客服昵称为空，该行已跳过", "the agent nickname is empty; row skipped",
                                        file=f, sheet=sname, row=rownum, column=agent_header))
                continue
            key = (account, day)
            if key in seen:
                first = seen[key]
                if day is None:
                    zh = f"客服「{account}」在第 {first} 行和第 {rownum} 行重复出现，只保留第 {first} 行，请检查导出"
                    en = f"agent '{account}' appears in rows {first} and {rownum}; row {first} is kept, check the export"
                else:
                    zh = f"客服「{account}」在 {day.isoformat()} 有两行（第 {first} 行和第 {rownum} 行），只保留第 {first} 行"
                    en = (f"agent '{account}' has two rows for {day.isoformat()} (rows {first} and {rownum}); "
                          f"row {first} is kept")
                problems.append(Problem(zh, en, file=f, sheet=sname, row=rownum, column=agent_header,
                                        value=account, agent=account))
                continue
            seen[key] = rownum
            values: dict[str, Any] = {}
            for j, h, fld in columns:
                raw = row[j] if j < len(row) else None
                value, p = _parse_cell(raw, fld)
                if p is not None:
                    problems.append(p._replace(file=f, sheet=sname, row=rownum, column=h, agent=account))
                if value is not None:
                    values[fld.name] = value
            if fill_buyers and "最终付款人数" in values:
                values["销售人数"] = values["最终付款人数"]
            any_record = True
            yield Record(f, sheet.name, rownum, report.key, report.platform, account, day, values)
        if not any_record:
            problems.append(Problem("只有表头，没有数据行", "headers only: no data rows", file=f, sheet=sname,
                                    row=hi + 1, severity=WARNING))

    return SheetHead(report, month, date_col is not None, hi + 1, records())


#: Field kind prefix of a manual-input column found in an export-like table.
MANUAL = "manual:"


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _file_name(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


def _bad(zh: str, en: str, raw: Any) -> Problem:
    return Problem(zh, en, value=cells._show(raw), severity=ERROR)


def _parse_cell(raw: Any, fld: Field) -> tuple[Any, Problem | None]:
    """A cell of an export column: the value (None when dropped) and a problem."""
    kind = fld.kind
    if kind.startswith(MANUAL):
        from cskpi_xl.importers.people import manual_value

        return manual_value(raw, kind[len(MANUAL):])
    if kind in (COUNT, MONEY, MONEY_SIGNED, PRICE):
        v, p = cells.parse_number(raw)
    elif kind in (SECONDS, AVG_SECONDS):
        v, p = cells.parse_duration(raw)
    else:  # PERCENT, RATIO
        v, p = cells.parse_percent(raw)
    if v is None or isinstance(v, NA):
        return v, p
    if v < 0 and kind != MONEY_SIGNED:
        return None, _bad("不能为负数，已忽略该值", "must not be negative; value dropped", raw)
    if kind == COUNT:
        if v != v.to_integral_value():
            return None, _bad("人数/次数应为整数，已忽略该值", "a count must be a whole number; value dropped", raw)
        return int(v), None
    if kind == PERCENT and v > 1:
        return None, _bad("比率超过 100%，已忽略该值", "a rate above 100%; value dropped", raw)
    return v, None


def unknown_headers_problem(f: str, sheet: Sheet) -> Problem:
    """The ERROR for a file none of whose sheets is a known export."""
    first = next((r for r in sheet.rows if any(_filled(c) for c in r)), [])
    seen = "、".join(cells.parse_text(c) for c in first if _filled(c))[:200]
    return Problem(
        f"无法识别的表格：表头不是已知的平台导出（赤兔名品、千牛/生意参谋、京东、拼多多、抖音飞鸽）。"
        f"需要一列客服昵称（{EXPECTED_HINT}）；文件里的表头是：{seen}",
        "unknown table: the headers are not a known platform export (Chitu, Qianniu/Sycm, JD, "
        f"Pinduoduo, Douyin). An agent column and figures such as 询单人数, 接待人数, 销售额 are expected; "
        f"found: {seen}",
        file=f, sheet=sheet.name or None)


__all__ = ["Record", "ParsedSheet", "SheetHead", "parse_sheet", "open_sheet", "find_header", "month_from_text", "unknown_headers_problem"]
