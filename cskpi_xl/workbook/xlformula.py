"""Native Excel formulas that compute what the core computes.

For one agent of one scheme, :class:`Emitter` gives every quantity of the
sheet — metrics, item values and points, section scores, total, grade,
grade attributes, commission, public commission, pay — as an Excel formula,
and beside it the value the core computed (the cell's cached value).

Only functions that Excel 2010+, WPS and LibreOffice 7.4 all compute are
used: IF, AND, OR, NOT, MAX, MIN, INT, ROUND, SUM, AVERAGE, COUNT, N,
ISNUMBER, INDEX, MATCH (no IFS/XLOOKUP/LET/SWITCH/MAXIFS, no ``--``, no
UDFs).

What the formulas read
  *Figures* (询单人数 …), manual inputs (不耐心次数 …), team values
  (团队客单价 …) and hand inputs (rubric choices, review scores) are cells of
  the agent's sheet when the template has them; otherwise their value is
  written into the formula as a literal.

  *Rule numbers* reference the 规则 sheet (:mod:`cskpi_xl.workbook.rulesheet`),
  so HR can change a number there and the sheet recomputes: each item's 满分
  and 最低分 (a text such as 不设下限 there means no floor), the linear rules'
  基准/上基准/下基准, 单位, 高于每单位, 低于每单位 and 按整单位 (是/否), the
  per-count rules' 每次, 超过次数后, 之后每次, the named 参数, the section
  weights, every commission tier (下限, 上限, 含下限, 含上限, 方式 全额/超额/固定,
  比例, 基数, 起算额), the KPI-coefficient bands, every grade (等级, 下限, 上限,
  含下限, 含上限 and attributes such as 岗位工资 or 绩效工资比例), the public
  commission rate, the yearly seniority pay, reward amounts and the fine
  ladder.

  *Literals* (changed in the scheme file, not on the sheet): condition tests
  and their points/set-to values, rubric option points (the dropdown lists
  them too), score ranges, an item's 起始分/最高分/无法计算时得分, the grade
  caps' thresholds and exclusion tests, and the history-derived numbers
  (earlier violations, a streak bonus), which are values of the month.

Float traps: whole-unit steps are ``INT(ROUND(d/unit, 9))``; points and
money are ``ROUND(x, 2)`` (half away from zero, like the core). A metric that
cannot be computed shows the text :data:`~cskpi_xl.core.numbers.NA_TEXT` (无法计算) and the rules reading it give full
marks (an ISNUMBER guard).

>>> from decimal import Decimal
>>> lit(Decimal("0.340")), lit("a\\"b"), lit(None)
('0.34', '"a""b"', '""')
"""

from __future__ import annotations

import struct
from collections import ChainMap
from decimal import Decimal
from typing import Any, Mapping

from cskpi_xl.core import names as N
from cskpi_xl.core.metrics import RATIO_BY_NAME
from cskpi_xl.core.numbers import NA, NA_TEXT
from cskpi_xl.core.rules import Condition, Linear, PerCount, Rubric, Score, Test, any_holds
from cskpi_xl.core.scheme import Item, PostPay, Review, Scheme
from cskpi_xl.core.tiers import CoefficientTable, TierTable
from cskpi_xl.workbook.rulesheet import RuleRefs

BIG = "1E+300"
UNSCORED = "未评分"
#: A total or section while any of its items has no points yet (a score still to be typed)
PENDING_TOTAL = "待评分"
#: 岗位工资 of a scheme that takes it from the 手工录入 table (post_pay = "input") when none was typed for the
#: agent: not paid as 0.00, just not known (the 当月工资 adds the other parts)
POST_PAY_MISSING = "未录入"
INVALID = "无效"

_OPS = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "=", "!=": "<>"}


def lit(v: Any) -> str:
    """A value as an Excel literal."""
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, NA):
        return f'"{NA_TEXT}"'
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return s if not s.startswith("-") else f"({s})"
    if isinstance(v, int):
        return str(v) if v >= 0 else f"({v})"
    if isinstance(v, float):
        s = repr(v)
        return s if not s.startswith("-") else f"({s})"
    s = str(v).replace('"', '""')
    return f'"{s}"'


def cached(v: Any) -> Any:
    """A core value as a cell's cached value: numbers to int/float, NA to ``NA_TEXT``, None to None."""
    if isinstance(v, NA):
        return NA_TEXT
    if isinstance(v, bool):
        return v
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() and abs(v) < 10**15 else float(v)
    return v


def cached_total(v: Any) -> Any:
    """:func:`cached` for a total or a section: not computable only while an item has no points, so 待评分.

    >>> cached_total(NA("未评分：服从意识")), cached_total(Decimal("82.50"))
    ('待评分', 82.5)
    """
    return PENDING_TOTAL if isinstance(v, NA) else cached(v)


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def item_key(item: str, part: str) -> str:
    """The key of an item's quantity: ``项目:咨询转化率:得分``."""
    return f"项目:{item}:{part}"


HISTORY_BONUS = "连续奖励"
HISTORY_VIOLATIONS = "此前违规次数"


