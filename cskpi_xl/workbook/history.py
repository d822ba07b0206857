"""Earlier months, for the multi-month rules (streaks, escalating fines): where they are, and reading them.

A **history file** is any table with the columns 月份 / 客服 / 排名 / 等级 /
违规次数 / 参加考核 (a header row, one row per agent and month):

- every ``汇总_YYYY-MM.xlsx`` a batch wrote is one (its 历史记录 sheet);
- HR may keep one by hand (``历史记录.xlsx`` or ``.csv``, any months; only
  月份 and 客服 are required, 参加考核 is 是/否, empty = 是).

``find_history(out_dir, month, paths, scheme)`` looks, in this order:

1. every path HR names (``--history``, the 设置 row 历史记录): a history file
   — for a ``汇总_*.xlsx`` also the folder it is in, as below — or a folder;
2. the output folder itself;
3. next to a folder: the folders under it whose names are months
   (``2026-10``, ``2026_10``, ``2026年10月`` …), and — when the folder's own
   name is a month — its sibling month folders (``D:\\绩效\\2026-10`` sees
   ``D:\\绩效\\2026-09`` and ``D:\\绩效\\2026-11``).

In a folder it reads ``汇总_*.xlsx`` and ``历史记录*.xlsx`` / ``.csv``. The
first file that has a month wins; a second, different copy is reported. A
file that cannot be read is reported with its name and the reason, and its
month then counts as not found. Months after ``month`` are not history: they
are the later months whose flags a re-run may leave stale
(:func:`stale_problem`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

from cskpi_xl.core.history import History, PastMonth, fine_needs, month_span, streak_needs
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.files.oserrors import read_reason
from cskpi_xl.workbook.summary import (HISTORY_HEADER, HISTORY_SHEET, HISTORY_START, REGENERATE_SHEET, SUMMARY,  # noqa: F401
                                       command_text)

#: A month in a folder or file name: 2026-10, 2026_10, 2026.10, 2026年10月, 202610.
MONTH_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-_./]|年)?\s*(0?[1-9]|1[0-2])(?!\d)")
HAND_KEPT = "历史记录"
OTHER_SCHEME = "这是另一个方案"
STALE = "已有以后月份的结果"
COLUMNS = {"月份": "month", "客服": "agent", "客服昵称": "agent", "排名": "rank", "等级": "grade",
           "违规次数": "violations", "参加考核": "appraised"}


def month_of_name(name: str) -> str | None:
    """The month a folder or file name carries, as YYYY-MM.

    >>> month_of_name("2026年3月"), month_of_name("汇总_2026-11.xlsx"), month_of_name("绩效")
    ('2026-03', '2026-11', None)
    """
    m = MONTH_IN_NAME.search(name)
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m else None


@dataclass
class Found:
    """What the search found: where it looked, which file gave each month, the later months.

    Attributes:
      searched: the folders and files looked at, in order.
      months: month → the file its results came from.
      later: month after the run's month → its 汇总 file.
      commands: month → the command that regenerates it (from its 汇总).
    """

    searched: list[Path] = field(default_factory=list)
    months: dict[str, Path] = field(default_factory=dict)
    later: dict[str, Path] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)


def _folders_around(folder: Path) -> list[Path]:
    """``folder``, its month-named subfolders, and its month-named siblings when it is one itself."""
    out = [folder]
    try:
        out += sorted(d for d in folder.iterdir() if d.is_dir() and month_of_name(d.name))
    except OSError:
        pass
    if month_of_name(folder.name) and folder.parent != folder:
        try:
            out += sorted(d for d in folder.parent.iterdir() if d.is_dir() and month_of_name(d.name) and d != folder)
        except OSError:
            pass
    return out


def _history_files(folder: Path) -> list[Path]:
    """The 汇总_*.xlsx and 历史记录*.xlsx/.csv files of ``folder`` (names checked first: an agents' folder is large)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(p for p in entries if (
        (p.name.startswith(f"{SUMMARY}_") and p.suffix.lower() == ".xlsx")
        or (p.name.startswith(HAND_KEPT) and p.suffix.lower() in (".xlsx", ".csv"))) and p.is_file())


def unreadable(path: Path, reason: str) -> Problem:
    """A warning naming a file of earlier results that could not be read, and why."""
    m = month_of_name(path.name) if path.name.startswith(f"{SUMMARY}_") else None
    again = f"；重新生成 {m} 的批量即可得到新的汇总" if m else ""
    return Problem(f"之前月份的结果无法读取：{reason}；其中的考核结果没有用上{again}", f"cannot read earlier results: {reason}",
                   file=str(path), value=m, severity=WARNING)


def _month_value(v: Any) -> str | None:
    if isinstance(v, (datetime, date)):
        return f"{v.year:04d}-{v.month:02d}"
    return month_of_name(str(v).strip()) if v is not None else None


