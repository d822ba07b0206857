"""One sheet of an export → records (one per agent, or per agent and day).

``open_sheet(sheet, file, extra, problems) -> SheetHead | None``: finds the header row
(title rows above it are allowed), tells the report kind from the headers,
then reads every data row. Summary rows (汇总/均值/合计/总计/平均/小计) are
skipped with one note per sheet. A bad cell is dropped with an ERROR problem
naming the file, sheet, row, column and value; the rest of the row goes on. A
duplicated agent (or agent and day) is an ERROR naming both rows; the first row
is kept. Every column is used or reported (see :func:`open_sheet`); headers
carry units (:func:`~cskpi_xl.importers.headers.match_header`); a header may
span two rows.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Iterator, NamedTuple

from cskpi_xl.core.numbers import NA
from cskpi_xl.core import names
from cskpi_xl.core.problems import ERROR, WARNING, Problem
from cskpi_xl.importers import cells
from cskpi_xl.importers.headers import (
    AGENT, AVG_SECONDS, COUNT, DATE, EXPECTED_HINT, IGNORE, MONEY, MONEY_SIGNED,
    PERCENT, PRICE, SECONDS, Field, Report, Unit, detect, match_header,
)
from cskpi_xl.importers.dates import Period, month_from_text, period_of, range_from_text  # noqa: F401 (re-exported)
from cskpi_xl.importers.people import manual_name, manual_value
from cskpi_xl.importers.rawsheet import NoValue, Sheet
from cskpi_xl.importers.read import CsvRows

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


def _flatten(top: list[Any], sub: list[Any]) -> list[str]:
    """One header per column from a two-row header (a group row above a sub-header row).

    A cell merged down over both rows (``客服昵称``) has its text in the top row
    only; a group header merged across (``销售数据`` over 销售额, 销售量) in its
    first column only. Per column the sub-header is tried, then group + sub
    (``首次响应`` over ``(秒)``), then the top cell.
    """
    n = max(len(top), len(sub))
    group = ""
    out: list[str] = []
    for j in range(n):
        t = cells.parse_text(top[j]) if j < len(top) else ""
        b = cells.parse_text(sub[j]) if j < len(sub) else ""
        if t:
            group = t
        if not b:
            out.append(t)
            continue
        tries = [b, group + b, t, f"{t}({b.strip('()（）[]【】')})" if t else ""]
        out.append(next((x for x in tries if x and match_header(x)[0] is not None), b))
        if out[-1] == t and t and b and match_header(f"{t}({b.strip('()（）[]【】')})")[0] is not None:
            out[-1] = f"{t}({b.strip('()（）[]【】')})"
    return out


def find_header(rows: list[list[Any]], extra: frozenset[str] = frozenset()) -> tuple[int, Report, int] | None:
    """``(index of the header row, its report, header rows)`` or None; a two-row header counts 2."""

    def also(h: str) -> bool:
        return bool(h) and (manual_name(h) is not None or h.strip() in extra)

    def score(texts: list[str]) -> int:
        return sum(1 for t in texts if match_header(t)[0] is not None or also(t))

    best: tuple[int, Report, int] | None = None
    best_score = 0
    texts_of = [[cells.parse_text(c) for c in row] for row in rows[:HEADER_SCAN_ROWS]]
    for i, texts in enumerate(texts_of):
        cands = [(texts, 1)]
        if i + 1 < len(texts_of) and any(texts) and any(texts_of[i + 1]) and not _has_numbers(rows[i + 1]):
            cands.insert(0, (_flatten(rows[i], rows[i + 1]), 2))  # first: on a tie it wins (a units row)
        single = score(texts)
        for cand, span in cands:
            report = detect(cand, also)
            if report is None:
                continue
            sc = score(cand)
            if span == 2:
                alone = max(single, score(texts_of[i + 1]))
                if not (sc > alone or (sc == alone and _units_row(texts, texts_of[i + 1]))):
                    continue  # two rows only when they say more than either row alone (or the lower is units)
            if sc > best_score:
                best, best_score = (i, report, span), sc
    return best


def _units_row(header: list[str], below: list[str]) -> bool:
    """``below`` is a row of units under ``header`` (``(元)``, ``人``, ``%``): empty under the agent, no numbers.

    >>> _units_row(["客服昵称", "销售额", "接待人数"], ["", "(元)", "人"])
    True
    >>> _units_row(["客服昵称", "销售额"], ["小美", "100"])
    False
    """
    agent = next((j for j, t in enumerate(header) if (m := match_header(t)[0]) is not None and m.kind == AGENT), None)
    if agent is None or (agent < len(below) and below[agent]):
        return False
    cells_ = [t for t in below if t]
    return bool(cells_) and all(re.fullmatch(r"[(（\[【]?[^\d()（）]{1,4}[)）\]】]?", t) for t in cells_)


def _has_numbers(row: list[Any]) -> bool:
    return any(isinstance(c, (int, float)) and not isinstance(c, bool) for c in row)


def _is_summary(text: str) -> bool:
    t = "".join(text.split())
    return t.startswith(SUMMARY_WORDS)


class SheetHead(NamedTuple):
    """A sheet whose header row was found; its records are read lazily.

    Attributes:
      report: what kind of export it is; month: the month its title rows or file name give ("YYYY-MM");
      daily: whether it has a date column; header_row: the 1-based row of its headers.
      records: the data rows, read as this iterator is consumed (once);
        the problems met are appended to the list given to :func:`open_sheet`
        while it is consumed.
      period: what the sheet's name, title and file name say (range reports, month tabs).
    """

    report: Report
    month: str | None
    daily: bool
    header_row: int
    records: Iterator[Record]
    period: Period = Period()


def open_sheet(sheet: Sheet, file_label: str | None, extra: frozenset[str], problems: list[Problem]
               ) -> SheetHead | None:
    """Read one sheet as an export without holding its rows: ``sheet.rows`` may be any iterable.

    Only the first :data:`HEADER_SCAN_ROWS` rows are kept to find the header;
    the records are then made one row at a time as ``head.records`` is
    consumed, so memory does not grow with the number of rows read (only with
    the accounts and days seen, to tell duplicates).

    Every column is used or reported: a header not understood, a second
    column of the same figure, a column with data but no header. Every row is
    used or reported: summary rows (one note per sheet), a row of an agent
    with no figure at all (all blank or ``-``), an empty nickname.
    """
    f = file_label or sheet.file
    sname = sheet.name or None
    rows_iter = iter(sheet.rows)
    top = list(islice(rows_iter, HEADER_SCAN_ROWS))
    found = find_header(top, extra)
    if found is None:
        return None
    hi, report, span = found
    if span == 2:
        header = _flatten(top[hi], top[hi + 1])
    else:
        header = [cells.parse_text(c) for c in top[hi]]
    first_data = hi + span

    agent_col = date_col = None
    columns: list[tuple[int, str, Field, Unit | None]] = []
    used: dict[str, str] = {}
    for j, h in enumerate(header):
        fld, unit, why = match_header(h)
        if fld is None and h:
            m = manual_name(h) or (h.strip() if h.strip() in extra else None)
            if m is not None:
                fld = Field(m, MANUAL + (names.ALL[m].kind if m in names.ALL else "input"))
        if fld is None:
            if h:
                problems.append(Problem(
                    f"列「{h}」无法识别（{why}），该列未导入" if why else f"列「{h}」不是已知的列名，该列未导入",
                    f"column '{h}' is not understood ({why}); not imported" if why
                    else f"column '{h}' is not a known column; not imported",
                    file=f, sheet=sname, row=hi + 1, column=h, value=h, severity=WARNING))
            continue
        if fld.kind == IGNORE:
            continue
        if fld.kind in (AGENT, DATE):
            if (agent_col if fld.kind == AGENT else date_col) is None:
                if fld.kind == AGENT:
                    agent_col = j
                else:
                    date_col = j
            else:
                first = header[agent_col if fld.kind == AGENT else date_col]
                what = "客服" if fld.kind == AGENT else "日期"
                problems.append(Problem(
                    f"列「{h}」也像{what}列，只用了第一列「{first}」，该列未导入",
                    f"column '{h}' also looks like the {'agent' if fld.kind == AGENT else 'date'} column; "
                    f"only the first, '{first}', is used",
                    file=f, sheet=sname, row=hi + 1, column=h, value=h, severity=WARNING))
        elif fld.name not in used:  # the first column of a name wins
            used[fld.name] = h
            columns.append((j, h, fld, unit))
        else:
            problems.append(Problem(
                f"列「{h}」与列「{used[fld.name]}」都是{fld.name}，只用了「{used[fld.name]}」，该列未导入",
                f"columns '{h}' and '{used[fld.name]}' are both {fld.name}; only '{used[fld.name]}' is used",
                file=f, sheet=sname, row=hi + 1, column=h, value=h, severity=WARNING))
    assert agent_col is not None
    agent_header = header[agent_col]
    date_header = header[date_col] if date_col is not None else None
    headed = {j for j, h in enumerate(header) if h}
    width = max((j + 1 for j in headed), default=0)
    gaps = [j for j in range(width) if j not in headed]
    text_file = isinstance(sheet.rows, CsvRows) or _file_name(sheet.file).lower().endswith((".csv", ".txt", ".tsv"))

    above = " ".join(cells.parse_text(c) for r in top[:hi] for c in r)
    period = period_of(sheet.name, above, _file_name(sheet.file))
    month = period.month
    fill_buyers = report.paid_is_buyers and "销售人数" not in used
    decimal = getattr(sheet, "decimal", ".")

    # a "(%)" column holding spreadsheet numbers all at most 1 is a percent-formatted column of fractions
    fractions: set[int] = set()
    for j, h, fld, unit in columns:
        if unit is not None and unit.percent:
            nums = []
            for r in top[first_data:]:
                x = r[j] if j < len(r) else None
                if isinstance(x, str) and "%" not in x and "‰" not in x:
                    x, _ = cells.parse_number(_decimal_comma(x, decimal)[0])
                if isinstance(x, (int, float, Decimal)) and not isinstance(x, bool):
                    nums.append(x)
            if nums and all(abs(x) <= 1 for x in nums):
                fractions.add(j)
                problems.append(Problem(
                    f"列「{h}」标着 %，但其中的数都不大于 1（Excel 的百分比格式），按小数读取（0.985 即 98.5%）",
                    f"column '{h}' says %, but its numbers are all at most 1 (Excel percent format): read as fractions",
                    file=f, sheet=sname, row=hi + 1, column=h, severity=WARNING))

    def records() -> Iterator[Record]:
        seen: dict[tuple[str, _dt.date | None], int] = {}
        any_record = False
        summary_rows: list[int] = []
        unheaded: dict[int, tuple[int, Any]] = {}
        cleaned: dict[str, int] = {}
        clean_of: dict[str, str] = {}
        for i, row in enumerate(chain(top[first_data:], rows_iter), start=first_data):
            rownum = i + 1
            if not any(_filled(c) for c in row):
                continue
            if text_file and len(row) > width and any(_filled(c) for c in row[width:]):
                problems.append(Problem(
                    f"这一行的字段比表头多（{len(row)} 个，表头 {width} 个），各列可能错位（例如没有加引号的千分位逗号），"
                    "该行已跳过",
                    f"the row has more fields ({len(row)}) than the header ({width}); its columns may be shifted "
                    "(e.g. an unquoted thousands comma); row skipped",
                    file=f, sheet=sname, row=rownum, value=",".join(str(c) for c in row)[:200],
                    agent=cells.parse_text(row[agent_col]) if agent_col < len(row) else None))
                continue
            for j in gaps:
                if j < len(row) and j not in unheaded and _filled(row[j]):
                    unheaded[j] = (rownum, row[j])
            if len(row) > width:
                for j in range(width, len(row)):
                    if j not in unheaded and _filled(row[j]):
                        unheaded[j] = (rownum, row[j])
            raw_account = row[agent_col] if agent_col < len(row) else None
            if isinstance(raw_account, NoValue):
                problems.append(Problem(f"客服昵称是没有保存结果的公式（{raw_account.reason}），该行已跳过",
                                        "the nickname is a formula without a value; row skipped",
                                        file=f, sheet=sname, row=rownum, column=agent_header, value=str(raw_account)))
                continue
            account = cells.parse_text(raw_account)
            if account and _is_summary(account):
                summary_rows.append(rownum)
                continue
            if not account:
                label = next((cells.parse_text(c) for c in row if isinstance(c, str) and c.strip()), "")
                if label and _is_summary(label):
                    summary_rows.append(rownum)
                    continue
            day = None
            if date_col is not None:
                raw = row[date_col] if date_col < len(row) else None
                if isinstance(raw, str) and raw.strip() and _is_summary(raw):
                    summary_rows.append(rownum)
                    continue
                day, p = cells.parse_date(raw, period.year)
                if p is not None or day is None:
                    problems.append(Problem(
                        ("日期无法识别，该行已跳过" if "年份" not in p.message else f"{p.message}，该行已跳过")
                        if p is not None else "日期为空，该行已跳过",
                        "the date cannot be read; row skipped" if p is not None else "the date is empty; row skipped",
                        file=f, sheet=sname, row=rownum, column=date_header,
                        value=cells._show(raw) if raw != "" else None, agent=account or None))
                    continue
            if not account:
                problems.append(Problem("客服昵称为空，该行已跳过", "the agent nickname is empty; row skipped",
                                        file=f, sheet=sname, row=rownum, column=agent_header))
                continue
            clean = clean_of.get(account)
            if clean is None:
                clean = cells.visible(account)
                if len(clean_of) < 100_000:  # a cache, bounded: a million accounts must not hold a million strings
                    clean_of[account] = clean
            if clean != account:
                if clean not in cleaned:
                    cleaned[clean] = rownum
                    codes = "、".join(sorted({f"U+{ord(ch):04X}" for ch in account if cells.INVISIBLE.match(ch)}))
                    problems.append(Problem(
                        f"昵称「{clean}」中有看不见的字符（{codes}），已去掉后与「{clean}」合并",
                        f"the nickname '{clean}' holds invisible characters ({codes}); removed, merged with '{clean}'",
                        file=f, sheet=sname, row=rownum, column=agent_header, value=account, agent=clean,
                        severity=WARNING))
                account = clean
                if not account:
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
            bad = 0
            for j, h, fld, unit in columns:
                raw = row[j] if j < len(row) else None
                value, p = _parse_cell(raw, fld, unit, decimal, j in fractions)
                if p is not None:
                    bad += 1
                    problems.append(p._replace(file=f, sheet=sname, row=rownum, column=h, agent=account))
                if value is not None:
                    values[fld.name] = value
            if not values and not bad:
                problems.append(Problem(
                    f"客服「{account}」这一行没有任何数据（全部为空或「-」）",
                    f"agent '{account}': the row has no figures at all (all blank or '-')",
                    file=f, sheet=sname, row=rownum, column=agent_header, value=account, agent=account,
                    severity=WARNING))
            if fill_buyers and "最终付款人数" in values:
                values["销售人数"] = values["最终付款人数"]
            any_record = True
            yield Record(f, sheet.name, rownum, report.key, report.platform, account, day, values)
        if summary_rows:
            listed = "、".join(str(r) for r in summary_rows[:10]) + (" 等" if len(summary_rows) > 10 else "")
            problems.append(Problem(
                f"跳过了 {len(summary_rows)} 行汇总/合计/均值行（第 {listed} 行），不计入任何人",
                f"{len(summary_rows)} summary rows (total/average) skipped: rows {listed}",
                file=f, sheet=sname, row=summary_rows[0], value=len(summary_rows), severity=WARNING))
        for j, (rownum, c) in sorted(unheaded.items()):
            problems.append(Problem(
                f"第 {_letters(j)} 列有数据但没有表头，该列未导入（第一个是第 {rownum} 行）",
                f"column {_letters(j)} holds data but has no header; not imported (first at row {rownum})",
                file=f, sheet=sname, row=rownum, column=_letters(j), value=cells._show(c), severity=WARNING))
        if not any_record:
            problems.append(Problem("只有表头，没有数据行", "headers only: no data rows", file=f, sheet=sname,
                                    row=hi + 1, severity=WARNING))

    return SheetHead(report, month, date_col is not None, hi + 1, records(), period)


def _letters(j: int) -> str:
    out, n = "", j + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


#: Field kind prefix of a manual-input column found in an export-like table.
MANUAL = "manual:"


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _file_name(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


def _bad(zh: str, en: str, raw: Any) -> Problem:
    return Problem(zh, en, value=cells._show(raw), severity=ERROR)


_OWN_UNIT = re.compile(r"[万亿千%‰秒分时天:a-zA-Z元]")
_DOT_GROUPS = re.compile(r"[-−+(]?[0-9]{1,3}(?:\.[0-9]{3})+\)?")
_COMMA_NUMBER = re.compile(r"[-−+(]?[0-9.]*[0-9],[0-9]+\)?[%‰]?")


def _decimal_comma(raw: Any, decimal: str) -> tuple[Any, Problem | None]:
    """A text cell of a file whose decimal mark is ``,`` made ``.``; refused where the mark is unknown."""
    if decimal == "." or not isinstance(raw, str):
        return raw, None
    t = raw.strip()
    if "," not in t:
        if "." in t and _DOT_GROUPS.fullmatch(t):  # 1.234 where the decimal mark is a comma: dots group thousands
            if decimal == ",":
                return t.replace(".", ""), None
            return None, _bad("这个文件里点号既像小数点又像千分位（如 1.234），无法确定，按缺失处理",
                              "in this file a dot may be a decimal mark or a thousands separator; cannot tell, "
                              "treated as missing", raw)
        return raw, None
    if not _COMMA_NUMBER.fullmatch(t):
        return raw, None
    if decimal == ",":
        return t.replace(".", "").replace(",", "."), None
    return None, _bad("这个文件里逗号既像小数点又像千分位（如 1,234），无法确定，按缺失处理",
                      "in this file a comma may be a decimal mark or a thousands separator; cannot tell, "
                      "treated as missing", raw)


def _parse_cell(raw: Any, fld: Field, unit: Unit | None = None, decimal: str = ".", fractions: bool = False
                ) -> tuple[Any, Problem | None]:
    """A cell of an export column: the value (None when dropped) and a problem."""
    t = type(raw)
    if t is not str and t is not float and t is not int and isinstance(raw, NoValue):
        return None, _bad(f"这是公式 {str(raw)[:60]}，文件里没有保存它的计算结果（{raw.reason}）；按缺失处理，"
                          "请在 Excel/WPS 中打开、保存后重新导入",
                          f"a formula saved without its value ({raw.reason}); treated as missing", str(raw))
    if decimal != ".":
        raw, p = _decimal_comma(raw, decimal)
        if p is not None:
            return None, p
    kind = fld.kind
    if kind.startswith(MANUAL):
        return manual_value(raw, kind[len(MANUAL):])
    if kind in (COUNT, MONEY, MONEY_SIGNED, PRICE):
        v, p = cells.parse_number(raw)
    elif kind in (SECONDS, AVG_SECONDS):
        v, p = cells.parse_duration(raw)
    else:  # PERCENT, RATIO
        v, p = cells.parse_percent(raw)
    if v is None or isinstance(v, NA):
        return v, p
    if unit is not None and not (isinstance(raw, str) and _OWN_UNIT.search(raw.replace("e", "").replace("E", ""))):
        if not (unit.percent and fractions):
            v = v * unit.scale
    if v < 0 and kind != MONEY_SIGNED:
        return None, _bad("不能为负数，已忽略该值", "must not be negative; value dropped", raw)
    if kind == COUNT:
        if v != v.to_integral_value():
            return None, _bad("人数/次数应为整数，已忽略该值", "a count must be a whole number; value dropped", raw)
        return int(v), None
    if kind == PERCENT and v > 1:
        if fractions:
            return None, _bad("这一列按小数读取（其他数都不大于 1），这个数大于 1，无法确定，已忽略该值",
                              "this column is read as fractions; this number is above 1, cannot tell; value dropped", raw)
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


__all__ = ["Record", "SheetHead", "Period", "open_sheet", "find_header", "month_from_text",
           "range_from_text", "period_of", "unknown_headers_problem"]