class _Node:
    """A point of a key's build in :class:`BuildMemo`: the next read and a child per answer, or the body."""

    __slots__ = ("ask", "children", "body")

    def __init__(self, ask: tuple[str, str] | None, body: str | None = None) -> None:
        self.ask = ask
        self.children: dict[Any, _Node] = {}
        self.body = body


_MISS = object()        # no body built for another agent fits
_UNTRACKED = object()   # a build read something no memo can compare: its body is not shared
_FULL = object()        # a key with too many different bodies: built for each agent
_PACK = struct.Struct("<d")


def same_key(v: Any) -> Any:
    """A key equal for two values exactly when a formula cannot tell them apart.

    Type and exact value: ``1``, ``1.0``, ``Decimal("1")`` and ``True`` differ (``lit`` writes them
    differently), so do ``0.0`` and ``-0.0``, ``Decimal("1.0")`` and ``Decimal("1")``. A value of any other
    type cannot be compared.

    >>> same_key(1) == same_key(1.0), same_key(Decimal("1.0")) == same_key(Decimal("1")), same_key("a") == same_key("a")
    (False, False, True)
    """
    t = type(v)
    if t is str or t is int or t is bool or v is None:
        return (t, v)
    if t is float:
        return (t, _PACK.pack(v))
    if t is Decimal:
        return (t, v.as_tuple())
    if t is NA:
        return (t, v.reason, v.reason_en)
    return _UNTRACKED


class BuildMemo:
    """Formula bodies built for one (scheme, rule refs, placed cells), lent to every agent planned with them.

    For each key, the builds made so far form a tree of their reads in the order made: an agent's raw
    inputs (``raw``), metrics (``_m_get``), cached values (``value``) and the bodies of the keys the build
    used (``build``). An agent reuses a body when each read gives the same (:func:`same_key`) for it; a
    build that read anything else is not kept. A key with more than ``limit`` different bodies (agents'
    own values written as literals) is built for every agent.
    """

    def __init__(self, scheme: Scheme, refs: RuleRefs, placed: Mapping[str, str], limit: int = 32) -> None:
        self.scheme = scheme
        self.refs = refs
        self.placed = dict(placed)
        self.items = {it.name: it for it in scheme.items}
        self.limit = limit
        self.roots: dict[str, Any] = {}
        self._bodies: dict[str, int] = {}

    def fits(self, scheme: Scheme, refs: RuleRefs, placed: Mapping[str, str]) -> bool:
        return scheme is self.scheme and refs is self.refs and placed == self.placed

    def add(self, key: str, reads: list, body: str | None) -> None:
        """Keep ``body``, built after ``reads`` (each ``(kind, what, same_key(answer))``)."""
        if any(r is _UNTRACKED or r[2] is _UNTRACKED for r in reads):
            return
        node = self.roots.get(key)
        if node is _FULL:
            return
        if node is None:
            self.roots[key] = _path(reads, 0, body)
            self._bodies[key] = 1
            return
        for i, (kind, what, answer) in enumerate(reads):
            if node.ask != (kind, what):
                return  # cannot happen (a build asks what the same earlier answers make it ask): keep nothing
            child = node.children.get(answer)
            if child is None:
                if self._bodies[key] >= self.limit:
                    self.roots[key] = _FULL
                    return
                node.children[answer] = _path(reads, i + 1, body)
                self._bodies[key] += 1
                return
            node = child


def _path(reads: list, i: int, body: str | None) -> _Node:
    """The nodes of ``reads[i:]`` in a chain ending with ``body``."""
    node = _Node(None, body)
    for kind, what, answer in reversed(reads[i:]):
        parent = _Node((kind, what))
        parent.children[answer] = node
        node = parent
    return node


