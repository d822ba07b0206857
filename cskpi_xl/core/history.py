"""Multi-month rules over earlier months' results (S2, S6; escalating fines).

A :class:`History` holds each agent's earlier months *and* which months were
found at all, so a rule can tell "not in that month's results" (the streak
is broken) from "that month's results were not found" (the rule cannot be
judged: the flag is 待核实, never a silent "no flag").

Which months each rule needs, for a month M:

- a streak of N months (连续3个月排名第一, 连续3个月不及格, 连续2个月不合格) needs
  M-1 … M-(N-1) to decide the flag, and one more, M-N, to decide a one-off
  bonus (paid when the run is exactly N long: the 4th month in a row pays
  nothing new) — and only for an agent who qualifies in M;
- an escalating fine (第一次10元，第二次30元，第三次开除) needs every earlier
  month of its period: the calendar year of M (``period = "year"``, the
  default: counts start again each January) or every month on record
  (``period = "all"``) — and only for an agent with a violation in M.

Months before the first month on record (``History.start``, the earliest
month found, or a start HR declares) are not missing: there were no results
then. With no earlier results found at all, every month a rule needs is
missing.

>>> h = [PastMonth("2026-08", rank=1), PastMonth("2026-09", rank=1)]
>>> run_length("2026-10", h, lambda m: m.rank == 1, current=True)
3
>>> hist = History.of({"小美": h})
>>> walk_back("2026-10", hist.of_agent("小美"), lambda m: m.rank == 1, hist, 3)
(2, None)
>>> walk_back("2026-10", {}, lambda m: m.rank == 1, History.of({}), 2)
(0, '2026-09')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence


class PastMonth(NamedTuple):
    """One earlier month of one agent, as the batch's summaries record it."""

    month: str
    rank: int | None = None
    grade: str | None = None
    violations: int = 0
    appraised: bool = True


class History(NamedTuple):
    """Earlier months: each agent's results, the months found, and where the records start.

    Attributes:
      agents: agent name → that agent's earlier months.
      months: every month whose results were found (for the whole team).
      start: the first month on record; months before it are not missing.
        None with no months found: nothing is on record, every month a
        rule needs is missing.
    """

    agents: Mapping[str, Sequence[PastMonth]]
    months: frozenset
    start: str | None = None

    @classmethod
    def of(cls, agents: Mapping[str, Sequence[PastMonth]] | None, months: Iterable[str] | None = None,
           start: str | None = None) -> "History":
        """A History from agents' rows; the months found default to the months in the rows.

        >>> History.of({"a": [PastMonth("2026-09")]}).start
        '2026-09'
        """
        agents = dict(agents or {})
        found = frozenset(months if months is not None else (h.month for ms in agents.values() for h in ms))
        if start is None and found:
            start = min(found)
        return cls(agents, found, start)

    def of_agent(self, agent: str) -> dict[str, PastMonth]:
        """The agent's earlier months by month."""
        return {h.month: h for h in self.agents.get(agent, ())}

    def missing(self, month: str) -> bool:
        """True when ``month`` is on record (not before the start) but its results were not found.

        >>> History.of({"a": [PastMonth("2026-08")]}, months=["2026-08", "2026-10"]).missing("2026-09")
        True
        >>> History.of({"a": [PastMonth("2026-08")]}).missing("2026-07")
        False
        """
        return month not in self.months and (self.start is None or month >= self.start)


def previous_month(month: str) -> str:
    """The calendar month before ``month``.

    >>> previous_month("2026-01")
    '2025-12'
    """
    y, m = (int(p) for p in month.split("-"))
    y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return f"{y:04d}-{m:02d}"


def months_before(month: str, n: int) -> list[str]:
    """The ``n`` months before ``month``, nearest first.

    >>> months_before("2026-02", 3)
    ['2026-01', '2025-12', '2025-11']
    """
    out, m = [], month
    for _ in range(n):
        m = previous_month(m)
        out.append(m)
    return out


def month_span(months: Sequence[str]) -> str:
    """Months as a person reads them: runs of consecutive months joined with 至.

    >>> month_span(["2026-09", "2026-01", "2026-02", "2026-03"])
    '2026-01 至 2026-03、2026-09'
    """
    ms = sorted(set(months))
    runs: list[list[str]] = []
    for m in ms:
        if runs and previous_month(m) == runs[-1][-1]:
            runs[-1].append(m)
        else:
            runs.append([m])
    return "、".join(r[0] if len(r) == 1 else (f"{r[0]}、{r[1]}" if len(r) == 2 else f"{r[0]} 至 {r[-1]}") for r in runs)


