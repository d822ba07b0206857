"""Commission tiers, each with an explicit kind and explicit boundary inclusion.

Kinds (after openfisca's tax scales):

- ``flat``: ``base + rate × x`` — the rate on the whole amount;
- ``marginal``: ``base + rate × (x − threshold)`` — the rate above a threshold
  (the tier's lower bound unless given);
- ``fixed``: ``base`` whatever the amount.

The ``standard`` table (S2), exactly as written:

>>> t = TierTable((
...     Tier(None, Decimal(15000), upper_inclusive=False, kind="flat", rate=Decimal("0.015")),
...     Tier(Decimal(15000), Decimal(20000), upper_inclusive=True, kind="marginal", rate=Decimal("0.02"), base=Decimal(150)),
...     Tier(Decimal(20000), Decimal(25000), False, True, kind="marginal", rate=Decimal("0.04"), base=Decimal(250)),
...     Tier(Decimal(25000), None, lower_inclusive=False, kind="flat", rate=Decimal("0.02")),
... ))
>>> [str(t.commission(x)) for x in (14000, 14999, 15000, 22000, 25000, 25001, 30000)]
['210.00', '224.99', '150.00', '330.00', '450.00', '500.02', '600.00']
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from cskpi_xl.core.numbers import round_money, to_decimal, within



class TierKind(StrEnum):
    """How a commission tier pays: the value is the word a scheme file uses (``kind = "marginal"``)."""

    FLAT = "flat"  # rate × the whole sales
    MARGINAL = "marginal"  # base + rate × the sales above the threshold
    FIXED = "fixed"  # the base amount


KINDS = tuple(TierKind)


@dataclass(frozen=True)
class Tier:
    """One row of a commission table.

    Attributes:
      lower: lower bound (None: no lower bound).
      upper: upper bound (None: no upper bound).
      lower_inclusive / upper_inclusive: whether the bound itself belongs here
        (default: lower bound in, upper bound out — as grades and coefficient bands,
        and as both scheme readers read a missing flag).
      kind: a :class:`TierKind` (``flat``, ``marginal`` or ``fixed``; a word is made the member).
      rate: the rate (0.015 = 1.5%).
      base: the base amount added.
      threshold: for ``marginal``, the amount the rate applies above
        (default: ``lower``).
    """

    lower: Decimal | None
    upper: Decimal | None
    lower_inclusive: bool = True
    upper_inclusive: bool = False
    kind: TierKind = TierKind.FLAT
    rate: Decimal = Decimal(0)
    base: Decimal = Decimal(0)
    threshold: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", TierKind(self.kind))

    def contains(self, x: Decimal) -> bool:
        return within(x, self.lower, self.upper, self.lower_inclusive, self.upper_inclusive)

    def amount(self, x: Decimal) -> Decimal:
        """The unrounded commission for ``x`` under this tier's formula."""
        if self.kind == TierKind.FIXED:
            return self.base
        if self.kind == TierKind.MARGINAL:
            t = self.threshold if self.threshold is not None else (self.lower or Decimal(0))
            return self.base + self.rate * (x - t)
        return self.base + self.rate * x

    def describe(self) -> str:
        lo = "" if self.lower is None else f"{'≥' if self.lower_inclusive else '>'}{self.lower:,}"
        hi = "" if self.upper is None else f"{'≤' if self.upper_inclusive else '<'}{self.upper:,}"
        rng = " 且 ".join(p for p in (lo, hi) if p) or "全部"
        pct = f"{(self.rate * 100).normalize()}%"
        if self.kind == TierKind.FIXED:
            f = f"{self.base}元"
        elif self.kind == TierKind.MARGINAL:
            t = self.threshold if self.threshold is not None else (self.lower or Decimal(0))
            f = (f"{self.base}元 + " if self.base else "") + f"超出{t:,}部分×{pct}"
        else:
            f = (f"{self.base}元 + " if self.base else "") + f"销售额×{pct}"
        return f"{rng}：{f}"


class BreakKind(StrEnum):
    """Which way a commission table breaks at a boundary."""

    CLIFF = "cliff"  # more sales pay less
    JUMP = "jump"  # one more yuan pays much more


class Break(NamedTuple):
    """A discontinuity of a commission table at a boundary.

    ``kind`` is a :class:`BreakKind`: ``cliff`` (more sales pay less) or ``jump`` (one more yuan
    pays much more); ``before``/``after`` are the amounts one yuan apart
    around the boundary, as a person checks them.
    """

    kind: BreakKind
    boundary: Decimal
    sales_before: Decimal
    pay_before: Decimal
    sales_after: Decimal
    pay_after: Decimal


