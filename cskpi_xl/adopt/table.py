"""Finding the appraisal table in a worksheet by meaning.

The header row is the row whose cells name the most roles (项目 / 评定标准 /
分值 / 得分 / 自评 …, with their synonyms); items are the rows under it up to
the 合计 row (an item's name cell may be merged over several rows, or left
empty on the rows that continue it); the sheet's 姓名 / 月份 / 等级 / 提成 cells,
a commission table (ranges in words or numbers with 以上/以下/含/至/万, rates as
``1%`` or ``0.01``) and a grade table (``90分以上 优秀``) are found around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from cskpi_xl.adopt.grid import Grid, address
from cskpi_xl.adopt.text import fmt, norm, to_dec

D = Decimal

#: role → header words (normalised: no spaces, half-width), most specific first
ROLES: dict[str, tuple[str, ...]] = {
    "name": ("考核项目", "项目名称", "项目及考核内容", "考核指标", "指标名称", "考核要素", "考核维度", "项目", "指标", "考核内容"),
    "criteria": ("评定标准", "考核标准", "评分标准", "评价标准", "分数描述", "评分细则", "考核细则", "评分说明", "计算方法",
                 "指标定义", "考核办法", "考核说明", "评分办法", "标准", "说明", "描述", "考核内容"),
    "full": ("分数比", "权重", "满分", "分值", "配分", "标准分", "分数", "占比", "比重"),
    "score": ("得分", "实际得分", "最终得分", "考核得分", "评分"),
    "value": ("数值", "实际值", "完成值", "实际完成", "完成情况", "实际数据", "数据"),
    "review": ("自评", "自评分", "自我评分", "主管", "主管评分", "主管评", "上级", "上级审核", "上级评分", "审核", "审核评分",
               "一次考核", "二次考核", "初评", "复评"),
}
_SELF = ("自评", "自评分", "自我评分")
_TOTAL = re.compile(r"^(?:合计|总分|综合得分|总得分|最终得分|最总得分|总计|得分合计|考核总分|总成绩|总评分)[:：]?$")
_NAME_LABEL = re.compile(r"^(?:姓名|客服姓名|客服|员工姓名|被考核人|考核对象姓名|客服昵称|旺旺名|员工)[:：]?$")
_MONTH_LABEL = re.compile(r"^(?:月份|考核月份|考核期间|考核时间|考核周期|考核月度|月度)[:：]?$")
_GRADE_LABEL = re.compile(r"^(?:等级|考核等级|评定等级|等\s*级)[:：]?$")
_COMM_LABEL = re.compile(r"^(?:提成金额|个人提成|提成工资|个人提成金额|销售提成金额|本月提成)[:：]?$")
_GRADE_WORDS = ("卓越", "优秀", "良好", "合格", "称职", "基本合格", "基本称职", "一般", "及格", "不及格", "不合格", "不称职", "较差", "差")


def role_of(text: str) -> str | None:
    t = norm(text).replace("(分)", "").replace("(%)", "").rstrip(":")
    for role in ("review", "score", "full", "value", "name", "criteria"):
        if t in ROLES[role]:
            return role
    return None


@dataclass
class ItemRows:
    """One item found in the table.

    Attributes: name, full (as written), full_cell, name_cell, texts (``(cell, text)`` of criteria cells),
    score_cell, value_cell, review_cells (column header → cell), rows.
    """

    name: str
    name_cell: str
    full_raw: object = None
    full_cell: str | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)
    score_cell: str | None = None
    value_cell: str | None = None
    review_cells: dict[str, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)


@dataclass
class Table:
    """The appraisal table of a sheet and the cells around it."""

    sheet: str
    header_row: int
    columns: dict[int, str]
    review_columns: list[str]
    items: list[ItemRows]
    title: str = ""
    total_cell: str | None = None
    name_cell: tuple[str, str] | None = None   # (cell, "right" | "inline")
    month_cell: tuple[str, str] | None = None
    grade_cell: tuple[str, str] | None = None
    commission_cell: tuple[str, str] | None = None
    end_row: int = 0
    headings: list[str] = field(default_factory=list)


def _header_score(g: Grid, r: int) -> tuple[int, dict[int, str]]:
    cols: dict[int, str] = {}
    for c in range(1, g.max_col + 1):
        role = role_of(g.text(r, c))
        if role:
            cols[c] = role
            m = g.merge_of(r, c)
            if m and m[1] == c:
                for cc in range(m[1] + 1, m[3] + 1):
                    cols.setdefault(cc, role)
    roles = set(cols.values())
    if "name" not in roles and not ("criteria" in roles and "full" in roles):
        return 0, {}
    return len(roles) + (1 if "full" in roles else 0), cols


def find_table(g: Grid) -> Table | None:
    """The appraisal table of ``g``, or None when the sheet has none."""
    best = (0, 0, {})
    for r in range(1, min(g.max_row, 40) + 1):
        s, cols = _header_score(g, r)
        if s > best[0]:
            best = (s, r, cols)
    score, hr, cols = best
    if score < 3:
        return None
    # a two-row header: 评分 over 自评 / 主管 / 审核
    for c in range(1, g.max_col + 1):
        role = role_of(g.text(hr + 1, c))
        if role == "review" and cols.get(c) in (None, "score", "review"):
            cols[c] = "review"
    first = hr + 1 + (1 if any(role_of(g.text(hr + 1, c)) == "review" for c in range(1, g.max_col + 1)) else 0)
    review_cols = [c for c in sorted(cols) if cols[c] == "review"]
    review_names = [re.sub(r"[:：]$", "", norm(g.text(hr, c) if role_of(g.text(hr, c)) == "review" else g.text(hr + 1, c)))
                    for c in review_cols]
    name_cols = [c for c in sorted(cols) if cols[c] == "name"]
    full_cols = [c for c in sorted(cols) if cols[c] == "full"]
    # the end of the table: a 合计 row, or a row starting 备注/提成/签名, or three empty rows
    last = min(g.max_row, hr + 1000)  # a scorecard, not a data dump: at most 1,000 rows of items
    end, empty = last, 0
    total_cell = None
    for r in range(first, last + 1):
        texts = g.row_texts(r)
        if not texts:
            empty += 1
            if empty >= 3:
                end = r - 3
                break
            continue
        empty = 0
        label = next((c for c, t in texts if _TOTAL.match(norm(t))), None)
        if label is not None:
            end = r - 1
            total_cell = _total_target(g, r, label, cols)
            break
        if re.match(r"^(?:备注|说明|注|提成|签名|本人签名|考核人|审批)", norm(texts[0][1])) and g.covered(r, texts[0][0]) is False \
                and (texts[0][0] <= min(cols) or len(texts) == 1):
            end = r - 1
            break
    rows = list(range(first, end + 1))
    # the name column: the name-like column whose cells sit beside full marks most (S9: item, not band text)
    def key(c: int) -> tuple:
        named = [r for r in rows if g.text(r, c) and not g.covered(r, c)]
        both = [r for r in named if any(g.text(r, fc) for fc in full_cols)] if full_cols else named
        return (len(both), len(both) / max(len(named), 1), c)

    if not name_cols:
        return None
    name_col = max(name_cols, key=key)
    crit_cols = [c for c in sorted(cols) if cols[c] == "criteria" or (cols[c] == "name" and c > name_col)]
    score_col = next((c for c in sorted(cols) if cols[c] == "score"), None)
    value_col = next((c for c in sorted(cols) if cols[c] == "value"), None)
    items: list[ItemRows] = []
    for r in rows:
        nm = g.text(r, name_col)
        if nm and not g.covered(r, name_col):
            it = ItemRows(_clean_name(nm), address(r, name_col))
            items.append(it)
        elif not items:
            continue
        it = items[-1]
        it.rows.append(r)
        for fc in full_cols:
            if g.text(r, fc) and not g.covered(r, fc) and it.full_cell is None:
                it.full_raw, it.full_cell = g.value(r, fc), address(r, fc)
        for c in crit_cols:
            if g.text(r, c) and not g.covered(r, c):
                it.texts.append((address(r, c), g.text(r, c)))
        if score_col and it.score_cell is None:
            it.score_cell = address(*g.top_left(r, score_col))
        if value_col and it.value_cell is None:
            it.value_cell = address(*g.top_left(r, value_col))
        for c, n in zip(review_cols, review_names):
            it.review_cells.setdefault(n, address(*g.top_left(r, c)))
    # a row with a name but neither full marks nor criteria (一、工作业绩 over the row) is a group heading
    headings = [it.name for it in items if it.full_cell is None and not it.texts]
    items = [it for it in items if it.name and not (it.full_cell is None and not it.texts)]
    t = Table(g.sheet, hr, cols, review_names, items, _title(g, hr), total_cell, end_row=end, headings=headings)
    _labels(g, t, hr)
    return t


def _clean_name(name: str) -> str:
    s = re.sub(r"\s+", "", name)
    s = re.sub(r"^(?:\d+[、.]|[(（]\d+[)）])", "", s)
    s = re.sub(r"[(（]?\d+(?:\.\d+)?%?[)）]?$", "", s)  # 产品发错货率10%
    return s.strip(":：")


def _total_target(g: Grid, r: int, label_col: int, cols: dict[int, str]) -> str | None:
    score_col = next((c for c in sorted(cols) if cols[c] == "score"), None)
    if score_col is not None and not g.covered(r, score_col) and score_col != label_col:
        return address(r, score_col)
    m = g.merge_of(r, label_col)
    c = (m[3] if m else label_col) + 1
    while c <= max(g.max_col, label_col + 1) + 1:
        if not g.text(r, c) and not g.covered(r, c):
            return address(r, c)
        c += 1
    return None


def _title(g: Grid, hr: int) -> str:
    for r in range(1, hr):
        for c, t in g.row_texts(r):
            if len(t) >= 4 and not _NAME_LABEL.match(norm(t)) and ":" not in norm(t)[:-1]:
                return re.sub(r"\s+", "", t)
    return ""


def _labels(g: Grid, t: Table, hr: int) -> None:
    """姓名 / 月份 / 等级 / 提成 / 总得分 cells: the empty cell right of a label, or a label ending with a colon."""
    for (r, c), v in sorted(g.cells.items()):
        if not isinstance(v, str):
            continue
        n = norm(v)
        for rx, attr in ((_NAME_LABEL, "name_cell"), (_MONTH_LABEL, "month_cell"), (_GRADE_LABEL, "grade_cell"),
                         (_COMM_LABEL, "commission_cell"), (_TOTAL, "total")):
            m = rx.match(n)
            if not m:
                continue
            if attr == "total" and (t.total_cell or t.header_row <= r <= t.end_row + 1):
                continue
            if attr == "grade_cell" and r == t.header_row:
                continue
            mg = g.merge_of(r, c)
            cc = (mg[3] if mg else c) + 1
            target = None
            if not g.text(r, cc) and not g.covered(r, cc):
                target = (address(r, cc), "right")
            elif n.endswith(":") or n.endswith("："):
                target = (address(r, c), "inline")
            if target is None:
                continue
            if attr == "total":
                t.total_cell = target[0] if target[1] == "right" else None
                if target[1] == "inline":
                    t.total_cell = None
                continue
            if getattr(t, attr) is None:
                setattr(t, attr, target)


# ---- commission and grade tables --------------------------------------------------------------------------------

_MONEY = r"(\d+(?:\.\d+)?)(万|千|k|K|w|W)?元?"


def money(s: str, unit: str | None) -> Decimal:
    d = D(s)
    return d * {"万": 10000, "w": 10000, "W": 10000, "千": 1000, "k": 1000, "K": 1000}.get(unit or "", 1)


def parse_range(text: str) -> tuple[Decimal | None, bool, Decimal | None, bool] | None:
    """A sales range ``(lower, lower_inclusive, upper, upper_inclusive)`` from words or numbers.

    >>> parse_range("30001-50000")
    (Decimal('30001'), True, Decimal('50000'), True)
    >>> parse_range("3万(不含)至5万(含)")
    (Decimal('30000'), False, Decimal('50000'), True)
    >>> parse_range(">60001"), parse_range("5万以上"), parse_range("3万元以下")
    ((Decimal('60001'), False, None, True), (Decimal('50000'), True, None, True), (None, True, Decimal('30000'), True))
    """
    s = norm(text).replace("销售额", "").replace("业绩", "").replace("月", "").replace(",", "")
    s = s.replace("(含)", "含").replace("(不含)", "不含").replace("以内", "以下")
    m = re.fullmatch(rf"(?:大于|超过|高于)?{_MONEY}(不含|含)?(?:-|~|至|到)(?:小于|低于)?{_MONEY}(不含|含)?", s)
    if m:
        lo, hi = money(m.group(1), m.group(2)), money(m.group(4), m.group(5))
        lo_inc = m.group(3) != "不含" and not s.startswith(("大于", "超过", "高于"))
        return lo, lo_inc, hi, m.group(6) != "不含"
    m = re.fullmatch(rf"(>=|>|大于等于|大于|超过|高于|不低于|满)?{_MONEY}(不含|含)?(以上|及以上|或以上)?(不含|含)?", s)
    if m and (m.group(1) or m.group(5)):
        inc = m.group(1) in (">=", "大于等于", "不低于", "满") or (m.group(5) is not None and "不含" not in ((m.group(4) or "") + (m.group(6) or "")))
        if m.group(1) in (">", "大于", "超过", "高于"):
            inc = False
        return money(m.group(2), m.group(3)), inc, None, True
    m = re.fullmatch(rf"(<=|<|小于等于|小于|低于|不超过|不足)?{_MONEY}(不含|含)?(以下|及以下|或以下)?(不含|含)?", s)
    if m and (m.group(1) or m.group(5)):
        inc = m.group(1) in ("<=", "小于等于", "不超过") or (m.group(5) is not None and "不含" not in ((m.group(4) or "") + (m.group(6) or "")))
        if m.group(1) in ("<", "小于", "低于", "不足"):
            inc = False
        return None, True, money(m.group(2), m.group(3)), inc
    return None


def parse_rate(v: object) -> Decimal | None:
    """A commission rate: ``1%`` → 0.01, ``0.012`` → 0.012, ``1.2%`` → 0.012; None if not a rate.

    >>> parse_rate("1.2%"), parse_rate(0.01), parse_rate("提成")
    (Decimal('0.012'), Decimal('0.01'), None)
    """
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        d = to_dec(v)
        return d if d is not None and 0 <= d < 1 else None
    s = norm(v)
    m = re.fullmatch(r"(?:提成)?(?:比例)?(\d+(?:\.\d+)?)%", s)
    if m:
        return D(m.group(1)) / 100
    m = re.fullmatch(r"(0\.\d+)", s)
    if m:
        return D(m.group(1))
    return None


@dataclass
class Tiers:
    """The commission table found: tiers in the scheme file's shape, where they came from, decisions, warnings."""

    tiers: list[dict]
    cells: list[str]
    marginal: bool
    decisions: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)   # (cell, zh, en)


