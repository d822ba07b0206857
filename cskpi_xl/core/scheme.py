"""A scheme: one shop's appraisal system, held as data.

A scheme is loaded from a TOML file (:mod:`cskpi_xl.core.schemefile`); these are
the immutable types it becomes. See ``cskpi_xl/schemes/*.toml`` for the
nine built-in schemes (README「内置考核方案」).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from cskpi_xl.core import names as N
from cskpi_xl.core.grades import Grades
from cskpi_xl.core.rules import Condition, Linear, PerCount, Rubric, Rule, Score, Test  # noqa: F401 (Rule re-exported)
from cskpi_xl.core.tiers import CoefficientTable, TierTable


@dataclass(frozen=True)
class Item:
    """One appraisal item.

    Attributes:
      name: the item's Chinese name (咨询转化率 …).
      full: full marks (分数比/权重).
      rules: its rules; at most one value rule (rubric or score).
      base: the starting points when there is no value rule (default: full).
      floor: the lowest points (default 0; None: no floor, 不设下限).
      cap: the highest points (default None: bonuses may exceed full marks).
      section: the section it belongs to, in section schemes.
      metric: the figure the sheet shows beside it (the value column).
      text: the rule as the shop wrote it, shown on the sheet.
      na_points: points when the metric is n/a (default: full marks).
    """

    name: str
    full: Decimal
    rules: tuple[Rule, ...] = ()
    base: Decimal | None = None
    floor: Decimal | None = Decimal(0)
    cap: Decimal | None = None
    section: str | None = None
    metric: str | None = None
    text: str = ""
    na_points: Decimal | None = None

    @property
    def value_rule(self) -> Rubric | Score | None:
        for r in self.rules:
            if r.is_value:
                return r
        return None

    @property
    def start(self) -> Decimal:
        return self.full if self.base is None else self.base


@dataclass(frozen=True)
class Section:
    """A weighted section (S3, S6, S8): its score is the mean (or sum) of its items.

    ``addon`` sections (S3 加分项) are added after weighting.
    """

    name: str
    weight: Decimal = Decimal(0)
    combine: str = "mean"
    addon: bool = False


@dataclass(frozen=True)
class Review:
    """Appraiser columns (S4 自评/主管/审核; S7 一次/二次考核; S9 自评/上级审核).

    The input for item X in column C is named ``X(C)``. The final value is
    the first filled column of ``final``; a missing ``required`` column is an
    error on that item; items where ``self_column`` and the final value differ
    are flagged.
    """

    columns: tuple[str, ...]
    final: tuple[str, ...]
    required: str
    self_column: str | None = None

    @staticmethod
    def key(item: str, column: str) -> str:
        return f"{item}({column})"


@dataclass(frozen=True)
class GradeCap:
    """When any test holds, the grade can be no better than ``max_grade`` (S7)."""

    tests: tuple[Test, ...]
    max_grade: str
    text: str = ""


@dataclass(frozen=True)
class Exclusion:
    """When any test holds, the agent is not appraised this month (S2, S7)."""

    tests: tuple[Test, ...]
    text: str


@dataclass(frozen=True)
class Flag:
    """A standard to flag per agent (S6: first and average response within 15 s)."""

    tests: tuple[Test, ...]
    text: str


@dataclass(frozen=True)
class Streak:
    """A run of consecutive months (S2, S6).

    ``rank`` (e.g. 1: ranked first) or ``grades`` (e.g. 不及格) defines a
    qualifying month; after ``months`` in a row the agent gets ``bonus``
    (once per run) and/or ``flag``.
    """

    months: int
    rank: int | None = None
    grades: tuple[str, ...] = ()
    bonus: Decimal | None = None
    flag: str | None = None
    text: str = ""


@dataclass(frozen=True)
class EscalatingFine:
    """Fines by the ordinal of a violation counted across months (10 / 30 / then a flag).

    ``period``: ``"year"`` counts the violations of the calendar year (from
    January on), ``"all"`` every month on record; see :mod:`cskpi_xl.core.history`.
    """

    input: str
    amounts: tuple[Decimal, ...]
    flag: str
    text: str = ""
    period: str = "year"


@dataclass(frozen=True)
class MoneyPerCount:
    """A reward (or, negative, a fine) in yuan per occurrence (each data error found +10)."""

    input: str
    amount: Decimal
    text: str = ""


class PostPay(StrEnum):
    """Where an agent's 岗位工资 comes from: the value is the word a scheme file uses (``post_pay = "grade"``)."""

    GRADE = "grade"  # the grade's 岗位工资 attribute
    INPUT = "input"  # the agent's own 岗位工资 figure (手工录入)
    NONE = "none"  # no 岗位工资 in the pay


