"""Read the 规则 sheet back: the scheme as HR left it in a template.

The 规则 sheet (:mod:`cskpi_xl.workbook.rulesheet`) shows the scheme's numbers
where HR can change them: 满分, 最低分, baselines, units, points per unit or
per occurrence, 参数, section weights, commission tiers, the KPI-coefficient
table, grade lines and attributes, and the pay constants. The live formulas
of a filled sheet point at those cells, so an edit recomputes at once; this
module makes the *scores the program computes* (the cached values, the 汇总)
follow the same edits when a template is filled.

``read_rules(scheme, value_at)`` lays the sheet out again for ``scheme``,
compares every cell with what was written, and returns the scheme with the
changed numbers and the problems of cells it could not use (those keep the
scheme's value). ``value_at`` takes an absolute reference such as
``'规则'!$F$23`` and returns the cell's value, so the same code reads an
openpyxl workbook or an open Excel workbook through xlwings.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from decimal import Decimal
from typing import Any, Callable

from openpyxl.utils import get_column_letter

from cskpi_xl.core import names as N
from cskpi_xl.core.names import SHARES
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.rules import Linear, PerCount, Rubric
from cskpi_xl.core.scheme import Item, Scheme
from cskpi_xl.core.schemefile import sheet as T
from cskpi_xl.core.schemefile import validate as V
from cskpi_xl.core.tiers import CoefficientTable, TierTable
from cskpi_xl.workbook.rulesheet import SHEET, absref, layout

ValueAt = Callable[[str], Any]

# 规则 sheet column → (rule class, field)
_LINEAR = {"上基准": "upper", "下基准": "lower", "单位": "unit", "高于每单位": "above", "低于每单位": "below", "按整单位": "step"}
_PERCOUNT = {"每次": "points", "超过次数后": "after", "之后每次": "then"}


def openpyxl_value_at(wb) -> ValueAt:
    """``value_at`` for an openpyxl workbook."""

    def value_at(ref: str) -> Any:
        sheet, _, cell = ref.rpartition("!")
        sheet = sheet.strip("'")
        if sheet not in wb.sheetnames:
            return None
        return wb[sheet][cell.replace("$", "")].value

    def grid() -> list[list]:
        return [list(r) for r in wb[SHEET].iter_rows(values_only=True)] if SHEET in wb.sheetnames else []

    value_at.grid = grid  # the whole sheet at once (tables are found by their headers)
    return value_at


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(a, str) and not a.strip()):
        return (a in (None, "") or (isinstance(a, str) and not a.strip())) and b in (None, "")
    try:
        return T.parse_number(a) == T.parse_number(b)
    except ValueError:
        return str(a).strip() == str(b).strip()


# ---- the sheet as a grid, and its tables found by their header rows ------------------------------------------------

#: How far past the built-in layout the sheet is read (rows HR inserted: notes, tiers, rules).
_SLACK_ROWS = 200
_SLACK_COLS = 6


def _grid(scheme: Scheme, value_at: ValueAt) -> list[list]:
    """The 规则 sheet's values, row by row (row 1 first)."""
    grid = getattr(value_at, "grid", None)
    if grid is not None:
        return [list(r) for r in grid()]
    cells, _ = layout(scheme)
    rows = max(c.row for c in cells) + _SLACK_ROWS
    cols = max(c.col for c in cells) + _SLACK_COLS
    whole = value_at(f"'{SHEET}'!$A$1:${get_column_letter(cols)}${rows}")
    if isinstance(whole, (list, tuple)) and whole and all(isinstance(r, (list, tuple)) for r in whole):
        return [list(r) for r in whole]  # xlwings gives a range at once
    return [[value_at(absref(c, r)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


def _num_text(d: Decimal) -> str:
    """A number as a rule text writes it: 34, 0.5, 1.2 (no trailing zeros, no exponent)."""
    s = format(Decimal(d).normalize(), "f")
    return s


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: Any) -> str:
    return "" if _blank(v) else unicodedata.normalize("NFKC", str(v)).strip()


#: The tables of the 规则 sheet by the first cells of their header row.
_KINDS = (
    ("items", ("项目", "满分", "规则类型")),
    ("sections", ("分区", "权重")),
    ("params", ("参数", "数值")),
    ("grades", ("等级", "下限", "上限")),
    ("tiers", ("下限", "上限", "含下限", "含上限", "方式")),
    ("coef", ("下限", "上限", "含下限", "含上限", "比例")),
    ("pay", ("项目", "数值", "说明")),
    ("options", ("项目", "选项", "分数")),
    ("others", ("对象", "规则", "数值")),
)


class _Found:
    """A table found on the sheet: its header (column name → index) and data rows ``(sheet row, values)``."""

    def __init__(self, kind: str, header_row: int, header: list[str]) -> None:
        self.kind = kind
        self.header_row = header_row
        self.header = header
        self.col = {h: i for i, h in enumerate(header) if h}
        self.rows: list[tuple[int, list]] = []

    def get(self, row: list, name: str) -> Any:
        i = self.col.get(name)
        if i is None or i >= len(row):
            return None
        v = row[i]
        return None if _blank(v) else v


def find_tables(grid: list[list]) -> dict[str, _Found]:
    """Every table of the sheet, found by its header row wherever HR moved it; blank rows inside are skipped.

    A table's data rows run to the caption row just above the next table's header (or the 方案说明 caption).
    """
    headers: list[tuple[int, str, list[str]]] = []
    for i, row in enumerate(grid):
        texts = [_text(v) for v in row]
        for kind, start in _KINDS:
            if tuple(texts[:len(start)]) == start:
                headers.append((i, kind, texts))
                break
    found: dict[str, _Found] = {}
    for k, (i, kind, texts) in enumerate(headers):
        end = headers[k + 1][0] if k + 1 < len(headers) else len(grid)
        t = _Found(kind, i + 1, texts)
        for j in range(i + 1, end):
            row = grid[j]
            texts_j = [_text(v) for v in row]
            nonblank = [x for x in texts_j if x]
            if not nonblank:
                continue
            if texts_j[0] == "方案说明" and len(nonblank) == 1:
                break
            if j == end - 1 and k + 1 < len(headers) and len(nonblank) == 1 and texts_j[0]:
                break  # the next table's caption
            t.rows.append((j + 1, list(row)))
        found.setdefault(kind, t)
    return found


# ---- reading -------------------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, scheme: Scheme, file: str | None) -> None:
        self.scheme = scheme
        self.file = file
        self.problems: list[Problem] = []
        self.changed: list[str] = []

    def warn(self, zh: str, en: str, row: int | None = None, column: str | None = None, value: Any = None) -> None:
        self.problems.append(Problem(zh, en, file=self.file, sheet=SHEET, row=row, column=column,
                                     value=value if value is None or isinstance(value, (str, int, float)) else str(value),
                                     severity=WARNING))

    def bad(self, what: str, row: int | None, column: str | None, value: Any, why: str = "") -> None:
        self.warn(f"「规则」表中{what}不是可用的数值{('（' + why + '）') if why else ''}，仍按方案计算",
                  f"{what} on the 规则 sheet is not usable; the scheme's value is kept", row, column, value)

    def number(self, v: Any, old: Any, what: str, row: int, column: str, *, allow_none: bool = False,
               percent: bool = False) -> Any:
        """The cell's number when it differs from ``old``; ``old`` when the same or unusable (with a warning)."""
        if _same(v, T.cell_out(old) if old is not None else None) or (_blank(v) and old is None):
            return old
        if _blank(v) or (allow_none and isinstance(v, str) and "不设" in v):
            if allow_none:
                if old is not None:
                    self.changed.append(what)
                return None
            self.bad(what, row, column, v)
            return old
        try:
            new = T.parse_number(v, percent=percent)
        except ValueError:
            self.bad(what, row, column, v)
            return old
        if new == old:
            return old
        self.changed.append(what)
        return new


_LINEAR_FIELDS = (("上基准", "upper"), ("下基准", "lower"), ("单位", "unit"), ("高于每单位", "above"), ("低于每单位", "below"))
_PERCOUNT_FIELDS = (("每次", "points"), ("超过次数后", "after"), ("之后每次", "then"))
_KIND_OF = {"linear": "线性", "per_count": "按次", "condition": "条件", "rubric": "评分选项", "score": "打分"}


def _rule_key(r) -> tuple[str, str]:
    if isinstance(r, Linear):
        return ("线性", r.metric)
    if isinstance(r, PerCount):
        return ("按次", "+".join(r.inputs))
    return (_KIND_OF.get(r.kind, r.kind), getattr(r, "input", "") or "")


def _row_key(t: _Found, row: list) -> tuple[str, str]:
    kind = _text(t.get(row, "规则类型"))
    what = _text(t.get(row, "指标/录入项"))
    if kind == "线性":
        what = N.canonical(what)
    elif kind == "按次":
        what = "+".join(N.canonical(x.strip()) for x in re.split(r"[+＋、,，/]", what) if x.strip())
    return (kind, what)


def _read_items(rd: _Reader, t: _Found) -> tuple[Item, ...]:
    scheme = rd.scheme
    blocks: dict[str, list[tuple[int, list]]] = {}
    current: str | None = None
    for rowno, row in t.rows:
        name = _text(t.get(row, "项目"))
        if name:
            current = name
        if current is None:
            continue
        blocks.setdefault(current, []).append((rowno, row))
    known = {it.name for it in scheme.items}
    for name, rows in blocks.items():
        if name not in known:
            rd.warn(f"「规则」表中的项目「{name}」不在方案中：项目只能在方案文件中增加，这些行未计入",
                    f"item '{name}' is not in the scheme: items are added in the scheme file", rows[0][0], "项目", name)
    items = []
    for it in scheme.items:
        rows = blocks.get(it.name)
        if not rows:
            rd.warn(f"「规则」表中找不到项目「{it.name}」：项目只能在方案文件中删去，仍按方案计算",
                    f"item '{it.name}' is missing from the 规则 sheet; it is kept", None, "项目", it.name)
            items.append(it)
            continue
        items.append(_read_item(rd, t, it, rows))
    return tuple(items)


def _one_value(rd: _Reader, t: _Found, it: Item, rows: list[tuple[int, list]], column: str, old: Any, what: str,
               **kw: Any) -> Any:
    """满分 / 最低分 repeat on every rule row of an item: an edit on any row counts; different edits are refused."""
    seen: dict[Any, int] = {}
    for rowno, row in rows:
        before = len(rd.changed), len(rd.problems)
        v = rd.number(row[t.col[column]] if column in t.col and t.col[column] < len(row) else None, old, what, rowno,
                      column, **kw)
        if len(rd.problems) > before[1]:
            return old
        if len(rd.changed) > before[0]:
            rd.changed.pop()
            seen.setdefault(v, rowno)
    if not seen:
        return old
    if len(seen) > 1:
        rd.warn(f"「规则」表中{what}在项目的几行中改成了不同的数（{'、'.join('不设' if v is None else _num_text(v) for v in seen)}），"
                f"仍按方案计算；请只改一处", f"{what} was changed to different values on the item's rows; the scheme's value is kept",
                min(seen.values()), column)
        return old
    rd.changed.append(what)
    return next(iter(seen))


def _read_item(rd: _Reader, t: _Found, it: Item, rows: list[tuple[int, list]]) -> Item:
    full = _one_value(rd, t, it, rows, "满分", it.full, f"{it.name}的满分")
    floor = _one_value(rd, t, it, rows, "最低分", it.floor, f"{it.name}的最低分", allow_none=True)
    free = list(rows)
    rules = []
    dropped = []
    for j, r in enumerate(it.rules):
        key = _rule_key(r)
        match = next((x for x in free if _row_key(t, x[1]) == key), None)
        if match is None and not isinstance(r, (Linear, PerCount)):
            # a condition / rubric / score row: matched by its kind alone (its inputs are not shown for conditions)
            match = next((x for x in free if _row_key(t, x[1])[0] == key[0]), None)
        if match is None:
            if isinstance(r, (Linear, PerCount)):
                dropped.append(r)
                continue
            rd.warn(f"「规则」表中{it.name}的「{key[0]}」规则行不见了：这类规则只能在方案文件中删去，仍按方案计算",
                    f"a {r.kind} rule row of {it.name} is missing; such rules are removed in the scheme file", None, "规则类型")
            rules.append(r)
            continue
        free.remove(match)
        rowno, row = match
        if isinstance(r, Linear):
            r = _read_linear(rd, t, it, r, rowno, row)
        elif isinstance(r, PerCount):
            r = _read_per_count(rd, t, it, r, rowno, row)
        rules.append(r)
    for r in dropped:
        rd.changed.append(f"删去{it.name}的规则（{r.describe()}）")
    for rowno, row in free:  # rows HR added
        kind = _text(t.get(row, "规则类型"))
        if not kind and not any(t.get(row, c) is not None for c in ("每次", "基准", "上基准", "下基准")):
            continue  # a row with only the item's name, full marks or a note
        header = [h for h in t.header]
        filled = list(row) + [None] * (len(header) - len(row))
        if "满分" in t.col and _blank(filled[t.col["满分"]]):
            filled[t.col["满分"]] = T.cell_out(full)
        item, more = T.rows_to_item([header, filled], it.name, f"{SHEET}", first_row=rowno - 1)
        if item is None or not item.rules:
            rd.warn(f"「规则」表第 {rowno} 行（{it.name}）新加的规则无法使用，未计入："
                    + "；".join(p.message for p in more if p.is_error) if more else
                    f"「规则」表第 {rowno} 行（{it.name}）新加的规则无法使用，未计入",
                    f"the rule added on row {rowno} ({it.name}) is not usable", rowno, "规则类型", kind or None)
            continue
        new_rule = item.rules[0]
        if isinstance(new_rule, Linear) and not _share_ok(rd, new_rule, it, rowno):
            continue
        rules.append(new_rule)
        rd.changed.append(f"新增{it.name}的规则（{new_rule.describe()}）")
    new = dataclasses.replace(it, full=full, floor=floor, rules=tuple(rules))
    written = T._item_rows(it)[0][T.ITEM_HEADERS.index("说明")]
    typed = rows[0][1][t.col["说明"]] if "说明" in t.col and t.col["说明"] < len(rows[0][1]) else written
    if not _same(typed, written):  # HR rewrote the rule's text: it is what the agents read
        text = "" if _blank(typed) else str(typed).strip()
        if it.rules and text.endswith(f"（{_first_rule_note(it)}）"):
            text = text[: -len(f"（{_first_rule_note(it)}）")]
        rd.changed.append(f"{it.name}的说明")
        return dataclasses.replace(new, text=text)
    if new.rules != it.rules and it.text:
        new = dataclasses.replace(new, text=retext(it, new))
    return new


def _first_rule_note(it: Item) -> str:
    """What the 说明 cell of an item's first row adds after the shop's text (the first rule described)."""
    row = dict(zip(T.ITEM_HEADERS, T._item_rows(dataclasses.replace(it, text=""))[0]))
    return _text(row.get("说明"))


def _share_ok(rd: _Reader, r: Linear, it: Item, rowno: int) -> bool:
    """A share metric (询单转化率 …) with a threshold above 100% or a unit of 100%: a percent typed as a number."""
    if r.metric not in SHARES:
        return True
    for header, v in (("基准", r.upper), ("下基准", r.lower)):
        if isinstance(v, Decimal) and v > 1:
            rd.bad(f"{it.name}的{header}", rowno, header, T.cell_out(v),
                   f"{r.metric}是比率，{_num_text(v)} 大于 100%，是不是想写 {_num_text(v)}%？")
            return False
    if r.unit >= 1:
        rd.bad(f"{it.name}的单位", rowno, "单位", T.cell_out(r.unit), f"{r.metric}是比率，单位 1 表示 100 个百分点，一个百分点写 1%")
        return False
    return True


def _read_linear(rd: _Reader, t: _Found, it: Item, r: Linear, rowno: int, row: list) -> Linear:
    kw: dict[str, Any] = {}
    single = r.upper == r.lower
    fields = ((("基准", "upper"),) if single else _LINEAR_FIELDS[:2]) + _LINEAR_FIELDS[2:]
    for header, fld in fields:
        if header not in t.col:
            continue
        v = t.get(row, header)
        old = getattr(r, fld)
        what = f"{it.name}的{header}"
        if header in ("基准", "上基准", "下基准") and isinstance(old, str):
            # a named team value (团队客单价): a number typed there fixes the baseline; another name must be known
            if _text(v) == old:
                continue
            try:
                new: Any = T.parse_number(v)
            except ValueError:
                name = _text(v)
                if name and (name in N.ALL or name in rd.scheme.params):
                    new = name
                else:
                    rd.bad(what, rowno, header, v, "应为数字，或团队数值/参数的名称，如 团队客单价")
                    continue
            rd.changed.append(what)
        else:
            new = rd.number(v, old, what, rowno, header)
        if fld == "upper" and single:
            kw["upper"] = kw["lower"] = new
        else:
            kw[fld] = new
    if "按整单位" in t.col:
        v = t.get(row, "按整单位")
        if not _same(v, "是" if r.step else "否"):
            try:
                kw["step"] = T.parse_bool(v)
                if kw["step"] != r.step:
                    rd.changed.append(f"{it.name}的按整单位")
            except ValueError:
                rd.bad(f"{it.name}的按整单位", rowno, "按整单位", v)
    if kw.get("unit") is not None and kw["unit"] <= 0:
        rd.bad(f"{it.name}的单位", rowno, "单位", T.cell_out(kw.pop("unit")), "单位必须大于 0")
    new_rule = dataclasses.replace(r, **kw)
    if new_rule != r and not _share_ok(rd, new_rule, it, rowno):
        return r
    if isinstance(new_rule.upper, Decimal) and isinstance(new_rule.lower, Decimal) and new_rule.lower > new_rule.upper:
        rd.bad(f"{it.name}的下基准", rowno, "下基准", T.cell_out(new_rule.lower), "下基准大于上基准")
        return r
    return new_rule


def _read_per_count(rd: _Reader, t: _Found, it: Item, r: PerCount, rowno: int, row: list) -> PerCount:
    kw: dict[str, Any] = {}
    for header, fld in _PERCOUNT_FIELDS:
        if header not in t.col:
            continue
        new = rd.number(t.get(row, header), getattr(r, fld), f"{it.name}的{header}", rowno, header,
                        allow_none=fld != "points")
        if fld == "after" and new is not None:
            if new < 0 or new != int(new):
                rd.bad(f"{it.name}的{header}", rowno, header, T.cell_out(new), "应为非负整数")
                new = r.after
            new = int(new) if new is not None else None
        kw[fld] = new
    if (kw.get("after") is None) != (kw.get("then") is None):
        rd.warn(f"「规则」表中{it.name}的「超过次数后」与「之后每次」要同时填写，仍按方案计算",
                "超过次数后 and 之后每次 go together", rowno, "超过次数后")
        kw["after"], kw["then"] = r.after, r.then
    return dataclasses.replace(r, **kw)


def _table_rows(t: _Found, headers: list[str]) -> list[list]:
    return [headers] + [[t.get(row, h) for h in headers] for _, row in t.rows]


def _same_table(rows: list[list], original: list[list]) -> bool:
    if len(rows) != len(original):
        return False
    return all(len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b)) for a, b in zip(rows[1:], original[1:]))