def find_commission(g: Grid, skip) -> Tiers | None:
    """The commission table: range cells, each with its rate below it or right of it."""
    anchor = None
    for (r, c), v in sorted(g.cells.items()):
        if skip(r, c) or not isinstance(v, str):
            continue
        if "提成" in norm(v) and not _COMM_LABEL.match(norm(v)):  # a table's caption, not the amount's label
            anchor = (r, c)
            break
    if anchor is None:
        return None
    ar, ac = anchor
    found = []
    for r in range(ar, min(ar + 8, g.max_row) + 1):
        for c in range(1, g.max_col + 1):
            if skip(r, c):
                continue
            rg = parse_range(g.text(r, c)) if g.text(r, c) else None
            if rg:
                found.append((r, c, rg))
    def top(rg) -> Decimal:
        return max(x for x in (rg[0], rg[2]) if x is not None)

    if any(top(rg) >= 1000 for _, _, rg in found):  # sales tiers: a "75-89" nearby is a grade band, not a tier
        found = [f for f in found if top(f[2]) >= 1000]
    if not found:
        return None
    horizontal = len({r for r, _, _ in found}) == 1
    tiers, out = [], Tiers([], [], "超额" in norm(g.text(ar, ac)) or "超出部分" in norm(g.text(ar, ac)))
    rate_prev = None
    for r, c, rg in found:
        cand = [(r + 1, c), (r + 2, c), (r, c + 1)] if horizontal else [(r, c + 1), (r, c + 2), (r + 1, c)]
        rate, where = None, None
        for rr, cc in cand:
            rate = parse_rate(g.value(rr, cc))
            if rate is not None:
                where = address(rr, cc)
                break
        if rate is None:
            if rate_prev is None:
                out.warnings.append((address(r, c), f"提成档「{g.text(r, c)}」没有比例，按 0 计",
                                     f"commission tier '{g.text(r, c)}' has no rate; 0 used"))
                rate = D(0)
            else:
                gap = address(*((r + 1, c) if horizontal else (r, c + 1)))
                out.warnings.append((gap, f"提成档「{g.text(r, c)}」的比例是空的，沿用上一档的 {fmt(rate_prev * 100)}%（本程序的约定），请核对",
                                     f"commission tier '{g.text(r, c)}' has no rate; the tier below's {fmt(rate_prev * 100)}% is used"))
                out.decisions.append((f"提成档「{g.text(r, c)}」原表没有比例，按上一档 {fmt(rate_prev * 100)}% 计，可在 [commission] 中修改",
                                      f"tier '{g.text(r, c)}' had no rate; the tier below's is used"))
                rate = rate_prev
        rate_prev = rate
        lo, lo_inc, hi, hi_inc = rg
        tiers.append([lo, lo_inc, hi, hi_inc, rate, address(r, c), where])
    tiers.sort(key=lambda t: (t[0] is not None, t[0] or 0))
    # touching bounds: "30001-50000" after "…30000": the tier starts above 30000 (so 30000.50 is covered)
    for i, t in enumerate(tiers):
        prev = tiers[i - 1] if i else None
        if t[0] is not None and t[0] == t[0].to_integral_value() and (
                (prev is not None and prev[2] == t[0] - 1) or (prev is None and t[1] and t[0] % 10 == 1)):
            t[0], t[1] = t[0] - 1, False
            if prev is not None:
                prev[3] = True
            out.decisions.append((f"提成档「{t[5]}」从 {t[0] + 1:,} 元起：按「超过 {t[0]:,} 元」计（不留空档）",
                                  f"tier at {t[5]} from {t[0] + 1}: read as 'above {t[0]}' (no gap)"))
        if prev is not None and prev[2] is not None and t[0] == prev[2] and prev[3] and t[1]:
            prev[3] = False
            out.decisions.append((f"提成档在 {t[0]:,} 元处两边都写了「含」：{t[0]:,} 元归上一档（下限含、上限不含）",
                                  f"both tiers include {t[0]}; it goes to the upper tier"))
    if tiers and tiers[0][0] is not None and tiers[0][0] > 0:
        out.tiers.append({"upper": tiers[0][0], "upper_inclusive": not tiers[0][1], "kind": "fixed", "base": D(0)})
        out.decisions.append((f"销售额不到 {tiers[0][0]:,} 元没有提成", f"no commission below {tiers[0][0]}"))
    for lo, lo_inc, hi, hi_inc, rate, where, rate_cell in tiers:
        t = {}
        if lo is not None:
            t["lower"] = lo
            if not lo_inc:
                t["lower_inclusive"] = False
        if hi is not None:
            t["upper"] = hi
        if hi is None or hi_inc:
            t["upper_inclusive"] = True  # written out (left out it means false); an open top tier keeps showing 含上限 是
        t["kind"] = "marginal" if out.marginal else "flat"
        t["rate"] = rate
        out.tiers.append(t)
        out.cells.append(where)
    out.decisions.append(("提成按整月销售额全额计（达到哪一档，整月销售额都按该档比例）" if not out.marginal else "提成按超额累进计",
                          "commission is flat on the whole month's sales" if not out.marginal else "commission is marginal"))
    return out


