"""Scoring: one scheme, one month, the whole team.

``score_team`` takes each agent's figures (from an export or typed in),
computes the metrics, every item's points, the total, grade, rank,
multi-month flags, commission and pay, and returns ``(result, problems)``.

>>> from cskpi_xl.core.schemefile import builtin
>>> team, problems = score_team(builtin("standard"), {"小美": {"销售额": 22000}})
>>> str(team.agents[0].commission)
'330.00'
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Sequence

from cskpi_xl.core import names as N
from cskpi_xl.core.frozen import FrozenDict
from cskpi_xl.core.grades import GradeBand
from cskpi_xl.core.history import (History, PastMonth, earlier_violations, escalating_fine, fine_needs, month_span,
                                   streak_needs, walk_back)
from cskpi_xl.core.metrics import compute_metrics, team_values
from cskpi_xl.core.names import NO_DATA
from cskpi_xl.core.numbers import (FIGURE_RANGE_TEXT, NA, Exact, from_ratio, number_text, plausible, quotient, ratio_of,
                                   round_money, round_points, to_decimal)
from cskpi_xl.core.problems import ERROR, PENDING, WARNING, Problem
from cskpi_xl.core.rules import Linear, PerCount, any_holds
from cskpi_xl.core.scheme import Item, PostPay, Review, Scheme
from cskpi_xl.core.tiers import CoefficientTable, TierTable, public_commission


@dataclass
class ItemResult:
    """One item of one agent.

    Attributes: name, section, full, value (the figure shown beside it),
    points (None when it cannot be scored), label (rubric option or band),
    notes (why, in Chinese), na (the NA that gave full marks), reviews
    (appraiser column → value), differs (self score ≠ final), error, and
    pending (the error is only a score not typed yet).
    """

    name: str
    section: str | None
    full: Decimal
    value: Any
    points: Decimal | None
    label: str | None = None
    notes: list[str] = field(default_factory=list)
    na: NA | None = None
    reviews: dict[str, Any] = field(default_factory=dict)
    differs: bool = False
    error: str | None = None
    pending: bool = False


#: What a flag, reward or fine shows when a month it needs was not found.
UNVERIFIED = "待核实"


@dataclass
class AgentResult:
    """One agent's month under a scheme.

    ``unverified`` names the multi-month rules that could not be judged for
    this agent because an earlier month's results were not found (their
    flags read 待核实); ``earlier_violations`` is the count the escalating
    fine started from (the violations of the period found before this month).
    """

    agent: str
    metrics: dict[str, Any]
    items: list[ItemResult]
    sections: dict[str, Decimal | NA] = field(default_factory=dict)
    total: Decimal | NA | None = None
    grade: str | None = None
    grade_attrs: dict[str, Any] = field(default_factory=dict)
    grade_notes: list[str] = field(default_factory=list)
    excluded: str | None = None
    flags: list[str] = field(default_factory=list)
    rank: int | None = None
    commission: Decimal = Decimal("0.00")
    public_commission: Decimal = Decimal("0.00")
    pay: dict[str, Decimal] = field(default_factory=dict)
    pay_total: Decimal | None = None
    unverified: list[str] = field(default_factory=list)
    earlier_violations: int = 0

    def item(self, name: str) -> ItemResult:
        for i in self.items:
            if i.name == name:
                return i
        raise KeyError(name)


@dataclass(frozen=True)
class TeamResult:
    """The scored month (a value: it refuses change); ``missing_history`` lists the earlier months a multi-month
    rule needed and did not find; ``public_sales_from`` says where the public sales total came from (``given``:
    the caller, e.g. ``--public-sales``; ``column``: a 公共销售额 column; ``""``: the team's 销售额); ``given``
    holds the shop-wide figures given for the month (``--team``). ``agents`` is a tuple, ``team`` and ``given``
    are :class:`~cskpi_xl.core.frozen.FrozenDict`; the index behind :meth:`agent` is built once, here."""

    scheme: Scheme
    month: str | None
    agents: tuple[AgentResult, ...]
    team: Mapping[str, Any]
    missing_history: tuple[str, ...] = ()
    public_sales_from: str = ""
    given: Mapping[str, Any] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "agents", tuple(self.agents))
        object.__setattr__(self, "team", FrozenDict(self.team))
        object.__setattr__(self, "given", FrozenDict(self.given))
        object.__setattr__(self, "missing_history", tuple(self.missing_history))
        # the batch asks for every agent by name: one index, built with the result
        object.__setattr__(self, "_by_name", FrozenDict({a.agent: a for a in self.agents}))

    def agent(self, name: str) -> AgentResult:
        """The agent's result, by name."""
        return self._by_name[name]

    def ranking(self) -> list[AgentResult]:
        ranked = [a for a in self.agents if a.rank is not None]
        return sorted(ranked, key=lambda a: a.rank)  # stable: ties keep the agents' order


def _clamp(points: Decimal, item: Item) -> Decimal:
    """Floor and cap, compared exactly (an :class:`Exact` by its ratio)."""
    if not isinstance(points, Exact):
        if item.floor is not None and points < item.floor:
            return item.floor
        if item.cap is not None and points > item.cap:
            return item.cap
        return points
    n, d = ratio_of(points)
    if item.floor is not None:
        fn, fd = ratio_of(item.floor)
        if n * fd < fn * d:
            return item.floor
    if item.cap is not None:
        cn, cd = ratio_of(item.cap)
        if n * cd > cn * d:
            return item.cap
    return points


def exact_sum(values: Sequence[Any]) -> Decimal:
    """The exact sum of Decimals (some :class:`Exact`), as a Decimal that keeps it."""
    num, den = 0, 1
    for v in values:
        n, d = ratio_of(v)
        num, den = num * d + n * den, den * d
    return from_ratio(num, den)


def _filled(v: Any) -> bool:
    return not (v is None or v == "" or isinstance(v, NA))


def score_item(item: Item, ctx: Mapping[str, Any], review: Review | None = None) -> ItemResult:
    """The points of one item for one agent (see :mod:`cskpi_xl.core.rules`)."""
    res = ItemResult(item.name, item.section, item.full, None, None)
    vr = item.value_rule
    override: Decimal | None = None
    if review is not None:
        res.reviews = {c: ctx.get(Review.key(item.name, c)) for c in review.columns}
        final = next((res.reviews[c] for c in review.final if _filled(res.reviews[c])), None)
        if vr is not None:
            if final is None:
                res.error = f"缺少{review.required}评分"
                res.pending = True
                return res
            ctx = {**ctx, vr.input: final}
        elif final is not None:
            try:
                override = to_decimal(final)
            except ValueError:
                res.error = f"{item.name}的评分不是数字：{final!r}"
                return res
            res.notes.append(f"按{next(c for c in review.final if _filled(res.reviews[c]))}评分")
        if review.self_column and final is not None and _filled(res.reviews.get(review.self_column)):
            res.differs = str(res.reviews[review.self_column]).strip() != str(final).strip()
    start = item.start
    deltas: list[Decimal] = []  # summed exactly and rounded once, at the end
    inexact = isinstance(start, Exact)
    for r in item.rules:
        o = r.apply(ctx)
        if o.error:
            res.error = o.error
            res.pending = o.pending
            return res
        if o.na is not None:
            res.na = o.na
            res.notes.append(f"{o.na.reason}，按满分计" if item.na_points is None else o.na.reason)
        if o.value is not None:
            start = o.value
            res.label = o.label
            res.value = o.value
            if o.note:
                res.notes.append(o.note)
        deltas.append(o.delta)
        inexact = inexact or isinstance(o.delta, Exact)
        if o.override is not None:
            override = o.override if override is None else min(override, o.override)
            res.notes.append(o.note)
        elif o.note and o.value is None and o.na is None:
            res.notes.append(o.note)
    if res.value is None:
        res.value = _shown_value(item, ctx)
    if res.na is not None and item.na_points is not None:
        points: Decimal = item.na_points
    elif inexact or isinstance(start, Exact):
        points = exact_sum([start, *deltas])
    else:
        points = sum(deltas, start)  # finite decimals: exact
    if override is not None:
        points = override
    res.points = round_points(_clamp(points, item))
    return res


#: An item, total or pay whose figures are each plausible but whose arithmetic leaves the 28-digit decimals.
OVERFLOW_TEXT = ("数值过大或过小，超出可精确计算的范围，不计分；请核对本人的数据",
                 "the figures are too large or too small to compute exactly; not scored")


def _shown_value_or_none(item: Item, ctx: Mapping[str, Any]) -> Any:
    try:
        return _shown_value(item, ctx)
    except ArithmeticError:
        return None


def _shown_value(item: Item, ctx: Mapping[str, Any]) -> Any:
    if item.metric:
        return ctx.get(item.metric)
    for r in item.rules:
        if isinstance(r, Linear):
            return ctx.get(r.metric)
        if isinstance(r, PerCount):
            total = Decimal(0)
            for n in r.inputs:
                v = ctx.get(n)
                if _filled(v):
                    try:
                        total += to_decimal(v)
                    except ValueError:
                        pass
            return total
    return None


def _times(a: Decimal, b: Decimal) -> Decimal:
    """``a × b`` exactly (``b`` may be an :class:`Exact`)."""
    (n, d), (m, e) = ratio_of(a), ratio_of(b)
    return from_ratio(n * m, d * e)


def total_of(scheme: Scheme, items: list[ItemResult]) -> tuple[Decimal | NA, dict[str, Decimal | NA]]:
    """The total (rounded to 2 decimals) and each section's score."""
    missing = [i.name for i in items if i.points is None]
    sections: dict[str, Decimal | NA] = {}
    for s in scheme.sections:
        pts = [i.points for i in items if i.section == s.name]
        if any(p is None for p in pts):
            sections[s.name] = NA(f"{s.name}有未评分项目", f"{s.name} has unscored items")
        elif not pts:
            sections[s.name] = Decimal(0)
        elif s.combine == "sum":
            sections[s.name] = sum(pts, Decimal(0))
        else:  # a mean is kept exact (1/3 of a cent counts when weighted)
            sections[s.name] = quotient(sum(pts, Decimal(0)), len(pts))
    if missing:
        return NA("未评分：" + "、".join(missing), "not scored: " + ", ".join(missing)), sections
    total: Decimal
    if scheme.total == "sections":
        parts = []
        for s in scheme.sections:
            v = sections[s.name]
            parts.append(v if s.addon else quotient(_times(s.weight, v), 100))
        total = exact_sum(parts)
    elif scheme.total == "mean":
        total = quotient(sum((i.points for i in items), Decimal(0)), len(items)) if items else Decimal(0)
    else:
        total = sum((i.points for i in items), Decimal(0))  # points have 2 decimals: exact
    return round_points(total), sections


def _grade(scheme: Scheme, res: AgentResult, ctx: Mapping[str, Any]) -> None:
    if scheme.grades is None or not isinstance(res.total, Decimal):
        return
    band: GradeBand | None = scheme.grades.grade(res.total)
    if band is None:
        return
    for cap in scheme.grade_caps:
        if any_holds(cap.tests, ctx):
            capped = scheme.grades.capped(band, cap.max_grade)
            if capped is not band:
                res.grade_notes.append(f"{cap.text or '触发等级上限'}：最高{cap.max_grade}（原为{band.label}）")
                band = capped
    res.grade = band.label
    res.grade_attrs = dict(band.attrs)


def _num(ctx: Mapping[str, Any], name: str) -> Decimal | None:
    v = ctx.get(name)
    if not _filled(v):
        return None
    try:
        return to_decimal(v)
    except ValueError:
        return None


def _figure_problem(v: Any) -> tuple[str, str, str] | None:
    """Why a figure cannot be used (Chinese, English, the short Chinese of its NA), or None: a number that is not finite or is outside the
    plausible magnitude (:data:`~cskpi_xl.core.numbers.FIGURE_MAX`). Text that is no number is left to the rules."""
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal, str)):
        return None
    if isinstance(v, float) and not math.isfinite(v) or isinstance(v, Decimal) and not v.is_finite():
        return "不是有限的数字", "not a finite number", "不是有限的数字"
    try:
        d = to_decimal(v)
    except (ValueError, ArithmeticError):
        return None
    if plausible(d):
        return None
    return f"数值超出合理范围（{FIGURE_RANGE_TEXT[0]}）", f"out of range ({FIGURE_RANGE_TEXT[1]})", "数值超出合理范围"