@dataclasses.dataclass(frozen=True)
class _TableKind:
    """How one of the 规则 sheet's band tables is read: the sheet reader's pair of functions and the table's name."""

    to_rows: Callable[[Any], list[list]]
    from_rows: Callable[..., tuple[Any, list[Problem]]]
    name: str                 # 提成表 / 系数提成表 / 等级表: the changed-list entry and the problems' place
    has_basis: bool = True    # a commission table keeps the figure it applies to
    same_labels: bool = False  # grade labels are changed in the scheme file only


_TIERS = _TableKind(T.tiers_to_rows, T.rows_to_tiers, "提成表")
_COEFFICIENTS = _TableKind(T.coefficient_to_rows, T.rows_to_coefficient, "系数提成表")
_GRADES = _TableKind(T.grades_to_rows, T.rows_to_grades, "等级表", has_basis=False, same_labels=True)


def _read_table(rd: _Reader, t: _Found | None, kind: _TableKind, old: Any) -> Any:
    """A band table (commission tiers, KPI coefficients, grades) as the sheet holds it, read by the sheet reader when
    HR changed it; ``old`` when unchanged, missing, or unusable (its problems become warnings: the scheme's table is kept)."""
    if t is None:
        return old
    original = kind.to_rows(old)
    rows = _table_rows(t, original[0])
    if _same_table(rows, original):
        return old
    kw = {"basis": old.basis} if kind.has_basis else {}
    new, more = kind.from_rows(rows, f"{SHEET}（{kind.name}）", first_row=t.header_row, **kw)
    rd.problems.extend(p._replace(severity=WARNING, file=rd.file) for p in more)
    if new is None:
        return old
    if kind.same_labels and new.labels() != old.labels():
        rd.warn("「规则」表中等级名称被改动，等级名称只能在方案文件中修改，仍按方案计算",
                "grade labels were changed on the 规则 sheet; change them in the scheme file")
        return old
    rd.changed.append(kind.name)
    return new


