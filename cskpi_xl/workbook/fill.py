"""Fill one template for one agent: ``fill_template(...) -> (path, problems)``.

The template is any workbook with placeholders (a built-in one from
``workbook_templates/`` or HR's own form, see :mod:`cskpi_xl.workbook.template`).
The template and the exports are never overwritten; the output is written
atomically.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from openpyxl import load_workbook

from cskpi_xl import pipeline
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.importers.subaccounts import person_of
from cskpi_xl.files.names import path_inside, safe_file_stem
from cskpi_xl.files.oserrors import os_error_problem
from cskpi_xl.importers.filecheck import check_file
from cskpi_xl.workbook.rulesheet import SHEET
from cskpi_xl.workbook.rulesread import clear_openpyxl, needs_reset, openpyxl_value_at
from cskpi_xl.workbook.sheetnames import SETTINGS
from cskpi_xl.workbook.template import read_template
from cskpi_xl.workbook.apply import write_text_cell


def scheme_of_template(wb) -> str | None:
    """The scheme named on the template's 设置 sheet (row 方案), if any."""
    if SETTINGS not in wb.sheetnames:
        return None
    for row in wb[SETTINGS].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if row and row[0] == "方案" and row[1]:
            return str(row[1]).strip()
    return None


def fill_template(template: str | os.PathLike, exports: Iterable[str | os.PathLike], agent: str, month: str | None,
                  *, scheme_id: str | None = None, out: str | os.PathLike | None = None,
                  manual: str | os.PathLike | None = None,
                  aliases: str | os.PathLike | None = None, public_sales: Any = None,
                  team: Any = None) -> tuple[Path | None, list[Problem]]:
    """Fill ``template`` for ``agent``; returns the output path (None on failure) and the problems."""
    template = Path(template)
    problems = check_file(template).problems
    if problems:
        return None, problems
    wb = load_workbook(template)
    sid = scheme_id or scheme_of_template(wb)
    if not sid:
        return None, [Problem("模板没有指明方案，请用 --scheme 指定", "the template names no scheme; use --scheme", file=str(template))]
    rule_sheets = [(openpyxl_value_at(wb), str(template))] if SHEET in wb.sheetnames else []
    scheme, more = pipeline.load(sid, rule_sheets)  # HR may have changed numbers on the template's 规则 sheet
    problems += more
    if scheme is None:
        return None, problems
    if rule_sheets and needs_reset(scheme, openpyxl_value_at(wb)):  # HR moved rows: write the sheet afresh
        clear_openpyxl(wb)
    exports = [Path(e) for e in exports]

    def target(mo: str | None) -> Path:
        if out is not None:
            return Path(out)
        # the current folder, never the template's (workbook_templates/ stays as built)
        return path_inside(Path("."), safe_file_stem(f"{template.stem}_{agent}_{mo or ''}", set()), ".xlsx")

    prev_box: list[pipeline.Previous] = []

    def typed(mo: str, agents: set[str]):
        # filling over an earlier output: what a person typed there is theirs, and stays
        t = target(mo)
        if not t.exists():
            return {}
        prev = pipeline.read_previous([t], mo, agents, aliases=aliases,
                                      own_file=lambda a: t.resolve() if a == agent else None, scheme=scheme)
        prev_box.append(prev)
        return {a: v for a, v in prev.typed.items() if a == agent}

    m, more = pipeline.score_month(scheme, exports, month=month, manual=manual, aliases=aliases, typed=typed,
                                   public_sales=public_sales, team=team)
    prev = prev_box[0] if prev_box else pipeline.Previous()
    problems += prev.problems
    month = m.month
    if agent not in m.figures:
        problems += [p for p in more if p.agent in (None, agent)]
        known = "、".join(m.data.agents) or "（无）"
        subs = [n for n in m.data.agents if person_of(n) == agent]
        hint = (f"。「{'」「'.join(subs)}」很可能是「{agent}」的子账号：请用 --aliases 别名表把它们合并到「{agent}」"
                if subs else "")
        problems.append(Problem(f"导出数据中没有客服「{agent}」；有：{known}{hint}", f"no agent {agent!r} in the exports"
                                + (f"; {', '.join(subs)} look like {agent}'s sub-accounts: map them with --aliases"
                                   if subs else ""), agent=agent))
        return None, problems
    problems += [p for p in more if p.agent in (None, agent)]
    plan = pipeline.plan_agent(read_template(wb), m, agent, file=str(template))
    problems += plan.problems
    out = target(month)
    if out.exists() and (out.resolve() in prev.keep or not prev_box):
        why = prev.keep.get(out.resolve(), "不是本程序生成的表，或无法读回")
        new = pipeline.beside(out)
        problems.append(Problem(f"保留 {out.name}（{why}），新表写在 {new.name}",
                                f"{out.name} is kept ({why}); the new one is written to {new.name}", file=str(out),
                                agent=agent, severity=WARNING))
        out = new
    inputs = {p.resolve() for p in exports + [template] + [Path(x) for x in (manual, aliases) if x]}
    if out.resolve() in inputs:
        problems.append(Problem("输出文件与模板或导出文件相同，已停止（不会覆盖输入）",
                                "the output would overwrite the template or an export; stopped", file=str(out)))
        return None, problems

    def settings(wb, values) -> None:
        if SETTINGS in wb.sheetnames:
            for row in wb[SETTINGS].iter_rows(min_row=1, max_row=20, max_col=2):
                if row[0].value == "月份":
                    row[1].value = month
                elif row[0].value == "客服昵称":
                    write_text_cell(row[1], agent)

    try:
        pipeline.write_book(wb, plan, out, agent=agent, month=month, before_save=settings)
    except OSError as exc:
        problems.append(os_error_problem(exc))
        return None, problems
    return out, problems
