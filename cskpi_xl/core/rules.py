"""Scoring rule kinds, each a small immutable type.

An item starts from a *base* (its full marks unless the scheme says
otherwise, or the value a *value rule* gives: a rubric choice, a score typed
by a supervisor); *adjustment rules* then add or deduct points; the item is
floored (0 unless "no floor") and capped (none unless stated); points are
rounded half-up to 2 decimals.

Values a rule reads come from a context mapping: the agent's figures and
metrics, the team values (``团队客单价`` …) and the agent's manual inputs.

>>> r = Linear(metric="询单转化率", upper=Decimal("0.34"), lower=Decimal("0.34"),
...            unit=Decimal("0.01"), above=Decimal(5), below=Decimal(-5))
>>> r.apply({"询单转化率": 0.36}).delta
Decimal('10')
>>> PerCount(inputs=("迟到早退次数",), points=Decimal(-1), after=4,
...          then=Decimal(-3)).apply({"迟到早退次数": 6}).delta
Decimal('-10')
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping

from cskpi_xl.core.numbers import NA, exact, from_ratio, ratio_of, to_decimal


@dataclass(frozen=True)
class Outcome:
    """What a rule gives for one agent.

    Attributes:
      delta: points added (negative: deducted), for adjustment rules.
      value: the item's base value, for value rules (rubric, score).
      override: a value the item is set to whatever else applies (a zero-out).
      note: why, in Chinese (shown on the sheet).
      na: the NA that made the rule give its default, if any.
      error: a Chinese error text when the input is unusable.
      pending: the error is only that the input is not typed yet (a score to give).
      label: the rubric option or band chosen, if any.
    """

    delta: Decimal = Decimal(0)
    value: Decimal | None = None
    override: Decimal | None = None
    note: str = ""
    na: NA | None = None
    error: str | None = None
    label: str | None = None
    pending: bool = False


def _get(ctx: Mapping[str, Any], name: str) -> Decimal | NA:
    v = ctx.get(name)
    if isinstance(v, NA):
        return v
    if v is None or v == "":
        return NA(f"缺少{name}", f"{name} is missing")
    try:
        return to_decimal(v)
    except ValueError:
        return NA(f"{name}不是数字：{v!r}", f"{name} is not a number: {v!r}")


def resolve(ref: Decimal | str, ctx: Mapping[str, Any]) -> Decimal | NA:
    """A threshold is a number or the name of a team value (``团队客单价``)."""
    if isinstance(ref, Decimal):
        return ref
    return _get(ctx, ref)


def _fmt(d: Decimal | str) -> str:
    if isinstance(d, str):
        return d
    s = format(d.normalize(), "f")
    return s


@dataclass(frozen=True)
class Linear:
    """Points per unit of distance from a baseline, with an optional dead zone.

    ``above`` points per ``unit`` that the metric is above ``upper``;
    ``below`` points per ``unit`` that it is below ``lower`` (both signed:
    negative deducts). ``upper == lower`` is a single baseline. With ``step``
    only whole units count ("每10元加1分"). A threshold may name a team value.

    Attributes: metric, upper, lower, unit, above, below, step.
    """

    metric: str
    upper: Decimal | str
    lower: Decimal | str
    unit: Decimal = Decimal(1)
    above: Decimal = Decimal(0)
    below: Decimal = Decimal(0)
    step: bool = False
    kind = "linear"
    is_value = False

    def apply(self, ctx: Mapping[str, Any]) -> Outcome:
        v = _get(ctx, self.metric)
        if isinstance(v, NA):
            return Outcome(na=v, note=v.reason)
        up, lo = resolve(self.upper, ctx), resolve(self.lower, ctx)
        for t in (up, lo):
            if isinstance(t, NA):
                return Outcome(na=t, note=t.reason)
        # exact integer-ratio arithmetic: a ratio of counts exactly at a step boundary counts the step
        (a, b), (c, d), (e, f) = ratio_of(v), ratio_of(up), ratio_of(lo)
        g, h = ratio_of(self.unit)
        num, den = 0, 1
        if self.above and a * d > c * b:
            un, ud = (a * d - c * b) * h, b * d * g  # (v − upper) ÷ unit
            if self.step:
                un, ud = un // ud, 1
            pn, pd = ratio_of(self.above)
            num, den = num * pd * ud + pn * un * den, den * pd * ud
        if self.below and a * f < e * b:
            un, ud = (e * b - a * f) * h, b * f * g  # (lower − v) ÷ unit
            if self.step:
                un, ud = un // ud, 1
            pn, pd = ratio_of(self.below)
            num, den = num * pd * ud + pn * un * den, den * pd * ud
        return Outcome(delta=from_ratio(num, den))

    def describe(self) -> str:
        parts = []
        unit = _fmt(self.unit)
        if self.above:
            verb = "加" if self.above > 0 else "扣"
            parts.append(f"高于{_fmt(self.upper)}每{'满' if self.step else ''}{unit}{verb}{_fmt(abs(self.above))}分")
        if self.below:
            verb = "加" if self.below > 0 else "扣"
            parts.append(f"低于{_fmt(self.lower)}每{'满' if self.step else ''}{unit}{verb}{_fmt(abs(self.below))}分")
        return f"{self.metric}：" + "；".join(parts)


@dataclass(frozen=True)
class PerCount:
    """Points per occurrence, optionally escalating after the first ``after``.

    ``inputs`` are summed (e.g. 旷工次数 and 迟到超30分钟次数 both count as
    absences). ``points`` each for the first ``after`` occurrences, ``then``
    each after that.

    Attributes: inputs, points, after, then.
    """

    inputs: tuple[str, ...]
    points: Decimal
    after: int | None = None
    then: Decimal | None = None
    kind = "per_count"
    is_value = False

    def apply(self, ctx: Mapping[str, Any]) -> Outcome:
        count = Decimal(0)
        for name in self.inputs:
            v = ctx.get(name)
            if v is None or v == "" or isinstance(v, NA):
                continue  # no record means no occurrence
            try:
                c = to_decimal(v)
            except ValueError:
                return Outcome(error=f"{name}不是数字：{v!r}")
            if c < 0:
                return Outcome(error=f"{name}不能为负数：{v!r}")
            count += c
        if self.after is not None and self.then is not None and count > self.after:
            delta = self.points * self.after + self.then * (count - self.after)
        else:
            delta = self.points * count
        return Outcome(delta=delta, note=f"{'+'.join(self.inputs)} = {_fmt(count)}" if count else "")

    def describe(self) -> str:
        verb = "加" if self.points > 0 else "扣"
        s = f"{'、'.join(self.inputs)}每次{verb}{_fmt(abs(self.points))}分"
        if self.after is not None and self.then is not None:
            s += f"，超过{self.after}次后每次{'加' if self.then > 0 else '扣'}{_fmt(abs(self.then))}分"
        return s


_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne}


@dataclass(frozen=True)
class Test:
    """``input op threshold`` (e.g. 迟到次数 > 3); unrecorded inputs count as 0.

    ``inputs`` are summed, so 迟到早退次数 and 旷工次数 may be tested together.
    """

    inputs: tuple[str, ...]
    op: str
    threshold: Decimal | str
    __test__ = False  # not a pytest test class

    def holds(self, ctx: Mapping[str, Any]) -> bool:
        """Whether the test holds; it never holds when none of its inputs is recorded.

        The threshold may name a parameter (yali's 响应标准秒数); a threshold that is n/a never holds.
        """
        threshold = resolve(self.threshold, ctx)
        if isinstance(threshold, NA):
            return False
        total, seen = Fraction(0), False
        for name in self.inputs:
            v = ctx.get(name)
            if v is None or v == "" or isinstance(v, NA):
                continue
            try:
                total += exact(v)
                seen = True
            except ValueError:
                continue
        return seen and _OPS[self.op](total, exact(threshold))  # exact: a ratio on the line is on it

    def describe(self) -> str:
        return f"{'+'.join(self.inputs)} {self.op} {_fmt(self.threshold)}"


def any_holds(tests: tuple[Test, ...], ctx: Mapping[str, Any]) -> bool:
    return any(t.holds(ctx) for t in tests)


@dataclass(frozen=True)
class Condition:
    """When any test holds: add ``points``, or set the item to ``set_to``.

    S4 员工出勤率: −1 if 迟到次数 > 3 or 早退次数 ≥ 1; 0 if 旷工次数 ≥ 1.

    Attributes: tests, points, set_to, text.
    """

    tests: tuple[Test, ...]
    points: Decimal = Decimal(0)
    set_to: Decimal | None = None
    text: str = ""
    kind = "condition"
    is_value = False

    def apply(self, ctx: Mapping[str, Any]) -> Outcome:
        if not any_holds(self.tests, ctx):
            return Outcome()
        why = self.text or " 或 ".join(t.describe() for t in self.tests)
        if self.set_to is not None:
            return Outcome(override=self.set_to, note=why)
        return Outcome(delta=self.points, note=why)

    def describe(self) -> str:
        cond = " 或 ".join(t.describe() for t in self.tests)
        if self.set_to is not None:
            return f"{cond} 时该项为{_fmt(self.set_to)}分"
        return f"{cond} 时{'加' if self.points > 0 else '扣'}{_fmt(abs(self.points))}分"


@dataclass(frozen=True)
class Option:
    """One rubric choice: its points, a short label (a/b/c… or the points) and its description."""

    points: Decimal
    label: str
    text: str = ""


@dataclass(frozen=True)
class Rubric:
    """The item's value is one option of a list (7/5/3/2/1; S8's a/b/c/d).

    The input holds the option's label or its points.

    Attributes: input, options.
    """

    input: str
    options: tuple[Option, ...]
    kind = "rubric"
    is_value = True

    def choose(self, raw: Any) -> Option | None:
        if raw is None or isinstance(raw, NA):
            return None
        text = str(raw).strip()
        for o in self.options:
            if text.lower() == o.label.lower():
                return o
        try:
            d = to_decimal(raw)
        except ValueError:
            return None
        for o in self.options:
            if o.points == d:
                return o
        return None

    def apply(self, ctx: Mapping[str, Any]) -> Outcome:
        raw = ctx.get(self.input)
        if raw is None or raw == "" or isinstance(raw, NA):
            return Outcome(na=NA(f"未评{self.input}", f"{self.input} not rated"), error=f"{self.input}未评分", pending=True)
        o = self.choose(raw)
        if o is None:
            allowed = "/".join(_fmt(o.points) for o in self.options)
            return Outcome(error=f"{self.input}只能选 {allowed}：{raw!r}")
        return Outcome(value=o.points, label=o.label, note=o.text)

    def describe(self) -> str:
        return "；".join(f"{_fmt(o.points)}分：{o.text}" if o.text else _fmt(o.points) for o in self.options)


@dataclass(frozen=True)
class Band:
    """A described band of scores (S9: 15 / 13–14 / 11–12 / 7–10 / <7)."""

    low: Decimal
    high: Decimal
    text: str = ""
    high_inclusive: bool = True

    def contains(self, v: Decimal) -> bool:
        return self.low <= v and (v <= self.high if self.high_inclusive else v < self.high)


@dataclass(frozen=True)
class Score:
    """The item's value is a score typed by a person, within ``[low, high]``.

    With ``bands`` (S9), the band the score falls in is shown beside it.

    Attributes: input, low, high, bands.
    """

    input: str
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(100)
    bands: tuple[Band, ...] = field(default=())
    kind = "score"
    is_value = True

    def apply(self, ctx: Mapping[str, Any]) -> Outcome:
        raw = ctx.get(self.input)
        if raw is None or raw == "" or isinstance(raw, NA):
            return Outcome(na=NA(f"未评{self.input}", f"{self.input} not scored"), error=f"{self.input}未评分", pending=True)
        try:
            v = to_decimal(raw)
        except ValueError:
            return Outcome(error=f"{self.input}不是数字：{raw!r}")
        if not (self.low <= v <= self.high):
            return Outcome(error=f"{self.input}应在 {_fmt(self.low)}–{_fmt(self.high)} 之间：{raw!r}")
        band = self.band(v)
        return Outcome(value=v, label=band.text if band is not None else None)

    def band(self, v: Decimal) -> Band | None:
        """The band ``v`` falls in; a fractional score between two whole-number bands (14.5 between
        13–14 and 15) stays in the lower one until it reaches the next band's low.

        >>> s = Score("x", Decimal(0), Decimal(15), (Band(Decimal(15), Decimal(15), "15"), Band(Decimal(13), Decimal(14), "13–14")))
        >>> s.band(Decimal("14.5")).text, s.band(Decimal(15)).text, s.band(Decimal("12.5"))
        ('13–14', '15', None)
        """
        for b in self.bands:
            if b.contains(v):
                return b
        below = [b for b in self.bands if b.high < v]
        if not below:
            return None
        return max(below, key=lambda b: b.high)

    def describe(self) -> str:
        if self.bands:
            return "；".join(
                f"{_fmt(b.low)}" + ("" if b.low == b.high else f"–{_fmt(b.high)}") + (f"：{b.text}" if b.text else "")
                for b in self.bands
            )
        return f"评分 {_fmt(self.low)}–{_fmt(self.high)}"


Rule = Linear | PerCount | Condition | Rubric | Score