class Emitter:
    """Formulas and cached values for one agent.

    ``placed`` maps a key to the reference of the cell that holds it (live
    formula or input); a key not placed is written into formulas as its own
    expression (derived quantities) or as a literal (inputs).

    ``memo`` (a :class:`BuildMemo` of the same scheme, rule refs and placed
    cells) lends formula bodies built for other agents: a body is reused only
    when every value its build read gives the same for this agent.
    """

    def __init__(self, scheme: Scheme, refs: RuleRefs, metrics: Mapping[str, Any], result: Any,
                 extra: Mapping[str, Any] | None = None, placed: Mapping[str, str] | None = None,
                 memo: BuildMemo | None = None) -> None:
        self._s = scheme
        self._refs = refs
        self._m = metrics
        self._r = result
        self._extra = dict(extra or {})
        self._placed = dict(placed or {})
        self._items = memo.items if memo is not None else {it.name: it for it in scheme.items}
        self._building: set[str] = set()
        self._built: dict[str, str | None] = {}  # key → formula body: the same for this agent every time it is asked
        # what builds read, while a memo records them (see BuildMemo)
        self._frames: list[list] = []
        self._quiet = 0
        self.memo = None
        if memo is not None:
            if not memo.fits(scheme, refs, self._placed):
                raise ValueError("the memo is of another scheme, rule refs or placed cells")
            self.memo = memo

    # What the builds depend on is fixed while a memo is in use: replacing one drops the memo; reading the
    # agent's data (m, r, extra) in a build other than through raw/value/_m_get makes that body unshareable.

    @property
    def s(self) -> Scheme:
        return self._s

    @s.setter
    def s(self, v: Scheme) -> None:
        self._s, self.memo = v, None

    @property
    def refs(self) -> RuleRefs:
        return self._refs

    @refs.setter
    def refs(self, v: RuleRefs) -> None:
        self._refs, self.memo = v, None

    @property
    def placed(self) -> dict[str, str]:
        return self._placed

    @placed.setter
    def placed(self, v: Mapping[str, str]) -> None:
        self._placed, self.memo = dict(v), None

    def _untracked(self) -> None:
        if self._frames and not self._quiet:
            self._frames[-1].append(_UNTRACKED)

    @property
    def m(self) -> Mapping[str, Any]:
        self._untracked()
        return self._m

    @m.setter
    def m(self, v: Mapping[str, Any]) -> None:
        self._m = v

    @property
    def r(self) -> Any:
        self._untracked()
        return self._r

    @r.setter
    def r(self, v: Any) -> None:
        self._r = v

    @property
    def extra(self) -> dict[str, Any]:
        self._untracked()
        return self._extra

    @extra.setter
    def extra(self, v: Mapping[str, Any]) -> None:
        self._extra = dict(v)

    # ---- references ------------------------------------------------------------------------------------------

    def expr(self, key: str) -> str:
        """The reference to ``key``'s cell, else its expression, else its value as a literal."""
        if key in self._placed:
            return self._placed[key]
        body = self.build(key)
        if body is not None:
            return f"({body})"
        return lit(self.raw(key))

    def raw(self, key: str) -> Any:
        """The core's value of an input (figure, manual input, team value, hand input)."""
        v = self._extra[key] if key in self._extra else self._m.get(key)
        if self._frames and not self._quiet:
            self._frames[-1].append(("r", key, same_key(v)))
        return v

    def _m_get(self, key: str) -> Any:
        """``metrics.get(key)``, recorded while a build is."""
        v = self._m.get(key)
        if self._frames and not self._quiet:
            self._frames[-1].append(("m", key, same_key(v)))
        return v

    def is_formula(self, key: str) -> bool:
        return self.build(key) is not None

    def formula(self, key: str) -> str | None:
        b = self.build(key)
        return None if b is None else "=" + b

    # ---- what each quantity is -------------------------------------------------------------------------------

    def build(self, key: str) -> str | None:
        try:
            body = self._built[key]
        except KeyError:
            body = self._build_new(key)
        if self._frames:
            self._frames[-1].append(("b", key, body))
        return body

    def _build_new(self, key: str) -> str | None:
        if key in self._building:
            raise ValueError(f"formula cycle at {key}")
        self._building.add(key)
        try:
            memo = self.memo
            if memo is None:
                body = self._build(key)
            else:
                body = self._replay(memo, key)
                if body is _MISS:
                    frame: list = []
                    self._frames.append(frame)
                    try:
                        body = self._build(key)
                    finally:
                        self._frames.pop()
                    memo.add(key, frame, body)
            self._built[key] = body
            return body
        finally:
            self._building.discard(key)

    def _replay(self, memo: BuildMemo, key: str) -> Any:
        """The body built for another agent whose build of ``key`` read what this agent's gives, else _MISS.

        The reads are asked again in the order the build made them: while the answers agree, the next
        read is the one this agent's own build would make, so nothing is asked that it would not ask.
        """
        node = memo.roots.get(key)
        if node is None or node is _FULL:
            return _MISS
        scratch: list = []
        self._frames.append(scratch)  # the answers are not reads of the caller's build
        try:
            while node.ask is not None:
                kind, arg = node.ask
                if kind == "b":
                    answer = self.build(arg)
                else:
                    self._quiet += 1
                    try:
                        if kind == "v":
                            v = self.value(arg)
                        elif kind == "r" and arg in self._extra:
                            v = self._extra[arg]
                        else:
                            v = self._m.get(arg)
                    finally:
                        self._quiet -= 1
                    answer = same_key(v)
                node = node.children.get(answer)
                if node is None:
                    return _MISS
            return node.body
        finally:
            self._frames.pop()

    def has_formula(self, key: str) -> bool:
        """Whether ``key`` is a formula (``build(key) is not None``), told without building it.

        Only the structure decides, and for a metric whether the export's own figure stands
        (:meth:`_counts_agree`); the tests hold it to :meth:`is_formula` for every key, scheme and agent.
        """
        if key.startswith("项目:"):
            _, name, part = key.split(":", 2)
            it = self._items.get(name)
            if it is None:
                return False
            if part == "得分":
                return True
            if part == "数值":
                vr = it.value_rule
                if isinstance(vr, (Rubric, Score)):
                    return True
                if it.metric:
                    return it.metric in self._placed or self.has_formula(it.metric)
                return any(isinstance(r, (Linear, PerCount)) for r in it.rules)
            if part == "满分":
                return self._refs.item_full.get(it.name) is not None
            return False
        if key.startswith("分区:"):
            return any(s.name == key[3:] for s in self._s.sections)
        if key.startswith("等级."):
            return self._refs.grade_columns.get(key[3:]) is not None
        if key.startswith("工资:"):
            return self._s.pay is not None and key[3:] in self.pay_parts()
        if key in RATIO_BY_NAME or key == "咨询占比":
            if key == "咨询占比":
                return True
            r = RATIO_BY_NAME[key]
            return self._counts_agree(key, r.numerator, r.denominator)
        if key in self._refs.params and key not in self._placed:
            return True
        if key in ("总分", "不参加考核", N.OWN_COMMISSION, N.PUBLIC_COMMISSION):
            return True
        if key == "等级":
            return self._s.grades is not None
        if key == "当月工资":
            return bool(self.pay_parts())
        return False

    def _build(self, key: str) -> str | None:
        if key.startswith("项目:"):
            _, name, part = key.split(":", 2)
            it = self._items.get(name)
            if it is None:
                return None
            if part == "得分":
                return self.item_points(it)
            if part == "数值":
                return self.item_value(it)
            if part == "满分":
                return self.refs.item_full.get(it.name)
            return None
        if key.startswith("分区:"):
            return self.section(key[3:])
        if key.startswith("等级."):
            return self.grade_attr(key[3:])
        if key.startswith("工资:"):
            return self.pay_part(key[3:])
        if key in RATIO_BY_NAME or key == "咨询占比":
            return self.metric(key)
        if key in self.refs.params and key not in self.placed:
            return self.refs.params[key]
        return {
            "总分": self.total,
            "等级": self.grade,
            "不参加考核": self.exclusion,
            N.OWN_COMMISSION: self.commission,
            N.PUBLIC_COMMISSION: self.public_commission,
            "当月工资": self.pay_total,
        }.get(key, lambda: None)()

    def value(self, key: str) -> Any:
        """The cached value of ``key`` (what the core computed)."""
        if not self._frames or self._quiet:
            return self._value(key)
        self._quiet += 1
        try:
            v = self._value(key)
        finally:
            self._quiet -= 1
        self._frames[-1].append(("v", key, same_key(v)))
        return v

    def _value(self, key: str) -> Any:
        r = self._r
        if key.startswith("项目:"):
            _, name, part = key.split(":", 2)
            it = self._items.get(name)
            ir = r.item(name) if it is not None else None
            if ir is None:
                return None
            if part == "得分":
                return cached(ir.points) if ir.points is not None else self._error_text(it)
            if part == "数值":
                if it.value_rule is not None:
                    return cached(ir.value) if ir.value is not None else self._error_text(it)
                return cached(ir.value) if ir.value is not None else None
            if part == "满分":
                return cached(it.full)
            if part == "名称":
                return it.name
            if part == "规则":
                return it.text or "；".join(x.describe() for x in it.rules)
            if part == "说明":
                return "；".join(n for n in ir.notes if n) + (f"（{ir.error}）" if ir.error else "")
            if part == "分区":
                return it.section or ""
            if part == "档":
                return ir.label or ""
            if part == "差异":
                return "自评与最终评分不一致" if ir.differs else ""
            if part == "评分":
                vr = it.value_rule
                return cached(self.raw(vr.input)) if vr is not None else None
            if self.s.review and part in self.s.review.columns:
                return cached(self.raw(Review.key(name, part)))
            return None
        if key.startswith("分区:"):
            return cached_total(r.sections.get(key[3:]))
        if key.startswith("等级."):
            return cached(r.grade_attrs.get(key[3:], "")) if r.grade else ""
        if key.startswith("工资:"):
            part = key[3:]
            if part == N.POST_PAY and self._post_pay_missing():
                return POST_PAY_MISSING
            if part == N.PERFORMANCE_PAY and self._pay_pending() and not self._exempt():
                return PENDING_TOTAL
            return cached(r.pay.get(part))
        simple = _SIMPLE_VALUES.get(key)
        if simple is not None:
            return simple(self, r)
        if key in self._s.params and key not in self._m:
            return cached(self._s.params[key])
        return cached(self.raw(key))

    def _error_text(self, it: Item) -> str:
        raw = self._final_raw_value(it)
        return UNSCORED if raw is None or raw == "" or isinstance(raw, NA) else INVALID

    def _final_raw_value(self, it: Item) -> Any:
        rv = self.s.review
        if rv is not None:
            for c in rv.final:
                v = self.raw(Review.key(it.name, c))
                if not (v is None or v == "" or isinstance(v, NA)):
                    return v
            return None
        vr = it.value_rule
        return self.raw(vr.input) if vr is not None else None

    # ---- metrics ---------------------------------------------------------------------------------------------

    def metric(self, name: str) -> str | None:
        """``num/den`` with n/a guards, unless the export's own figure stands (then a value)."""
        if name == "咨询占比":
            num, den = "接待人数", "团队接待人数"
        else:
            r = RATIO_BY_NAME[name]
            num, den = r.numerator, r.denominator
            if not self._counts_agree(name, num, den):
                return None  # the export's (or importer's) own figure stands: a value, not a formula
        top, bottom = self.expr(num), self.expr(den)
        return f'IF(AND(ISNUMBER({bottom}),ISNUMBER({top})),IF({bottom}=0,"{NA_TEXT}",{top}/{bottom}),"{NA_TEXT}")'

    def _counts_agree(self, name: str, num: str, den: str) -> bool:
        """Whether ``num/den`` (with the n/a guards) gives the core's value of the metric."""
        d, n, v = self._m_get(den), self._m_get(num), self._m_get(name)
        if is_number(d) and is_number(n) and d != 0:
            if not is_number(v):
                return False
            q = Decimal(str(n)) / Decimal(str(d))
            return abs(q - Decimal(str(v))) <= abs(q) * Decimal("1e-12")
        return not is_number(v)

    # ---- rules -----------------------------------------------------------------------------------------------

    def _rule_ref(self, it: Item, j: int, header: str) -> str:
        return self.refs.items[(it.name, j, header)]

    def _threshold(self, it: Item, j: int, r: Linear, which: str) -> tuple[str, bool]:
        """The threshold expression and whether it may be n/a (a named team value)."""
        v = r.upper if which == "upper" else r.lower
        if isinstance(v, str):
            return self.expr(v), True
        header = "基准" if r.upper == r.lower else ("上基准" if which == "upper" else "下基准")
        return self._rule_ref(it, j, header), False

    def linear(self, it: Item, j: int, r: Linear) -> tuple[str, str]:
        """(delta, ok) — ``ok`` is the condition under which the rule is not n/a."""
        v = self.expr(r.metric)
        up, up_na = self._threshold(it, j, r, "upper")
        lo, lo_na = self._threshold(it, j, r, "lower")
        unit = self._rule_ref(it, j, "单位")
        above = self._rule_ref(it, j, "高于每单位")
        below = self._rule_ref(it, j, "低于每单位")
        step = self._rule_ref(it, j, "按整单位")

        def units(d: str) -> str:
            return f'IF({step}="是",INT(ROUND(({d})/{unit},9)),({d})/{unit})'

        guards = [f"ISNUMBER({v})"] + ([f"ISNUMBER({up})"] if up_na else []) + ([f"ISNUMBER({lo})"] if lo_na and lo != up else [])
        ok = guards[0] if len(guards) == 1 else f"AND({','.join(guards)})"
        delta = (f"IF({ok},IF({v}>{up},N({above})*{units(f'{v}-{up}')},0)"
                 f"+IF({v}<{lo},N({below})*{units(f'{lo}-{v}')},0),0)")
        return delta, ok

    def _count(self, inputs: tuple[str, ...]) -> str:
        return "+".join(f"N({self.expr(n)})" for n in inputs)

    def per_count(self, it: Item, j: int, r: PerCount) -> str:
        c = self._count(r.inputs)
        pts = self._rule_ref(it, j, "每次")
        after = self._rule_ref(it, j, "超过次数后")
        then = self._rule_ref(it, j, "之后每次")
        if len(r.inputs) > 1:
            c = f"({c})"
        return (f"IF(AND(ISNUMBER({after}),ISNUMBER({then})),IF({c}>{after},{pts}*{after}+{then}*({c}-{after}),{pts}*{c}),"
                f"{pts}*{c})")

    def test(self, t: Test) -> str:
        """A test holds when at least one input is recorded and the sum compares true."""
        total = self._count(t.inputs)
        seen = [f"ISNUMBER({self.expr(n)})" for n in t.inputs]
        seen_s = seen[0] if len(seen) == 1 else f"OR({','.join(seen)})"
        threshold = self.expr(t.threshold) if isinstance(t.threshold, str) else lit(t.threshold)
        return f"AND({seen_s},{total}{_OPS[t.op]}{threshold})"

    def any_test(self, tests: tuple[Test, ...]) -> str:
        parts = [self.test(t) for t in tests]
        return parts[0] if len(parts) == 1 else f"OR({','.join(parts)})"

    def _final_raw(self, it: Item) -> str:
        rv = self.s.review
        if rv is None:
            vr = it.value_rule
            return self.expr(vr.input)
        out = '""'
        for c in reversed(rv.final):
            ref = self.expr(Review.key(it.name, c))
            out = f'IF({ref}<>"",{ref},{out})'
        return out

    def item_value(self, it: Item) -> str | None:
        """The item's value: a rubric's points / a typed score (or 未评分/无效), else the metric it scores."""
        vr = it.value_rule
        if isinstance(vr, Rubric):
            raw = self._final_raw(it)
            by_num = f'"{INVALID}"'
            by_label = f'"{INVALID}"'
            for o in reversed(vr.options):
                by_num = f"IF({raw}={lit(o.points)},{lit(o.points)},{by_num})"
                by_label = f"IF({raw}&\"\"={lit(o.label)},{lit(o.points)},{by_label})"
            return f'IF({raw}&""="","{UNSCORED}",IF(ISNUMBER({raw}),{by_num},{by_label}))'
        if isinstance(vr, Score):
            raw = self._final_raw(it)
            return (f'IF({raw}&""="","{UNSCORED}",IF(ISNUMBER({raw}),IF(AND({raw}>={lit(vr.low)},{raw}<={lit(vr.high)}),'
                    f'{raw},"{INVALID}"),"{INVALID}"))')
        if it.metric:
            return None if it.metric not in self.placed and not self.is_formula(it.metric) else self.expr(it.metric)
        for r in it.rules:
            if isinstance(r, Linear):
                return self.expr(r.metric)
            if isinstance(r, PerCount):
                return self._count(r.inputs)
        return None

    def item_value_expr(self, it: Item) -> str:
        key = item_key(it.name, "数值")
        if key in self.placed:
            return self.placed[key]
        b = self.item_value(it)
        if b is None:
            return lit(self.value(key))
        return f"({b})"

    def item_points(self, it: Item) -> str:
        vr = it.value_rule
        start = self.item_value_expr(it) if vr is not None else (
            self.refs.item_full[it.name] if it.base is None else lit(it.base))
        deltas: list[str] = []
        oks: list[str] = []
        overrides: list[tuple[str, str]] = []
        rv = self.s.review
        if rv is not None and vr is None:
            final = self._final_raw(it)
            overrides.append((f'{final}&""<>""', final))
        for j, r in enumerate(it.rules):
            if isinstance(r, Linear):
                d, ok = self.linear(it, j, r)
                deltas.append(d)
                oks.append(ok)
            elif isinstance(r, PerCount):
                deltas.append(self.per_count(it, j, r))
            elif isinstance(r, Condition):
                cond = self.any_test(r.tests)
                if r.set_to is not None:
                    overrides.append((cond, lit(r.set_to)))
                elif r.points:
                    deltas.append(f"IF({cond},{lit(r.points)},0)")
        p = start + "".join(f"+{d}" for d in deltas)
        if it.na_points is not None and oks:
            all_ok = oks[0] if len(oks) == 1 else f"AND({','.join(oks)})"
            p = f"IF({all_ok},{p},{lit(it.na_points)})"
        if len(overrides) == 1:
            c, v = overrides[0]
            p = f"IF({c},{v},{p})"
        elif overrides:
            any_c = f"OR({','.join(c for c, _ in overrides)})"
            mins = ",".join(f"IF({c},{v},{BIG})" for c, v in overrides)
            p = f"IF({any_c},MIN({mins}),{p})"
        floor = self.refs.item_floor[it.name]
        p = f"IF(ISNUMBER({floor}),MAX({floor},{p}),{p})"
        if it.cap is not None:
            p = f"MIN({lit(it.cap)},{p})"
        p = f"ROUND({p},2)"
        if vr is not None:
            p = f"IF(ISNUMBER({start}),{p},{start})"
        return p

    def points_ref(self, it: Item) -> str:
        return self.expr(item_key(it.name, "得分"))

    # ---- totals ----------------------------------------------------------------------------------------------

    def section(self, name: str) -> str | None:
        sec = next((s for s in self.s.sections if s.name == name), None)
        if sec is None:
            return None
        pts = [self.points_ref(it) for it in self.s.items if it.section == name]
        if not pts:
            return "0"
        args = ",".join(pts)
        f = "SUM" if sec.combine == "sum" else "AVERAGE"
        return f'IF(COUNT({args})={len(pts)},{f}({args}),"{PENDING_TOTAL}")'

    def total(self) -> str:
        pts = [self.points_ref(it) for it in self.s.items]
        args = ",".join(pts)
        n = len(pts)
        if self.s.total == "sections":
            parts = []
            for sec in self.s.sections:
                sref = self.expr(f"分区:{sec.name}")
                if sec.addon:
                    parts.append(sref)
                else:
                    parts.append(f"{self.refs.sections[(sec.name, '权重')]}*{sref}/100")
            body = "+".join(parts) or "0"
        elif self.s.total == "mean":
            body = f"AVERAGE({args})"
        else:
            body = f"SUM({args})"
        return f'IF(COUNT({args})={n},ROUND({body},2),"{PENDING_TOTAL}")'

    def exclusion(self) -> str:
        out = '""'
        for ex in reversed(self.s.exclusions):
            out = f"IF({self.any_test(ex.tests)},{lit(ex.text)},{out})"
        return out

    def _in_band(self, t: str, lo: str, hi: str, lo_inc: str, hi_inc: str) -> str:
        return (f'AND(IF(ISNUMBER({lo}),IF({lo_inc}="否",{t}>{lo},{t}>={lo}),TRUE),'
                f'IF(ISNUMBER({hi}),IF({hi_inc}="是",{t}<={hi},{t}<{hi}),TRUE))')

    def grade(self) -> str | None:
        g = self.s.grades
        if g is None:
            return None
        t = self.expr("总分")
        rg = self.refs.grades
        n = len(g.bands)
        blocked = f'NOT(ISNUMBER({t}))'
        if self.s.exclusions:
            blocked = f'OR({blocked},{self.expr("不参加考核")}<>"")'
        if not self.s.grade_caps:
            out = '""'
            for i in reversed(range(n)):
                inb = self._in_band(t, rg[(i, "下限")], rg[(i, "上限")], rg[(i, "含下限")], rg[(i, "含上限")])
                out = f"IF({inb},{rg[(i, '等级')]},{out})"
            return f'IF({blocked},"",{out})'
        idx = "0"
        for i in reversed(range(n)):
            inb = self._in_band(t, rg[(i, "下限")], rg[(i, "上限")], rg[(i, "含下限")], rg[(i, "含上限")])
            idx = f"IF({inb},{i + 1},{idx})"
        labels = self.refs.grade_labels
        caps = ",".join(f"IF({self.any_test(c.tests)},MATCH({lit(c.max_grade)},{labels},0),0)" for c in self.s.grade_caps)
        return f'IF({blocked},"",IF({idx}=0,"",INDEX({labels},MAX({idx},{caps}))))'

    def grade_attr(self, attr: str) -> str | None:
        col = self.refs.grade_columns.get(attr)
        if col is None:
            return None
        g = self.expr("等级")
        return f'IF({g}="","",INDEX({col},MATCH({g},{self.refs.grade_labels},0)))'

    # ---- money -----------------------------------------------------------------------------------------------

    def _tier_amount(self, i: int, x: str) -> str:
        R = self.refs.tier
        kind, rate, base, start, lo = R(i, "方式"), R(i, "比例"), R(i, "基数"), R(i, "起算额"), R(i, "下限")
        return (f'IF({kind}="固定",N({base}),IF({kind}="超额",N({base})+N({rate})*({x}-IF(ISNUMBER({start}),{start},N({lo}))),'
                f'N({base})+N({rate})*{x}))')

    def commission(self) -> str | None:
        c = self.s.commission
        if isinstance(c, TierTable):
            x = self.expr(c.basis)
            R = self.refs.tier
            out = "0"
            for i in reversed(range(len(c.tiers))):
                inb = self._in_band(x, R(i, "下限"), R(i, "上限"), R(i, "含下限"), R(i, "含上限"))
                out = f"IF({inb},{self._tier_amount(i, x)},{out})"
            return f"IF(ISNUMBER({x}),ROUND({out},2),0)"
        if isinstance(c, CoefficientTable):
            x = self.expr(c.basis)
            t = self.expr("总分")
            rc = self.refs.coef
            rate = "0"
            for i in reversed(range(len(c.bands))):
                inb = self._in_band(t, rc[(i, "下限")], rc[(i, "上限")], rc[(i, "含下限")], rc[(i, "含上限")])
                rate = f"IF({inb},N({rc[(i, '比例')]}),{rate})"
            conds = [f"ISNUMBER({x})", f"ISNUMBER({t})"]
            if self.s.exclusions:
                conds.append(f'{self.expr("不参加考核")}=""')
            return f"IF(AND({','.join(conds)}),ROUND({rate}*{x},2),0)"
        return "0"

    def public_commission(self) -> str | None:
        p = self.s.pay
        if p is None or p.public_rate is None:
            return "0"
        n = f'N({self.expr("团队人数")})'
        return f'IF({n}>0,ROUND(N({self.expr("公共销售额")})*{self.refs.pay["公共提成比例"]}/{n},2),0)'

    def pay_parts(self) -> list[str]:
        p = self.s.pay
        if p is None:
            return []
        parts = []
        if p.post_pay in (PostPay.GRADE, PostPay.INPUT):
            parts.append(N.POST_PAY)
        parts.append(N.OWN_COMMISSION)
        if p.public_rate is not None:
            parts.append(N.PUBLIC_COMMISSION)
        parts.append(N.SENIORITY_PAY)
        if p.performance_pay:
            parts.append(N.PERFORMANCE_PAY)
        parts += [N.REWARDS, N.FINES]
        return parts

    def pay_part(self, part: str) -> str | None:
        p = self.s.pay
        if p is None or part not in self.pay_parts():
            return None
        if part == N.POST_PAY:
            if p.post_pay == PostPay.GRADE and N.POST_PAY in self.refs.grade_columns:
                g = self.expr("等级")
                return (f'ROUND(IF({g}<>"",N(INDEX({self.refs.grade_columns[N.POST_PAY]},MATCH({g},{self.refs.grade_labels},0))),'
                        f'N({self.expr(N.POST_PAY)})),2)')
            own = self.expr(N.POST_PAY)
            return f'IF(ISNUMBER({own}),ROUND({own},2),"{POST_PAY_MISSING}")'
        if part == N.OWN_COMMISSION:
            return self.expr(N.OWN_COMMISSION)
        if part == N.PUBLIC_COMMISSION:
            return self.expr(N.PUBLIC_COMMISSION)
        if part == N.SENIORITY_PAY:
            own = self.expr(N.SENIORITY_PAY)  # an agent's own figure wins over the per-year amount
            if p.seniority_per_year is not None:
                return f'ROUND(IF(ISNUMBER({own}),{own},{self.refs.pay["每年工龄工资"]}*N({self.expr("工龄年数")})),2)'
            return f'ROUND(N({own}),2)'
        if part == N.PERFORMANCE_PAY:
            g = self.expr("等级")
            col = self.refs.grade_columns.get(N.PERFORMANCE_PAY_RATIO)
            if col is None:
                return "0"
            t = self.expr("总分")
            attr = f"INDEX({col},MATCH({g},{self.refs.grade_labels},0))"
            factor = f'IF({g}="",0,IF({attr}&""="得分",IF(ISNUMBER({t}),{t}/100,0),N({attr})))'
            amount = f'ROUND(N({self.expr(N.PERFORMANCE_PAY)})*{factor},2)'
            if self._total_can_pend():  # the grade that sets the factor waits for the total
                pending = self._pending_test()
                amount = f'IF({pending},"{PENDING_TOTAL}",{amount})'
            if p.exempt:  # 试用期: the result does not set the pay, so it is known while the total waits
                amount = f'IF({self.any_test(p.exempt)},ROUND(N({self.expr(N.PERFORMANCE_PAY)})*{lit(p.exempt_factor)},2),{amount})'
            return amount
        if part == N.REWARDS:
            terms = [f"N({self.expr(HISTORY_BONUS)})", f'N({self.expr(N.REWARDS)})']
            for rw in p.rewards:
                terms.append(f'{self.refs.pay[f"奖励:{rw.input}"]}*N({self.expr(rw.input)})')
            return f"ROUND({'+'.join(terms)},2)"
        if part == N.FINES:
            terms = [f'N({self.expr(N.FINES)})']
            if p.fine is not None:
                e = f"N({self.expr(HISTORY_VIOLATIONS)})"
                now = f"INT(N({self.expr(p.fine.input)}))"
                for k in range(1, len(p.fine.amounts) + 1):
                    terms.append(f'IF(AND({e}<{k},{k}<={e}+{now}),{self.refs.pay[f"罚款:{k}"]},0)')
            return f"-ROUND({'+'.join(terms)},2)"
        return None

    def pay_total(self) -> str | None:
        """The sum of the parts; 待评分 while the total awaits a supervisor's score (as in the 汇总).

        A 岗位工资 shown as 未录入 adds nothing (``N``).
        """
        parts = self.pay_parts()
        if not parts:
            return None
        terms = []
        for x in parts:
            e = self.expr("工资:" + x)
            terms.append(f"N({e})" if x == N.POST_PAY and self._post_pay_from_input() else e)
        body = f"ROUND({'+'.join(terms)},2)"
        if not self._total_can_pend():
            return body
        return f'IF({self._pending_test()},"{PENDING_TOTAL}",{body})'

    def _pending_test(self) -> str:
        """The total waits for a score and the agent takes part in the appraisal."""
        pending = f'NOT(ISNUMBER({self.expr("总分")}))'
        if self.s.exclusions:
            pending = f'AND({pending},{self.expr("不参加考核")}="")'
        return pending

    # ---- pay that is not known --------------------------------------------------------------------------------

    def _post_pay_from_input(self) -> bool:
        p = self.s.pay
        return p is not None and p.post_pay == PostPay.INPUT

    def _post_pay_missing(self) -> bool:
        """Whether the agent's own 岗位工资 (post_pay = "input") was not typed: the cell shows 未录入."""
        return self._post_pay_from_input() and not is_number(self.raw(N.POST_PAY))

    def _total_can_pend(self) -> bool:
        """Whether an item's points can be 未评分/无效 (a typed score, rubric or review), so the total 待评分."""
        return self.s.review is not None or any(it.value_rule is not None for it in self.s.items)

    def _exempt(self) -> bool:
        """Whether the pay's exemption (试用期) holds, so the result does not set the 绩效工资."""
        p = self.s.pay
        return bool(p is not None and p.exempt and any_holds(p.exempt, ChainMap(self.extra, self.m)))

    def _pay_pending(self) -> bool:
        """The 汇总's rule: the pay of a total still awaiting scores is not known (its grade decides parts of it)."""
        return isinstance(self.r.total, NA) and self.r.excluded is None


