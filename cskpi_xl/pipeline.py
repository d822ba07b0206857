"""The one fill path: scheme → 规则-sheet edits → import → score → plan → write.

``cskpi fill`` (:mod:`cskpi_xl.workbook.fill`), the batch
(:mod:`cskpi_xl.workbook.batch`, which adds only the worker pool and the 汇总)
and the Excel buttons (:mod:`cskpi_xl.xlbutton`) all go through these steps,
so a change to any of them lands once:

1. :func:`load` — the scheme, with the numbers HR changed on a 规则 sheet
   (a template's or an earlier output's) applied;
2. :func:`score_month` — import the exports, add what people typed into the
   earlier outputs, score the team;
   (:func:`score_files` is the import and scoring alone, for ``cskpi score``;
   :func:`import_for`, :func:`figures_for` and :func:`daily_for` its parts);
3. :func:`plan_agent` — the cell writes for one agent's sheet;
4. :func:`write_book` — apply the plan to a workbook and save it atomically;

and, before a run writes over its month, :func:`read_previous` reads back what
people typed into the earlier outputs (:func:`previous_files` finds them).

Every step returns ``(result, problems)`` or a plan carrying its problems;
nothing raises on bad input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from cskpi_xl.core.daily import DayPoint, daily_trend
from cskpi_xl.core.engine import TeamResult, score_team
from cskpi_xl.core.history import History, PastMonth
from cskpi_xl.core.schemefile import load_scheme
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.importers import MonthData, import_files
from cskpi_xl.workbook.apply import apply_plan
from cskpi_xl.workbook.save import save_workbook
from cskpi_xl.workbook.rulesread import ValueAt, read_rules
from cskpi_xl.workbook.template import FillPlan, TemplateCell, plan_fill


# ---- import and score -------------------------------------------------------------------------------------------


def daily_for(scheme: Scheme, data: MonthData) -> dict[str, list[DayPoint]]:
    """The S10 daily trend of each agent with daily rows, when the scheme has a daily view."""
    if scheme.daily is None:
        return {}
    return {name: daily_trend(am.daily, scheme.daily.flag_ratio) for name, am in data.agents.items() if am.daily}


def figures_for(scheme: Scheme, data: MonthData) -> dict[str, dict[str, Any]]:
    """Each agent's figures, with 低转化天数 from the daily rows when the scheme has a daily view."""
    out = {name: dict(am.figures) for name, am in data.agents.items()}
    for name, points in daily_for(scheme, data).items():
        out[name].setdefault("低转化天数", Decimal(sum(1 for p in points if p.low)))
    return out


def import_for(scheme: Scheme, files: Sequence[Any], *, month: str | None = None, manual: Any = None,
               aliases: Any = None) -> tuple[MonthData, list[Problem]]:
    """Import ``files`` reading also every column ``scheme`` reads by hand (scores, rubric choices)."""
    return import_files(files, month=month, aliases=aliases, manual=manual, inputs=scheme_inputs(scheme))


def scheme_inputs(scheme: Scheme) -> set[str]:
    """Every column a scheme reads: its inputs, item names (scores, rubric choices) and review columns."""
    out = set(scheme.inputs()) | {i.name for i in scheme.items}
    for it in scheme.items:
        vr = it.value_rule
        if vr is not None:
            out.add(vr.input)
    return out


def score_files(scheme: Scheme, files: Sequence[str], *, month: str | None = None, manual: str | None = None,
                aliases: str | None = None, public_sales: Any = None,
                history: Mapping[str, Sequence[PastMonth]] | History | None = None,
                history_from: Sequence[Any] | None = None,
                team_figures: Mapping[str, Any] | None = None) -> tuple[TeamResult | None, list[Problem]]:
    """Import ``files`` (exports or a canonical table) and score the month under ``scheme``.

    ``history_from``: files or folders of earlier months to look in once the
    month is known (see :func:`cskpi_xl.workbook.history.find_history`).
    """
    data, problems = import_for(scheme, files, month=month, manual=manual, aliases=aliases)
    if not data.agents:
        return None, problems
    if history_from is not None and data.month:
        from cskpi_xl.workbook.history import find_history, where_problem

        history, found, more = find_history(None, data.month, history_from, scheme)
        problems = problems + more
    else:
        found = None
    team, more = score_team(scheme, figures_for(scheme, data), month=data.month, history=history,
                            public_sales=public_sales, team_figures=team_figures)
    if team.missing_history:
        more.append(where_problem(found) if found is not None else Problem(
            "没有指定之前月份的结果：用 --history 指定之前月份的 汇总_*.xlsx、放各月文件夹的文件夹或历史记录表",
            "no earlier months given: point --history at an earlier 汇总_*.xlsx, a folder of month folders or a history table",
            severity=WARNING))
    return team, problems + more


