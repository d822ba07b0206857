"""Metrics from counts: each ratio of :data:`RATIOS` (询单转化率 = 最终付款人数 ÷ 询单人数, 客单价 =
销售额 ÷ 销售人数 …), and the averages of the exports as total seconds ÷ count.

Every ratio is computed from its numerator and denominator; a zero or
missing denominator gives :class:`~cskpi_xl.core.numbers.NA` with the reason,
never a crash. Where an export gives a metric directly and no counts, the
given value is kept.

>>> m = compute_metrics({"询单人数": 50, "最终付款人数": 18})
>>> m["询单转化率"]
Decimal('0.36')
>>> compute_metrics({"询单人数": 0, "最终付款人数": 0})["询单转化率"]
NA('询单人数为 0，无法计算询单转化率')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, NamedTuple

from cskpi_xl.core.names import PAIRED
from cskpi_xl.core.numbers import NA, is_na, quotient, to_decimal


class Ratio(NamedTuple):
    """A metric defined as numerator ÷ denominator (optionally numerator = a − b)."""

    name: str
    numerator: str
    denominator: str


# The definitions, in the order a sheet shows them.
RATIOS: tuple[Ratio, ...] = (
    Ratio("询单转化率", "最终付款人数", "询单人数"),
    Ratio("最终下单成功率", "最终付款人数", "下单人数"),
    Ratio("客单价", "销售额", "销售人数"),
    Ratio("回复率", "回复人数", "接待人数"),
    Ratio("指标完成率", "销售额", "计划销售额"),
    Ratio("答问比", "客服消息数", "买家消息数"),
    Ratio("首次响应时间", "首次响应总秒数", "首次响应次数"),
    Ratio("平均响应时间", "响应总秒数", "响应次数"),
    Ratio("平均接待时长", "接待总秒数", "接待人数"),
    Ratio("好评率", "好评量", "评价量"),
    Ratio("满意率", "满意评价数", "评价量"),
)

RATIO_BY_NAME = {r.name: r for r in RATIOS}


def _num(figures: Mapping[str, Any], name: str) -> Decimal | NA:
    v = figures.get(name)
    if is_na(v):
        return v if isinstance(v, NA) else NA(f"缺少{name}", f"{name} is missing")
    try:
        return to_decimal(v)
    except ValueError:
        return NA(f"{name}不是数字", f"{name} is not a number")


def ratio(figures: Mapping[str, Any], r: Ratio) -> Decimal | NA:
    """``r.numerator / r.denominator`` from ``figures``, or NA with the reason."""
    den = _num(figures, r.denominator)
    if isinstance(den, NA):
        return NA(f"{den.reason}，无法计算{r.name}", f"{den.reason_en}; cannot compute {r.name}")
    if den == 0:
        return NA(f"{r.denominator}为 0，无法计算{r.name}", f"{r.denominator} is 0; cannot compute {r.name}")
    num = _num(figures, r.numerator)
    if isinstance(num, NA):
        return NA(f"{num.reason}，无法计算{r.name}", f"{num.reason_en}; cannot compute {r.name}")
    return quotient(num, den)  # exact: a rule at a step boundary must see 10, not 9.999…97


def compute_metrics(figures: Mapping[str, Any], team: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The figures plus every derived metric.

    A metric computed from counts wins over a value the export gave directly;
    a directly given value is kept when the counts are absent, and so is a
    value an importer computed pair by pair (named in ``figures[PAIRED]``)
    because its sources cover numerator and denominator unevenly. ``回复人数`` is
    derived as ``接待人数 − 未回复人数`` when not given. With ``team`` (see
    :func:`team_values`), ``咨询占比`` = 接待人数 ÷ 团队接待人数.
    """
    out: dict[str, Any] = dict(figures)
    paired = out.pop(PAIRED, ())
    if is_na(out.get("回复人数")) and not is_na(out.get("接待人数")) and not is_na(out.get("未回复人数")):
        try:
            out["回复人数"] = to_decimal(out["接待人数"]) - to_decimal(out["未回复人数"])
        except ValueError:
            pass
    for r in RATIOS:
        given = figures.get(r.name)
        has_given = not is_na(given)
        if r.name in paired and r.name in figures:
            continue  # computed pair by pair by the importer: totals would mix sources
        den = _num(out, r.denominator)
        if isinstance(den, NA) or den != 0:
            # the counts decide when both are there; the export's own figure
            # stands in when a count is missing
            num_missing = isinstance(_num(out, r.numerator), NA)
            if has_given and (isinstance(den, NA) or num_missing):
                continue
        out[r.name] = ratio(out, r)
    if team is not None:
        out["咨询占比"] = ratio({"接待人数": out.get("接待人数"), "团队接待人数": team.get("团队接待人数")},
                            Ratio("咨询占比", "接待人数", "团队接待人数"))
        for k, v in team.items():
            out.setdefault(k, v)
    return out


def per_capita_share(agents: Any) -> Any:
    """人均咨询占比 = 1 ÷ the number of agents, exactly (a rule compares the share with it at step boundaries).

    >>> per_capita_share(12).exact, per_capita_share(0)
    (Fraction(1, 12), NA('团队没有客服'))
    """
    return quotient(1, agents) if agents else NA("团队没有客服", "no agents")


def team_values(agents_figures: Mapping[str, Mapping[str, Any]], public_sales: Any = None) -> dict[str, Any]:
    """Values for the whole team of a month.

    The team's 客单价 is total 销售额 ÷ total 销售人数 — not a mean of the
    agents' 客单价; 人均咨询占比 = 1 ÷ number of agents.

    >>> t = team_values({"a": {"销售额": 1000, "销售人数": 10, "接待人数": 30},
    ...                  "b": {"销售额": 3000, "销售人数": 10, "接待人数": 10}})
    >>> t["团队客单价"], t["人均咨询占比"], t["团队接待人数"]
    (Decimal('200'), Decimal('0.5'), Decimal('40'))
    """
    n = len(agents_figures)

    def total(name: str) -> Decimal:
        s = Decimal(0)
        for f in agents_figures.values():
            v = f.get(name)
            if not is_na(v):
                try:
                    s += to_decimal(v)
                except ValueError:
                    pass
        return s

    sales, buyers, served = total("销售额"), total("销售人数"), total("接待人数")
    out: dict[str, Any] = {
        "团队人数": Decimal(n),
        "团队接待人数": served,
        "团队销售额": sales,
        "团队销售人数": buyers,
        "团队客单价": quotient(sales, buyers) if buyers else NA("团队销售人数为 0", "team has no paying buyers"),
        "人均咨询占比": per_capita_share(n),
    }
    out["公共销售额"] = to_decimal(public_sales) if public_sales is not None else sales
    return out
