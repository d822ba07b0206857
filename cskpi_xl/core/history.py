"""Multi-month rules over earlier months' results (S2, S6; escalating fines).

>>> h = [PastMonth("2026-08", rank=1), PastMonth("2026-09", rank=1)]
>>> run_length("2026-10", h, lambda m: m.rank == 1, current=True)
3
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, NamedTuple, Sequence


class PastMonth(NamedTuple):
    """One earlier month of one agent, as the batch's summaries record it."""

    month: str
    rank: int | None = None
    grade: str | None = None
    violations: int = 0
    appraised: bool = True


def previous_month(month: str) -> str:
    """The calendar month before ``month``.

    >>> previous_month("2026-01")
    '2025-12'
    """
    y, m = (int(p) for p in month.split("-"))
    y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return f"{y:04d}-{m:02d}"


def run_length(month: str, history: Sequence[PastMonth], qualifies: Callable[[PastMonth], bool], current: bool) -> int:
    """How many consecutive months up to and including ``month`` qualify.

    ``current`` says whether ``month`` itself qualifies; earlier months must
    be consecutive calendar months present in ``history``.
    """
    if not current:
        return 0
    by_month = {h.month: h for h in history}
    n, m = 1, previous_month(month)
    while m in by_month and qualifies(by_month[m]):
        n += 1
        m = previous_month(m)
    return n


def escalating_fine(amounts: Sequence[Decimal], earlier: int, now: int) -> tuple[Decimal, bool]:
    """Fines for the ``now`` violations of this month, given ``earlier`` ones before.

    The k-th violation ever (1-based) costs ``amounts[k-1]``; one past the
    list raises the flag instead (10 / 30 / dismissal).

    >>> escalating_fine([Decimal(10), Decimal(30)], earlier=1, now=1)
    (Decimal('30'), False)
    >>> escalating_fine([Decimal(10), Decimal(30)], earlier=0, now=3)
    (Decimal('40'), True)
    """
    total, flag = Decimal(0), False
    for k in range(earlier + 1, earlier + now + 1):
        if k <= len(amounts):
            total += amounts[k - 1]
        else:
            flag = True
    return total, flag