def read_rules(scheme: Scheme, value_at: ValueAt, file: str | None = None) -> tuple[Scheme, list[Problem]]:
    """``scheme`` with the numbers changed on the 规则 sheet; problems for cells that cannot be used.

    Tables are found by their header rows, wherever HR moved them (a note row inserted at the top,
    rows inserted or deleted); rule rows are matched to the scheme's rules by 规则类型 and 指标/录入项;
    commission tiers and grades are read as the rows there are (a tier added or removed counts).
    """
    rd = _Reader(scheme, file)
    found = find_tables(_grid(scheme, value_at))
    items = scheme.items
    if "items" in found:
        items = _read_items(rd, found["items"])
    elif scheme.items:
        rd.warn("「规则」表中找不到「考核项目与计分规则」表（标题行：项目、满分、规则类型……），仍按方案计算",
                "the item table is missing from the 规则 sheet")

    params = dict(scheme.params)
    if scheme.params and "params" in found:
        t = found["params"]
        by_name = {_text(t.get(row, "参数")): (rowno, row) for rowno, row in t.rows}
        for k, v in scheme.params.items():
            if k in by_name:
                rowno, row = by_name[k]
                params[k] = rd.number(t.get(row, "数值"), v, f"参数「{k}」", rowno, "数值")
            else:
                rd.warn(f"「规则」表中找不到参数「{k}」，仍按方案计算", f"parameter '{k}' is missing", None, "参数", k)
    sections = scheme.sections
    if scheme.sections and "sections" in found:
        t = found["sections"]
        by_name = {_text(t.get(row, "分区")): (rowno, row) for rowno, row in t.rows}
        out = []
        for s in scheme.sections:
            if s.name in by_name:
                rowno, row = by_name[s.name]
                s = dataclasses.replace(s, weight=rd.number(t.get(row, "权重"), s.weight, f"分区「{s.name}」的权重", rowno, "权重"))
            out.append(s)
        sections = tuple(out)

    if scheme.sections and "sections" in found:
        t = found["sections"]
        for rowno, row in t.rows:
            s0 = next((x for x in scheme.sections if x.name == _text(t.get(row, "分区"))), None)
            if s0 is None:
                continue
            for header, written in (("计算方式", "平均" if s0.combine == "mean" else "合计"), ("加分项", "是" if s0.addon else "否")):
                if header in t.col and not _same(t.get(row, header), written):
                    rd.warn(f"「规则」表中分区「{s0.name}」的{header}只能在方案文件中修改，仍按方案计算",
                            f"{header} of section {s0.name} is changed in the scheme file", rowno, header, t.get(row, header))
    items = tuple(_read_options(rd, found.get("options"), it) for it in items)
    if "others" in found:
        _check_others(rd, found["others"])

    commission = scheme.commission
    if isinstance(commission, TierTable):
        commission = _read_table(rd, found.get("tiers"), _TIERS, commission)
    elif isinstance(commission, CoefficientTable):
        commission = _read_table(rd, found.get("coef"), _COEFFICIENTS, commission)
    grades = scheme.grades
    if grades is not None:
        grades = _read_table(rd, found.get("grades"), _GRADES, grades)

    pay = scheme.pay
    if pay is not None and "pay" in found:
        t = found["pay"]
        by_name = {_text(t.get(row, "项目")): (rowno, row) for rowno, row in t.rows}

        def money(label: str, old: Any, what: str, percent: bool = False) -> Any:
            if label not in by_name:
                return old
            rowno, row = by_name[label]
            return rd.number(t.get(row, "数值"), old, what, rowno, "数值", percent=percent)

        kw: dict[str, Any] = {}
        if pay.public_rate is not None:
            rate = money("公共提成比例", pay.public_rate, "公共提成比例", percent=True)
            f = V.rate_finding(rate, "公共提成比例")
            if f is not None:
                rd.bad("公共提成比例", by_name["公共提成比例"][0], "数值", T.cell_out(rate), f.message)
                rate = pay.public_rate
            kw["public_rate"] = rate
        if pay.seniority_per_year is not None:
            kw["seniority_per_year"] = money("每年工龄工资", pay.seniority_per_year, "每年工龄工资")
        kw["rewards"] = tuple(dataclasses.replace(rw, amount=money(f"奖励：{rw.input}", rw.amount, f"{rw.input}的奖励"))
                              for rw in pay.rewards)
        if pay.fine is not None:
            label = pay.fine.input.removesuffix("次数")
            amounts = tuple(money(f"第{k}次{label}罚款", a, f"第{k}次罚款") for k, a in enumerate(pay.fine.amounts, start=1))
            kw["fine"] = dataclasses.replace(pay.fine, amounts=amounts)
        pay = dataclasses.replace(pay, **kw)

    changed = rd.changed
    problems = rd.problems
    if not changed:
        return scheme, problems
    new = dataclasses.replace(scheme, items=tuple(items), params=params, sections=sections, commission=commission,
                              grades=grades, pay=pay)
    if new.total == "sum":
        f = V.full_marks_finding(sum((i.full for i in new.items), Decimal(0)), new.full_marks)
        if f is not None:
            problems.append(Problem(f"「规则」表中{f.message}", f"{f.message_en} on the 规则 sheet", file=file, sheet=SHEET,
                                    severity=WARNING))
    problems.append(Problem("按「规则」表中修改过的数值计算：" + "、".join(dict.fromkeys(changed)),
                            "computed with the numbers changed on the 规则 sheet: " + ", ".join(dict.fromkeys(changed)),
                            file=file, sheet=SHEET, severity=WARNING))
    return new, problems