def _int(v: Any) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        f = float(str(v).strip())
    except ValueError:
        raise ValueError(v) from None
    if not f.is_integer() or f < 0:
        raise ValueError(v)
    return int(f)


def parse_rows(rows: Iterable[Sequence[Any]], file: str, sheet: str | None) -> tuple[list[tuple[str, PastMonth]], list[Problem]]:
    """PastMonth rows from a history table (header row first); every bad cell is a problem, its row left out.

    >>> rows, probs = parse_rows([["月份", "客服", "排名", "等级"], ["2026-09", "小美", 1, "卓越"],
    ...                           ["2026-09", "阿强", "第二", "良好"]], "h.csv", None)
    >>> rows, [p.message for p in probs]
    ([('小美', PastMonth(month='2026-09', rank=1, grade='卓越', violations=0, appraised=True))], ['排名应为整数：第二；这一行没有用上'])
    """
    out: list[tuple[str, PastMonth]] = []
    problems: list[Problem] = []
    it = iter(rows)
    header = next(it, None)
    cols = {COLUMNS[str(h).strip()]: i for i, h in enumerate(header or []) if h is not None and str(h).strip() in COLUMNS}
    if "month" not in cols or "agent" not in cols:
        return [], [Problem(f"不是历史记录表：第一行应有列名 {'、'.join(HISTORY_HEADER)}（至少要有月份和客服）",
                            "not a history table: the first row needs 月份 and 客服", file=file, sheet=sheet, row=1,
                            severity=WARNING)]
    for r, row in enumerate(it, start=2):
        row = list(row or [])

        def get(k: str, row: list = row) -> Any:
            return row[cols[k]] if k in cols and cols[k] < len(row) else None
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        agent = get("agent")
        month = _month_value(get("month"))
        bad = None
        if month is None:
            bad = ("月份", get("month"), "月份应为 YYYY-MM")
        elif agent is None or not str(agent).strip():
            bad = ("客服", agent, "客服是空的")
        try:
            rank = _int(get("rank"))
        except ValueError:
            bad = bad or ("排名", get("rank"), "排名应为整数")
            rank = None
        try:
            violations = _int(get("violations")) or 0
        except ValueError:
            bad = bad or ("违规次数", get("violations"), "违规次数应为 0 或正整数")
            violations = 0
        appraised_v = get("appraised")
        appraised = str(appraised_v).strip() if appraised_v is not None else ""
        if appraised not in ("", "是", "否"):
            bad = bad or ("参加考核", appraised_v, "参加考核应为 是 或 否")
        if bad:
            col, value, why = bad
            problems.append(Problem(f"{why}：{value}；这一行没有用上", f"{col}: bad value {value!r}; row left out",
                                    file=file, sheet=sheet, row=r, column=col, value=value, severity=WARNING))
            continue
        grade = get("grade")
        out.append((str(agent).strip(), PastMonth(month, rank, str(grade).strip() if grade not in (None, "") else None,
                                                   violations, appraised != "否")))
    return out, problems


def declared_start(rows: Sequence[Sequence[Any]]) -> str | None:
    """The earliest 记录起始 month a history table declares (its optional 7th column), or None.

    >>> declared_start([["月份", "客服", "记录起始"], ["2026-11", "甲", "2026-09"], ["2026-11", "乙", None]])
    '2026-09'
    """
    if not rows or HISTORY_START not in [str(h).strip() if h is not None else "" for h in rows[0]]:
        return None
    col = [str(h).strip() if h is not None else "" for h in rows[0]].index(HISTORY_START)
    months = [_month_value(r[col]) for r in rows[1:] if r is not None and col < len(r) and r[col] not in (None, "")]
    months = [m for m in months if m]
    return min(months) if months else None


