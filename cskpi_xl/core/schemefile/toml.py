"""The TOML reader: a scheme file (dict from ``tomllib``) → the scheme model; loading never crashes.

Every node whitelists its keys; every problem names the file and the path
inside the scheme (``items[2].rules[0].baseline``) with a Chinese message,
after openfisca's parameter files and beancount's loader. What is checked
beyond the types of single values (band coverage, rates, shares) is checked by
:mod:`.validate`, the same validator the sheet reader (:mod:`.sheet`) uses,
with the same defaults: a missing ``lower_inclusive`` means true, a missing
``upper_inclusive`` / ``high_inclusive`` (tiers, grades, coefficient bands)
means false.

>>> s, problems = load_scheme("duoyi")
>>> s.id, s.item("咨询转化率").full, [p for p in problems if p.is_error]
('duoyi', Decimal('20'), [])
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from cskpi_xl.core import names as N
from cskpi_xl.core.grades import GradeBand, Grades
from cskpi_xl.core.numbers import number_text, to_decimal
from cskpi_xl.core.problems import ERROR, WARNING, Problem
from cskpi_xl.core.rules import Band, Condition, Linear, Option, PerCount, Rubric, Score, Test
from cskpi_xl.core.scheme import (
    DailyView, EscalatingFine, Exclusion, Flag, GradeCap, Item, MoneyPerCount, PayRules, PostPay, Review, Scheme, Section,
    Streak,
)
from cskpi_xl.core.schemefile import validate as V
from cskpi_xl.core.tiers import KINDS, CoefficientBand, CoefficientTable, Tier, TierKind, TierTable

BUILTIN_IDS = ("duoyi", "standard", "kpi_ko_ksa", "employee_form", "yali", "operations", "designer", "manager", "daily")


#: Numbers a scheme may hold: beyond these, scoring arithmetic could overflow Decimal.
_MAX_ABS = Decimal("1e15")
_MIN_ABS = Decimal("1e-100")


SHARES = N.SHARES


class SchemeError(ValueError):
    """Raised by :func:`builtin` when a built-in scheme does not load cleanly."""


class _Ctx:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def err(self, path: str, zh: str, en: str, value: Any = None, severity: str = ERROR) -> None:
        self.problems.append(Problem(zh, en, file=self.file, path=path, value=value, severity=severity))

    def warn(self, path: str, zh: str, en: str, value: Any = None) -> None:
        self.err(path, zh, en, value, WARNING)

    def finding(self, f: V.Finding, path: str, value: Any = None) -> None:
        """A finding of the validator, placed at ``path`` (with the value as written, else the finding's)."""
        self.err(path, f.message, f.message_en, value if value is not None else f.value, f.severity)

    def keys(self, node: Any, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
        if not isinstance(node, dict):
            self.err(path, "应为一个表（键 = 值）", "must be a table", node)
            return {}
        for k in node:
            if k not in allowed:
                self.err(f"{path}.{k}" if path else k, f"未知的键「{k}」，允许的键：{'、'.join(sorted(allowed))}",
                         f"unknown key '{k}'", node[k])
        for k in required:
            if k not in node:
                self.err(f"{path}.{k}" if path else k, f"缺少必填的键「{k}」", f"missing required key '{k}'")
        return node

    def num(self, node: dict, key: str, path: str, default: Any = None, *, allow_none: bool = False) -> Any:
        if key not in node:
            return default
        v = node[key]
        if allow_none and v == "none":
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            self.err(f"{path}.{key}", "应为数字", "must be a number", v)
            return default
        try:
            d = number_text(v) if isinstance(v, str) else to_decimal(v)
        except ValueError:
            self.err(f"{path}.{key}", "应为数字", "must be a number", v)
            return default
        if d and not (_MIN_ABS <= d.copy_abs() < _MAX_ABS):
            self.err(f"{path}.{key}", "数值超出合理范围（绝对值应小于 10^15）", "out of range: |x| must be below 10^15", v)
            return default
        return d

    def text(self, node: dict, key: str, path: str, default: str = "") -> str:
        v = node.get(key, default)
        if not isinstance(v, str):
            self.err(f"{path}.{key}", "应为文字", "must be text", v)
            return default
        return v

    def boolean(self, node: dict, key: str, path: str, default: bool) -> bool:
        v = node.get(key, default)
        if not isinstance(v, bool):
            self.err(f"{path}.{key}", "应为 true 或 false", "must be true or false", v)
            return default
        return v

    def names(self, node: dict, key: str, path: str) -> tuple[str, ...]:
        v = node.get(key)
        if isinstance(v, str):
            return (v,)
        if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            return tuple(v)
        self.err(f"{path}.{key}", "应为一个名称或名称列表", "must be a name or a list of names", v)
        return ()

    def table_list(self, node: Any, path: str) -> list:
        if node is None:
            return []
        if not isinstance(node, list):
            self.err(path, "应为一个列表", "must be a list", node)
            return []
        return node


def _ref(ctx: _Ctx, node: dict, key: str, path: str) -> Decimal | str | None:
    """A threshold: a number (``0.34``, ``"34%"``, ``"３４％"``), or the name of a team value or parameter.

    Text with a digit or a percent sign that is not a number is refused, never taken for a name.
    """
    v = node.get(key)
    if isinstance(v, str) and v.strip() and not _looks_numeric(v):
        if any(unicodedata.normalize("NFKC", c) in "0123456789%" for c in v):
            ctx.err(f"{path}.{key}", f"「{v}」既不是数字，也不是团队数值或参数的名称（数字写成 0.34 或 \"34%\"）",
                    f"{v!r} is neither a number nor the name of a team value or parameter", v)
            return None
        return v
    return ctx.num(node, key, path)


def _looks_numeric(s: str) -> bool:
    try:
        number_text(s)
        return True
    except ValueError:
        return False


def _check_share(ctx: _Ctx, metric: str, node: dict, path: str, values: tuple[tuple[str, Any], ...], unit: Any = None) -> None:
    """A share metric (询单转化率 …) compared with a number above 1, or counted in units of 1 or more: a percent written as a whole number."""
    for f in V.share_findings(metric, values, unit):
        ctx.finding(f, f"{path}.{f.field}", node.get(f.field))


def _tests(ctx: _Ctx, node: Any, path: str) -> tuple[Test, ...]:
    out = []
    for i, t in enumerate(ctx.table_list(node, path)):
        p = f"{path}[{i}]"
        t = ctx.keys(t, p, {"input", "inputs", "op", "value"}, ("op", "value"))
        if not t:
            continue
        ins = ctx.names(t, "inputs" if "inputs" in t else "input", p)
        op = t.get("op")
        if op not in (">", ">=", "<", "<=", "==", "!="):
            ctx.err(f"{p}.op", "比较符只能是 > >= < <= == !=", "op must be one of > >= < <= == !=", op)
            continue
        v = _ref(ctx, t, "value", p)  # a number, or a parameter's name (响应标准秒数)
        if len(ins) == 1:
            _check_share(ctx, N.canonical(ins[0]), t, p, (("value", v),))
        if v is not None and ins:
            out.append(Test(ins, op, v))
    if node is not None and not out and not any(pp.path and pp.path.startswith(path) for pp in ctx.problems):
        ctx.err(path, "条件列表为空", "no conditions")
    return tuple(out)


def _rule(ctx: _Ctx, r: Any, path: str, item_name: str):
    if not isinstance(r, dict):
        ctx.err(path, "规则应为一个表", "a rule must be a table", r)
        return None
    kind = r.get("kind")
    if kind == "linear":
        ctx.keys(r, path, {"kind", "metric", "baseline", "upper", "lower", "unit", "above", "below", "step"}, ("metric",))
        if "baseline" in r:
            for f in V.baseline_findings(True, "upper" in r, "lower" in r):
                ctx.finding(f, path)
            up = lo = _ref(ctx, r, "baseline", path)
        else:
            up, lo = _ref(ctx, r, "upper", path), _ref(ctx, r, "lower", path)
            if up is None or lo is None:
                for f in V.baseline_findings(False, up is not None, lo is not None):
                    ctx.finding(f, path)
                return None
        if up is None:
            return None
        unit = ctx.num(r, "unit", path, Decimal(1))
        found = V.linear_findings(up, lo, unit)
        for f in found:
            ctx.finding(f, f"{path}.unit" if f.kind is V.Kind.UNIT_NOT_POSITIVE else path,
                        r.get("unit") if f.kind is V.Kind.UNIT_NOT_POSITIVE else None)
        if any(f.kind is V.Kind.UNIT_NOT_POSITIVE for f in found):
            return None
        metric = ctx.text(r, "metric", path)
        _check_share(ctx, N.canonical(metric), r, path, (("baseline", up),) if "baseline" in r else (("upper", up), ("lower", lo)),
                     unit)
        return Linear(N.canonical(metric), up, lo, unit, ctx.num(r, "above", path, Decimal(0)),
                      ctx.num(r, "below", path, Decimal(0)), ctx.boolean(r, "step", path, False))
    if kind == "per_count":
        ctx.keys(r, path, {"kind", "inputs", "points", "after", "then"}, ("inputs", "points"))
        ins = ctx.names(r, "inputs", path)
        pts = ctx.num(r, "points", path)
        after = r.get("after")
        f = V.after_finding(after)
        if f is not None:
            ctx.finding(f, f"{path}.after")
            after = None
        then = ctx.num(r, "then", path)
        f = V.after_then_finding(after, then)
        if f is not None:
            ctx.finding(f, path)
            after = then = None
        if not ins or pts is None:
            return None
        return PerCount(ins, pts, after, then)
    if kind == "condition":
        ctx.keys(r, path, {"kind", "when", "points", "set_to", "text"}, ("when",))
        tests = _tests(ctx, r.get("when"), f"{path}.when")
        if not tests:
            return None
        if ("points" in r) == ("set_to" in r):
            ctx.err(path, "条件规则需要 points 或 set_to（二选一）", "a condition needs points or set_to")
            return None
        return Condition(tests, ctx.num(r, "points", path, Decimal(0)), ctx.num(r, "set_to", path), ctx.text(r, "text", path))
    if kind == "rubric":
        ctx.keys(r, path, {"kind", "input", "options"}, ("options",))
        opts = []
        for i, o in enumerate(ctx.table_list(r.get("options"), f"{path}.options")):
            p = f"{path}.options[{i}]"
            o = ctx.keys(o, p, {"points", "label", "text"}, ("points",))
            pts = ctx.num(o, "points", p) if o else None
            if pts is not None:
                opts.append(Option(pts, ctx.text(o, "label", p, format(pts.normalize(), "f")), ctx.text(o, "text", p)))
        if not opts:
            ctx.err(f"{path}.options", "评分选项不能为空", "a rubric needs options")
            return None
        labels = [o.label.lower() for o in opts]
        if len(set(labels)) != len(labels):
            ctx.err(f"{path}.options", "评分选项的标签重复", "duplicate option labels")
        return Rubric(ctx.text(r, "input", path, item_name), tuple(opts))
    if kind == "score":
        ctx.keys(r, path, {"kind", "input", "low", "high", "bands"})
        low, high = ctx.num(r, "low", path, Decimal(0)), ctx.num(r, "high", path, Decimal(100))
        bands = []
        for i, b in enumerate(ctx.table_list(r.get("bands"), f"{path}.bands")):
            p = f"{path}.bands[{i}]"
            b = ctx.keys(b, p, {"low", "high", "text", "high_inclusive"}, ("low", "high"))
            lo_, hi_ = ctx.num(b, "low", p), ctx.num(b, "high", p)
            if lo_ is not None and hi_ is not None:
                if lo_ > hi_:
                    ctx.err(p, f"low（{lo_}）大于 high（{hi_}）", "low exceeds high")
                bands.append(Band(lo_, hi_, ctx.text(b, "text", p), ctx.boolean(b, "high_inclusive", p, True)))
        for i, (a, b) in enumerate(zip(sorted(bands, key=lambda x: x.low), sorted(bands, key=lambda x: x.low)[1:])):
            if a.high > b.low or (a.high == b.low and a.high_inclusive):
                ctx.err(f"{path}.bands", f"分数段 {a.low}–{a.high} 与 {b.low}–{b.high} 重叠", "bands overlap")
        return Score(ctx.text(r, "input", path, item_name), low, high, tuple(bands))
    ctx.err(f"{path}.kind", "未知的规则类型，可用：linear、per_count、condition、rubric、score",
            "unknown rule kind (linear, per_count, condition, rubric, score)", kind)
    return None


def _bounds(ctx: _Ctx, node: dict, path: str, keys: tuple[str, str, str, str]) -> tuple[V.Bounds, bool]:
    """A band's bounds with the one set of defaults (lower bound in, upper bound out); and whether all four were usable."""
    before = len(ctx.problems)
    lo, hi, lo_inc, hi_inc = keys
    bounds = (ctx.num(node, lo, path), ctx.num(node, hi, path), ctx.boolean(node, lo_inc, path, V.LOWER_INCLUSIVE),
              ctx.boolean(node, hi_inc, path, V.UPPER_INCLUSIVE))
    return bounds, len(ctx.problems) == before


def _check_bands(ctx: _Ctx, table: V.BandTable, bands: list[V.Bounds], path: str, labels: list[str] | None = None) -> None:
    for f in V.band_findings(table, bands, labels):
        ctx.finding(f, path)


_GRADE_KEYS = ("low", "high", "low_inclusive", "high_inclusive")
_TIER_KEYS = ("lower", "upper", "lower_inclusive", "upper_inclusive")


def _grades(ctx: _Ctx, node: Any, path: str) -> Grades | None:
    bands = []
    readable = True
    for i, g in enumerate(ctx.table_list(node, path)):
        p = f"{path}[{i}]"
        g = ctx.keys(g, p, {"label", "low", "high", "low_inclusive", "high_inclusive", "attrs"}, ("label",))
        if not g:
            continue
        attrs = g.get("attrs", {})
        if not isinstance(attrs, dict):
            ctx.err(f"{p}.attrs", "attrs 应为一个表", "attrs must be a table", attrs)
            attrs = {}
        for k, v in attrs.items():
            if k in (N.POST_PAY, N.PERFORMANCE_PAY_RATIO) and not (v == "得分" and k == N.PERFORMANCE_PAY_RATIO):
                try:
                    attrs[k] = to_decimal(v) if not isinstance(v, bool) else v
                except ValueError:
                    ctx.err(f"{p}.attrs.{k}", "应为数字", "must be a number", v)
        (lo, hi, lo_inc, hi_inc), ok = _bounds(ctx, g, p, _GRADE_KEYS)
        readable = readable and ok
        bands.append(GradeBand(ctx.text(g, "label", p), lo, hi, lo_inc, hi_inc, dict(attrs)))
    if not bands:
        return None
    grades = Grades(tuple(bands))
    for f in V.label_findings(V.GRADES, grades.labels()):
        ctx.finding(f, path)
    if readable:
        _check_bands(ctx, V.GRADES, [(b.low, b.high, b.low_inclusive, b.high_inclusive) for b in bands], path, grades.labels())
    return grades


def _commission(ctx: _Ctx, node: Any, path: str):
    if node is None:
        return None
    node = ctx.keys(node, path, {"kind", "basis", "tiers", "bands"}, ("kind",))
    kind = node.get("kind")
    basis = N.canonical(ctx.text(node, "basis", path, "销售额"))
    readable = True
    if kind == "tiers":
        tiers = []
        for i, t in enumerate(ctx.table_list(node.get("tiers"), f"{path}.tiers")):
            p = f"{path}.tiers[{i}]"
            t = ctx.keys(t, p, {"lower", "upper", "lower_inclusive", "upper_inclusive", "kind", "rate", "base", "threshold"}, ("kind",))
            if not t:
                continue
            k = t.get("kind")
            if k not in KINDS:
                ctx.err(f"{p}.kind", "提成档的类型只能是 flat（全额）、marginal（超额累进）、fixed（固定金额）",
                        "tier kind must be flat, marginal or fixed", k)
                continue
            (lo, hi, lo_inc, hi_inc), ok = _bounds(ctx, t, p, _TIER_KEYS)
            readable = readable and ok
            rate = ctx.num(t, "rate", p, Decimal(0))
            if k != TierKind.FIXED and "rate" not in t:
                ctx.finding(V.missing_rate_finding(), f"{p}.rate")
            _check_rate(ctx, rate, t, p)
            tiers.append(Tier(lo, hi, lo_inc, hi_inc, k, rate or Decimal(0), ctx.num(t, "base", p, Decimal(0)), ctx.num(t, "threshold", p)))
        if not tiers:
            ctx.err(f"{path}.tiers", "提成表为空", "empty commission table")
            return None
        if readable:
            _check_bands(ctx, V.TIERS, [(t.lower, t.upper, t.lower_inclusive, t.upper_inclusive) for t in tiers], f"{path}.tiers")
        return TierTable(tuple(tiers), basis)
    if kind == "coefficient":
        bands = []
        for i, b in enumerate(ctx.table_list(node.get("bands"), f"{path}.bands")):
            p = f"{path}.bands[{i}]"
            b = ctx.keys(b, p, {"low", "high", "rate", "low_inclusive", "high_inclusive"}, ("rate",))
            if b:
                (lo, hi, lo_inc, hi_inc), ok = _bounds(ctx, b, p, _GRADE_KEYS)
                readable = readable and ok
                rate = ctx.num(b, "rate", p)
                _check_rate(ctx, rate, b, p)
                bands.append(CoefficientBand(lo, hi, rate if rate is not None else Decimal(0), lo_inc, hi_inc))
        if not bands:
            ctx.err(f"{path}.bands", "系数表为空", "empty coefficient table")
            return None
        if readable:
            _check_bands(ctx, V.COEFFICIENTS, [(b.low, b.high, b.low_inclusive, b.high_inclusive) for b in bands], f"{path}.bands")
        return CoefficientTable(tuple(bands), basis)
    ctx.err(f"{path}.kind", "提成的类型只能是 tiers（按销售额分档）或 coefficient（按考核得分定比例）",
            "commission kind must be tiers or coefficient", kind)
    return None


def _check_rate(ctx: _Ctx, rate: Decimal | None, node: dict, path: str, key: str = "rate") -> None:
    """A commission rate is a fraction below 1 (0.015 means 1.5%); ``rate = 1`` (meant 1%) would pay all the sales."""
    f = V.rate_finding(rate, field=key)
    if f is not None:
        ctx.finding(f, f"{path}.{key}", node.get(key))


def _pay(ctx: _Ctx, node: Any, path: str) -> PayRules | None:
    if node is None:
        return None
    node = ctx.keys(node, path, {"post_pay", "public_rate", "seniority_per_year", "performance_pay", "rewards", "fine", "exempt"})
    post = node.get("post_pay", "input")
    if post not in tuple(PostPay):
        ctx.err(f"{path}.post_pay", "post_pay 只能是 grade、input 或 none", "post_pay must be grade, input or none", post)
        post = "input"
    rewards = []
    for i, r in enumerate(ctx.table_list(node.get("rewards"), f"{path}.rewards")):
        p = f"{path}.rewards[{i}]"
        r = ctx.keys(r, p, {"input", "amount", "text"}, ("input", "amount"))
        amt = ctx.num(r, "amount", p) if r else None
        if amt is not None:
            rewards.append(MoneyPerCount(ctx.text(r, "input", p), amt, ctx.text(r, "text", p)))
    fine = None
    if "fine" in node:
        p = f"{path}.fine"
        f = ctx.keys(node["fine"], p, {"input", "amounts", "flag", "text", "period"}, ("input", "amounts", "flag"))
        amounts = []
        for i, a in enumerate(ctx.table_list(f.get("amounts"), f"{p}.amounts")):
            try:
                amounts.append(to_decimal(a) if not isinstance(a, bool) else None)
            except ValueError:
                ctx.err(f"{p}.amounts[{i}]", "应为数字", "must be a number", a)
        if f and amounts and None not in amounts:
            period = f.get("period", "year")
            if period not in ("year", "all"):
                ctx.err(f"{p}.period", "应为 year（每个自然年重新计数）或 all（所有月份累计）",
                        "must be year (counts restart each calendar year) or all", period)
                period = "year"
            fine = EscalatingFine(ctx.text(f, "input", p), tuple(amounts), ctx.text(f, "flag", p), ctx.text(f, "text", p),
                                  period)
    exempt: tuple[Test, ...] = ()
    exempt_factor, exempt_text = Decimal(0), ""
    if "exempt" in node:
        p = f"{path}.exempt"
        e = ctx.keys(node["exempt"], p, {"when", "factor", "text"}, ("when", "text"))
        if e:
            exempt = _tests(ctx, e.get("when"), f"{p}.when")
            exempt_factor = ctx.num(e, "factor", p, Decimal(0))
            if exempt_factor is not None and not (0 <= exempt_factor <= 1):
                ctx.err(f"{p}.factor", "factor 是绩效工资的比例，应在 0 到 1 之间（1 表示全额）", "factor must be between 0 and 1",
                        e.get("factor"))
            exempt_text = ctx.text(e, "text", p)
        if not node.get("performance_pay"):
            ctx.err(p, "exempt 只用于 performance_pay = true 的方案", "exempt needs performance_pay = true")
    _check_rate(ctx, ctx.num(node, "public_rate", path), node, path, "public_rate")
    return PayRules(post, ctx.num(node, "public_rate", path), ctx.num(node, "seniority_per_year", path),
                    ctx.boolean(node, "performance_pay", path, False), tuple(rewards), fine, exempt,
                    exempt_factor if exempt_factor is not None else Decimal(0), exempt_text)


def _known(name: str, params: dict, review: Review | None, item_names: set[str]) -> bool:
    if name in N.ALL or name in N.ALIASES or name in params or name in item_names:
        return True
    if review and "(" in name:
        return True
    return False


def parse_scheme(data: Any, file: str = "<scheme>") -> tuple[Scheme | None, list[Problem]]:
    """Build a Scheme from parsed TOML data; ``(None, problems)`` when it cannot."""
    ctx = _Ctx(file)
    top = ctx.keys(data, "", {
        "id", "name", "name_en", "source", "effective_from", "total", "full_marks", "notes", "params", "items", "sections",
        "grades", "grade_caps", "exclusions", "flags", "review", "commission", "pay", "streaks", "watch", "daily", "description",
    }, ("id", "name", "effective_from", "items"))
    if not top:
        return None, ctx.problems
    eff = top.get("effective_from")
    if isinstance(eff, dt.datetime):
        eff = eff.date()
    if not isinstance(eff, dt.date):
        if "effective_from" in top:
            ctx.err("effective_from", "生效日期应写成 2026-01-01 这样的日期", "effective_from must be a date like 2026-01-01", eff)
        eff = None
    total_mode = top.get("total", "sum")
    if total_mode not in ("sum", "sections", "mean"):
        ctx.err("total", "total 只能是 sum（各项相加）、sections（分区加权）或 mean（各项平均）", "total must be sum, sections or mean", total_mode)
        total_mode = "sum"
    params: dict[str, Decimal] = {}
    pnode = top.get("params", {})
    if not isinstance(pnode, dict):
        ctx.err("params", "params 应为一个表", "params must be a table", pnode)
        pnode = {}
    for k in pnode:
        v = ctx.num(pnode, k, "params")
        if v is not None:
            params[k] = v
    review = None
    if "review" in top:
        r = ctx.keys(top["review"], "review", {"columns", "final", "required", "self"}, ("columns", "final", "required"))
        cols, final = ctx.names(r, "columns", "review"), ctx.names(r, "final", "review")
        req = ctx.text(r, "required", "review")
        for c in final + ((req,) if req else ()):
            if c not in cols:
                ctx.err("review", f"「{c}」不在评分栏 columns 中", f"'{c}' is not one of the columns", c)
        review = Review(cols, final, req, r.get("self"))
    sections = []
    for i, s in enumerate(ctx.table_list(top.get("sections"), "sections")):
        p = f"sections[{i}]"
        s = ctx.keys(s, p, {"name", "weight", "combine", "addon"}, ("name",))
        if not s:
            continue
        comb = s.get("combine", "mean")
        if comb not in ("mean", "sum"):
            ctx.err(f"{p}.combine", "combine 只能是 mean 或 sum", "combine must be mean or sum", comb)
        sections.append(Section(ctx.text(s, "name", p), ctx.num(s, "weight", p, Decimal(0)), comb, ctx.boolean(s, "addon", p, False)))
    section_names = {s.name for s in sections}
    items = []
    for i, it in enumerate(ctx.table_list(top.get("items"), "items")):
        p = f"items[{i}]"
        it = ctx.keys(it, p, {"name", "full", "rules", "base", "floor", "cap", "section", "metric", "text", "na_points"}, ("name", "full"))
        if not it:
            continue
        name = ctx.text(it, "name", p)
        full = ctx.num(it, "full", p)
        if full is None:
            continue
        f = V.full_finding(full)
        if f is not None:
            ctx.finding(f, f"{p}.full", it.get("full"))
        rules = []
        for j, r in enumerate(ctx.table_list(it.get("rules", []), f"{p}.rules")):
            rule = _rule(ctx, r, f"{p}.rules[{j}]", name)
            if rule is not None:
                rules.append(rule)
        if sum(1 for r in rules if r.is_value) > 1:
            ctx.err(f"{p}.rules", "一个项目最多只能有一个评分规则（rubric 或 score）", "at most one rubric/score rule per item")
        sec = it.get("section")
        if sec is not None and not isinstance(sec, str):
            ctx.err(f"{p}.section", "应为文字", "must be text", sec)
            sec = None
        elif sec is not None and sec not in section_names:
            ctx.err(f"{p}.section", f"分区「{sec}」没有在 sections 中定义", f"section '{sec}' is not defined", sec)
        if total_mode == "sections" and sec is None:
            ctx.err(f"{p}.section", "分区加权的方案中每个项目都要指定 section", "every item needs a section", name)
        metric = it.get("metric")
        items.append(Item(name, full, tuple(rules), ctx.num(it, "base", p), ctx.num(it, "floor", p, Decimal(0), allow_none=True),
                          ctx.num(it, "cap", p, None, allow_none=True), sec, N.canonical(metric) if isinstance(metric, str) else None,
                          ctx.text(it, "text", p), ctx.num(it, "na_points", p)))
    names = [i.name for i in items]
    for n in sorted({n for n in names if names.count(n) > 1}):
        ctx.err("items", f"项目名称重复：{n}", f"duplicate item name: {n}", n)
    if not items and "items" in top:
        ctx.err("items", "方案没有任何考核项目", "the scheme has no items")
    full_marks = ctx.num(top, "full_marks", "", Decimal(100))
    if total_mode == "sum" and items and full_marks is not None:
        f = V.full_marks_finding(sum((i.full for i in items), Decimal(0)), full_marks)
        if f is not None:
            ctx.finding(f, "items")
    if total_mode == "sections":
        w = sum((s.weight for s in sections if not s.addon), Decimal(0))
        if w != 100:
            ctx.err("sections", f"各分区权重合计为 {w}，应为 100", f"section weights add up to {w}, not 100", str(w))
        for s in sections:
            if not any(i.section == s.name for i in items):
                ctx.err("sections", f"分区「{s.name}」没有任何项目", f"section '{s.name}' has no items", s.name)
    grades = _grades(ctx, top.get("grades"), "grades")
    labels = grades.labels() if grades else []

    def cond_list(key: str, make: Callable, extra: set[str], required: tuple[str, ...]) -> tuple:
        out = []
        for i, c in enumerate(ctx.table_list(top.get(key), key)):
            p = f"{key}[{i}]"
            c = ctx.keys(c, p, {"when", "text"} | extra, ("when",) + required)
            if not c:
                continue
            tests = _tests(ctx, c.get("when"), f"{p}.when")
            obj = make(c, tests, p)
            if tests and obj is not None:
                out.append(obj)
        return tuple(out)

    def make_cap(c, tests, p):
        g = c.get("max_grade")
        if g not in labels:
            ctx.err(f"{p}.max_grade", f"等级「{g}」不在 grades 中", f"grade '{g}' is not defined", g)
            return None
        return GradeCap(tests, g, ctx.text(c, "text", p))

    caps = cond_list("grade_caps", make_cap, {"max_grade"}, ("max_grade",))
    exclusions = cond_list("exclusions", lambda c, t, p: Exclusion(t, ctx.text(c, "text", p, "不参加考核")), set(), ())
    flags = cond_list("flags", lambda c, t, p: Flag(t, ctx.text(c, "text", p)), set(), ("text",))
    streaks = []
    for i, s in enumerate(ctx.table_list(top.get("streaks"), "streaks")):
        p = f"streaks[{i}]"
        s = ctx.keys(s, p, {"months", "rank", "grades", "bonus", "flag", "text"}, ("months",))
        months = s.get("months")
        if not isinstance(months, int) or isinstance(months, bool) or months < 1:
            ctx.err(f"{p}.months", "months 应为正整数", "months must be a whole number >= 1", months)
            continue
        gl = ctx.names(s, "grades", p) if "grades" in s else ()
        for g in gl:
            if g not in labels:
                ctx.err(f"{p}.grades", f"等级「{g}」不在 grades 中", f"grade '{g}' is not defined", g)
        rank = s.get("rank")
        if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool) or rank < 1):
            ctx.err(f"{p}.rank", "rank 应为正整数（前几名）", "rank must be a whole number >= 1", rank)
            continue
        flag = s.get("flag")
        if flag is not None and not isinstance(flag, str):
            ctx.err(f"{p}.flag", "应为文字", "must be text", flag)
            continue
        if (rank is None) == (not gl):
            ctx.err(p, "连续月份规则需要 rank 或 grades（二选一）", "a streak needs rank or grades")
            continue
        streaks.append(Streak(months, rank, gl, ctx.num(s, "bonus", p), flag, ctx.text(s, "text", p)))
    daily = None
    if "daily" in top:
        d = ctx.keys(top["daily"], "daily", {"flag_ratio", "metric"})
        daily = DailyView(ctx.num(d, "flag_ratio", "daily", Decimal("0.7")), N.canonical(ctx.text(d, "metric", "daily", "询单转化率")))
    watch = top.get("watch", [])
    if not isinstance(watch, list) or not all(isinstance(w, str) for w in watch):
        ctx.err("watch", "watch 应为指标名称列表", "watch must be a list of names", watch)
        watch = []
    notes = top.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        ctx.err("notes", "notes 应为文字列表", "notes must be a list of texts", notes)
        notes = []
    scheme = Scheme(
        id=ctx.text(top, "id", ""), name=ctx.text(top, "name", ""), effective_from=eff or dt.date(1970, 1, 1),
        items=tuple(items), name_en=ctx.text(top, "name_en", ""), source=ctx.text(top, "source", ""), notes=tuple(notes),
        total=total_mode, full_marks=full_marks or Decimal(100), params=params, sections=tuple(sections), grades=grades,
        grade_caps=caps, exclusions=exclusions, flags=flags, review=review,
        commission=_commission(ctx, top.get("commission"), "commission"), pay=_pay(ctx, top.get("pay"), "pay"),
        streaks=tuple(streaks), watch=tuple(watch), daily=daily, path=file,
    )
    if scheme.pay and scheme.pay.post_pay == PostPay.GRADE and grades and any(N.POST_PAY not in b.attrs for b in grades.bands):
        ctx.err("grades", "pay.post_pay = \"grade\" 时每个等级都要有 attrs.岗位工资", "every grade needs attrs.岗位工资")
    item_names = {i.name for i in items}
    for n in scheme.inputs():
        if not _known(n, params, review, item_names):
            ctx.warn("items", f"「{n}」不是已知的指标或录入项，请确认导出表或手工录入表中有这一列", f"'{n}' is not a known figure", n)
    if any(p.is_error for p in ctx.problems):
        return None, ctx.problems
    return scheme, ctx.problems