def _read_options(rd: _Reader, t: _Found | None, it: Item) -> Item:
    """A rubric's option points and texts, edited in the 评分选项 table (matched by 项目 and 选项)."""
    vr = it.value_rule
    if t is None or not isinstance(vr, Rubric):
        return it
    rows = {(_text(t.get(row, "项目")), _text(t.get(row, "选项"))): (rowno, row) for rowno, row in t.rows}
    options = []
    for o in vr.options:
        hit = rows.get((it.name, _text(o.label)))
        if hit is None:
            rd.warn(f"「规则」表中找不到{it.name}的选项「{o.label}」：选项只能在方案文件中增删，仍按方案计算",
                    f"option {o.label} of {it.name} is missing; options are changed in the scheme file", None, "选项", o.label)
            options.append(o)
            continue
        rowno, row = hit
        points = rd.number(t.get(row, "分数"), o.points, f"{it.name}选项「{o.label}」的分数", rowno, "分数")
        text = o.text
        if "说明" in t.col and not _same(t.get(row, "说明"), o.text or None):
            text = "" if _blank(t.get(row, "说明")) else str(t.get(row, "说明")).strip()
            rd.changed.append(f"{it.name}选项「{o.label}」的说明")
        options.append(dataclasses.replace(o, points=points, text=text))
    if tuple(options) != vr.options and len({o.points for o in options}) < len({o.points for o in vr.options}):
        rd.warn(f"「规则」表中{it.name}的几个选项分数相同，无法区分，仍按方案计算",
                f"two options of {it.name} have the same points; the scheme's are kept", None, "分数")
        return it
    if tuple(options) == vr.options:
        return it
    rules = tuple(dataclasses.replace(r, options=tuple(options)) if r is vr else r for r in it.rules)
    return dataclasses.replace(it, rules=rules)


