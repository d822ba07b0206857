"""Fill one template for one agent: ``fill_template(...) -> (path, problems)``.

The template is any workbook with placeholders (a built-in one from
``workbook_templates/`` or HR's own form, see :mod:`cskpi_xl.workbook.template`).
The template and the exports are never overwritten; the output is written
atomically.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from openpyxl import load_workbook

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.loader import load_scheme
from cskpi_xl.core.problems import Problem
from cskpi_xl.importers.subaccounts import person_of
from cskpi_xl.scoring import figures_for, import_for
from cskpi_xl.safety import check_spreadsheet_file, os_error_problem, path_inside, safe_file_stem
from cskpi_xl.workbook.apply import apply_plan, save_workbook
from cskpi_xl.workbook.rulesheet import SHEET
from cskpi_xl.workbook.rulesread import openpyxl_value_at, read_rules
from cskpi_xl.workbook.template import plan_fill, read_template


def scheme_of_template(wb) -> str | None:
    """The scheme named on the template's 设置 sheet (row 方案), if any."""
    if "设置" not in wb.sheetnames:
        return None
    for row in wb["设置"].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if row and row[0] == "方案" and row[1]:
            return str(row[1]).strip()
    return None


def fill_template(template: str | os.PathLike, exports: Iterable[str | os.PathLike], agent: str, month: str | None,
                  *, scheme_id: str | None = None, out: str | os.PathLike | None = None,
                  manual: str | os.PathLike | None = None,
                  aliases: str | os.PathLike | None = None) -> tuple[Path | None, list[Problem]]:
    """Fill ``template`` for ``agent``; returns the output path (None on failure) and the problems."""
    template = Path(template)
    problems = check_spreadsheet_file(template)
    if problems:
        return None, problems
    wb = load_workbook(template)
    sid = scheme_id or scheme_of_template(wb)
    if not sid:
        return None, [Problem("模板没有指明方案，请用 --scheme 指定", "the template names no scheme; use --scheme", file=str(template))]
    scheme, sp = load_scheme(sid)
    problems += [p for p in sp if p.is_error]
    if scheme is None:
        return None, problems
    if SHEET in wb.sheetnames:  # HR may have changed numbers on the template's 规则 sheet
        scheme, more = read_rules(scheme, openpyxl_value_at(wb), str(template))
        problems += more
    exports = [Path(e) for e in exports]
    data, more = import_for(scheme, exports, month=month, manual=manual, aliases=aliases)
    problems += [p for p in more if p.agent in (None, agent)]
    month = data.month or month
    if agent not in data.agents:
        known = "、".join(data.agents) or "（无）"
        subs = [n for n in data.agents if person_of(n) == agent]
        hint = (f"。「{'」「'.join(subs)}」很可能是「{agent}」的子账号：请用 --aliases 别名表把它们合并到「{agent}」"
                if subs else "")
        problems.append(Problem(f"导出数据中没有客服「{agent}」；有：{known}{hint}", f"no agent {agent!r} in the exports"
                                + (f"; {', '.join(subs)} look like {agent}'s sub-accounts: map them with --aliases"
                                   if subs else ""), agent=agent))
        return None, problems
    team, more = score_team(scheme, figures_for(scheme, data), month)
    problems += [p for p in more if p.agent == agent]
    plan = plan_fill(read_template(wb), scheme, team, agent, file=str(template), month=month)
    problems += plan.problems
    if out is None:
        # the current folder, never the template's (workbook_templates/ stays as built)
        out = path_inside(Path("."),
                          safe_file_stem(f"{template.stem}_{agent}_{month or ''}", set()), ".xlsx")
    out = Path(out)
    inputs = {p.resolve() for p in exports + [template] + [Path(x) for x in (manual, aliases) if x]}
    if out.resolve() in inputs:
        problems.append(Problem("输出文件与模板或导出文件相同，已停止（不会覆盖输入）",
                                "the output would overwrite the template or an export; stopped", file=str(out)))
        return None, problems
    values = apply_plan(wb, plan, agent=agent, month=month)
    if "设置" in wb.sheetnames:
        from cskpi_xl.workbook.xlsxio import write_text_cell

        for row in wb["设置"].iter_rows(min_row=1, max_row=20, max_col=2):
            if row[0].value == "月份":
                row[1].value = month
            elif row[0].value == "客服昵称":
                write_text_cell(row[1], agent)
    try:
        save_workbook(wb, out, values)
    except OSError as exc:
        problems.append(os_error_problem(exc))
        return None, problems
    return out, problems