@dataclass(frozen=True)
class TierTable:
    """A commission table: the tier that contains the amount decides.

    Attributes: tiers (in ascending order), basis (the figure it applies to).
    """

    tiers: tuple[Tier, ...]
    basis: str = "销售额"

    def tier_for(self, x: Decimal) -> Tier | None:
        for t in self.tiers:
            if t.contains(x):
                return t
        return None

    def commission(self, sales: Any) -> Decimal:
        """The commission for ``sales``, rounded half-up to 0.01 yuan (0 outside every tier)."""
        x = to_decimal(sales)
        t = self.tier_for(x)
        return round_money(t.amount(x)) if t else Decimal("0.00")

    def boundaries(self) -> list[Decimal]:
        out = set()
        for t in self.tiers:
            for b in (t.lower, t.upper):
                if b is not None:
                    out.add(b)
        return sorted(out)

    def breaks(self, tolerance: Decimal = Decimal("0.01")) -> list[Break]:
        """Every boundary where the table is not continuous.

        The left and right limits of the pay are compared exactly; each break
        is reported with the amounts one yuan apart around it (the boundary
        itself on the side that includes it).
        """
        out: list[Break] = []
        for b in self.boundaries():
            left = self._limit(b, -1)
            right = self._limit(b, +1)
            if left is None or right is None:
                continue
            diff = right - left
            if abs(diff) < tolerance:
                continue
            at = self.tier_for(b)
            # the side holding b shows b itself; the other side is one yuan off
            left_tier = self._tier_near(b, -1)
            if at is not None and at is left_tier:
                s0, s1 = b, b + 1
            else:
                s0, s1 = b - 1, b
            out.append(Break(BreakKind.CLIFF if diff < 0 else BreakKind.JUMP, b, s0, self.commission(s0), s1, self.commission(s1)))
        return out

    def _tier_near(self, b: Decimal, side: int) -> Tier | None:
        eps = Decimal("0.000001")
        return self.tier_for(b + side * eps)

    def _limit(self, b: Decimal, side: int) -> Decimal | None:
        t = self._tier_near(b, side)
        return None if t is None else t.amount(b)

    def is_non_decreasing(self, lo: Decimal = Decimal(0), hi: Decimal | None = None) -> bool:
        """True when no boundary in ``[lo, hi]`` is a cliff and every tier's rate is ≥ 0."""
        if any(t.rate < 0 for t in self.tiers if t.kind != TierKind.FIXED):
            return False
        return not any(br.kind == BreakKind.CLIFF and br.boundary >= lo and (hi is None or br.boundary <= hi) for br in self.breaks())


@dataclass(frozen=True)
class CoefficientBand:
    """A band of KPI scores and the commission rate it earns (S6)."""

    low: Decimal | None
    high: Decimal | None
    rate: Decimal
    low_inclusive: bool = True
    high_inclusive: bool = False

    def contains(self, s: Decimal) -> bool:
        return within(s, self.low, self.high, self.low_inclusive, self.high_inclusive)


@dataclass(frozen=True)
class CoefficientTable:
    """KPI score → commission rate on the whole of ``basis`` (S6's lost table, editable).

    >>> c = CoefficientTable((CoefficientBand(None, Decimal(60), Decimal(0)),
    ...                       CoefficientBand(Decimal(60), None, Decimal("0.01"))))
    >>> str(c.commission(Decimal(75), Decimal(20000)))
    '200.00'
    """

    bands: tuple[CoefficientBand, ...]
    basis: str = "销售额"

    def rate_for(self, score: Decimal) -> Decimal:
        for b in self.bands:
            if b.contains(score):
                return b.rate
        return Decimal(0)

    def commission(self, score: Any, sales: Any) -> Decimal:
        return round_money(self.rate_for(to_decimal(score)) * to_decimal(sales))


def public_commission(public_sales: Any, rate: Any, agents: int) -> Decimal:
    """Public commission per agent = public sales × rate ÷ agents (S2), rounded to 0.01.

    >>> str(public_commission(200000, Decimal("0.005"), 8))
    '125.00'
    """
    if agents <= 0:
        return Decimal("0.00")
    return round_money(to_decimal(public_sales) * to_decimal(rate) / Decimal(agents))