def _check_others(rd: _Reader, t: _Found) -> None:
    """The 其他规则 table is shown, not read: a changed number there is refused with a message."""
    written = {}
    cells, _ = layout(rd.scheme)
    by_row: dict[int, dict[int, Any]] = {}
    for c in cells:
        by_row.setdefault(c.row, {})[c.col] = c.value
    rows = [r for r in by_row.values() if r.get(1) is not None]
    start = next((i for i, r in enumerate(rows) if (r.get(1), r.get(2), r.get(3)) == ("对象", "规则", "数值")), None)
    if start is None:
        return
    for r in rows[start + 1:]:
        if r.get(1) == "方案说明" or len(r) == 1:
            break
        written[(_text(r.get(1)), _text(r.get(2)))] = r.get(3)
    for rowno, row in t.rows:
        key = (_text(t.get(row, "对象")), _text(t.get(row, "规则")))
        if key in written and not _same(t.get(row, "数值"), written[key]):
            rd.warn(f"「规则」表「其他规则」中的{key[0]}「{key[1]}」只能在方案文件中修改，仍按方案计算",
                    f"{key[0]} '{key[1]}' is changed in the scheme file", rowno, "数值", t.get(row, "数值"))


# ---- the item's text follows its numbers ------------------------------------------------------------------------------