def plausible_figures(agents: Mapping[str, Mapping[str, Any]]) -> tuple[dict[str, Mapping[str, Any]], list[Problem]]:
    """Where figures enter the core: each agent's figure that is no finite number of plausible magnitude
    (``1E+30`` typed in a cell, ``5e-324`` passed to a function, ``nan``) becomes NA, with a problem naming the
    agent, the figure and the value; the agent's other figures and the other agents are untouched.

    >>> ok, problems = plausible_figures({"a": {"销售额": 1e30, "询单人数": 50}})
    >>> ok["a"]["销售额"], ok["a"]["询单人数"], problems[0].message
    (NA('销售额数值超出合理范围，按缺失处理'), 50, '销售额：数值超出合理范围（绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100），按缺失处理')
    """
    out: dict[str, Mapping[str, Any]] = {}
    problems: list[Problem] = []
    for name, figures in agents.items():
        bad = {k: why for k, v in figures.items() if (why := _figure_problem(v)) is not None}
        if not bad:
            out[name] = figures
            continue
        clean = dict(figures)
        for k, (zh, en, short) in bad.items():
            clean[k] = NA(f"{k}{short}，按缺失处理", f"{k}: {en}; treated as missing")
            problems.append(Problem(f"{k}：{zh}，按缺失处理", f"{k}: {en}; treated as missing", agent=name, column=k,
                                    value=str(figures[k])))
        out[name] = clean
    return out, problems


