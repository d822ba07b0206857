"""Boundary tests generated from the built-in schemes' data.

For every rule of every built-in scheme, the cases are generated from the
scheme's numbers: each threshold exactly, one unit below and above it, two
units, a third of a unit (a value no decimal holds exactly), and for
whole-unit steps the value just below the next step. The agent's figures are
*counts* chosen so the metric is exactly the wanted fraction (a team value
such as 团队客单价 or 人均咨询占比 is made by the other agents' counts), so
float or 28-digit drift would show.

The expected points are worked here from the rule's numbers with Fraction
arithmetic — "高于 upper 每 unit 加 above 分" — without calling the engine's
rule code; the engine must agree. Grade bands, commission tiers, the
KPI-coefficient table and the exclusion / cap / flag tests are checked the same
way at each bound.
"""

from __future__ import annotations

import math
from decimal import Decimal as D
from fractions import Fraction as F
from typing import Any, Iterator

import pytest

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.core.metrics import RATIO_BY_NAME
from cskpi_xl.core.rules import Condition, Linear, PerCount, Rubric, Score

AGENT = "甲"
CENT = F(1, 100)


def half_up(x: F) -> F:
    """Round to 0.01, half away from zero (Excel's ROUND(x, 2))."""
    q = abs(x) * 100
    n = math.floor(q)
    if q - n >= F(1, 2):
        n += 1
    return F(n if x >= 0 else -n, 100)