_GRADE_RANGE = re.compile(r"^(?P<lo>\d+(?:\.\d+)?)分?(?:-|~|至|到)(?P<hi>\d+(?:\.\d+)?)分?$|^(?P<x>\d+(?:\.\d+)?)分?(?:\(含\))?(?P<w>及以上|以上|及以下|以下)$|^(?P<op>>=|>|<=|<|低于|高于|不低于|不足)(?P<y>\d+(?:\.\d+)?)分?$")


def _grade_bound(s: str) -> tuple[Decimal | None, Decimal | None] | None:
    m = _GRADE_RANGE.match(norm(s))
    if not m:
        return None
    if m.group("lo"):
        return D(m.group("lo")), D(m.group("hi"))
    if m.group("x"):
        x = D(m.group("x"))
        return (x, None) if "上" in m.group("w") else (None, x)
    y, op = D(m.group("y")), m.group("op")
    return (y, None) if op in (">=", ">", "高于", "不低于") else (None, y)


def _score_bound(s: str) -> tuple[Decimal | None, Decimal | None] | None:
    """A grade band's scores (never above 1,000: larger numbers are sales, not scores)."""
    b = _grade_bound(s)
    if b is None or any(x is not None and x > 1000 for x in b):
        return None
    return b


def find_grades(g: Grid, skip) -> tuple[list[dict], list[tuple[str, str]]] | None:
    """A grade table: a grade word beside a score range, or both in one cell (``90分以上 优秀``)."""
    found: list[tuple[str, Decimal | None, Decimal | None]] = []
    for (r, c), v in sorted(g.cells.items()):
        if skip(r, c) or not isinstance(v, str):
            continue
        n = norm(v)
        word = next((w for w in sorted(_GRADE_WORDS, key=len, reverse=True) if w in n), None)
        if word is None and not re.fullmatch(r"[A-E][+]?级?", n):
            continue
        label = word or n.rstrip("级")
        rest = n.replace(label, "", 1).strip(":：()")
        b = _score_bound(rest) if rest else None
        if b is None and (n == word or re.fullmatch(r"[A-E][+]?级?", n)):
            for rr, cc in ((r, c - 1), (r, c + 1), (r + 1, c), (r - 1, c)):
                t = g.text(rr, cc)
                if t:
                    b = _score_bound(t)
                    if b:
                        break
        if b is not None and label not in [f[0] for f in found]:
            found.append((label, b[0], b[1]))
    if len(found) < 2:
        return None
    found.sort(key=lambda f: (f[1] if f[1] is not None else D(-1)), reverse=True)
    bands = []
    for i, (label, lo, hi) in enumerate(found):
        b: dict = {"label": label}
        if lo is not None:
            b["low"] = lo
        if i > 0 and found[i - 1][1] is not None:
            b["high"] = found[i - 1][1]
        elif hi is not None and i > 0:
            b["high"] = hi
        bands.append(b)
    notes = [("等级段按「下限含、上限不含」连成一片（如 80–89 分读作 80 ≤ 分数 < 90，89.5 分不落空）",
              "grade bands join up: lower bound included, upper excluded (80–89 means 80 <= score < 90)")]
    return bands, notes
