"""The 规则 sheet: the scheme's tables, laid out so that formulas can point at them.

The tables are the ones :mod:`cskpi_xl.core.schemefile.sheet` writes (items and their
rules, commission tiers or the KPI-coefficient table, grades) plus three
small ones of our own (分区 weights, named 参数, 工资 constants). Every table
starts with a caption row and a Chinese header row; its data rows follow.

:func:`layout` returns the cells to write and a :class:`RuleRefs` map from
what a formula needs ("the 比例 of tier 2", "the 满分 of 咨询转化率") to an
absolute reference such as ``'规则'!$F$12``. The same function lays out the
sheet in the built-in templates and in every filled workbook, so the
references always match.

>>> from cskpi_xl.core.schemefile import builtin
>>> cells, refs = layout(builtin("standard"))
>>> refs.tier(1, "比例")
"'规则'!$F$23"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from openpyxl.utils import get_column_letter

from cskpi_xl.core.schemefile import sheet as T
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.core.tiers import CoefficientTable, TierTable

SHEET = "规则"


class CellKind(StrEnum):
    """What a cell of the 规则 sheet is; the value names its look (``workbook/apply.RULE_STYLES``)."""

    TITLE = "title"
    CAPTION = "caption"
    HEADER = "header"
    DATA = "data"
    NOTE = "note"


def absref(col: int, row: int, sheet: str = SHEET) -> str:
    return f"'{sheet}'!${get_column_letter(col)}${row}"


@dataclass
class RuleCell:
    """One cell of the 规则 sheet, of a :class:`CellKind`."""

    row: int
    col: int
    value: Any
    kind: CellKind = CellKind.DATA
    number_format: str | None = None

    @property
    def address(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


@dataclass
class RuleRefs:
    """Where each rule number lives on the 规则 sheet."""

    items: dict[tuple[str, int, str], str] = field(default_factory=dict)      # (item, rule index, header)
    item_full: dict[str, str] = field(default_factory=dict)
    item_floor: dict[str, str] = field(default_factory=dict)
    sections: dict[tuple[str, str], str] = field(default_factory=dict)       # (section, header)
    params: dict[str, str] = field(default_factory=dict)
    tiers: dict[tuple[int, str], str] = field(default_factory=dict)          # (tier index, header)
    coef: dict[tuple[int, str], str] = field(default_factory=dict)
    grades: dict[tuple[int, str], str] = field(default_factory=dict)         # (grade index, header)
    grade_labels: str | None = None                                          # a range of the labels
    grade_columns: dict[str, str] = field(default_factory=dict)              # attr header → range
    pay: dict[str, str] = field(default_factory=dict)

    def tier(self, i: int, header: str) -> str:
        return self.tiers[(i, header)]


def _pct_format(header: str) -> str | None:
    return "0.00%" if header == "比例" else None


def layout(scheme: Scheme) -> tuple[list[RuleCell], RuleRefs]:
    """The 规则 sheet of ``scheme``: its cells and the references formulas use."""
    cells: list[RuleCell] = []
    refs = RuleRefs()
    row = 1
    cells.append(RuleCell(row, 1, f"规则：{scheme.name}（{scheme.source or scheme.id}）", CellKind.TITLE))
    row += 1
    cells.append(RuleCell(row, 1, "可直接修改本表中的数值（满分、基准、每单位加减分、提成比例、等级分数线等），考核表中的公式随之重新计算；"
                                 "要长期修改，请改方案文件（cskpi check 检查）。", CellKind.NOTE))
    row += 2

    def table(caption: str, rows: list[list]) -> tuple[int, list[str]]:
        nonlocal row
        cells.append(RuleCell(row, 1, caption, CellKind.CAPTION))
        row += 1
        header = [str(h) for h in rows[0]]
        for c, h in enumerate(header, start=1):
            cells.append(RuleCell(row, c, h, CellKind.HEADER))
        first = row + 1
        for r in rows[1:]:
            row += 1
            for c, v in enumerate(r, start=1):
                if v is None:
                    continue
                cells.append(RuleCell(row, c, v, CellKind.DATA, _pct_format(header[c - 1])))
        row += 2
        return first, header

    # items, one row per rule (tables.items_to_rows)
    first, header = table("考核项目与计分规则", T.items_to_rows(scheme))
    col = {h: i + 1 for i, h in enumerate(header)}
    r = first
    for it in scheme.items:
        n = max(1, len(it.rules))
        refs.item_full[it.name] = absref(col["满分"], r)
        refs.item_floor[it.name] = absref(col["最低分"], r)
        for j in range(n):
            for h in header:
                refs.items[(it.name, j, h)] = absref(col[h], r + j)
        r += n

    if scheme.sections:
        rows = [["分区", "权重", "计算方式", "加分项"]]
        for s in scheme.sections:
            rows.append([s.name, T.cell_out(s.weight), "平均" if s.combine == "mean" else "合计", "是" if s.addon else "否"])
        first, header = table("分区与权重（权重按百分数；加分项在加权后直接相加）", rows)
        for i, s in enumerate(scheme.sections):
            for c, h in enumerate(header, start=1):
                refs.sections[(s.name, h)] = absref(c, first + i)

    if scheme.params:
        rows = [["参数", "数值"]] + [[k, T.cell_out(v)] for k, v in scheme.params.items()]
        first, _ = table("参数", rows)
        for i, k in enumerate(scheme.params):
            refs.params[k] = absref(2, first + i)

    if isinstance(scheme.commission, TierTable):
        first, header = table(f"个人提成表（按{scheme.commission.basis}）", T.tiers_to_rows(scheme.commission))
        for i in range(len(scheme.commission.tiers)):
            for c, h in enumerate(header, start=1):
                refs.tiers[(i, h)] = absref(c, first + i)
    elif isinstance(scheme.commission, CoefficientTable):
        first, header = table(f"KPI 系数提成表（考核得分 → 按{scheme.commission.basis}全额提成的比例）",
                              T.coefficient_to_rows(scheme.commission))
        for i in range(len(scheme.commission.bands)):
            for c, h in enumerate(header, start=1):
                refs.coef[(i, h)] = absref(c, first + i)

    if scheme.grades is not None:
        first, header = table("等级", T.grades_to_rows(scheme.grades))
        n = len(scheme.grades.bands)
        for i in range(n):
            for c, h in enumerate(header, start=1):
                refs.grades[(i, h)] = absref(c, first + i)
        refs.grade_labels = f"'{SHEET}'!$A${first}:$A${first + n - 1}"
        for c, h in enumerate(header, start=1):
            col_letter = get_column_letter(c)
            refs.grade_columns[h] = f"'{SHEET}'!${col_letter}${first}:${col_letter}${first + n - 1}"

    p = scheme.pay
    if p is not None:
        rows = [["项目", "数值", "说明"]]
        keys = []
        if p.public_rate is not None:
            rows.append(["公共提成比例", T.cell_out(p.public_rate), "公共提成 = 公共销售额 × 比例 ÷ 客服人数"])
            keys.append("公共提成比例")
        if p.seniority_per_year is not None:
            rows.append(["每年工龄工资", T.cell_out(p.seniority_per_year), "工龄工资 = 工龄年数 × 每年金额"])
            keys.append("每年工龄工资")
        for rw in p.rewards:
            rows.append([f"奖励：{rw.input}", T.cell_out(rw.amount), rw.text])
            keys.append(f"奖励:{rw.input}")
        if p.fine is not None:
            for k, a in enumerate(p.fine.amounts, start=1):
                rows.append([f"第{k}次{p.fine.input.removesuffix('次数')}罚款", T.cell_out(a), p.fine.text if k == 1 else ""])
                keys.append(f"罚款:{k}")
        if len(rows) > 1:
            first, _ = table("工资与奖罚", rows)
            for i, k in enumerate(keys):
                refs.pay[k] = absref(2, first + i)
                if k == "公共提成比例":
                    for c in cells:
                        if c.row == first + i and c.col == 2:
                            c.number_format = "0.00%"

    extras = []
    for it in scheme.items:
        vr = it.value_rule
        if vr is not None and getattr(vr, "options", None):
            for o in vr.options:
                extras.append([it.name, o.label, T.cell_out(o.points), o.text])
    if extras:
        table("评分选项（下拉选择；分数见「分数」列）", [["项目", "选项", "分数", "说明"]] + extras)

    others = []
    for it in scheme.items:
        if it.base is not None:
            others.append([it.name, "起始分", T.cell_out(it.base)])
        if it.cap is not None:
            others.append([it.name, "最高分", T.cell_out(it.cap)])
        if it.na_points is not None:
            others.append([it.name, "无法计算时得分", T.cell_out(it.na_points)])
    for cap in scheme.grade_caps:
        others.append(["等级上限", cap.text, f"最高 {cap.max_grade}（{' 或 '.join(t.describe() for t in cap.tests)}）"])
    for ex in scheme.exclusions:
        others.append(["不参加考核", ex.text, " 或 ".join(t.describe() for t in ex.tests)])
    for fl in scheme.flags:
        others.append(["标记", fl.text, " 或 ".join(t.describe() for t in fl.tests)])
    for st in scheme.streaks:
        others.append(["连续月份", st.text or st.flag or "", f"连续 {st.months} 个月" + (f"，奖励 {st.bonus} 元" if st.bonus else "")])
    if others:
        table("其他规则（在方案文件中修改）", [["对象", "规则", "数值"]] + others)

    if scheme.notes:
        cells.append(RuleCell(row, 1, "方案说明", CellKind.CAPTION))
        for n in scheme.notes:
            row += 1
            cells.append(RuleCell(row, 1, n, CellKind.NOTE))
    return cells, refs