# ---- the month --------------------------------------------------------------------------------------------------


@dataclass
class Month:
    """One month, imported and scored.

    Attributes:
      scheme: the scheme as scored (规则-sheet edits applied).
      data: the imported exports.
      month: ``YYYY-MM`` (from the exports, else as asked), or None.
      figures: agent → the figures scored (typed entries included).
      daily: agent → the S10 daily trend (schemes with a daily view).
      team: the core's result, None when no agent has data.
      history: the earlier months the multi-month rules read (a History, or agent → months).
      typed: agent → {input: value} people typed into earlier outputs (None: cleared on purpose).
    """

    scheme: Scheme
    data: MonthData
    month: str | None
    figures: dict[str, dict[str, Any]]
    daily: dict[str, list[DayPoint]]
    team: TeamResult | None
    history: Any = field(default_factory=dict)
    typed: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def load(scheme_id: str | os.PathLike | Scheme,
         rule_sheets: Iterable[tuple[ValueAt, str | None]] = ()) -> tuple[Scheme | None, list[Problem]]:
    """The scheme (built-in id, file, or already loaded) with each 规则 sheet's edits applied in turn.

    ``rule_sheets``: ``(value_at, file)`` of workbooks holding a 规则 sheet
    (:func:`cskpi_xl.workbook.rulesread.openpyxl_value_at`, or the buttons'
    xlwings reader). The scheme's errors and warnings are returned, with the
    notes of every edit used.
    """
    if isinstance(scheme_id, Scheme):
        scheme, problems = scheme_id, []
    else:
        scheme, problems = load_scheme(scheme_id)  # its warnings too: every command that loads a scheme shows them
        if scheme is None:
            return None, problems
    for value_at, file in rule_sheets:
        scheme, more = read_rules(scheme, value_at, file)
        problems += more
    return scheme, problems


def score_month(scheme: Scheme, exports: Sequence[Any], *, month: str | None = None, manual: Any = None,
                aliases: Any = None, typed: Mapping[str, Mapping[str, Any]] | None = None,
                history: Any = None, public_sales: Any = None, team: Any = None) -> tuple[Month, list[Problem]]:
    """Import ``exports``, add the ``typed`` entries, score the month.

    ``typed`` may be a callable ``(month, agents) -> typed`` (read once the
    month and the agents are known from the exports); ``history`` (a
    :class:`~cskpi_xl.core.history.History` or agent → earlier months) a
    callable ``month -> history``. ``public_sales`` and ``team`` are the
    shop-wide figures given for the month (``--public-sales``, ``--team
    名称=数值`` texts or a mapping; see :mod:`cskpi_xl.core.shopwide`).
    """
    from cskpi_xl.core.shopwide import apply_shop_figures, parse_assignments

    data, problems = import_for(scheme, exports, month=month, manual=manual, aliases=aliases)
    month = data.month or month
    figures = figures_for(scheme, data)
    daily = daily_for(scheme, data)
    if callable(typed):
        typed = typed(month, set(figures)) if month else {}
    if callable(history):
        history = history(month) if month else None
    typed = dict(typed or {})
    exported = {a: {k: figures[a].get(k) for k in values} for a, values in typed.items() if a in figures}
    for agent, values in typed.items():
        if agent in figures:
            figures[agent].update(values)
    given, more = parse_assignments(team) if not isinstance(team, Mapping) else (dict(team), [])
    scheme, team_figures, public, refused = apply_shop_figures(scheme, given)
    problems += more + refused
    result = None
    if figures:
        result, more = score_team(scheme, figures, month, history,
                                  public_sales=public_sales if public_sales is not None else public,
                                  team_figures=team_figures)
        problems += more
        unused = {p.column for p in refused}
        result = replace(result, given={**{n: scheme.params[n] for n in given if n in scheme.params and n not in unused},
                                        **result.given})
    m = Month(scheme, data, month, figures, daily, result, history if history is not None else {}, typed)
    return m, typed_conflicts(m, exported) + problems


def plan_agent(cells: Sequence[TemplateCell], m: Month, agent: str | Any, *, file: str | None = None,
               extra: Mapping[str, Any] | None = None, rules: bool = True) -> FillPlan:
    """The cell writes filling the template ``cells`` for ``agent`` (a name or its AgentResult).

    Inputs holding an entry a person typed are marked as theirs, so the
    next run keeps them however often it runs.
    """
    name = agent if isinstance(agent, str) else agent.agent
    return plan_fill(cells, m.scheme, m.team, agent, file=file, month=m.month, extra=dict(extra) if extra else None,
                     rules=rules, typed=m.typed.get(name))