def _shown(v: Decimal, share: bool) -> list[str]:
    """How a number may be written in a rule's text: 34% for a share 0.34; 32 for 32."""
    if share:
        return [_num_text(v * 100) + "%", _num_text(v * 100)]
    return [_num_text(v)]


def retext(old: Item, new: Item) -> str:
    """``old.text`` with the numbers HR changed replaced by the new ones; when a changed number cannot be found
    in the text exactly once per change, the rules' own description (so the text never states an old number).

    >>> from cskpi_xl.core.schemefile import builtin
    >>> it = builtin("duoyi").item("咨询转化率")
    >>> r = dataclasses.replace(it.rules[0], upper=Decimal("0.30"), lower=Decimal("0.30"))
    >>> retext(it, dataclasses.replace(it, rules=(r,)))
    '订单数/咨询人数；高于30%每点加5分，低于30%每点扣5分'
    """
    text = old.text
    swaps: list[tuple[str, str]] = []  # (pattern, replacement)
    if len(old.rules) != len(new.rules):
        return _described(new)
    for a, b in zip(old.rules, new.rules):
        if type(a) is not type(b):
            return _described(new)
        if isinstance(a, Linear):
            share = a.metric in SHARES
            if a.unit != b.unit or a.step != b.step:
                return _described(new)
            for x, y in ((a.upper, b.upper), (a.lower, b.lower)):
                if x != y:
                    if not (isinstance(x, Decimal) and isinstance(y, Decimal)):
                        return _described(new)
                    for ox, ny in zip(_shown(x, share), _shown(y, share)):
                        swaps.append((rf"(?<![\d.]){re.escape(ox)}(?![\d.])", ny))
            for x, y in ((a.above, b.above), (a.below, b.below)):
                if x != y:
                    if x == 0 or y == 0 or (x > 0) != (y > 0):
                        return _described(new)
                    verb = "加" if x > 0 else "扣"
                    swaps.append((rf"{verb}{re.escape(_num_text(abs(x)))}(?![\d.])分", f"{verb}{_num_text(abs(y))}分"))
        elif isinstance(a, PerCount):
            if a.points != b.points:
                if (a.points > 0) != (b.points > 0) or b.points == 0:
                    return _described(new)
                verb = "加" if a.points > 0 else "扣"
                swaps.append((rf"{verb}{re.escape(_num_text(abs(a.points)))}(?![\d.])分", f"{verb}{_num_text(abs(b.points))}分"))
            if a.after != b.after:
                if a.after is None or b.after is None:
                    return _described(new)
                swaps.append((rf"(?<![\d.]){a.after}(?![\d.])次", f"{b.after}次"))
            if a.then != b.then:
                if a.then is None or b.then is None:
                    return _described(new)
                swaps.append((rf"(?<![\d.]){re.escape(_num_text(abs(a.then)))}(?![\d.])分", f"{_num_text(abs(b.then))}分"))
    for pattern, repl in dict.fromkeys(swaps):
        text, n = re.subn(pattern, repl, text)
        if n == 0:
            if pattern.endswith("(?![\\d.])") and "%" not in pattern:
                continue  # the plain form of a share (34 without %): the % form was tried too
            return _described(new)
    return text


def _described(item: Item) -> str:
    return "；".join(r.describe() for r in item.rules)


def needs_reset(scheme: Scheme, value_at: ValueAt) -> bool:
    """Whether the template's 规则 sheet holds anything where :func:`~cskpi_xl.workbook.rulesheet.layout` of
    ``scheme`` (the scheme as read) writes nothing — rows HR inserted or moved: the sheet is then cleared before
    it is written again, so no stale row stays behind (the filled sheet's formulas point at the new layout).
    """
    cells, _ = layout(scheme)
    written = {(c.row, c.col) for c in cells}
    for i, row in enumerate(_grid(scheme, value_at), start=1):
        for j, v in enumerate(row, start=1):
            if not _blank(v) and (i, j) not in written:
                return True
    return False


def clear_openpyxl(wb) -> None:
    """Empty the 规则 sheet of an openpyxl workbook (values only; it is written again from the scheme)."""
    if SHEET in wb.sheetnames:
        ws = wb[SHEET]
        for mr in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(mr))
        for row in ws.iter_rows():
            for c in row:
                c.value = None
