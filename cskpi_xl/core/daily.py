"""S10: the daily view — conversion per day, and days well below the month's median.

>>> rows = [("2026-10-01", {"咨询人数": 100, "下单人数": 30}),
...         ("2026-10-02", {"咨询人数": 100, "下单人数": 32}),
...         ("2026-10-03", {"咨询人数": 300, "下单人数": 20})]
>>> [(d.date, str(d.rate), d.low) for d in daily_trend(rows, Decimal("0.7"))]
[('2026-10-01', '0.3', False), ('2026-10-02', '0.32', False), ('2026-10-03', '0.06666666666666666666666666667', True)]
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any, Iterable, Mapping, NamedTuple

from cskpi_xl.core.numbers import NA, is_na, to_decimal


class DayPoint(NamedTuple):
    """One day: inquiries, orders, their conversion (NA on a day with no inquiries), and the low flag."""

    date: str
    inquiries: Decimal
    orders: Decimal
    rate: Decimal | NA
    low: bool


def _figure(fig: Mapping[str, Any], *names: str) -> Decimal:
    for n in names:
        v = fig.get(n)
        if not is_na(v):
            try:
                return to_decimal(v)
            except ValueError:
                continue
    return Decimal(0)


def daily_trend(rows: Iterable[tuple[Any, Mapping[str, Any]]], flag_ratio: Decimal) -> list[DayPoint]:
    """Per day: 咨询人数 (or 询单人数) vs 下单人数 (or 最终付款人数), in date order.

    A day is *low* when its conversion is below ``flag_ratio`` × the median of
    the month's daily conversions (days without inquiries are left out of the
    median and never flagged).
    """
    days: dict[str, list[Decimal]] = {}
    for date, fig in rows:
        key = str(date)[:10]
        d = days.setdefault(key, [Decimal(0), Decimal(0)])
        d[0] += _figure(fig, "咨询人数", "询单人数", "接待人数")
        d[1] += _figure(fig, "下单人数", "最终付款人数")
    rates: dict[str, Decimal | NA] = {}
    for k, (inq, orders) in days.items():
        rates[k] = orders / inq if inq else NA(f"{k} 没有咨询", f"no inquiries on {k}")
    valid = [r for r in rates.values() if isinstance(r, Decimal)]
    median = Decimal(statistics.median(valid)) if valid else None
    out = []
    for k in sorted(days):
        r = rates[k]
        low = median is not None and isinstance(r, Decimal) and r < flag_ratio * median
        out.append(DayPoint(k, days[k][0], days[k][1], r, low))
    return out


def low_days(rows: Iterable[tuple[Any, Mapping[str, Any]]], flag_ratio: Decimal) -> int:
    """How many days are flagged low (the input 低转化天数 of the ``daily`` scheme)."""
    return sum(1 for d in daily_trend(rows, flag_ratio) if d.low)
