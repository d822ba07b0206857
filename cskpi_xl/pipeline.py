"""The one fill path: scheme → 规则-sheet edits → import → score → plan → write.

``cskpi fill`` (:mod:`cskpi_xl.workbook.fill`), the batch
(:mod:`cskpi_xl.workbook.batch`, which adds only the worker pool and the 汇总)
and the Excel buttons (:mod:`cskpi_xl.xlbutton`) all go through these steps,
so a change to any of them lands once:

1. :func:`load` — the scheme, with the numbers HR changed on a 规则 sheet
   (a template's or an earlier output's) applied;
2. :func:`score_month` — import the exports, add what people typed into the
   earlier outputs, score the team;
3. :func:`plan_agent` — the cell writes for one agent's sheet;
4. :func:`write_book` — apply the plan to a workbook and save it atomically.

Every step returns ``(result, problems)`` or a plan carrying its problems;
nothing raises on bad input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from cskpi_xl.core.daily import DayPoint
from cskpi_xl.core.engine import TeamResult, score_team
from cskpi_xl.core.history import PastMonth
from cskpi_xl.core.loader import load_scheme
from cskpi_xl.core.problems import Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.importers import MonthData
from cskpi_xl.scoring import daily_for, figures_for, import_for
from cskpi_xl.workbook.apply import apply_plan, save_workbook
from cskpi_xl.workbook.rulesread import ValueAt, read_rules
from cskpi_xl.workbook.template import FillPlan, TemplateCell, plan_fill


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
      history: agent → earlier months (multi-month rules).
      typed: agent → {input: value} people typed into earlier outputs (None: cleared on purpose).
    """

    scheme: Scheme
    data: MonthData
    month: str | None
    figures: dict[str, dict[str, Any]]
    daily: dict[str, list[DayPoint]]
    team: TeamResult | None
    history: Mapping[str, Sequence[PastMonth]] = field(default_factory=dict)
    typed: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def load(scheme_id: str | os.PathLike | Scheme,
         rule_sheets: Iterable[tuple[ValueAt, str | None]] = ()) -> tuple[Scheme | None, list[Problem]]:
    """The scheme (built-in id, file, or already loaded) with each 规则 sheet's edits applied in turn.

    ``rule_sheets``: ``(value_at, file)`` of workbooks holding a 规则 sheet
    (:func:`cskpi_xl.workbook.rulesread.openpyxl_value_at`, or the buttons'
    xlwings reader). Only the scheme's errors are returned, with the notes
    of every edit used.
    """
    if isinstance(scheme_id, Scheme):
        scheme, problems = scheme_id, []
    else:
        scheme, sp = load_scheme(scheme_id)
        problems = [p for p in sp if p.is_error]
        if scheme is None:
            return None, problems
    for value_at, file in rule_sheets:
        scheme, more = read_rules(scheme, value_at, file)
        problems += more
    return scheme, problems


def score_month(scheme: Scheme, exports: Sequence[Any], *, month: str | None = None, manual: Any = None,
                aliases: Any = None, typed: Mapping[str, Mapping[str, Any]] | None = None,
                history: Mapping[str, Sequence[PastMonth]] | Callable[[str], Mapping[str, Sequence[PastMonth]]] | None = None,
                public_sales: Any = None) -> tuple[Month, list[Problem]]:
    """Import ``exports``, add the ``typed`` entries, score the month.

    ``typed`` may be a callable ``month -> typed`` (read once the month is
    known from the exports), likewise ``history``.
    """
    data, problems = import_for(scheme, exports, month=month, manual=manual, aliases=aliases)
    month = data.month or month
    figures = figures_for(scheme, data)
    daily = daily_for(scheme, data)
    if callable(typed):
        typed = typed(month) if month else {}
    if callable(history):
        history = history(month) if month else {}
    typed, history = dict(typed or {}), dict(history or {})
    for agent, values in typed.items():
        if agent in figures:
            figures[agent].update(values)
    team = None
    if figures:
        team, more = score_team(scheme, figures, month, history, public_sales=public_sales)
        problems += more
    return Month(scheme, data, month, figures, daily, team, history, typed), problems


def plan_agent(cells: Sequence[TemplateCell], m: Month, agent: str | Any, *, file: str | None = None,
               extra: Mapping[str, Any] | None = None, rules: bool = True) -> FillPlan:
    """The cell writes filling the template ``cells`` for ``agent`` (a name or its AgentResult)."""
    return plan_fill(cells, m.scheme, m.team, agent, file=file, month=m.month, extra=dict(extra) if extra else None,
                     rules=rules)


def write_book(wb, plan: FillPlan, path: str | os.PathLike, *, agent: str | None, month: str | None,
               extra_values: Mapping[str, Mapping[str, Any]] | None = None,
               sheets: Mapping[str, bytes] | None = None, before_save: Callable[[Any, dict], None] | None = None) -> Path:
    """Apply ``plan`` to the openpyxl workbook ``wb`` and save it to ``path`` (atomically).

    ``before_save(wb, values)`` may add to the workbook (a daily sheet, the
    设置 rows) before it is saved; ``sheets`` are sheets serialized once
    for many files (see :func:`cskpi_xl.workbook.apply.save_workbook`).
    """
    values = apply_plan(wb, plan, agent=agent, month=month)
    for sh, v in (extra_values or {}).items():
        values.setdefault(sh, {}).update(v)
    if before_save is not None:
        before_save(wb, values)
    return save_workbook(wb, path, values, sheets=sheets)
