"""Grades as bands with explicit inclusivity, carrying their attributes.

>>> g = Grades((
...     GradeBand("卓越", Decimal(95), None),
...     GradeBand("优秀", Decimal(85), Decimal(95)),
...     GradeBand("不及格", None, Decimal(85)),
... ))
>>> g.grade(Decimal("94.6")).label, g.grade(Decimal(95)).label
('优秀', '卓越')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cskpi_xl.core.numbers import within


@dataclass(frozen=True)
class GradeBand:
    """One grade: a band of scores and what the grade means.

    Attributes:
      label: the grade (卓越, A+, …).
      low / high: bounds (None: unbounded).
      low_inclusive / high_inclusive: whether each bound belongs to this grade
        (default: lower bound inclusive, upper exclusive).
      attrs: what the grade carries — 岗位级别, 岗位工资, 培训需求, 晋升,
        绩效工资比例 (a number, or ``"得分"`` for score%) …
    """

    label: str
    low: Decimal | None
    high: Decimal | None
    low_inclusive: bool = True
    high_inclusive: bool = False
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def contains(self, s: Decimal) -> bool:
        return within(s, self.low, self.high, self.low_inclusive, self.high_inclusive)

    def describe(self) -> str:
        lo = "" if self.low is None else f"{'≥' if self.low_inclusive else '>'}{self.low.normalize():f}"
        hi = "" if self.high is None else f"{'≤' if self.high_inclusive else '<'}{self.high.normalize():f}"
        return f"{self.label}：" + (" 且 ".join(p for p in (lo, hi) if p) or "全部")


@dataclass(frozen=True)
class Grades:
    """Grade bands, best first.

    ``grade`` places a score in its band;
    :func:`cskpi_xl.core.schemefile.validate.band_findings` proves the bands
    neither overlap nor leave gaps.
    """

    bands: tuple[GradeBand, ...]

    def grade(self, score: Decimal) -> GradeBand | None:
        for b in self.bands:
            if b.contains(score):
                return b
        return None

    def matching(self, score: Decimal) -> list[GradeBand]:
        return [b for b in self.bands if b.contains(score)]

    def labels(self) -> list[str]:
        return [b.label for b in self.bands]

    def rank_of(self, label: str) -> int:
        """0 for the best grade, 1 for the next …"""
        return self.labels().index(label)

    def capped(self, band: GradeBand, max_label: str) -> GradeBand:
        """``band``, or ``max_label``'s band if ``band`` is better than it."""
        if self.rank_of(band.label) < self.rank_of(max_label):
            return self.bands[self.rank_of(max_label)]
        return band