def write_book(wb, plan: FillPlan, path: str | os.PathLike, *, agent: str | None, month: str | None,
               extra_values: Mapping[str, Mapping[str, Any]] | None = None,
               sheets: Mapping[str, bytes] | None = None, before_save: Callable[[Any, dict], None] | None = None) -> Path:
    """Apply ``plan`` to the openpyxl workbook ``wb`` and save it to ``path`` (atomically).

    ``before_save(wb, values)`` may add to the workbook (a daily sheet, the
    设置 rows) before it is saved; ``sheets`` are sheets serialized once
    for many files (see :func:`cskpi_xl.workbook.save.save_workbook`).
    """
    values = apply_plan(wb, plan, agent=agent, month=month)
    for sh, v in (extra_values or {}).items():
        values.setdefault(sh, {}).update(v)
    if before_save is not None:
        before_save(wb, values)
    return save_workbook(wb, path, values, sheets=sheets)


# ---- what people typed into earlier outputs ---------------------------------------------------------------------

#: A person's file that cannot be overwritten gets its new version beside it: ``小美.新.xlsx``.
BESIDE = ".新"


@dataclass
class Previous:
    """What earlier outputs hold, ready to carry into this run.

    Attributes:
      typed: agent (this month's name) → {input: value}; None for a cell emptied on purpose.
      keep: file → why it must not be overwritten (its new version goes beside it, see :func:`beside`).
      source: agent → the file their entries came from.
      problems: refusals, conflicts, renamed and missing agents, unreadable files.
    """

    typed: dict[str, dict[str, Any]] = field(default_factory=dict)
    keep: dict[Path, str] = field(default_factory=dict)
    source: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def beside(path: Path) -> Path:
    """Where the new version of a kept file goes: ``小美.xlsx`` → ``小美.新.xlsx``."""
    from cskpi_xl.files.names import path_inside

    return path_inside(path.parent, path.stem + BESIDE, path.suffix)


def _file_agent(path: Path) -> str:
    stem = path.stem
    return stem[:-len(BESIDE)] if stem.endswith(BESIDE) else stem


def previous_files(out_dir: Path, month: str) -> list[Path]:
    """The earlier outputs of ``month`` in ``out_dir``: the one-book files and ``DIR/<月份>/*.xlsx``."""
    from cskpi_xl.workbook.summary import SUMMARY

    files = list(out_dir.glob("*.xlsx")) + list((out_dir / month).glob("*.xlsx"))
    return sorted(f for f in files if not f.name.startswith(("~$", ".")) and not f.name.startswith(f"{SUMMARY}_"))


