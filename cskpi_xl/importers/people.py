"""HR's own tables: the alias map (account → person) and the manual inputs.

Alias map: a sheet or CSV with an account column (子账号 / 账号 / 客服账号 /
旺旺昵称 / 客服昵称 / 昵称) and a person column (客服 / 姓名 / 客服姓名 / 员工).
An account may carry a shop (``朵以旗舰店:小美``) or be a Taobao sub-account
(``主账号:子账号``); it is matched exactly, except that a full-width colon
``：`` matches ``:`` and surrounding blanks are ignored.

Manual inputs: a sheet or CSV with a person column and columns named as in
:data:`cskpi_xl.core.names.MANUAL_INPUTS` (or an alias such as 迟到次数, 差评,
表扬, 投诉). An optional 月份 column keeps only the rows of the month imported;
without one, a file or sheet naming another month is refused (see :func:`load_manual`).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from decimal import Decimal
from typing import Any, Mapping, Iterable

from cskpi_xl.core import names
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.problems import ERROR, WARNING, Problem
from cskpi_xl.importers import cells
from cskpi_xl.importers.headers import norm
from cskpi_xl.importers.rawsheet import Sheet
from cskpi_xl.importers.read import read_table
from cskpi_xl.importers.dates import month_from_text, period_of

ACCOUNT_HEADERS = ("子账号", "账号", "客服账号", "旺旺昵称", "旺旺账号", "客服昵称", "昵称", "平台账号", "账号名称")
PERSON_HEADERS = ("客服", "姓名", "客服姓名", "员工", "员工姓名", "真实姓名", "人员")
MANUAL_PERSON_HEADERS = PERSON_HEADERS + ("客服昵称", "旺旺昵称", "子账号", "账号", "客服账号", "昵称")
MONTH_HEADERS = ("月份", "月", "考核月份", "统计月份")

#: Other headers HR writes for the manual inputs. A header that is itself a
#: canonical name is taken as such first (so 迟到次数 stays 迟到次数 if the
#: names module lists it).
MANUAL_ALIASES: dict[str, str] = {
    "迟到次数": "迟到早退次数",
    "迟到": "迟到早退次数",
    "迟到早退": "迟到早退次数",
    "早退": "早退次数",
    "差评": "售后差评数",
    "差评数": "售后差评数",
    "售后差评": "售后差评数",
    "表扬": "表扬次数",
    "表扬数": "表扬次数",
    "买家表扬": "表扬次数",
    "投诉": "被投诉次数",
    "投诉次数": "被投诉次数",
    "被投诉": "被投诉次数",
    "不耐心": "不耐心次数",
    "不够耐心": "不耐心次数",
    "不够耐心次数": "不耐心次数",
    "冲突": "冲突次数",
    "与买家冲突": "冲突次数",
    "违规": "违规次数",
    "非工作行为": "违规次数",
    "旷工": "旷工次数",
    "旷工天数": "旷工次数",
    "缺勤次数": "旷工次数",
    "迟到超30分钟": "迟到超30分钟次数",
    "迟到30分钟以上": "迟到超30分钟次数",
    "工龄": "工龄年数",
    "工龄(年)": "工龄年数",
    "计划销售": "计划销售额",
    "销售目标": "计划销售额",
    "目标销售额": "计划销售额",
}

_MANUAL_NAMES = {n.name for n in names.MANUAL_INPUTS}


def manual_name(header: str) -> str | None:
    """The canonical manual-input name for a header, or None.

    >>> manual_name("差评"), manual_name("旷工次数"), manual_name("备注")
    ('售后差评数', '旷工次数', None)
    """
    return _manual_by_norm().get(norm(header))


_BY_NORM: dict[str, str] = {}


def _manual_by_norm() -> dict[str, str]:
    """Normalized header → manual-input name: the names themselves first, then :data:`MANUAL_ALIASES` in order."""
    if not _BY_NORM:
        found = {norm(n): n for n in _MANUAL_NAMES}
        for k, v in MANUAL_ALIASES.items():
            if v in names.ALL:
                found.setdefault(norm(k), v)
        _BY_NORM.update(found)
    return _BY_NORM


def account_key(account: str) -> str:
    """The form an account is matched in (blanks stripped, ``：`` as ``:``)."""

    return cells.visible(account).strip().replace("：", ":").replace(" : ", ":")


def _find_columns(sheet: Sheet, first: tuple[str, ...], second: tuple[str, ...]) -> tuple[int, int, int] | None:
    """(header row, first column, second column) of the first row having both."""
    nf, ns = [norm(h) for h in first], [norm(h) for h in second]
    for i, row in enumerate(sheet.rows[:30]):
        hs = [norm(cells.parse_text(c)) for c in row]
        a = next((hs.index(h) for h in nf if h in hs), None)
        b = next((hs.index(h) for h in ns if h in hs and hs.index(h) != a), None)
        if a is not None and b is not None:
            return i, a, b
    return None


def load_aliases(source: Any) -> tuple[dict[str, str], list[Problem]]:
    """``{account key: person}`` from a file path or a mapping, and problems.

    >>> load_aliases({"朵以旗舰店：小美": "小美"})[0]
    {'朵以旗舰店:小美': '小美'}
    """
    if source is None:
        return {}, []
    if isinstance(source, Mapping):
        return {account_key(str(k)): str(v).strip() for k, v in source.items()}, []
    f = str(source)
    sheets, problems = read_table(source)
    out: dict[str, str] = {}
    where: dict[str, int] = {}
    found = False
    for sh in sheets:
        cols = _find_columns(sh, ACCOUNT_HEADERS, PERSON_HEADERS)
        if cols is None:
            continue
        found = True
        hi, ac, pc = cols
        header = sh.rows[hi]
        for i in range(hi + 1, len(sh.rows)):
            row = sh.rows[i]
            acc = cells.parse_text(row[ac]) if ac < len(row) else ""
            person = cells.parse_text(row[pc]) if pc < len(row) else ""
            if not acc and not person:
                continue
            if not acc or not person:
                problems.append(Problem("别名表这一行缺少账号或姓名，已忽略", "alias row lacks the account or the person; ignored",
                                        file=f, sheet=sh.name or None, row=i + 1,
                                        column=cells.parse_text(header[ac if not acc else pc]), severity=WARNING))
                continue
            key = account_key(acc)
            if key in out and out[key] != person:
                problems.append(Problem(
                    f"账号「{acc}」在第 {where[key]} 行对应「{out[key]}」，在第 {i + 1} 行又对应「{person}」；保留第 {where[key]} 行",
                    f"account '{acc}' maps to '{out[key]}' in row {where[key]} and to '{person}' in row {i + 1}; "
                    f"row {where[key]} is kept",
                    file=f, sheet=sh.name or None, row=i + 1, column=cells.parse_text(header[ac]), value=acc))
                continue
            out.setdefault(key, person)
            where.setdefault(key, i + 1)
    if sheets and not found:
        problems.append(Problem(
            "别名表缺少表头：需要一列账号（子账号/账号/客服账号/旺旺昵称）和一列姓名（客服/姓名）",
            "the alias map needs an account column (子账号/账号/客服账号/旺旺昵称) and a person column (客服/姓名)",
            file=f))
    return out, problems


def load_manual(source: Any, aliases: Mapping[str, str], month: str | None, extra: Iterable[str] = ()
                ) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """``{person: {manual name: value}}`` from HR's manual-input file, and problems.

    ``extra`` names further columns a scheme reads (supervisor scores such as
    ``工作态度(主管)``, rubric choices such as ``质``): they are taken as numbers,
    or as text when they are not numbers (a rubric label like ``A``).

    ``month`` is the month being scored ("YYYY-MM"). Counts of another month are
    never used silently:

    - a 月份 column keeps the rows of ``month`` (one file may hold several
      months, one row per person per month); rows of other months are skipped
      with a warning listing them; a month that cannot be read is reported and
      its row skipped; a blank month takes the month the sheet's name, title
      or the file name gives, else it is reported and skipped;
    - without a 月份 column, a month named by the sheet's name, a title line or
      the file name (``手工录入_2026-09.xlsx``) must be ``month``, else the
      sheet is refused with an error;
    - when nothing says the month, the sheet is used with one warning per file.
    """
    extra = frozenset(extra)
    if source is None:
        return {}, []
    f = str(source)
    if not os.path.exists(f):
        return {}, [Problem("手工录入文件不存在", "the manual-input file does not exist", file=f)]
    sheets, problems = read_table(source)
    first = len(problems)
    out: dict[str, dict[str, Any]] = {}
    where: dict[str, tuple[str | None, int]] = {}
    found = False
    undated = False
    for sh in sheets:
        hit = _manual_header(sh, extra)
        if hit is None:
            continue
        found = True
        hi, pc, mc, cols, ignored = hit
        sname = sh.name or None
        if ignored:
            problems.append(Problem(f"手工录入表中以下列无法识别，已忽略：{'、'.join(ignored)}",
                                    f"unrecognised columns in the manual inputs, ignored: {', '.join(ignored)}",
                                    file=f, sheet=sname, row=hi + 1, severity=WARNING))
        title = " ".join(t for r in sh.rows[:hi] for c in r if (t := cells.parse_text(c)))
        per = period_of(sh.name or "", title, os.path.basename(f))
        year = per.year if per.year is not None else (int(month[:4]) if month else None)
        said = per.month if per.month is not None else (
            f"{year:04d}-{per.month_only:02d}" if per.month_only is not None and year is not None else None)
        if mc is None and month is not None:
            if said is not None and said != month:
                problems.append(Problem(
                    f"手工录入表是 {said} 的（按{per.source}），本次考核 {month}：没有使用",
                    f"the manual inputs are for {said} (by the {_SOURCE_EN.get(per.source, 'file name')}), "
                    f"the month scored is {month}: not used",
                    file=f, sheet=sname, value=said))
                continue
            if said is None:
                undated = True
        person_header = cells.parse_text(sh.rows[hi][pc])
        month_header = cells.parse_text(sh.rows[hi][mc]) if mc is not None else None
        other: dict[str, list[int]] = {}
        for i in range(hi + 1, len(sh.rows)):
            row = sh.rows[i]
            who = cells.parse_text(row[pc]) if pc < len(row) else ""
            if not who or who.startswith(("合计", "汇总", "总计", "平均")):
                continue
            if mc is not None and month is not None:
                raw = row[mc] if mc < len(row) else None
                if cells.is_missing(raw) or not cells.parse_text(raw):
                    m = said
                    if m is None:
                        problems.append(Problem(
                            "这一行没有填月份（文件名、标题里也没有），无法确定是哪个月的，没有使用",
                            "this row has no month (nor do the file name and title); not used",
                            file=f, sheet=sname, row=i + 1, column=month_header, value=who, agent=who))
                        continue
                else:
                    m = manual_month(raw, year)
                    if m is None:
                        problems.append(Problem(
                            f"月份「{cells.parse_text(raw)}」无法识别（应写 2026-10、2026年10月 或 10月），这一行没有使用",
                            f"month '{cells.parse_text(raw)}' is not understood (write 2026-10, 2026年10月 or 10月); "
                            "row not used",
                            file=f, sheet=sname, row=i + 1, column=month_header, value=cells.parse_text(raw),
                            agent=who))
                        continue
                if m != month:
                    other.setdefault(m, []).append(i + 1)
                    continue
            person = aliases.get(account_key(who), who)
            if person in out:
                ws, wr = where[person]
                at = f"第 {wr} 行" if ws == sname else f"工作表「{ws}」第 {wr} 行"
                at_en = f"row {wr}" if ws == sname else f"sheet '{ws}' row {wr}"
                problems.append(Problem(
                    f"「{person}」在手工录入表中{'同一个月' if mc is not None else ''}重复（{at}和第 {i + 1} 行），只保留{at}",
                    f"'{person}' appears twice in the manual inputs{' for the same month' if mc is not None else ''} "
                    f"({at_en} and row {i + 1}); {at_en} is kept",
                    file=f, sheet=sname, row=i + 1, column=person_header, value=who, agent=person))
                continue
            where[person] = (sname, i + 1)
            values: dict[str, Any] = {}
            for j, h, name in cols:
                raw = row[j] if j < len(row) else None
                v, p = manual_value(raw, names.ALL[name].kind if name in names.ALL else INPUT)
                if p is not None:
                    problems.append(p._replace(file=f, sheet=sname, row=i + 1, column=h, agent=person))
                if v is not None:
                    values[name] = v
            out[person] = values
        for m, rows in sorted(other.items()):
            listed = _rows_text(rows)
            problems.append(Problem(
                f"手工录入表第 {listed} 行是 {m} 的，本次考核 {month}：这些行没有使用",
                f"rows {listed} of the manual inputs are for {m}, the month scored is {month}: not used",
                file=f, sheet=sname, row=rows[0], column=month_header, value=m, severity=WARNING))
    if undated:
        problems.insert(first, Problem(
            f"手工录入表没有写月份：按本月 {month} 使用，请确认不是上个月的",
            f"the manual inputs do not say their month: used for {month}; check they are not last month's",
            file=f, severity=WARNING))
    if sheets and not found:
        problems.append(Problem(
            "手工录入表缺少表头：需要一列客服/姓名，以及不耐心次数、冲突次数、售后差评数等列",
            "the manual inputs need a person column (客服/姓名) and columns such as 不耐心次数, 冲突次数, 售后差评数",
            file=f))
    return out, problems


_SOURCE_EN = {"工作表名": "sheet name", "标题": "title", "文件名": "file name"}


def _rows_text(rows: list[int]) -> str:
    """Row numbers as a person reads them: ``2–4、7``."""
    parts: list[str] = []
    start = prev = rows[0]
    for r in rows[1:] + [None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if r is not None:
            start = prev = r
    return "、".join(parts)


def _manual_header(sh: Sheet, extra: frozenset[str] = frozenset()):
    pn = [norm(h) for h in MANUAL_PERSON_HEADERS]
    mn = [norm(h) for h in MONTH_HEADERS]
    for i, row in enumerate(sh.rows[:30]):
        texts = [cells.parse_text(c) for c in row]
        hs = [norm(t) for t in texts]
        pc = next((hs.index(h) for h in pn if h in hs), None)
        if pc is None:
            continue
        cols, ignored, used = [], [], set()
        mc = None
        for j, t in enumerate(texts):
            if j == pc or not t:
                continue
            if hs[j] in mn and mc is None:
                mc = j
                continue
            name = manual_name(t) or (t.strip() if t.strip() in extra else None)
            if name is None or name in used:
                if name is None and hs[j] not in pn:
                    ignored.append(t)
                continue
            used.add(name)
            cols.append((j, t, name))
        if cols:
            return i, pc, mc, cols, ignored
    return None


_BARE_MONTH = re.compile(r"0?([1-9]|1[0-2])")


def manual_month(raw: Any, year: int | None = None) -> str | None:
    """The month ("YYYY-MM") a 月份 cell names, or None when it cannot be read.

    ``2026-10``, ``2026/10``, ``202610``, ``2026年10月``, a date (a day of the
    month, text or a date cell); ``10月``, ``十月`` or a bare ``10`` take ``year``.

    >>> manual_month("2026年10月"), manual_month("2026-10-15"), manual_month(202610)
    ('2026-10', '2026-10', '2026-10')
    >>> manual_month("10月", 2026), manual_month(9, 2026), manual_month("十月", 2026)
    ('2026-10', '2026-09', '2026-10')
    >>> manual_month("10月"), manual_month("上月", 2026), manual_month("2026-13"), manual_month("13月", 2026)
    (None, None, None, None)
    >>> import datetime; manual_month(datetime.datetime(2026, 10, 1))
    '2026-10'
    """
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return f"{raw.year:04d}-{raw.month:02d}"
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, Decimal)):
        if raw != int(raw):
            return None
        n = int(raw)
        if 1 <= n <= 12:
            return f"{year:04d}-{n:02d}" if year is not None else None
        if 200001 <= n <= 219912 or 20000101 <= n <= 21991231:
            return month_from_text(str(n))
        if 36526 <= n <= 109574:  # an Excel serial day, 2000-01-01 … 2199-12-31
            d, p = cells.parse_date(raw)
            return f"{d.year:04d}-{d.month:02d}" if d is not None and p is None else None
        return None
    t = "".join(cells.parse_text(raw).split())
    if not t:
        return None
    m = month_from_text(t)
    if m is not None:
        return m
    if re.search(r"\d{4}", t):  # a year with an impossible month (2026-13)
        return None
    if _BARE_MONTH.fullmatch(t) or re.fullmatch(r"0?([1-9]|1[0-2])月份?", t) or t in _CN_MONTH_TEXT:
        mo = int(t.rstrip("份").rstrip("月")) if t[0].isdigit() else _CN_MONTH_TEXT[t]
        return f"{year:04d}-{mo:02d}" if year is not None else None
    return None


_CN_MONTH_TEXT = {f"{k}{s}": v for k, v in (("一", 1), ("二", 2), ("三", 3), ("四", 4), ("五", 5), ("六", 6), ("七", 7),
                                              ("八", 8), ("九", 9), ("十", 10), ("十一", 11), ("十二", 12))
                  for s in ("月", "月份")}


#: The kind of a scheme-specific input: a number, or a label when it is text.
INPUT = "input"


def manual_value(raw: Any, kind: str) -> tuple[Any, Problem | None]:
    """A typed-in value of a canonical ``kind`` (names.py), or of kind ``INPUT``."""
    if kind == INPUT:
        v, p = cells.parse_number(raw)
        if p is not None and isinstance(raw, str) and raw.strip() and not cells.is_missing(raw):
            return raw.strip(), None
        if v is not None and not isinstance(v, NA) and v < 0:
            return None, Problem("不能为负数，已忽略该值", "must not be negative; value dropped",
                                 value=cells._show(raw), severity=ERROR)
        return v, p
    if kind == "ratio":
        v, p = cells.parse_percent(raw)
    else:
        v, p = cells.parse_number(raw)
    if v is None or isinstance(v, NA):
        return v, p
    if v < 0:
        return None, Problem("不能为负数，已忽略该值", "must not be negative; value dropped", value=cells._show(raw),
                             severity=ERROR)
    if kind == "count":
        if v != v.to_integral_value():
            return None, Problem("次数应为整数，已忽略该值", "a count must be a whole number; value dropped",
                                 value=cells._show(raw), severity=ERROR)
        return int(v), None
    if kind == "ratio" and v > 1:
        return None, Problem("比率超过 100%，已忽略该值", "a rate above 100%; value dropped", value=cells._show(raw),
                             severity=ERROR)
    return v, None
