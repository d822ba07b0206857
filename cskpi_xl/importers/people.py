"""HR's own tables: the alias map (account → person) and the manual inputs.

Alias map: a sheet or CSV with an account column (子账号 / 账号 / 客服账号 /
旺旺昵称 / 客服昵称 / 昵称) and a person column (客服 / 姓名 / 客服姓名 / 员工).
An account may carry a shop (``朵以旗舰店:小美``) or be a Taobao sub-account
(``主账号:子账号``); it is matched exactly, except that a full-width colon
``：`` matches ``:`` and surrounding blanks are ignored.

Manual inputs: a sheet or CSV with a person column and columns named as in
:data:`cskpi_xl.core.names.MANUAL_INPUTS` (or an alias such as 迟到次数, 差评,
表扬, 投诉). An optional 月份 column keeps only the rows of the month imported.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Iterable

from cskpi_xl.core import names
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.problems import ERROR, WARNING, Problem
from cskpi_xl.importers import cells
from cskpi_xl.importers.headers import norm
from cskpi_xl.importers.read import Sheet, read_table
from cskpi_xl.importers.dates import month_from_text

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
    h = norm(header)
    for n in _MANUAL_NAMES:
        if norm(n) == h:
            return n
    for k, v in MANUAL_ALIASES.items():
        if norm(k) == h and v in names.ALL:
            return v
    return None


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
    """
    extra = frozenset(extra)
    if source is None:
        return {}, []
    f = str(source)
    if not os.path.exists(f):
        return {}, [Problem("手工录入文件不存在", "the manual-input file does not exist", file=f)]
    sheets, problems = read_table(source)
    out: dict[str, dict[str, Any]] = {}
    where: dict[str, int] = {}
    found = False
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
        person_header = cells.parse_text(sh.rows[hi][pc])
        for i in range(hi + 1, len(sh.rows)):
            row = sh.rows[i]
            who = cells.parse_text(row[pc]) if pc < len(row) else ""
            if not who or who.startswith(("合计", "汇总", "总计", "平均")):
                continue
            if mc is not None and month is not None:
                raw = row[mc] if mc < len(row) else None
                m = _month_of(raw)
                if m is not None and m != month:
                    continue
            person = aliases.get(account_key(who), who)
            if person in out:
                problems.append(Problem(
                    f"「{person}」在手工录入表中重复（第 {where[person]} 行和第 {i + 1} 行），只保留第 {where[person]} 行",
                    f"'{person}' appears twice in the manual inputs (rows {where[person]} and {i + 1}); "
                    f"row {where[person]} is kept",
                    file=f, sheet=sname, row=i + 1, column=person_header, value=who, agent=person))
                continue
            where[person] = i + 1
            values: dict[str, Any] = {}
            for j, h, name in cols:
                raw = row[j] if j < len(row) else None
                v, p = manual_value(raw, names.ALL[name].kind if name in names.ALL else INPUT)
                if p is not None:
                    problems.append(p._replace(file=f, sheet=sname, row=i + 1, column=h, agent=person))
                if v is not None:
                    values[name] = v
            out[person] = values
    if sheets and not found:
        problems.append(Problem(
            "手工录入表缺少表头：需要一列客服/姓名，以及不耐心次数、冲突次数、售后差评数等列",
            "the manual inputs need a person column (客服/姓名) and columns such as 不耐心次数, 冲突次数, 售后差评数",
            file=f))
    return out, problems


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
            if hs[j] in mn:
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


def _month_of(raw: Any) -> str | None:
    d, p = cells.parse_date(raw)
    if d is not None:
        return f"{d.year:04d}-{d.month:02d}"
    return month_from_text(cells.parse_text(raw))


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