def dec(x: F) -> D:
    """A Fraction that is a finite decimal, as a Decimal (money, counts)."""
    d = x.denominator
    k = 0
    while (10**k) % d:
        k += 1
        assert k < 40, x
    return D(x.numerator * (10**k // d)).scaleb(-k)


# ---- making a metric exactly a wanted fraction from counts ------------------------------------------------------


def others(total: int, n: int, key: str) -> dict[str, dict[str, Any]]:
    return {f"客服{i:02d}": {key: total // n + (1 if i < total % n else 0)} for i in range(n)}


def team_for(metric: str, threshold: str, d: F) -> dict[str, dict[str, Any]] | None:
    """Agents whose 甲 has ``metric`` exactly ``d`` above the team value ``threshold`` (None: not reachable)."""
    if (metric, threshold) == ("客单价", "团队客单价"):
        # 甲 300k buyers, 乙 600k buyers with 51,200k sales: 甲 − team = (2 s − 51,200k) / 900k
        s = (900 * d + 51200) / 2
        if s < 0:
            return None
        return {AGENT: {"销售额": dec(s), "销售人数": 300}, "乙": {"销售额": 51200, "销售人数": 600}}
    if (metric, threshold) == ("咨询占比", "人均咨询占比"):
        # 12 agents; 甲 serves a of a + R: a / (a + R) = 1/12 + d
        share = F(1, 12) + d
        if not (0 <= share < 1):
            return None
        f = share / (1 - share)
        m = max(1, -(-11 // max(1, f.denominator)))
        r, a = f.denominator * m, f.numerator * m
        agents = {AGENT: {"接待人数": a}}
        agents.update(others(r, 11, "接待人数"))
        return agents
    raise AssertionError(f"no way to make {metric} relative to {threshold}")  # a new team value: add it here


def figures_for(metric: str, v: F) -> dict[str, Any] | None:
    """One agent's counts giving ``metric`` exactly ``v`` (None: not reachable, e.g. a share above 100%)."""
    if v < 0:
        return None
    r = RATIO_BY_NAME.get(metric)
    if r is None:
        return {metric: dec(v)}
    if metric in ("询单转化率", "最终下单成功率", "回复率", "好评率", "满意率") and v > 1:
        return None
    k = 3  # counts 3× the reduced fraction: the value is the same, the sums are not trivial
    num, den = v.numerator * k, v.denominator * k
    if r.name == "回复率":
        return {"接待人数": den, "回复人数": num}
    return {r.denominator: den, r.numerator: num}


# ---- the rule's text, as arithmetic -------------------------------------------------------------------------------


def linear_delta(r: Linear, v: F, up: F, lo: F) -> F:
    unit = F(r.unit)

    def units(distance: F) -> F:
        return F(math.floor(distance / unit)) if r.step else distance / unit

    out = F(0)
    if v > up:
        out += F(r.above) * units(v - up)
    if v < lo:
        out += F(r.below) * units(lo - v)
    return out


def per_count_delta(r: PerCount, c: int) -> F:
    if r.after is not None and c > r.after:
        return F(r.points) * r.after + F(r.then) * (c - r.after)
    return F(r.points) * c


def finish(item, points: F) -> F:
    if item.floor is not None and points < item.floor:
        points = F(item.floor)
    if item.cap is not None and points > item.cap:
        points = F(item.cap)
    return half_up(points)


def start_of(item) -> F:
    return F(item.full if item.base is None else item.base)


# ---- generated cases ------------------------------------------------------------------------------------------


def offsets(unit: F, step: bool) -> list[F]:
    out = [F(0), unit, -unit, 2 * unit, -2 * unit, unit / 3, -unit / 3]
    if step:
        out += [unit - unit / 450, 2 * unit - unit / 450, -unit + unit / 450]
    return out


def linear_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        s = builtin(sid)
        for item in s.items:
            for j, r in enumerate(item.rules):
                if not isinstance(r, Linear):
                    continue
                bounds = {r.upper, r.lower}
                for t in bounds:
                    for off in offsets(F(r.unit), r.step):
                        yield pytest.param(sid, item.name, j, t, off, id=f"{sid}-{item.name}-{j}-{t}+({off})")


@pytest.mark.parametrize("sid,item_name,j,threshold,off", list(linear_cases()))
def test_linear_rule_at_each_threshold(sid, item_name, j, threshold, off):
    s = builtin(sid)
    item = s.item(item_name)
    r = item.rules[j]
    if isinstance(threshold, str) and threshold not in s.params:
        agents = team_for(r.metric, threshold, off)
        if agents is None:
            return  # not reachable with counts (a share below 0)
        t = None
    else:
        t = F(s.params[threshold]) if isinstance(threshold, str) else F(threshold)
        fig = figures_for(r.metric, t + off)
        if fig is None:
            return  # not a value the metric can take (a share above 100%, a negative time)
        agents = {AGENT: fig}
    team, problems = score_team(s, agents)
    a = team.agent(AGENT)
    if t is None:  # the team value: from the counts, exactly
        v = F(a.metrics[r.metric].exact if hasattr(a.metrics[r.metric], "exact") else a.metrics[r.metric])
        tv = team.team[threshold]
        t = F(tv.exact if hasattr(tv, "exact") else tv)
        assert v - t == off  # the counts made the wanted distance
    v = t + off

    def resolve(x):
        if isinstance(x, str):
            return t if x == threshold else F(s.params[x])
        return F(x)

    expected = finish(item, start_of(item) + linear_delta(r, v, resolve(r.upper), resolve(r.lower)))
    got = a.item(item_name).points
    assert got == dec(expected), f"{item.text}: {r.metric} = {v} → expected {float(expected)}, engine {got}"


def per_count_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        for item in builtin(sid).items:
            for j, r in enumerate(item.rules):
                if isinstance(r, PerCount):
                    counts = {0, 1, 2, 3}
                    if r.after is not None:
                        counts |= {r.after - 1, r.after, r.after + 1, r.after + 2}
                    for c in sorted(x for x in counts if x >= 0):
                        for k in range(len(r.inputs)):
                            yield pytest.param(sid, item.name, j, k, c, id=f"{sid}-{item.name}-{j}-{r.inputs[k]}={c}")


@pytest.mark.parametrize("sid,item_name,j,k,count", list(per_count_cases()))
def test_per_count_rule_at_each_count(sid, item_name, j, k, count):
    s = builtin(sid)
    item = s.item(item_name)
    r = item.rules[j]
    team, _ = score_team(s, {AGENT: {r.inputs[k]: count}})
    # other rules of the item that read the same input count too (none in the built-ins, but say so)
    delta = F(0)
    for rr in item.rules:
        if isinstance(rr, PerCount) and r.inputs[k] in rr.inputs:
            delta += per_count_delta(rr, count)
    expected = finish(item, start_of(item) + delta)
    assert team.agent(AGENT).item(item_name).points == dec(expected), item.text


def condition_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        for item in builtin(sid).items:
            for j, r in enumerate(item.rules):
                if isinstance(r, Condition):
                    for t in r.tests:
                        for name in t.inputs:
                            for c in {t.threshold - 1, t.threshold, t.threshold + 1, D(0)}:
                                if c >= 0:
                                    yield pytest.param(sid, item.name, name, int(c), id=f"{sid}-{item.name}-{name}={c}")


def holds(op: str, x: F, t: F) -> bool:
    return {">": x > t, ">=": x >= t, "<": x < t, "<=": x <= t, "==": x == t, "!=": x != t}[op]


@pytest.mark.parametrize("sid,item_name,name,count", list(condition_cases()))
def test_condition_rule_at_each_threshold(sid, item_name, name, count):
    s = builtin(sid)
    item = s.item(item_name)
    team, _ = score_team(s, {AGENT: {name: count}})
    points = start_of(item)
    setto = None
    for r in item.rules:
        if isinstance(r, Condition) and any(name in t.inputs and holds(t.op, F(count), F(t.threshold)) for t in r.tests):
            if r.set_to is not None:
                setto = F(r.set_to) if setto is None else min(setto, F(r.set_to))
            else:
                points += F(r.points)
    expected = finish(item, setto if setto is not None else points)
    assert team.agent(AGENT).item(item_name).points == dec(expected), item.text


def value_rule_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        s = builtin(sid)
        for item in s.items:
            vr = item.value_rule
            if isinstance(vr, Rubric):
                for o in vr.options:
                    yield pytest.param(sid, item.name, o.label, F(o.points), id=f"{sid}-{item.name}-{o.label}")
                    yield pytest.param(sid, item.name, int(o.points), F(o.points), id=f"{sid}-{item.name}-{o.points}")
                yield pytest.param(sid, item.name, max(o.points for o in vr.options) + 1, None, id=f"{sid}-{item.name}-bad")
            elif isinstance(vr, Score):
                lo, hi = F(vr.low), F(vr.high)
                for v in {lo, hi, lo + CENT, hi - CENT, (lo + hi) / 2}:
                    yield pytest.param(sid, item.name, dec(v), v, id=f"{sid}-{item.name}-{float(v)}")
                for b in vr.bands:
                    for v in {F(b.low), F(b.high), F(b.high) - F(1, 2), F(b.low) + F(1, 2)}:
                        if lo <= v <= hi:
                            yield pytest.param(sid, item.name, dec(v), v, id=f"{sid}-{item.name}-band-{float(v)}")
                yield pytest.param(sid, item.name, dec(lo - CENT), None, id=f"{sid}-{item.name}-below")
                yield pytest.param(sid, item.name, dec(hi + CENT), None, id=f"{sid}-{item.name}-above")


def _typed(s, item, value) -> dict[str, Any]:
    if s.review is not None:
        return {f"{item.name}({c})": value for c in s.review.final}
    return {item.value_rule.input: value}


@pytest.mark.parametrize("sid,item_name,typed,expected", list(value_rule_cases()))
def test_value_rule_options_and_ranges(sid, item_name, typed, expected):
    s = builtin(sid)
    item = s.item(item_name)
    team, problems = score_team(s, {AGENT: _typed(s, item, typed)})
    ir = team.agent(AGENT).item(item_name)
    if expected is None:
        assert ir.points is None and ir.error and not ir.pending
        assert any(p.agent == AGENT and p.column == item_name and p.is_error for p in problems)
        return
    assert ir.points == dec(finish(item, expected))
    vr = item.value_rule
    if isinstance(vr, Score) and vr.bands:
        # the band the text gives for the score: low ≤ v ≤ high (high exclusive where the scheme says so),
        # a fractional score between two whole-number bands falls in the lower one
        inside = [b for b in vr.bands if F(b.low) <= expected and (expected <= b.high if b.high_inclusive else expected < b.high)]
        if not inside:
            below = [b for b in vr.bands if F(b.high) < expected]
            inside = [max(below, key=lambda b: b.high)] if below else []
        assert ir.label == (inside[0].text if inside else None), (typed, ir.label)


# ---- grades, commission, coefficient and tests on the whole agent --------------------------------------------------


def band_of(bands, x: F):
    for b in bands:
        low, high = (b.lower, b.upper) if hasattr(b, "lower") else (b.low, b.high)
        low_inc, high_inc = (b.lower_inclusive, b.upper_inclusive) if hasattr(b, "lower") else (b.low_inclusive, b.high_inclusive)
        lo_ok = low is None or x > low or (x == low and low_inc)
        hi_ok = high is None or x < high or (x == high and high_inc)
        if lo_ok and hi_ok:
            return b
    return None


def grade_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        g = builtin(sid).grades
        if g is None:
            continue
        for b in g.bands:
            for bound in (b.low, b.high):
                if bound is not None:
                    for off in (F(0), CENT, -CENT, F(1), -F(1)):
                        yield pytest.param(sid, F(bound) + off, id=f"{sid}-{b.label}-{float(F(bound) + off)}")


@pytest.mark.parametrize("sid,total", list(grade_cases()))
def test_grade_band_at_each_bound(sid, total):
    g = builtin(sid).grades
    expected = band_of(g.bands, total)
    got = g.grade(dec(total))
    assert (got.label if got else None) == (expected.label if expected else None)


def tier_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        c = builtin(sid).commission
        for t in getattr(c, "tiers", ()):
            for bound in (t.lower, t.upper):
                if bound is not None:
                    for off in (F(0), CENT, -CENT, F(1), -F(1)):
                        yield pytest.param(sid, F(bound) + off, id=f"{sid}-{F(bound) + off}")


@pytest.mark.parametrize("sid,sales", list(tier_cases()))
def test_commission_tier_at_each_bound(sid, sales):
    s = builtin(sid)
    t = band_of(s.commission.tiers, sales)
    if t is None:
        expected = F(0)
    elif t.kind == "fixed":
        expected = F(t.base)
    elif t.kind == "marginal":
        start = t.threshold if t.threshold is not None else (t.lower or 0)
        expected = F(t.base) + F(t.rate) * (sales - F(start))
    else:
        expected = F(t.base) + F(t.rate) * sales
    team, _ = score_team(s, {AGENT: {s.commission.basis: dec(sales)}})
    assert team.agent(AGENT).commission == dec(half_up(expected))


def test_standard_commission_breaks_by_hand():
    # the table as written (cskpi_xl/schemes/standard.toml): 14,999 → 224.985 → 224.99; 15,000 → 150; 20,000 → 250; 20,000.01 → 250.0004 → 250.00;
    # 25,000 → 250 + 4% × 5,000 = 450; 25,001 → 2% × 25,001 = 500.02
    s = builtin("standard")
    got = {x: s.commission.commission(D(x)) for x in ("14999", "15000", "20000", "20000.01", "25000", "25001")}
    assert got == {"14999": D("224.99"), "15000": D("150.00"), "20000": D("250.00"), "20000.01": D("250.00"),
                   "25000": D("450.00"), "25001": D("500.02")}


def coefficient_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        c = builtin(sid).commission
        for b in getattr(c, "bands", ()):
            for bound in (b.low, b.high):
                if bound is not None:
                    for off in (F(0), CENT, -CENT):
                        yield pytest.param(sid, F(bound) + off, id=f"{sid}-{F(bound) + off}")


@pytest.mark.parametrize("sid,total", list(coefficient_cases()))
def test_kpi_coefficient_at_each_bound(sid, total):
    c = builtin(sid).commission
    b = band_of(c.bands, total)
    expected = half_up(F(b.rate) * 40000) if b else F(0)
    assert c.commission(dec(total), D(40000)) == dec(expected)


def agent_test_cases() -> Iterator[tuple]:
    for sid in BUILTIN_IDS:
        s = builtin(sid)
        for kind, rules in (("exclusion", s.exclusions), ("cap", s.grade_caps), ("flag", s.flags)):
            for i, rule in enumerate(rules):
                for t in rule.tests:
                    th = F(s.params[t.threshold]) if isinstance(t.threshold, str) else F(t.threshold)
                    unit = F(1) if th == int(th) else CENT
                    for off in (F(0), unit, -unit):
                        v = th + off
                        if v >= 0:
                            yield pytest.param(sid, kind, i, t.inputs[0], v, id=f"{sid}-{kind}{i}-{t.inputs[0]}={float(v)}")


@pytest.mark.parametrize("sid,kind,i,name,v", list(agent_test_cases()))
def test_exclusion_cap_and_flag_tests_at_each_threshold(sid, kind, i, name, v):
    s = builtin(sid)
    rule = {"exclusion": s.exclusions, "cap": s.grade_caps, "flag": s.flags}[kind][i]
    fig = figures_for(name, v) if name in RATIO_BY_NAME else {name: dec(v)}
    if fig is None:
        return
    expected = any(holds(t.op, v, F(s.params[t.threshold]) if isinstance(t.threshold, str) else F(t.threshold))
                   for t in rule.tests if name in t.inputs)
    assert rule.tests and any(name in t.inputs for t in rule.tests)
    # through the engine: the exclusion text, the flag text, the cap note
    team, _ = score_team(s, {AGENT: fig})
    a = team.agent(AGENT)
    if kind == "exclusion":
        assert (a.excluded is not None) == expected or (not expected and a.excluded != rule.text)
    elif kind == "flag":
        assert (rule.text in a.flags) == expected
    else:
        from cskpi_xl.core.rules import any_holds
        assert any_holds(rule.tests, {**s.params, **a.metrics}) == expected


def test_every_builtin_rule_is_covered():
    """The generators above produce cases for every rule kind in every built-in scheme."""
    kinds = {(sid, type(r).__name__) for sid in BUILTIN_IDS for it in builtin(sid).items for r in it.rules}
    covered = {p.values[0] for p in linear_cases()} | {p.values[0] for p in per_count_cases()} | \
              {p.values[0] for p in condition_cases()} | {p.values[0] for p in value_rule_cases()}
    assert {sid for sid, _ in kinds} <= covered
    assert sum(1 for _ in linear_cases()) > 100
