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
from decimal import Decimal
from typing import Any, Callable

from cskpi_xl.core import tables as T
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.rules import Linear, PerCount
from cskpi_xl.core.scheme import Scheme
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

    return value_at


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(a, str) and not a.strip()):
        return (a in (None, "") or (isinstance(a, str) and not a.strip())) and b in (None, "")
    try:
        return T.parse_number(a) == T.parse_number(b)
    except ValueError:
        return str(a).strip() == str(b).strip()


def read_rules(scheme: Scheme, value_at: ValueAt, file: str | None = None) -> tuple[Scheme, list[Problem]]:
    """``scheme`` with the numbers changed on the 规则 sheet; problems for cells that cannot be used."""
    cells, refs = layout(scheme)
    written = {absref(c.col, c.row): c.value for c in cells}
    problems: list[Problem] = []
    changed: list[str] = []

    def cell(ref: str) -> tuple[bool, Any]:
        v = value_at(ref)
        if isinstance(v, str) and not v.strip():
            v = None
        return (not _same(v, written.get(ref))), v

    def bad(ref: str, what: str, value: Any) -> None:
        problems.append(Problem(f"「规则」表中{what}不是可用的数值，仍按方案计算", f"{what} on the 规则 sheet is not usable; the scheme's value is kept",
                                file=file, sheet=SHEET, column=ref.rpartition("!")[2].replace("$", ""), value=value,
                                severity=WARNING))

    def number(ref: str, what: str, old: Any, *, allow_none: bool = False, percent: bool = False) -> Any:
        diff, v = cell(ref)
        if not diff:
            return old
        if v is None or (allow_none and isinstance(v, str) and "不设" in v):
            if allow_none:
                changed.append(what)
                return None
            bad(ref, what, v)
            return old
        try:
            new = T.parse_number(v, percent=percent)
        except ValueError:
            bad(ref, what, v)
            return old
        changed.append(what)
        return new

    # items: 满分, 最低分, and the linear / per-count parameters
    items = []
    for it in scheme.items:
        full = number(refs.item_full[it.name], f"{it.name}的满分", it.full)
        floor = number(refs.item_floor[it.name], f"{it.name}的最低分", it.floor, allow_none=True)
        rules = []
        for j, r in enumerate(it.rules):
            if isinstance(r, Linear):
                kw: dict[str, Any] = {}
                base_ref = refs.items.get((it.name, j, "基准"))
                if r.upper == r.lower and base_ref and isinstance(r.upper, Decimal):
                    b = number(base_ref, f"{it.name}的基准", r.upper)
                    kw.update(upper=b, lower=b)
                for header, fld in _LINEAR.items():
                    ref = refs.items.get((it.name, j, header))
                    old = getattr(r, fld)
                    if ref is None or (fld in ("upper", "lower") and (r.upper == r.lower or not isinstance(old, Decimal))):
                        continue
                    if fld == "step":
                        diff, v = cell(ref)
                        if diff:
                            try:
                                kw[fld] = T.parse_bool(v)
                                changed.append(f"{it.name}的{header}")
                            except ValueError:
                                bad(ref, f"{it.name}的{header}", v)
                        continue
                    kw[fld] = number(ref, f"{it.name}的{header}", old)
                if kw.get("unit") is not None and kw["unit"] <= 0:
                    bad(refs.items[(it.name, j, "单位")], f"{it.name}的单位", kw.pop("unit"))
                r = dataclasses.replace(r, **kw)
            elif isinstance(r, PerCount):
                kw = {}
                for header, fld in _PERCOUNT.items():
                    ref = refs.items.get((it.name, j, header))
                    if ref is None:
                        continue
                    new = number(ref, f"{it.name}的{header}", getattr(r, fld), allow_none=fld != "points")
                    if fld == "after" and new is not None:
                        new = int(new)
                    kw[fld] = new
                if (kw.get("after") is None) != (kw.get("then") is None):
                    kw["after"], kw["then"] = r.after, r.then
                r = dataclasses.replace(r, **kw)
            rules.append(r)
        items.append(dataclasses.replace(it, full=full, floor=floor, rules=tuple(rules)))

    params = {k: number(refs.params[k], f"参数「{k}」", v) for k, v in scheme.params.items()}
    sections = tuple(dataclasses.replace(s, weight=number(refs.sections[(s.name, "权重")], f"分区「{s.name}」的权重", s.weight))
                     for s in scheme.sections)

    def edited(keys: dict[tuple[int, str], str], n: int, parse: Callable[[list[list]], tuple[Any, list[Problem]]]) -> Any:
        """The table HR edited, parsed; None when nothing in it changed or it cannot be used (then: warnings)."""
        headers = list(dict.fromkeys(h for (_, h) in keys))
        rows, diff = [headers], False
        for i in range(n):
            row = []
            for h in headers:
                d, v = cell(keys[(i, h)])
                diff = diff or d
                row.append(v)
            rows.append(row)
        if not diff:
            return None
        new, more = parse(rows)
        problems.extend(p._replace(severity=WARNING, file=file) for p in more)
        return new

    commission = scheme.commission
    if isinstance(commission, TierTable):
        new = edited(refs.tiers, len(commission.tiers),
                     lambda rows: T.rows_to_tiers(rows, "规则表的提成表", basis=commission.basis))
        what = "提成表"
    elif isinstance(commission, CoefficientTable):
        new = edited(refs.coef, len(commission.bands),
                     lambda rows: T.rows_to_coefficient(rows, "规则表的系数提成表", basis=commission.basis))
        what = "系数提成表"
    else:
        new = None
    if new is not None:
        commission = new
        changed.append(what)
    grades = scheme.grades
    if grades is not None:
        new = edited(refs.grades, len(grades.bands), lambda rows: T.rows_to_grades(rows, "规则表的等级表"))
        if new is not None and new.labels() == grades.labels():
            grades = new
            changed.append("等级表")
        elif new is not None:
            problems.append(Problem("「规则」表中等级名称被改动，等级名称只能在方案文件中修改，仍按方案计算",
                                    "grade labels were changed on the 规则 sheet; change them in the scheme file",
                                    file=file, sheet=SHEET, severity=WARNING))
    pay = scheme.pay
    if pay is not None and refs.pay:
        kw = {}
        if "公共提成比例" in refs.pay:
            kw["public_rate"] = number(refs.pay["公共提成比例"], "公共提成比例", pay.public_rate, percent=True)
        if "每年工龄工资" in refs.pay:
            kw["seniority_per_year"] = number(refs.pay["每年工龄工资"], "每年工龄工资", pay.seniority_per_year)
        kw["rewards"] = tuple(dataclasses.replace(rw, amount=number(refs.pay[f"奖励:{rw.input}"], f"{rw.input}的奖励", rw.amount))
                              for rw in pay.rewards)
        if pay.fine is not None:
            amounts = tuple(number(refs.pay[f"罚款:{k}"], f"第{k}次罚款", a) for k, a in enumerate(pay.fine.amounts, start=1))
            kw["fine"] = dataclasses.replace(pay.fine, amounts=amounts)
        pay = dataclasses.replace(pay, **kw)

    if not changed:
        return scheme, problems
    new = dataclasses.replace(scheme, items=tuple(items), params=params, sections=sections, commission=commission,
                              grades=grades, pay=pay)
    if new.total == "sum":
        total = sum((i.full for i in new.items), Decimal(0))
        if total != new.full_marks:
            problems.append(Problem(f"「规则」表中各项满分合计为 {total}，不等于总分 {new.full_marks}",
                                    f"item full marks on the 规则 sheet add up to {total}, not {new.full_marks}",
                                    file=file, sheet=SHEET, severity=WARNING))
    problems.append(Problem("按「规则」表中修改过的数值计算：" + "、".join(dict.fromkeys(changed)),
                            "computed with the numbers changed on the 规则 sheet: " + ", ".join(dict.fromkeys(changed)),
                            file=file, sheet=SHEET, severity=WARNING))
    return new, problems
