"""From files to a scored team: import the exports, add the S10 daily figure, score.

This is the one path ``cskpi score``, ``cskpi fill``, the batch and the Excel
buttons share, so a scheme's hand-typed inputs and the daily view count the
same everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, Sequence

from cskpi_xl.core.daily import DayPoint, daily_trend
from cskpi_xl.core.engine import TeamResult, score_team
from cskpi_xl.core.history import History, PastMonth
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.importers import MonthData, import_files


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
                history_from: Sequence[Any] | None = None) -> tuple[TeamResult | None, list[Problem]]:
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
                            public_sales=public_sales)
    if team.missing_history:
        more.append(where_problem(found) if found is not None else Problem(
            "没有指定之前月份的结果：用 --history 指定之前月份的 汇总_*.xlsx、放各月文件夹的文件夹或历史记录表",
            "no earlier months given: point --history at an earlier 汇总_*.xlsx, a folder of month folders or a history table",
            severity=WARNING))
    return team, problems + more
