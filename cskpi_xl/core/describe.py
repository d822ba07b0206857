"""Plain-language descriptions of a scheme and of results (Chinese by default).

Used by ``cskpi schemes``, ``cskpi check`` and ``cskpi score``; pure text, no I/O.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cskpi_xl.core.engine import AgentResult
from cskpi_xl.core.numbers import NA, NA_TEXT
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.core.tiers import BreakKind, TierTable
from cskpi_xl.i18n import tr


def fmt(v: Any) -> str:
    """A value as a person reads it: ratios stay fractions, Decimals without trailing zeros."""
    if isinstance(v, NA):
        return NA_TEXT
    if v is None:
        return ""
    if isinstance(v, Decimal):
        if v == v.to_integral_value():
            return str(v.quantize(Decimal(1)))
        return format(v.normalize(), "f") if abs(v.as_tuple().exponent) <= 4 else f"{v:.4f}"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def item_rule_text(item) -> str:
    return item.text or "；".join(r.describe() for r in item.rules)


def scheme_lines(s: Scheme) -> list[str]:
    out = [f"{s.id}  {s.name}" + (f"  ({s.name_en})" if s.name_en else "") + f"  [{s.source}] " +
           tr(f"生效日期 {s.effective_from}", f"effective {s.effective_from}")]
    for it in s.items:
        sec = f"[{it.section}] " if it.section else ""
        out.append(f"    {sec}{it.name}  {tr('满分', 'full')} {fmt(it.full)}：{item_rule_text(it)}")
    if s.grades:
        out.append("    " + tr("等级：", "grades: ") + "；".join(b.describe() for b in s.grades.bands))
    if isinstance(s.commission, TierTable):
        out.append("    " + tr("提成：", "commission: ") + "；".join(t.describe() for t in s.commission.tiers))
    return out


def commission_breaks(s: Scheme) -> list[Problem]:
    """One warning for every break of the scheme's commission table."""
    out = []
    if not isinstance(s.commission, TierTable):
        return out
    for b in s.commission.breaks():
        if b.kind == BreakKind.CLIFF:
            zh = (f"提成表在 {b.boundary:,} 元处断崖：销售额多了提成反而少了——"
                  f"{b.sales_before:,} 元 → {b.pay_before} 元，但 {b.sales_after:,} 元 → {b.pay_after} 元")
            en = (f"commission cliff at {b.boundary:,}: more sales pay less — "
                  f"{b.sales_before:,} → {b.pay_before} but {b.sales_after:,} → {b.pay_after}")
        else:
            zh = (f"提成表在 {b.boundary:,} 元处跳升：多卖 1 元提成多出 {b.pay_after - b.pay_before} 元——"
                  f"{b.sales_before:,} 元 → {b.pay_before} 元，{b.sales_after:,} 元 → {b.pay_after} 元")
            en = (f"commission jump at {b.boundary:,}: one more yuan adds {b.pay_after - b.pay_before} — "
                  f"{b.sales_before:,} → {b.pay_before}, {b.sales_after:,} → {b.pay_after}")
        out.append(Problem(zh, en, file=s.path, path="commission.tiers", value=str(b.boundary), severity=WARNING))
    return out


def agent_lines(a: AgentResult) -> list[str]:
    head = f"{a.agent}"
    if a.excluded:
        head += f"  （{a.excluded}）" if tr("zh", "en") == "zh" else f"  ({a.excluded})"
    out = [head]
    for ir in a.items:
        pts = fmt(ir.points) if ir.points is not None else tr("无法评分", "not scored")
        note = "；".join(n for n in ir.notes if n)
        if ir.error:
            note = ir.error
        label = f" [{ir.label}]" if ir.label else ""
        out.append(f"    {ir.name:<10} {tr('数值', 'value')} {fmt(ir.value):<10} {tr('得分', 'points')} {pts}/{fmt(ir.full)}{label}"
                   + (f"  {note}" if note else ""))
    out.append(f"    {tr('总分', 'total')} {fmt(a.total)}  {tr('等级', 'grade')} {a.grade or '-'}"
               f"  {tr('排名', 'rank')} {a.rank or '-'}" + ("".join(f"  ({n})" for n in a.grade_notes)))
    if a.pay:
        parts = "  ".join(f"{k} {v}" for k, v in a.pay.items())
        out.append(f"    {parts}  {tr('当月工资', 'pay')} {a.pay_total}")
    elif a.commission:
        out.append(f"    {tr('个人提成', 'commission')} {a.commission}")
    for f in a.flags:
        out.append(f"    ⚑ {f}")
    return out


def agent_json(a: AgentResult) -> dict[str, Any]:
    def j(v: Any) -> Any:
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, NA):
            return None
        return v

    return {
        "agent": a.agent,
        "excluded": a.excluded,
        "items": [
            {"name": i.name, "section": i.section, "full": j(i.full), "value": j(i.value), "points": j(i.points),
             "label": i.label, "notes": i.notes, "na": i.na.reason if i.na else None, "error": i.error}
            for i in a.items
        ],
        "sections": {k: j(v) for k, v in a.sections.items()},
        "total": j(a.total),
        "total_na": a.total.reason if isinstance(a.total, NA) else None,
        "grade": a.grade,
        "grade_attrs": {k: j(v) for k, v in a.grade_attrs.items()},
        "grade_notes": a.grade_notes,
        "rank": a.rank,
        "flags": a.flags,
        "commission": j(a.commission),
        "public_commission": j(a.public_commission),
        "pay": {k: j(v) for k, v in a.pay.items()},
        "pay_total": j(a.pay_total),
    }