#: The cached values read straight off the agent's result (see :meth:`Emitter.value`).
_SIMPLE_VALUES: dict[str, Any] = {
    "总分": lambda em, r: cached_total(r.total),
    "等级": lambda em, r: r.grade or "",
    "排名": lambda em, r: r.rank if r.rank is not None else "",
    "不参加考核": lambda em, r: r.excluded or "",
    N.OWN_COMMISSION: lambda em, r: cached(r.commission),
    N.PUBLIC_COMMISSION: lambda em, r: cached(r.public_commission),
    "当月工资": lambda em, r: PENDING_TOTAL if em._pay_pending() else cached(r.pay_total),
    "标记": lambda em, r: "；".join(r.flags + r.grade_notes),
}


def inputs_needed(scheme: Scheme) -> list[str]:
    """Every figure, manual input and team value the sheet's formulas read, in a sensible order.

    :meth:`Scheme.inputs`, with each metric preceded by its numerator and
    denominator (the sheet computes it), the history values the pay reads,
    and the watch-list metrics.
    """
    seen: dict[str, None] = {}

    def add(n: Any) -> None:
        if n in RATIO_BY_NAME:
            r = RATIO_BY_NAME[n]
            add(r.denominator)
            add(r.numerator)
        elif n == "咨询占比":
            add("接待人数")
            add("团队接待人数")
        seen.setdefault(n, None)

    on_item_rows = {it.value_rule.input for it in scheme.items if it.value_rule is not None}
    for n in scheme.inputs():
        if n in on_item_rows or ("(" in n and scheme.review is not None):
            continue  # scores and appraiser columns are typed on the item rows, not in the data block
        add(n)
    p = scheme.pay
    if p is not None and p.fine is not None:
        add(HISTORY_VIOLATIONS)
    if p is not None and any(st.bonus for st in scheme.streaks):
        add(HISTORY_BONUS)
    for w in scheme.watch:
        if w not in scheme.params:
            add(w)
    return list(seen)