def read_history_file(path: Path, scheme: Scheme | None = None
                      ) -> tuple[list[tuple[str, PastMonth]], list[str] | None, list[Problem], str | None]:
    """The rows of one history file, the regenerate command it carries (a 汇总), the problems, and the
    first month on record it declares (column 记录起始; None without).

    Read like an export (:func:`cskpi_xl.importers.read.read_table`: the same
    safety checks, calamine for .xlsx, the usual CSV encodings). A 汇总 of
    another scheme is left out (with a warning): its grades mean something else.
    """
    from cskpi_xl.importers.read import read_table

    path = Path(path)
    try:
        with path.open("rb"):
            pass
    except OSError as exc:  # locked by Excel, no permission …: say so before the reader's generic words
        return [], None, [unreadable(path, read_reason(exc))], None
    sheets, problems = read_table(path)
    if any(p.is_error for p in problems) or not sheets:
        reasons = [p.message.removesuffix("，请重新导出").removesuffix("；请重新从平台导出") for p in problems] or ["文件里没有任何数据"]
        return [], None, [unreadable(path, "；".join(reasons))], None
    by_name = {sh.name: sh for sh in sheets}
    summary = by_name.get(SUMMARY)
    if summary is not None and scheme is not None and summary.rows and summary.rows[0]:
        title = summary.rows[0][0]
        if isinstance(title, str) and " · " in title and title.split(" · ")[0] != scheme.name:
            return [], None, [Problem(f"{OTHER_SCHEME}「{title.split(' · ')[0]}」的汇总，没有用作「{scheme.name}」的历史",
                                      "a summary of another scheme: not used", file=str(path), severity=WARNING)], None
    table = by_name.get(HISTORY_SHEET)
    if table is None:
        if path.name.startswith(f"{SUMMARY}_"):
            return [], None, [unreadable(path, f"汇总中没有「{HISTORY_SHEET}」工作表（不是本工具生成的汇总，或已被改动）")], None
        table = sheets[0]
    rows, problems = parse_rows(table.rows, str(path), table.name or None)
    command = None
    regen = by_name.get(REGENERATE_SHEET)
    if regen is not None and len(regen.rows) >= 3 and regen.rows[2]:
        try:
            command = json.loads(regen.rows[2][0]) if isinstance(regen.rows[2][0], str) else None
        except ValueError:
            command = None
        if not (isinstance(command, list) and all(isinstance(a, str) for a in command)):
            command = None
    return rows, command, problems, declared_start(table.rows)


def find_history(out_dir: str | os.PathLike | None, month: str, paths: Sequence[str | os.PathLike] = (),
                 scheme: Scheme | None = None) -> tuple[History, Found, list[Problem]]:
    """Earlier months (before ``month``) from the places in the module docstring; see there."""
    problems: list[Problem] = []
    found = Found()
    places: list[Path] = []  # folders and files, in priority order
    for p in paths or ():
        p = Path(p)
        if p.is_dir():
            places += _folders_around(p)
        elif p.exists():
            places.append(p)
            if p.name.startswith(f"{SUMMARY}_"):
                places += _folders_around(p.parent)
        else:
            problems.append(Problem("指定的历史记录文件或文件夹不存在", "the history file or folder does not exist",
                                    file=str(p), severity=WARNING))
    if out_dir is not None:
        places += _folders_around(Path(out_dir))
    files: list[Path] = []
    seen_places: set[Path] = set()
    seen_files: set[Path] = set()
    for place in places:
        if place.resolve() in seen_places:
            continue
        seen_places.add(place.resolve())
        found.searched.append(place)
        for f in ([place] if place.is_file() else _history_files(place)):
            if f.resolve() not in seen_files:
                seen_files.add(f.resolve())
                files.append(f)

    by_month: dict[str, dict[str, PastMonth]] = {}
    earliest = earliest_needed(scheme, month)
    on_record: set[str] = set()  # months of the 汇总 files seen, read or not: where the records start
    for f in files:
        named = month_of_name(f.name) if f.name.startswith(f"{SUMMARY}_") else None
        if named is not None and named == month:
            continue  # this month's own earlier 汇总: it is being regenerated
        if named is not None and earliest is not None and named < earliest:
            on_record.add(named)
            continue  # no rule reads that far back: not opened (years of 汇总 stay cheap)
        rows, command, more, declared = read_history_file(f, scheme)
        if any(p.message.startswith(OTHER_SCHEME) for p in more):
            if named is None or named < month:
                problems += more
            continue  # another scheme's month: not history, and its flags do not read this one
        if named is not None and named < month:
            on_record.add(named)  # even unreadable: that month's results should exist
        if declared is not None and declared < month:
            on_record.add(declared)
        if named is not None and named > month:
            found.later.setdefault(named, f)
            if command:
                found.commands.setdefault(named, command)
            continue
        problems += more
        mine: dict[str, dict[str, PastMonth]] = {}
        for agent, h in rows:
            if h.month < month:
                mine.setdefault(h.month, {})[agent] = h
        for m, agents in sorted(mine.items()):
            if m in found.months:
                if agents != by_month[m]:
                    problems.append(Problem(
                        f"{m} 的考核结果有两份不同的：{found.months[m]} 和 {f}；使用前一份（需要用另一份请用 --history 指定它）",
                        f"two different results for {m}: {found.months[m]} and {f}; the first is used",
                        file=str(f), value=m, severity=WARNING))
                continue
            found.months[m] = f
            by_month[m] = agents
    agents_hist: dict[str, list[PastMonth]] = {}
    for m in sorted(by_month):
        for agent, h in by_month[m].items():
            agents_hist.setdefault(agent, []).append(h)
    start = min(on_record | set(by_month)) if (on_record or by_month) else None
    return History.of(agents_hist, months=by_month.keys(), start=start), found, problems


