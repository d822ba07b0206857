"""The sheet reader: scheme parts as 2-D tables with a Chinese header row (cells), and back.

This is the format HR types into cells (a tier table on a 规则 sheet, handed
to ``=COMMISSION_TIER(B2, 规则!A1:H5)``) and the format the template's 规则
sheet shows. A table is a list of rows; a row is a list of cell values as a
spreadsheet gives them (numbers, text, ``None`` for blank, ``True``/``False``).

Reading a table never raises: blank rows are ignored, and every bad cell
becomes a :class:`~cskpi_xl.core.problems.Problem` naming the row (the
table's header row is row ``first_row``, 1 unless told) and the column header
in Chinese. The result is ``None`` when any error was found.

Commission tiers (headers 下限, 上限, 含下限, 含上限, 方式, 比例, 基数, 起算额):

>>> rows = [["下限", "上限", "含上限", "方式", "比例", "基数"],
...         [None, 15000, "否", "全额", "1.5%", None],
...         [15000, 20000, "否", "超额", 0.02, 150],
...         [20000, None, "否", "全额", "2%", None]]
>>> table, problems = rows_to_tiers(rows)
>>> str(table.commission(14999)), str(table.commission(15000)), problems
('224.99', '150.00', [])
>>> rows_to_tiers([["下限", "比例"], [0, "abc"]])[1][0].format()
"错误: 第 2 行 列「比例」: 比例不是数字或百分比（值：'abc'）"

Blank 含下限 means 是 and blank 含上限 means 否 (the lower bound belongs to
the band, the rulebook's convention) — the same defaults as a missing
``lower_inclusive`` / ``upper_inclusive`` in a scheme file, and the same
checks (:mod:`.validate`): a tier table read from cells and the same table
read from TOML give the same model and the same problems. Blank 方式 means
全额; blank 起算额 means the band's 下限. :func:`tiers_to_rows` always writes
every column, so a table written by it reads back to the same commission for
every amount.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any, Iterable, Sequence

from cskpi_xl.core import names as N
from cskpi_xl.core.grades import GradeBand, Grades
from cskpi_xl.core.numbers import to_decimal
from cskpi_xl.core.problems import ERROR, Problem
from cskpi_xl.core.rules import Condition, Linear, PerCount, Rubric, Score
from cskpi_xl.core.scheme import Item, Scheme
from cskpi_xl.core.schemefile import validate as V
from cskpi_xl.core.tiers import CoefficientBand, CoefficientTable, Tier, TierKind, TierTable

TIER_HEADERS = ("下限", "上限", "含下限", "含上限", "方式", "比例", "基数", "起算额")
GRADE_HEADERS = ("等级", "下限", "上限", "含下限", "含上限")
COEFFICIENT_HEADERS = ("下限", "上限", "比例")
ITEM_HEADERS = ("项目", "满分", "规则类型", "指标/录入项", "基准", "上基准", "下基准", "单位", "高于每单位",
                "低于每单位", "按整单位", "每次", "超过次数后", "之后每次", "最低分", "说明")

# 方式 as HR writes it ↔ the tier kind.
KIND_WORDS = {TierKind.FLAT: "全额", TierKind.MARGINAL: "超额", TierKind.FIXED: "固定"}
_KIND_IN = {
    "全额": "flat", "全额提成": "flat", "按全额": "flat", "flat": "flat",
    "超额": "marginal", "超额累进": "marginal", "超出部分": "marginal", "超额部分": "marginal", "累进": "marginal",
    "marginal": "marginal",
    "固定": "fixed", "固定金额": "fixed", "定额": "fixed", "fixed": "fixed",
}
RULE_WORDS = {"linear": "线性", "per_count": "按次", "condition": "条件", "rubric": "评分选项", "score": "打分"}
_RULE_IN = {"线性": "linear", "linear": "linear", "按基准": "linear", "基准": "linear",
            "按次": "per_count", "次数": "per_count", "每次": "per_count", "per_count": "per_count"}

# Other headers HR writes for the same column.
_HEADER_ALIASES = {
    "下限": ("下限", "最低", "从", "起", "销售额下限", "分数下限", "最低分数"),
    "上限": ("上限", "最高", "到", "止", "销售额上限", "分数上限", "最高分数"),
    "含下限": ("含下限", "包含下限", "下限含"),
    "含上限": ("含上限", "包含上限", "上限含"),
    "方式": ("方式", "计算方式", "提成方式", "类型"),
    "比例": ("比例", "提成比例", "费率", "提成率", "比率"),
    "基数": ("基数", "基础金额", "固定金额", "基本金额"),
    "起算额": ("起算额", "起算点", "超出起点"),
    "等级": ("等级", "级别", "评级"),
    "项目": ("项目", "考核项目", "项目名称"),
    "满分": ("满分", "分值", "权重", "分数比"),
    "规则类型": ("规则类型", "规则"),
    "指标/录入项": ("指标/录入项", "指标", "录入项", "指标或录入项"),
}

_TRUE = {"是", "含", "包含", "y", "yes", "true", "1", "√", "✓", "对"}
_FALSE = {"否", "不含", "不包含", "n", "no", "false", "0", "×", "✗", "x", "错"}
_NO_FLOOR = {"不设", "不设下限", "无", "无下限", "none", "上不封顶"}


def _p(zh: str, en: str, row: int | None, column: str | None, value: Any, where: str) -> Problem:
    return Problem(zh, en, sheet=where or None, row=row, column=column, value=_show(value))


def _show(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str) and not v.strip():
        return True
    if isinstance(v, float) and v != v:  # NaN from numpy-backed ranges
        return True
    return False


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def cell_out(d: Any) -> Any:
    """A Decimal as a spreadsheet cell takes it: an int when whole, else a float; None stays None."""
    if isinstance(d, Decimal):
        return int(d) if d == d.to_integral_value() and abs(d) < 10**15 else float(d)
    return d


def parse_number(v: Any, percent: bool = False) -> Decimal:
    """A number from a cell: 12000, "12,000", "1.2万", "15000元", "1.5%" (→ 0.015).

    Raises ``ValueError`` for anything else (the readers turn it into a problem).

    >>> parse_number("1.2万"), parse_number("1.5%"), parse_number(" 15,000元 ")
    (Decimal('12000.0'), Decimal('0.015'), Decimal('15000'))
    """
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, (int, float, Decimal)):
        return to_decimal(v)
    if not isinstance(v, str):
        raise ValueError(v)
    s = _norm(v).replace(",", "").replace("，", "").replace(" ", "")
    s = s.removesuffix("元")
    scale = Decimal(1)
    if s.endswith("%"):
        s, scale = s[:-1], Decimal("0.01")
    elif s.endswith("‰"):
        s, scale = s[:-1], Decimal("0.001")
    elif s.endswith("万"):
        s, scale = s[:-1], Decimal(10000)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", s):
        raise ValueError(v)
    return to_decimal(s) * scale


def parse_bool(v: Any) -> bool:
    """是/否 (also 含/不含, Y/N, TRUE/FALSE, 1/0, √/×); raises ``ValueError`` otherwise."""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, Decimal)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        s = _norm(v).lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise ValueError(v)


class _Table:
    """A header row and the data rows below it, with per-cell readers that record problems."""

    def __init__(self, rows: Any, where: str, first_row: int, known: Sequence[str], required: Sequence[str]) -> None:
        self.where = where
        self.problems: list[Problem] = []
        self.columns: dict[str, int] = {}
        self.extra: list[tuple[str, int]] = []
        self.rows: list[tuple[int, list]] = []
        grid = _grid(rows)
        if grid is None:
            self.problems.append(_p("表格应为若干行若干列的单元格区域", "a table must be a range of rows and columns",
                                    None, None, rows, where))
            return
        header_at = next((i for i, r in enumerate(grid) if not all(_blank(c) for c in r)), None)
        if header_at is None:
            self.problems.append(_p("表格是空的（第一行应为标题：" + "、".join(required) + "）", "the table is empty",
                                    first_row, None, None, where))
            return
        aliases = {_norm(a): canon for canon in known for a in _HEADER_ALIASES.get(canon, (canon,))}
        header_row = first_row + header_at
        for j, h in enumerate(grid[header_at]):
            if _blank(h):
                continue
            text = _norm(str(h))
            key = aliases.get(text) or aliases.get(re.sub(r"[（(].*?[)）]", "", text).strip())
            if key is None:
                self.extra.append((text, j))
            elif key in self.columns:
                self.problems.append(_p(f"标题「{text}」重复", f"duplicate header '{text}'", header_row, text, h, where))
            else:
                self.columns[key] = j
        missing = [c for c in required if c not in self.columns]
        if missing:
            self.problems.append(_p(f"缺少标题列「{'」「'.join(missing)}」；第一行应为标题：{'、'.join(known)}",
                                    "missing header columns: " + ", ".join(missing), header_row, None, None, where))
        for i, r in enumerate(grid[header_at + 1:], start=header_at + 1):
            if not all(_blank(c) for c in r):
                self.rows.append((first_row + i, r))

    def get(self, row: list, column: str) -> Any:
        j = self.columns.get(column)
        if j is None or j >= len(row):
            return None
        v = row[j]
        return None if _blank(v) else v

    def num(self, rowno: int, row: list, column: str, default: Any = None, percent: bool = False) -> Any:
        v = self.get(row, column)
        if v is None:
            return default
        try:
            return parse_number(v, percent)
        except ValueError:
            what = "数字或百分比" if percent else "数字"
            self.err(rowno, column, f"{column}不是{what}", f"{column} is not a number", v)
            return default

    def ref(self, rowno: int, row: list, column: str) -> Decimal | str | None:
        """A number, or the name of a team value or parameter (团队客单价)."""
        v = self.get(row, column)
        if v is None:
            return None
        try:
            return parse_number(v)
        except ValueError:
            return N.canonical(_norm(str(v)))

    def flag(self, rowno: int, row: list, column: str, default: bool) -> bool:
        v = self.get(row, column)
        if v is None:
            return default
        try:
            return parse_bool(v)
        except ValueError:
            self.err(rowno, column, f"{column}应填「是」或「否」", f"{column} must be 是 or 否", v)
            return default

    def text(self, row: list, column: str) -> str | None:
        v = self.get(row, column)
        return None if v is None else _norm(str(v))

    def err(self, rowno: int | None, column: str | None, zh: str, en: str, value: Any = None) -> None:
        self.problems.append(_p(zh, en, rowno, column, value, self.where))

    def finding(self, f: V.Finding, rowno: int | None, column: str | None, value: Any = None) -> None:
        """A finding of the validator, placed at a row and column (with the cell as typed, else the finding's value)."""
        self.problems.append(Problem(f.message, f.message_en, sheet=self.where or None, row=rowno, column=column,
                                     value=_show(value if value is not None else f.value), severity=f.severity))

    def bounds(self, rowno: int, row: list) -> tuple[V.Bounds, bool]:
        """下限, 上限, 含下限, 含上限 with the one set of defaults; and whether all four cells were usable."""
        before = len(self.problems)
        b = (self.num(rowno, row, "下限"), self.num(rowno, row, "上限"), self.flag(rowno, row, "含下限", V.LOWER_INCLUSIVE),
             self.flag(rowno, row, "含上限", V.UPPER_INCLUSIVE))
        return b, len(self.problems) == before

    def check_bands(self, table: V.BandTable, bands: list[V.Bounds], rownos: list[int], labels: list[str] | None = None) -> None:
        """The validator's band checks; a reversed band is placed at its row's 上限 cell, the rest at the table."""
        for f in V.band_findings(table, bands, labels):
            if f.kind is V.Kind.BOUNDS_REVERSED:
                self.finding(f, rownos[f.index], "上限")
            else:
                self.finding(f, None, None)

    @property
    def failed(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)


def _grid(rows: Any) -> list[list] | None:
    """Rows as a list of lists; a flat list is one row; a scalar is not a table."""
    if hasattr(rows, "tolist"):  # numpy arrays
        rows = rows.tolist()
    if not isinstance(rows, (list, tuple)):
        return None
    if not rows:
        return []
    if all(not isinstance(r, (list, tuple)) for r in rows):
        return [list(rows)]
    out = []
    for r in rows:
        if hasattr(r, "tolist"):
            r = r.tolist()
        out.append(list(r) if isinstance(r, (list, tuple)) else [r])
    return out


def _yes(b: bool) -> str:
    return "是" if b else "否"


# ---- commission tiers ---------------------------------------------------------------------------------------------


def tiers_to_rows(table: TierTable) -> list[list]:
    """A commission table as rows under the header 下限, 上限, 含下限, 含上限, 方式, 比例, 基数, 起算额.

    >>> from cskpi_xl.core.schemefile import builtin
    >>> tiers_to_rows(builtin("standard").commission)[2]
    [15000, 20000, '是', '是', '超额', 0.02, 150, None]
    """
    rows: list[list] = [list(TIER_HEADERS)]
    for t in table.tiers:
        rows.append([cell_out(t.lower), cell_out(t.upper), _yes(t.lower_inclusive), _yes(t.upper_inclusive),
                     KIND_WORDS[t.kind], cell_out(t.rate), cell_out(t.base), cell_out(t.threshold)])
    return rows


def rows_to_tiers(rows: Any, where: str = "", first_row: int = 1, basis: str = "销售额") -> tuple[TierTable | None, list[Problem]]:
    """A commission table from rows with a header row; ``(None, problems)`` when any cell is unusable."""
    tb = _Table(rows, where, first_row, TIER_HEADERS, ())
    if not tb.failed and not ({"比例", "基数"} & set(tb.columns)):
        tb.err(first_row, None, "提成表至少需要「比例」或「基数」列；标题：" + "、".join(TIER_HEADERS),
               "a tier table needs a 比例 or 基数 column")
    tiers: list[Tier] = []
    rownos: list[int] = []
    readable = not tb.failed
    for rowno, row in tb.rows:
        (lower, upper, lower_inc, upper_inc), ok = tb.bounds(rowno, row)
        readable = readable and ok
        kind_text = tb.text(row, "方式")
        kind = "flat"
        if kind_text is not None:
            kind = _KIND_IN.get(kind_text.lower())
            if kind is None:
                tb.err(rowno, "方式", "方式只能是 全额、超额 或 固定", "方式 must be 全额, 超额 or 固定", kind_text)
                kind = "flat"
        rate = tb.num(rowno, row, "比例", None, percent=True)
        if rate is None and kind != TierKind.FIXED and "比例" in tb.columns and tb.get(row, "比例") is None:
            tb.finding(V.missing_rate_finding(), rowno, "比例")
        f = V.rate_finding(rate)
        if f is not None:
            tb.finding(f, rowno, "比例", tb.get(row, "比例"))
        tiers.append(Tier(lower, upper, lower_inc, upper_inc, kind, rate or Decimal(0), tb.num(rowno, row, "基数", Decimal(0)),
                          tb.num(rowno, row, "起算额")))
        rownos.append(rowno)
    if not tb.rows and not tb.failed:
        tb.err(first_row, None, "提成表没有数据行", "the tier table has no rows")
    if readable and tiers:
        tb.check_bands(V.TIERS, [(t.lower, t.upper, t.lower_inclusive, t.upper_inclusive) for t in tiers], rownos)
    if tb.failed:
        return None, tb.problems
    return TierTable(tuple(tiers), N.canonical(basis)), tb.problems


# ---- grades -------------------------------------------------------------------------------------------------------


def grades_to_rows(grades: Grades) -> list[list]:
    """Grade bands as rows under 等级, 下限, 上限, 含下限, 含上限 and one column per attribute.

    >>> from cskpi_xl.core.schemefile import builtin
    >>> rows = grades_to_rows(builtin("standard").grades)
    >>> rows[0][:6], rows[2][:6]
    (['等级', '下限', '上限', '含下限', '含上限', '培训需求'], ['优秀', 85, 95, '是', '否', '一般'])
    """
    attrs: list[str] = []
    for b in grades.bands:
        for k in b.attrs:
            if k not in attrs:
                attrs.append(k)
    rows: list[list] = [list(GRADE_HEADERS) + attrs]
    for b in grades.bands:
        rows.append([b.label, cell_out(b.low), cell_out(b.high), _yes(b.low_inclusive), _yes(b.high_inclusive)]
                    + [cell_out(b.attrs.get(k)) for k in attrs])
    return rows


_NUMERIC_ATTRS = (N.POST_PAY, N.PERFORMANCE_PAY_RATIO)


def rows_to_grades(rows: Any, where: str = "", first_row: int = 1) -> tuple[Grades | None, list[Problem]]:
    """Grade bands (best first, as typed) from rows; further columns become each grade's attributes.

    >>> g, _ = rows_to_grades([["等级", "下限", "上限", "岗位工资"], ["优秀", 85, None, 1700], ["合格", None, 85, 1500]])
    >>> g.grade(Decimal("94.6")).label, g.grade(Decimal("94.6")).attrs["岗位工资"]
    ('优秀', Decimal('1700'))
    """
    tb = _Table(rows, where, first_row, GRADE_HEADERS, ("等级",))
    bands: list[GradeBand] = []
    rownos: list[int] = []
    readable = True
    for rowno, row in tb.rows:
        label = tb.text(row, "等级")
        if not label:
            tb.err(rowno, "等级", "缺少等级名称", "missing grade label")
            continue
        attrs: dict[str, Any] = {}
        for name, j in tb.extra:
            v = row[j] if j < len(row) else None
            if _blank(v):
                continue
            if name in _NUMERIC_ATTRS and not (name == N.PERFORMANCE_PAY_RATIO and _norm(str(v)) == "得分"):
                try:
                    attrs[name] = parse_number(v, percent=True)
                except ValueError:
                    tb.err(rowno, name, f"{name}不是数字", f"{name} is not a number", v)
                continue
            if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
                attrs[name] = to_decimal(v)
            else:
                attrs[name] = _norm(str(v)) if isinstance(v, str) else v
        (low, high, low_inc, high_inc), ok = tb.bounds(rowno, row)
        readable = readable and ok
        bands.append(GradeBand(label, low, high, low_inc, high_inc, attrs))
        rownos.append(rowno)
    if not bands and not tb.failed:
        tb.err(first_row, None, "等级表没有数据行", "the grade table has no rows")
    if tb.failed:
        return None, tb.problems
    grades = Grades(tuple(bands))
    for f in V.label_findings(V.GRADES, grades.labels()):
        tb.finding(f, None, "等级")
    if readable:
        tb.check_bands(V.GRADES, [(b.low, b.high, b.low_inclusive, b.high_inclusive) for b in bands], rownos, grades.labels())
    if tb.failed:
        return None, tb.problems
    return grades, tb.problems


# ---- coefficient table (S6) ---------------------------------------------------------------------------------------


def coefficient_to_rows(table: CoefficientTable) -> list[list]:
    """A KPI-score → rate table as rows under 下限, 上限, 含下限, 含上限, 比例."""
    rows: list[list] = [["下限", "上限", "含下限", "含上限", "比例"]]
    for b in table.bands:
        rows.append([cell_out(b.low), cell_out(b.high), _yes(b.low_inclusive), _yes(b.high_inclusive), cell_out(b.rate)])
    return rows


def rows_to_coefficient(rows: Any, where: str = "", first_row: int = 1,
                        basis: str = "销售额") -> tuple[CoefficientTable | None, list[Problem]]:
    """A coefficient table from rows with the header 下限, 上限, 比例 (含下限/含上限 optional)."""
    tb = _Table(rows, where, first_row, ("下限", "上限", "含下限", "含上限", "比例"), ("比例",))
    bands: list[CoefficientBand] = []
    rownos: list[int] = []
    readable = not tb.failed
    for rowno, row in tb.rows:
        (low, high, low_inc, high_inc), ok = tb.bounds(rowno, row)
        readable = readable and ok
        rate = tb.num(rowno, row, "比例", None, percent=True)
        if rate is None and "比例" in tb.columns and tb.get(row, "比例") is None:
            tb.err(rowno, "比例", "缺少比例", "missing rate")
        f = V.rate_finding(rate)
        if f is not None:
            tb.finding(f, rowno, "比例", tb.get(row, "比例"))
        bands.append(CoefficientBand(low, high, rate or Decimal(0), low_inc, high_inc))
        rownos.append(rowno)
    if not bands and not tb.failed:
        tb.err(first_row, None, "系数表没有数据行", "the coefficient table has no rows")
    if readable and bands:
        tb.check_bands(V.COEFFICIENTS, [(b.low, b.high, b.low_inclusive, b.high_inclusive) for b in bands], rownos)
    if tb.failed:
        return None, tb.problems
    return CoefficientTable(tuple(bands), N.canonical(basis)), tb.problems


# ---- items --------------------------------------------------------------------------------------------------------


def _item_rows(item: Item) -> list[list]:
    rows = []
    floor = "不设下限" if item.floor is None else cell_out(item.floor)
    rules = item.rules or (None,)
    for i, r in enumerate(rules):
        row: dict[str, Any] = {"项目": item.name, "满分": cell_out(item.full), "最低分": floor}
        if isinstance(r, Linear):
            row.update({"规则类型": RULE_WORDS["linear"], "指标/录入项": r.metric, "单位": cell_out(r.unit),
                        "高于每单位": cell_out(r.above), "低于每单位": cell_out(r.below), "按整单位": _yes(r.step)})
            if r.upper == r.lower:
                row["基准"] = cell_out(r.upper)
            else:
                row["上基准"], row["下基准"] = cell_out(r.upper), cell_out(r.lower)
            row["说明"] = r.describe()
        elif isinstance(r, PerCount):
            row.update({"规则类型": RULE_WORDS["per_count"], "指标/录入项": "+".join(r.inputs), "每次": cell_out(r.points),
                        "超过次数后": r.after, "之后每次": cell_out(r.then), "说明": r.describe()})
        elif isinstance(r, (Condition, Rubric, Score)):
            row.update({"规则类型": RULE_WORDS[r.kind], "说明": r.describe()})
            if isinstance(r, (Rubric, Score)):
                row["指标/录入项"] = r.input
        else:
            row["说明"] = item.text
        if i == 0 and item.text and r is not None:
            row["说明"] = f"{item.text}（{row['说明']}）" if row.get("说明") else item.text
        rows.append([row.get(h) for h in ITEM_HEADERS])
    return rows


def items_to_rows(scheme: Scheme) -> list[list]:
    """Every item's rules, one row per rule, under the header :data:`ITEM_HEADERS`.

    Linear (线性) and per-count (按次) rules show their parameters in columns
    and read back with :func:`rows_to_items`; condition, rubric and score
    rules are shown in 说明 only (they are edited in the scheme file).

    >>> from cskpi_xl.core.schemefile import builtin
    >>> rows = items_to_rows(builtin("duoyi"))
    >>> row = dict(zip(rows[0], rows[3]))
    >>> row["项目"], row["基准"], row["高于每单位"], row["低于每单位"]
    ('咨询转化率', 0.34, 5, -5)
    """
    rows: list[list] = [list(ITEM_HEADERS)]
    for it in scheme.items:
        rows.extend(_item_rows(it))
    return rows


def rows_to_items(rows: Any, where: str = "", first_row: int = 1) -> tuple[list[Item] | None, list[Problem]]:
    """Items from rows under :data:`ITEM_HEADERS`; a blank 项目 continues the item above (merged cells)."""
    tb = _Table(rows, where, first_row, ITEM_HEADERS, ("项目",))
    order: list[str] = []
    parts: dict[str, dict[str, Any]] = {}
    current: str | None = None
    for rowno, row in tb.rows:
        name = tb.text(row, "项目")
        if name:
            current = name
        if current is None:
            tb.err(rowno, "项目", "缺少项目名称", "missing item name")
            continue
        p = parts.get(current)
        if p is None:
            p = parts[current] = {"full": None, "floor": Decimal(0), "rules": [], "text": "", "row": rowno}
            order.append(current)
        full = tb.num(rowno, row, "满分")
        if full is not None:
            f = V.full_finding(full, V.SHEET_FIELDS)
            if f is not None:
                tb.finding(f, rowno, "满分", tb.get(row, "满分"))
            p["full"] = full
        fl = tb.get(row, "最低分")
        if fl is not None:
            if isinstance(fl, str) and _norm(fl).lower() in _NO_FLOOR:
                p["floor"] = None
            else:
                p["floor"] = tb.num(rowno, row, "最低分", Decimal(0))
        if not p["text"]:
            p["text"] = tb.text(row, "说明") or ""
        rule = _rule_from_row(tb, rowno, row)
        if rule is not None:
            p["rules"].append(rule)
    items: list[Item] = []
    for name in order:
        p = parts[name]
        if p["full"] is None:
            tb.err(p["row"], "满分", f"项目「{name}」缺少满分", f"item '{name}' has no full marks")
            continue
        metric = next((r.metric for r in p["rules"] if isinstance(r, Linear)), None)
        items.append(Item(name, p["full"], tuple(p["rules"]), floor=p["floor"], metric=metric, text=p["text"]))
    if not items and not tb.failed:
        tb.err(first_row, None, "项目表没有数据行", "the item table has no rows")
    if tb.failed:
        return None, tb.problems
    return items, tb.problems


#: The column of the sheet holding a field the validator names.
_COLUMN_OF = {"baseline": "基准", "upper": "上基准", "lower": "下基准", "unit": "单位", "after": "超过次数后", "then": "之后每次"}


def _rule_from_row(tb: _Table, rowno: int, row: list):
    kind_text = tb.text(row, "规则类型")
    if kind_text is None:
        if tb.get(row, "每次") is not None:
            kind = "per_count"
        elif any(tb.get(row, c) is not None for c in ("基准", "上基准", "下基准")):
            kind = "linear"
        else:
            return None  # a row with only the name, full marks or text
    else:
        kind = _RULE_IN.get(kind_text.lower())
        if kind is None:
            if kind_text in RULE_WORDS.values():
                tb.err(rowno, "规则类型", f"「{kind_text}」规则只能在方案文件中设置，表格里只能写 线性 或 按次",
                       "only 线性 and 按次 rules can be given in a table", kind_text)
            else:
                tb.err(rowno, "规则类型", "规则类型只能是 线性 或 按次", "rule type must be 线性 or 按次", kind_text)
            return None
    what = tb.text(row, "指标/录入项")
    if not what:
        tb.err(rowno, "指标/录入项", "缺少指标或录入项名称", "missing figure name")
        return None
    if kind == "linear":
        base = tb.ref(rowno, row, "基准")
        up = tb.ref(rowno, row, "上基准")
        lo = tb.ref(rowno, row, "下基准")
        for f in V.baseline_findings(base is not None, up is not None, lo is not None, V.SHEET_FIELDS):
            tb.finding(f, rowno, "基准", tb.get(row, "基准"))
            if base is None:
                return None
        if base is not None:
            up = lo = base
        unit = tb.num(rowno, row, "单位", Decimal(1), percent=True)
        found = V.linear_findings(up, lo, unit, V.SHEET_FIELDS)
        for f in found:
            col = _COLUMN_OF[f.field]
            tb.finding(f, rowno, col, tb.get(row, col))
        if any(f.kind is V.Kind.UNIT_NOT_POSITIVE for f in found):
            return None
        shares = V.share_findings(N.canonical(what), (("baseline", up),) if base is not None else (("upper", up), ("lower", lo)),
                                  unit)
        for f in shares:
            col = _COLUMN_OF[f.field]
            tb.finding(f, rowno, col, tb.get(row, col))
        if shares:
            return None
        return Linear(N.canonical(what), up, lo, unit, tb.num(rowno, row, "高于每单位", Decimal(0)),
                      tb.num(rowno, row, "低于每单位", Decimal(0)), tb.flag(rowno, row, "按整单位", False))
    points = tb.num(rowno, row, "每次")
    if points is None:
        if tb.get(row, "每次") is None:
            tb.err(rowno, "每次", "按次规则需要「每次」的分数（扣分写负数）", "a per-count rule needs 每次")
        return None
    after = tb.num(rowno, row, "超过次数后")
    then = tb.num(rowno, row, "之后每次")
    f = V.after_finding(after, V.SHEET_FIELDS)
    if f is not None:
        tb.finding(f, rowno, "超过次数后", tb.get(row, "超过次数后"))
        after = None
    f = V.after_then_finding(after, then, V.SHEET_FIELDS)
    if f is not None:
        tb.finding(f, rowno, _COLUMN_OF[f.field])
        return None
    inputs = tuple(N.canonical(x.strip()) for x in re.split(r"[+＋、,，/]", what) if x.strip())
    return PerCount(inputs, points, int(after) if after is not None else None, then)


def rows_to_item(rows: Any, name: str | None = None, where: str = "", first_row: int = 1) -> tuple[Item | None, list[Problem]]:
    """One item from an item table: the one named ``name`` (aliases allowed), or the only one.

    >>> rows = [["项目", "满分", "规则类型", "指标/录入项", "基准", "单位", "高于每单位", "低于每单位"],
    ...         ["咨询转化率", 20, "线性", "咨询转化率", "34%", "1%", 5, -5]]
    >>> item, _ = rows_to_item(rows)
    >>> item.name, item.rules[0].metric, item.rules[0].upper
    ('咨询转化率', '询单转化率', Decimal('0.34'))
    """
    items, problems = rows_to_items(rows, where, first_row)
    if items is None:
        return None, problems
    if name is None:
        if len(items) == 1:
            return items[0], problems
        return None, problems + [Problem(f"表格中有 {len(items)} 个项目，请指定项目名称", "several items; name one",
                                         sheet=where or None)]
    found = find_item(items, name)
    if found is None:
        return None, problems + [Problem(f"表格中没有项目「{name}」；有：{'、'.join(i.name for i in items)}",
                                         f"no item '{name}' in the table", sheet=where or None, value=name)]
    return found, problems


def find_item(items: Iterable[Item], name: str) -> Item | None:
    """The item called ``name``, by its name, its canonical name or the figure it scores.

    >>> from cskpi_xl.core.schemefile import builtin
    >>> find_item(builtin("duoyi").items, "询单转化率").name
    '咨询转化率'
    """
    items = list(items)
    want = _norm(str(name))
    for test in (lambda i: i.name == want,
                 lambda i: N.canonical(i.name) == N.canonical(want),
                 lambda i: i.metric is not None and i.metric == N.canonical(want)):
        for i in items:
            if test(i):
                return i
    return None