def score_team(
    scheme: Scheme,
    agents: Mapping[str, Mapping[str, Any]],
    month: str | None = None,
    history: History | Mapping[str, Sequence[PastMonth]] | None = None,
    public_sales: Any = None,
    team_figures: Mapping[str, Any] | None = None,
) -> tuple[TeamResult, list[Problem]]:
    """Score every agent of a month; never raises on bad figures.

    ``agents`` maps the agent's name to its figures and manual inputs keyed
    by canonical names; ``history`` holds the earlier months (for streaks and
    escalating fines): a :class:`~cskpi_xl.core.history.History`, or a plain
    mapping agent → earlier months (the months in it count as found), or
    None: no earlier results at all — a multi-month rule that needs one then
    shows 待核实 and a problem says which months are missing;
    ``public_sales`` is the public sales total (default: a 公共销售额 column, else the team's
    sales); ``team_figures`` are team values given for the month (团队客单价 …, see
    :mod:`cskpi_xl.core.shopwide`), used instead of the computed ones.
    """
    agents, problems = plausible_figures(agents)
    history = history if isinstance(history, History) else History.of(history)
    public_from = "given" if public_sales is not None else ""
    if public_sales is not None and not isinstance(public_sales, Decimal):
        try:
            public_sales = number_text(public_sales) if isinstance(public_sales, str) else to_decimal(public_sales)
        except ValueError:
            problems.append(Problem(f"公共销售额不是数字：{public_sales!r}", f"the public sales total is not a number: {public_sales!r}",
                                    column="公共销售额", value=public_sales))
            public_sales, public_from = None, ""
    if public_sales is not None and public_sales < 0:
        problems.append(Problem(f"公共销售额不能为负数：{public_sales}", "the public sales total cannot be negative",
                                column="公共销售额", value=str(public_sales)))
        public_sales, public_from = None, ""
    if public_sales is not None and not plausible(public_sales):
        problems.append(Problem(f"公共销售额数值超出合理范围（{FIGURE_RANGE_TEXT[0]}）：{public_sales}",
                                f"the public sales total is out of range ({FIGURE_RANGE_TEXT[1]})",
                                column="公共销售额", value=str(public_sales)))
        public_sales, public_from = None, ""
    if public_sales is None:
        public_sales, more = public_sales_column(agents)
        problems += more
        public_from = "column" if public_sales is not None else ""
    team = team_values(agents, public_sales)
    given = {k: to_decimal(v) for k, v in (team_figures or {}).items()}
    team.update(given)  # shop-wide figures given for the month win over the computed ones
    results: list[AgentResult] = []
    contexts: dict[str, dict[str, Any]] = {}
    for name, figures in agents.items():
        metrics = compute_metrics(figures, team)
        metrics["公共销售额"] = team["公共销售额"]  # shop-wide: the option or the agreed column, never one row's figure
        ctx: dict[str, Any] = {**scheme.params, **metrics}
        contexts[name] = ctx
        res = AgentResult(name, metrics, [])
        for ex in scheme.exclusions:
            if any_holds(ex.tests, ctx):
                res.excluded = ex.text
                break
        for item in scheme.items:
            try:
                ir = score_item(item, ctx, scheme.review)
            except ArithmeticError:  # figures each plausible, their combination beyond 28 digits: this item only
                ir = ItemResult(item.name, item.section, item.full, _shown_value_or_none(item, ctx), None,
                                error=OVERFLOW_TEXT[0])
            res.items.append(ir)
            if ir.error and res.excluded is None:
                problems.append(Problem(f"{item.name}：{ir.error}",
                                        f"{item.name}: awaiting a score" if ir.pending else f"{item.name}: cannot score",
                                        agent=name, column=item.name, path=scheme.id,
                                        severity=PENDING if ir.pending else ERROR))
            if ir.differs:
                problems.append(Problem(f"{item.name}：自评与最终评分不一致", f"{item.name}: self score differs from the final score",
                                        agent=name, column=item.name, severity=WARNING))
        try:
            res.total, res.sections = total_of(scheme, res.items)
        except ArithmeticError:
            res.total, res.sections = NA(OVERFLOW_TEXT[0], OVERFLOW_TEXT[1]), {}
            problems.append(Problem(f"总分：{OVERFLOW_TEXT[0]}", f"total: {OVERFLOW_TEXT[1]}", agent=name, column="总分"))
        no_data = figures.get(NO_DATA)
        if no_data:  # an agent in the exports with no figure at all: never full marks, never ranked
            res.excluded = f"待核实：{no_data}"
            res.total = NA(f"待核实：{no_data}", "to be checked: no figures in the exports")
            res.sections = {}
            for ir in res.items:
                ir.points, ir.error, ir.notes = None, "待核实：没有数据，不计分", []
        if res.excluded is None:
            _grade(scheme, res, ctx)
        for fl in scheme.flags:
            if any_holds(fl.tests, ctx):
                res.flags.append(fl.text)
        results.append(res)

    # rank: competition ranking ("1224") by total among the appraised
    scored = [r for r in results if r.excluded is None and isinstance(r.total, Decimal)]
    ascending = sorted(r.total for r in scored)
    for r in scored:  # 1 + how many scored higher: sort once, bisect (O(n log n), not O(n²))
        r.rank = 1 + len(ascending) - bisect_right(ascending, r.total)

    n_agents = len(results)
    checks = _HistoryChecks(scheme, month, history)
    for res in results:
        ctx = contexts[res.agent]
        past = history.of_agent(res.agent)
        bonus = checks.streaks(res) if month else Decimal(0)
        try:
            _pay(scheme, res, ctx, team, n_agents, past, bonus, checks)
        except ArithmeticError:
            res.pay, res.pay_total = {}, None
            problems.append(Problem(f"提成与工资：{OVERFLOW_TEXT[0]}", f"commission and pay: {OVERFLOW_TEXT[1]}",
                                    agent=res.agent, column="当月工资"))
    problems += checks.problems()
    return TeamResult(scheme, month, results, team, checks.missing_months(), public_from, given), problems