def run_length(month: str, history: Sequence[PastMonth], qualifies: Callable[[PastMonth], bool], current: bool) -> int:
    """How many consecutive months up to and including ``month`` qualify.

    ``current`` says whether ``month`` itself qualifies; earlier months must
    be consecutive calendar months present in ``history`` (a month not in it
    counts as not qualifying: see :func:`walk_back` to tell a missing month).
    """
    if not current:
        return 0
    by_month = {h.month: h for h in history}
    n, m = 1, previous_month(month)
    while m in by_month and qualifies(by_month[m]):
        n += 1
        m = previous_month(m)
    return n


def walk_back(month: str, agent_months: Mapping[str, PastMonth], qualifies: Callable[[PastMonth], bool],
              history: History, limit: int) -> tuple[int, str | None]:
    """Consecutive qualifying months just before ``month`` (at most ``limit``), and where it stopped unknowing.

    Returns ``(count, missing)``: ``missing`` is the month whose results were
    not found where the walk had to stop, or None when the count is certain
    (a month that does not qualify, the agent absent from a month found, a
    month before the records start, or ``limit`` reached).
    """
    n = 0
    for m in months_before(month, limit):
        if history.missing(m):
            return n, m
        h = agent_months.get(m)
        if h is None or not qualifies(h):
            return n, None
        n += 1
    return n, None


def streak_needs(month: str, months: int, bonus: bool) -> list[str]:
    """The months a streak rule reads for ``month`` (the flag: N-1 back; a one-off bonus: N back).

    >>> streak_needs("2026-12", 3, bonus=True)
    ['2026-11', '2026-10', '2026-09']
    """
    return months_before(month, months if bonus else months - 1)


def fine_needs(month: str, period: str, history: History) -> list[str]:
    """The months whose violations an escalating fine of ``month`` counts.

    ``period = "year"``: January … the month before, of ``month``'s year;
    ``"all"``: every month since the records start (with nothing on record,
    just the month before stands for "every earlier month").

    >>> fine_needs("2026-03", "year", History.of({}))
    ['2026-01', '2026-02']
    >>> fine_needs("2026-01", "year", History.of({}))
    []
    """
    if period == "all":
        if history.start is None:
            return [previous_month(month)]
        out, m = [], previous_month(month)
        while m >= history.start:
            out.append(m)
            m = previous_month(m)
        return sorted(out)
    year = month[:4]
    return [f"{year}-{k:02d}" for k in range(1, int(month[5:7]))]


def earlier_violations(month: str, period: str, agent_months: Mapping[str, PastMonth]) -> int:
    """Violations counted before ``month`` within the fine's period (see :func:`fine_needs`).

    >>> earlier_violations("2026-02", "year", {"2025-12": PastMonth("2025-12", violations=2),
    ...                                         "2026-01": PastMonth("2026-01", violations=1)})
    1
    """
    if period == "all":
        return sum(h.violations for m, h in agent_months.items() if m < month)
    return sum(h.violations for m, h in agent_months.items() if m[:4] == month[:4] and m < month)


def escalating_fine(amounts: Sequence[Decimal], earlier: int, now: int) -> tuple[Decimal, bool]:
    """Fines for the ``now`` violations of this month, given ``earlier`` ones before.

    The k-th violation of the period (1-based) costs ``amounts[k-1]``; one past the
    list raises the flag instead (10 / 30 / dismissal).

    >>> escalating_fine([Decimal(10), Decimal(30)], earlier=1, now=1)
    (Decimal('30'), False)
    >>> escalating_fine([Decimal(10), Decimal(30)], earlier=0, now=3)
    (Decimal('40'), True)
    >>> escalating_fine([Decimal(10), Decimal(30)], earlier=0, now=10**30)  # O(len(amounts)), not O(now)
    (Decimal('40'), True)
    """
    if now <= 0:
        return Decimal(0), False
    # violations earlier+1 … earlier+now; those within the list are paid, one past it raises the flag
    first, last = max(earlier, 0), min(earlier + now, len(amounts))
    total = sum(amounts[first:last], Decimal(0)) if last > first else Decimal(0)
    return total, earlier + now > len(amounts)