def read_previous(files: Iterable[Path], month: str, agents: Iterable[str] | None = None, *, aliases: Any = None,
                  own_file: Callable[[str], Path | None] | None = None, scheme: Scheme | None = None) -> Previous:
    """Read every earlier output in ``files`` (see :func:`cskpi_xl.workbook.registry.read_book`).

    Every file that cannot be read back is named in the problems with the reason.
    ``agents`` are this month's agents (None: every agent the files name); ``own_file(agent)`` the file this run
    writes for an agent (its entries are preferred when two files disagree).
    An entry is carried only when its file, its agent cell and the registry
    agree on whose it is and every input cell was found again; otherwise the
    file is kept untouched and the problem says exactly what did not match.
    With ``scheme`` (as this run scores), an output whose 规则 sheet was
    edited is kept too and its edits are reported: every agent is scored
    under one set of rules, which HR changes in the scheme or the template.
    """
    from cskpi_xl.importers.people import account_key, load_aliases
    from cskpi_xl.files.names import safe_file_stem
    from cskpi_xl.workbook.registry import read_book

    files = list(files)
    if agents is None:
        agents = {a for f in files for a in read_book(f).agents}
    agents = set(agents)
    own_file = own_file or (lambda a: None)
    alias_map, _ = load_aliases(aliases) if aliases is not None else ({}, [])
    stems = {safe_file_stem(a, set()): a for a in agents}
    prev = Previous()
    found: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for f in files:
        f = Path(f).resolve()
        book = read_book(f, scheme)
        if book.error is not None:
            prev.keep[f] = "无法读回"
            prev.problems.append(Problem(
                f"上次生成的考核表无法读取：{book.error}；其中手工填写的评分和评语这次没有沿用。该文件保留未动，"
                f"新表写在旁边（{_file_agent(f)}{BESIDE}.xlsx）；关闭或修复该文件后重新生成即可沿用",
                f"cannot read back the earlier output {f.name} ({book.error}): its typed entries are not carried; "
                f"the file is kept and the new one is written beside it", file=str(f)))
            continue
        if book.foreign:  # not an output of this program: never written over
            prev.keep[f] = "不是本程序生成的表（没有登记表）"
            continue
        if book.rule_edits:
            prev.keep[f] = "「规则」表改动过"
            prev.problems.append(Problem(
                f"{f.name} 的「规则」表改动过（{'；'.join(book.rule_edits)}）：每个人按同一套规则计分，这些改动没有采用；"
                f"该文件保留未动，新表写在旁边。要让改动生效，请改方案文件，或改 --template 模板的「规则」表",
                f"the 规则 sheet of {f.name} was edited ({'; '.join(book.rule_edits)}): not applied (everyone is scored "
                f"under one set of rules); the file is kept, the new one is written beside it", file=str(f),
                sheet="规则", severity=WARNING))
        for a in book.agents.values():
            if a.month != month:
                continue
            name = a.agent
            if name not in agents:
                new = alias_map.get(account_key(name))
                if new in agents:
                    prev.problems.append(Problem(f"「{name}」在别名表中改名为「{new}」：{f.name} 中手填的内容随之沿用",
                                                 f"{name} is now {new} (alias table): the entries of {f.name} follow",
                                                 file=str(f), agent=new, severity=WARNING))
                    name = new
            claimed = a.claimed
            by_file = stems.get(_file_agent(f)) if own_file(a.agent) is not None else None
            if claimed is None and by_file is not None and by_file != a.agent and by_file != name:
                claimed = by_file
            if claimed is not None and claimed not in (a.agent, name):
                prev.keep[f] = f"是为「{a.agent}」生成的，表上的客服却是「{claimed}」"
                prev.problems.append(Problem(
                    f"{f.name} 是为「{a.agent}」生成的，但表上的客服是「{claimed}」（可能是复制来的表）：其中手填的内容"
                    f"没有计入任何人；该文件保留未动。请把这些内容填进「{claimed}」自己的表，或改回客服名称后重新生成",
                    f"{f.name} was generated for {a.agent} but names {claimed} (a copied workbook?): its entries are "
                    f"not counted for anyone; the file is kept", file=str(f), agent=claimed, value=a.agent))
                continue
            if a.refused is not None:
                prev.keep[f] = "表格结构对不上"
                prev.problems.append(Problem(
                    f"「{a.agent}」的表 {f.name} 对不上，没有读取其中手填的内容：{a.refused}。该文件保留未动，"
                    f"新表写在旁边（{_file_agent(f)}{BESIDE}.xlsx 或同名加「{BESIDE}」）；请把手填内容移到新表，或改好旧表后重新生成",
                    f"{a.agent}: {f.name} does not match ({a.refused}); its entries are not read, the file is kept and "
                    f"the new one is written beside it", file=str(f), agent=a.agent))
                continue
            prev.problems += a.problems
            if name not in agents:
                if a.typed:
                    prev.keep[f] = f"「{a.agent}」不在本月导出中"
                prev.problems.append(Problem(
                    f"「{a.agent}」不在本月的导出数据中：保留其表 {f.name}"
                    + (f" 和其中手填的 {len(a.typed)} 项" if a.typed else "") + "，没有重新生成",
                    f"{a.agent} is not in this month's exports: {f.name} and its entries are kept, not regenerated",
                    file=str(f), agent=a.agent, severity=WARNING))
                continue
            found.setdefault(name, []).append((f, a.typed))
    for name, got in found.items():
        own = own_file(name)
        got.sort(key=lambda x: (own is None or x[0].resolve() != own.resolve(), str(x[0])))
        f0, typed = got[0]
        for f, other in got[1:]:
            if any(k not in typed or not _same(typed[k], v) for k, v in other.items()):
                prev.problems.append(Problem(
                    f"「{name}」另有一份表 {f.name}，其中手填的内容与 {f0.name} 不同：采用 {f0.name} 的",
                    f"{name}: {f.name} holds other entries than {f0.name}; those of {f0.name} are used",
                    file=str(f), agent=name, severity=WARNING))
        if typed:
            prev.typed[name] = dict(typed)
            prev.source[name] = f0
    return prev


def _same(a: Any, b: Any) -> bool:
    from cskpi_xl.workbook.registry import same

    return same(a, b)


def typed_conflicts(m: Month, exported: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """Entries a person typed over a value the exports give: shown every run, the person's value counts."""
    from cskpi_xl.core.problems import WARNING

    out = []
    for agent, values in m.typed.items():
        base = exported.get(agent) or {}
        for key, v in values.items():
            e = base.get(key)
            if e is None or e == "" or _same(e, v):
                continue
            shown = "清空了" if v is None else f"手填的是 {v}"
            out.append(Problem(
                f"「{agent}」的 {key}：导出数据为 {e}，表上{shown}，按表上的计算（要用导出值，请在表上填回 {e}）",
                f"{agent} {key}: the exports give {e}, the sheet has {v!r}; the sheet's value counts",
                agent=agent, value=v, severity=WARNING))
    return out