@dataclass(frozen=True)
class PayRules:
    """How the month's pay is made (S2 当月工资; S3 performance pay).

    Attributes:
      post_pay: a :class:`PostPay`: ``grade`` (the grade's 岗位工资), ``input`` (the agent's 岗位工资) or ``none``
        (a word is made the member).
      public_rate: the public-commission rate (0.005), or None for none.
      seniority_per_year: yuan per year of service, or None: the agent's 工龄工资.
      performance_pay: True: 绩效工资 × the grade's 绩效工资比例 (S3).
      rewards: money per occurrence (数据纠错次数 +10, 建议采纳次数 +30).
      fine: the escalating off-task fine, if any.
      exempt: when any of these tests holds (S3 试用期), the appraisal does not set the performance
        pay: it is 绩效工资 × ``exempt_factor`` instead, with ``exempt_text`` as a flag.

    An agent's own 工龄工资 figure, when given, is paid instead of ``seniority_per_year`` × 工龄年数.
    """

    post_pay: PostPay = PostPay.INPUT
    public_rate: Decimal | None = None
    seniority_per_year: Decimal | None = None
    performance_pay: bool = False
    rewards: tuple[MoneyPerCount, ...] = ()
    fine: EscalatingFine | None = None
    exempt: tuple[Test, ...] = ()
    exempt_factor: Decimal = Decimal(0)
    exempt_text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "post_pay", PostPay(self.post_pay))


@dataclass(frozen=True)
class DailyView:
    """S10: a daily trend; days whose conversion is below ``flag_ratio`` × the month's median are flagged."""

    flag_ratio: Decimal = Decimal("0.7")
    metric: str = "询单转化率"


@dataclass(frozen=True)
class Scheme:
    """One appraisal system.

    Attributes:
      id, name, name_en, source (S1…), effective_from, notes (the choices
      made where the source was silent or lost), total (``sum``, ``sections``
      or ``mean``), full_marks, params (named editable constants rules may
      refer to), items, sections, grades, grade_caps, exclusions, flags,
      review, commission, pay, streaks, watch (metrics shown, not scored),
      daily, path (the file it was loaded from).
    """

    id: str
    name: str
    effective_from: dt.date
    items: tuple[Item, ...]
    name_en: str = ""
    source: str = ""
    notes: tuple[str, ...] = ()
    total: str = "sum"
    full_marks: Decimal = Decimal(100)
    params: dict[str, Decimal] = field(default_factory=dict, hash=False, compare=False)
    sections: tuple[Section, ...] = ()
    grades: Grades | None = None
    grade_caps: tuple[GradeCap, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    flags: tuple[Flag, ...] = ()
    review: Review | None = None
    commission: TierTable | CoefficientTable | None = None
    pay: PayRules | None = None
    streaks: tuple[Streak, ...] = ()
    watch: tuple[str, ...] = ()
    daily: DailyView | None = None
    path: str = ""

    def item(self, name: str) -> Item:
        for i in self.items:
            if i.name == name:
                return i
        raise KeyError(name)

    def inputs(self) -> list[str]:
        """Every figure, manual input and team value the scheme reads, in first-use order.

        Rules, the items' shown metrics, grade caps, exclusions and flags,
        the commission basis and the pay's inputs; a value rule reads its own
        input, or one input per appraiser column (``工作态度(主管)``).
        """
        seen: dict[str, None] = {}

        def add(n: Any) -> None:
            if isinstance(n, str) and n not in self.params:
                seen.setdefault(n, None)

        def tests(ts) -> None:
            for t in ts:
                for n in t.inputs:
                    add(n)
                add(t.threshold)  # a named threshold (a team value; parameters are skipped)

        for it in self.items:
            add(it.metric)
            for r in it.rules:
                if isinstance(r, Linear):
                    add(r.metric)
                    add(r.upper)
                    add(r.lower)
                elif isinstance(r, PerCount):
                    for n in r.inputs:
                        add(n)
                elif isinstance(r, Condition):
                    tests(r.tests)
                elif self.review is not None:
                    for c in self.review.columns:
                        add(Review.key(it.name, c))
                else:
                    add(r.input)
        for group in (self.grade_caps, self.exclusions, self.flags):
            for g in group:
                tests(g.tests)
        if self.commission is not None:
            add(self.commission.basis)
        p = self.pay
        if p is not None:
            if p.post_pay in (PostPay.GRADE, PostPay.INPUT):
                add(N.POST_PAY)
            if p.public_rate is not None:
                add("公共销售额")
                add("团队人数")
            if p.seniority_per_year is not None:
                add("工龄年数")
            add(N.SENIORITY_PAY)  # an agent's own figure wins over the per-year amount
            if p.performance_pay:
                add(N.PERFORMANCE_PAY)
                tests(p.exempt)
            add(N.REWARDS)
            for rw in p.rewards:
                add(rw.input)
            add(N.FINES)
            if p.fine is not None:
                add(p.fine.input)
        return list(seen)
