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
from cskpi_xl.core.history import PastMonth
from cskpi_xl.core.problems import Problem
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
                history: Mapping[str, Sequence[PastMonth]] | None = None,
                team_figures: Mapping[str, Any] | None = None) -> tuple[TeamResult | None, list[Problem]]:
    """Import ``files`` (exports or a canonical table) and score the month under ``scheme``."""
    data, problems = import_for(scheme, files, month=month, manual=manual, aliases=aliases)
    if not data.agents:
        return None, problems
    team, more = score_team(scheme, figures_for(scheme, data), month=data.month, history=history,
                            public_sales=public_sales, team_figures=team_figures)
    return team, problems + more