def earliest_needed(scheme: Scheme | None, month: str) -> str | None:
    """The earliest month a multi-month rule of ``scheme`` reads for ``month``; None: every month may count.

    >>> from cskpi_xl.core.schemefile import builtin
    >>> earliest_needed(builtin("standard"), "2026-12"), earliest_needed(builtin("yali"), "2026-12")
    ('2026-01', '2026-10')
    """
    if scheme is None:
        return None
    earliest = month
    for st in scheme.streaks:
        earliest = min(earliest, streak_needs(month, st.months, True)[-1])
    fine = scheme.pay.fine if scheme.pay is not None else None
    if fine is not None:
        if fine.period != "year":
            return None
        earliest = min(earliest, f"{month[:4]}-01")
    return earliest


def regenerate_argv(exports: Sequence[str | os.PathLike], scheme_id: str, month: str, out_dir: str | os.PathLike, *,
                    manual=None, aliases=None, layout: str = "per-agent", template=None,
                    history: Sequence[str | os.PathLike] = ()) -> list[str]:
    """The ``cskpi batch`` command that regenerates this month (absolute paths), kept in its 汇总."""
    def ab(p) -> str:
        return str(Path(p).resolve())

    argv = ["cskpi", "batch", *(ab(e) for e in exports), "--scheme", scheme_id, "--month", month, "--out", ab(out_dir)]
    for flag, v in (("--manual", manual), ("--aliases", aliases), ("--template", template)):
        if v:
            argv += [flag, ab(v)]
    if layout != "per-agent":
        argv += ["--layout", layout]
    for h in history or ():
        argv += ["--history", ab(h)]
    return argv


def stale_months(scheme: Scheme, month: str, found: Found) -> list[str]:
    """The later months found whose multi-month rules read ``month`` (their flags may be stale after a re-run).

    A streak of N months in month L reads L-1 … L-N; a fine counted by
    calendar year reads the earlier months of L's year, by ``all`` every one.
    """
    fine = scheme.pay.fine if scheme.pay is not None else None
    stale = []
    for later in sorted(found.later):
        needs = set()
        for st in scheme.streaks:
            needs |= set(streak_needs(later, st.months, st.bonus is not None))
        if fine is not None:
            needs |= set(fine_needs(later, fine.period, History.of({}))) if fine.period == "year" else {month}
        if month in needs:
            stale.append(later)
    return stale


def stale_problem(scheme: Scheme, month: str, found: Found) -> Problem | None:
    """After re-running ``month``: the later months whose multi-month flags read it, and how to regenerate them."""
    stale = stale_months(scheme, month, found)
    if not stale:
        return None
    lines = []
    for m in stale:
        argv = found.commands.get(m)
        if argv:
            lines.append("  " + command_text(argv))
        else:
            lines.append(f"  cskpi batch <{m} 的导出文件> --scheme {scheme.id} --month {m} --out {found.later[m].parent}")
    return Problem(
        f"{STALE}：{month_span(stale)}（{'、'.join(str(found.later[m]) for m in stale)}）。"
        f"它们的连续月份奖励、标记和跨月累计的违规罚款是用这次重新生成之前的 {month} 结果算的，现在可能已经过时；"
        f"请按月份顺序重新生成：\n" + "\n".join(lines),
        f"later months exist ({month_span(stale)}): their multi-month rewards, flags and fines were computed from "
        f"{month} as it was before this run and may now be stale; regenerate them in order:\n" + "\n".join(lines),
        severity=WARNING)


def where_problem(found: Found) -> Problem:
    """Where earlier months were looked for, and how to point at them (added when months are missing)."""
    places = "、".join(str(p) for p in found.searched[:8]) + (" 等" if len(found.searched) > 8 else "")
    first = "" if found.months else "如果这是第一次用本工具考核（之前没有记录），「待核实」的标记请人工核对一次即可。"
    return Problem(
        f"查找之前月份的汇总（汇总_YYYY-MM.xlsx）的位置：{places or '（无）'}。{first}如果之前月份的结果在别处，"
        f"用 --history 指定那个汇总文件或它所在的文件夹（按钮：「设置」表的「历史记录」行）；"
        f"每个月一个文件夹时，请把各月的文件夹放在同一个上级文件夹下，并以月份命名（如 D:\\绩效\\2026-10、D:\\绩效\\2026-11）",
        f"earlier summaries were looked for in: {places or '(nowhere)'}; point --history at an earlier 汇总 or its folder, "
        f"or keep month-named folders under one parent folder",
        severity=WARNING)


def read_history(out_dir: str | os.PathLike, month: str) -> dict[str, list[PastMonth]]:
    """Each agent's earlier months found from ``out_dir`` (see :func:`find_history`), problems left aside."""
    hist, _found, _problems = find_history(out_dir, month)
    return {a: list(ms) for a, ms in hist.agents.items()}