class _HistoryChecks:
    """The multi-month rules of one month: streak flags and bonuses, the fine's earlier count — and what is missing.

    Every rule that reads a month whose results were not found records it:
    the agent's flag says 待核实 and :meth:`problems` says, per group of
    missing months, which rules could not be judged and for whom.
    """

    def __init__(self, scheme: Scheme, month: str | None, history: History):
        self.scheme, self.month, self.history = scheme, month, history
        self.needed: dict[str, tuple[str, ...]] = {}  # rule label → the months it needs that were not found
        self.affected: dict[str, list[str]] = {}  # rule label → agents left 待核实
        self.bad_counts: list[Problem] = []  # a violation count that is no whole number >= 0

    def _missing(self, label: str, months: list[str]) -> tuple[str, ...]:
        missing = tuple(sorted(m for m in months if self.history.missing(m)))
        if missing:
            self.needed[label] = tuple(sorted(set(self.needed.get(label, ())) | set(missing)))
        return missing

    def _unverified(self, res: AgentResult, label: str, missing: tuple[str, ...], shown: str, more: str = "") -> None:
        res.unverified.append(label)
        res.flags.append(f"{shown}：{UNVERIFIED}（没有找到 {month_span(missing)} 的考核结果{more}）")
        self.affected.setdefault(label, []).append(res.agent)

    def streaks(self, res: AgentResult) -> Decimal:
        """The flags and one-off bonus of every streak rule for ``res``; returns the bonus paid."""
        bonus = Decimal(0)
        month, past = self.month, self.history.of_agent(res.agent)
        for st in self.scheme.streaks:
            label = st.text or st.flag or f"连续{st.months}个月"
            limit = st.months if st.bonus is not None else st.months - 1
            missing = self._missing(label, streak_needs(month, st.months, st.bonus is not None))
            if st.rank is not None:
                now = res.rank is not None and res.rank <= st.rank
                qualifies = lambda h, st=st: h.appraised and h.rank is not None and h.rank <= st.rank
            else:
                now = res.grade in st.grades
                qualifies = lambda h, st=st: h.appraised and h.grade in st.grades
            if not now:
                continue  # the run is broken this month: nothing earlier can change that
            count, missing_at = walk_back(month, past, qualifies, self.history, limit)
            n = count + 1
            if st.flag:
                if n >= st.months:
                    res.flags.append(st.flag)
                elif missing_at is not None:
                    self._unverified(res, label, missing, st.flag)
            if st.bonus is not None:
                if missing_at is not None:
                    # the run may be longer than the months found (no new bonus) or shorter (none yet)
                    self._unverified(res, label, missing, f"{label}（奖励{st.bonus}元）", "，奖励暂不发放")
                elif n == st.months:
                    bonus += st.bonus
                    res.flags.append(f"{st.text or f'连续{st.months}个月'}：奖励{st.bonus}元")
        return bonus

    def fine(self, res: AgentResult, past: Mapping[str, PastMonth], now: int) -> int:
        """The violations before this month that the fine counts from (flagging 待核实 when months are missing)."""
        f = self.scheme.pay.fine
        if not self.month:
            return 0
        earlier = earlier_violations(self.month, f.period, past)
        label = f"违规累计（{f.text}）" if f.text else "违规累计"
        missing = self._missing(label, fine_needs(self.month, f.period, self.history))
        if missing and now > 0 and earlier < len(f.amounts):
            # more violations may hide in the missing months: the fine (and the flag) may be higher
            self._unverified(res, label, missing, "违规罚款", f"，罚款按此前已知的 {earlier} 次违规计算")
        return earlier

    def missing_months(self) -> tuple[str, ...]:
        return tuple(sorted({m for ms in self.needed.values() for m in ms}))

    def problems(self) -> list[Problem]:
        return self.bad_counts + self._history_problems()

    def _history_problems(self) -> list[Problem]:
        multi = self.scheme.streaks or (self.scheme.pay is not None and self.scheme.pay.fine is not None)
        if self.month is None:
            if not multi:
                return []
            return [Problem("不知道考核月份，连续月份的奖励、标记和跨月累计的违规罚款无法判断；请指定月份（例如 2026-10）",
                            "the month is unknown: the multi-month rewards, flags and fines cannot be judged; give the month",
                            severity=WARNING)]
        if not self.needed:
            return []
        union = month_span(self.missing_months())
        if len(set(self.needed.values())) == 1:
            needs = "、".join(self.needed)
        else:
            needs = "；".join(f"{label}需要 {month_span(ms)}" for label, ms in self.needed.items())
        agents = list(dict.fromkeys(a for v in self.affected.values() for a in v))
        if agents:
            names = "、".join(agents[:10]) + (f" 等 {len(agents)} 位" if len(agents) > 10 else "")
            return [Problem(
                f"没有找到 {union} 的考核结果：连续月份的奖励和标记无法判断（{needs}）；"
                f"{len(agents)} 位客服的标记为「{UNVERIFIED}」：{names}",
                f"no results found for {union}: the multi-month rewards and flags cannot be judged; "
                f"{len(agents)} agents marked 待核实: {', '.join(agents[:10])}",
                value=union, severity=WARNING)]
        return [Problem(
            f"没有找到 {union} 的考核结果（{needs}）；本月没有客服因此待核实",
            f"no results found for {union} (needed by the multi-month rules); no agent is affected this month",
            value=union, severity=WARNING)]