def load_scheme(source: str | Path) -> tuple[Scheme | None, list[Problem]]:
    """Load a built-in scheme by id, or a scheme file by path. Never raises."""
    src = str(source)
    if src in BUILTIN_IDS and not Path(src).exists():
        text = resources.files("cskpi_xl.schemes").joinpath(f"{src}.toml").read_text(encoding="utf-8")
        file = f"cskpi_xl/schemes/{src}.toml"
    else:
        file = src
        try:
            text = Path(src).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return None, [Problem(f"找不到方案文件，也不是内置方案（{'、'.join(BUILTIN_IDS)}）", "no such scheme file or built-in scheme", file=file)]
        except UnicodeDecodeError as exc:
            return None, [Problem(f"方案文件不是 UTF-8 编码的文字（第 {exc.start + 1} 个字节），请用 UTF-8 保存",
                                  f"the scheme file is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8", file=file)]
        except OSError as exc:
            return None, [Problem(f"无法读取方案文件：{exc}", f"cannot read the scheme file: {exc}", file=file)]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"第 {m.group(1)} 行第 {m.group(2)} 列：" if m else ""
        return None, [Problem(f"方案文件格式错误（TOML）：{where}{exc}", f"not valid TOML: {exc}", file=file,
                              row=int(m.group(1)) if m else None)]
    return parse_scheme(data, file)


@lru_cache(maxsize=None)
def builtin(scheme_id: str) -> Scheme:
    """A built-in scheme; raises :class:`SchemeError` if it does not load cleanly."""
    scheme, problems = load_scheme(scheme_id)
    if scheme is None:
        raise SchemeError("; ".join(p.format() for p in problems if p.is_error))
    return scheme
