"""Importers for platform exports (Taobao/Tmall via 赤兔名品 and 千牛, JD, Pinduoduo, Douyin).

``import_files(paths, month=None, aliases=None, manual=None) -> (MonthData, problems)``
reads every file, tells each sheet's platform and report from its headers,
maps the headers to the canonical names of :mod:`cskpi_xl.core.names`, turns
daily rows into the month, merges accounts into people through HR's alias map
and joins HR's manual inputs. It never raises on bad input: every problem is a
:class:`~cskpi_xl.core.problems.Problem` naming file, sheet, row and column.

Re-importing: rows are keyed by (platform, account, day) — or (platform,
account) for a monthly report. **The file read later wins**: files are read in
the order given, and a later file replaces, figure by figure, the figures it
gives for the same platform, account and day (figures it leaves out stay). So
importing a month, then the ``..._补数`` file with the late conversion figures,
never double-counts, and the same file given twice is read once. A monthly
report and daily rows for the same account cannot both count: the one from the
later file is kept, with a warning.

Reports of parts of a month (1–10, 11–20, 21–31; the range in the file name or
a title line) are keyed by their range: disjoint ranges add up, a gap is
reported, and overlapping ranges without day rows are an error naming the
overlap (the account's figures from them become n/a). Month evidence comes from
a date column, else the sheet's name (``10月`` tabs), a title line, the file
name. Hidden sheets are skipped with a note unless no other sheet is an export.
An agent who appears with no figure at all gets an error and
``figures[names.NO_DATA]``: the engine neither scores nor ranks them.

>>> data, problems = import_files(["no/such.xlsx"])
>>> data.agents, [p.message for p in problems]
({}, ['文件不存在'])
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from cskpi_xl.core import names
from cskpi_xl.core.frozen import FrozenDict
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.importers.month import aggregate, aggregate_one, derive_row
from cskpi_xl.importers.people import account_key, load_aliases, load_manual
from cskpi_xl.importers.rawsheet import Sheet
from cskpi_xl.importers.read import CsvRows, read_table
from cskpi_xl.importers.sheets import Record, open_sheet, unknown_headers_problem

__all__ = ["import_files", "MonthData", "AgentMonth", "read_table", "Sheet", "Record"]

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class AgentMonth:
    """One person's month (a value: it refuses change, ``dataclasses.replace`` builds a changed copy).

    Attributes:
      agent: the person (the alias map's name, else the nickname as exported).
      figures: canonical name → int (counts), Decimal (money, seconds, rates) or NA;
        a :class:`~cskpi_xl.core.frozen.FrozenDict`.
      sources: ``(file, sheet, report, account)`` for every account-row read;
        ``report`` is the report key (``chitu``, ``qianniu``, ``qianniu_api``,
        ``jd``, ``pdd``, ``douyin``, ``generic``; ``manual`` for HR's inputs).
      daily: ``(date, figures)`` per day, sorted, for daily exports (S10 view);
        each day's figures a ``FrozenDict``.
    """

    agent: str
    figures: Mapping[str, Any]
    sources: tuple[tuple[str, str, str, str], ...] = ()
    daily: tuple[tuple[_dt.date, Mapping[str, Any]], ...] = ()

    def __post_init__(self) -> None:
        # whatever the caller passed (dicts, lists), the month holds frozen copies
        object.__setattr__(self, "figures", FrozenDict(self.figures))
        object.__setattr__(self, "sources", tuple(tuple(s) for s in self.sources))
        object.__setattr__(self, "daily", tuple((d, FrozenDict(f)) for d, f in self.daily))


class MonthData(NamedTuple):
    """The month imported.

    Attributes:
      month: ``"YYYY-MM"`` or None when no file tells it.
      agents: person → :class:`AgentMonth`, in first-seen order.
    """

    month: str | None
    agents: dict[str, AgentMonth]


class _Read(NamedTuple):
    index: int          # order the file was read in
    file: str
    records: list[Record]   # a monthly sheet's records (daily rows go straight into _Part)
    month: str | None   # for a monthly sheet: the month its title or file name gives
    daily: bool
    sheet: str = ""
    months: dict[str, list[int]] | None = None  # daily: month → [rows, first row]
    seq0: int = 0       # a monthly sheet: the reading position of its first record
    span: tuple[_dt.date, _dt.date] | None = None  # a monthly sheet covering part of the month (1–10 …)
    month_only: int | None = None  # a tab named for a month without a year (``10月``)
    source: str = ""    # where its month was found (工作表名 / 标题 / 文件名)


class _Slot:
    """The figures of one (platform, account, day), merged as rows are read."""

    __slots__ = ("values", "srcs", "index", "file", "seq")

    def __init__(self, values: dict[str, Any], srcs: tuple, index: int, file: str, seq: int) -> None:
        self.values, self.srcs, self.index, self.file, self.seq = values, srcs, index, file, seq


class _Part:
    """Merged rows of one month (or of the monthly reports): slots, conflicts, replacements."""

    def __init__(self) -> None:
        self.slots: dict[tuple, _Slot] = {}
        self.conflicts: list[tuple[int, Problem]] = []
        self.replaced: dict[tuple[str, str], list[int]] = {}  # (earlier, later) → [count, first seq]


class _Merger:
    """Rows keyed by (platform, account, day); the file read later wins, figure by figure.

    Rows are merged as they are read, so memory grows with the accounts and
    days kept, not with the rows of the files. Rows of a month that cannot be
    the one imported (another month than ``--month``, or older than a month
    already seen when the latest is taken) are only counted.
    """

    def __init__(self, month: str | None) -> None:
        self.month = month
        self.months: set[str] = set()
        self.parts: dict[str, _Part] = {}
        self.seq = 0
        self._shared: dict[Any, Any] = {}

    def share(self, x: Any) -> Any:
        return self._shared.setdefault(x, x)

    def latest(self) -> str | None:
        return self.month if self.month is not None else (max(self.months) if self.months else None)

    def see_month(self, m: str) -> None:
        if m not in self.months:
            self.months.add(m)
            keep = self.latest()
            for old in [k for k in self.parts if k != keep]:
                del self.parts[old]

    def add(self, part: _Part, index: int, rec: Record, seq: int, when: Any = None) -> None:
        share = self.share
        key = (rec.platform, share(rec.account), share(rec.date if when is None else when))
        src = share((rec.file, rec.sheet, rec.report, key[1]))
        slot = part.slots.get(key)
        if slot is None:
            part.slots[key] = _Slot(rec.values, share((src,)), index, rec.file, seq)
            return
        if index == slot.index and src not in slot.srcs:
            first = next(s for s in slot.srcs if s[0] == rec.file)
            day = f"{rec.date.isoformat()} " if rec.date else ""
            part.conflicts.append((seq, Problem(
                f"账号「{rec.account}」{day}在工作表「{first[1]}」和「{rec.sheet}」中都有数据，只保留「{first[1]}」的",
                f"account '{rec.account}' {day}has rows in sheets '{first[1]}' and '{rec.sheet}'; "
                f"only '{first[1]}' is kept",
                file=rec.file, sheet=rec.sheet or None, row=rec.row, value=rec.account, agent=rec.account)))
            return
        slot.values.update(rec.values)
        if src not in slot.srcs:
            slot.srcs = slot.srcs + (src,)
        if slot.file != rec.file or index != slot.index:
            count = part.replaced.setdefault((slot.file, rec.file), [0, seq])
            count[0] += 1
        slot.index, slot.file = index, rec.file

    def add_daily(self, read: _Read, records: Iterable[Record]) -> None:
        months = read.months
        assert months is not None
        for rec in records:
            self.seq += 1
            m = _month_of_day(rec.date)
            stat = months.get(m)
            if stat is None:
                months[m] = [1, rec.row]
                self.see_month(m)
            else:
                stat[0] += 1
            if m != self.latest():
                continue
            part = self.parts.get(m)
            if part is None:
                part = self.parts[m] = _Part()
            self.add(part, read.index, rec, self.seq)


def import_files(paths: Iterable[str | os.PathLike], month: str | None = None,
                 aliases: str | os.PathLike | Mapping[str, str] | None = None,
                 manual: str | os.PathLike | None = None, inputs: Iterable[str] = ()
                 ) -> tuple[MonthData, list[Problem]]:
    """Import exports into one month per person. See the module docstring.

    ``inputs``: further column names to read (what a scheme reads by hand:
    supervisor scores, rubric choices), from the exports and the manual sheet.
    """
    extra = frozenset(inputs)
    problems: list[Problem] = []
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if month is not None:
        m = _MONTH_RE.match(str(month).strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            problems.append(Problem("月份格式应为 YYYY-MM（例如 2026-10）", "the month must be YYYY-MM (e.g. 2026-10)",
                                    value=str(month)))
            month = None
        else:
            month = str(month).strip()
    alias_map, more = load_aliases(aliases)
    problems += more

    merger = _Merger(month)
    reads: list[_Read] = []
    seen_files: dict[str, str] = {}
    for index, path in enumerate(paths):
        f = str(path)
        try:
            ident = str(Path(path).resolve())
        except (OSError, RuntimeError, ValueError):
            ident = f
        if ident in seen_files:
            problems.append(Problem(f"同一个文件给了两次（与「{seen_files[ident]}」相同），只导入一次",
                                    f"the same file was given twice (same as '{seen_files[ident]}'); imported once",
                                    file=f, severity=WARNING))
            continue
        seen_files[ident] = f
        sheets, more = read_table(path, stream=True)
        problems += more
        parsed_any = False
        shown = [sh for sh in sheets if not getattr(sh, "hidden", False)]
        hidden = [sh for sh in sheets if getattr(sh, "hidden", False)]
        for sh in shown:
            parsed_any |= _read_sheet(sh, f, index, extra, merger, reads, problems)
        for sh in hidden:
            if parsed_any:
                problems.append(Problem(
                    f"隐藏的工作表「{sh.name}」已跳过（隐藏的表常是旧数据）；要导入它请在 Excel 中取消隐藏",
                    f"the hidden sheet '{sh.name}' was skipped (hidden sheets are often stale); unhide it to import it",
                    file=f, sheet=sh.name or None, severity=WARNING))
            elif _read_sheet(sh, f, index, extra, merger, reads, problems):
                problems.append(Problem(
                    f"文件里只有隐藏的工作表「{sh.name}」是导出数据，已使用它；请确认它不是旧数据",
                    f"only the hidden sheet '{sh.name}' holds export data; it was used, check it is not stale",
                    file=f, sheet=sh.name or None, severity=WARNING))
                parsed_any = True
        if sheets and not parsed_any:
            problems.append(unknown_headers_problem(f, sheets[0]))

    target, more = _choose_month(merger.months, month)
    problems += more
    reads, more = _month_tabs(reads, target)
    problems += more
    problems += _keep_month(reads, target)
    slots, order, more = _merge(merger, reads, target)
    problems += more

    # accounts → people, in first-seen order
    people: dict[str, list[tuple[str, str, _dt.date | None]]] = {}
    sources: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    lookalike = _Lookalike()
    for key in order:
        platform, account, day = key
        person = lookalike.person(alias_map.get(account_key(account), account), slots[key].file)
        people.setdefault(person, []).append(key)
        for src in slots[key].srcs:
            if src not in sources[person]:
                sources[person].append(src)

    problems += lookalike.problems
    agents: dict[str, AgentMonth] = {}
    for person, keys in people.items():
        files = [slots[k].file for k in keys]
        rows = [derive_row(slots.pop(k).values) for k in keys]
        figures, notes = aggregate(rows)
        for zh, en in notes:
            problems.append(Problem(zh, en, agent=person, severity=WARNING))
        if not any(not isinstance(v, NA) for k, v in figures.items() if not k.startswith("_")):
            listed = "、".join(dict.fromkeys(Path(x).name for x in files))
            reason = "导出中没有任何数据（所有行都是空白、「-」或缺失）"
            problems.append(Problem(
                f"客服「{person}」{reason}，无法考核：不排名、不计分，标为待核实（{listed}）",
                f"agent '{person}' has no figures at all in the exports (every row blank, '-' or missing): "
                "not ranked, not scored, marked as to be checked",
                file=files[0] if len(set(files)) == 1 else None, agent=person, value=person))
            figures[names.NO_DATA] = reason
        by_day: dict[_dt.date, list[dict[str, Any]]] = defaultdict(list)
        for k, r in zip(keys, rows):
            if isinstance(k[2], _dt.date):
                by_day[k[2]].append(r)
        daily = [(d, aggregate(day)[0] if len(day) > 1 else aggregate_one(day[0]))
                 for d, day in sorted(by_day.items())]
        del rows, by_day
        agents[person] = AgentMonth(person, figures, sources[person], daily)

    manual_values, more = load_manual(manual, alias_map, target, extra)
    problems += more
    for person, values in manual_values.items():
        src = (str(manual), "", "manual", person)
        if person in agents:
            had = agents[person]
            agents[person] = replace(had, figures={**had.figures, **values}, sources=had.sources + (src,))
        else:
            if agents:
                problems.append(Problem(f"手工录入中的「{person}」在导出数据里没有记录，只有手工录入的数字",
                                        f"'{person}' from the manual inputs has no export data; only the manual figures",
                                        file=str(manual), agent=person, severity=WARNING))
            agents[person] = AgentMonth(person, values, (src,))
    return MonthData(target, agents), problems


def _read_sheet(sh: Sheet, f: str, index: int, extra: frozenset[str], merger: _Merger, reads: list[_Read],
                problems: list[Problem]) -> bool:
    """Read one sheet into ``merger``/``reads``; whether it was an export."""
    head = open_sheet(sh, f, extra, problems)
    if head is not None:
        per = head.period
        if head.daily:
            read = _Read(index, f, [], head.month, True, sh.name, {})
            merger.add_daily(read, head.records)
        elif per.cross:
            for _ in head.records:  # its cells are still checked and reported
                pass
            problems.append(Problem(
                f"这份报表的日期范围跨月（{per.start.isoformat()}至{per.end.isoformat()}，见{per.source}），"
                "又没有按天的数据，无法拆到月份，已跳过；请按月导出",
                f"the report's date range spans two months ({per.start} to {per.end}) and has no day rows; "
                "it cannot be split into months and was skipped",
                file=f, sheet=sh.name or None, value=f"{per.start.isoformat()}至{per.end.isoformat()}"))
            return True
        else:
            span = (per.start, per.end) if per.start is not None else None
            read = _Read(index, f, list(head.records), head.month, False, sh.name, None, merger.seq, span,
                         per.month_only, per.source)
            merger.seq += len(read.records)
            if read.month:
                merger.see_month(read.month)
        reads.append(read)
    if isinstance(sh.rows, CsvRows):
        problems += sh.rows.problems
    return head is not None


def _month_tabs(reads: list[_Read], target: str | None) -> tuple[list[_Read], list[Problem]]:
    """Monthly sheets named for a month without a year (``8月``, ``10月``): matched by month number."""
    tabs = [r for r in reads if not r.daily and r.month is None and r.month_only is not None]
    if not tabs:
        return reads, []
    problems: list[Problem] = []
    keep = []
    if target is None:
        numbers = sorted({r.month_only for r in tabs})
        if len(numbers) == 1:
            return reads, []
        listed = "、".join(f"{n}月" for n in numbers)
        for r in tabs:
            problems.append(Problem(
                f"工作表按月份分开（{listed}），但工作表名、标题和文件名里都没有年份，无法确定哪个是本月；"
                "已跳过，请用 --month 指定月份",
                f"the sheets are per month ({listed}) but no year is given anywhere; skipped, use --month",
                file=r.file, sheet=r.sheet or None, value=r.sheet))
        return [r for r in reads if r not in tabs], problems
    for r in tabs:
        if r.month_only == int(target[5:]):
            keep.append(r)
            problems.append(Problem(
                f"工作表「{r.sheet}」只写了月份、没有年份，按 {target} 导入",
                f"the sheet '{r.sheet}' names a month without a year; imported as {target}",
                file=r.file, sheet=r.sheet or None, value=r.sheet, severity=WARNING))
        else:
            problems.append(Problem(
                f"工作表「{r.sheet}」是 {r.month_only} 月的数据，不是 {target}，已跳过",
                f"the sheet '{r.sheet}' is for month {r.month_only}, not {target}; skipped",
                file=r.file, sheet=r.sheet or None, value=r.sheet, severity=WARNING))
    fixed = {id(r): r._replace(month=target) for r in keep}
    return [fixed.get(id(r), r) for r in reads if r not in tabs or id(r) in fixed], problems


class _Lookalike:
    """People whose names only look different by width (``ａｍｙ``/``amy``) or letter case (``Amy``/``amy``).

    They may be one person or two (platform nicknames are distinct strings), so
    they are kept apart and every such pair is reported; the alias map merges
    them when they are one person. (Invisible characters are removed when the
    rows are read: nobody types them on purpose.)
    """

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.problems: list[Problem] = []
        self._said: set[tuple[str, str]] = set()

    def person(self, name: str, file: str) -> str:
        key = unicodedata.normalize("NFKC", name).casefold()
        other = self.seen.setdefault(key, name)
        if other != name and (other, name) not in self._said:
            self._said.add((other, name))
            if unicodedata.normalize("NFKC", name) == unicodedata.normalize("NFKC", other):
                how = "全角/半角"
            elif name.casefold() == other.casefold():
                how = "大小写"
            else:
                how = "全角/半角和大小写"
            self.problems.append(Problem(
                f"「{name}」与「{other}」只差{how}，按两个人分开计算；如果是同一人请在别名表中合并",
                f"'{name}' and '{other}' differ only in width or letter case; kept apart (merge them in the alias "
                "map if they are one person)", file=file, agent=name, value=other, severity=WARNING))
        return name


def _month_of_day(d: _dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _choose_month(months: set[str], month: str | None) -> tuple[str | None, list[Problem]]:
    if month is not None:
        return month, []
    if not months:
        return None, []
    if len(months) == 1:
        return next(iter(months)), []
    latest = max(months)
    listed = "、".join(sorted(months))
    return latest, [Problem(
        f"数据包含多个月份（{listed}），只导入最近的 {latest}；其他月份请用 --month 指定",
        f"the data spans several months ({listed}); only the latest, {latest}, is imported; use --month for another",
        value=listed, severity=WARNING)]


def _keep_month(reads: list[_Read], target: str | None) -> list[Problem]:
    problems: list[Problem] = []
    if target is None:
        return problems
    for r in reads:
        if not r.daily:
            if r.month is not None and r.month != target and r.records:
                x = r.records[0]
                problems.append(Problem(
                    f"这份月报属于 {r.month}（按{r.source or '文件名或标题'}），不是 {target}，已跳过",
                    f"this monthly report is for {r.month} (by its name or title), not {target}; skipped",
                    file=r.file, sheet=x.sheet or None, value=r.month, severity=WARNING))
            continue
        dropped = {m: st for m, st in (r.months or {}).items() if m != target}
        if dropped:
            n = sum(st[0] for st in dropped.values())
            first = min(st[1] for st in dropped.values())
            other = "、".join(sorted(dropped))
            problems.append(Problem(
                f"有 {n} 行属于其他月份（{other}），不是 {target}，已忽略（第一行是第 {first} 行）",
                f"{n} rows belong to other months ({other}), not {target}; ignored "
                f"(the first is row {first})",
                file=r.file, sheet=r.sheet or None, row=first, value=other, severity=WARNING))
    return problems


def _merge(merger: _Merger, reads: list[_Read], target: str | None):
    """The kept slots and their first-seen order; the merge's problems, in reading order."""
    monthly = _Part()
    for r in reads:
        if r.daily or (target is not None and r.month is not None and r.month != target):
            continue
        for i, rec in enumerate(r.records):
            merger.add(monthly, r.index, rec, r.seq0 + i + 1, r.span)
    parts = [monthly] + ([merger.parts[target]] if target in merger.parts else [])
    slots: dict[tuple, _Slot] = {}
    for part in parts:
        slots.update(part.slots)
        part.slots.clear()  # the caller pops slots as it goes: nothing else may hold them
    merger.parts.clear()
    order = sorted(slots, key=lambda k: slots[k].seq)
    problems = [p for _, p in sorted((c for part in parts for c in part.conflicts), key=lambda c: c[0])]
    replaced: dict[tuple[str, str], list[int]] = {}
    for part in parts:
        for pair, (n, first) in part.replaced.items():
            got = replaced.setdefault(pair, [0, first])
            got[0] += n
            got[1] = min(got[1], first)
    for (earlier, later), (n, _) in sorted(replaced.items(), key=lambda kv: kv[1][1]):
        if earlier == later:
            continue
        problems.append(Problem(
            f"后读入的文件「{later}」更新了「{earlier}」中的 {n} 行（同一平台、账号和日期，以后读入的为准，不重复计算）",
            f"'{later}', read later, updated {n} rows of '{earlier}' (same platform, account and day; "
            "the later file wins, nothing is counted twice)",
            file=later, value=n, severity=WARNING))
    # a monthly report and daily rows of the same account must not both count
    by_account: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for key in order:
        by_account[key[:2]].append(key)
    drop: set[tuple] = set()
    problems += _ranges(by_account, slots, drop, target)
    for (platform, account), keys in by_account.items():
        keys = [k for k in keys if k not in drop]
        monthly_keys = [k for k in keys if not isinstance(k[2], _dt.date)]
        days = [k for k in keys if isinstance(k[2], _dt.date)]
        if not monthly_keys or not days:
            continue
        m_index = max(slots[k].index for k in monthly_keys)
        d_index = max(slots[k].index for k in days)
        if m_index > d_index:
            drop.update(days)
            kept, lost = slots[monthly_keys[-1]].file, slots[days[0]].file
        else:
            drop.update(monthly_keys)
            kept, lost = slots[days[-1]].file, slots[monthly_keys[0]].file
        problems.append(Problem(
            f"账号「{account}」既有月报又有日报数据；以后读入的「{kept}」为准，「{lost}」中该账号的数据未计入",
            f"account '{account}' has both a monthly report and daily rows; the later file '{kept}' is used, "
            f"its rows in '{lost}' are not counted",
            file=lost, agent=account, severity=WARNING))
    for k in drop:
        del slots[k]
    return slots, [k for k in order if k not in drop], problems


def _md(d: _dt.date) -> str:
    return f"{d.month:02d}-{d.day:02d}"


def _ranges(by_account: dict[tuple[str, str], list[tuple]], slots: dict[tuple, _Slot], drop: set[tuple],
            target: str | None) -> list[Problem]:
    """Reports of parts of the month (1–10, 11–20 …) per account: disjoint ones add up; overlaps are errors.

    Without day rows nobody can tell how much of an overlap belongs to which
    report, so the account's figures from the overlapping reports become
    missing (n/a) and the problem names the overlap. Parts that leave days
    uncovered are kept and the gap is reported.
    """
    problems: list[Problem] = []
    if target is not None:
        y, m = int(target[:4]), int(target[5:])
        whole = (_dt.date(y, m, 1), _dt.date(y + m // 12, m % 12 + 1, 1) - _dt.timedelta(days=1))
    else:
        whole = None
    gaps: dict[tuple, list[str]] = defaultdict(list)
    for (platform, account), keys in by_account.items():
        monthly = [k for k in keys if not isinstance(k[2], _dt.date)]
        if not any(k[2] is not None for k in monthly):
            continue
        spans = [(k, k[2] if k[2] is not None else whole) for k in monthly]
        clash = None
        for i, (ka, a) in enumerate(spans):
            for kb, b in spans[i + 1:]:
                if a is None or b is None or (a[0] <= b[1] and b[0] <= a[1]):
                    clash = (ka, a, kb, b)
                    break
            if clash:
                break
        if clash is not None:
            ka, a, kb, b = clash
            both = f"{_md(max(a[0], b[0]))}至{_md(min(a[1], b[1]))}" if a and b else "整月"
            fa, fb = Path(slots[ka].file).name, Path(slots[kb].file).name
            ra = f"{_md(a[0])}至{_md(a[1])}" if a else "整月"
            rb = f"{_md(b[0])}至{_md(b[1])}" if b else "整月"
            problems.append(Problem(
                f"账号「{account}」的两份按日期范围的报表重叠：「{fa}」（{ra}）和「{fb}」（{rb}）重叠 {both}，"
                "又没有按天的数据，无法知道重叠的几天各是多少；这些报表中该账号的数据都记为缺失，请按不重叠的日期重新导出",
                f"account '{account}': two date-range reports overlap: '{fa}' ({ra}) and '{fb}' ({rb}) share {both}, "
                "and there are no day rows to tell them apart; the account's figures from these reports are missing",
                file=slots[kb].file, agent=account, value=both))
            names_seen: dict[str, None] = {}
            for k, _ in spans:
                names_seen.update(dict.fromkeys(slots[k].values))
            keep = spans[0][0]
            reason = NA(f"日期范围重叠（{both}），无法确定", f"overlapping date ranges ({both})")
            slots[keep].values = {n: reason for n in names_seen}
            drop.update(k for k, _ in spans[1:])
            continue
        if whole is not None:
            covered = sorted(s for _, s in spans if s is not None)
            missing = []
            day = whole[0]
            for a, b in covered:
                if a > day:
                    missing.append((day, a - _dt.timedelta(days=1)))
                day = max(day, b + _dt.timedelta(days=1))
            if day <= whole[1]:
                missing.append((day, whole[1]))
            if missing:
                gaps[tuple(covered), tuple(missing)].append(account)
    for (covered, missing), accounts in gaps.items():
        listed = "、".join(accounts[:5]) + (f" 等 {len(accounts)} 个账号" if len(accounts) > 5 else "")
        have = "、".join(f"{_md(a)}至{_md(b)}" for a, b in covered)
        lack = "、".join(f"{_md(a)}至{_md(b)}" for a, b in missing)
        problems.append(Problem(
            f"按日期范围的报表只覆盖了 {have}，缺少 {lack} 的数据（{listed}）；已有的几段相加，缺的日子不计",
            f"the date-range reports cover only {have}; {lack} is missing ({listed}); the parts given are added up",
            agent=accounts[0] if len(accounts) == 1 else None, value=lack, severity=WARNING))
    return problems