def public_sales_column(agents: Mapping[str, Mapping[str, Any]]) -> tuple[Decimal | None, list[Problem]]:
    """The shop-wide 公共销售额 given as a column (the same figure on every agent's row), or None.

    Agents whose rows leave it empty do not count; different figures on different rows are an
    error (a shop has one public sales total a month) and the largest is used, said in the message.

    >>> public_sales_column({"a": {"公共销售额": 100000}, "b": {"公共销售额": "100000"}, "c": {}})
    (Decimal('100000'), [])
    """
    seen: dict[Decimal, list[str]] = {}
    problems: list[Problem] = []
    for name, f in agents.items():
        v = f.get("公共销售额")
        if not _filled(v):
            continue
        try:
            d = to_decimal(v)
        except ValueError:
            problems.append(Problem(f"公共销售额不是数字：{v!r}", f"public sales is not a number: {v!r}", agent=name,
                                    column="公共销售额", value=v))
            continue
        seen.setdefault(d, []).append(name)
    if not seen:
        return None, problems
    if len(seen) > 1:
        use = max(seen)
        listed = "；".join(f"{format(d.normalize(), ',f')}（{'、'.join(ns[:3])}{'等' if len(ns) > 3 else ''}）" for d, ns in seen.items())
        problems.append(Problem(f"公共销售额是全店一个数，但各行不同：{listed}；按最大的 {format(use.normalize(), ',f')} 计算，"
                                f"请改正或用 --public-sales 指定",
                                f"the public sales total differs between rows: {listed}; using the largest; fix it or give --public-sales",
                                column="公共销售额"))
        return use, problems
    return next(iter(seen)), problems


def _pay(scheme: Scheme, res: AgentResult, ctx: Mapping[str, Any], team: Mapping[str, Any],
         n_agents: int, past: Mapping[str, PastMonth], bonus: Decimal, checks: _HistoryChecks) -> None:
    c = scheme.commission
    if isinstance(c, TierTable):
        sales = _num(ctx, c.basis)
        res.commission = c.commission(sales) if sales is not None else Decimal("0.00")
    elif isinstance(c, CoefficientTable):
        sales = _num(ctx, c.basis)
        if sales is not None and isinstance(res.total, Decimal) and res.excluded is None:
            res.commission = c.commission(res.total, sales)
    p = scheme.pay
    if p is None:
        return
    pay: dict[str, Decimal] = {}
    if p.post_pay == PostPay.GRADE:
        v = res.grade_attrs.get(N.POST_PAY)
        pay[N.POST_PAY] = to_decimal(v) if v is not None else (_num(ctx, N.POST_PAY) or Decimal(0))
    elif p.post_pay == PostPay.INPUT:
        pay[N.POST_PAY] = _num(ctx, N.POST_PAY) or Decimal(0)
    pay[N.OWN_COMMISSION] = res.commission
    if p.public_rate is not None:
        res.public_commission = public_commission(team.get("公共销售额", 0), p.public_rate, n_agents)
        pay[N.PUBLIC_COMMISSION] = res.public_commission
    own = _num(ctx, N.SENIORITY_PAY)  # an agent's own figure wins over the per-year amount
    if p.seniority_per_year is not None and own is None:
        pay[N.SENIORITY_PAY] = p.seniority_per_year * (_num(ctx, "工龄年数") or Decimal(0))
    else:
        pay[N.SENIORITY_PAY] = own or Decimal(0)
    if p.performance_pay:
        base = _num(ctx, N.PERFORMANCE_PAY) or Decimal(0)
        pct = res.grade_attrs.get(N.PERFORMANCE_PAY_RATIO)
        if p.exempt and any_holds(p.exempt, ctx):  # S3 试用期: the result does not set the pay
            factor = p.exempt_factor
            if p.exempt_text:
                res.flags.append(p.exempt_text)
        elif pct == "得分" and isinstance(res.total, Decimal):
            factor = res.total / Decimal(100)
        elif pct is not None and pct != "得分":
            factor = to_decimal(pct)
        else:
            factor = Decimal(0)
        pay[N.PERFORMANCE_PAY] = base * factor
    rewards = bonus + (_num(ctx, N.REWARDS) or Decimal(0))
    for r in p.rewards:
        rewards += r.amount * (_num(ctx, r.input) or Decimal(0))
    pay[N.REWARDS] = rewards
    fines = _num(ctx, N.FINES) or Decimal(0)
    if p.fine is not None:
        count = _num(ctx, p.fine.input) or Decimal(0)
        if count < 0 or count != count.to_integral_value():
            # the importers refuse such a count; one typed in a cell is reported, never truncated (2.5 → 2)
            checks.bad_counts.append(Problem(f"{p.fine.input}应为 0 或正整数：{count}，违规罚款按没有违规计算，请改正",
                                             f"{p.fine.input} must be a whole number >= 0: {count}; no fine computed",
                                             agent=res.agent, column=p.fine.input, value=str(count)))
            count = Decimal(0)
        now = int(count)
        earlier = res.earlier_violations = checks.fine(res, past, now)
        amount, flag = escalating_fine(p.fine.amounts, earlier, now)
        fines += amount
        if flag:
            res.flags.append(p.fine.flag)
    pay[N.FINES] = -fines
    pay = {k: round_money(v) for k, v in pay.items()}
    res.pay = pay
    res.pay_total = round_money(sum(pay.values(), Decimal(0)))
